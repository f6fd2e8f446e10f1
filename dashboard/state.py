"""Session state and the cached calls of the public API, keyed on the scenario's content.

Pages read and write the session through these helpers only, so the keys live in one
place. Cached calls take the scenario's text and overrides (not a parsed object), so
the same content gives the same cache entry whichever page asks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

import optimizer
from optimizer import CalendarValue, HiringPlan, Plan, PlanMode, VerifiedHiring, VerifiedPlan
from sim import Problem, ScenarioError, SimResult, TeamsimError
from sim import simulate as run_simulation
from sim.scenario import Scenario, parse_scenario
from teamsim.io import read_scenario_bytes
from teamsim.runs_io import identical_run as find_identical_run
from teamsim.store import Store, default_store_path
from teamsim.verify_view import VERIFY_ITERATIONS, VERIFY_REPLICATIONS

__all__ = [
    "DEFAULT_SCENARIO",
    "MAX_SEED",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "VERIFY_ITERATIONS",
    "VERIFY_REPLICATIONS",
    "Source",
    "bundled",
    "bundled_source",
    "current",
    "evaluate_calendar",
    "identical_run",
    "lever_values",
    "overrides",
    "parse",
    "plan",
    "plan_hiring",
    "read_upload",
    "recall",
    "remember",
    "save_variant",
    "set_current",
    "set_edits",
    "simulate",
    "simulate_afresh",
    "store",
    "try_parse",
    "variant_source",
    "variants",
    "verify",
    "verify_hiring",
    "workers",
]

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = "retail_bank"
MAX_UPLOAD_MB = 1
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_SEED = 2**53 - 1  # the largest integer a browser number widget holds exactly


@dataclass(frozen=True)
class Source:
    """A scenario's text and where it came from (bundled file, upload or saved variant)."""

    label: str
    text: str
    origin: str  # names the source in messages: a file name, "upload x.yaml", "variant v"
    kind: str = "bundled"  # bundled, upload, variant
    notes: tuple[str, ...] = field(default=())


# -- where scenarios come from -----------------------------------------------------------
def bundled() -> dict[str, Path]:
    """The bundled scenario files by name, the default first."""
    files = sorted(SCENARIO_DIR.glob("*.yaml")) if SCENARIO_DIR.is_dir() else []
    names = {f.stem: f for f in files}
    ordered = {DEFAULT_SCENARIO: names.pop(DEFAULT_SCENARIO)} if DEFAULT_SCENARIO in names else {}
    return {**ordered, **names}


def bundled_source(name: str) -> Source:
    """A bundled scenario by name."""
    path = bundled()[name]
    return Source(name, read_scenario_bytes(path).decode("utf-8-sig"), path.name)


def read_upload(name: str, data: bytes) -> tuple[Source | None, list[Problem]]:
    """An uploaded file as a source, and the loader's problems with it (none: it is valid).

    A file that is text but not a valid scenario is still a source: it becomes the
    scenario being edited, with its problems shown, instead of the page going back to
    another scenario. A file too large, or not text, is no source (None).

    The bytes are only ever read as YAML by the project's loader (a safe loader): nothing
    in an uploaded file is executed.
    """
    origin = f"upload {name}"
    label = Path(name).stem or name
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"is {len(data):,} bytes; uploads are at most {MAX_UPLOAD_MB} MB"
        return None, [Problem((), size, origin)]
    try:
        parse_scenario(data, origin)  # raises with every problem, line by line
    except ScenarioError as exc:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, exc.problems
        if "\x00" in text:  # binary: nothing a person could fix in place
            return None, exc.problems
        return Source(label, text, origin, kind="upload"), exc.problems
    return Source(label, data.decode("utf-8-sig"), origin, kind="upload"), []


# -- the scenario being edited -----------------------------------------------------------
def current() -> Source:
    """The scenario the pages work on (the default bundled one until another is picked)."""
    source = st.session_state.get("source")
    if not isinstance(source, Source):
        source = bundled_source(DEFAULT_SCENARIO)
        st.session_state["source"] = source
    return source


def set_current(source: Source) -> None:
    """Work on another scenario; its edits start from scratch."""
    st.session_state["source"] = source
    st.session_state["lever_values"] = {}
    st.session_state["overrides"] = ()
    # The lever widgets keep their own values under their keys: they go too.
    for key in [k for k in st.session_state if str(k).startswith("lever:")]:
        del st.session_state[key]


def overrides() -> tuple[str, ...]:
    """The edits of the current scenario, as ``path=value`` overrides."""
    return tuple(st.session_state.get("overrides", ()))


def lever_values() -> dict[str, Any]:
    """The values the levers were last set to, by dotted path."""
    return dict(st.session_state.get("lever_values", {}))


def set_edits(values: dict[str, Any], edits: Sequence[str]) -> None:
    """Keep the levers' values (to show them again) and the overrides they make."""
    st.session_state["lever_values"] = dict(values)
    st.session_state["overrides"] = tuple(edits)


def variant_source(name: str, text: str) -> Source:
    """A saved variant as a source."""
    return Source(name, text, f"variant {name}", kind="variant")


def variants() -> dict[str, Source]:
    """Scenarios saved under a name: in the run store, so they outlive the session.

    Those the store could not keep (busy, not writable) are kept in the session and
    listed too, after the stored ones.
    """
    try:
        stored = {v.name: variant_source(v.name, v.scenario_text) for v in store().variants()}
    except TeamsimError:
        stored = {}
    return {**stored, **dict(st.session_state.get("variants", {}))}


def save_variant(source: Source, origin: str = "") -> None:
    """Keep an edited scenario under its label in the run store, for Compare and later.

    Raises:
        StoreError: The store cannot be written; the variant is then kept in this session
            only, and the caller says so.
    """
    kept = dict(st.session_state.get("variants", {}))
    kept.pop(source.label, None)
    try:
        store().save_variant(source.label, source.text, origin=origin)
    except TeamsimError:
        st.session_state["variants"] = {**kept, source.label: source}
        raise
    st.session_state["variants"] = kept


def workers() -> int | None:
    """Local processes for replications (None: every core). Tests set 1."""
    value = st.session_state.get("workers")
    return int(value) if value else None


def store() -> Store:
    """The run store: ``$TEAMSIM_STORE`` (set by ``teamsim dashboard --store``) or the default.

    Runs keep their summaries, not the raw event tables, as the commands do by default.
    """
    return Store(default_store_path(), detail=False)


def identical_run(scenario: Scenario, *, seed: int, replications: int) -> str | None:
    """The stored run identical to simulating ``scenario`` now (``teamsim compare``'s rule).

    :func:`teamsim.runs_io.identical_run` on the run store; None when there is none, or
    when the store cannot be read (then the page simulates, as if nothing were stored).
    """
    try:
        return find_identical_run(store(), scenario, seed=seed, replications=replications)
    except TeamsimError:
        return None


# -- results that survive a rerun --------------------------------------------------------
def remember(name: str, key: tuple[Any, ...], value: Any) -> None:
    """Keep a result under a name, with the inputs it was computed from."""
    st.session_state[f"result:{name}"] = (key, value)


def recall(name: str, key: tuple[Any, ...] | None = None) -> Any:
    """The result kept under a name (only if computed from ``key``, when given)."""
    kept = st.session_state.get(f"result:{name}")
    if kept is None or (key is not None and kept[0] != key):
        return None
    return kept[1]


def forget(name: str) -> None:
    """Drop a kept result."""
    st.session_state.pop(f"result:{name}", None)


# -- cached calls of the public API ------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def parse(text: str, origin: str, edits: tuple[str, ...] = ()) -> Scenario:
    """The validated scenario (raises ScenarioError; errors are not cached)."""
    return parse_scenario(text, origin, list(edits))


def try_parse(
    text: str, origin: str, edits: tuple[str, ...] = ()
) -> tuple[Scenario | None, list[Problem]]:
    """The scenario, or None and the loader's problems."""
    try:
        return parse(text, origin, edits), []
    except ScenarioError as exc:
        return None, exc.problems


def scenario_title(source: Source, scenario: Scenario | None) -> str:
    """What the pages call a scenario: a saved variant by its name, a file by its ``name``.

    A head reads "Retail bank, direct sales unit", not the file's stem "retail_bank"; a
    file that does not parse has no name yet and is called by its file.
    """
    if source.kind == "variant" or scenario is None:
        return source.label
    return scenario.name


def _replications_bar(text: str) -> tuple[Any, Callable[[str, int, int], None]]:
    """A progress bar and the verify loops' progress callback that moves it."""
    bar = st.progress(0.0, text=text)

    def advance(what: str, done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"{what}: {done} of {total} replications")

    return bar, advance


@st.cache_data(max_entries=8, show_spinner=False)
def simulate(
    text: str,
    origin: str,
    edits: tuple[str, ...],
    replications: int,
    seed: int,
    workers: int | None,
) -> SimResult:
    """Replications of a scenario, with a progress bar while they run.

    The bar is created inside the cached function, so a cache hit replays it rather
    than pointing at an element of an earlier run.
    """
    return simulate_afresh(
        text, origin, edits, replications=replications, seed=seed, workers=workers
    )


def simulate_afresh(
    text: str,
    origin: str,
    edits: tuple[str, ...],
    replications: int,
    seed: int,
    workers: int | None,
) -> SimResult:
    """:func:`simulate` without its cache: what a page's "Simulate afresh" asks for."""
    scenario = parse_scenario(text, origin, list(edits))
    bar = st.progress(0.0, text=f"Simulating {replications} replications of {scenario.name}")

    def advance(done: int) -> None:
        bar.progress(done / replications, text=f"{done} of {replications} replications done")

    result = run_simulation(scenario, replications, seed, workers=workers, progress=advance)
    bar.empty()
    return result


@st.cache_data(max_entries=32, show_spinner=False)
def plan(text: str, origin: str, edits: tuple[str, ...], mode: PlanMode) -> Plan:
    """The optimiser's plan (raises InfeasiblePlanError with its explanation)."""
    return optimizer.plan(parse_scenario(text, origin, list(edits)), mode=mode)


@st.cache_data(max_entries=16, show_spinner=False)
def plan_hiring(
    text: str,
    origin: str,
    edits: tuple[str, ...],
    objective: str,
    budget: float | None,
    period: str,
) -> HiringPlan:
    """The hiring calendar (raises InfeasiblePlanError with its causes, ValueError)."""
    return optimizer.plan_hiring(
        parse_scenario(text, origin, list(edits)),
        objective=objective,
        budget=budget,
        budget_period=period,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def evaluate_calendar(
    text: str,
    origin: str,
    edits: tuple[str, ...],
    hires: tuple[tuple[str, str, int], ...],
) -> CalendarValue:
    """A calendar's months (``hires``: role, month label, people): what the team can sell."""
    calendar = {(role, month): count for role, month, count in hires}
    return optimizer.evaluate_calendar(parse_scenario(text, origin, list(edits)), calendar)


def store_path_text() -> str:
    """Where runs are kept, for the sidebar."""
    return os.fspath(default_store_path().resolve())


@st.cache_resource(max_entries=2, show_spinner=False)
def verify(
    text: str,
    origin: str,
    edits: tuple[str, ...],
    replications: int,
    seed: int,
    max_iterations: int,
    confidence: float,
    workers: int | None,
) -> VerifiedPlan:
    """The verified plan: optimise, simulate, recalibrate until the plan holds.

    A resource cache, not a data cache: the result holds every iteration's simulation,
    too big to copy on every hit; it is never changed after it is made.
    """
    scenario = parse_scenario(text, origin, list(edits))
    bar, advance = _replications_bar("Optimising and simulating")

    verified = optimizer.verify(
        scenario,
        confidence=confidence,
        replications=replications,
        seed=seed,
        max_iterations=max_iterations,
        workers=workers,
        progress=advance,
    )
    bar.empty()
    return verified


@st.cache_resource(max_entries=2, show_spinner=False)
def verify_hiring(
    text: str,
    origin: str,
    edits: tuple[str, ...],
    *,
    objective: str,
    budget: float | None,
    period: str,
    replications: int,
    max_iterations: int,
    workers: int | None,
) -> VerifiedHiring:
    """The hiring calendar simulated and raised until each month holds (the scenario's seed).

    A resource cache, as :func:`verify`: the result holds the final simulation.
    """
    scenario = parse_scenario(text, origin, list(edits))
    bar, advance = _replications_bar("Planning the calendar and simulating it")

    verified = optimizer.verify_hiring(
        scenario,
        replications=replications,
        max_iterations=max_iterations,
        objective=objective,
        budget=budget,
        budget_period=period,
        workers=workers,
        progress=advance,
    )
    bar.empty()
    return verified
