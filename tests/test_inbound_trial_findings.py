"""Faults a fresh user's trial of the inbound desk found (issue 13): units, labels, words.

Each test reads what a user reads (a table's label beside its figures, a message) and
asserts the figure or wording that was wrong before.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim import KPIS
from teamsim.commands.simulate import kpi_table_of
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = ROOT / "scenarios" / "support_desk.yaml"
LABELS = {k.name: k.label for k in KPIS}


def _kpi_rows(kpis: pd.DataFrame) -> dict[str, list[str]]:
    table = kpi_table_of(kpis, load_scenario(SUPPORT), width=200)
    columns = [[str(c) for c in col._cells] for col in table.columns]
    return {row[0]: list(row[1:]) for row in zip(*columns, strict=True)}


def _kpi(name: str, mean: float, low: float, high: float, p10: float, p90: float) -> dict:
    unit = next(k.unit for k in KPIS if k.name == name)
    return {
        "kpi": name,
        "label": LABELS[name],
        "unit": unit,
        "n": 5,
        "mean": mean,
        "sd": 1.0,
        "p10": p10,
        "p50": mean,
        "p90": p90,
        "ci_low": low,
        "ci_high": high,
    }


def test_a_wait_of_days_reads_in_days_in_its_label_and_every_figure() -> None:
    # Waits carried over nights: a mean of 2000 minutes (1.4 days), P10 at 900 (15 h).
    row = _kpi("inbound_carried_wait_min", 2000.0, 800.0, 3200.0, 900.0, 3000.0)
    rows = _kpi_rows(pd.DataFrame([row]))
    [(label, cells)] = rows.items()
    assert label == "Inbound carried over: wait (mean, days)"
    assert cells == ["1.4 days", "0.6 days to 2.2 days", "0.6 days", "1.4 days", "2.1 days"]


def test_a_wait_of_minutes_reads_in_minutes() -> None:
    row = _kpi("inbound_carried_wait_min", 600.0, 500.0, 700.0, 450.0, 750.0)
    [(label, cells)] = _kpi_rows(pd.DataFrame([row])).items()
    assert label == "Inbound carried over: wait (mean, minutes)"
    assert cells[0] == "600.0" and "days" not in " ".join(cells)


def test_utilisation_above_100_percent_is_explained_in_words() -> None:
    from sim import diagnose, kpi_value, simulate

    swamped = (
        "calendar.horizon_days=6",
        "calendar.warmup_days=1",
        "channels.support_requests.requests_per_day=3000",  # five times the desk's load
    )
    sc = load_scenario(SUPPORT, swamped)
    result = simulate(sc, 1, 7, workers=1)
    util = kpi_value(result.kpis, "utilisation_line")
    assert 1.0 < util < 1.02  # the agents' overtime (10 minutes a day at most) on top
    tu = result.frames.time_use
    overtime = tu.loc[(tu["day"] >= 1) & (tu["activity"] == "overtime"), "minutes"].sum()
    days = result.frames.utilisation_day
    available = days.loc[(days["day"] >= 1) & (days["level"] == "line"), "available_min"].sum()
    share = overtime / available
    # busy in hours cannot pass the available time: what is past 100 % is overtime
    assert util - 1.0 <= share + 1e-9
    [over] = [d for d in diagnose(result.frames, result.kpis, sc) if "more than all" in d.cause]
    assert over.cause.startswith("line staff are busy 101 % of their available time")
    assert f"work past the day's end, {100 * share:.1f} % of their available time" in over.cause
    assert "policies.overtime_max_min_per_day" in over.remedy
    assert "roles.agent.headcount" in over.remedy


def test_utilisations_definition_says_it_can_exceed_100_percent() -> None:
    [util] = [k for k in KPIS if k.name == "utilisation_line"]
    assert "can exceed 100 %" in util.definition
    assert "overtime" in util.definition


DESK = ROOT / "examples" / "contact_centre" / "desk.yaml"


def test_the_plans_header_and_verify_table_say_which_service_level() -> None:
    from typer.testing import CliRunner

    from teamsim.cli import app

    runner = CliRunner()
    short = ["--set", "calendar.horizon_days=15"]
    args = ["plan", str(DESK), "--verify", "--replications", "2", "--no-save", *short]
    result = runner.invoke(app, args, env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    # The header's 84.2 % is Monday 10:30-11:00's (docs/inbound.md), the table's the day's.
    assert "Calls 80.0 % within 20 s, expected 84.2 % (lowest interval)" in text
    assert "service level (whole day) ┃ expected (whole day)" in text
    # A desk alike all day (pausing together: a desk's default is the rota): its one level
    # is the whole day's; under its default rota, the lowest interval's.
    together = ["--set", "calendar.workday.pause_rule=together"]
    plain = runner.invoke(app, ["plan", str(SUPPORT), *together], env={"COLUMNS": "220"})
    assert "within 20 s, expected 81.7 % (whole day)" in " ".join(plain.stdout.split())
    rota = runner.invoke(app, ["plan", str(SUPPORT)], env={"COLUMNS": "220"})
    assert "within 20 s, expected 84.3 % (lowest interval)" in " ".join(rota.stdout.split())


def test_the_days_away_row_is_labelled_for_what_it_is() -> None:
    from optimizer import plan
    from teamsim.format import service_rows

    result = plan(load_scenario(DESK), marginals=False)
    [row] = service_rows(result)
    [line] = result.services
    # 17 on the roster for 12 seats and the pauses' x1.2: 17 / 14.4, not 1 / presence (1.12).
    assert line.days_away_gross_up == 17 / (12 * line.pause_gross_up)
    assert row["gross-up for days away and whole people"] == "x1.18"
    assert "gross-up for days away" not in row


def test_the_blocked_share_names_both_ways_of_being_turned_away() -> None:
    # M/M/c/K: a call is blocked when every line is busy or every waiting place taken.
    assert LABELS["inbound_blocked_share"] == (
        "Inbound blocked (all lines busy or waiting room full)"
    )


def _problems(override: str) -> list[str]:
    import pytest

    from sim import ScenarioError
    from sim.scenario import parse_scenario

    with pytest.raises(ScenarioError) as caught:
        parse_scenario(DESK.read_text(encoding="utf-8"), "desk.yaml", [override])
    return [f"{'.'.join(map(str, p.path))}: {p.message}" for p in caught.value.problems]


def test_a_patience_in_words_says_what_to_write() -> None:
    assert _problems("channels.calls.patience_min=two") == [
        "channels.calls.patience_min: expected a number of minutes (e.g. 2) or a "
        "distribution such as {kind: exponential, mean: 2} (kinds: fixed, exponential, "
        "lognormal, triangular, uniform), got 'two'"
    ]


def test_a_retrial_written_as_a_share_says_to_write_its_mapping() -> None:
    assert _problems("channels.calls.retrial=0.5") == [
        "channels.calls.retrial: expected {share: 0.3, delay_min: 10} (the share of the "
        "callers who hang up who call again, below 1, and the minutes before they do), "
        "got 0.5; for a share of 0.5 write {share: 0.5, delay_min: 10}"
    ]
    [words] = _problems("channels.calls.retrial=two")
    assert words.endswith("got 'two'") and "dictionary" not in words
