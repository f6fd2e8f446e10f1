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
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibrate.contract import ActivityKind, Records, RowProblem, Status
from calibrate.observed import (
    MEAN,
    PROPOSAL_LIKE,
    observed_funnel,
    records_period,
)
from sim import Scenario, t_quantile, wilson_interval
from sim.rules import dialled_channels

__all__ = [
    "FUNNEL",
    "LABELS",
    "NEEDS_COLUMNS",
    "REVENUE_INTERVAL",
    "GoalsReport",
    "goals_against_results",
]

# The rows of the report, in funnel order.
FUNNEL: tuple[str, ...] = ("dials", "conversations", "first_stage", "proposals", "won", "revenue")
# The field's words for every measure the report and the back-test show (the report's
# stages, then calibrate.backtest.BACKTEST_MEASURES): the terminal, the workbook and the
# dashboard all read them here, so the three never name a measure differently.
LABELS: dict[str, str] = {
    "dials": "Dials",
    "conversations": "Conversations",
    "first_stage": "Meetings / first stage",
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
REVENUE_INTERVAL = (
    "95 % t interval of the mean over the person's whole months of revenue "
    "(mean +- t(0.975, n-1) sd / sqrt n, floored at 0; none with fewer than 2 months)"
)
_POSITIONAL = re.compile(r"^stage_(\d+)$")


@dataclass(frozen=True, eq=False)
class GoalsReport:
    """Goals against current results.

    ``team``: one row per :data:`FUNNEL` stage: ``stage``, ``label``, ``now`` (a month,
    mean over the records' whole months; NaN where the records cannot tell), ``needed``
    (a month, mean over the plan's months), ``gap`` (needed - now), ``ratio`` (now /
    needed, NaN when nothing is needed) and ``source`` (where "now" comes from).
    ``largest_gap``: the stage with the lowest ratio (largest gap relative to the need),
    None when no stage has both figures. ``people``: one row per person (see
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


def _needed(needs: pd.DataFrame, scenario: Scenario) -> tuple[dict[str, float], tuple[str, ...]]:
    """Stage -> needed a month (mean over the plan's months), and those months."""
    read = ("month", "dials", "conversations", "leads", "won", "revenue")
    missing = [c for c in read if c not in needs.columns]
    if missing:
        raise ValueError(f"the needs frame has no column {', '.join(missing)}")
    if needs.empty:
        return {s: math.nan for s in FUNNEL}, ()
    proposals, any_proposal = _proposal_needs(needs, scenario)
    frame = needs.assign(first_stage=needs["leads"], proposals=proposals)
    monthly = frame.groupby("month", sort=True)[list(FUNNEL)].sum()
    mean = {s: float(monthly[s].mean()) for s in FUNNEL}
    if not any_proposal:
        mean["proposals"] = math.nan  # the scenario has no proposal stage to need
    return mean, tuple(str(m) for m in monthly.index)


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


def _sources(records: Records) -> dict[str, str]:
    """Stage -> where its "now" comes from ("" when the records cannot tell)."""
    kinds = _kinds_logged(records)
    deals = records.deals is not None and not records.deals.empty
    src = {
        "dials": "activities" if ActivityKind.DIAL in kinds else "",
        "conversations": "activities" if ActivityKind.CONVERSATION in kinds else "",
        "won": "deals" if deals else "",
        "revenue": "deals" if deals else "",
    }
    if deals:
        src["first_stage"] = "deals created"
    elif ActivityKind.BOOKING in kinds:
        src["first_stage"] = "bookings (activities)"
    elif ActivityKind.MEETING in kinds:
        src["first_stage"] = "meetings (activities)"
    else:
        src["first_stage"] = ""
    if ActivityKind.PROPOSAL in kinds:
        src["proposals"] = "activities"
    elif deals and _stages_like(records, PROPOSAL_LIKE):
        src["proposals"] = "stage history"
    else:
        src["proposals"] = ""
    return src


def _now_column(stage: str, source: str) -> str:
    """The observed_funnel column behind a report stage."""
    if stage == "first_stage":
        return {"deals created": "created", "bookings (activities)": "bookings"}.get(
            source, "meetings"
        )
    return stage


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


def _worker(role: str | None, scenario: Scenario) -> _Worker:
    rid = _role_id(role, scenario)
    if rid is None:
        return _Worker(sells=1.0, channels=None, segments=None)
    return _Worker(
        sells=scenario.roles[rid].sells,
        channels=_dialled(scenario, rid),
        segments=frozenset(_segments(scenario, rid)),
    )


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


def _revenue_interval(values: np.ndarray) -> tuple[float, float]:
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


def _people_table(
    records: Records,
    scenario: Scenario,
    *,
    needed: Mapping[str, float],
    needs: pd.DataFrame,
    sources: Mapping[str, str],
    people: pd.DataFrame | None,
) -> pd.DataFrame:
    roles = _roles(records, people)
    extra = _team_sellers(records, roles, scenario)
    by_person = observed_funnel(records, by="person", people=extra)
    if by_person.empty:
        return pd.DataFrame()
    means = by_person.loc[by_person["month"] == MEAN].set_index("person")
    monthly = by_person.loc[(by_person["month"] != MEAN) & by_person["whole"]]
    who = [str(p) for p in means.index]
    workers = {p: _worker(roles.get(p), scenario) for p in who}
    person_needs = _person_needs(who, workers, needs=needs, scenario=scenario, needed=needed)
    revenue_need = needed["revenue"]
    closed, won = _closed_counts(records)
    rows = []
    for person in who:
        row: dict[str, object] = {
            "person": person,
            "role": roles.get(person),
            "share": (
                person_needs[person]["revenue"] / revenue_need
                if revenue_need > 0 and workers[person].does("revenue")
                else math.nan
            ),
        }
        for stage in FUNNEL:
            column = _now_column(stage, sources[stage])
            now = means[column].astype(float)
            row[f"{stage}_now"] = float(now[person]) if sources[stage] else math.nan
            row[f"{stage}_needed"] = person_needs[person][stage]
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
        row["revenue_low"], row["revenue_high"] = _revenue_interval(revenue)
        rows.append(row)
    table = pd.DataFrame(rows)
    need = table["revenue_needed"].to_numpy(dtype=float)
    ratios = {"ratio": "revenue_now", "ratio_low": "revenue_low", "ratio_high": "revenue_high"}
    for name, column in ratios.items():
        out = np.full(len(table), np.nan)
        np.divide(table[column].to_numpy(dtype=float), need, out=out, where=need > 0)
        table[name] = out
    return table


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


# --- the report -----------------------------------------------------------------------


def goals_against_results(
    records: Records,
    scenario: Scenario,
    needs: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
) -> GoalsReport:
    """Goals against current results, stage by stage, for the team and each person.

    Args:
        records: The canonical tables (any subset may be None).
        scenario: The calibrated scenario (roles' selling shares, stage names, currency).
        needs: The plan's needs, :data:`NEEDS_COLUMNS` and one column per stage (see
            there): what ``optimizer.funnel.back_calculate`` says each month needs.
        people: Optional per-person frame with ``person`` and ``role`` (e.g.
            ``Calibration.people``); it names roles the team file does not.

    Returns:
        The team's stages now against needed; ``people`` with, per person, ``role``,
        ``share`` (of the team's revenue need), ``<stage>_now`` and ``<stage>_needed``
        for each :data:`FUNNEL` stage (the person's part of each needs row, shared among
        the people whose role does that stage there by selling share: dials and
        conversations among those who dial the row's channel, the deal stages among those
        who sell its segment; NaN where the person's role does not do the stage at all,
        see :func:`_person_needs`), ``closed``, ``won_total`` and
        ``win_rate`` over every deal the person closed in the records, its 95 % Wilson
        interval ``win_low``-``win_high``, ``months`` and ``revenue_low``-``revenue_high``
        (:data:`REVENUE_INTERVAL`), ``ratio`` (revenue now / share of needed revenue) with
        ``ratio_low``-``ratio_high``; and those below plan, furthest short first.

    Raises:
        ValueError: If ``needs`` lacks a column the report reads.
    """
    needed, plan_months = _needed(needs, scenario)
    sources = _sources(records)
    team_now = observed_funnel(records)
    mean = team_now.loc[team_now["month"] == MEAN]
    rows = []
    for stage in FUNNEL:
        source = sources[stage]
        column = _now_column(stage, source)
        now = float(mean[column].iloc[0]) if source and not mean.empty else math.nan
        need = needed[stage]
        ratio = now / need if need > 0 else math.nan
        rows.append(
            {
                "stage": stage,
                "label": LABELS[stage],
                "now": now,
                "needed": need,
                "gap": need - now,
                "ratio": ratio,
                "source": source or "not in the records",
            }
        )
    team = pd.DataFrame(rows)
    short = team.loc[team["ratio"] < 1.0]  # NaN compares False: unmeasured is no gap
    largest = None if short.empty else str(short.loc[short["ratio"].idxmin(), "stage"])
    table = _people_table(
        records, scenario, needed=needed, needs=needs, sources=sources, people=people
    )
    period = records_period(records)
    return GoalsReport(
        team=team,
        largest_gap=largest,
        people=table,
        furthest=_furthest(table),
        months_now=() if period is None else period.whole,
        partial_months=() if period is None else period.partial,
        plan_months=plan_months,
        currency=scenario.currency,
        rows_not_used=sum(records.dropped.values()),
        problems=records.problems,
    )
