"""The simulator plays seats, planned joiners and planned leavers (issue 12, stage S5).

docs/dev/hiring_plan.md, section 4: one person per seat of ``sim.rules.staffing.seats``;
nobody works before joining or after leaving; a leaver's open deals pass to a peer of
the role; the ramp counts from the seat's tenure start. The scenarios are the tiny one
of ``model_helpers`` (one seller, a Monday 11 January 2027 start, Monday to Friday, no
absence), with the staffing fields set on the typed model (the file gate refused them
until the optimiser played them too, stage S10).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from model_helpers import tiny

from sim import simulate
from sim.model.people import build_people
from sim.scenario import Scenario
from sim.scenario.team import Joiner, StaffMember

ROOT = Path(__file__).resolve().parent.parent
NO_ABSENCE = {"vacation_days": 0, "sick_days": 0, "trip_days": 0}


def with_role(sc: Scenario, **fields: object) -> Scenario:
    """A copy with the seller's fields replaced, unchecked (the gate refuses them in a file)."""
    role = sc.roles["seller"].model_copy(update=fields)
    return sc.model_copy(update={"roles": {**sc.roles, "seller": role}})


def day(sc: Scenario, index: int) -> dt.date:
    return sc.calendar.dates[index]


def tables(sc: Scenario, replications: int = 1, mode: str = "block") -> dict[str, pd.DataFrame]:
    return simulate(sc, replications, seed=7, workers=1, mode=mode).tables()


def dialling(**update: Any) -> Scenario:
    """Sellers who dial 10 a day; every dial is answered and is a lead (conversion 1).

    A lead is one stage: 5 minutes of work after ``delay`` working days of the client's
    (fixed), won at 100 with certainty at full productivity.
    """
    base: dict[str, Any] = {
        "calendar": {"horizon_days": 15},
        "roles": {"seller": {"headcount": 2, "absence": NO_ABSENCE}},
        "channels": {"cold": {"kind": "cold", "connect_rate": 1.0}},
        "segments": {"s": {"stages": [{"name": "close", "work_min": 5, "convert": 1.0}]}},
    }
    return tiny(**_deep(base, update))


def _deep(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in update.items():
        old = out.get(key)
        out[key] = _deep(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return out


# --- joiners --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["block", "per_call"])
def test_a_joiner_dials_from_the_first_day_in_seat_and_not_before(mode: str) -> None:
    sc = tiny(calendar={"horizon_days": 15}, roles={"seller": {"absence": NO_ABSENCE}})
    joined = with_role(sc, joiners=[Joiner(start=day(sc, 10))])
    alone, both = tables(sc, mode=mode), tables(joined, mode=mode)
    assert list(both["people"].person) == ["seller.01", "seller.02"]
    calls = both["calls"]
    new = calls[calls.person == "seller.02"]
    # 10 dials a day (the quota), no answer, from Monday 25 January (day 10) on.
    assert new.day.tolist() == [10, 11, 12, 13, 14]
    assert new.dials.tolist() == [10] * 5
    uses = both["time_use"]
    assert uses[uses.person == "seller.02"].day.min() == 10
    # The person already in seat draws exactly as without the joiner (streams by seat).
    for name in ("calls", "time_use"):
        mine = both[name][both[name].person == "seller.01"].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone[name], check_exact=True)


def test_a_joiner_takes_no_referral_lead_before_joining() -> None:
    sc = tiny(
        calendar={"horizon_days": 20},
        roles={"seller": {"absence": NO_ABSENCE}},
        channels={"partners": {"kind": "referral", "leads_per_week": 40}},
        segments={"s": {"channels": ["cold", "partners"]}},
    )
    joined = with_role(sc, joiners=[Joiner(start=day(sc, 10))])
    deals = tables(joined)["deals"]
    early, late = deals[deals.created_day < 10], deals[deals.created_day >= 10]
    assert len(early) > 10 and set(early.owner) == {"seller.01"}
    assert set(late.owner) == {"seller.01", "seller.02"}


# --- leavers --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["block", "per_call"])
def test_a_leaver_stops_after_the_last_day_and_their_open_deals_pass_to_the_peer(
    mode: str,
) -> None:
    sc = dialling(segments={"s": {"stages": [
        {"name": "close", "work_min": 5, "convert": 1.0, "client_delay_days": 4}
    ]}})  # fmt: skip
    leaves = with_role(sc, staff=[StaffMember(leaves=day(sc, 6))])
    out = tables(leaves, mode=mode)
    for name in ("calls", "time_use"):
        frame = out[name]
        assert frame[frame.person == "seller.01"].day.max() == 6
        assert frame[frame.person == "seller.02"].day.max() == 14
    deals = out["deals"]
    # Every deal is won 4 calendar days after its dial: the dials of Monday and Tuesday
    # 18-19 January (days 5, 6) close after the leaver's last day (day 6), so the
    # leaver's 20 are won by the peer, with the peer's own 20; earlier ones by each.
    made = deals[deals.created_day.isin([5, 6])]
    assert len(made) == 40 and set(made.owner) == {"seller.02"}
    assert (made.closed_day >= 7).all()
    assert set(deals[deals.closed_day <= 6].owner) == {"seller.01", "seller.02"}
    # Nothing is lost: every dial up to day 10 is a won deal; the last 4 days' stay open.
    won = deals[deals.outcome == "won"]
    assert sorted(set(won.created_day)) == list(range(11))
    assert len(won) == 2 * 10 * 7 + 10 * 4
    assert (deals[deals.created_day > 10].outcome == "open").all()


# --- ramp by tenure -------------------------------------------------------------------


def test_a_seller_at_40_percent_wins_40_percent_of_a_tenured_ones_deals() -> None:
    """Issue 12, item 6: equal leads (the same dials, every one a lead), conversion 1.

    A deal's win is a draw at the owner's ramp share (0.4 here, the whole horizon being
    in the first month of tenure), so the won count of the new seller is Binomial(n,
    0.4); the tenured one wins all n exactly. Tolerance: 3 standard errors of the share.
    """
    sc = dialling(
        calendar={"horizon_days": 20},
        roles={"seller": {"ramp": {"productivity_by_month": [0.4, 0.4]}}},
        policies={"call_quota_per_day": 30},
    )
    new = with_role(sc, staff=[StaffMember(), StaffMember(start=day(sc, 0))])
    people = build_people(new, seed=7, replication=0)
    assert [p.productivity(d) for p in people for d in (0, 19)] == [1.0, 1.0, 0.4, 0.4]
    deals = tables(new, replications=3)["deals"]
    closed = deals[deals.outcome != "open"] if "open" in set(deals.outcome) else deals
    by = closed.groupby("owner").outcome.agg(n="size", won=lambda s: (s == "won").sum())
    tenured, ramping = by.loc["seller.01"], by.loc["seller.02"]
    assert tenured.won == tenured.n
    n = int(ramping.n)
    assert abs(n - tenured.n) <= 30  # the same dials; only the last day's may stay open
    share = ramping.won / tenured.won
    assert abs(share - 0.4) <= 3 * math.sqrt(0.4 * 0.6 / n), (share, n)


def test_a_dated_start_sets_the_ramp_and_a_joiner_ramps_from_joining() -> None:
    sc = tiny(
        calendar={"start": "2027-02-01", "horizon_days": 40},
        roles={"seller": {"ramp": {"productivity_by_month": [0.25, 0.5]}}},
    )
    dated = with_role(
        sc,
        staff=[StaffMember(start=dt.date(2027, 1, 1))],  # 21 working days before day 0
        joiners=[Joiner(start=dt.date(2027, 2, 15))],  # day 10
    )
    first, joiner = build_people(dated, seed=1, replication=0)
    assert first.spells == [(0, 39)] and joiner.spells == [(10, 39)]
    assert [first.productivity(d) for d in (0, 1, 22, 23)] == [0.25, 0.5, 0.5, 1.0]
    assert [joiner.productivity(d) for d in (10, 31, 32)] == [0.25, 0.25, 0.5]
    assert not joiner.in_seat(9) and joiner.in_seat(10) and not joiner.at_work(9)
    assert joiner.record().start_productivity == 0.25


# --- scenarios without the new fields draw as before ---------------------------------


@pytest.mark.parametrize("name", ["b2b_smb", "retail_bank"])
def test_staff_entries_that_state_nothing_change_no_draw(name: str) -> None:
    """Seats built from empty staff entries give the frames of the plain headcount.

    (The bundled scenarios' frames were also fingerprinted before and after this stage,
    60 days, 2 replications, both modes: identical; docs/dev/hiring_s5_status.md.)
    """
    data = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
    data["calendar"].update(horizon_days=25, warmup_days=5)
    sc = Scenario.model_validate(data)
    rid = next(iter(sc.roles))
    role = sc.roles[rid].model_copy(
        update={"staff": [StaffMember()] * sc.roles[rid].headcount.current}
    )
    same = sc.model_copy(update={"roles": {**sc.roles, rid: role}})
    a, b = tables(sc), tables(same)
    assert list(a) == list(b)
    for table, frame in a.items():
        pd.testing.assert_frame_equal(frame, b[table], check_exact=True, obj=table)
