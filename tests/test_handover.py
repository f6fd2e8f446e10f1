"""A leaver's handover: who takes over and what moves (issue 12, stage S7).

docs/dev/hiring_plan.md, section 4 item 4: on a leaver's first day out of seat their open
deals, queued follow-ups, booked meetings, call-backs and clients' support pass to one
person, found by one rule (``World.successor``): the named successor (a person in seat
that day, or a role), else the role's ``handover`` role, else the role itself; in a
role, its person at work with the fewest open deals, ties to the lowest index. A deal
keeps the ramp share it was drawn at. A call-back moves only to someone who dials its
channel; else it is dropped and counted (``calls.callbacks_lost``).

The scenarios are the tiny one of ``model_helpers`` (Monday 11 January 2027, Monday to
Friday, 09:00 to 17:00 less 30 minutes of breaks, no absence): every dial is a lead, two
a day each; a lead is a 5-minute call stage 2 calendar days later, then a 20-minute
meeting 2 calendar days after that, each converting with certainty. seller.01 leaves on
day 6 (Tuesday 19 January): day 7 is the first day out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
import yaml
from model_helpers import BASE, DAY0, _merge, team, tiny

from sim import simulate
from sim.errors import ScenarioError, dotted
from sim.scenario import Scenario, parse_scenario
from sim.scenario.team import Joiner, StaffMember

NO_ABSENCE = {"vacation_days": 0, "sick_days": 0, "trip_days": 0}
DAY_MIN = 1440.0
LEAVE_DAY = 6
TWO_STAGES = {
    "stages": [
        {"name": "call", "work_min": 5, "convert": 1.0, "client_delay_days": 2},
        {"name": "meet", "work_min": 20, "meeting": True, "convert": 1.0, "client_delay_days": 2},
    ]
}
SENIOR = {"level": "line", "headcount": 1, "monthly_cost": 1, "handles_inbound": False}


def two_stages(**update: Any) -> Scenario:
    base: dict[str, Any] = {
        "calendar": {"horizon_days": 15},
        "roles": {"seller": {"headcount": 3, "absence": NO_ABSENCE}},
        "channels": {"cold": {"kind": "cold", "connect_rate": 1.0}},
        "segments": {"s": TWO_STAGES},
        "policies": {"call_quota_per_day": 2},
    }
    return tiny(**_merge(base, update))


def with_role(sc: Scenario, role_id: str, **fields: object) -> Scenario:
    """A copy with a role's fields replaced (each checked by the loader elsewhere)."""
    role = sc.roles[role_id].model_copy(update=fields)
    return sc.model_copy(update={"roles": {**sc.roles, role_id: role}})


def day(sc: Scenario, index: int) -> dt.date:
    return sc.calendar.dates[index]


def tables(sc: Scenario, mode: str = "block", seed: int = 7) -> dict[str, pd.DataFrame]:
    return simulate(sc, 1, seed=seed, workers=1, mode=mode).tables()


def won_by(deals: pd.DataFrame) -> dict[tuple[str, int], int]:
    """(owner, creation day) -> deals won."""
    won = deals[deals.outcome == "won"]
    return {k: int(v) for k, v in won.groupby(["owner", "created_day"]).size().items()}


# --- a named person -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["block", "per_call"])
def test_a_named_successor_takes_the_open_deals_their_work_and_meetings(mode: str) -> None:
    """seller.01 names seller.03, who is in month 1 of a ramp at 0.001.

    At the leave seller.01 holds 8 open deals: those made on days 3 and 4 wait for
    meetings booked on day 7, those of days 5 and 6 for their call stage (queued
    follow-ups). All 8 are won by seller.03 at the ramp share they began at (1), while
    seller.03's own deals, begun at 0.001, are all lost. With no successor named the
    role's rule gives them to seller.02 (both have 8 open deals: ties to the index).
    """
    sc = two_stages(roles={"seller": {"ramp": {"productivity_by_month": [0.001]}}})
    start = sc.calendar.start
    leaver = StaffMember(leaves=day(sc, LEAVE_DAY), successor="seller.03")
    named = with_role(sc, "seller", staff=[leaver, StaffMember(), StaffMember(start=start)])
    out = tables(named, mode=mode)
    deals = out["deals"]
    early = {("seller.01", d): 2 for d in range(3)} | {("seller.02", d): 2 for d in range(11)}
    taken = {("seller.03", d): 2 for d in range(3, 7)}
    assert won_by(deals) == early | taken
    assert not (deals[deals.owner == "seller.01"].closed_day > LEAVE_DAY).any()
    # The 4 meetings booked for day 7 are booked again at seller.03 from day 8 (no one
    # is booked for the day already begun): the half-hour slots from 09:00 of Thursday
    # 21 January (10 calendar days after the start), each won at the meeting's end.
    won = deals[deals.outcome == "won"]
    moved = won[(won.owner == "seller.03") & won.created_day.isin([3, 4])]
    thursday = DAY0 + 10 * DAY_MIN
    assert sorted(moved.closed_min) == [thursday + 20, thursday + 50, thursday + 80, thursday + 110]
    uses = out["time_use"]
    meeting = uses[(uses.activity == "meeting") & (uses.person == "seller.03")]
    # Day 7 holds seller.03's own 4 meetings (deals of days 3, 4), day 8 the 4 moved.
    assert meeting.groupby("day").minutes.sum().loc[[7, 8]].tolist() == [80.0, 80.0]
    # The call stages queued at the leaver are seller.03's: days 7 and 8 (Wednesday and
    # Thursday) hold those of the deals of days 5 and 6, 2 of the leaver's and 2 own.
    stage = uses[(uses.activity == "stage_work") & uses.day.isin([7, 8])]
    assert stage.groupby(["person", "day"]).minutes.sum().to_dict() == {
        ("seller.02", 7): 10.0,
        ("seller.02", 8): 10.0,
        ("seller.03", 7): 20.0,
        ("seller.03", 8): 20.0,
    }

    unnamed = with_role(
        sc,
        "seller",
        staff=[StaffMember(leaves=day(sc, LEAVE_DAY)), StaffMember(), StaffMember(start=start)],
    )
    by_rule = won_by(tables(unnamed, mode=mode)["deals"])
    assert by_rule == early | {("seller.02", d): 4 for d in range(3, 7)}


# --- a role, and another role's handover ----------------------------------------------


def with_senior(sc: Scenario, *, successor: str | None, handover: str | None) -> Scenario:
    """seller.01 leaves; the senior role has senior.01, and senior.02 joining on day 5."""
    senior = two_stages(roles={"senior": SENIOR}).roles["senior"]
    senior = senior.model_copy(
        update={"joiners": [Joiner(start=day(sc, 5))], "absence": sc.roles["seller"].absence}
    )
    sc = sc.model_copy(update={"roles": {**sc.roles, "senior": senior}})
    leaver = StaffMember(leaves=day(sc, LEAVE_DAY), successor=successor)
    return with_role(sc, "seller", staff=[leaver], handover=handover)


@pytest.mark.parametrize(
    ("successor", "handover"), [("senior", None), (None, "senior")], ids=["successor", "handover"]
)
def test_a_role_gives_the_deals_to_its_person_with_the_fewest_open_deals(
    successor: str | None, handover: str | None
) -> None:
    """On day 7 senior.01 holds 8 open deals (days 3 to 6), senior.02 4 (days 5, 6).

    The leaver's 8 go to senior.02, not to the lowest index; a role named as successor
    and the role's ``handover`` take the same search.
    """
    sc = with_senior(
        two_stages(roles={"seller": {"headcount": 2}}), successor=successor, handover=handover
    )
    deals = tables(sc)["deals"]
    won = won_by(deals)
    assert {k: v for k, v in won.items() if k[1] in range(3, 7)} == {
        **{("seller.02", d): 2 for d in range(3, 7)},
        **{("senior.01", d): 2 for d in range(3, 7)},
        ("senior.02", 3): 2,
        ("senior.02", 4): 2,
        ("senior.02", 5): 4,
        ("senior.02", 6): 4,
    }
    assert not (deals.owner == "seller.01").loc[deals.closed_day > LEAVE_DAY].any()


def test_a_named_successor_out_of_seat_that_day_falls_back_to_their_role() -> None:
    """seller.01 names senior.01, who leaves the same day: the senior role's search."""
    sc = with_senior(
        two_stages(roles={"seller": {"headcount": 2}}), successor="senior.01", handover=None
    )
    sc = with_role(sc, "senior", staff=[StaffMember(leaves=day(sc, LEAVE_DAY))])
    won = won_by(tables(sc)["deals"])
    # senior.02 takes its role-mate's 8 and the seller's 8 (its own 4 made by day 6).
    assert {k: v for k, v in won.items() if k[0] == "senior.02" and k[1] < 7} == {
        ("senior.02", 3): 4,
        ("senior.02", 4): 4,
        ("senior.02", 5): 6,
        ("senior.02", 6): 6,
    }


# --- call-backs -----------------------------------------------------------------------


def callbacks_only(**update: Any) -> Scenario:
    """Every dial is a conversation asking to be called back 3 calendar days later, again
    and again (lead 0, follow-up 1): each of a day's 2 dials starts a chain with exactly
    one call-back queued at a time; no deals."""
    base: dict[str, Any] = {
        "calendar": {"horizon_days": 15},
        "roles": {"seller": {"headcount": 2, "absence": NO_ABSENCE, "channels": ["cold"]}},
        "channels": {
            "cold": {"kind": "cold", "connect_rate": 1.0},
            "list": {"kind": "cold", "connect_rate": 1.0},
        },
        "calls": {
            "lead_given_conversation": 0.0,
            "follow_up_given_conversation": 1.0,
            "follow_up_after_days": 3,
        },
        "segments": {"s": {"channels": ["cold", "list"]}},
        "policies": {"call_quota_per_day": 2},
    }
    return tiny(**_merge(base, update))


def test_call_backs_move_to_a_successor_who_dials_the_channel() -> None:
    """seller.02 makes seller.01's call-backs due on days 7 to 9 beside its own."""
    sc = callbacks_only()
    stays, leaves = (
        tables(sc)["calls"],
        tables(
            with_role(
                sc, "seller", staff=[StaffMember(leaves=day(sc, LEAVE_DAY), successor="seller.02")]
            )
        )["calls"],
    )
    both = stays[stays.day.isin([7, 8, 9])].groupby("day").callbacks.sum()
    mine = leaves[leaves.day.isin([7, 8, 9]) & (leaves.person == "seller.02")]
    assert mine.set_index("day").callbacks.to_dict() == both.to_dict()
    assert both.sum() > 0
    assert leaves.callbacks_lost.sum() == 0


def test_call_backs_a_successor_does_not_dial_are_dropped_and_counted() -> None:
    """The senior role dials ``list`` only: the 14 chains seller.01 began on days 0 to 6
    (2 dials a day) are dropped, counted on seller.01's row of day 7."""
    senior = {**SENIOR, "absence": NO_ABSENCE, "channels": ["list"]}
    sc = callbacks_only(roles={"senior": senior})
    sc = with_role(sc, "seller", staff=[StaffMember(leaves=day(sc, LEAVE_DAY), successor="senior")])
    calls = tables(sc)["calls"]
    lost = calls[calls.callbacks_lost > 0]
    assert lost[["person", "day", "channel", "dials", "callbacks_lost"]].values.tolist() == [
        ["seller.01", 7, "cold", 0, 14]
    ]
    # senior.01 makes only its own call-backs, as with nobody leaving.
    alone = tables(callbacks_only(roles={"senior": senior}))["calls"]
    pd.testing.assert_frame_equal(
        calls[calls.person == "senior.01"].reset_index(drop=True),
        alone[alone.person == "senior.01"].reset_index(drop=True),
    )


# --- validation -------------------------------------------------------------------------


def loaded(update: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(_merge(BASE, update)), "handover.yaml")
    return [(dotted(p.path), p.message) for p in info.value.problems]


def test_a_successor_who_does_not_exist_is_refused() -> None:
    update = {
        "roles": {
            "seller": {
                "headcount": 2,
                "staff": [{"leaves": "2027-01-19", "successor": "seller.05"}],
            }
        }
    }
    assert loaded(update) == [
        (
            "roles.seller.staff.0.successor",
            "no person 'seller.05': seller has seller.01 to seller.02 (joiners included); "
            "name a person id or a role id",
        )
    ]


def test_a_successor_not_in_seat_on_the_last_day_is_refused() -> None:
    update = {
        "roles": {
            "seller": {
                "headcount": 1,
                "staff": [{"leaves": "2027-01-19", "successor": "seller.02"}],
                "joiners": [{"start": "2027-01-25"}],
            }
        }
    }
    assert loaded(update) == [
        (
            "roles.seller.staff.0.successor",
            "seller.02 joins 2027-01-25, after seller.01 leaves 2027-01-19: name someone in "
            "seat that day, or a role",
        )
    ]


def test_a_file_with_a_successor_and_a_handover_loads() -> None:
    data = _merge(
        BASE,
        {
            "roles": {
                "seller": {
                    "headcount": 2,
                    "handover": "seller",
                    "staff": [{"leaves": "2027-01-19", "successor": "seller.02"}],
                }
            }
        },
    )
    sc = parse_scenario(yaml.safe_dump(data), "ok.yaml")
    assert sc.roles["seller"].staff[0].successor == "seller.02"


# --- behaviour --------------------------------------------------------------------------


def test_the_deals_made_by_the_leave_close_as_they_would_have() -> None:
    """Each deal draws from its own stream and keeps its owner's ramp share and persona
    multiplier, so a handover changes who works it and when, not its fate: on the small
    team of ``model_helpers`` (random conversions, meetings with travel, approvals,
    absences, inbound and referral leads, repeat sales), the deals won among those made
    by the leave day are the same deals as with nobody leaving, at the same seed.

    The won count over the horizon is not a bound to test: after the leave one seller
    fewer makes deals, so it is lower (pinned here, as it is on this run).
    """
    sc = team(calendar={"horizon_days": 60})
    leaver = StaffMember(leaves=day(sc, 9), successor="seller.04")
    left = with_role(sc, "seller", staff=[leaver])
    for seed in (3, 11):
        stay, go = tables(sc, seed=seed)["deals"], tables(left, seed=seed)["deals"]
        made = {
            name: set(d.deal[(d.created_day <= 9) & (d.outcome == "won")])
            for name, d in (("stay", stay), ("go", go))
        }
        assert made["stay"] == made["go"] and len(made["stay"]) > 20
        moved = go[go.deal.isin(made["go"]) & (go.closed_day > 9)]
        assert "seller.01" not in set(moved.owner) and len(moved) > 0
        assert (go.outcome == "won").sum() < (stay.outcome == "won").sum()


# --- the hiring model -----------------------------------------------------------------


def _two_roles(handover: str | None) -> Scenario:
    """tests.optimizer_helpers.tiny over March to July 2027 with a senior role beside the
    sellers; seller.01 leaves on Friday 30 April (April's last working day). A lead's
    second stage (30 minutes) starts 30 calendar days after the first, mostly the next
    month."""
    from tests.optimizer_helpers import scenario
    from tests.optimizer_helpers import tiny as tiny_plan

    data = tiny_plan(**{"calendar.horizon_days": 110})
    seller = data["roles"]["seller"]
    data["roles"]["senior"] = {**seller, "headcount": {"current": 1, "min": 0, "max": 10}}
    seller["staff"] = [{"leaves": "2027-04-30"}]
    if handover is not None:
        seller["handover"] = handover
    data["segments"]["deal"]["stages"] = [
        {"name": "pitch", "work_min": 60, "convert": 0.5},
        {"name": "sign", "work_min": 30, "convert": 1.0, "client_delay_days": 30},
    ]
    return scenario(data)


def test_the_hiring_model_gives_the_leavers_work_after_the_leave_to_the_taking_role() -> None:
    """With ``handover: senior`` the senior role's work rows (``busy_<role>_m<NN>``, which
    its capacity rows cap) take the leaver's share of the sellers' lead work that falls
    after the leave; nothing else changes.

    seller.01 is in seat all of March and April, one of the 2 sellers: half of March's
    and April's seller leads are theirs. Work of those leads falling in May and later
    moves to ``busy_senior``; April's own stays (the leave is its last day); the sum
    over both roles is the same; seller leads of May on (seller.01 gone) do not move.
    """
    from optimizer.hiring_model import build_hiring
    from sim.rules.staffing import handovers

    (h,) = handovers(_two_roles("senior"))
    assert (h.role, h.seat.person, h.taker) == ("seller", "seller.01", "senior")
    plain, handed = build_hiring(_two_roles(None)), build_hiring(_two_roles("senior"))

    def coef(hm: Any, row: str, t0: int) -> float:
        var = hm.months[t0].deals["seller", "deal"]
        return float(hm.constraints[row].get(var, 0.0))  # minutes a day, negated

    for t0 in range(5):
        for t in range(t0, 5):
            rows = (f"busy_seller_m{t:02d}", f"busy_senior_m{t:02d}")
            before = [coef(plain, row, t0) for row in rows]
            after = [coef(handed, row, t0) for row in rows]
            assert sum(after) == pytest.approx(sum(before), rel=1e-12)
            moved = 0.5 if t0 <= 1 < t else 0.0
            assert after[1] == pytest.approx(before[1] + moved * before[0], abs=1e-12)
            assert after[0] == pytest.approx((1 - moved) * before[0], abs=1e-12)
    assert coef(plain, "busy_seller_m02", 1) < 0  # April's leads have May work
