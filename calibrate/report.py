"""Goals against current results, stage by stage, for the team and for each person.

The practitioners' method: compare what the plan needs a month (dials, conversations,
first meetings, proposals, deals, revenue) with what the team does now, find the stage
with the largest gap, and take each person's month beside their share of the need.

Pure: the records, the calibrated scenario and the plan's needs (a DataFrame the caller
computes with the optimiser's back-calculation, since ``calibrate`` never imports the
optimiser) in; a :class:`GoalsReport` out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibrate.contract import ActivityKind, Fit, Kept, Records, RowProblem, Status
from calibrate.observed import (
    MEAN,
    PROPOSAL_LIKE,
    filling_note,
    observed_funnel,
    records_period,
)
from calibrate.records import filtered_export
from sim import (
    Scenario,
    format_money,
    format_number,
    format_percent,
    month_title,
    t_quantile,
    wilson_interval,
)
from sim.rules import dialled_channels

__all__ = [
    "FUNNEL",
    "LABELS",
    "NEEDS_COLUMNS",
    "NOT_IN_TEAM",
    "NOT_JUDGED",
    "NO_PLAN",
    "OWN_PLAN_NOTE",
    "PLAN_PATH",
    "REVENUE_INTERVAL",
    "GoalsReport",
    "goals_against_results",
    "plan_split",
    "stage_label",
]

# The rows of the report, in funnel order.
FUNNEL: tuple[str, ...] = ("dials", "conversations", "first_stage", "proposals", "won", "revenue")
# The field's words for every measure the report and the back-test show (the report's
# stages, then calibrate.backtest.BACKTEST_MEASURES): the terminal, the workbook and the
# dashboard all read them here, so the three never name a measure differently.
LABELS: dict[str, str] = {
    "dials": "Dials",
    "conversations": "Conversations",
    # The generic word; the report names the row by what it counts (stage_label).
    "first_stage": "First stage",
    "proposals": "Proposals",
    "won": "Won deals",
    "revenue": "Revenue",
    "win_rate": "Win rate",
    "cycle_days": "Cycle time (days)",
}
# The needs frame: one row per month, segment and channel (optimizer.funnel.FunnelRow),
# these columns, then one column per stage named as the scenario names it (entries into
# that stage; NaN where the row's segment has no such stage). Columns ``stage_1``,
# ``stage_2``... (1-based position in the row's segment) are read as the segment's stages.
NEEDS_COLUMNS: tuple[str, ...] = (
    "month",
    "segment",
    "channel",
    "dials",
    "connects",
    "conversations",
    "leads",
    "won",
    "revenue",
)
# The scenario field of the plan a month: a Kept of it (Calibration.kept) says the plan is
# an assumption teamsim wrote (no --plan, no base, too few won deals to take it from the
# records: "a deal a month a segment"), nothing to measure the team against.
PLAN_PATH: tuple[str, ...] = ("plan", "revenue_per_month")
NO_PLAN = "no plan given: give --plan AMOUNT to compare"
# How a plan taken from the records' own revenue (calibrate.own_plan) begins its note: the
# report then compares the team with itself, and says so (GoalsReport.plan_own).
OWN_PLAN_NOTE = "records: no plan given; the revenue won a month"
# The role a person has in the report when a team file is given and does not list them.
NOT_IN_TEAM = "not in the team file"
REVENUE_INTERVAL = (
    "95 % t interval of the mean over the person's whole months of revenue "
    "(mean +- t(0.975, n-1) sd / sqrt n, floored at 0; none with fewer than 2 months)"
)
# The source of a stage whose "now" the records hold but cannot judge (GoalsReport's
# ``not_judged`` says why): won deals and revenue of an export of open or lost deals only.
NOT_JUDGED = "not judged"
_POSITIONAL = re.compile(r"^stage_(\d+)$")


@dataclass(frozen=True, eq=False)
class GoalsReport:
    """Goals against current results.

    ``team``: one row per :data:`FUNNEL` stage: ``stage``, ``label``, ``now`` (a month,
    mean over the records' whole months; NaN where the records cannot tell), ``needed``
    (a month, mean over the plan's months), ``gap`` (needed - now), ``ratio`` (now /
    needed, NaN when nothing is needed), ``source`` (where "now" comes from) and
    ``now_low``-``now_high`` (95 % t interval of "now" over the whole months, NaN with
    fewer than 2). ``largest_gap``: of the stages short of plan beyond rounding and
    beyond the interval of their "now" (:func:`_largest_gap`), the one with the lowest
    ratio; None when none is; ``within_noise``: the stages under plan only within that
    interval. ``people``: one row per person (see
    :func:`goals_against_results`); ``furthest``: the selling people, lowest ratio of
    revenue now over their share of the needed revenue first, with the 95 % interval of
    their monthly revenue (:data:`REVENUE_INTERVAL`) and of the ratio.
    """

    team: pd.DataFrame
    largest_gap: str | None
    people: pd.DataFrame
    furthest: pd.DataFrame
    months_now: tuple[str, ...]  # whole months the "now" figures average over
    partial_months: tuple[str, ...]  # months the records touch but not whole: left out
    plan_months: tuple[str, ...]
    currency: str
    rows_not_used: int  # Records.dropped, summed over the tables
    problems: tuple[RowProblem, ...]
    revenue_interval: str = REVENUE_INTERVAL
    locale: str = ""  # how money is written (Scenario.money_locale); "" the currency's usual
    months_whole: bool = True  # False: no whole month, "now" is the period scaled to a month
    # Why the stages before revenue have no need ("" when they have one): the win rate is
    # not fitted (no closed deal), so a need derived from it would rest on nothing.
    not_fitted: str = ""
    # False: no deals, or no closed deal, so revenue against the plan cannot be judged
    # (nobody is "below"); ``not_judged`` says why in words.
    revenue_judged: bool = True
    not_judged: str = ""
    # True: the plan is an assumption (a Kept of PLAN_PATH), so nothing is "needed" and
    # no stage is short of it; ``not_judged`` is then :data:`NO_PLAN`.
    plan_assumed: bool = False
    # Whole months left out as still filling, and why (calibrate.observed.filling_note).
    filling_note: str = ""
    # Stages under plan only within the 95 % interval of their "now": no gap named.
    within_noise: tuple[str, ...] = ()
    # Stages whose "now" the records hold but cannot judge (source NOT_JUDGED; the
    # reason is ``not_judged``): won deals and revenue of open-only or lost-only deals.
    unjudged: tuple[str, ...] = ()
    # True: no plan was given, so the plan written is the team's own revenue a month
    # (calibrate.own_plan): the report compares the team with itself, needs nothing of
    # it (``plan_assumed`` is True too) and ``plan_note`` says so and how to give a plan.
    plan_own: bool = False
    plan_note: str = ""
    # The plan's split: role -> share of the revenue need (the team file's people only,
    # :func:`plan_split`), and where the split comes from, in words.
    split: tuple[tuple[str, float], ...] = ()
    split_note: str = ""
    # Deal owners and activity people the team file does not list: shown with their
    # results, role :data:`NOT_IN_TEAM`, no share of the plan; ``outside_note`` says so.
    not_in_team: tuple[str, ...] = ()
    outside_note: str = ""
    # The plan written in the scenario (plan.revenue_per_month: one value, or twelve,
    # January to December), and where it comes from in words, as the front end knows it
    # ("from the base scenario b2b_smb.yaml", "given with --plan"; "" unknown):
    # teamsim.calibrate_view.plan_words says them together.
    plan_per_month: tuple[float, ...] = ()
    plan_source: str = ""

    @property
    def no_plan(self) -> str:
        """What to do when no plan is given (:data:`NO_PLAN`, or ``plan_note``); "" with one."""
        if self.plan_own:
            return self.plan_note
        return NO_PLAN if self.plan_assumed else ""

    @property
    def labels(self) -> dict[str, str]:
        """Stage -> the row's name, by what it counts (:func:`stage_label`)."""
        named = dict(zip(self.team["stage"], self.team["label"], strict=True))
        return {s: str(named.get(s, LABELS[s])) for s in FUNNEL}


# --- the plan's needs -----------------------------------------------------------------


def _proposal_column(segment: str, needs: pd.DataFrame, scenario: Scenario) -> str | None:
    """The needs column of the first proposal-like stage of a segment (None: it has none).

    A segment the scenario knows is read by its stages' names (or positions, for
    ``stage_<i>`` columns); an unknown one by the first proposal-like stage column.
    """
    seg = scenario.segments.get(segment)
    if seg is None:
        named = [c for c in needs.columns if c not in NEEDS_COLUMNS and not _POSITIONAL.match(c)]
        return next((c for c in named if PROPOSAL_LIKE.search(c)), None)
    names = [s.name for s in seg.stages]
    hit = next((k for k, n in enumerate(names) if PROPOSAL_LIKE.search(n)), None)
    if hit is None:
        return None
    return names[hit] if names[hit] in needs.columns else f"stage_{hit + 1}"


def _proposal_needs(needs: pd.DataFrame, scenario: Scenario) -> tuple[pd.Series, bool]:
    """Entries into the first proposal-like stage of each row's segment (and if any)."""
    segments = needs["segment"].astype(str) if "segment" in needs.columns else None
    values = pd.Series(0.0, index=needs.index)
    found = False
    for segment in [""] if segments is None else segments.unique():
        column = _proposal_column(segment, needs, scenario)
        if column is None or column not in needs.columns:
            continue
        rows = needs.index if segments is None else needs.index[segments == segment]
        entries = needs.loc[rows, column].astype(float)
        found = found or bool(entries.notna().any())
        values.loc[rows] = entries.fillna(0.0)
    return values, found


def _needed(needs: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Stage -> needed a month: the mean over the months of ``needs`` (see :func:`_on_months`)."""
    if needs.empty:
        return {s: math.nan for s in FUNNEL}
    proposals, any_proposal = _proposal_needs(needs, scenario)
    frame = needs.assign(first_stage=needs["leads"], proposals=proposals)
    monthly = frame.groupby("month", sort=True)[list(FUNNEL)].sum(min_count=1)
    mean = {s: float(monthly[s].mean()) for s in FUNNEL}
    if not any_proposal:
        mean["proposals"] = math.nan  # the scenario has no proposal stage to need
    if not any(_dialled(scenario, rid) for rid in scenario.roles):
        # No role dials a channel: the scenario has no call stages, so nothing is needed
        # of them (shown "-", not a need of 0 beside a "now" of "-").
        mean["dials"] = mean["conversations"] = math.nan
    return mean


def plan_target(scenario: Scenario, month: str) -> float:
    """The plan of a calendar month "YYYY-MM" as the scenario writes it (``Plan``'s rule)."""
    return scenario.plan.for_calendar_month(int(month[5:7]))


def _on_months(needs: pd.DataFrame, scenario: Scenario, months: Sequence[str]) -> pd.DataFrame:
    """The plan's needs on the given months: the funnel's shape times each month's plan.

    ``needs`` is the back-calculation over the scenario's own months; its rows are scaled
    so that their revenue is the plan written in the scenario (the back-calculation also
    counts every lead a referral or inbound channel brings, which may be more than the
    plan needs), pooled into one shape a unit of revenue (per segment and channel), and
    laid on each month of ``months`` times that month's plan
    (``Plan.for_calendar_month``). So "needed" rests on one number, the plan, and
    averages over the same months as "now". With no revenue in ``needs`` (nothing sells)
    only the revenue is needed.
    """
    keys = [c for c in ("segment", "channel") if c in needs.columns]
    numeric = [c for c in needs.columns if c not in ("month", *keys)]
    total = float(needs["revenue"].astype(float).sum()) if not needs.empty else 0.0
    rows: list[pd.DataFrame] = []
    if total > 0 and math.isfinite(total):
        grouped = needs.groupby(keys, sort=False, dropna=False) if keys else None
        shape = (
            grouped[numeric].sum(min_count=1).reset_index()
            if grouped is not None
            else needs[numeric].sum(min_count=1).to_frame().T
        )
        shape[numeric] = shape[numeric].astype(float) / total
        for month in months:
            part = shape.copy()
            part[numeric] = part[numeric] * plan_target(scenario, month)
            part.insert(0, "month", month)
            rows.append(part)
    else:
        for month in months:
            row: dict[str, object] = {c: math.nan for c in needs.columns}
            row.update(month=month, segment="", channel="", revenue=plan_target(scenario, month))
            rows.append(pd.DataFrame([row]))
    if not rows:
        return needs.iloc[0:0]
    return pd.concat(rows, ignore_index=True)[list(needs.columns)]


# A ratio this close under 1 is on plan: the plan written from the records' own revenue is
# a whole amount (under one unit of a plan of 10,000 or more).
_ON_PLAN = 1e-4


def _not_fitted(records: Records, scenario: Scenario, kept: Sequence[Kept]) -> str:
    """Why the needs before revenue are not derived ("": the win rate is fitted).

    The stages a plan needs before revenue come from the win rate; with no closed deal
    in the records, or closed deals all of one outcome in a file that looks filtered by
    status (calibrate.records.filtered_export: MIN_CLOSED or more, all won or all lost,
    where the fits keep the win rate too), the win rate is the base's assumption, so a
    need derived from it would rest on nothing the team did. Won deals rest on the deal
    values, not on the win rate: with closed deals all of one outcome their need stays.
    """
    deals = records.deals
    won, lost, _ = _outcome_counts(records)
    one_side = _one_sided(records)
    if won + lost and not one_side:
        return ""
    fields = [".".join(str(p) for p in k.path) for k in kept if k.path[-1:] == ("convert",)]
    if not fields:
        fields = [
            f"segments.{sid}.stages.{st.name}.convert"
            for sid, seg in scenario.segments.items()
            for st in seg.stages
        ]
    shown = ", ".join(fields[:3]) + (f" and {len(fields) - 3} more" if len(fields) > 3 else "")
    what = "no deals in the records" if deals is None or deals.empty else "no closed deal"
    before = "revenue"
    if one_side:
        what, before = _all_one_side(won, lost, scenario.money_locale), "won deals"
    return (
        f"{what}, so the win rate is not fitted (assumption kept: {shown}); what the plan "
        f"needs before {before} is not derived from it"
    )


def _not_judged(records: Records, sources: Mapping[str, str], locale: str | None = None) -> str:
    """Why revenue against the plan cannot be judged, in words ("": it can).

    No deals; no closed deal (an export of open deals only?); or closed deals all lost
    in a file that looks filtered by status (:func:`_one_sided`): the won deals and the
    revenue of 0 would be the filter's, not the team's.
    """
    if not sources["revenue"]:
        return "revenue against the plan needs deals, and the records hold none"
    won, lost, _ = _outcome_counts(records)
    if won + lost == 0:
        return (
            "no deal in the records is closed (an export of open deals only?), so the "
            "revenue won now is not measured"
        )
    if _one_sided(records) and not won:  # the filter's 0, not the team's
        return (
            f"{_all_one_side(won, lost, locale)}, so the deals won and the revenue now are "
            "not measured"
        )
    if won and not _won_with_value(records):
        # No amount read (the file's amount column under a name not recognised): a
        # revenue of 0 would be the reading's, not the team's.
        return (
            f"none of the {format_number(won, 0, locale=locale)} won deals has an amount (map "
            "the file's amount column: "
            "value=<its name>), so the revenue now is not measured"
        )
    return ""


def _won_with_value(records: Records) -> int:
    """Won deals whose value was read (a number, 0 included)."""
    deals = records.deals
    if deals is None or "value" not in deals:
        return 0
    won = deals["status"] == Status.WON.value
    return int(pd.to_numeric(deals.loc[won, "value"], errors="coerce").notna().sum())


# --- what the records can tell --------------------------------------------------------


def _kinds_logged(records: Records) -> set[str]:
    acts = records.activities
    if acts is None or acts.empty:
        return set()
    return {str(k) for k in acts["kind"].dropna().unique()}


def _stages_like(records: Records, like: re.Pattern[str]) -> bool:
    stages = records.stages
    if stages is None or stages.empty:
        return False
    return bool(stages["stage"].fillna("").astype(str).str.contains(like).any())


def _outcome_counts(records: Records) -> tuple[int, int, int]:
    """Deals won, lost and still open in the records (zeros without deals)."""
    deals = records.deals
    if deals is None or deals.empty:
        return 0, 0, 0
    status = deals["status"]
    won = int((status == Status.WON.value).sum())
    lost = int((status == Status.LOST.value).sum())
    return won, lost, len(status) - won - lost


def _filtered(records: Records) -> str | None:
    """The question deals filtered by status raise (calibrate.records.filtered_export)."""
    won, lost, still_open = _outcome_counts(records)
    return filtered_export(won, lost, still_open) if won + lost + still_open else None


def _all_one_side(won: int, lost: int, locale: str | None = None) -> str:
    """Closed deals all of one outcome, in words, the count in ``locale``.

    "702 closed deals, all won (a won-only export?)"; "1,702" ("1 702" ru_RU).
    """
    side = "won" if won else "lost"
    closed = format_number(won + lost, 0, locale=locale)
    return f"{closed} closed deals, all {side} (a {side}-only export?)"


def _one_sided(records: Records) -> bool:
    """Closed deals all won or all lost, in a file that looks filtered by status.

    Such a file holds only the deals that got to one end, so the deals created in it,
    and the stages they passed, are not every deal that entered the funnel (a false gap,
    or a false surplus, at the first stage otherwise); its win rate is the filter's.
    """
    won, lost, _ = _outcome_counts(records)
    return _filtered(records) is not None and (won + lost) > 0 and not (won and lost)


def _sources(records: Records) -> dict[str, str]:
    """Stage -> where its "now" comes from ("" when the records cannot tell).

    Closed deals all won or all lost in a file filtered by status (:func:`_one_sided`)
    measure no stage before won: the deals created in it are not every deal that entered
    the funnel. (Open deals alone still measure the first stage: most deals created in
    the last months are still open.)
    """
    kinds = _kinds_logged(records)
    deals = records.deals is not None and not records.deals.empty
    whole = deals and not _one_sided(records)
    src = {
        "dials": "activities" if ActivityKind.DIAL in kinds else "",
        "conversations": "activities" if ActivityKind.CONVERSATION in kinds else "",
        "won": "deals" if deals else "",
        "revenue": "deals" if deals else "",
    }
    if whole:
        src["first_stage"] = "deals created"
    elif ActivityKind.BOOKING in kinds and ActivityKind.MEETING in kinds:
        src["first_stage"] = _BOOKED_AND_HELD
    elif ActivityKind.BOOKING in kinds:
        src["first_stage"] = "bookings (activities)"
    elif ActivityKind.MEETING in kinds:
        src["first_stage"] = "meetings (activities)"
    else:
        src["first_stage"] = ""
    if ActivityKind.PROPOSAL in kinds:
        src["proposals"] = "activities"
    elif whole and _stages_like(records, PROPOSAL_LIKE):
        src["proposals"] = "stage history"
    else:
        src["proposals"] = ""
    return src


def stage_label(stage: str, source: str) -> str:
    """A report row's name by what it counts: the first stage by its source.

    "Deals created" when the deals give it; "Meetings booked", "Meetings held" or
    "Meetings booked or held" when the activities do; :data:`LABELS` otherwise.
    """
    if stage == "first_stage":
        return _FIRST_STAGE_LABELS.get(source, LABELS[stage])
    return LABELS[stage]


def _now_column(stage: str, source: str) -> str:
    """The observed_funnel column behind a report stage."""
    if stage == "first_stage":
        columns = {"deals created": "created", "bookings (activities)": "bookings"}
        return columns.get(source, "bookings" if source == _BOOKED_AND_HELD else "meetings")
    return stage


# The first stage's sources that are activities: a person's own first stage is then what
# they log of it (_first_stage_entries).
_BOOKED_AND_HELD = "bookings and meetings held on channels not booked (activities)"
_ACTIVITY_FIRST = ("bookings (activities)", _BOOKED_AND_HELD, "meetings (activities)")
_FIRST_STAGE_LABELS = {
    "deals created": "Deals created",
    "bookings (activities)": "Meetings booked",
    _BOOKED_AND_HELD: "Meetings booked or held",
    "meetings (activities)": "Meetings held",
}


def _own_first_stage(
    records: Records,
) -> tuple[Records, tuple[pd.Timestamp, pd.Timestamp] | None]:
    """The activities that are entries into the first stage, and the records' span.

    Bookings, and meetings held on a channel where no booking is logged (see
    :func:`_first_stage_entries`).
    """
    acts = records.activities
    assert acts is not None  # the first stage comes from activities only when logged
    channel = acts["channel"].fillna("").astype(str)
    booked = set(channel[acts["kind"] == ActivityKind.BOOKING])
    again = (acts["kind"] == ActivityKind.MEETING) & channel.isin(booked)
    period = records_period(records)
    span = None if period is None else (period.first, period.last)
    return Records(activities=acts.loc[~again.to_numpy()]), span


def _first_stage_entries(records: Records, people: Sequence[str]) -> pd.Series:
    """Person -> entries into the first stage a month, from activities (one rule).

    An SDR books first meetings, an account executive holds them: a booking is one entry
    into the first stage, and so is a meeting held on a channel where nobody logs a
    booking (an inbound demo request); a meeting held on a channel where bookings are
    logged (or with no channel, beside bookings with none) is a booked meeting again,
    counted once, by its booking. Each person's figure is the mean a month of their own
    bookings and such meetings (``observed_funnel``), and the team's is the sum over the
    people, so the team row and the people's cells measure the same thing.
    """
    own, span = _own_first_stage(records)
    by_person = observed_funnel(own, by="person", people=people, span=span)
    means = by_person.loc[by_person["month"] == MEAN].set_index("person")
    entries = means["bookings"].astype(float) + means["meetings"].astype(float)
    return entries.rename(index=str)


# --- the people -----------------------------------------------------------------------

# The report's stages that come from calls (done by the roles that dial) and those that
# come from a segment's deals (done by the roles that sell the segment).
CALL_STAGES: tuple[str, ...] = ("dials", "conversations")
DEAL_STAGES: tuple[str, ...] = ("first_stage", "proposals", "won", "revenue")


def _roles(records: Records, people: pd.DataFrame | None) -> dict[str, str]:
    roles: dict[str, str] = {}
    for frame in (records.team, people):
        if frame is None or "role" not in frame.columns:
            continue
        for person, role in zip(frame["person"], frame["role"], strict=True):
            if isinstance(person, str) and isinstance(role, str) and role:
                roles[person] = role
    return roles


def _role_id(role: str | None, scenario: Scenario) -> str | None:
    """The scenario's role id a team file's role names, by id or title (None: unknown)."""
    if role is None:
        return None
    if role in scenario.roles:
        return role
    by_title = {r.title.casefold(): rid for rid, r in scenario.roles.items() if r.title}
    return by_title.get(role.casefold())


def _weight(role: str | None, scenario: Scenario) -> float | None:
    """The role's selling share (None: a role the scenario does not know)."""
    rid = _role_id(role, scenario)
    return None if rid is None else scenario.roles[rid].sells


def _segments(scenario: Scenario, rid: str) -> list[str]:
    """The segments a role sells (``Role.segments``; None: all)."""
    segments = scenario.roles[rid].segments
    return list(scenario.segments) if segments is None else list(segments)


def _dialled(scenario: Scenario, rid: str) -> frozenset[str]:
    """The outbound channels a role dials (the rule of ``sim.rules.dialled_channels``)."""
    return frozenset(dialled_channels(scenario, rid)[0])


@dataclass(frozen=True)
class _Worker:
    """What one person's role does: its selling share, channels dialled, segments sold.

    ``channels`` / ``segments`` None: the role is unknown, so the person is taken for a
    line seller who dials every channel and sells every segment.
    """

    sells: float
    channels: frozenset[str] | None
    segments: frozenset[str] | None

    def does(self, stage: str) -> bool:
        """Whether the role does the stage at all (a "-" in the report when not)."""
        if self.sells <= 0:
            return False
        if stage in CALL_STAGES:
            return self.channels is None or bool(self.channels)
        return self.segments is None or bool(self.segments)

    def weight(self, stage: str, *, segment: str, channel: str) -> float:
        """The person's weight in a needs row's stage: selling share, 0 when not theirs.

        ``segment`` / ``channel`` "": one the scenario does not know, anyone's who does
        the stage.
        """
        if not self.does(stage):
            return 0.0
        # "" is a segment or channel the scenario does not know: anyone's who does the stage.
        if stage in CALL_STAGES:
            mine = self.channels is None or not channel or channel in self.channels
        else:
            mine = self.segments is None or not segment or segment in self.segments
        return self.sells if mine else 0.0


def _worker(role: str | None, scenario: Scenario, *, calls: bool | None = None) -> _Worker:
    """What a person's role does; ``calls`` False: they dial nothing, whatever the role.

    ``calls`` None: the records cannot tell (no activities), the role's rule stands.
    """
    rid = _role_id(role, scenario)
    if rid is None:
        channels: frozenset[str] | None = None if calls is not False else frozenset()
        return _Worker(sells=1.0, channels=channels, segments=None)
    return _Worker(
        sells=scenario.roles[rid].sells,
        channels=_dialled(scenario, rid) if calls is not False else frozenset(),
        segments=frozenset(_segments(scenario, rid)),
    )


# The role of a person the team file does not list, from what their records show.
CALLER = "dials in the records"
NOT_CALLER = "no dials in the records"


def _calls(
    records: Records, who: Sequence[str], team_roles: Mapping[str, str]
) -> dict[str, bool | None]:
    """Person -> whether they dial: the records' word (None: no activities to tell).

    A person who logged dials dials; one who logged activities but no dial does not (an
    account executive holding meetings is no caller, whatever the role's channels). A
    person with no activity of their own takes their team-file role's: it dials when
    someone of it logged dials.
    """
    acts = records.activities
    if acts is None or acts.empty:
        return {p: None for p in who}
    count = acts["count"].fillna(1.0).astype(float)
    dials = count.where(acts["kind"] == ActivityKind.DIAL.value, 0.0).groupby(acts["person"])
    per_person = dials.sum()
    dialers = {str(p) for p, n in per_person.items() if n > 0}
    logged = {str(p) for p in per_person.index}
    calling_roles = {team_roles[p] for p in dialers if p in team_roles}
    out: dict[str, bool | None] = {}
    for p in who:
        if p in logged:
            out[p] = p in dialers
        elif p in team_roles:
            out[p] = team_roles[p] in calling_roles
        else:
            out[p] = None
    return out


def _known(name: str, known: Mapping[str, object]) -> str:
    """A needs row's segment or channel as the scenario knows it ("" when it does not)."""
    return name if name in known else ""


def _person_needs(
    who: list[str],
    workers: Mapping[str, _Worker],
    *,
    needs: pd.DataFrame,
    scenario: Scenario,
    needed: Mapping[str, float],
) -> dict[str, dict[str, float]]:
    """Person -> stage -> their share of the need, a month (NaN: their role does not do it).

    Each needs row (month, segment, channel) is shared among the people whose role does
    its stage there, in proportion to their selling share: dials and conversations among
    those who dial the row's channel, the deal stages among those who sell its segment.
    A row whose segment or channel the scenario does not know goes to everyone who does
    the stage. Summed over the rows, divided by the plan's months, as the team's need.
    """
    out = {p: {s: (0.0 if workers[p].does(s) else math.nan) for s in FUNNEL} for p in who}
    months = needs["month"].nunique() if "month" in needs.columns else 0
    if not months:
        return out
    proposals, _ = _proposal_needs(needs, scenario)
    values = needs.assign(first_stage=needs["leads"], proposals=proposals)
    n = len(values)
    segments = values["segment"].astype(str) if "segment" in values.columns else [""] * n
    channels = values["channel"].astype(str) if "channel" in values.columns else [""] * n
    for stage in FUNNEL:
        if not math.isfinite(needed[stage]):
            continue
        row_values = values[stage].astype(float).fillna(0.0).to_numpy()
        for value, segment, channel in zip(row_values, segments, channels, strict=True):
            if value == 0:
                continue
            seg = _known(segment, scenario.segments)
            ch = _known(channel, scenario.channels)
            weights = {p: workers[p].weight(stage, segment=seg, channel=ch) for p in who}
            total = sum(weights.values())
            if total <= 0:
                continue  # nobody in the team works this row: its need is nobody's
            for p, weight in weights.items():
                if weight > 0:
                    out[p][stage] += float(value) * weight / total / months
    for p in who:
        for stage in FUNNEL:
            if not math.isfinite(needed[stage]):
                out[p][stage] = math.nan
    return out


def _role_label(
    person: str,
    team_roles: Mapping[str, str],
    roles: Mapping[str, str],
    calls: bool | None,
) -> str | None:
    """The role the report groups a person under: the team file's, else their records'.

    Without a team file the scenario's role is the fits' guess (every seller alike), so
    the records say what the person does: dials, or none (meetings, proposals, deals).
    """
    if person in team_roles:
        return team_roles[person]
    if calls is not None:
        return CALLER if calls else NOT_CALLER
    return roles.get(person)


def _team_sellers(records: Records, roles: Mapping[str, str], scenario: Scenario) -> list[str]:
    """People in the team file whose role sells: listed even with no records."""
    team = records.team
    if team is None or team.empty:
        return []
    out = []
    for person in team["person"].dropna().astype(str):
        w = _weight(roles.get(person), scenario)
        if w is not None and w > 0:
            out.append(person)
    return out


def _mean_interval(values: np.ndarray) -> tuple[float, float]:
    """95 % t interval of the mean of monthly values (:data:`REVENUE_INTERVAL`'s rule)."""
    n = len(values)
    if n < 2:
        return math.nan, math.nan
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return max(0.0, mean - half), mean + half


def _closed_counts(records: Records) -> tuple[pd.Series, pd.Series]:
    """Per owner: deals closed (won or lost) and won, over the whole records."""
    deals = records.deals
    if deals is None or deals.empty:
        empty = pd.Series(dtype=float)
        return empty, empty
    closed = deals.loc[deals["status"].isin([Status.WON, Status.LOST])]
    won = closed.loc[closed["status"] == Status.WON]
    return closed.groupby("owner").size(), won.groupby("owner").size()


def plan_split(
    now: Mapping[str, float],
    groups: Mapping[str, str],
    weights: Mapping[str, float],
    need: float,
) -> dict[str, float] | None:
    """Person -> their part of a stage's need, split by the records (the one split rule).

    Each role's part is its share of what the records show at the stage (``now``: the
    person's "now" a month, over the report's months; won revenue for the plan itself),
    and within the role the people's ``weights`` (the scenario's split, by selling
    share; equal when those are all 0). Only the people given share: a person outside
    the team file is left out by the caller, so the rest add up to ``need``.

    Args:
        now: Person -> their "now" at the stage (NaN: they do not do it).
        groups: Person -> their role, as the report groups them.
        weights: Person -> their part under the scenario's split (NaN or 0: none).
        need: The team's need at the stage, a month.

    Returns:
        Person -> need, or None when the records show nothing of the stage by these
        people (the caller keeps the scenario's split and says so).
    """
    done = {p: v for p, v in now.items() if math.isfinite(v)}
    total = sum(max(v, 0.0) for v in done.values())
    if total <= 0 or not math.isfinite(need):
        return None
    by_role: dict[str, list[str]] = {}
    for p in done:
        by_role.setdefault(groups.get(p, ""), []).append(p)
    out: dict[str, float] = {}
    for members in by_role.values():
        part = need * sum(max(done[p], 0.0) for p in members) / total
        w = {p: weights.get(p, 0.0) for p in members}
        w = {p: v if math.isfinite(v) and v > 0 else 0.0 for p, v in w.items()}
        whole = sum(w.values())
        for p in members:
            out[p] = part * (w[p] / whole if whole > 0 else 1.0 / len(members))
    return out


def _team_file(records: Records) -> set[str] | None:
    """The people the team file lists (None: no team file, everyone is in the team)."""
    team = records.team
    if team is None or team.empty:
        return None
    return {str(p) for p in team["person"].dropna()}


@dataclass(frozen=True)
class _People:
    """The people's table and how the plan was split over them."""

    table: pd.DataFrame
    kept_split: tuple[str, ...] = ()  # stages split by the scenario (records show none)
    outside: tuple[str, ...] = ()  # people the team file does not list


def _people_table(
    records: Records,
    scenario: Scenario,
    *,
    needed: Mapping[str, float],
    needs: pd.DataFrame,
    sources: Mapping[str, str],
    people: pd.DataFrame | None,
) -> _People:
    roles = _roles(records, people)
    team_roles = _roles(records, None)
    extra = _team_sellers(records, roles, scenario)
    by_person = observed_funnel(records, by="person", people=extra)
    if by_person.empty:
        return _People(pd.DataFrame())
    means = by_person.loc[by_person["month"] == MEAN].set_index("person")
    monthly = by_person.loc[(by_person["month"] != MEAN) & by_person["whole"]]
    who = [str(p) for p in means.index]
    listed = _team_file(records)
    inside = [p for p in who if listed is None or p in listed]
    outside = tuple(p for p in who if p not in inside)
    calls = _calls(records, who, team_roles)
    workers = {p: _worker(roles.get(p), scenario, calls=calls[p]) for p in who}
    # The scenario's split over the team file's people: the weights within a role, and
    # the split itself where the records show nothing of a stage.
    scenario_needs = _person_needs(inside, workers, needs=needs, scenario=scenario, needed=needed)
    closed, won = _closed_counts(records)
    first_entries = (
        _first_stage_entries(records, extra)
        if sources["first_stage"] in _ACTIVITY_FIRST
        else pd.Series(dtype=float)
    )
    rows = []
    nows: dict[str, dict[str, float]] = {}
    for person in who:
        role = _role_label(person, team_roles, roles, calls[person])
        row: dict[str, object] = {
            "person": person,
            "role": NOT_IN_TEAM if person in outside else role,
            "in_team": person not in outside,
        }
        for stage in FUNNEL:
            column = _now_column(stage, sources[stage])
            now = means[column].astype(float)
            if stage == "first_stage" and sources[stage] in _ACTIVITY_FIRST:
                now = first_entries
            value = float(now.get(person, 0.0)) if sources[stage] else math.nan
            if stage in CALL_STAGES and not workers[person].does(stage):
                value = math.nan  # no caller: "-", never "0 / -" or "200 / -"
            row[f"{stage}_now"] = value
            nows.setdefault(person, {})[stage] = value
        n_closed, n_won = int(closed.get(person, 0)), int(won.get(person, 0))
        low, high = wilson_interval(n_won, n_closed)
        row.update(
            closed=n_closed,
            won_total=n_won,
            win_rate=n_won / n_closed if n_closed else math.nan,
            win_low=low,
            win_high=high,
        )
        revenue = monthly.loc[monthly["person"] == person, "revenue"].to_numpy(dtype=float)
        row["months"] = len(revenue)
        row["revenue_low"], row["revenue_high"] = _mean_interval(revenue)
        rows.append(row)
    by_name = {str(r["person"]): r for r in rows}
    groups = {p: str(by_name[p]["role"] or "") for p in inside}
    kept_split: list[str] = []
    for stage in FUNNEL:
        split = None
        if sources[stage] and math.isfinite(needed[stage]):
            done = {p: nows[p][stage] if workers[p].does(stage) else math.nan for p in inside}
            weights = {p: scenario_needs[p][stage] for p in inside}
            split = plan_split(done, groups, weights, needed[stage])
        if split is None and math.isfinite(needed[stage]):
            kept_split.append(stage)
        for p in who:
            if not workers[p].does(stage) or not math.isfinite(needed[stage]):
                need = math.nan
            elif p in outside:
                # No share of the plan (it is the team file's people's): 0 beside what
                # they did, "-" where the records show nothing of them.
                need = 0.0 if math.isfinite(nows[p][stage]) else math.nan
            elif split is None:
                need = scenario_needs[p][stage]
            else:
                need = split.get(p, 0.0)
            by_name[p][f"{stage}_needed"] = need
    revenue_need = needed["revenue"]
    for p in who:
        mine = by_name[p]["revenue_needed"]
        assert isinstance(mine, float)  # set just above, NaN included
        by_name[p]["share"] = mine / revenue_need if revenue_need > 0 else math.nan
    order = ["person", "role", "share"]
    order += [f"{s}_{w}" for s in FUNNEL for w in ("now", "needed")]
    table = pd.DataFrame(rows)
    table = table[order + [c for c in table.columns if c not in order]]
    wanted = table["revenue_needed"].to_numpy(dtype=float)
    ratios = {"ratio": "revenue_now", "ratio_low": "revenue_low", "ratio_high": "revenue_high"}
    for name, column in ratios.items():
        out = np.full(len(table), np.nan)
        np.divide(table[column].to_numpy(dtype=float), wanted, out=out, where=wanted > 0)
        table[name] = out
    return _People(table, tuple(kept_split), outside)


_FURTHEST = [
    "person",
    "role",
    "share",
    "revenue_now",
    "revenue_low",
    "revenue_high",
    "revenue_needed",
    "ratio",
    "ratio_low",
    "ratio_high",
    "won_total",
    "closed",
]


def _furthest(table: pd.DataFrame) -> pd.DataFrame:
    """The selling people below plan, furthest short first (someone above is no gap)."""
    if table.empty:
        return pd.DataFrame(columns=_FURTHEST)
    short = table.loc[(table["share"] > 0) & (table["ratio"] < 1.0)]
    ordered = short.sort_values(["ratio", "person"], kind="stable")
    return ordered[_FURTHEST].reset_index(drop=True)


def _largest_gap(team: pd.DataFrame) -> tuple[str | None, tuple[str, ...]]:
    """The stage with the largest gap, and the stages short of plan only within noise.

    A stage is short when its ratio (now / needed) is under 1 by more than rounding
    (:data:`_ON_PLAN`) and, where its "now" has a 95 % interval (``now_low``-``now_high``:
    the t interval of the mean over the whole months, :data:`REVENUE_INTERVAL`'s rule;
    none with fewer than 2 whole months), the need lies above the interval's high end:
    a need inside it is a shortfall the months' own spread could make (won deals 54.1 a
    month against 54.4 needed, over months of 40 to 70, is no gap). A stage not measured
    or not needed (ratio NaN: not in the records, not judged, not derived) is never
    short. Of the short stages, the lowest ratio is the largest gap (None: none short);
    the stages under plan only within their interval are returned in funnel order.
    """
    under = team["ratio"] < 1.0 - _ON_PLAN  # NaN compares False: unmeasured is no gap
    beyond = ~(team["now_high"] >= team["needed"])  # NaN (no interval): the ratio decides
    short = team.loc[under & beyond]
    largest = None if short.empty else str(short.loc[short["ratio"].idxmin(), "stage"])
    noise = tuple(str(s) for s in team.loc[under & ~beyond, "stage"])
    return largest, noise


def _first_stage_months(records: Records) -> np.ndarray:
    """The team's whole months of first-stage entries from activities (a month each)."""
    own, span = _own_first_stage(records)
    months = observed_funnel(own, span=span)
    whole = months.loc[(months["month"] != MEAN) & months["whole"]]
    return (whole["bookings"].astype(float) + whole["meetings"].astype(float)).to_numpy()


# --- the report -----------------------------------------------------------------------


def goals_against_results(
    records: Records,
    scenario: Scenario,
    needs: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    kept: Sequence[Kept] = (),
    fits: Sequence[Fit] = (),
) -> GoalsReport:
    """Goals against current results, stage by stage, for the team and each person.

    Args:
        records: The canonical tables (any subset may be None).
        scenario: The calibrated scenario (roles' selling shares, stage names, currency).
        needs: The plan's needs, :data:`NEEDS_COLUMNS` and one column per stage (see
            there): what ``optimizer.funnel.back_calculate`` says each month needs.
        people: Optional per-person frame with ``person`` and ``role`` (e.g.
            ``Calibration.people``); it names roles the team file does not.
        kept: The values the records could not tell (``Calibration.kept``): the win
            rate's fields among them are named when it is not fitted; one of
            :data:`PLAN_PATH` says the plan is an assumption (nothing is then needed).
        fits: The fits written (``Calibration.fits``): a plan taken from the records'
            own revenue (note :data:`OWN_PLAN_NOTE`, calibrate.own_plan) compares the
            team with itself, so nothing is needed and ``plan_note`` says so.

    Returns:
        The team's stages now against needed; ``people`` with, per person, ``role``,
        ``share`` (of the team's revenue need), ``<stage>_now`` and ``<stage>_needed``
        for each :data:`FUNNEL` stage (the person's part of the team's need, split over
        the team file's people by :func:`plan_split`: each role's share of the stage's
        "now" in the records, within a role by the scenario's split, :func:`_person_needs`,
        which also splits a stage the records show nothing of; 0 for a person the team
        file does not list, whose ``role`` is :data:`NOT_IN_TEAM` and ``in_team`` False;
        NaN where the person's role does not do the stage at all; someone whose
        activities hold no dial is no caller, whatever the role: dials and conversations
        NaN, now and needed), ``closed``, ``won_total`` and
        ``win_rate`` over every deal the person closed in the records, its 95 % Wilson
        interval ``win_low``-``win_high``, ``months`` and ``revenue_low``-``revenue_high``
        (:data:`REVENUE_INTERVAL`), ``ratio`` (revenue now / share of needed revenue) with
        ``ratio_low``-``ratio_high``; and those below plan, furthest short first.

        "Now" and "needed" average over the same months: the records' whole months (all
        the months they touch when none is whole, the plan's months with no dated
        record); "needed" is the plan written in the scenario on those months, through
        the funnel of ``needs`` (:func:`_on_months`). With no closed deal the win rate is
        not fitted: only the revenue is needed (``not_fitted`` says why); with closed
        deals all won or all lost in a file filtered by status, only won deals and
        revenue. With no deals revenue against the plan cannot be judged: ``furthest`` is
        empty and ``revenue_judged`` False; so too with no closed deal, or closed deals
        all lost (the won deals and revenue, source :data:`NOT_JUDGED`, are then in
        ``unjudged``, their "now" NaN, and ``not_judged`` says why); and when the plan is
        an assumption (``kept`` holds
        :data:`PLAN_PATH`): then nothing is needed, ``plan_assumed`` is True and
        ``not_judged`` is :data:`NO_PLAN`. A person's first stage, when it comes from
        activities, is their bookings and the meetings they held on a channel where no
        booking is logged, and the team's is the sum over the people
        (:func:`_first_stage_entries`).

    Raises:
        ValueError: If ``needs`` lacks a column the report reads.
    """
    read = ("month", "dials", "conversations", "leads", "won", "revenue")
    missing = [c for c in read if c not in needs.columns]
    if missing:
        raise ValueError(f"the needs frame has no column {', '.join(missing)}")
    period = records_period(records)
    if period is not None:
        months = period.whole or period.months
    else:  # no dated records: the plan's own months
        months = tuple(sorted(str(m) for m in needs["month"].unique()))
    not_fitted = _not_fitted(records, scenario, kept)
    own = next((f for f in fits if tuple(f.path) == PLAN_PATH and _own_plan(f)), None)
    plan_assumed = own is not None or any(tuple(k.path) == PLAN_PATH for k in kept)
    placed = _on_months(needs, scenario, months)
    needed = _needed(placed, scenario)
    if plan_assumed:  # a plan teamsim made up needs nothing of the team
        needed = {s: math.nan for s in needed}
    elif not_fitted:
        # Won deals rest on the deal values, not on the win rate: kept where those were
        # fitted (closed deals all won); with no won deal neither is.
        kept_stages = ("won", "revenue") if _one_sided(records) else ("revenue",)
        needed = {s: (v if s in kept_stages else math.nan) for s, v in needed.items()}
    sources = _sources(records)
    not_judged = _not_judged(records, sources, scenario.money_locale)
    unjudged: tuple[str, ...] = ()
    if not_judged and sources["revenue"]:
        # Open deals alone, or lost deals alone, measure no closing: a won count or
        # revenue of 0 would read as the team's result, when the export most likely
        # holds open (or lost) deals only.
        sources = {**sources, "won": "", "revenue": ""}
        unjudged = ("won", "revenue")
    team_now = observed_funnel(records)
    mean = team_now.loc[team_now["month"] == MEAN]
    monthly = team_now.loc[(team_now["month"] != MEAN) & team_now["whole"]]
    split = _people_table(
        records, scenario, needed=needed, needs=placed, sources=sources, people=people
    )
    table = split.table
    rows = []
    for stage in FUNNEL:
        source = sources[stage]
        column = _now_column(stage, source)
        now = float(mean[column].iloc[0]) if source and not mean.empty else math.nan
        months_now = monthly[column].to_numpy(dtype=float) if source else np.array([])
        if source in _ACTIVITY_FIRST:
            # The team's first stage is the sum of the people's (_first_stage_entries).
            months_now = _first_stage_months(records)
            if not table.empty:
                now = float(table["first_stage_now"].astype(float).sum())
        low, high = _mean_interval(months_now)
        need = needed[stage]
        ratio = now / need if need > 0 else math.nan
        rows.append(
            {
                "stage": stage,
                "label": stage_label(stage, source),
                "now": now,
                "needed": need,
                "gap": need - now,
                "ratio": ratio,
                "source": (NOT_JUDGED if stage in unjudged else (source or "not in the records")),
                "now_low": low,
                "now_high": high,
            }
        )
    team = pd.DataFrame(rows)
    largest, within_noise = _largest_gap(team)
    judged = not (not_judged or plan_assumed)
    plan_note = "" if own is None else _own_plan_note(own, scenario)
    return GoalsReport(
        team=team,
        largest_gap=largest,
        people=table,
        furthest=_furthest(table) if judged else _furthest(pd.DataFrame()),
        months_now=() if period is None else period.whole,
        partial_months=() if period is None else period.partial,
        filling_note=filling_note(period),
        plan_months=tuple(months),
        currency=scenario.currency,
        rows_not_used=sum(records.dropped.values()),
        problems=records.problems,
        locale=scenario.money_locale,
        months_whole=period is None or bool(period.whole),
        not_fitted=not_fitted,
        revenue_judged=judged,
        not_judged=(plan_note or NO_PLAN) if plan_assumed and not not_judged else not_judged,
        plan_assumed=plan_assumed,
        within_noise=within_noise,
        unjudged=unjudged,
        plan_own=own is not None,
        plan_note=plan_note,
        split=_role_shares(table, needed["revenue"]),
        split_note=_split_note(
            split, table, needed=needed, months=tuple(months), locale=scenario.money_locale
        ),
        not_in_team=split.outside,
        outside_note=_outside_note(split.outside),
        plan_per_month=tuple(float(v) for v in scenario.plan.revenue_per_month),
    )


def _own_plan(fit: Fit) -> bool:
    """Whether the plan fit is the records' own revenue (calibrate.own_plan)."""
    return fit.note.startswith(OWN_PLAN_NOTE)


def _own_plan_note(fit: Fit, scenario: Scenario) -> str:
    """No plan given: the plan is the team's own revenue, so nothing is compared."""
    value = fit.value if isinstance(fit.value, int | float) else math.nan
    amount = format_money(value, scenario.currency, scenario.money_locale or None)
    return (
        "no plan given (no --plan, no --base): the plan written is the team's own revenue "
        f"won a month in the records, {amount}, so this report compares the team with "
        "itself and shows no gap; give --plan AMOUNT (revenue a month) or --base "
        "SCENARIO with a plan to see what the plan needs"
    )


def _role_shares(table: pd.DataFrame, need: float) -> tuple[tuple[str, float], ...]:
    """Role -> share of the revenue need, in the people's order (none without a need)."""
    if table.empty or not (math.isfinite(need) and need > 0):
        return ()
    inside = table.loc[table["in_team"] & table["revenue_needed"].notna()]
    sums = inside.groupby(inside["role"].fillna("").astype(str), sort=False)["revenue_needed"]
    return tuple((str(r), float(v) / need) for r, v in sums.sum().items())


def _split_note(
    split: _People,
    table: pd.DataFrame,
    *,
    needed: Mapping[str, float],
    months: tuple[str, ...],
    locale: str | None = None,
) -> str:
    """Where the plan's split over the people comes from, in words ("" with no need).

    Months by their names ("Jan 2025 to Feb 2025"), shares in ``locale``.
    """
    shares = _role_shares(table, needed["revenue"])
    if not shares:
        return ""
    names = [month_title(m, locale) for m in months]
    span = "" if not names else names[0] if len(names) == 1 else f"{names[0]} to {names[-1]}"
    said = ", ".join(
        f"{role or 'role not known'} {format_percent(v, locale=locale)}" for role, v in shares
    )
    scenario_rule = (
        "the scenario's funnel (each segment's and channel's need among the people whose "
        "role works it, by selling share)"
    )
    if "revenue" in split.kept_split:
        return (
            f"plan split by {scenario_rule}, since the records show no won revenue by the "
            f"team file's people: {said}"
        )
    rest = [LABELS[s].lower() for s in split.kept_split]
    kept = f"; {', '.join(rest)} not in the records: by {scenario_rule}" if rest else ""
    return (
        f"plan split by each role's share of won revenue in the records, {span}: {said}; "
        "every other stage likewise by the role's share of it in the records, and within "
        f"a role by selling share{kept}"
    )


def _outside_note(outside: Sequence[str]) -> str:
    """The people the team file does not list, once ("" when none)."""
    if not outside:
        return ""
    names = ", ".join(outside[:5]) + (f" and {len(outside) - 5} more" if len(outside) > 5 else "")
    return (
        f"{NOT_IN_TEAM}: {names} (someone who left, or a name spelled another way: fix "
        "it in the records or add them to the team file); their results are shown, with "
        "no share of the plan, which is split over the team file's people"
    )
