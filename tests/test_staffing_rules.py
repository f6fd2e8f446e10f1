"""The staffing rules (issue 12, stage S2): calendar days, attrition, the roster by month.

Hand-solved values on a two-month toy calendar: Monday 1 February 2027, 40 working days
Monday to Friday, no holiday, so February has working days 0-19 and March (in the
horizon) 20-39 (1 to 26 March). A year is 5 x 365.25 / 7 = 260.89 working days, a month
of tenure 21.74: a person hired on day h is in their first ramp month on days h to h + 21,
their second on h + 22 to h + 43. The ramp is 25 % then 50 %.

Then the legacy rule is kept to the bit (``attrition_productivity`` against the former
``expected_productivity`` on every bundled scenario), the month mean agrees exactly with
the simulator's ``Person.productivity``, and ``attrition.leavers_per_year`` plays as
``ramp.new_hires_per_year`` in both engines (docs/dev/hiring_plan.md, sections 2.1, 3).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from model_helpers import tiny

from optimizer import plan
from sim import simulate
from sim.model.people import build_people
from sim.rules import staffing
from sim.rules.people import expected_productivity, shortfall_months
from sim.scenario import Scenario, parse_scenario
from sim.scenario.team import Attrition, Joiner, Role, StaffMember

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
# The bundled scenarios written before issue 12's fields: their older replacements
# (ramp.new_hires_per_year) must plan as they did. retail_bank_growth states attrition.
LEGACY = [p for p in BUNDLED if p.stem != "retail_bank_growth"]
YEAR = 5 * 365.25 / 7  # working days a year of the toy calendar
RAMP = {"productivity_by_month": [0.25, 0.5]}


def toy(**role: Any) -> Scenario:
    """The toy calendar with one seller role (fields merged into it)."""
    return tiny(
        calendar={"start": "2027-02-01", "horizon_days": 40},
        roles={"seller": {"ramp": RAMP, **role}},
    )


def with_role(sc: Scenario, **fields: object) -> Scenario:
    """A copy with the seller's fields replaced, unchecked (the gate refuses some in a file)."""
    role = sc.roles["seller"].model_copy(update=fields)
    return sc.model_copy(update={"roles": {**sc.roles, "seller": role}})


# --- the calendar ---------------------------------------------------------------------


def test_day_index_counts_working_days_from_the_start() -> None:
    cal = toy().calendar
    day = dt.date
    assert [cal.day_index(d) for d in cal.dates] == list(range(40))
    assert cal.day_index(day(2027, 2, 5)) == 4  # Friday
    assert cal.day_index(day(2027, 2, 6)) == 5  # Saturday: the Monday after
    assert cal.day_index(day(2027, 2, 8)) == 5
    assert cal.day_index(day(2027, 1, 31)) == 0  # Sunday before the start
    assert cal.day_index(day(2027, 1, 29)) == -1  # the Friday before
    assert cal.day_index(day(2027, 1, 25)) == -5
    assert cal.day_index(day(2027, 1, 1)) == -21  # Friday 1 January + 4 weeks
    assert cal.day_index(day(2027, 3, 26)) == 39  # the last day of the horizon
    assert cal.day_index(day(2027, 3, 29)) == 40  # past it, counted on
    assert cal.day_index(day(2028, 2, 1)) == 40 + 5 * 44 + 1  # Mar 29 + 44 weeks + Tue


def test_day_index_skips_holidays_and_a_start_that_is_not_worked() -> None:
    holiday = tiny(
        calendar={"start": "2027-02-01", "horizon_days": 40, "holidays": ["2027-02-03"]}
    ).calendar
    assert holiday.day_index(dt.date(2027, 2, 3)) == 2  # the holiday: the Thursday's index
    assert holiday.day_index(dt.date(2027, 2, 4)) == 2
    assert holiday.day_index(dt.date(2027, 2, 10)) == 6
    assert [holiday.day_index(d) for d in holiday.dates] == list(range(40))
    # A holiday before the start is not a working day either.
    earlier = tiny(
        calendar={"start": "2027-02-01", "horizon_days": 40, "holidays": ["2027-01-27"]}
    ).calendar
    assert earlier.day_index(dt.date(2027, 1, 25)) == -4
    saturday = tiny(calendar={"start": "2027-01-30", "horizon_days": 40}).calendar
    assert saturday.day_index(dt.date(2027, 1, 30)) == 0
    assert saturday.day_index(dt.date(2027, 2, 1)) == 0
    assert saturday.day_index(dt.date(2027, 1, 29)) == -1


def test_a_hire_of_a_month_starts_on_its_first_working_day_in_the_horizon() -> None:
    sc = toy()
    assert [staffing.hire_date(sc, m) for m in (0, 1)] == [dt.date(2027, 2, 1), dt.date(2027, 3, 1)]
    assert staffing.days_of_month(sc, 1) == range(20, 40)
    with pytest.raises(ValueError, match=r"^month 2 is not in the horizon \(months 0 to 1\)$"):
        staffing.hire_date(sc, 2)
    mid = tiny(calendar={"start": "2027-02-10", "horizon_days": 40})
    assert staffing.hire_date(mid, 0) == dt.date(2027, 2, 10)
    assert staffing.hire_date(mid, 1) == dt.date(2027, 3, 1)


# --- attrition ------------------------------------------------------------------------


def _role(**fields: Any) -> Role:
    base = {"level": "line", "headcount": 5, "monthly_cost": 1}
    return Role.model_validate({**base, **fields})


def test_leavers_per_year_reads_the_count_the_rate_or_the_older_field() -> None:
    legacy = {"productivity_by_month": [0.5], "new_hires_per_year": 3}
    assert staffing.leavers_per_year(_role(ramp=legacy), 5) == 3.0
    assert staffing.leavers_per_year(_role(attrition={"leavers_per_year": 3.5}), 5) == 3.5
    assert staffing.leavers_per_year(_role(attrition={"rate_per_year": 0.2}), 10) == 2.0
    assert staffing.leavers_per_year(_role(ramp=RAMP), 5) == 0.0
    assert staffing.leavers_per_year(_role(), 5) == 0.0
    assert staffing.leavers_per_year(_role(attrition={"time_to_fill_days": 30}), 5) == 0.0


def test_leave_rate_and_the_share_of_time_a_seat_is_occupied() -> None:
    # 2 leavers a year among 4 people: 0.5 a person a year. A 73.05-day vacancy is 0.2
    # of a year, so lambda v = 0.5 x 0.2 = 0.1 and a seat is occupied 1 / 1.1 of the time.
    sc = with_role(toy(headcount=4), attrition=Attrition(leavers_per_year=2))
    assert staffing.leave_rate_per_day(sc, "seller", 4) == pytest.approx(0.5 / YEAR, rel=1e-12)
    assert staffing.leave_rate_per_day(sc, "seller", 0) == 0.0
    assert staffing.in_seat_share(sc, "seller", 4) == 1.0  # no vacancy
    vacancy = with_role(sc, attrition=Attrition(leavers_per_year=2, time_to_fill_days=73.05))
    assert staffing.fill_days(vacancy, "seller") == pytest.approx(0.2 * YEAR)
    assert staffing.in_seat_share(vacancy, "seller", 4) == pytest.approx(1 / 1.1, rel=1e-12)
    rate = with_role(sc, attrition=Attrition(rate_per_year=0.5, time_to_fill_days=73.05))
    assert staffing.in_seat_share(rate, "seller", 9) == pytest.approx(1 / 1.1, rel=1e-12)
    # Expected backfills in March (20 days in the horizon): lambda x 4 x 1/1.1 x 20.
    assert staffing.backfills(vacancy, "seller", 1) == pytest.approx(
        0.5 / YEAR * 4 / 1.1 * 20, rel=1e-12
    )
    assert staffing.backfills(toy(headcount=4), "seller", 1) == 0.0


def test_attrition_productivity_by_hand() -> None:
    # 3 leavers a year, a 25/50 % ramp (1.25 months short), 5 people: 1 - 3 x 1.25 / 12 / 5.
    sc = with_role(toy(headcount=5), attrition=Attrition(leavers_per_year=3))
    assert staffing.attrition_productivity(sc, "seller", 5) == 0.9375
    # The same as lambda S m, the renewal form of the design.
    lam = staffing.leave_rate_per_day(sc, "seller", 5)
    month = sc.calendar.working_days_per_month
    assert staffing.attrition_productivity(sc, "seller", 5) == pytest.approx(
        1 - lam * shortfall_months(sc.roles["seller"].ramp) * month, rel=1e-12
    )
    # A vacancy does not change the output of the people in seat.
    vacancy = with_role(sc, attrition=Attrition(leavers_per_year=3, time_to_fill_days=30))
    assert staffing.attrition_productivity(vacancy, "seller", 5) == 0.9375
    flood = with_role(sc, attrition=Attrition(leavers_per_year=1000))
    assert staffing.attrition_productivity(flood, "seller", 5) == 0.0
    assert staffing.attrition_productivity(toy(), "seller", 5) == 1.0
    assert staffing.attrition_productivity(sc, "seller", 0) == 1.0


def _former_expected_productivity(role: Role, headcount: float) -> float:
    """sim.rules.people.expected_productivity before stage S2, verbatim."""
    if role.ramp is None or headcount <= 0:
        return 1.0
    lost = role.ramp.new_hires_per_year * shortfall_months(role.ramp) / 12.0
    return max(0.0, 1.0 - lost / headcount)


@pytest.mark.parametrize("path", LEGACY, ids=[p.stem for p in LEGACY])
def test_attrition_productivity_is_the_former_rule_to_the_bit(path: Path) -> None:
    sc = parse_scenario(path.read_text(encoding="utf-8"), path.name)
    ramped = 0
    for rid, role in sc.roles.items():
        ramped += role.ramp is not None and role.ramp.new_hires_per_year > 0
        for n in (*range(1, 2 * role.headcount.max + 2), 0.5, 7.25):
            former = _former_expected_productivity(role, n)
            assert staffing.attrition_productivity(sc, rid, n) == former, (rid, n)
            assert expected_productivity(role, n) == former, (rid, n)
    if path.stem != "support_desk":
        assert ramped > 0  # the bundled scenarios do state legacy attrition


# --- the roster by month --------------------------------------------------------------


def test_month_productivity_by_hand() -> None:
    sc = toy()
    mean = staffing.month_productivity
    # Hired on day 0: February all at 25 %; March days 20-21 at 25 %, 22-39 at 50 %.
    assert mean(sc, "seller", 0, 0) == 0.25
    assert mean(sc, "seller", 0, 1) == pytest.approx((2 * 0.25 + 18 * 0.5) / 20)
    # Joins on day 10: nothing before; 25 % on days 10-31, 50 % on 32-39.
    assert mean(sc, "seller", 10, 0) == pytest.approx(10 * 0.25 / 20)
    assert mean(sc, "seller", 10, 1) == pytest.approx((12 * 0.25 + 8 * 0.5) / 20)
    # Hired 30 days before the horizon: 50 % up to day 13, then fully productive.
    assert mean(sc, "seller", -30, 0) == pytest.approx((14 * 0.5 + 6 * 1.0) / 20)
    assert mean(sc, "seller", None, 1) == 1.0
    assert mean(sc, "seller", 40, 1) == 0.0  # joins after the horizon
    assert mean(toy(ramp=None), "seller", 10, 1) == 1.0  # no ramp: full from joining


def test_role_month_by_hand() -> None:
    # .01 in seat since Friday 1 January (tenure day -21), leaves Friday 12 March (day
    # 29); .02 fully ramped; .03 joins Monday 15 February (day 10); the hire .04 starts
    # Monday 1 March (day 20).
    sc = with_role(
        toy(headcount=2),
        staff=[StaffMember(start=dt.date(2027, 1, 1), leaves=dt.date(2027, 3, 12))],
        joiners=[Joiner(start=dt.date(2027, 2, 15))],
    )
    hires = [Joiner(start=staffing.hire_date(sc, 1))]
    feb = staffing.role_month(sc, "seller", 0, hires)
    # .01: 25 % on day 0 (tenure 21), 50 % after; .02: 1; .03: 10 days at 25 %.
    assert feb == staffing.RoleMonth(
        in_seat=pytest.approx(50 / 20),
        ramping=pytest.approx(30 / 20),
        ramped=pytest.approx(20 / 20),
        productive=pytest.approx((0.25 + 19 * 0.5 + 20 + 10 * 0.25) / 20),
        joiners=1,
        leavers=0,
    )
    mar = staffing.role_month(sc, "seller", 1, hires)
    # .01: days 20-29, 50 % to day 22 (tenure 43), then 1; .03: 12 days at 25 %, 8 at
    # 50 %; .04: 20 days at 25 %.
    assert mar == staffing.RoleMonth(
        in_seat=pytest.approx(70 / 20),
        ramping=pytest.approx(43 / 20),
        ramped=pytest.approx(27 / 20),
        productive=pytest.approx((3 * 0.5 + 7 + 20 + 12 * 0.25 + 8 * 0.5 + 5) / 20),
        joiners=1,
        leavers=1,
    )
    # The summed ramp shares of a joiner are its month_productivity.
    alone = with_role(toy(headcount=0), joiners=[Joiner(start=dt.date(2027, 2, 15))])
    for month in (0, 1):
        assert staffing.role_month(alone, "seller", month).productive == pytest.approx(
            staffing.month_productivity(alone, "seller", 10, month)
        )


def test_month_productivity_is_the_mean_of_the_simulators_day_shares() -> None:
    # Many replacements on three seats; every month without a replacement inside it has
    # the simulator's daily shares averaging exactly to month_productivity from the last
    # replacement before it (or 1 without one).
    sc = toy(headcount=3, ramp={**RAMP, "new_hires_per_year": 30}, absence={"vacation_days": 0})
    checked = with_hire = 0
    for replication in range(4):
        for person in build_people(sc, seed=5, replication=replication):
            for month in (0, 1):
                days = staffing.days_of_month(sc, month)
                if any(days[0] < h <= days[-1] for h in person.hires):
                    continue
                before = [h for h in person.hires if h <= days[0]]
                tenure = before[-1] if before else None
                simulated = sum(person.productivity(d) for d in days) / len(days)
                assert simulated == staffing.month_productivity(sc, "seller", tenure, month)
                checked += 1
                with_hire += tenure is not None
    assert checked >= 10 and with_hire >= 5, (checked, with_hire)


# --- the count of leavers plays as the older field ------------------------------------


def _b2b(change: str) -> Scenario:
    """b2b_smb, short, with the SDRs' 3.5 replacements a year stated as ``change``."""
    data = yaml.safe_load((ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=50, warmup_days=10)
    sdr = data["roles"]["sdr"]
    assert sdr["ramp"]["new_hires_per_year"] == 3.5
    if change == "count":
        del sdr["ramp"]["new_hires_per_year"]
        sdr["attrition"] = {"leavers_per_year": 3.5}
    elif change == "rate":  # 10 SDRs in seat: 0.35 x 10 = 3.5
        del sdr["ramp"]["new_hires_per_year"]
        sdr["attrition"] = {"rate_per_year": 0.35, "time_to_fill_days": 0}
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "b2b_smb.yaml")


@pytest.mark.parametrize("change", ["count", "rate"])
def test_attrition_simulates_to_the_bit_as_the_older_field(change: str) -> None:
    older, newer = _b2b("legacy"), _b2b(change)
    assert staffing.leavers_per_year(newer.roles["sdr"], 10) == 3.5
    assert staffing.leavers_per_year(newer.roles["sdr"], 10) == staffing.leavers_per_year(
        older.roles["sdr"], 10
    )
    a = simulate(older, 2, seed=3, workers=1).tables()
    b = simulate(newer, 2, seed=3, workers=1).tables()
    assert list(a) == list(b)
    # Some SDR seats are mid-ramp on day 0 in both: the leavers were drawn.
    assert (b["people"].start_productivity < 1).any()
    for name, frame in a.items():
        pd.testing.assert_frame_equal(frame, b[name], check_exact=True, obj=name)


def test_a_count_of_leavers_plans_as_the_older_field() -> None:
    older, newer = plan(_b2b("legacy")), plan(_b2b("count"))
    assert newer.to_dict() == older.to_dict()
