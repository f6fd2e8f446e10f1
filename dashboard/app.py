"""The dashboard's entry point: ``streamlit run dashboard/app.py`` (or ``teamsim dashboard``).

Only navigation lives here; each page is a file in ``dashboard/views``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

VIEWS = Path(__file__).resolve().parent / "views"


def main() -> None:
    """Set up the page and run the one the user picked."""
    # Imported here: simulation workers import this file, and need none of it.
    from dashboard import state

    st.set_page_config(page_title="teamsim", page_icon=":bar_chart:", layout="wide")
    pages = [
        st.Page(VIEWS / "scenario.py", title="Scenario", icon=":material/edit_note:", default=True),
        st.Page(VIEWS / "simulate.py", title="Simulate", icon=":material/play_circle:"),
        st.Page(VIEWS / "plan.py", title="Plan", icon=":material/groups:"),
        st.Page(VIEWS / "hiring.py", title="Hiring", icon=":material/calendar_month:"),
        st.Page(VIEWS / "compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page(VIEWS / "calibrate.py", title="Calibrate", icon=":material/tune:"),
        st.Page(VIEWS / "runs.py", title="Runs", icon=":material/inventory_2:"),
    ]
    page = st.navigation(pages)
    page.run()
    # After the page: the Scenario page may just have changed the scenario or its edits.
    with st.sidebar:
        source = state.current()
        edits = state.overrides()
        scenario, _ = state.try_parse(source.text, source.origin, edits)
        st.caption(f"Scenario: **{state.scenario_title(source, scenario)}**")
        if edits:
            st.caption(f"{len(edits)} edit(s) on the Scenario page")
        st.caption(f"Run store: `{state.store_path_text()}`")


# Streamlit runs this file as __main__; worker processes of a simulation import it as
# __mp_main__ and must not start the app.
if __name__ == "__main__":
    main()
