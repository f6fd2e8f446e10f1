"""Calibrate: the team's own records (CRM exports) in, a calibrated scenario out.

The work is :func:`run_calibration_from_uploads`, a plain function of the uploaded bytes
and the options (tested without a browser); the page only gathers them and shows the
result. Both go through :func:`teamsim.calibration.calibrate_files`, as ``teamsim
calibrate`` does, so the page and the command give the same scenario for the same files.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from calibrate import FUNNEL, LABELS, Backtest, GoalsReport, RowProblem, counted
from dashboard import levers, state, ui
from sim import Problem, ScenarioError, TeamsimError, format_money_range, format_number
from teamsim.calibrate_view import (
    band_note,
    below_plan_note,
    correct_model_note,
    expected_text,
    expected_verdicts,
    fit_value,
    gap_note,
    interval,
    left_out_note,
    person_cell,
    plan_source,
    plan_words,
    problem_lines,
    report_sheets,
    rows_note,
    sentences,
    stage_header,
    team_cells,
    win_cell,
    write_excel,
)
from teamsim.calibration import (
    CalibrateRequest,
    CalibrationOutcome,
    DateOrder,
    RecordsError,
    calibrate_files,
)
from teamsim.format import fmt_value
from teamsim.pseudonym_key import PSEUDONYM_KEY_ENV, pseudonym_key_file

__all__ = [
    "KINDS",
    "MAX_RECORDS_BYTES",
    "MAX_RECORDS_MB",
    "PAGE_OPTIONS",
    "CalibrateOptions",
    "CalibratePageResult",
    "backtest_caption",
    "backtest_display",
    "error_lines",
    "fits_display",
    "furthest_display",
    "page_words",
    "people_display",
    "plan_caption",
    "run_calibration_from_uploads",
    "team_display",
    "workbook_bytes",
]

# A CRM export is much bigger than a scenario file (state.MAX_UPLOAD_MB = 1): the shipped
# synthetic example's activities are 0.7 MB for 15 people over 300 working days, so a
# year of a team of a hundred is about 10 MB. 20 MB holds that with room, and keeps one
# upload's pandas copy small next to the server's memory.
MAX_RECORDS_MB = 20
MAX_RECORDS_BYTES = MAX_RECORDS_MB * 1024 * 1024

# The four kinds of records, as CalibrateRequest names them, with the uploader's label.
KINDS: dict[str, str] = {
    "deals": "Deals (opportunities)",
    "stages": "Stage history",
    "activities": "Activities or work-day cards",
    "team": "The team",
}
# The base scenario's choices, the default first: the records and the published defaults
# need no base, so the README's example calibrates as the page opens (a base's stage names
# must match the records', or be mapped in the Stage mapping).
BUILD = "Build from the records"
CURRENT = "The current scenario"
BUNDLED = "A bundled scenario"
BASES = (BUILD, CURRENT, BUNDLED)
DATE_ORDERS: dict[str, DateOrder | None] = {
    "auto (an ambiguous file is reported)": None,
    "day first (d/m/Y)": DateOrder.DMY,
    "month first (m/d/Y)": DateOrder.MDY,
}
RESULT = "calibrate"  # the name the result is remembered under (state.remember)

# The page's controls, as their labels begin: the widgets and page_words name them alike.
BASE_CONTROL = "Base scenario"
COLUMN_CONTROL = "Column mapping"
STAGE_CONTROL = "Stage mapping"
NAMES_CONTROL = "Names mapping"
DATES_CONTROL = "Slash dates"
PLAN_CONTROL = "Plan"
CURRENCY_CONTROL = "Currency"
PSEUDONYMS_CONTROL = "Replace people's names by stable pseudonyms"
BACKTEST_CONTROL = "Back-test"
EXCEL_CONTROL = "Download the report (Excel)"
_P = TypeVar("_P", RowProblem, Problem)


@dataclass(frozen=True)
class CalibrateOptions:
    """What the page's widgets say, besides the files.

    ``base_text``: the base scenario's YAML (None: build one from the records and the
    published defaults); ``base_name``: its file name in messages. ``columns`` and
    ``stage_map``: "canonical=file column" and "CRM name=stage" lines; ``segment_map``,
    ``role_map``, ``channel_map``: "records' name=base id" lines (the command's
    ``--segment``, ``--role``, ``--channel``; see :func:`name_lines`). ``plan``: revenue
    a month in the scenario's currency (None: the base's plan). ``currency``: of the
    amounts (None: the values' own, else USD; with a base, its own takes them as in it).
    ``replications``: of the
    back-test, when ``backtest``; ``workers``: local processes (None: every core).
    """

    base_text: str | None = None
    base_name: str = "base.yaml"
    columns: tuple[str, ...] = ()
    stage_map: tuple[str, ...] = ()
    segment_map: tuple[str, ...] = ()
    role_map: tuple[str, ...] = ()
    channel_map: tuple[str, ...] = ()
    date_order: DateOrder | None = None
    pseudonymise: bool = False
    plan: float | None = None
    currency: str | None = None
    backtest: bool = False
    replications: int = 30
    workers: int | None = None


@dataclass(frozen=True)
class CalibratePageResult:
    """A calibration as the page shows it: the outcome, the workbook's bytes, file names."""

    outcome: CalibrationOutcome
    workbook: bytes
    files: tuple[str, ...]  # "deals: deals.csv", ... as uploaded


def mapping_lines(text: str) -> tuple[str, ...]:
    """A text area's non-empty lines, stripped; lines starting with # are comments."""
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


# What a line of the name mapping starts with, and the command's option it stands for.
NAME_KINDS = {"segment": "--segment", "role": "--role", "channel": "--channel"}


def name_lines(text: str) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """The name mapping's lines by kind, and the lines that name no kind.

    A line reads "segment: SMB=smb_core", "role: AE=account_executive" or "channel:
    Web=marketing_leads" (the command's ``--segment``, ``--role``, ``--channel``); blank
    lines and lines starting with # are skipped (:func:`mapping_lines`).
    """
    found: dict[str, list[str]] = {kind: [] for kind in NAME_KINDS}
    wrong = []
    for line in mapping_lines(text):
        kind, colon, pair = line.partition(":")
        if colon and kind.strip().lower() in found:
            found[kind.strip().lower()].append(pair.strip())
        else:
            wrong.append(line)
    return {kind: tuple(pairs) for kind, pairs in found.items()}, wrong


# -- the command's words in the page's --------------------------------------------------
# The calibrate messages are written once, for the command, and name its options ("map it
# with --stage 'Won=won'"). The page shows them naming its own controls instead ("map it
# with a Stage mapping line 'Won=won'"). Every option the messages name has its words here
# (a test reads them all from the sources, so a new one is caught): first with the value a
# message gives it ({v}; {inner}: the value without its quotes), then alone.
_QUOTED = r"'(?:records' )?[^'\n]*'" + r'|"[^"\n]*"'  # "'records' name=segment id'" is one
_PHRASES: dict[str, str] = {
    "calibrate without --base": f"choose '{BUILD}' as the {BASE_CONTROL}",
    "set by --set": "set by hand",
    f"with --key or ${PSEUDONYM_KEY_ENV}": f"in ${PSEUDONYM_KEY_ENV} where the dashboard runs",
    "(no --plan, no --base)": f"(no {PLAN_CONTROL} and no {BASE_CONTROL})",
    "needs --base to say so": f"needs a {BASE_CONTROL} to tell",
    "give theirs with --currency": f"set theirs in the {CURRENCY_CONTROL} box",
}
# Sentences whose option is given a value inside them, rewritten whole (before _PHRASES):
# "give it with --currency (e.g. --currency EUR)" names the box once, with its example.
_PHRASE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"give it with --currency \(e\.g\. --currency (?P<v>[A-Z]{3})\)"),
        rf"set it in the {CURRENCY_CONTROL} box (e.g. \g<v>)",
    ),
)
_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--stage", _QUOTED, f"a {STAGE_CONTROL} line {{v}}"),
    ("--stage", "", f"the {STAGE_CONTROL}"),
    ("--column", rf"{_QUOTED}|[^\s=;,()]*=[^\s;,()]*", f"a {COLUMN_CONTROL} line {{inner}}"),
    ("--column", "", f"a {COLUMN_CONTROL} line"),
    *(
        (f"--{kind}", form, words)
        for kind in NAME_KINDS
        for form, words in (
            (_QUOTED, f"a {NAMES_CONTROL} line '{kind}: {{inner}}'"),
            ("", f"a {NAMES_CONTROL} line {kind}:"),
        )
    ),
    ("--base", "SCENARIO", f"a {BASE_CONTROL}"),
    ("--base", r"\S+\.ya?ml", f"{BASE_CONTROL} {{v}}"),
    ("--base", "", f"a {BASE_CONTROL}"),
    ("--plan", "AMOUNT", f"a {PLAN_CONTROL}"),
    ("--plan", r"[-+]?\d[\d.,eE+-]*", f"{PLAN_CONTROL} {{v}}"),
    ("--plan", "", f"a {PLAN_CONTROL}"),
    ("--currency", "[A-Z]{3}", f"{CURRENCY_CONTROL} {{v}}"),
    ("--currency", "", f"a {CURRENCY_CONTROL}"),
    ("--dates", "dmy", f"{DATES_CONTROL}: day first"),
    ("--dates", "mdy", f"{DATES_CONTROL}: month first"),
    ("--dates", "", DATES_CONTROL),
    *(
        (f"--{kind}", form, words)
        for kind, label in KINDS.items()
        for form, words in (("FILE", f"a {label} file"), ("", label))
    ),
    ("--excel", "FILE", f"'{EXCEL_CONTROL}'"),
    ("--excel", "", f"'{EXCEL_CONTROL}'"),
    ("--backtest", "", f"a {BACKTEST_CONTROL}"),
    ("--pseudonymise", "", f"'{PSEUDONYMS_CONTROL}'"),
    ("--set", "", "an override"),
    ("--key", "", "a key"),
)
_OPTION_PATTERNS = tuple(
    (re.compile(rf"(?<![\w-]){re.escape(flag)}(?![\w-])" + (rf"\s+(?P<v>{form})" if form else "")),
     words)
    for flag, form, words in _OPTIONS
)  # fmt: skip
PAGE_OPTIONS = frozenset(flag for flag, _, _ in _OPTIONS)  # every option page_words knows


def page_words(text: str) -> str:
    """A calibrate message with the command's options named by the page's controls.

    "map it with --stage 'Closed Won=won'" reads "map it with a Stage mapping line 'Closed
    Won=won'"; "give --plan AMOUNT" reads "give a Plan". The messages stay the command's
    (one wording for both); only the names of what fixes them change.
    """
    if "--" not in text:
        return text
    for pattern, replacement in _PHRASE_PATTERNS:
        text = pattern.sub(replacement, text)
    for phrase, words in _PHRASES.items():
        text = text.replace(phrase, words)
    for pattern, words in _OPTION_PATTERNS:

        def said(match: re.Match[str], words: str = words) -> str:
            value = match.groupdict().get("v") or ""
            return words.format(v=value, inner=value.strip("'\""))

        text = pattern.sub(said, text)
    return text


def _safe_name(name: str, kind: str) -> str:
    # Only the last part of an uploaded name: a name cannot point outside the folder.
    base = Path(name.replace("\\", "/")).name
    return base if base not in ("", ".", "..") else f"{kind}.csv"


def _too_big(name: str, data: bytes) -> RowProblem | None:
    if len(data) <= MAX_RECORDS_BYTES:
        return None
    size = format_number(len(data), 0)
    message = f"is {size} bytes; record uploads are at most {MAX_RECORDS_MB} MB"
    return RowProblem(name, None, None, message, fatal=True)


def _shown(problem: _P, folder: str) -> _P:
    """The problem naming the file as uploaded, not the temporary copy's path.

    In its source and in its words: a message may cite another upload ("2160 rows in
    <folder>/deals/deals.csv" becomes "2160 rows in deals.csv").
    """
    sep = re.escape(os.sep)
    copies = re.compile(re.escape(folder + os.sep) + "[^" + sep + "]+" + sep)
    message = copies.sub("", problem.message)
    # A source may cite the base's copy too: "--base <folder>/base/mine.yaml".
    source = problem.source
    source = Path(source).name if source.startswith(folder) else copies.sub("", source)
    if (source, message) == (problem.source, problem.message):
        return problem
    return dataclasses.replace(problem, source=source, message=message)


def _shown_outcome(outcome: CalibrationOutcome, folder: str) -> CalibrationOutcome:
    records = outcome.records
    records = dataclasses.replace(
        records, problems=tuple(_shown(p, folder) for p in records.problems)
    )
    report = dataclasses.replace(
        outcome.report, problems=tuple(_shown(p, folder) for p in outcome.report.problems)
    )
    return dataclasses.replace(outcome, records=records, report=report)


def run_calibration_from_uploads(
    files: Mapping[str, tuple[str, bytes]],
    options: CalibrateOptions,
    *,
    progress: Callable[[int], None] | None = None,
) -> CalibrationOutcome:
    """Calibrate from uploaded files: write them to a temporary folder, then calibrate.

    Args:
        files: kind (a key of :data:`KINDS`) -> (the file's name as uploaded, its bytes);
            CSV or .xlsx, each at most :data:`MAX_RECORDS_BYTES`.
        options: the base scenario, mappings and back-test (:class:`CalibrateOptions`).
        progress: called with the replications done, during the back-test.

    Returns:
        What :func:`teamsim.calibration.calibrate_files` returns; problems name the files
        as uploaded (not the temporary copies).

    Raises:
        RecordsError: a file too big, or that cannot be used (every fatal problem).
        TeamsimError: no file, a bad mapping, a base scenario that does not validate.
    """
    unknown = sorted(set(files) - set(KINDS))
    if unknown:
        raise TeamsimError(f"unknown kind of records: {', '.join(unknown)}")
    big = [p for name, data in files.values() if (p := _too_big(name, data)) is not None]
    if big:
        raise RecordsError(big)
    # The files keep their own names (messages and the scenario's header cite them), each
    # kind in its own folder so that two uploads of the same name do not collide.
    with tempfile.TemporaryDirectory(prefix="teamsim-calibrate-") as tmp:
        folder = os.fspath(Path(tmp).resolve())
        paths: dict[str, Path] = {}
        for kind, (name, data) in files.items():
            path = Path(folder, kind, _safe_name(name, kind))
            path.parent.mkdir()
            path.write_bytes(data)
            paths[kind] = path
        base = None
        if options.base_text is not None:
            base = Path(folder, "base", _safe_name(options.base_name, "base"))
            base.parent.mkdir()
            base.write_text(options.base_text, encoding="utf-8")
        request = CalibrateRequest(
            deals=paths.get("deals"),
            stages=paths.get("stages"),
            activities=paths.get("activities"),
            team=paths.get("team"),
            base=base,
            plan=options.plan,
            currency=options.currency,
            columns=options.columns,
            stage_map=options.stage_map,
            segment_map=options.segment_map,
            role_map=options.role_map,
            channel_map=options.channel_map,
            date_order=options.date_order,
            backtest=options.backtest,
            replications=options.replications,
            pseudonymise=options.pseudonymise,
            workers=options.workers,
        )
        try:
            outcome = calibrate_files(request, progress=progress)
        except RecordsError as exc:
            raise RecordsError([_shown(p, folder) for p in exc.problems]) from None
        except ScenarioError as exc:
            raise ScenarioError([_shown(p, folder) for p in exc.problems]) from None
        except TeamsimError as exc:
            raise TeamsimError(str(exc).replace(folder + os.sep, "")) from None
        source = plan_source(
            plan=options.plan,
            base=options.base_name if options.base_text is not None else None,
            given=f"given in the {PLAN_CONTROL} box",
        )
        outcome = dataclasses.replace(
            outcome, report=dataclasses.replace(outcome.report, plan_source=source)
        )
        return _shown_outcome(outcome, folder)


def error_lines(exc: TeamsimError) -> list[str]:
    """A user's mistake as lines to show, one per problem, naming the page's controls."""
    if isinstance(exc, RecordsError | ScenarioError):
        lines = [str(p) for p in exc.problems]
    else:
        lines = [line for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
    return [page_words(line) for line in lines]


def workbook_bytes(outcome: CalibrationOutcome) -> bytes:
    """The Excel workbook of :func:`teamsim.calibrate_view.write_excel`, as bytes."""
    with tempfile.TemporaryDirectory(prefix="teamsim-workbook-") as tmp:
        path = Path(tmp, "calibration.xlsx")
        write_excel(path, outcome.report, outcome.backtest, outcome.calibration)
        return path.read_bytes()


def backtest_chart(bt: Backtest, measure: str, title: str) -> go.Figure:
    """Observed months against the simulated 80 % band and mean, for one measure."""
    rows = bt.table[bt.table["measure"] == measure].sort_values("month")
    months = rows["month"].astype(str).tolist()
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=rows["high"], mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"))  # fmt: skip
    fig.add_trace(go.Scatter(x=months, y=rows["low"], mode="lines", line={"width": 0},
                             fill="tonexty", fillcolor="rgba(31,95,168,0.2)",
                             name="simulated 80 % band"))  # fmt: skip
    fig.add_trace(go.Scatter(x=months, y=rows["mean"], mode="lines", name="simulated mean",
                             line={"color": "#1f5fa8", "dash": "dash"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=months, y=rows["observed"], mode="lines+markers",
                             line={"color": "#e07b28"}, name="observed"))  # fmt: skip
    fig.update_layout(title=title, font={"size": 16}, height=420,
                      legend={"orientation": "h", "y": -0.2})  # fmt: skip
    return fig


# -- the page ----------------------------------------------------------------------------
def render() -> None:
    """The page."""
    ui.header(
        "Calibrate",
        "Upload the files your CRM already has; teamsim fits the funnel, the cycle times and "
        "each person's rates from them, and writes a scenario you can download and simulate.",
    )
    files = _uploads()
    options = _options()
    if options is None:
        return
    if st.button("Calibrate", type="primary", disabled=not files):
        _calibrate(files, options)
    if not files:
        st.caption("Upload at least one file to calibrate.")
    result = state.recall(RESULT)
    if isinstance(result, CalibratePageResult):
        _results(result)


def _uploads() -> dict[str, tuple[str, bytes]]:
    st.subheader("Your records")
    st.caption(
        f"CSV or Excel (.xlsx), each at most {MAX_RECORDS_MB} MB; any subset of the four. "
        "Common column names (owner, rep, assigned to; stage, status; amount, value; "
        "created, closed ...) are recognised; map the rest below."
    )
    files: dict[str, tuple[str, bytes]] = {}
    cols = st.columns(4)
    for col, (kind, label) in zip(cols, KINDS.items(), strict=True):
        with col:
            upload = st.file_uploader(
                label,
                type=["csv", "xlsx"],
                max_upload_size=MAX_RECORDS_MB,
                key=f"calibrate_upload:{kind}",
            )
        if upload is not None:
            files[kind] = (upload.name, upload.getvalue())
    return files


def _options() -> CalibrateOptions | None:
    st.subheader("How to read them")
    left, right = st.columns(2)
    with left:
        base = _base()
        columns = st.text_area(
            f"{COLUMN_CONTROL}, one a line: canonical=file column",
            placeholder="owner=Responsible\nvalue=Amount",
            key="calibrate_columns",
        )
        stages = st.text_area(
            f"{STAGE_CONTROL}, one a line: CRM name=stage",
            placeholder="Closed Won=won\nClosed Lost=lost",
            key="calibrate_stages",
            help="The records' stage names onto the base scenario's stages, or won or lost. "
            "Built from the records, each segment's funnel has the stages its deals show.",
        )
        names = st.text_area(
            f"{NAMES_CONTROL}, with a base scenario: segment:, role: or channel:, then "
            "records' name=base id",
            placeholder="segment: SMB=smb_core\nrole: AE=account_executive\n"
            "channel: Web=marketing_leads",
            key="calibrate_names",
            help="The records' segments, role titles and channels onto the base scenario's ids.",
        )
    with right:
        order = st.selectbox(
            f"{DATES_CONTROL} (03/04/2026)", list(DATE_ORDERS), key="calibrate_dates"
        )
        plan = st.number_input(
            f"{PLAN_CONTROL}: revenue a month (optional; else the base scenario's, or the "
            "records' own)",
            min_value=0.0,
            value=None,
            step=100_000.0,
            format="%.0f",
            key="calibrate_plan",
        )
        currency = st.text_input(
            f"{CURRENCY_CONTROL} of the amounts (optional: an ISO code such as EUR)",
            key="calibrate_currency",
            help="Else the one the value column's header or values name (€, EUR, руб ...), "
            "or USD. A base scenario in another currency: give its code to take the amounts "
            "as in it.",
        )
        hide = st.checkbox(
            PSEUDONYMS_CONTROL,
            key="calibrate_pseudonymise",
            help="In the scenario, the tables and the workbook: for a consultant who must "
            f"not carry names out. Keyed by ${PSEUDONYM_KEY_ENV} or else the key file "
            f"{pseudonym_key_file()}, as teamsim calibrate: the same key, the same pseudonyms.",
        )
        backtest = st.checkbox(
            f"{BACKTEST_CONTROL}: simulate the calibrated scenario over the records' period",
            value=True,
            key="calibrate_backtest",
        )
        replications = st.number_input(
            f"{BACKTEST_CONTROL} replications",
            min_value=2,
            max_value=500,
            value=30,
            step=1,
            key="calibrate_replications",
            disabled=not backtest,
        )
    named, wrong = name_lines(names)
    if wrong:
        lines = "; ".join(f"'{line}'" for line in wrong)
        st.error(
            f"{NAMES_CONTROL}: {lines} should start with segment:, role: or channel: "
            "(e.g. 'segment: SMB=smb_core').",
            icon=":material/error:",
        )
        return None
    if base is None:
        return None
    return CalibrateOptions(
        base_text=base[0],
        base_name=base[1],
        columns=mapping_lines(columns),
        stage_map=mapping_lines(stages),
        segment_map=named["segment"],
        role_map=named["role"],
        channel_map=named["channel"],
        date_order=DATE_ORDERS[order] if order is not None else None,
        pseudonymise=hide,
        plan=float(plan) if plan is not None else None,
        currency=currency.strip() or None,
        backtest=backtest,
        replications=int(replications),
        workers=state.workers(),
    )


def _base() -> tuple[str | None, str] | None:
    """The base scenario's YAML (None: build from the records) and its name; None: unusable."""
    source = state.current()
    edits = state.overrides()
    label = source.label + (f" with {counted(len(edits), 'edit')}" if edits else "")
    choice = st.radio(
        BASE_CONTROL,
        BASES,
        horizontal=True,
        key="calibrate_base",
        help=f"Built from the records: published defaults fill what they cannot tell, each "
        f"with its source. A base scenario keeps its values where the records are silent; "
        f"the records' stage names must then be its stages or mapped in the {STAGE_CONTROL}. "
        f"The current scenario is {label} (pick it on the Scenario page).",
    )
    if choice == BUILD:
        return None, "base.yaml"
    if choice == BUNDLED:
        name = st.selectbox("Bundled scenario", list(state.bundled()), key="calibrate_bundled")
        bundled = state.bundled_source(name or state.DEFAULT_SCENARIO)
        return bundled.text, f"{bundled.label}.yaml"
    _, problems = state.try_parse(source.text, source.origin, edits)
    if problems:
        ui.show_problems(problems, "Fix the scenario on the Scenario page first")
        return None
    text = source.text if not edits else levers.edited_yaml(source.text, edits)
    return text, f"{source.label}.yaml"


def _calibrate(files: Mapping[str, tuple[str, bytes]], options: CalibrateOptions) -> None:
    state.forget(RESULT)
    bar = st.progress(0.0, text="Back-test") if options.backtest else None

    def advance(done: int) -> None:
        if bar is not None:
            total = options.replications
            bar.progress(done / total, text=f"Back-test: {done} of {total} replications")

    try:
        with st.spinner("Reading the records and fitting"):
            outcome = run_calibration_from_uploads(files, options, progress=advance)
            workbook = workbook_bytes(outcome)
    except TeamsimError as exc:
        lines = error_lines(exc)
        _show_error(lines)
        mapped = any(c in line for line in lines for c in (STAGE_CONTROL, NAMES_CONTROL))
        if options.base_text is not None and mapped:
            st.info(
                f"The records' names must be the base scenario's, or mapped onto them in the "
                f"{STAGE_CONTROL} (stages) and the {NAMES_CONTROL} (segments, roles, "
                f"channels) above. Or choose '{BUILD}' as the {BASE_CONTROL}: each segment's "
                "funnel then has the stages its own deals show.",
                icon=":material/info:",
            )
        return
    finally:
        if bar is not None:
            bar.empty()
    names = tuple(f"{kind}: {name}" for kind, (name, _) in files.items())
    state.remember(RESULT, (), CalibratePageResult(outcome, workbook, names))


def _show_error(lines: Sequence[str]) -> None:
    body = "\n".join(f"- {_escape(line)}" for line in lines)
    st.error(f"**The records cannot be used:**\n{body}", icon=":material/error:")


def _escape(text: str) -> str:
    # As ui.show_problems: messages quote file contents, which Markdown would read.
    for char in "\\`*_$[]":
        text = text.replace(char, "\\" + char)
    return text


def _results(result: CalibratePageResult) -> None:
    outcome = result.outcome
    calibration = outcome.calibration
    st.divider()
    st.subheader(f"Calibrated: {outcome.scenario.name}")
    st.caption("From " + "; ".join(result.files))
    warnings = [p for p in outcome.records.problems if not p.fatal]
    if warnings:
        # One line per kind in a file, as the terminal prints them (problem_lines); the
        # table below lists every row, as the workbook's problems sheet does.
        lines = problem_lines(warnings)
        title = (
            f"{counted(len(lines), 'kind')} of warnings and notes, "
            f"{counted(len(warnings), 'row')}: rows not used or read with care"
        )
        with st.expander(title):
            st.markdown("\n".join(f"- {kind}: {_escape(page_words(text))}" for kind, text in lines))
            st.dataframe(_table(_problems(warnings)), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Download the calibrated scenario (YAML)",
            outcome.text.encode("utf-8"),
            file_name="calibrated_team.yaml",
            mime="application/x-yaml",
            on_click="ignore",
        )
    with right:
        st.download_button(
            "Download the report (Excel)",
            result.workbook,
            file_name="calibration.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
        )
    sheets = report_sheets(outcome.report, outcome.backtest, calibration)
    currency = outcome.report.currency
    fits, kept, written = st.tabs(["Fits", "Assumptions kept", "Not written"])
    with fits:
        st.dataframe(fits_display(sheets["fits"], currency), hide_index=True, width="stretch")
        st.caption(
            f"Each fit with its sample size (n) and 95 % interval (its low and high end); "
            f"money in "
            f"{currency}, probabilities as percentages."
        )
    with kept:
        st.dataframe(_table(sheets["kept"]), hide_index=True, width="stretch")
        st.caption(
            "Not calibrated: the records cannot tell these; the base's values, or the "
            "published defaults, stay."
        )
    with written:
        st.dataframe(_table(sheets["not written"], currency), hide_index=True, width="stretch")
        st.caption("Fitted, but the scenario has no field for them yet.")
    _goals(outcome)
    if outcome.backtest is not None:
        _backtest(outcome.backtest)


# -- numbers as the other pages show them (teamsim.format, teamsim.calibrate_view) -------


def _fmt(value: object, unit: str, currency: str) -> str:
    """A cell: "" for nothing, a number by its unit (fmt_value), anything else as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return page_words(str(value))
    if unit:
        return fmt_value(float(value), unit, currency)
    return fit_value("", value, currency)  # a plain number, as the fits show one


def _money_band(low: float, high: float, currency: str, locale: str | None = None) -> str:
    """An amount's 95 % interval in a cell, one scale: "$11.8K to $12.6K" (sim.money)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return format_money_range(low, high, currency, locale)


def team_display(report: GoalsReport) -> pd.DataFrame:
    """The team's stages as text: a month now, needed, short or surplus, now / needed, source.

    Revenue in the report's currency, the other stages as counts a month (one decimal:
    they are means over months), the ratio as a percentage; "-" where there is none.
    The stages by what they count (``GoalsReport.labels``: "Deals created" when the
    first stage is counted from the deals), as the terminal and the workbook name them.
    """
    cur = report.currency
    labels = report.labels
    return pd.DataFrame(
        [
            {
                "stage": labels[str(r["stage"])],
                **dict(zip(("now", "needed", "short / surplus"), team_cells(r, cur), strict=True)),
                "now / needed": fmt_value(float(r["ratio"]), "share", cur),
                "now from": page_words(str(r["source"])),
            }
            for r in report.team.to_dict(orient="records")
        ],
        columns=["stage", "now", "needed", "short / surplus", "now / needed", "now from"],
    )


def people_display(report: GoalsReport) -> pd.DataFrame:
    """Each person as text, as the terminal shows them (teamsim.calibrate_view).

    One "now / needed" column per stage ("-" where the person's role does not do it),
    the share of the team's revenue need, the win rate with its 95 % interval and the
    95 % interval of the monthly revenue.
    """
    cur, loc = report.currency, report.locale or None
    stages = {s: stage_header(s, cur) for s in FUNNEL}
    columns = ["person", "role", "share", *stages.values(), "win rate (95 % interval)",
               "whole months", "revenue a month (95 % interval)"]  # fmt: skip
    rows = []
    for r in report.people.to_dict(orient="records"):
        row: dict[str, str] = {
            "person": str(r["person"]),
            "role": str(r["role"] or ""),
            "share": fmt_value(float(r["share"]), "share", cur, locale=loc),
        }
        for stage in FUNNEL:
            now, needed = float(r[f"{stage}_now"]), float(r[f"{stage}_needed"])
            row[stages[stage]] = person_cell(stage, now, needed, locale=loc)
        row["win rate (95 % interval)"] = win_cell(
            float(r["win_rate"]),
            float(r["win_low"]),
            float(r["win_high"]),
            closed=r["closed"],
            locale=loc,
        )
        row["whole months"] = format_number(int(r["months"]), 0, locale=loc)
        row["revenue a month (95 % interval)"] = _money_band(
            float(r["revenue_low"]), float(r["revenue_high"]), cur, loc
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def furthest_display(report: GoalsReport) -> pd.DataFrame:
    """The people below plan as text, furthest short first: revenue now and needed, ratio."""
    cur, loc = report.currency, report.locale or None
    columns = ["person", "role", "revenue now", "revenue now (95 % interval)", "needed",
               "now / needed", "now / needed (95 % interval)", "won / closed"]  # fmt: skip
    rows = [
        {
            "person": str(r["person"]),
            "role": str(r["role"] or ""),
            "revenue now": fmt_value(float(r["revenue_now"]), "currency", cur, locale=loc),
            "revenue now (95 % interval)": _money_band(
                float(r["revenue_low"]), float(r["revenue_high"]), cur, loc
            ),
            "needed": fmt_value(float(r["revenue_needed"]), "currency", cur, locale=loc),
            "now / needed": fmt_value(float(r["ratio"]), "share", cur, locale=loc),
            "now / needed (95 % interval)": interval(
                float(r["ratio_low"]), float(r["ratio_high"]), loc
            ),
            "won / closed": f"{format_number(int(r['won_total']), 0, locale=loc)} / "
            f"{format_number(int(r['closed']), 0, locale=loc)}",
        }
        for r in report.furthest.to_dict(orient="records")
    ]
    return pd.DataFrame(rows, columns=columns)


_BT_UNITS = {"revenue": "currency", "win_rate": "share", "cycle_days": "days", "won": ""}


def backtest_display(bt: Backtest) -> pd.DataFrame:
    """The back-test's months as text: observed, simulated mean and 80 % band, inside or not."""
    columns = ["month", "measure", "observed", "simulated mean", "band low", "band high", "inside"]
    rows = []
    for r in bt.table.to_dict(orient="records"):
        unit = _BT_UNITS.get(str(r["measure"]), "")
        keys = ("observed", "mean", "low", "high")
        shown = {k: _fmt(float(r[k]), unit, bt.currency) or "-" for k in keys}
        rows.append(
            {
                "month": str(r["month"]),
                "measure": LABELS[str(r["measure"])],
                "observed": shown["observed"],
                "simulated mean": shown["mean"],
                "band low": shown["low"],
                "band high": shown["high"],
                "inside": "yes" if r["inside"] else "no",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def fits_display(fits: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The fits sheet as text: value and interval in the field's unit, n whole, "" empty.

    A distribution reads "exponential, mean 4.0 days", as the terminal prints it
    (:func:`teamsim.calibrate_view.fit_value`).
    """
    paths = [str(p) for p in fits["field"]]
    cells: dict[str, list[str]] = {}
    for column in fits.columns:
        if column in ("value", "95 % low", "95 % high"):
            cells[str(column)] = [
                fit_value(p, v, currency) for p, v in zip(paths, fits[column], strict=True)
            ]
        else:
            cells[str(column)] = [_fmt(v, "", currency) for v in fits[column]]
    return pd.DataFrame(cells, columns=list(fits.columns))


def _table(frame: pd.DataFrame, currency: str = "") -> pd.DataFrame:
    """Every cell as text (an Arrow table holds one type a column): "" for nothing."""
    out = frame.copy()
    for column in out.columns:
        out[column] = [_fmt(v, "", currency) for v in out[column]]
    return out


def _problems(problems: Sequence[RowProblem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"file": page_words(p.source), "row": p.row, "column": p.column,
          "message": page_words(p.message)} for p in problems],
        columns=["file", "row", "column", "message"],
    )  # fmt: skip


def plan_caption(report: GoalsReport) -> str:
    """The team tab's caption: what "now" and "needed" are, and the plan with its source."""
    if report.plan_assumed:
        return sentences(["a month: now, the records' whole months", report.no_plan])
    needs = "a month: now (the records' whole months) next to what the plan needs"
    return sentences([f"{needs}; {plan_words(report)}"])


def backtest_caption(bt: Backtest) -> str:
    """The back-test's caption, as the command's says it.

    The band, how a correct model's range is read and what a count outside it means,
    the months left out.
    """
    return sentences(
        [
            f"{counted(bt.replications, 'replication')}; {band_note(bt.replications)}",
            correct_model_note() if bt.expected else "",
            *expected_verdicts(bt),
            left_out_note(bt),
        ]
    )


def _goals(outcome: CalibrationOutcome) -> None:
    report = outcome.report
    st.subheader("Goals against current results, stage by stage")
    st.markdown(_escape(page_words(sentences([gap_note(report), rows_note(report)]))))
    team, people, furthest = st.tabs(["Team", "People", "Below plan"])
    with team:
        st.dataframe(team_display(report), hide_index=True, width="stretch")
        st.caption(page_words(plan_caption(report)))
    with people:
        st.dataframe(people_display(report), hide_index=True, width="stretch")
        st.caption(
            "A month now / the person's share of the need: each segment's and channel's need "
            "shared among the people whose role works it, by selling share; -: a stage the "
            "person's role does not do. Win rate: won of closed, 95 % Wilson interval."
        )
    with furthest:
        note = below_plan_note(report)
        if note:
            st.markdown(_escape(page_words(note)))
        else:
            st.dataframe(furthest_display(report), hide_index=True, width="stretch")
            st.caption(page_words(sentences(["furthest short first", report.revenue_interval])))


def _backtest(bt: Backtest) -> None:
    st.subheader("Back-test: the records against the calibrated scenario")
    cols = st.columns(max(len(bt.inside), 1))
    for col, (measure, (inside, total)) in zip(cols, bt.inside.items(), strict=False):
        col.metric(f"{LABELS[measure]}: months inside", f"{inside} of {total}")
        col.caption(page_words(expected_text(bt, measure).strip(" ()")))
    st.caption(page_words(backtest_caption(bt)))
    for measure, title in (
        ("won", f"{LABELS['won']} a month"),
        ("revenue", f"{LABELS['revenue']} a month, {bt.currency}"),
    ):
        if (bt.table["measure"] == measure).any():
            ui.chart(backtest_chart(bt, measure, title),
                     "Observed months (orange) against the simulated band.",
                     key=f"bt:{measure}")  # fmt: skip
    st.dataframe(backtest_display(bt), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
