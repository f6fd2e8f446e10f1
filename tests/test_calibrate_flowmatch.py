"""A cold list's lead flow from a deals export alone, matched by simulation.

The round-trip scenario's SDRs dial a cold list at a 10 % connect rate. The team's
records are its simulated export, deals only; the base scenario believes the list
connects at 3 %. Without activities nothing measures the dials, so the calibration
scales the list's booking rate until the simulated team books as many leads a month as
the records show.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from calibrate import backtest_scenario
from calibrate.flowmatch import observed_leads, simulated_leads_a_month
from sim import simulate
from teamsim.calibration import CalibrateRequest, calibrate_files
from teamsim.cli import app

SCENARIO = Path(__file__).resolve().parent / "data" / "roundtrip.yaml"

pytestmark = pytest.mark.xdist_group("calibrate_flowmatch")


@pytest.mark.slow
def test_a_cold_list_books_as_many_leads_as_the_records(tmp_path: Path) -> None:
    crm = tmp_path / "crm"
    args = ["simulate", str(SCENARIO), "-n", "1", "--workers", "1", "--no-save"]
    result = CliRunner().invoke(app, [*args, "--export-crm", str(crm)])
    assert result.exit_code == 0, result.output
    wrong = tmp_path / "believed.yaml"
    text = SCENARIO.read_text(encoding="utf-8")
    assert "    connect_rate: 0.1\n" in text
    wrong.write_text(text.replace("    connect_rate: 0.1\n", "    connect_rate: 0.03\n"))
    request = CalibrateRequest(
        out_path=tmp_path / "calibrated.yaml", deals=crm / "deals.csv", base=wrong, workers=1
    )
    outcome = calibrate_files(request)
    matched = [f for f in outcome.calibration.fits if f.path == ("channels", "cold_list",
               "lead_given_conversation")]  # fmt: skip
    assert len(matched) == 1 and matched[0].note.startswith("matched: ")
    assert " deals a month simulated at a booking rate of " in matched[0].note
    assert "(the simulated scenario's channels.cold_list.lead_given_conversation: leads a" in (
        matched[0].note
    )
    # The list connects at a third of the truth, so the booking rate must rise about
    # threefold over the scenario's (0.33 in calls) to bring in the records' leads.
    assert matched[0].value > 0.6
    count, months = observed_leads(outcome.records, "cold_list")
    placed = backtest_scenario(outcome.scenario, outcome.calibration.period)
    run = simulate(placed, 3, seed=99, workers=1)
    simulated = simulated_leads_a_month(run, "cold_list")
    assert count > 200
    assert abs(simulated / (count / months) - 1.0) < 0.12, (simulated, count / months)
