"""Small pieces every page uses: headers, charts with their explanation, problem lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from sim import Problem
from sim.scenario import Scenario

__all__ = ["chart", "current_scenario", "escape", "header", "show_problems", "text_table"]


def header(title: str, explanation: str) -> None:
    """The page title and one sentence on what the page is for."""
    st.title(title)
    st.markdown(explanation)


def chart(figure: Any, explanation: str, key: str | None = None) -> None:
    """A plotly figure across the page, with a one-line explanation under it."""
    st.plotly_chart(figure, width="stretch", theme=None, key=key)
    st.caption(explanation)


def text_table(frame: pd.DataFrame) -> None:
    """A table of words shown whole: every row and every text at full length, wrapped.

    For tables read as text (a plan card, what limits the plan): a scrolling grid cuts
    long cells ("EUR/month of cost (char...") and hides rows behind an inner scroll.
    """
    # A lone "-" reads as a Markdown list bullet in st.table: an en dash reads the same.
    shown = frame.map(lambda v: "\u2013" if isinstance(v, str) and v == "-" else v)
    st.table(shown, hide_index=True)


def show_problems(
    problems: Iterable[Problem], what: str = "The scenario cannot be used", *, brief: bool = False
) -> None:
    """The loader's messages, one line per problem, as an error box (never a traceback).

    ``brief`` leaves out where the problem is: for a message shown next to its field.
    """
    lines = [f"- {escape(p.message if brief else str(p))}" for p in problems]
    st.error(f"**{what}:**\n" + "\n".join(lines), icon=":material/error:")


def escape(text: str) -> str:
    """Text shown as itself in Markdown (messages quote YAML: stars, underscores, dollars)."""
    for char in "\\`*_$[]":
        text = text.replace(char, "\\" + char)
    return text


def current_scenario() -> tuple[state.Source, tuple[str, ...], Scenario | None]:
    """The current scenario, its edits and the parsed scenario; shows problems if it has any."""
    source = state.current()
    edits = state.overrides()
    scenario, problems = state.try_parse(source.text, source.origin, edits)
    label = state.scenario_title(source, scenario)
    st.markdown(
        f"Scenario: **{escape(label)}**"
        + (f" with {len(edits)} edit(s)" if edits else "")
        + (f" ({escape(source.origin)})" if source.kind != "variant" else "")
    )
    if problems:
        show_problems(problems, "Fix the scenario on the Scenario page first")
    return source, edits, scenario
