"""Scenario: pick, upload or edit a scenario; download it; keep it as a named variant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from dashboard import levers, state, ui
from dashboard.levers import Lever
from sim import ScenarioError, TeamsimError
from sim.scenario import Scenario
from teamsim.store import scenario_text_hash

SOURCES = ("Bundled", "Upload a file", "Saved variant")


def render() -> None:
    """The page."""
    ui.header(
        "Scenario",
        "Pick a bundled scenario or upload your own, then change the main levers. "
        "Every change is checked at once; the other pages use the scenario as edited here.",
    )
    _pick_source()
    source = state.current()
    original, problems = state.try_parse(source.text, source.origin)
    if original is None:
        ui.show_problems(problems, f"{_file_name(source)} cannot be used")
        _fix_in_place(source)
        return
    _summary(original, source)
    all_levers = levers.levers(original)
    digest = scenario_text_hash(source.text)[:12]
    top = st.container()
    values, slots = _lever_widgets(all_levers, digest)
    edits = levers.overrides_from(values, all_levers)
    state.set_edits(values, edits)
    edited, problems = state.try_parse(source.text, source.origin, tuple(edits))
    for lever in all_levers:
        mine = levers.problems_for(lever, problems)
        if mine:
            with slots[lever.key]:
                ui.show_problems(mine, "Not allowed", brief=True)
    with top:
        rest = levers.unplaced(all_levers, problems)
        if rest:
            ui.show_problems(rest)
    _edits_and_export(source, edits, edited)


def _pick_source() -> None:
    source = state.current()
    default = {"bundled": 0, "upload": 1, "variant": 2}.get(source.kind, 0)
    how = st.radio("Where the scenario comes from", SOURCES, index=default, horizontal=True)
    if how == SOURCES[0]:
        names = list(state.bundled())
        index = (
            names.index(source.label) if source.kind == "bundled" and source.label in names else 0
        )
        name = st.selectbox("Bundled scenario", names, index=index, key="pick_bundled")
        if name is not None and (source.kind != "bundled" or name != source.label):
            state.set_current(state.bundled_source(name))
    elif how == SOURCES[1]:
        _upload()
    else:
        saved = state.variants()
        if not saved:
            st.info("No saved variants yet: edit a scenario below and save it under a name.")
            return
        names = list(saved)
        index = (
            names.index(source.label) if source.kind == "variant" and source.label in names else 0
        )
        name = st.selectbox("Saved variant", names, index=index, key="pick_variant")
        if name is not None and (source.kind != "variant" or name != source.label):
            state.set_current(saved[name])
        st.caption(f"Saved variants are kept in the run store, `{state.store_path_text()}`.")
        if name is not None and st.button("Delete this variant"):
            try:
                state.store().delete_variant(name)
            except TeamsimError as exc:
                st.error(str(exc))
                return
            state.set_current(state.bundled_source(state.DEFAULT_SCENARIO))
            st.rerun()


def _upload() -> None:
    upload = st.file_uploader(
        f"Scenario file (YAML, at most {state.MAX_UPLOAD_MB} MB)",
        type=["yaml", "yml"],
        max_upload_size=state.MAX_UPLOAD_MB,
        key="upload",
        help="Read with a safe YAML loader: a scenario file holds data only, nothing in it runs.",
    )
    if upload is None:
        return
    source, problems = state.read_upload(upload.name, upload.getvalue())
    if source is None:
        ui.show_problems(problems, f"{upload.name} cannot be used")
        return
    if st.session_state.get("upload_id") != upload.file_id:
        # A new file becomes the scenario being edited, valid or not: its problems are
        # then shown below, and it can be fixed here or uploaded again.
        st.session_state["upload_id"] = upload.file_id
        state.set_current(source)
    if not problems:
        st.success(f"Using {upload.name}.")


def _file_name(source: state.Source) -> str:
    return source.origin.removeprefix("upload ") if source.kind == "upload" else source.label


def _fix_in_place(source: state.Source) -> None:
    """The scenario's text, to correct here and check again (the file on disk is untouched)."""
    with st.form("fix_text"):
        text = st.text_area(
            "The scenario's text: correct it here, or fix the file and upload it again",
            source.text,
            height=360,
        )
        if st.form_submit_button("Check again") and text != source.text:
            state.set_current(state.Source(source.label, text, source.origin, kind=source.kind))
            st.rerun()


def _summary(scenario: Scenario, source: state.Source) -> None:
    st.subheader(scenario.name)
    if scenario.description:
        st.markdown(scenario.description)
    people = sum(r.headcount.current for r in scenario.roles.values())
    cols = st.columns(4)
    cols[0].metric("People now", people)
    cols[1].metric("Working days simulated", scenario.calendar.horizon_days)
    cols[2].metric("Segments", len(scenario.segments))
    cols[3].metric("Currency", scenario.currency)
    st.caption(f"Source: {source.origin}")


def _lever_widgets(all_levers: list[Lever], digest: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A widget per lever, grouped in tabs; the values and a slot under each for its problems."""
    kept = state.lever_values()
    values: dict[str, Any] = {}
    slots: dict[str, Any] = {}
    groups = list(dict.fromkeys(lv.group for lv in all_levers))
    tabs = dict(zip(groups, st.tabs(groups), strict=True))
    for group, tab in tabs.items():
        with tab:
            cols = st.columns(3)
            for i, lever in enumerate(lv for lv in all_levers if lv.group == group):
                with cols[i % 3]:
                    value = kept.get(lever.key, lever.value)
                    values[lever.key] = _widget(lever, value, f"lever:{digest}:{lever.key}")
                    slots[lever.key] = st.container()
    return values, slots


def _widget(lever: Lever, value: Any, key: str) -> Any:
    label, help_ = lever.label, lever.help
    if lever.kind == "headcount":
        st.markdown(f"**{label}** ({help_})")
        a, b, c = st.columns(3)
        return {
            "current": a.number_input("now", min_value=0, value=int(value["current"]), step=1,
                                      key=f"{key}.current"),
            "min": b.number_input("fewest", min_value=0, value=int(value["min"]), step=1,
                                  key=f"{key}.min", help="fewest people the plan may have"),
            "max": c.number_input("most", min_value=0, value=int(value["max"]), step=1,
                                  key=f"{key}.max", help="most people the plan may have"),
        }  # fmt: skip
    if lever.kind == "people":
        return st.number_input(f"{label}: people ({help_})", min_value=0, value=int(value),
                               step=1, key=key)  # fmt: skip
    if lever.kind == "count":
        return st.number_input(label, min_value=0, value=int(value), step=1, key=key, help=help_)
    if lever.kind == "share":
        return st.number_input(label, min_value=0.0, max_value=1.0, value=float(value),
                               step=0.01, format="%.2f", key=key, help=help_)  # fmt: skip
    if lever.kind == "days":
        return st.number_input(label, min_value=0.0, value=float(value), step=1.0, format="%.1f",
                               key=key, help=help_)  # fmt: skip
    if lever.kind == "money":
        return st.number_input(label, min_value=0.0, value=float(value), step=100_000.0,
                               format="%.0f", key=key, help=help_)  # fmt: skip
    text = st.text_input(label, ", ".join(f"{v:g}" for v in value), key=key, help=help_)
    return _numbers(text, value)


def _numbers(text: str, fallback: list[float]) -> Any:
    try:
        return [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        return text  # the loader then says what was expected, next to the field


def _edits_and_export(source: state.Source, edits: list[str], edited: Scenario | None) -> None:
    st.subheader("Your edits")
    if not edits:
        st.caption("None yet: the scenario is as loaded.")
    else:
        st.code("\n".join(edits), language="text")
        if st.button("Undo all edits"):
            state.set_current(source)
            st.rerun()
    if edited is None:
        st.caption("Fix the problems above to download or save the scenario.")
        return
    header = (
        f"# {edited.name}: {source.origin} edited in the teamsim dashboard "
        f"on {dt.date.today():%Y-%m-%d}\n" + "".join(f"#   {e}\n" for e in edits)
    )
    text = levers.edited_yaml(source.text, edits, header) if edits else source.text
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Download the scenario (YAML)",
            text.encode("utf-8"),
            file_name=f"{source.label}{'_edited' if edits else ''}.yaml",
            mime="application/x-yaml",
        )
    with right:
        name = st.text_input("Save as a named variant", placeholder="e.g. more supervisors")
        if st.button("Save variant", disabled=not name.strip()):
            origin = source.origin + (" edited" if edits else "")
            _save_variant(name.strip(), text, origin)


def _save_variant(name: str, text: str, origin: str) -> None:
    variant = state.variant_source(name, text)
    try:
        state.parse(variant.text, variant.origin)
    except ScenarioError as exc:
        ui.show_problems(exc.problems)
        return
    try:
        state.save_variant(variant, origin)
    except TeamsimError as exc:
        st.warning(f"Saved as {name!r} for this session only: the run store cannot keep it "
                   f"({exc}).")  # fmt: skip
        return
    st.success(f"Saved as {name!r} in the run store: pick it on Compare, or here under "
               "'Saved variant'; it is kept when the dashboard restarts.")  # fmt: skip


if __name__ == "__main__":
    render()
