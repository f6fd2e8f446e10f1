"""Money written by Babel in the scenario's currency and locale, one scale a set (issue 11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import ScenarioError
from sim.scenario import parse_scenario
from teamsim.cli import app
from teamsim.format import (
    MoneyScale,
    fmt_value,
    format_money,
    format_money_column,
    format_money_range,
    money_scale,
)

RETAIL = Path("scenarios/retail_bank.yaml")
NBSP = "\xa0"


def test_the_interval_of_the_issue_is_in_one_scale() -> None:
    # "71,632 EUR to 0.10 M EUR" before: now thousands on both ends (EUR: en_IE).
    assert format_money_range(71_632, 100_000, "EUR") == "€72K to €100K"
    # "86,438 EUR" above "0.10 M EUR" before.
    assert format_money_column([86_438, 100_000], "EUR") == ["€86K", "€100K"]


def test_a_column_takes_the_scale_of_its_largest_amount() -> None:
    # Millions for 35.73M; 86,438 keeps two significant digits: 0.086 -> 0.09.
    assert format_money_column([86_438, 35_730_000, None], "USD") == ["$0.09M", "$35.73M", "-"]
    assert money_scale([86_438, 35_730_000], "en_US") == MoneyScale(1_000_000, 2)


def test_one_amount_in_each_usual_locale() -> None:
    assert format_money(35_730_000, "RUB") == f"35,7{NBSP}млн{NBSP}₽"  # ru_RU
    assert format_money(1_234_567, "GBP") == "£1.23m"  # en_GB
    assert format_money(999_999, "USD") == "$1M"  # rounded before the scale is chosen
    assert format_money(250, "CHF") == "CHF250"  # any other currency: en_US
    assert format_money(-1_500, "USD", signed=True) == "-$1.5K"
    assert format_money(500_000, "EUR", signed=True) == "+€500K"
    assert format_money(float("nan"), "EUR") == "-"


def test_a_locale_without_compact_thousands_writes_them_in_full() -> None:
    # CLDR de_DE has no abbreviation for thousands: the full form, grouped, no cents.
    assert format_money_range(71_632, 100_000, "EUR", "de_DE") == (
        f"71.632{NBSP}€ to 100.000{NBSP}€"
    )
    assert fmt_value(2_500_000, "currency", "EUR", locale="de_DE") == f"2,5{NBSP}Mio.{NBSP}€"


def test_the_locale_field_defaults_by_currency_and_is_checked() -> None:
    text = RETAIL.read_bytes()
    assert parse_scenario(text, "r.yaml").money_locale == "ru_RU"
    assert parse_scenario(text, "r.yaml", ["currency=EUR"]).money_locale == "en_IE"
    assert parse_scenario(text, "r.yaml", ["locale=en_US"]).money_locale == "en_US"
    with pytest.raises(ScenarioError) as bad:
        parse_scenario(text, "r.yaml", ["locale=xx_YY"])
    assert "locale" in str(bad.value)
    assert "unknown locale 'xx_YY': write a CLDR locale such as ru_RU" in str(bad.value)


def test_validate_names_the_field_and_exits_2() -> None:
    result = CliRunner().invoke(app, ["validate", str(RETAIL), "--set", "locale=de-DE"])
    assert result.exit_code == 2
    assert "locale: unknown locale 'de-DE'" in result.output
    assert "Traceback" not in result.output


def test_simulate_writes_money_in_the_scenario_locale_and_dials_by_role() -> None:
    args = ["simulate", str(RETAIL), "-n", "2", "--workers", "1", "--no-save"]
    args += ["--set", "calendar.horizon_days=60", "--set", "locale=en_US"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    roles = {r["role"]: r for r in doc["dials_by_role"]}
    assert set(roles) == {"supervisor", "client_manager"}
    # Over the days dialled, the client managers dial more than the headline mixes.
    headline = {k["kpi"]: k["mean"] for k in doc["kpis"]}["dials_per_caller_day"]
    assert roles["client_manager"]["dials_per_day_dialled"] > headline
    assert all(set(d) == {"cause", "remedy"} for d in doc["diagnoses"])
    shown = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
    assert "Dials a day by role, over the days each person dialled" in shown.output
    assert "Approval wait (mean, minutes)" in shown.output
    revenue = next(line for line in shown.output.splitlines() if "Revenue a month" in line)
    # en_US writes RUB by its code; mean, both ends of the CI and P10/P50/P90 in millions
    assert len(re.findall(r"RUB\d+(\.\d+)?M", revenue)) == 6
    # The attainment-by-month table too: the plan of 30 M RUB in en_US, no ru_RU "млн ₽".
    month = next(line for line in shown.output.splitlines() if line.startswith("│ 2027-03"))
    assert [c.strip() for c in month.split("│")][2] == "RUB30M"
    assert "₽" not in shown.output
