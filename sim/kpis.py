"""KPIs per replication, and their spread over replications.

Every KPI counts only the stretch after the warm-up: activity KPIs the working days
``day >= warmup_days``, money KPIs the *counted months* (whole calendar months after
the warm-up, see :mod:`sim.results`). A KPI that has nothing to measure in a
replication (no inbound channel, no approvals) is NaN there and left out of its spread.

Definitions (per replication):

- ``revenue_per_month``: mean over counted months of the revenue won (closed) in it.
- ``margin_per_month``: mean over counted months of the gross margin of the deals won
  in it (``attainment_month.margin``: value x the segment's
  ``sim.rules.deals.margin_share``). NaN when no segment states a ``gross_margin``: it
  would only repeat the revenue.
- ``attainment``: mean over counted months of revenue / plan target of the month.
- ``plan_met``: the replication's share of judged units (months, quarters or the
  horizon, as ``plan.judged_on`` says; :mod:`sim.plan_met`) that meet their plan. Its
  mean over replications is **P(plan met)**. Beside it, whatever the scenario judges on:
  ``month_met`` (its mean: P(a month meets its plan)) and ``every_month_met`` (1 when
  every counted month meets its plan: its mean is P(every month met)). Their interval is
  the Wilson score interval with the replications as the sample (the t interval fails at
  0 and 1; months of one replication move together, so they are not independent draws).
- ``deals_won_per_month``: mean over counted months of the deals won in it.
- ``win_rate``: deals won / deals closed (won or lost), for deals closed after warm-up.
- ``cycle_time_days``: mean calendar days from creation to close of those won deals.
- ``dials_per_caller_day``: dials / person-days present, over the people who dialled
  at least once in the replication (so non-callers do not dilute the quota figure). It
  mixes roles (a supervisor who sells a little) and counts days present without a dial:
  :func:`sim.dials.dials_by_role` gives dials a day by role over the days dialled.
- ``conversations_per_day``, ``meetings_booked_per_day``: team totals from outbound
  calls per working day (a booked meeting is a call that produced a lead).
- ``meetings_per_month``: deals entering an in-person stage, per counted month.
- ``headcount_mean``: people in seat (every role, away or not), mean over the working
  days after the warm-up, from the run's ``spells``; ``headcount_month`` has it by
  month and role, with the people present, ramping and ramped.
- ``utilisation_<level>``: busy minutes / available minutes over every person-day of
  the level (time-weighted; see :mod:`sim.results`). Overtime is busy but not available
  time, so it can exceed 1; ``sim.diagnose`` then says so in words.
- ``approval_wait_min``, ``escalation_wait_min``: mean minutes from the request to
  the start of the approval or escalation, over requests arriving after warm-up;
  requests never started count up to the horizon's end (a lower bound).
- ``inbound_service_level``: share of inbound requests answered within the channel's
  target (``late`` false); ``inbound_wait_share``: share that waited at all (the
  Erlang C P(wait)). Both count every request that arrived after warm-up, so a request
  carried over to another working day (or never answered) is late and has waited.
- ``inbound_asa_min``: mean minutes from arrival to answer of the inbound requests
  answered on the working day they arrived (the day's average speed of answer, the
  figure Erlang C's ASA describes); NaN when none was.
- ``inbound_carried_share``: share of inbound requests started on a later working day
  than they arrived, or never started by the horizon's end (carried over);
  ``inbound_carried_wait_min``: their mean wait in minutes, nights and weekends
  included (never-started ones count up to the horizon's end, a lower bound); NaN when
  no request was carried.
- ``inbound_day_service_level``: the service level of the requests answered, given up
  or lost on the day they arrived (callbacks apart: carried and unanswered requests
  are left out of both sides); ``inbound_interval_min_service_level``: the service level,
  in each replication, of the cell (channel and interval of ``inbound_intervals``, every
  weekday together unless a channel's requests differ by weekday) whose mean over the
  replications is the lowest, among cells with at least ``LEAST_REQUESTS`` requests in
  every replication (NaN when none has): ``sim.inbound_intervals.lowest_interval``, what
  the verify loop judges; its mean is that interval's mean service level.
- ``inbound_abandoned_share``, ``inbound_abandoned_within_target_share``,
  ``inbound_blocked_share``, ``inbound_lost_share``, ``inbound_overtime_share``: shares
  of every request after warm-up by ``outcome`` (``sim.rules.activities.Outcome``) and
  answered in overtime; 0 when the channel has no patience, lines or closing rule.
  Like every inbound KPI they are NaN in a replication with no inbound request.
- A request is within target when it has not waited past its channel's
  ``answer_within_min`` and was not abandoned, blocked or lost
  (``sim.inbound_intervals.within_target``).

Summaries clip each interval to the values its KPI can take (:attr:`Kpi.bounds`):
every KPI is >= 0, and a proportion of requests, deals or replications is <= 1.
Attainment and utilisation are ratios, not proportions: they exceed 1 when the plan
is beaten or with overtime, and are not clipped above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.inbound_intervals import LEAST_REQUESTS, callbacks, lowest_interval, request_counts
from sim.plan_met import met_by_replication
from sim.results import Frames
from sim.rules.activities import TimeUse
from sim.rules.profile import by_interval
from sim.scenario import ClosingRule, InboundChannel, JudgedOn, Level, Scenario
from sim.stats import spread

__all__ = [
    "KPIS",
    "Kpi",
    "applicable_kpis",
    "kpi_table",
    "kpi_value",
    "mean_wait_min",
    "per_replication",
    "summarise",
]


@dataclass(frozen=True)
class Kpi:
    """What a KPI column means: its label and unit for people, and how to spread it."""

    name: str
    label: str
    unit: str
    share: bool = False  # a 0/1 outcome per replication: Wilson interval
    # The values the KPI can take; summaries clip its interval to them.
    bounds: tuple[float, float] = (0.0, math.inf)
    # A column head for tables of many KPIs side by side (``teamsim sweep``); "" reads
    # as the label. It keeps what the label says the figure counts.
    short: str = ""

    @property
    def column(self) -> str:
        """The KPI's column head: ``short``, else its label."""
        return self.short or self.label

    @property
    def definition(self) -> str:
        """One line saying what the figure counts, as ``per_replication`` computes it.

        Shown beside the figure in the exports' KPI sheet and the dashboard's metrics
        (issue 11: every headline number has its definition beside it). P(plan met)'s
        depends on the scenario's ``plan.judged_on`` and is ``sim.plan_met_definition``'s;
        this one is its general form.
        """
        if self.name.startswith("utilisation_"):
            level = self.name.removeprefix("utilisation_")
            return (
                f"minutes busy over minutes available of the {level} level's people, summed "
                "over the counted working days (absences and pauses are not available time; "
                "overtime past the day's end is busy but not available time, so the figure "
                "can exceed 100 %, and a diagnosis then says so)"
            )
        return DEFINITIONS[self.name]


_PROPORTION = (0.0, 1.0)

KPIS: tuple[Kpi, ...] = (
    Kpi("revenue_per_month", "Revenue a month (mean over counted months)", "currency"),
    Kpi("margin_per_month", "Gross margin a month (mean over counted months)", "currency"),
    Kpi("attainment", "Plan attainment (revenue / plan)", "share"),
    Kpi("plan_met", "P(plan met)", "share", share=True, bounds=_PROPORTION),
    Kpi("month_met", "P(a month meets its plan)", "share", share=True, bounds=_PROPORTION),
    Kpi(
        "every_month_met",
        "P(every month meets its plan)",
        "share",
        share=True,
        bounds=_PROPORTION,
    ),
    Kpi("deals_won_per_month", "Deals won a month", "deals"),
    Kpi("win_rate", "Win rate (won / closed)", "share", bounds=_PROPORTION),
    Kpi("cycle_time_days", "Cycle time of won deals (mean, calendar days)", "days"),
    Kpi(
        "dials_per_caller_day",
        "Dials a day per person who dials (all roles, days present)",
        "dials",
        short="dials a day (all roles, days present)",
    ),
    Kpi("conversations_per_day", "Conversations a day (team)", "calls"),
    Kpi("meetings_booked_per_day", "Meetings booked a day (team)", "meetings"),
    Kpi("meetings_per_month", "In-person meetings a month", "meetings"),
    Kpi("headcount_mean", "People in seat (mean a working day)", "people"),
    *(
        Kpi(f"utilisation_{lv.value}", f"Utilisation, {lv.value} level (busy / available)", "share")
        for lv in Level
    ),
    Kpi("approval_wait_min", "Approval wait (mean, minutes)", "min"),
    Kpi("escalation_wait_min", "Escalation wait (mean, minutes)", "min"),
    Kpi("inbound_service_level", "Inbound answered within target", "share", bounds=_PROPORTION),
    Kpi("inbound_wait_share", "Inbound requests that waited", "share", bounds=_PROPORTION),
    Kpi("inbound_asa_min", "Inbound speed of answer, same day (mean, minutes)", "min"),
    Kpi(
        "inbound_carried_share",
        "Inbound carried to a later day or unanswered",
        "share",
        bounds=_PROPORTION,
    ),
    Kpi("inbound_carried_wait_min", "Inbound carried over: wait (mean, minutes)", "min"),
    Kpi(
        "inbound_day_service_level",
        "Inbound answered within target, the day's requests",
        "share",
        bounds=_PROPORTION,
    ),
    Kpi(
        "inbound_interval_min_service_level",
        "Inbound answered within target, lowest interval",
        "share",
        bounds=_PROPORTION,
    ),
    Kpi("inbound_abandoned_share", "Inbound abandoned", "share", bounds=_PROPORTION),
    Kpi(
        "inbound_abandoned_within_target_share",
        "Inbound abandoned within target",
        "share",
        bounds=_PROPORTION,
    ),
    Kpi(
        "inbound_blocked_share",
        "Inbound blocked (all lines busy or waiting room full)",
        "share",
        bounds=_PROPORTION,
    ),
    Kpi("inbound_lost_share", "Inbound lost at closing", "share", bounds=_PROPORTION),
    Kpi("inbound_overtime_share", "Inbound answered in overtime", "share", bounds=_PROPORTION),
)
_BY_NAME = {k.name: k for k in KPIS}

# Each KPI's one line (Kpi.definition): what per_replication counts, per replication; the
# figure shown is the mean over replications. "Counted" months and days are those after
# the warm-up (calendar.warmup_days) within the horizon.
DEFINITIONS: dict[str, str] = {
    "revenue_per_month": "revenue of deals won in a counted month, mean over the counted months",
    "margin_per_month": (
        "gross margin (revenue x the segment's gross_margin) of the deals won in a counted "
        "month, mean over the counted months"
    ),
    "attainment": "a counted month's revenue over its plan, mean over the counted months",
    "plan_met": (
        "the chance the plan is met, judged as plan.judged_on says (month, every_month, "
        "quarter or horizon)"
    ),
    "month_met": "the share of counted months, all replications, whose revenue reaches their plan",
    "every_month_met": "the share of replications in which every counted month reaches its plan",
    "deals_won_per_month": "deals won in a counted month, mean over the counted months",
    "win_rate": "deals won over deals closed (won or lost) in the counted months",
    "cycle_time_days": "calendar days from a won deal's creation to its close, mean over deals won",
    "dials_per_caller_day": (
        "dials over the working days present of everyone who dialled at least once, all "
        "roles pooled (by role: the dials-a-day table)"
    ),
    "conversations_per_day": "calls answered by the person called, whole team, per counted day",
    "meetings_booked_per_day": (
        "leads booked from conversations (a meeting or next step agreed), whole team, per "
        "counted working day"
    ),
    "meetings_per_month": "deal stages held in person (meeting stages) entered in a counted month",
    "headcount_mean": "people in seat (joined, not yet left), mean over the counted working days",
    "approval_wait_min": (
        "minutes from a deal's approval request to the approver starting it, working time "
        "and nights included, mean over requests"
    ),
    "escalation_wait_min": (
        "minutes from an escalation to the manager starting it, nights included, mean over "
        "escalations"
    ),
    "inbound_service_level": "requests answered within the channel's target, over all requests",
    "inbound_wait_share": "requests that waited at all before being answered, over all requests",
    "inbound_asa_min": "average speed of answer: minutes waited by requests answered the same day",
    "inbound_carried_share": "requests answered on a later working day or never, over all requests",
    "inbound_carried_wait_min": "minutes waited by requests carried over (nights included), mean",
    "inbound_day_service_level": (
        "requests answered within the channel's target, over the requests not carried to a "
        "later day or left unanswered (the day's answers, callbacks apart)"
    ),
    "inbound_interval_min_service_level": (
        "the service level of the channel and half hour (or profile interval; by weekday "
        "when the requests differ by weekday) whose mean over replications is lowest, among "
        f"those with {LEAST_REQUESTS} or more requests in every replication"
    ),
    "inbound_abandoned_share": "requests whose caller gave up waiting, over all requests",
    "inbound_abandoned_within_target_share": (
        "requests whose caller gave up within the channel's answer target, over all requests"
    ),
    "inbound_blocked_share": (
        "requests turned away on arrival (every line or waiting place taken), over all requests"
    ),
    "inbound_lost_share": "requests dropped from the queue at closing, over all requests",
    "inbound_overtime_share": (
        "requests answered at or after the end of the working day, over all requests"
    ),
}


def per_replication(frames: Frames, scenario: Scenario) -> pd.DataFrame:
    """One row per replication, one column per KPI (NaN where undefined)."""
    reps = pd.Index(frames.replications, name="replication")
    w = frames.window
    out = pd.DataFrame(index=reps)
    out.insert(0, "seed", list(frames.seeds))

    months = frames.attainment_month.groupby("replication")
    out["revenue_per_month"] = months["revenue"].mean()
    stated = any(seg.gross_margin is not None for seg in scenario.segments.values())
    out["margin_per_month"] = months["margin"].mean() if stated else np.nan
    out["attainment"] = months["attainment"].mean()
    monthly = frames.attainment_month
    out["plan_met"] = met_by_replication(monthly, scenario, reps)
    out["month_met"] = met_by_replication(monthly, scenario, reps, JudgedOn.MONTH)
    out["every_month_met"] = met_by_replication(monthly, scenario, reps, JudgedOn.EVERY_MONTH)
    out["deals_won_per_month"] = months["deals_won"].mean()
    if not scenario.segments:
        # Nothing is sold (an inbound-only desk): its plan is nominal, not missed.
        sales = [
            "revenue_per_month",
            "margin_per_month",
            "attainment",
            "plan_met",
            "month_met",
            "every_month_met",
            "deals_won_per_month",
        ]
        out[sales] = np.nan

    deals = frames.deals
    closed = deals.loc[(deals["closed_day"] >= w.warmup_days) & (deals["outcome"] != "open")]
    won = closed.loc[closed["outcome"] == "won"]
    out["win_rate"] = won.groupby("replication").size() / closed.groupby("replication").size()
    out.loc[out["win_rate"].isna() & _has(closed, reps), "win_rate"] = 0.0
    out["cycle_time_days"] = won.groupby("replication")["cycle_days"].mean()

    _calls(out, frames)
    n_months = len(w.counted_months)
    funnel = frames.funnel
    in_person = {
        (sid, i)
        for sid, seg in scenario.segments.items()
        for i, stage in enumerate(seg.stages)
        if stage.meeting
    }
    entered = funnel.loc[(funnel["event"] == "entered") & funnel["month"].isin(w.counted_months)]
    is_meeting = [
        (s, i) in in_person for s, i in zip(entered["segment"], entered["stage"], strict=True)
    ]
    meetings = entered.loc[is_meeting].groupby("replication").size()
    out["meetings_per_month"] = (
        meetings.reindex(reps, fill_value=0) / n_months if n_months else np.nan
    )

    out["headcount_mean"] = _headcount_mean(frames, reps)

    util = frames.utilisation_day.loc[frames.utilisation_day["day"] >= w.warmup_days]
    by_level = util.groupby(["replication", "level"])[["busy_min", "available_min"]].sum()
    for lv in Level:
        col = f"utilisation_{lv.value}"
        if lv.value in by_level.index.get_level_values("level"):
            part = by_level.xs(lv.value, level="level")
            out[col] = part["busy_min"] / part["available_min"].where(part["available_min"] > 0)
        else:
            out[col] = np.nan

    _waits(out, frames, scenario)
    return out.reset_index()


def _has(frame: pd.DataFrame, reps: pd.Index[int]) -> pd.Series[bool]:
    present = set(frame["replication"].unique())
    return pd.Series([r in present for r in reps], index=reps)


def _headcount_mean(frames: Frames, reps: pd.Index[int]) -> pd.Series[float]:
    w = frames.window
    spells = frames.spells
    days = spells["last_day"] - np.maximum(spells["first_day"], w.warmup_days) + 1
    held = days.clip(lower=0).groupby(spells["replication"]).sum()
    return held.reindex(reps, fill_value=0) / max(w.counted_days, 1)


def _calls(out: pd.DataFrame, frames: Frames) -> None:
    w = frames.window
    reps = out.index
    calls = frames.calls.loc[frames.calls["day"] >= w.warmup_days]
    totals = calls.groupby("replication")[["dials", "conversations", "leads"]].sum()
    totals = totals.reindex(reps, fill_value=0)
    days = max(w.counted_days, 1)
    out["conversations_per_day"] = totals["conversations"] / days
    out["meetings_booked_per_day"] = totals["leads"] / days

    callers = frames.calls.loc[frames.calls["dials"] > 0, ["replication", "person"]]
    callers = callers.drop_duplicates()
    util = frames.utilisation_day
    present = util.loc[(util["day"] >= w.warmup_days) & (util["available_min"] > 0)]
    present = present.merge(callers, on=["replication", "person"])
    caller_days = present.groupby("replication").size().reindex(reps, fill_value=0)
    out["dials_per_caller_day"] = totals["dials"] / caller_days.where(caller_days > 0)


def mean_wait_min(waits: pd.DataFrame) -> pd.Series:
    """Mean ``wait_min`` of each replication's requests (index: replication).

    The rule of the ``approval_wait_min`` and ``escalation_wait_min`` KPIs; their figure
    is the mean of these over replications. ``sim.diagnose`` applies it to one role's
    requests, so a role that serves every request of a kind shows the KPI's figure.
    """
    return waits.groupby("replication")["wait_min"].mean()


def _waits(out: pd.DataFrame, frames: Frames, scenario: Scenario) -> None:
    w = frames.window
    waits = frames.waits.loc[frames.waits["day"] >= w.warmup_days]
    for kind in (TimeUse.APPROVAL, TimeUse.ESCALATION):
        part = waits.loc[waits["kind"] == kind.value]
        out[f"{kind.value}_wait_min"] = mean_wait_min(part)
    inbound = waits.loc[waits["kind"] == TimeUse.INBOUND.value]
    counts = request_counts(inbound)
    grouped = counts.groupby(inbound["replication"])
    # Answered on a later working day, or never: its wait spans a night (or more).
    later = callbacks(inbound)
    carried = later.to_numpy()
    same_day = inbound.loc[(counts["answered"] > 0).to_numpy() & ~carried]
    out["inbound_service_level"] = grouped["within_target"].mean()
    out["inbound_wait_share"] = grouped["waited"].mean()
    out["inbound_asa_min"] = same_day.groupby("replication")["wait_min"].mean()
    out["inbound_carried_share"] = later.groupby(inbound["replication"]).mean()
    out["inbound_carried_wait_min"] = inbound.loc[carried].groupby("replication")["wait_min"].mean()
    day = counts.loc[~carried].groupby(inbound.loc[~carried, "replication"])
    out["inbound_day_service_level"] = day["within_target"].mean()
    for name in ("abandoned", "abandoned_within_target", "blocked", "lost", "overtime"):
        out[f"inbound_{name}_share"] = grouped[name].mean()
    out["inbound_interval_min_service_level"] = lowest_interval(scenario, frames.inbound_intervals)


def summarise(per_rep: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """One row per KPI: n, mean, sd, P10, P50, P90 and the confidence interval of the mean.

    The interval and the percentiles are clipped to the KPI's :attr:`Kpi.bounds`: a t
    interval on few skewed values (service levels near 100 %) reaches past them.
    """
    rows = []
    for kpi in KPIS:
        if kpi.name not in per_rep:
            continue
        s = spread(per_rep[kpi.name].to_list(), confidence, share=kpi.share)
        row: dict[str, object] = {"kpi": kpi.name, "label": kpi.label, "unit": kpi.unit}
        low, high = kpi.bounds
        for stat, value in s.__dict__.items():
            clip = stat in _CLIPPED and math.isfinite(value)
            row[stat] = min(max(value, low), high) if clip else value
        rows.append(row)
    return pd.DataFrame(rows)


# The mean and sd of values within bounds stay within them; the t interval does not.
_CLIPPED = frozenset({"ci_low", "ci_high", "p10", "p50", "p90"})


def kpi_table(per_rep: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """The summary without the KPIs that nothing measured (n = 0)."""
    table = summarise(per_rep, confidence)
    return table.loc[table["n"] > 0].reset_index(drop=True)


def kpi_value(summary: pd.DataFrame, name: str, column: str = "mean") -> float:
    """One statistic of one KPI from a summary (``SimResult.kpis``); NaN if unmeasured."""
    row = summary.loc[summary["kpi"] == name]
    if row.empty or int(row["n"].iloc[0]) == 0:
        return math.nan
    return float(row[column].iloc[0])


def kpi(name: str) -> Kpi:
    """A KPI's definition by column name."""
    return _BY_NAME[name]


# The inbound KPIs a feature of the channel makes possible: without it they are 0 in every
# replication (or, for the interval ones, the whole day's figure again).
_BY_FEATURE = {
    "patience": ("inbound_abandoned_share", "inbound_abandoned_within_target_share"),
    "lines": ("inbound_blocked_share",),
    "lose": ("inbound_lost_share",),
    "overtime": ("inbound_overtime_share",),
    "intervals": ("inbound_day_service_level", "inbound_interval_min_service_level"),
}


def applicable_kpis(scenario: Scenario) -> frozenset[str]:
    """The KPIs a report shows: all but the inbound ones of a feature no channel has.

    Patience gives the abandoned shares, lines or a waiting room the blocked share,
    ``at_closing: lose`` the lost share, ``at_closing: overtime`` the overtime share, and a
    desk reported by interval (a profile's shape, weekday factors or the break rota:
    ``sim.rules.profile.by_interval``) the day's and the lowest interval's service level.
    The KPIs are computed and stored all the same; the terminal's and the dashboard's
    KPI tables read this one rule for what to show.
    """
    channels = [
        (cid, ch) for cid, ch in scenario.channels.items() if isinstance(ch, InboundChannel)
    ]
    has = {
        "patience": any(ch.patience_min is not None for _, ch in channels),
        "lines": any(ch.lines is not None or ch.waiting_room is not None for _, ch in channels),
        "lose": any(ch.at_closing is ClosingRule.LOSE for _, ch in channels),
        "overtime": any(ch.at_closing is ClosingRule.OVERTIME for _, ch in channels),
        "intervals": any(by_interval(scenario, cid) for cid, _ in channels),
    }
    hidden = {name for feature, names in _BY_FEATURE.items() if not has[feature] for name in names}
    return frozenset(k.name for k in KPIS if k.name not in hidden)
