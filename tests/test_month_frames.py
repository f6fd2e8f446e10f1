"""Per-month frames (issue 12, stage S9): spells, headcount_month, revenue_month, margin.

docs/dev/hiring_plan.md, sections 4.8 and 4.9. The scenarios are the tiny one of
``model_helpers`` (Monday 11 January 2027, Monday to Friday, no holiday), 70 working
days: January is days 0-14, February 15-34, March 35-57, April 58-69. Staffing fields are
set on the typed model, as in ``test_staffing_sim`` (the file gate still refuses them).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from model_helpers import tiny

from sim import simulate
from sim.model.people import build_people
from sim.records import UNDATED_TENURE
from sim.rules.staffing import days_of_month, month_productivity, role_month
from sim.scenario import Scenario
from sim.scenario.team import Joiner, StaffMember

NO_ABSENCE = {"vacation_days": 0, "sick_days": 0, "trip_days": 0}
RAMP = {"productivity_by_month": [0.25, 0.5, 0.75]}
MONTHS = range(4)


def seller(sc: Scenario, **fields: object) -> Scenario:
    """A copy with the seller's fields replaced, unchecked (the gate refuses them in a file)."""
    role = sc.roles["seller"].model_copy(update=fields)
    return sc.model_copy(update={"roles": {**sc.roles, "seller": role}})


def base(
    headcount: int = 1, warmup_days: int = 0, absence: dict[str, int] = NO_ABSENCE
) -> Scenario:
    roles = {"seller": {"headcount": headcount, "ramp": RAMP, "absence": absence}}
    return tiny(calendar={"horizon_days": 70, "warmup_days": warmup_days}, roles=roles)


def tables(sc: Scenario, replications: int = 2) -> dict[str, pd.DataFrame]:
    return simulate(sc, replications, seed=7, workers=1).tables()


def month_rows(frame: pd.DataFrame, replication: int = 0) -> pd.DataFrame:
    rows = frame[(frame.replication == replication) & (frame.role == "seller")]
    return rows.set_index("month")


def test_the_calendar_of_these_tests() -> None:
    sc = base()
    assert [days_of_month(sc, m) for m in MONTHS] == [
        range(0, 15),
        range(15, 35),
        range(35, 58),
        range(58, 70),
    ]


# --- headcount_month against the staffing rules -----------------------------------------


@pytest.mark.parametrize("who", ["joiner", "dated staff"])
def test_productive_is_the_month_productivity_rule(who: str) -> None:
    sc = base(headcount=0 if who == "joiner" else 1)
    if who == "joiner":
        sc, tenure_from = seller(sc, joiners=[Joiner(start=sc.calendar.dates[20])]), 20
    else:
        start = dt.date(2026, 12, 14)  # tenure from before the horizon: mid-ramp on day 0
        sc = seller(sc, staff=[StaffMember(start=start)])
        tenure_from = sc.calendar.day_index(start)
        assert tenure_from < 0
    frame = tables(sc)["headcount_month"]
    assert list(frame.columns) == [
        *("scenario", "replication", "seed", "month", "label", "role", "level"),
        *("in_seat", "present", "ramping", "ramped", "productive", "joiners", "leavers"),
        "org_unit",
    ]
    assert len(frame) == 2 * 4  # every month of the horizon, both replications
    for replication in (0, 1):
        rows = month_rows(frame, replication)
        assert rows["label"].tolist() == ["2027-01", "2027-02", "2027-03", "2027-04"]
        for m in MONTHS:
            # One person: the same shares summed in the same order, so exactly.
            assert rows.loc[m, "productive"] == month_productivity(sc, "seller", tenure_from, m)
            rule = role_month(sc, "seller", m)
            got = rows.loc[m, ["in_seat", "ramping", "ramped", "joiners", "leavers"]]
            want = [rule.in_seat, rule.ramping, rule.ramped, rule.joiners, rule.leavers]
            assert got.tolist() == want
            assert rows.loc[m, "present"] == rule.in_seat  # nobody is ever away here
    # By hand for the joiner: 20 days of February out of seat, then at 0.25.
    if who == "joiner":
        rows = month_rows(frame)
        assert rows.loc[0, "productive"] == 0.0 and rows.loc[1, "in_seat"] == 15 / 20
        assert rows.loc[1, "productive"] == pytest.approx(0.25 * 15 / 20, abs=1e-15)
        assert rows["joiners"].tolist() == [0, 1, 0, 0]


def test_a_joiner_and_a_leaver_in_their_months() -> None:
    sc = base(headcount=2, warmup_days=10)
    dates = sc.calendar.dates
    sc = seller(sc, staff=[StaffMember(leaves=dates[30])], joiners=[Joiner(start=dates[40])])
    out = tables(sc)
    people = out["people"][out["people"].replication == 0].set_index("person")
    assert people["joined_day"].to_dict() == {"seller.01": -1, "seller.02": -1, "seller.03": 40}
    assert people["left_day"].to_dict() == {"seller.01": 30, "seller.02": -1, "seller.03": -1}
    spells = out["spells"][out["spells"].replication == 0]
    assert spells[["person", "first_day", "last_day", "tenure_from"]].values.tolist() == [
        ["seller.01", 0, 30, UNDATED_TENURE],
        ["seller.02", 0, 69, UNDATED_TENURE],
        ["seller.03", 40, 69, 40],
    ]
    rows = month_rows(out["headcount_month"])
    assert rows["leavers"].tolist() == [0, 1, 0, 0]  # last day 30: February
    assert rows["joiners"].tolist() == [0, 0, 1, 0]  # first day 40: March
    # In seat, by hand: February 20 + 16 days (15-30) of 20; March 23 + 18 (40-57) of 23.
    assert rows["in_seat"].tolist() == [2.0, 36 / 20, 41 / 23, 2.0]
    for m in MONTHS:
        rule = role_month(sc, "seller", m)
        assert rows.loc[m, ["in_seat", "joiners", "leavers"]].tolist() == [
            rule.in_seat,
            rule.joiners,
            rule.leavers,
        ]
        assert rows.loc[m, "productive"] == pytest.approx(rule.productive, rel=1e-12)
    # People in seat a working day after the warm-up (days 10-69): 21 + 60 + 30 of 60.
    kpis = out["kpi_replications"]
    assert kpis["headcount_mean"].tolist() == [111 / 60, 111 / 60]


def test_present_is_in_seat_less_the_days_away() -> None:
    sc = base(absence={"vacation_days": 60, "sick_days": 20, "trip_days": 0})
    sc = seller(sc, joiners=[Joiner(start=sc.calendar.dates[25])])
    out = tables(sc)
    away = out["absences"]
    assert len(away) > 10  # the test means something
    # Nobody is away out of seat: the joiner's days off before day 25 are not taken.
    assert away[away.person == "seller.02"]["day"].min() >= 25
    frame = out["headcount_month"]
    for (replication, m), rows in frame.groupby(["replication", "month"]):
        row = rows.iloc[0]
        n = len(days_of_month(sc, int(m)))
        mine = away[(away.replication == replication) & (away.month == m)]
        assert row["present"] * n == pytest.approx(row["in_seat"] * n - len(mine), abs=1e-9)
        # The same person-days as those the utilisation counts available.
        util = out["utilisation_day"]
        here = util[(util.replication == replication) & (util.month == m)]
        assert row["present"] * n == pytest.approx((here.available_min > 0).sum(), abs=1e-9)
    assert (frame["present"] < frame["in_seat"]).any()


def test_a_replaced_leaver_restarts_the_ramp_and_counts_both_ways() -> None:
    """The older ramp.new_hires_per_year: a seat's occupant replaced the same day."""
    ramp = {**RAMP, "new_hires_per_year": 12.0}
    sc = tiny(
        calendar={"horizon_days": 70},
        roles={"seller": {"headcount": 3, "ramp": ramp, "absence": NO_ABSENCE}},
    )
    out = tables(sc, replications=1)
    frame = month_rows(out["headcount_month"])
    people = build_people(sc, seed=7, replication=0)
    # A restart on day h: the occupant left on day h - 1, the replacement took the seat.
    restarts = np.array([h for p in people for h in sorted(set(p.hires)) if 0 < h < 70])
    assert len(restarts) >= 3  # the test means something
    months = np.asarray(sc.months)
    assert frame["joiners"].tolist() == np.bincount(months[restarts], minlength=4).tolist()
    assert frame["leavers"].tolist() == np.bincount(months[restarts - 1], minlength=4).tolist()
    for m in MONTHS:
        days = days_of_month(sc, m)
        # The simulator's own share, person by person, day by day.
        want = sum(p.productivity(d) for p in people for d in days) / len(days)
        assert frame.loc[m, "productive"] == pytest.approx(want, rel=1e-12)
        ramping = sum(p.productivity(d) < 1 for p in people for d in days) / len(days)
        assert frame.loc[m, "ramping"] == pytest.approx(ramping, rel=1e-12)


# --- money by month -------------------------------------------------------------------


def two_segments(**margins: float) -> Scenario:
    """Sellers whose every dial is a lead, won at once; segments s (100) and t (1,000)."""
    stage = [{"name": "close", "work_min": 5, "convert": 1.0}]
    segments: dict[str, Any] = {
        "s": {"deal_value": 100, "stages": stage},
        "t": {"type": "b2c_short", "deal_value": 1000, "channels": ["cold"], "stages": stage},
    }
    for sid, share in margins.items():
        segments[sid]["gross_margin"] = share
    return tiny(
        calendar={"horizon_days": 70},
        roles={"seller": {"headcount": 2, "absence": NO_ABSENCE}},
        channels={"cold": {"kind": "cold", "connect_rate": 1.0}},
        segments=segments,
    )


def test_margin_is_value_times_the_segments_margin_share() -> None:
    sc = two_segments(s=0.3, t=0.6)
    out = tables(sc)
    deals = out["deals"]
    won = deals[deals.outcome == "won"]
    counts = won.groupby(["replication", "close_month", "segment"]).size().unstack(fill_value=0)
    assert (counts["s"] > 0).all() and (counts["t"] > 0).all()  # both segments sell
    months = out["attainment_month"].set_index(["replication", "month"])
    assert list(months.index.get_level_values("month").unique()) == [1, 2]  # counted
    for key, row in months.iterrows():
        n_s, n_t = counts.loc[key, "s"], counts.loc[key, "t"]
        assert row["revenue"] == 100 * n_s + 1000 * n_t
        assert row["margin"] == pytest.approx(30 * n_s + 600 * n_t, rel=1e-12)
    # Every month of the horizon, counted or not; the counted ones as attainment has them.
    revenue = out["revenue_month"]
    assert revenue["month"].tolist() == [0, 1, 2, 3] * 2
    assert revenue["counted"].tolist() == [False, True, True, False] * 2
    assert revenue["label"].tolist()[:4] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    for key, row in revenue.set_index(["replication", "month"]).iterrows():
        n_s, n_t = counts.loc[key, "s"], counts.loc[key, "t"]
        assert row["deals_won"] == n_s + n_t and row["revenue"] == 100 * n_s + 1000 * n_t
        assert row["margin"] == pytest.approx(30 * n_s + 600 * n_t, rel=1e-12)
    counted = revenue[revenue.counted].reset_index(drop=True)
    cols = ["replication", "month", "deals_won", "revenue", "margin"]
    pd.testing.assert_frame_equal(counted[cols], out["attainment_month"][cols])
    # The KPI: the mean over counted months of the margin.
    kpis = out["kpi_replications"].set_index("replication")
    by_rep = months.groupby("replication")["margin"].mean()
    assert kpis["margin_per_month"].tolist() == pytest.approx(by_rep.tolist(), rel=1e-12)


def test_without_a_stated_margin_the_margin_is_the_revenue_and_no_kpi() -> None:
    out = tables(two_segments())
    months = out["attainment_month"]
    assert months["margin"].tolist() == months["revenue"].tolist()
    assert out["kpi_replications"]["margin_per_month"].isna().all()
    row = out["kpis"].set_index("kpi").loc["margin_per_month"]
    assert row["n"] == 0 and math.isnan(row["mean"])
