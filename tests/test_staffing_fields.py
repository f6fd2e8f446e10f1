"""A role's staffing fields (issue 12, stage S1): their checks, the person-id rule, defaults.

Both engines play every staffing field (staff dates, joiners and attrition: stage S10;
a vacancy's time to fill: S6; a named successor and handover to a role: S7), so none
is refused for being unplayed; the checks' messages are asserted through the loader
(file, path, line, exact text). Messages: docs/dev/hiring_plan.md, section 2.1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.errors import Problem, ScenarioError, dotted
from sim.rules import rule_warnings
from sim.rules.staffing import fill_days, person_ids, seats
from sim.scenario import Scenario, parse_scenario
from sim.scenario.team import Attrition, Joiner, StaffMember
from teamsim.cli import app
from tests.scenario_texts import BASE

ROOT = Path(__file__).resolve().parent.parent
SELLER_END = "    absence: {vacation_days: 20, sick_days: 6}\n"
NEW_KEYS = ("staff", "joiners", "attrition", "handover")


def with_seller(lines: str, text: str = BASE) -> str:
    """BASE with ``lines`` (indented under the seller role) added to the seller role."""
    assert SELLER_END in text
    return text.replace(SELLER_END, SELLER_END + lines, 1)


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def problems_of(text: str, overrides: tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.yaml", overrides)
    return info.value.problems


def base() -> Scenario:
    return parse_scenario(BASE, "base.yaml")


def with_role_fields(sc: Scenario, role_id: str, **fields: object) -> Scenario:
    """A copy with a role's fields replaced, unchecked (the gate refuses them in a file)."""
    role = sc.roles[role_id].model_copy(update=fields)
    return sc.model_copy(update={"roles": {**sc.roles, role_id: role}})


# (case id, lines added to the seller role, dotted path, exact message, needle of the line)
CASES = [
    (
        "ramp_over_24_months",
        "    ramp: {productivity_by_month: [" + ", ".join(["0.5"] * 30) + "]}\n",
        "roles.seller.ramp.productivity_by_month",
        "30 months of ramp; at most 24 (3-12 is usual: GitLab, Bridge Group 2024)",
        "productivity_by_month",
    ),
    (
        "both_attrition_forms",
        "    attrition:\n      rate_per_year: 0.2\n      leavers_per_year: 1\n",
        "roles.seller.attrition",
        "give rate_per_year (a share of the people) or leavers_per_year (a count), not both",
        "    attrition:",
    ),
    (
        "legacy_and_new_attrition",
        "    ramp: {productivity_by_month: [0.5], new_hires_per_year: 2}\n"
        "    attrition: {leavers_per_year: 1}\n",
        "roles.seller.ramp.new_hires_per_year",
        "attrition is given: drop ramp.new_hires_per_year (older files' name for "
        "attrition.leavers_per_year with no vacancy)",
        "new_hires_per_year: 2",
    ),
    (
        "staff_leaves_before_starting",
        "    staff:\n      - {}\n      - {}\n"
        "      - start: 2026-03-01\n        leaves: 2026-02-01\n",
        "roles.seller.staff.2.leaves",
        "leaves 2026-02-01 before starting 2026-03-01: a person leaves after joining",
        "leaves: 2026-02-01",
    ),
    (
        "joiner_leaves_before_starting",
        "    joiners:\n      - start: 2027-02-01\n        leaves: 2027-01-20\n",
        "roles.seller.joiners.0.leaves",
        "leaves 2027-01-20 before starting 2027-02-01: a person leaves after joining",
        "leaves: 2027-01-20",
    ),
    (
        "staff_leaves_before_the_horizon",
        "    staff:\n      - leaves: 2026-12-31\n",
        "roles.seller.staff.0.leaves",
        "leaves 2026-12-31 before calendar.start 2027-01-04: a person in seat now leaves on "
        "or after it",
        "leaves: 2026-12-31",
    ),
    (
        "staff_start_after_calendar_start",
        "    staff:\n      - {}\n      - start: 2027-04-01\n",
        "roles.seller.staff.1.start",
        "2027-04-01 is after calendar.start 2027-01-04: a person in seat now started on or "
        "before it; a later start is a joiner (roles.seller.joiners)",
        "start: 2027-04-01",
    ),
    (
        "successor_unknown",
        "    staff:\n      - {}\n      - leaves: 2027-02-10\n        successor: seller.09\n"
        "    joiners:\n      - {start: 2027-01-18, count: 2}\n",
        "roles.seller.staff.1.successor",
        "no person 'seller.09': seller has seller.01 to seller.07 (joiners included); name "
        "a person id or a role id",
        "successor: seller.09",
    ),
    (
        "successor_of_an_unknown_role",
        "    staff:\n      - successor: boss.01\n",
        "roles.seller.staff.0.successor",
        "no person 'boss.01': unknown role 'boss'; expected one of: head, lead, seller",
        "successor: boss.01",
    ),
    (
        "successor_role_unknown",
        "    staff:\n      - successor: boss\n",
        "roles.seller.staff.0.successor",
        "unknown role 'boss'; expected one of: head, lead, seller; or a person id such as head.01",
        "successor: boss",
    ),
    (
        "successor_not_in_seat",
        "    staff:\n      - {}\n      - leaves: 2027-01-29\n        successor: seller.06\n"
        "    joiners:\n      - start: 2027-02-01\n",
        "roles.seller.staff.1.successor",
        "seller.06 joins 2027-02-01, after seller.02 leaves 2027-01-29: name someone in seat "
        "that day, or a role",
        "successor: seller.06",
    ),
    (
        "successor_left_before",
        "    staff:\n      - leaves: 2027-01-29\n        successor: seller.02\n"
        "      - leaves: 2027-01-15\n",
        "roles.seller.staff.0.successor",
        "seller.02 leaves 2027-01-15, before seller.01 leaves 2027-01-29: name someone in "
        "seat that day, or a role",
        "successor: seller.02",
    ),
    (
        "successor_sells_nothing",
        "    staff:\n      - leaves: 2027-01-29\n        successor: head.01\n",
        "roles.seller.staff.0.successor",
        "head.01 sells none of seller's segments (loan)",
        "successor: head.01",
    ),
    (
        "successor_role_sells_nothing",
        "    staff:\n      - successor: head\n",
        "roles.seller.staff.0.successor",
        "head sells none of seller's segments (loan)",
        "successor: head",
    ),
    (
        "handover_sells_nothing",
        "    handover: head\n",
        "roles.seller.handover",
        "head sells none of seller's segments (loan)",
        "handover: head",
    ),
    (
        "successor_is_the_leaver",
        "    staff:\n      - leaves: 2027-01-29\n        successor: seller.01\n",
        "roles.seller.staff.0.successor",
        "seller.01 is this person: name someone else, or a role",
        "successor: seller.01",
    ),
    (
        "handover_unknown",
        "    handover: nobody\n",
        "roles.seller.handover",
        "unknown role 'nobody'; expected one of: head, lead, seller",
        "handover: nobody",
    ),
    (
        "vacancy_longer_than_the_horizon",
        "    attrition: {leavers_per_year: 1, time_to_fill_days: 400}\n",
        "roles.seller.attrition.time_to_fill_days",
        # 400 x (5 x 365.25 / 7) / 365.25 = 285.7 working days; the horizon is 40.
        "400 calendar days (about 286 working days) is longer than the horizon (40 working "
        "days): a seat left would never be filled; shorten it or lengthen "
        "calendar.horizon_days",
        "    attrition:",
    ),
    (
        "joiners_beyond_headcount_max",
        "    joiners:\n      - {start: 2027-01-11, count: 3}\n"
        "      - {start: 2027-02-01, count: 5}\n",
        "roles.seller.joiners",
        # 5 in seat, 3 + 5 joined by 1 February: 13 > 12.
        "5 in seat + 8 joining by 2027-02 exceeds headcount.max 12",
        "    joiners:",
    ),
    (
        "staff_persona_unknown",
        "    staff:\n      - persona: fast\n",
        "roles.seller.staff.0.persona",
        "unknown persona 'fast'; expected one of: slow, steady",
        "persona: fast",
    ),
]


@pytest.mark.parametrize(
    ("lines", "path", "message", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_staffing_problem_names_file_line_field_and_what_to_do(
    lines: str, path: str, message: str, needle: str
) -> None:
    text = with_seller(lines)
    found = problems_of(text)
    assert [(dotted(p.path), p.message) for p in found] == [(path, message)]
    assert found[0].source == "bad.yaml"
    assert found[0].line == line_of(text, needle), str(found[0])


def test_a_ramp_of_24_months_is_accepted() -> None:
    ramp = "    ramp: {productivity_by_month: [" + ", ".join(["0.5"] * 24) + "]}\n"
    sc = parse_scenario(with_seller(ramp), "ok.yaml")
    ramp_of = sc.roles["seller"].ramp
    assert ramp_of is not None and len(ramp_of.productivity_by_month) == 24


@pytest.mark.parametrize(
    "lines",
    [
        "    joiners:\n      - start: 2027-02-01\n",
        "    staff:\n      - start: 2026-05-01\n      - {start: 2026-11-02, leaves: 2027-06-30}\n",
        "    staff:\n      - persona: slow\n",
        "    attrition: {leavers_per_year: 1, time_to_fill_days: 30}\n",
        "    handover: seller\n",
        "    staff:\n      - {leaves: 2027-03-31, successor: seller}\n",
    ],
    ids=["joiners", "staff_dates_and_leaver", "persona_pin", "vacancy", "handover", "successor"],
)
def test_fields_both_engines_play_are_accepted(lines: str) -> None:
    parse_scenario(with_seller(lines), "ok.yaml")


@pytest.mark.parametrize(
    "lines",
    [
        "    staff: [{}, {}]\n",
        "    joiners: []\n",
        "    attrition: {time_to_fill_days: 0}\n",
    ],
    ids=["staff_without_fields", "no_joiners", "attrition_of_nothing"],
)
def test_staffing_that_changes_nothing_is_accepted(lines: str) -> None:
    parse_scenario(with_seller(lines), "ok.yaml")


def test_references_are_checked_when_another_field_fails() -> None:
    # A field error stops the typed model; the raw twin still names the bad references.
    text = with_seller(
        "    handover: nobody\n    staff:\n      - successor: boss.01\n        persona: fast\n"
    ).replace("convert: 0.9", "convert: 1.9")
    found = {dotted(p.path): p.message for p in problems_of(text)}
    assert found == {
        "segments.loan.stages.2.convert": (
            "expected less than or equal to 1, got 1.9; write 0.019 for 1.9 %"
        ),
        "roles.seller.handover": "unknown role 'nobody'; expected one of: head, lead, seller",
        "roles.seller.staff.0.successor": (
            "no person 'boss.01': unknown role 'boss'; expected one of: head, lead, seller"
        ),
        "roles.seller.staff.0.persona": "unknown persona 'fast'; expected one of: slow, steady",
    }


def test_a_successor_that_is_not_an_id_is_a_field_error() -> None:
    found = problems_of(with_seller("    staff:\n      - successor: Seller 3\n"))
    assert [dotted(p.path) for p in found] == ["roles.seller.staff.0.successor"]
    assert "got 'Seller 3'" in found[0].message


def test_a_joiner_after_the_horizon_is_a_warning() -> None:
    # 40 working days from Monday 4 January 2027: eight weeks, the last on 26 February.
    sc = with_role_fields(
        base(),
        "seller",
        joiners=[Joiner(start=dt.date(2027, 2, 26)), Joiner(start=dt.date(2027, 4, 1))],
    )
    staffing = [w for w in rule_warnings(sc) if w[0][:3] == ("roles", "seller", "joiners")]
    assert staffing == [
        (
            ("roles", "seller", "joiners", 1, "start"),
            "2027-04-01 is after the horizon's last day 2027-02-26: this joiner never takes a seat",
        )
    ]


def test_person_ids_people_in_seat_then_staff_order_then_joiners_in_list_order() -> None:
    sc = with_role_fields(
        base(),
        "seller",
        staff=[
            StaffMember(start=dt.date(2026, 11, 2)),
            StaffMember(leaves=dt.date(2027, 2, 5), successor="seller.01"),
        ],
        # Listed out of date order: ids follow the list, so appending never renumbers.
        joiners=[
            Joiner(start=dt.date(2027, 2, 15), count=2),
            Joiner(start=dt.date(2027, 1, 11), leaves=dt.date(2027, 2, 12)),
        ],
    )
    got = seats(sc, "seller")
    assert [s.person for s in got] == [f"seller.0{i}" for i in range(1, 9)]
    assert [s.index for s in got] == list(range(8))
    start = dt.date(2027, 1, 4)
    assert [(s.first_day, s.last_day, s.tenure_from, s.successor) for s in got] == [
        (start, None, dt.date(2026, 11, 2), None),
        (start, dt.date(2027, 2, 5), None, "seller.01"),
        (start, None, None, None),
        (start, None, None, None),
        (start, None, None, None),
        (dt.date(2027, 2, 15), None, dt.date(2027, 2, 15), None),
        (dt.date(2027, 2, 15), None, dt.date(2027, 2, 15), None),
        (dt.date(2027, 1, 11), dt.date(2027, 2, 12), dt.date(2027, 1, 11), None),
    ]
    # The optimiser's hires come after the scenario's joiners.
    more = person_ids(sc, "seller", hires=[Joiner(start=dt.date(2027, 3, 1), count=3)])
    assert more[8:] == ["seller.09", "seller.10", "seller.11"]
    assert person_ids(base(), "head") == ["head.01"]


def test_fill_days_are_working_days_of_the_calendar() -> None:
    sc = base()
    assert fill_days(sc, "seller") == 0.0
    sc2 = with_role_fields(sc, "seller", attrition=Attrition(time_to_fill_days=73.05))
    # 73.05 calendar days x 5/7 working days a calendar day (no holidays) = 52.18.
    assert fill_days(sc2, "seller") == pytest.approx(73.05 * 5 / 7)


# The bundled scenarios written before issue 12's fields; retail_bank_growth is the one
# that states them (attrition with a vacancy), as the hiring plan's demonstration.
LEGACY = [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if p.stem != "retail_bank_growth"]


@pytest.mark.parametrize("scenario", LEGACY, ids=str)
def test_bundled_scenarios_use_no_staffing_field_and_keep_their_ramps(scenario: Path) -> None:
    text = scenario.read_text(encoding="utf-8")
    sc = parse_scenario(text, scenario.name)
    dump = sc.model_dump()
    for rid, role in dump["roles"].items():
        assert (role["staff"], role["joiners"], role["attrition"], role["handover"]) == (
            [],
            [],
            None,
            None,
        ), rid
    # Nothing new was set: the model is what the file says, as before the fields existed.
    unset = sc.model_dump(exclude_unset=True)
    assert not [k for r in unset["roles"].values() for k in NEW_KEYS if k in r]


def test_set_of_the_legacy_attrition_still_works(tmp_path: Path) -> None:
    sc = parse_scenario(
        (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8"),
        "retail_bank.yaml",
        ["roles.client_manager.ramp.new_hires_per_year=3.5"],
    )
    ramp = sc.roles["client_manager"].ramp
    assert ramp is not None and ramp.new_hires_per_year == 3.5
    result = CliRunner().invoke(
        app,
        [
            "validate",
            str(ROOT / "scenarios" / "retail_bank.yaml"),
            "--set",
            "roles.client_manager.ramp.new_hires_per_year=3",
        ],
    )
    assert result.exit_code == 0, result.output


def test_cli_validates_a_handover(tmp_path: Path) -> None:
    ok = tmp_path / "handover.yaml"
    ok.write_text(with_seller("    handover: seller\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(ok)])
    assert result.exit_code == 0, result.output
