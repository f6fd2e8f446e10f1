"""Calibration from files: read the records, fit, write the scenario, report, back-test.

The file-system and terminal side of :mod:`calibrate` (which is pure): the command
``teamsim calibrate`` and the dashboard's Calibrate page both call
:func:`calibrate_files`, so they give the same scenario for the same files.
"""

from __future__ import annotations

import difflib
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from calibrate import (
    LAG_REPLICATIONS,
    Backtest,
    Calibration,
    Fit,
    GoalsReport,
    Kept,
    NameMaps,
    Records,
    RowProblem,
    apply_fits,
    backtest,
    backtest_scenario,
    fit,
    goals_against_results,
    map_names,
    match_cold_flow,
    name_map_errors,
    net_of_lag,
    nothing_matched,
    own_revenue_plan,
    pseudonymise,
    pseudonyms,
    record_names,
    records_with_ids,
    skeleton,
    skeleton_text,
    stage_means,
    unnamed_currency,
    unsplit_paths,
)
from optimizer import back_calculate
from sim import Problem, ScenarioError, TeamsimError, simulate
from sim.scenario import Scenario, parse_scenario
from teamsim.calibrate_view import needs_frame, problem_lines
from teamsim.declared import DateOrder as DateOrder  # read here by its users
from teamsim.io import read_scenario_bytes
from teamsim.pseudonym_key import resolve_pseudonym_key
from teamsim.records_io import (
    MAPPING_SECTIONS,
    MappingError,
    parse_mapping,
    read_mapping_sections,
    read_records,
)

# Rounds of matching the simulated stage times (and cold lists' leads) to the observed:
# the lag grows a little with the delay (longer stages meet more absences), so one
# subtraction leaves about a day on a two-week stage; the second round a tenth of that.
LAG_ROUNDS = 2


class RecordsError(TeamsimError):
    """Records that cannot be used at all: every fatal problem, with file, row and column."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        # One line per kind, the missing columns of every file in one message.
        super().__init__("\n".join(text for _, text in problem_lines(self.problems)))


@dataclass(frozen=True)
class CalibrateRequest:
    """Everything ``teamsim calibrate`` was given (paths as typed)."""

    out_path: Path | None = None
    deals: Path | None = None
    stages: Path | None = None
    activities: Path | None = None
    team: Path | None = None
    base: Path | None = None
    overrides: tuple[str, ...] = ()
    plan: float | None = None
    columns: tuple[str, ...] = ()
    columns_file: Path | None = None
    stage_map: tuple[str, ...] = ()
    segment_map: tuple[str, ...] = ()  # --segment "records' name=base segment id"
    role_map: tuple[str, ...] = ()  # --role "records' title=base role id"
    channel_map: tuple[str, ...] = ()  # --channel "records' name=base channel id"
    date_order: DateOrder | None = None
    name: str | None = None
    currency: str | None = None  # None: the values' own (calibrate.value_currency), else USD
    report: bool = False
    excel: Path | None = None
    backtest: bool = False
    replications: int = 30
    pseudonymise: bool = False
    key: str | None = None
    workers: int | None = None


@dataclass(frozen=True)
class CalibrationOutcome:
    """The calibrated scenario (text and model) and what it rests on."""

    records: Records
    calibration: Calibration
    text: str  # the calibrated scenario file, comments included
    scenario: Scenario
    report: GoalsReport
    backtest: Backtest | None


def _inputs(request: CalibrateRequest) -> dict[str, Path]:
    given = {
        "deals": request.deals,
        "stages": request.stages,
        "activities": request.activities,
        "team": request.team,
    }
    found = {k: v for k, v in given.items() if v is not None}
    if not found:
        raise TeamsimError(
            "nothing to calibrate from: give at least one of --deals, --stages, "
            "--activities, --team (CSV or .xlsx)"
        )
    if request.plan is not None and not (math.isfinite(request.plan) and request.plan > 0):
        raise TeamsimError(
            f"--plan {request.plan:g}: expected a revenue a month above 0, in the "
            "scenario's currency (leave it out to take the base's plan or the records')"
        )
    return found


def _mappings(request: CalibrateRequest) -> tuple[dict[str, str], dict[str, str], NameMaps]:
    """Column, stage and name mappings: the file's first, the command line's over them.

    The mapping file (``--columns-file``) holds column pairs, and in YAML sections of
    stages, segments, roles and channels (teamsim.records_io.read_mapping_sections).
    """
    empty: dict[str, dict[str, str]] = {k: {} for k in MAPPING_SECTIONS}
    found = read_mapping_sections(request.columns_file) if request.columns_file else empty
    given = {
        "columns": request.columns,
        "stages": request.stage_map,
        "segments": request.segment_map,
        "roles": request.role_map,
        "channels": request.channel_map,
    }
    maps = {
        section: found[section] | parse_mapping(given[section], option=option)
        for section, option in MAPPING_SECTIONS.items()
    }
    names = NameMaps(segments=maps["segments"], roles=maps["roles"], channels=maps["channels"])
    return maps["columns"], maps["stages"], names


def _built_headcounts_said(kept: Sequence[Kept]) -> tuple[Kept, ...]:
    """The kept values less a built scenario's headcounts, which its own comment explains.

    Without a team file, the scenario built from the records takes its sellers from the
    people seen in them and its leads from a published span (calibrate.skeleton, the
    comment beside each headcount, with its sample): a second comment, "not calibrated:
    assumption kept (no team file)", under it would contradict the first.
    """
    return tuple(
        k for k in kept if not (k.path[:1] == ("roles",) and k.path[2:] == ("headcount", "current"))
    )


def _override_fits(overrides: Sequence[str]) -> tuple[Fit, ...]:
    """``--set path=value`` as fits written last, so the user's word wins over the data."""
    fits = []
    for item in overrides:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise TeamsimError(f"--set {item!r}: expected path=value")
        parsed = yaml.safe_load(value)
        keys = tuple(int(k) if k.isdigit() else k for k in path.strip().split("."))
        fits.append(Fit(keys, parsed, n=0, low=None, high=None, note="set by --set"))
    return tuple(fits)


def _base(request: CalibrateRequest) -> tuple[str, Scenario] | None:
    if request.base is None:
        return None
    data = read_scenario_bytes(request.base)
    scenario = parse_scenario(data, str(request.base), request.overrides)
    return data.decode("utf-8-sig"), scenario


def _known_stages(base: Scenario | None) -> list[str] | None:
    """The base's stage names in the order its segments list them (None: no base)."""
    if base is None:
        return None
    return list(dict.fromkeys(st.name for seg in base.segments.values() for st in seg.stages))


def _built_base(records: Records, request: CalibrateRequest) -> tuple[str, Scenario, Records]:
    """No --base: a scenario from the records and the published defaults.

    Raises RecordsError when deals with no segment follow separate stage paths
    (calibrate.unsplit_paths): the one funnel built for them would be wrong.

    The records come back with a warning for each segment whose stage order was inferred
    from the deals alone (the skeleton's comment on its stages), so that the terminal and
    the report say it too, not only the written file.
    """
    unsplit = unsplit_paths(records)
    if unsplit is not None:
        raise RecordsError([unsplit])
    name = request.name or (request.out_path.stem if request.out_path else "calibrated team")
    currency, note, said = _built_currency(records, request.currency)
    doc, sources = skeleton(records, name=name, currency=currency, plan_per_month=request.plan)
    sources[("currency",)] = note
    text = skeleton_text(
        doc,
        sources=sources,
        header="Built by teamsim calibrate from the team's records and published defaults.",
    )
    notes = []
    for sid, seg in doc["segments"].items():
        how = sources.get(("segments", sid, "stages"))
        if how is not None and records.deals is not None:
            order = ", ".join(st["name"] for st in seg["stages"])
            source = str(records.deals.attrs.get("source", "deals"))
            column = str(records.deals.attrs.get("columns", {}).get("stage", "stage"))
            notes.append(RowProblem(source, None, column, f"segment {sid}: {order}: {how}"))
    for cid, channel in doc["channels"].items():  # why each channel is of its kind
        why = sources.get(("channels", cid, "kind"))
        if why is not None:
            table = records.activities if channel["kind"] == "cold" else records.deals
            src = "records" if table is None else str(table.attrs.get("source", "records"))
            said_kind = f"channel {cid} is {channel['kind']}: {why}"
            notes.append(RowProblem(src, None, None, said_kind, note=True))
    unconverted = _unconverted(sources, currency)
    if unconverted is not None:
        notes.append(unconverted)
    records = replace(records, problems=(*said, *notes, *records.problems))
    return text, parse_scenario(text.encode(), "<scenario built from the records>"), records


def _unconverted(sources: Mapping[tuple[str, ...], str], currency: str) -> RowProblem | None:
    """A warning naming the published dollar amounts a built scenario in ``currency`` keeps.

    The skeleton writes them as they are (calibrate.skeleton: "not converted to ...") and
    says so beside each value; a seller at "6,500 RUB a month" would otherwise reach the
    plan's costs with the word only in a YAML comment.
    """
    paths = [p for p, text in sources.items() if f"not converted to {currency}" in text]
    if not paths:
        return None
    fields = ", ".join(".".join(p) for p in paths)
    message = (
        f"published US-dollar amounts are written as they are in this {currency} scenario, "
        f"not converted: {fields}; replace them with the team's own in {currency} (the "
        "plan's costs read monthly_cost)"
    )
    return RowProblem("the scenario built", None, None, message)


# The currency of a scenario built when neither --currency nor the values name one.
DEFAULT_CURRENCY = "USD"


def _values_currency(records: Records) -> tuple[str | None, str, str, str | None]:
    """The deals' currency (None: not named), what showed it, the file and value column."""
    deals = records.deals
    if deals is None:
        return None, "", "deals", None
    code = deals.attrs.get("currency")
    column = deals.attrs.get("columns", {}).get("value")
    source = str(deals.attrs.get("source", "deals"))
    evidence = str(deals.attrs.get("currency_found", ""))
    return (None if code is None else str(code)), evidence, source, column


def _built_currency(records: Records, given: str | None) -> tuple[str, str, tuple[RowProblem, ...]]:
    """A built scenario's currency, the comment beside it, and a warning when at odds.

    ``--currency`` wins; else the currency the values name (their header or marks);
    else US dollars, said to be an assumption.
    """
    found, evidence, source, column = _values_currency(records)
    assumed = _assumed(records, DEFAULT_CURRENCY, base=False)
    if given is not None:
        code = given.strip().upper()
        if found is not None and found != code:
            message = (
                f"the values are in {found} ({evidence}), --currency {code} given: the "
                f"scenario is written in {code}, with the amounts as they are"
            )
            return code, "given: --currency", (RowProblem(source, None, column, message),)
        return code, "given: --currency", ()
    if found is not None:
        return found, f"records: {evidence}", ()
    why = (
        f"assumption: the records name no currency; {DEFAULT_CURRENCY} unless --currency "
        "gives another"
    )
    return DEFAULT_CURRENCY, why, assumed


def _assumed(records: Records, code: str, *, base: bool) -> tuple[RowProblem, ...]:
    """The note that the deals' values name no currency and ``code`` was taken (or none).

    Said only where there are amounts to take: a deals file with a value column.
    """
    deals = records.deals
    if deals is None or deals.attrs.get("currency") is not None:
        return ()
    column = deals.attrs.get("columns", {}).get("value")
    if column is None or deals["value"].isna().all():
        return ()
    source = str(deals.attrs.get("source", "deals"))
    # A Cyrillic file's amounts are most often roubles: the example says so.
    example = "RUB" if deals.attrs.get("encoding") in _CYRILLIC else "EUR"
    return (unnamed_currency(source, str(column), code, base=base, example=example),)


# Encodings (teamsim.records_io's guesses) whose files are most often in roubles.
_CYRILLIC = frozenset({"cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5"})


def _base_currency(records: Records, base: Scenario, given: str | None) -> Records:
    """The records, checked against the base's currency.

    Values in another currency than the base's would be written as the base's amounts
    and set against its plan: a revenue "surplus" of 830 % from roubles read as dollars.
    That stops calibrate (RecordsError), unless ``--currency`` names the base's currency:
    the user's word that the amounts are in it, kept as a warning.
    """
    found, evidence, source, column = _values_currency(records)
    if found is None:
        said = _assumed(records, base.currency, base=True)
        if given is not None and given.strip().upper() != base.currency and said:
            message = (
                f"--currency {given.strip().upper()} names the currency of a scenario built "
                f"without --base: the amounts are taken as {base.currency}, the base "
                "scenario's currency"
            )
            said = (*said, RowProblem(source, None, column, message))
        return replace(records, problems=(*said, *records.problems))
    if found == base.currency:
        return records
    taken = given is not None and given.strip().upper() == base.currency
    message = (
        f"the values are in {found} ({evidence}), the base scenario's currency is "
        f"{base.currency}: "
        + (
            f"--currency {base.currency} given, so the amounts are taken as {base.currency}"
            if taken
            else f"convert them, give a base in {found}, or calibrate without --base; "
            f"--currency {base.currency} takes the amounts as {base.currency}"
        )
    )
    problem = RowProblem(source, None, column, message, fatal=not taken)
    if problem.fatal:
        raise RecordsError([problem])
    return replace(records, problems=(problem, *records.problems))


def _key(request: CalibrateRequest) -> str:
    # One rule for every front end: --key, the environment, else the per-user key file.
    return resolve_pseudonym_key(request.key)[0]


# Over this share of the closed deals at stages that map to nothing, the funnel would rest
# on a minority of the deals: the user's mapping is missing, not a few stray rows.
UNMAPPED_FATAL_SHARE = 0.5


def _check_unmapped_stages(records: Records, known: Sequence[str] | None) -> RowProblem | None:
    """One fatal problem when most deals' stages map to no stage of the base (None: fine).

    --stage targets are checked where the names are mapped (calibrate.records: a target
    that is no stage of the base, nor won or lost, is fatal there); this looks at the
    names that no --stage and no won/lost word maps. A deal counts when its own stage or
    any of its stage-history rows is such a name; closed deals are weighed (an open
    deal's stage is where it is now), and every deal when none is closed (a status column
    of won/lost words in another language reads as open stages).
    """
    deals = records.deals
    if known is None or deals is None or deals.empty:
        return None
    fine = {*known, "won", "lost"}
    own = deals["stage"].map(lambda v: isinstance(v, str) and v not in fine)
    bad = own.copy()
    hist = records.stages
    hist_bad = pd.Series(False, index=[] if hist is None else hist.index)
    if hist is not None and not hist.empty:
        hist_bad = hist["stage"].map(lambda v: isinstance(v, str) and v not in fine)
        bad |= deals["deal_id"].isin(set(hist.loc[hist_bad, "deal_id"]))
    closed = deals["status"].isin(["won", "lost"])
    weighed = closed if closed.any() else pd.Series(True, index=deals.index)
    n_bad, n = int((bad & weighed).sum()), int(weighed.sum())
    if n_bad == 0 or n_bad <= UNMAPPED_FATAL_SHARE * n:
        return None
    source = str(deals.attrs.get("source", "deals"))
    counts: dict[str, dict[str, int]] = {}
    for name, k in deals.loc[own, "stage"].value_counts().items():
        counts.setdefault(str(name), {})[source] = int(k)
    if hist is not None and hist_bad.any():
        hsource = str(hist.attrs.get("source", "stages"))
        for name, k in hist.loc[hist_bad, "stage"].value_counts().items():
            counts.setdefault(str(name), {})[hsource] = int(k)
    listed = []
    first_fix = ""
    for name in sorted(counts, key=lambda x: (-sum(counts[x].values()), x)):
        rows = ", ".join(f"{k} rows in {where}" for where, k in counts[name].items())
        # Only a name that is alike is offered: a forced nearest would suggest a wrong map.
        closest = difflib.get_close_matches(name.casefold(), list(known), n=1, cutoff=0.6)
        near = f"; looks like {closest[0]}" if closest else ""
        listed.append(f"'{name}' ({rows}{near})")
        first_fix = first_fix or f"--stage '{name}={closest[0] if closest else known[0]}'"
    what = "closed deals" if closed.any() else "deals"
    message = (
        f"the stages of {n_bad} of {n} {what} map to no stage of the scenario, so the "
        f"funnel cannot be fitted: {'; '.join(listed)}. The scenario's stages: "
        f"{', '.join(known)}. Map each CRM stage with --stage 'CRM name=stage' (e.g. "
        f"{first_fix}; a closing stage with --stage 'CRM name=won' or 'CRM name=lost')"
    )
    return RowProblem(source, None, None, message, fatal=True)


def read_team_records(request: CalibrateRequest, base: Scenario | None) -> Records:
    """The request's files as Records; RecordsError when a given file cannot be used."""
    inputs = _inputs(request)
    columns, stage_map, names = _mappings(request)
    if base is not None:
        wrong = name_map_errors(names, base)
        if wrong:
            raise MappingError("\n".join(wrong))
    known = _known_stages(base)
    records = read_records(
        **inputs,
        columns=columns,
        stage_map=stage_map,
        known_stages=known,
        date_order=request.date_order.value if request.date_order else None,
    )
    # A --stage problem is found by every file that maps stages: said once.
    fatal = list(dict.fromkeys(p for p in records.problems if p.fatal))
    unmapped = None if fatal else _check_unmapped_stages(records, known)
    if unmapped is not None:
        fatal.append(unmapped)
    if fatal:
        raise RecordsError(fatal)
    records = map_names(records, names)
    if request.pseudonymise:
        records = pseudonymise(records, pseudonyms(record_names(records), key=_key(request)))
    return records


def _parsed(text: str, label: str) -> Scenario:
    try:
        return parse_scenario(text.encode(), label)
    except ScenarioError as exc:
        # The fits made a scenario the loader refuses: say which value, never write it.
        raise ScenarioError(
            [Problem((), "the calibrated scenario does not validate:", label), *exc.problems]
        ) from None


def calibrate_files(
    request: CalibrateRequest, *, progress: Callable[[int], None] | None = None
) -> CalibrationOutcome:
    """Read the files, fit, write the scenario's text, report; back-test when asked.

    Raises:
        TeamsimError: a file that cannot be used (RecordsError, with every fatal problem),
            a bad mapping or option, a base scenario that does not validate.
    """
    given = _base(request)
    records = read_team_records(request, given[1] if given else None)
    if given is None:
        base_text, base, records = _built_base(records, request)
        # The built scenario names segments, channels and roles as identifiers.
        records = records_with_ids(records)
    else:
        base_text, base = given
        records = _base_currency(records, base, request.currency)
        unmatched = nothing_matched(records, base)
        if unmatched is not None:
            # Every fit would keep the base's value: the file written would be the base.
            raise RecordsError(
                [RowProblem(f"--base {request.base}", None, None, unmatched, fatal=True)]
            )
    calibration = fit(records, base)
    # What the fits warn of is said where the records' problems are (terminal, report).
    records = replace(records, problems=(*records.problems, *calibration.warnings))
    extra = _override_fits(request.overrides)
    if request.plan is not None and given is not None:
        plan_fit = Fit(
            ("plan", "revenue_per_month"), request.plan, n=0, low=None, high=None, note="--plan"
        )
        extra = (plan_fit, *extra)
    kept = calibration.kept
    if given is None:
        kept = _built_headcounts_said(kept)
    if request.plan is None and given is None:
        own = own_revenue_plan(records, base)
        if isinstance(own, Fit):
            extra = (own, *extra)
        else:
            kept = (*kept, own)
    calibration = replace(calibration, fits=(*calibration.fits, *extra), kept=kept)
    inputs = [f"{k}: {v.name}" for k, v in _inputs(request).items()]
    text = apply_fits(base_text, calibration, inputs=inputs)
    label = str(request.out_path) if request.out_path else "<calibrated scenario>"
    scenario = _parsed(text, label)
    # The observed stage times hold the team's own lag, which the simulator adds again:
    # the delays move until the simulated stage times over the records' own period (the
    # same censoring) are the observed ones.
    observed = calibration
    for _ in range(LAG_ROUNDS):
        placed = backtest_scenario(scenario, observed.period)
        run = simulate(placed, LAG_REPLICATIONS, workers=request.workers)
        calibration = net_of_lag(observed, scenario, stage_means(run))
        # With deals alone, a cold list's flow is matched the same way (its dials are
        # the simulated team's).
        calibration = match_cold_flow(
            calibration, base=base, current=scenario, result=run, records=records
        )
        text = apply_fits(base_text, calibration, inputs=inputs)
        scenario = _parsed(text, label)
    needs = needs_frame(back_calculate(scenario).rows, scenario=scenario)
    report = goals_against_results(
        records,
        scenario,
        needs,
        people=calibration.people,
        kept=calibration.kept,
        fits=calibration.fits,
    )
    result = None
    if request.backtest:
        placed = backtest_scenario(scenario, calibration.period)
        run = simulate(placed, request.replications, workers=request.workers, progress=progress)
        result = backtest(records, run, placed)
    return CalibrationOutcome(
        records=records,
        calibration=calibration,
        text=text,
        scenario=scenario,
        report=report,
        backtest=result,
    )


def write_text(path: Path, text: str, *, keep: Sequence[Path] = ()) -> None:
    """Write ``text`` to ``path`` atomically; never over one of ``keep`` (the inputs)."""
    target = path.resolve()
    if any(target == p.resolve() for p in keep):
        raise TeamsimError(f"-o {path}: is one of the inputs; choose another file")
    if target.is_dir():
        raise TeamsimError(f"-o {path}: is a folder; expected a scenario file to write")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".teamsim-", suffix=".yaml", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600); a scenario is for colleagues to read.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        raise TeamsimError(f"-o {path}: cannot be written: {exc.strerror}") from None
