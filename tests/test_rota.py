"""The break rota (issue 13, S3; docs/dev/inbound_plan.md 2.1 and 3): fields, slots, shares."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.errors import ScenarioError, TeamsimError
from sim.rules import day, rota
from sim.scenario import Scenario, parse_scenario
from sim.scenario.calendar import PauseKind, PauseRule, Workday
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DESK = ROOT / "scenarios" / "support_desk.yaml"

ROTA = [
    {"kind": "break", "minutes": 15, "window": ["10:00", "11:30"], "most_away": 3},
    {"kind": "lunch", "minutes": 30, "window": ["11:45", "14:45"], "most_away": 3},
    {"kind": "break", "minutes": 15, "window": ["15:15", "16:45"], "most_away": 3},
]


def desk(workday: dict[str, object] | None = None, agents: int | None = None) -> Scenario:
    """support_desk.yaml with its workday (and the agents' headcount) replaced."""
    data = yaml.safe_load(DESK.read_text(encoding="utf-8"))
    if workday is not None:
        data["calendar"]["workday"] = workday
    if agents is not None:
        data["roles"]["agent"]["headcount"] = {"current": agents, "min": 1, "max": agents}
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), "support_desk.yaml")


def problems(workday: dict[str, object], agents: int | None = None) -> str:
    with pytest.raises(ScenarioError) as exc:
        desk(workday, agents)
    return str(exc.value)


DAY = {"start": "09:00", "hours": 8, "lunch_min": 30, "breaks_min": 30}


def test_a_desk_pauses_by_the_default_rota_and_a_team_with_no_desk_together() -> None:
    """Issue 13 (S10): a file that gives only lunch_min and breaks_min gets a rota when it
    has an inbound channel; stated, the rule is the file's; with no desk, together."""
    sc = desk()
    assert sc.calendar.workday.pause_rule is None
    assert rota.pause_rule(sc) is PauseRule.ROTA
    assert rota.pauses(sc) == rota.default_pauses(sc.calendar.workday)
    assert day.arrival_min_per_day(sc) == 510.0
    assert rota.describe_pauses(sc) == (
        "rota (the default for a desk: lunch_min and breaks_min spread over the day; "
        "pause_rule: together for one common pause): lunch 30 min in 11:45-14:45, breaks "
        "15 min in 10:00-11:30 and 15 min in 15:15-16:45"
    )
    tenders = load_scenario("scenarios/b2g_tenders.yaml")
    assert not any(ch.kind == "inbound" for ch in tenders.channels.values())
    assert rota.pause_rule(tenders) is PauseRule.TOGETHER
    assert rota.pauses(tenders) == ()
    # pauses written without pause_rule are a rota, even with no desk
    data = yaml.safe_load(Path("scenarios/b2g_tenders.yaml").read_text(encoding="utf-8"))
    data["calendar"]["workday"]["pauses"] = [
        {"kind": "lunch", "minutes": 30, "window": ["12:00", "15:00"]},
        {"kind": "break", "minutes": 30, "window": ["15:00", "16:00"]},
    ]
    written = parse_scenario(yaml.safe_dump(data), "b2g.yaml")
    assert rota.pause_rule(written) is PauseRule.ROTA


def test_together_stated_has_no_rota() -> None:
    sc = desk({**DAY, "pause_rule": "together"})
    assert sc.calendar.workday.pause_rule is PauseRule.TOGETHER
    assert rota.pauses(sc) == ()
    assert day.arrival_min_per_day(sc) == 450.0
    assert day.pause_gross_up(sc) == 1.0
    assert rota.away_share(sc, 12, 0.0, 510.0) == 0.0
    assert rota.describe_pauses(sc) == "together 12:45-13:45 (pause_rule: together)"


def test_default_rota_of_the_design() -> None:
    """Section 2.1's windows: support_desk 09:00-17:30 and retail_bank 09:00-18:00."""
    found = rota.default_pauses(Workday(**DAY))
    assert [(p.kind, p.minutes, p.window) for p in found] == [
        (PauseKind.BREAK, 15.0, ("10:00", "11:30")),
        (PauseKind.LUNCH, 30.0, ("11:45", "14:45")),
        (PauseKind.BREAK, 15.0, ("15:15", "16:45")),
    ]
    bank = rota.default_pauses(Workday(start="09:00", hours=8, lunch_min=60, breaks_min=30))
    assert [p.window for p in bank] == [("10:00", "11:30"), ("12:00", "15:00"), ("15:45", "17:15")]
    # A short day: the breaks join the lunch in its window.
    short = rota.default_pauses(Workday(start="09:00", hours=5, lunch_min=30, breaks_min=30))
    assert [(p.kind, p.minutes, p.window) for p in short] == [
        (PauseKind.LUNCH, 60.0, ("10:15", "13:15"))
    ]
    assert rota.default_pauses(Workday(start="09:00", hours=8, lunch_min=0, breaks_min=0)) == ()


def test_slots_are_back_to_back_from_the_window_start() -> None:
    workday = Workday(**DAY)
    lunch, early = rota.default_pauses(workday)[1], rota.default_pauses(workday)[0]
    assert rota.slots(lunch, workday) == (165.0, 195.0, 225.0, 255.0, 285.0, 315.0)
    assert rota.slots(early, workday) == (60.0, 75.0, 90.0, 105.0, 120.0, 135.0)
    # floor(window / minutes): 100 minutes hold three 30-minute slots.
    odd = Workday(
        start="09:00",
        hours=8,
        pause_rule="rota",
        pauses=[{"kind": "lunch", "minutes": 30, "window": ["12:00", "13:40"]}],
    )
    assert rota.slots(odd.pauses[0], odd) == (180.0, 210.0, 240.0)  # type: ignore[index]
    assert (odd.lunch_min, odd.breaks_min) == (30.0, 0.0)  # derived from the pauses
    with pytest.raises(ValueError, match="pauses give 0 minutes of breaks, breaks_min says 30"):
        Workday(
            start="09:00",
            hours=8,
            breaks_min=30,
            pause_rule="rota",
            pauses=[{"kind": "lunch", "minutes": 30, "window": ["12:00", "13:40"]}],
        )


def test_person_pauses_in_turn_and_spread() -> None:
    sc = desk({**DAY, "pause_rule": "rota"})
    # 12 answerers over 6 slots: in turn, two to a slot.
    assert rota.person_pauses(sc, 0, 12) == ((60.0, 15.0), (165.0, 30.0), (375.0, 15.0))
    assert rota.person_pauses(sc, 7, 12) == ((75.0, 15.0), (195.0, 30.0), (390.0, 15.0))
    # 3 answerers over 6 slots: spread, one to every other slot.
    assert [rota.person_pauses(sc, i, 3)[1][0] for i in range(3)] == [165.0, 225.0, 285.0]


def test_away_share_exact() -> None:
    sc = desk({**DAY, "pause_rule": "rota"})
    # 12 people, 2 per lunch slot of 30 min: 12:00-12:30 (offsets 180-210) has slot
    # 165-195 (2 people, 15 min) and 195-225 (2 people, 15 min): 60 person-min / 12 / 30.
    assert rota.away_share(sc, 12, 180.0, 210.0) == pytest.approx(1 / 6, abs=1e-15)
    # The whole day: each person away 60 of 510 minutes.
    assert rota.away_share(sc, 12, 0.0, 510.0) == pytest.approx(60 / 510, abs=1e-15)
    # 3 people spread over lunch slots 165, 225, 285: 11:45-12:15 has one of three away.
    assert rota.away_share(sc, 3, 165.0, 195.0) == pytest.approx(1 / 3, abs=1e-15)
    assert rota.away_share(sc, 3, 195.0, 225.0) == 0.0
    # The large desk: a sixth of it in each lunch slot.
    assert rota.away_share(sc, None, 180.0, 210.0) == pytest.approx(1 / 6, abs=1e-15)
    assert rota.away_share(sc, None, 0.0, 30.0) == 0.0


def test_rota_figures_of_the_day_rules() -> None:
    sc = desk({**DAY, "pause_rule": "rota"})
    assert day.arrival_min_per_day(sc) == 510.0  # the open span, pauses included
    assert day.pause_gross_up(sc) == pytest.approx(1.2, abs=1e-12)  # 1 / (1 - 1/6)
    # A given interval: 11:30-12:00 has a twelfth of the desk at lunch (from 11:45).
    assert day.pause_gross_up(sc, (150.0, 180.0)) == pytest.approx(12 / 11, abs=1e-12)
    assert day.pause_gross_up(sc, (0.0, 30.0)) == 1.0
    assert rota.describe_pauses(sc) == (
        "rota (the default rota for a day that gives lunch_min and breaks_min): lunch 30 min in "
        "11:45-14:45, breaks 15 min in 10:00-11:30 and 15 min in 15:15-16:45"
    )
    # One slot: everyone at lunch at once. A warning when the file is read (validate and
    # simulate: the simulator plays it), by the rule plan refuses it with.
    from sim.rules import rule_warnings

    one = desk(
        {
            "start": "09:00",
            "hours": 8,
            "pause_rule": "rota",
            "pauses": [{"kind": "lunch", "minutes": 60, "window": ["12:45", "13:45"]}],
            "breaks_min": 0,
        }
    )
    said = [m for path, m in rule_warnings(one) if path == ("calendar", "workday", "pauses")]
    assert len(said) == 1 and "leaves nobody at the desk from 13:00" in said[0]
    with pytest.raises(TeamsimError, match="leaves nobody at the desk from 13:00"):
        day.pause_gross_up(one)


def test_summary_names_each_pause_cap_when_they_differ() -> None:
    mixed = [dict(p, most_away=k) for p, k in zip(ROTA, (3, 2, 3), strict=True)]
    sc = desk({"start": "09:00", "hours": 8, "pause_rule": "rota", "pauses": mixed})
    assert rota.describe_pauses(sc) == (
        "rota: lunch 30 min in 11:45-14:45 (up to 2 away), breaks 15 min in 10:00-11:30 "
        "(up to 3 away) and 15 min in 15:15-16:45 (up to 3 away)"
    )


def test_written_rota_derives_lunch_and_breaks() -> None:
    sc = desk({"start": "09:00", "hours": 8, "pause_rule": "rota", "pauses": ROTA})
    workday = sc.calendar.workday
    assert (workday.lunch_min, workday.breaks_min, workday.span_min) == (30.0, 30.0, 510.0)
    assert rota.describe_pauses(sc) == (
        "rota: lunch 30 min in 11:45-14:45, breaks 15 min in 10:00-11:30 and 15 min in "
        "15:15-16:45, up to 3 away at once"
    )


@pytest.mark.parametrize(
    ("workday", "message"),
    [
        (
            {**DAY, "pause_rule": "together", "pauses": ROTA},
            "calendar.workday: pauses is a rota: set pause_rule: rota",
        ),
        (
            {**DAY, "breaks_min": 45, "pause_rule": "rota", "pauses": ROTA},
            "pauses give 30 minutes of breaks, breaks_min says 45",
        ),
        (
            {
                "start": "09:00",
                "hours": 8,
                "pause_rule": "rota",
                "pauses": [{"kind": "lunch", "minutes": 30, "window": ["08:30", "10:00"]}],
            },
            "calendar.workday.pauses.0.window: 08:30-10:00 is outside the working day 09:00-17:30",
        ),
        (
            {
                "start": "09:00",
                "hours": 8,
                "pause_rule": "rota",
                "pauses": [
                    {"kind": "lunch", "minutes": 30, "window": ["11:45", "14:00"]},
                    {"kind": "break", "minutes": 15, "window": ["13:45", "15:00"]},
                ],
            },
            "calendar.workday.pauses.1.window: 13:45-15:00 overlaps pauses[0].window 11:45-14:00",
        ),
        (
            {
                "start": "09:00",
                "hours": 8,
                "pause_rule": "rota",
                "pauses": [{"kind": "lunch", "minutes": 30, "window": ["12:00", "12:20"]}],
            },
            "calendar.workday.pauses.0: the window 12:00-12:20 is shorter than the pause (30 min)",
        ),
        (
            {
                "start": "09:00",
                "hours": 8,
                "pause_rule": "rota",
                "pauses": [{"kind": "lunch", "minutes": 30, "window": ["12:00", "1300"]}],
            },
            "expected times of day as HH:MM, got '1300'",
        ),
        (
            {**DAY, "pause_rule": "sometimes"},
            "pause_rule",
        ),
    ],
)
def test_bad_rota_messages(workday: dict[str, object], message: str) -> None:
    text = problems(workday)
    assert message in text, text
    assert "support_desk.yaml" in text


def test_most_away_must_hold_the_desk() -> None:
    """14 answerers over 6 lunch slots need 3 away at once (the design's message)."""
    tight = [dict(p, most_away=2) for p in ROTA]
    text = problems({"start": "09:00", "hours": 8, "pause_rule": "rota", "pauses": tight}, 14)
    assert (
        "calendar.workday.pauses.1.most_away: lunch: 14 answerers over 6 slots of 30 min need "
        "3 away at once; most_away is 2: widen the window to 15:15 or allow 3"
    ) in text, text
    # Past the day's end no window is wide enough: only the count is suggested.
    one = [dict(p, most_away=1) for p in ROTA]
    text = problems({"start": "09:00", "hours": 8, "pause_rule": "rota", "pauses": one}, 12)
    assert (
        "pauses.1.most_away: lunch: 12 answerers over 6 slots of 30 min need 2 away at once; "
        "most_away is 1: allow 2"
    ) in text, text
    # 12 fit: two to a slot.
    desk({"start": "09:00", "hours": 8, "pause_rule": "rota", "pauses": tight}, 12)


def test_the_desk_sizing_reads_the_rota() -> None:
    """sim.rules.service reads the open span and the rota's gross-up from sim.rules.day."""
    from sim.rules.service import desks

    (together,) = desks(desk({**DAY, "pause_rule": "together"}))
    assert (together.load_erlangs, together.pause_gross_up, together.roster) == (8.0, 1.0, 13)
    (staggered,) = desks(desk())  # the default rota of a desk
    (stated,) = desks(desk({**DAY, "pause_rule": "rota"}))
    assert (stated.load_erlangs, stated.pause_gross_up, stated.roster) == (
        staggered.load_erlangs,
        staggered.pause_gross_up,
        staggered.roster,
    )
    # 600 requests over 510 open minutes at 6 minutes: 7.06 Erlangs; a sixth of the desk
    # away at the peak half-hours (1.2); 12 on the roster for the days away, x 1.2 = 15.
    assert staggered.load_erlangs == pytest.approx(600 * 6 / 510, rel=1e-12)
    assert staggered.pause_gross_up == pytest.approx(1.2, rel=1e-12)
    assert staggered.roster == 15


def test_a_roster_the_rotas_slots_cannot_hold_is_said_by_plan() -> None:
    # A trial's case: lunch in 4 slots of 30 min with at most 3 away holds 12 answerers;
    # the service target needs 16, so plan says which pause and what would hold them
    # (it used to plan 16 that simulate then refused).
    from sim.rules.service import desks

    sc = load_scenario(
        "scenarios/support_desk.yaml",
        [
            "calendar.workday.pause_rule=rota",
            "calendar.workday.pauses=[{kind: break, minutes: 15, window: ['10:00','11:00']},"
            " {kind: lunch, minutes: 30, window: ['12:00','14:00'], most_away: 3},"
            " {kind: break, minutes: 15, window: ['15:00','16:30']}]",
            "roles.agent.headcount.current=12",
        ],
    )
    with pytest.raises(TeamsimError, match=r"pauses\.1\.most_away: the service target needs 16"):
        desks(sc)


def test_validate_summary_says_the_desk_pauses_by_the_default_rota() -> None:
    """Deliverable 1's last sentence: a file giving only lunch_min and breaks_min gets a
    rota spread over the middle of the day, said so in ``validate --summary``; a team with
    no desk says nothing of pauses; ``pause_rule: together`` is said as the common pause."""
    from typer.testing import CliRunner

    from teamsim.cli import app

    runner = CliRunner()

    def said(*args: str) -> str:
        result = runner.invoke(app, ["validate", *args, "--summary"])
        assert result.exit_code == 0, result.output
        # Words joined again: the terminal's width may fold a line anywhere.
        return " ".join(result.output.split())

    assert (
        "Pauses: rota (the default for a desk: lunch_min and breaks_min spread over the day; "
        "pause_rule: together for one common pause): lunch 30 min in 11:45-14:45, breaks 15 "
        "min in 10:00-11:30 and 15 min in 15:15-16:45"
    ) in said(str(DESK))
    together = said(str(DESK), "--set", "calendar.workday.pause_rule=together")
    assert "Pauses: together 12:45-13:45 (pause_rule: together)" in together
    assert "Pauses:" not in said("scenarios/b2g_tenders.yaml")


@pytest.mark.parametrize(
    ("window", "got"),
    [
        ('["12:00"]', "got 1: ['12:00']"),
        ('["12:00", "13:00", "14:00"]', "got 3: ['12:00', '13:00', '14:00']"),
        ('"12:00-14:00"', "got '12:00-14:00'"),
    ],
)
def test_a_window_is_two_times_of_day_said_in_words(window: str, got: str) -> None:
    # pydantic said "required field is missing" for one time and "Tuple should have at
    # most 2 items" for three (a fresh-user trial).
    with pytest.raises(ScenarioError) as caught:
        load_scenario(
            DESK, [f"calendar.workday.pauses=[{{kind: lunch, minutes: 30, window: {window}}}]"]
        )
    text = str(caught.value)
    assert (
        "calendar.workday.pauses.0.window: expected two times of day, from and to, as "
        f'["HH:MM", "HH:MM"]; {got}'
    ) in text, text


def test_overlapping_windows_are_said_at_the_later_pauses_line(tmp_path: Path) -> None:
    # A trial's case: the message pointed at the workday's line, not the pause's.
    text = DESK.read_text(encoding="utf-8")
    day = 'workday: {start: "09:00", hours: 8, lunch_min: 30, breaks_min: 30}'
    assert day in text
    rota_text = (
        'workday:\n    start: "09:00"\n    hours: 8\n    pauses:\n'
        '      - {kind: lunch, minutes: 30, window: ["11:00", "13:00"]}\n'
        '      - {kind: break, minutes: 30, window: ["12:30", "14:00"]}'
    )
    path = tmp_path / "desk.yaml"
    path.write_text(text.replace(day, rota_text), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, x in enumerate(lines) if '["12:30", "14:00"]' in x)
    assert problem.line == line + 1
    assert str(problem).endswith(
        "calendar.workday.pauses.1.window: 12:30-14:00 overlaps pauses[0].window "
        "11:00-13:00: each pause needs a window of its own"
    )


def test_a_short_days_default_rota_says_it_joined_the_breaks_to_lunch() -> None:
    # A trial's case: a 4-hour day printed "lunch 60 min" for lunch 30 and breaks 30.
    sc = desk({"start": "09:00", "hours": 4, "lunch_min": 30, "breaks_min": 30})
    assert [(p.kind, p.minutes) for p in rota.pauses(sc)] == [(PauseKind.LUNCH, 60.0)]
    assert rota.describe_pauses(sc).endswith(
        "lunch 60 min in 09:45-12:45 (lunch_min 30 and breaks_min 30 taken as one pause: the "
        "day is too short for breaks in windows of their own; write pauses to place them)"
    )
    # A full day keeps them apart and says nothing of it.
    assert "taken as one pause" not in rota.describe_pauses(desk())


def test_a_window_of_numbers_asks_for_times_in_quotes() -> None:
    # A trial's case: window: [15, 16] said "expected a valid string, got 15".
    with pytest.raises(ScenarioError) as caught:
        load_scenario(
            DESK, ["calendar.workday.pauses=[{kind: lunch, minutes: 30, window: [12, 14]}]"]
        )
    assert (
        'calendar.workday.pauses.0.window: expected times of day as "HH:MM" in quotes, got 12 '
        '(write "12:00")'
    ) in str(caught.value)
