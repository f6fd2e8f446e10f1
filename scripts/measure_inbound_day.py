"""Measure where today's working day departs from Erlang C on an inbound desk (issue 13).

    PYTHONPATH=$PWD .venv/bin/python scripts/measure_inbound_day.py [--agents 25]
        [--erlangs 20] [--handle-min 3] [--days 60] [--replications 4] [--seed 20270104]

The bundled ``scenarios/support_desk.yaml`` reduced to Erlang C's assumptions (agents never
away, exponential handling, no agent duties) at the issue's figures: 25 agents, 20 Erlangs,
3-minute requests. Requests arrive over the day's working minutes (``arrival_min_per_day``,
450 here), so 20 Erlangs is 20 / 3 x 450 = 3,000 requests a day. Everyone takes the
common pause (lunch 30 + breaks 30 minutes) together in the middle of the day.

Printed, by the wall-clock time a request arrived (after the warm-up):

* the desk's Erlang C figures at that load;
* requests arriving in the last minutes before the common pause: how many waited, how
  long, and how many waited through the whole pause;
* the mean wait, P(wait) and service level hour by hour, with the hour before closing
  against mid-morning (10:00-11:00), and what part of the closing hour's mean comes from
  requests carried to the next working day (nights and weekends in their wait);
* the whole day's service level, P(wait) and ASA against Erlang C.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim import analytic, simulate
from sim.rules.day import arrival_min_per_day, day_starts, morning_min, pause_min
from sim.runner import SimResult
from sim.scenario import InboundChannel, Scenario
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "scenarios" / "support_desk.yaml"
KPIS = ("inbound_service_level", "inbound_wait_share", "inbound_asa_min", "inbound_carried_share")


def desk_overrides(
    agents: int, erlangs: float, handle_min: float, days: int, *, absence: bool = False
) -> list[str]:
    """The ``--set`` lines that reduce support_desk to the issue's desk."""
    # 450 arrival minutes a day on support_desk's day (8 h less 30 min of breaks).
    per_day = erlangs / handle_min * 450.0
    return [
        f"roles.agent.headcount={{current: {agents}, min: 1, max: {agents}}}",
        *([] if absence else ["roles.agent.absence={}"]),
        "roles.team_lead.max_span=null",
        f"calendar.horizon_days={days}",
        f"channels.support_requests.requests_per_day={per_day}",
        f"channels.support_requests.handle_min={{kind: exponential, mean: {handle_min}}}",
    ]


def inbound_waits(result: SimResult) -> pd.DataFrame:
    """Inbound waits after the warm-up, with the minute of the day each request arrived."""
    sc = result.scenario
    waits = result.frames.waits
    counted = (waits["kind"] == "inbound") & (waits["day"] >= sc.calendar.warmup_days)
    inbound = waits.loc[counted]
    starts = np.asarray(day_starts(sc), dtype=float)
    into = inbound["arrived_min"].to_numpy() - starts[inbound["day"].to_numpy()]
    carried = inbound["started_day"].to_numpy() != inbound["day"].to_numpy()
    return inbound.assign(into_min=into, carried=carried)


def hhmm(start_min: float, into: float) -> str:
    """Wall-clock time of ``into`` minutes after a day starting at ``start_min``."""
    t = round(start_min + into)
    return f"{t // 60:02d}:{t % 60:02d}"


def share(mask: pd.Series) -> float:
    """The share of True in ``mask`` (NaN when empty)."""
    return float(mask.mean()) if len(mask) else math.nan


def mean_of(part: pd.DataFrame, rows: pd.Series | None = None) -> float:
    """Mean wait of ``part`` (or of its ``rows``), minutes; NaN when none."""
    waits = part["wait_min"] if rows is None else part.loc[rows, "wait_min"]
    return float(waits.mean()) if len(waits) else math.nan


def header(sc: Scenario, sets: list[str], a: argparse.Namespace) -> None:
    ch = sc.channels["support_requests"]
    assert isinstance(ch, InboundChannel)
    minutes = arrival_min_per_day(sc)
    rate = ch.requests_per_day / minutes
    half, pause = morning_min(sc), pause_min(sc)
    start, span = sc.calendar.workday.start_min, sc.calendar.workday.span_min
    print("scenario: scenarios/support_desk.yaml --set " + " --set ".join(repr(s) for s in sets))
    print(
        f"seed {a.seed}, {a.replications} replications x {a.days} working days "
        f"(warm-up {sc.calendar.warmup_days}), {ch.requests_per_day:,.0f} requests a day "
        f"over {minutes:.0f} arrival minutes"
    )
    print(
        f"day {hhmm(start, 0)}-{hhmm(start, span)}; common pause "
        f"{hhmm(start, half)}-{hhmm(start, half + pause)} ({pause:.0f} min); overtime cap "
        f"{sc.policies.overtime_max_min_per_day:.0f} min"
    )
    load, t = rate * a.handle_min, ch.answer_within_min
    print(
        f"Erlang C, c={a.agents}, A={load:.2f}: P(wait) {analytic.erlang_c(a.agents, load):.4f}, "
        f"SL({t * 60:.0f} s) {analytic.service_level(a.agents, rate, a.handle_min, t):.4f}, "
        f"ASA {analytic.average_speed_of_answer(a.agents, rate, a.handle_min):.4f} min"
    )


def before_pause(w: pd.DataFrame, sc: Scenario) -> None:
    half, pause = morning_min(sc), pause_min(sc)
    print("\nbefore the common pause (arrived in the last m working minutes of the morning):")
    for m in (1.0, 2.0, 5.0):
        part = w.loc[(w["into_min"] >= half - m) & (w["into_min"] < half)]
        through = part["wait_min"] >= pause
        print(
            f"  last {m:.0f} min: n {len(part):,}, waited {share(part['wait_min'] > 1e-9):.3f}, "
            f"mean wait {mean_of(part):.2f} min, waited through the pause (>= {pause:.0f} min) "
            f"{share(through):.3f}, their mean wait {mean_of(part, through):.1f} min"
        )


def by_hour(w: pd.DataFrame, sc: Scenario) -> None:
    start, span = sc.calendar.workday.start_min, sc.calendar.workday.span_min
    print("\nby hour of arrival (wall clock):")
    print("  hour             n  P(wait)      SL  mean wait  same-day ASA  carried  carried wait")
    edges = [*np.arange(0.0, span, 60.0).tolist(), span]
    for lo, hi in itertools.pairwise(edges):
        part = w.loc[(w["into_min"] >= lo) & (w["into_min"] < hi)]
        if part.empty:
            continue
        print(
            f"  {hhmm(start, lo)}-{hhmm(start, hi)} {len(part):8,}  "
            f"{share(part['wait_min'] > 1e-9):.4f}  {share(~part['late'].astype(bool)):.4f}  "
            f"{mean_of(part):9.2f}  {mean_of(part, ~part['carried']):12.3f}  "
            f"{share(part['carried']):.4f}  {mean_of(part, part['carried']):12.0f}"
        )


def closing_hour(w: pd.DataFrame, sc: Scenario) -> None:
    start, span = sc.calendar.workday.start_min, sc.calendar.workday.span_min
    morning = w.loc[(w["into_min"] >= 60.0) & (w["into_min"] < 120.0)]
    closing = w.loc[(w["into_min"] >= span - 60.0) & (w["into_min"] < span)]
    per_rep = closing.groupby("replication")["wait_min"].mean()
    se = per_rep.std(ddof=1) / math.sqrt(len(per_rep)) if len(per_rep) > 1 else math.nan
    carried = closing["carried"]
    part_of_mean = closing.loc[carried, "wait_min"].sum() / len(closing)
    print(
        f"\nmid-morning {hhmm(start, 60)}-{hhmm(start, 120)}: mean wait {mean_of(morning):.2f} "
        f"min (n {len(morning):,})"
    )
    print(
        f"hour before closing {hhmm(start, span - 60)}-{hhmm(start, span)}: mean wait "
        f"{mean_of(closing):.2f} min (+- {se:.2f} SE over replications; n {len(closing):,})"
    )
    print("  by replication: " + ", ".join(f"{v:.2f}" for v in per_rep.to_numpy()) + " min")
    print(
        f"  carried to a later day {int(carried.sum()):,} ({share(carried):.4f}), their mean "
        f"wait {mean_of(closing, carried):.0f} min, {part_of_mean:.2f} "
        f"min of the hour's mean; answered the same day: mean wait "
        f"{mean_of(closing, ~carried):.3f} min"
    )
    dates = sc.calendar.dates
    friday = pd.Series([dates[d].weekday() == 4 for d in closing["day"]], index=closing.index)
    for label, rows in (("Mon-Thu", ~friday), ("Fri", friday)):
        part = closing.loc[rows]
        print(
            f"  {label}: mean wait {mean_of(part):.2f} min (n {len(part):,}), carried "
            f"{share(part['carried']):.4f}, "
            f"their mean wait {mean_of(part, part['carried']):.0f} min"
        )
    last = w.loc[(w["into_min"] >= span - 10.0) & (w["into_min"] < span)]
    print(
        f"last 10 minutes: n {len(last):,}, carried {share(last['carried']):.4f}, "
        f"mean wait {mean_of(last):.1f} min"
    )


def whole_day(w: pd.DataFrame, result: SimResult) -> None:
    print(
        f"\nwhole day: P(wait) {share(w['wait_min'] > 1e-9):.4f}, "
        f"SL {share(~w['late'].astype(bool)):.4f}, mean wait {mean_of(w):.3f} min, "
        f"same-day ASA {mean_of(w, ~w['carried']):.4f} min, carried {share(w['carried']):.5f}"
    )
    for name in KPIS:
        print(f"  KPI {name}: {float(result.kpi_replications[name].mean()):.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--agents", type=int, default=25)
    ap.add_argument("--erlangs", type=float, default=20.0)
    ap.add_argument("--handle-min", type=float, default=3.0)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--seed", type=int, default=20270104)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--keep-absence", action="store_true", help="keep the agents' days away (27.8 a year)"
    )
    a = ap.parse_args()
    sets = desk_overrides(a.agents, a.erlangs, a.handle_min, a.days, absence=a.keep_absence)
    sc = load_scenario(DESK, sets)
    header(sc, sets, a)
    result = simulate(sc, replications=a.replications, seed=a.seed, workers=a.workers)
    w = inbound_waits(result)
    print(f"\nrequests measured: {len(w):,}")
    before_pause(w, sc)
    by_hour(w, sc)
    closing_hour(w, sc)
    whole_day(w, result)


if __name__ == "__main__":
    main()
