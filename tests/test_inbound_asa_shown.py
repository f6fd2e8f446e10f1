"""Simulate's speed of answer as a desk states it (issue 13, fresh-user trial).

"Inbound speed of answer" was printed in minutes with one decimal ("0.0"): nothing to
compare with an Erlang calculator's 13 s. Now each figure carries its unit,
``sim.format_answer_time``'s rule: seconds below a minute.
"""

from __future__ import annotations

from rich.console import Console

from sim import simulate
from teamsim.commands.simulate import kpi_table_of
from teamsim.io import load_scenario

DESK = "scenarios/support_desk.yaml"
TOGETHER = ("calendar.workday.pause_rule=together",)


def test_simulates_speed_of_answer_reads_in_seconds_below_a_minute() -> None:
    sc = load_scenario(DESK, (*TOGETHER, "calendar.horizon_days=25"))
    kpis = simulate(sc, 2, 3, workers=1).kpis.copy()
    at = kpis.index[kpis["kpi"] == "inbound_asa_min"]
    stats = ["mean", "ci_low", "ci_high", "p10", "p50", "p90"]
    kpis.loc[at, stats] = [0.5, 0.4, 1.5, 0.45, 0.5, 0.55]
    console = Console(width=200, record=True)
    console.print(kpi_table_of(kpis, sc, 200))
    [row] = [line for line in console.export_text().splitlines() if "speed of answer" in line]
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert cells == [
        "Inbound speed of answer, same day (mean)",
        "30 s", "24 s to 1.5 min", "27 s", "30 s", "33 s",
    ]  # fmt: skip
