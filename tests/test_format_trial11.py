"""Issue 11, a fresh user's trial: one number style per output, digits by one rule, no
figure cut at 80 columns."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from sim.scenario import parse_scenario
from teamsim.cli import app
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.format import fmt_value, format_money, format_money_column, format_money_range

RETAIL = Path("scenarios/retail_bank.yaml")
NBSP = "\xa0"
# A line that ends inside a figure: a number, its unit on the next line ("163.3 / %",
# "RUB / 1.33M", "1.33 / M").
CUT = re.compile(
    r"(\d[\d.,]*\s*│?\s*\n[│ ]*(%|pp\b|min\b|days\b(?! present)|[KMB]\b|₽|млн|тыс))|RUB\s*\n"
)


def _plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_rub_is_written_in_english_by_default_and_in_a_named_locale_if_asked() -> None:
    text = RETAIL.read_bytes()
    assert parse_scenario(text, "r.yaml").money_locale == "en_US"
    assert format_money(1_330_000, "RUB") == f"RUB{NBSP}1.33M"  # a no-break space
    ru = parse_scenario(text, "r.yaml", ["locale=ru_RU"]).money_locale
    assert _plain(format_money(1_330_000, "RUB", ru)) == "1,33 млн ₽"


def test_a_set_shares_its_decimals_and_small_amounts_read() -> None:
    # "€4.6M" beside "€2.76M" before: one number of decimals in a set.
    assert format_money_column([4_600_000, 2_760_000], "EUR") == ["€4.60M", "€2.76M"]
    assert _plain(format_money_column([300_000, 260_000], "RUB", "ru_RU")[0]) == "300 тыс. ₽"
    assert format_money_column([3e6, 2e6], "EUR") == ["€3M", "€2M"]  # zeros in all go
    # RUB 35K among millions: its own scale, not "RUB 0.03M"; amounts of one own scale
    # share their decimals; below a thousand in full.
    shown = format_money_column([1_330_000, 34_700, 12_000, 370, 0], "RUB")
    assert [_plain(s) for s in shown] == [
        "RUB 1.33M",
        "RUB 34.7K",
        "RUB 12.0K",
        "RUB 370",
        "RUB 0",
    ]
    # "budget of 100 ₽ ... (0,1 тыс. ₽ -> 980 тыс. ₽)" before.
    assert _plain(format_money_range(100, 980_000, "RUB", joiner=" -> ")) == ("RUB 100 -> RUB 980K")
    assert format_money(370, "EUR") == "€370"


def test_validate_summary_writes_rub_as_every_other_report() -> None:
    result = CliRunner().invoke(app, ["validate", str(RETAIL), "--summary"])
    assert result.exit_code == 0, result.output
    assert "RUB 260K" in _plain(result.output)
    assert not re.search(r"\d RUB\b", _plain(result.output))  # no "260,000 RUB"


def test_rich_keeps_a_figure_whole_at_the_end_of_a_line() -> None:
    console = Console(width=24, record=True, color_system=None)
    console.print(f"planned with a margin of +23 % and RUB{NBSP}34.6M to RUB{NBSP}41.4M")
    text = console.export_text()
    assert "+23 %" in text and f"RUB{NBSP}41.4M" in text
    assert not CUT.search(text), text


def test_a_grid_never_shortens_a_header() -> None:
    grid = Grid(title="t", key="role", columns={"utilisation of the line": [], "x": []})
    grid.add_row("Client manager", ["81.7 %", "1"])
    console = Console(width=30, record=True, color_system=None)
    console.print(FittedGrid(grid))
    text = console.export_text()
    assert "…" not in text
    assert "utilisation" in text


def test_compare_at_80_columns_cuts_no_figure_and_no_header(tmp_path: Path) -> None:
    variant = tmp_path / "bank18.yaml"
    variant.write_text(
        RETAIL.read_text().replace("current: 14, min: 6", "current: 18, min: 6"),
        encoding="utf-8",
    )
    args = ["compare", str(RETAIL), str(variant), "-n", "2", "--no-save", "--workers", "1"]
    args += ["--set", "calendar.horizon_days=60"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert not CUT.search(result.stdout), result.stdout
    assert "…" not in result.stdout
    assert "people," in result.stdout  # "headcou…" before


def test_simulate_at_80_columns_cuts_no_figure() -> None:
    args = ["simulate", str(RETAIL), "-n", "2", "--workers", "1", "--no-save"]
    args += ["--set", "calendar.horizon_days=60"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert not CUT.search(result.stdout), result.stdout
    assert "₽" not in result.stdout  # one style: English, by the currency's code
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_fmt_value_money_goes_through_sim_money() -> None:
    assert fmt_value(2_500_000, "currency", "EUR", locale="de_DE") == f"2,5{NBSP}Mio.{NBSP}€"


def test_runs_list_takes_one_or_two_lines_a_run_at_80_columns() -> None:
    import pandas as pd

    from teamsim.commands.runs import runs_table

    runs = pd.DataFrame(
        {
            "run_id": ["r20261201-034708-8ab2", "r20261201-034709-8ab3"],
            "kind": ["simulate", "sweep-point"],
            "status": ["complete", "complete"],
            "scenario_name": ["Retail bank, direct sales unit"] * 2,
            "label": ["", "roles.client_manager.headcount.current=18"],
            "seed": [20261128, 5],
            "replications": [20, 2],
        }
    )
    console = Console(width=80, record=True, color_system=None)
    console.print(runs_table(runs, "s.duckdb", 80))
    lines = [x.rstrip() for x in console.export_text().splitlines()]
    first = lines.index(next(x for x in lines if "r20261201-034708" in x))
    second = lines.index(next(x for x in lines if "r20261201-034709" in x))
    assert second - first == 1  # one line for the first run
    # the name, then the label wrapped after its separators
    assert len([x for x in lines[second:] if x.strip()]) <= 3
    shown = "\n".join(lines[second:])
    assert "client_manager." in shown and "current=18" in shown  # identifiers whole
    assert "20261128" in lines[first]  # the seed column kept
