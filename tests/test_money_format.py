"""Money written by Babel in the scenario's currency and locale, one scale a set (issue 11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
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
    # Millions for 35.73M, three significant digits (35.7). 86,438 would read "$0.09M",
    # one digit, below the smallest step (0.1M) of the column's unit: its own scale,
    # three significant digits too.
    assert format_money_column([86_438, 35_730_000, None], "USD") == ["$86.4K", "$35.7M", "-"]
    assert money_scale([86_438, 35_730_000], "en_US") == MoneyScale(1_000_000, 1)
    # An amount that keeps the scale but is small in it gets two significant digits, and
    # the column shares its decimals: 0.26M beside 35.73M.
    assert format_money_column([260_000, 35_730_000], "USD") == ["$0.26M", "$35.73M"]


def test_one_amount_in_each_usual_locale() -> None:
    # RUB, like any currency without an English locale of its own, is written en_US: by
    # its code, parted from the digits by a no-break space (CLDR currencySpacing).
    assert format_money(35_730_000, "RUB") == f"RUB{NBSP}35.7M"
    assert format_money(35_730_000, "RUB", "ru_RU") == f"35,7{NBSP}млн{NBSP}₽"
    assert format_money(1_234_567, "GBP") == "£1.23m"  # en_GB
    assert format_money(999_999, "USD") == "$1M"  # rounded before the scale is chosen
    assert format_money(250, "CHF") == f"CHF{NBSP}250"  # any other currency: en_US
    assert format_money(-1_500, "USD", signed=True) == "-$1.5K"
    assert format_money(500_000, "EUR", signed=True) == "+€500K"
    assert format_money(float("nan"), "EUR") == "-"


def test_a_locale_without_compact_thousands_writes_them_in_full() -> None:
    # CLDR de_DE has no abbreviation for thousands: the full form, grouped, no cents.
    assert format_money_range(71_632, 100_000, "EUR", "de_DE") == (
        f"71.632{NBSP}€ to 100.000{NBSP}€"
    )
    assert fmt_value(2_500_000, "currency", "EUR", locale="de_DE") == f"2,5{NBSP}Mio.{NBSP}€"


def test_the_locale_field_defaults_to_english_by_currency_and_is_checked() -> None:
    # The terminal is English: RUB (the retail bank's currency) is written en_US unless
    # the scenario names ru_RU.
    text = RETAIL.read_bytes()
    assert parse_scenario(text, "r.yaml").money_locale == "en_US"
    assert parse_scenario(text, "r.yaml", ["locale=ru_RU"]).money_locale == "ru_RU"
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
    # en_US writes RUB by its code and a no-break space (a figure never breaks); mean, both
    # ends of the CI and P10/P50/P90 in millions (a zero, the CI's low end clamped at 0, in
    # full: "RUB 0")
    assert len(re.findall(rf"RUB{NBSP}(\d+(\.\d+)?M|0(?![\d.]))", revenue)) == 6
    # The attainment-by-month table too: the plan of 30 M RUB in en_US, no ru_RU "млн ₽".
    # The month by its name (teamsim.format.month_title, Babel).
    month = next(line for line in shown.output.splitlines() if line.startswith("│ Mar 2027"))
    # In one scale with the month's revenue beside it (issue 11, trial d): "RUB 30.0M".
    assert [c.strip() for c in month.split("│")][2] == f"RUB{NBSP}30.0M"
    assert "₽" not in shown.output


SIZES = (0, 1, 999, 1_000, 12_345, 999_999, 1_000_000, 35_730_000, 1e9)


@pytest.mark.parametrize(
    ("currency", "locale", "written"),
    [
        (
            "RUB",
            "ru_RU",
            [
                *("0 ₽", "1 ₽", "999 ₽", "1 тыс. ₽", "12,3 тыс. ₽"),
                *("1 млн ₽", "1 млн ₽", "35,7 млн ₽", "1 млрд ₽"),
            ],
        ),
        ("EUR", "en_IE", ["€0", "€1", "€999", "€1K", "€12.3K", "€1M", "€1M", "€35.7M", "€1B"]),
        ("USD", "en_US", ["$0", "$1", "$999", "$1K", "$12.3K", "$1M", "$1M", "$35.7M", "$1B"]),
    ],
)
def test_one_amount_at_every_size_from_zero_to_a_billion(
    currency: str, locale: str, written: list[str]
) -> None:
    shown = [format_money(v, currency, locale).replace(NBSP, " ") for v in SIZES]
    assert shown == written


@pytest.mark.parametrize(
    ("currency", "locale", "zero", "column"),
    [
        ("RUB", "ru_RU", "0 ₽", ["86,4 тыс. ₽", "35,7 млн ₽", "-2,0 млн ₽"]),
        ("RUB", "en_US", "RUB 0", ["RUB 86.4K", "RUB 35.7M", "-RUB 2.0M"]),
        ("EUR", "en_IE", "€0", ["€86.4K", "€35.7M", "-€2.0M"]),
        ("USD", "en_US", "$0", ["$86.4K", "$35.7M", "-$2.0M"]),
    ],
)
def test_a_zero_in_a_scaled_column_is_written_in_full(
    currency: str, locale: str, zero: str, column: list[str]
) -> None:
    # "RUB0M" before: it read as an amount rounded to zero millions. A zero is a zero:
    # the full form, with the column's currency sign where the locale puts it. The
    # millions share one decimal (35.7M, so -2.0M); 86,438, below 0.1M, its own scale.
    shown = format_money_column([0, 86_438, 35_730_000, -2e6], currency, locale)
    assert [s.replace(NBSP, " ") for s in shown] == [zero, *column]
    assert format_money_column([0.0, 0.0], currency, locale)[0].replace(NBSP, " ") == zero


def test_an_amount_the_columns_scale_would_round_away_takes_its_own_scale() -> None:
    # 1,500 in a scale of billions is not zero, nor "<€0.01B": below the smallest step
    # (0.1B) the scale writes, it is written in its own scale, whatever scale is passed.
    scale = money_scale([1_500, 2e9], "en_IE")
    assert scale == MoneyScale(1_000_000_000, 0)
    shown = [format_money(v, "EUR", "en_IE", scale=scale) for v in (0, 1_500, -1_500, 2e9)]
    assert shown == ["€0", "€1.5K", "-€1.5K", "€2B"]
    ru = money_scale([1_500, 2e9], "ru_RU")
    assert format_money(1_500, "RUB", "ru_RU", scale=ru).replace(NBSP, " ") == "1,5 тыс. ₽"
    # A column that spans so widely gives each amount its own scale (issue 11).
    assert format_money_column([0, 1_500, -1_500, 2e9], "EUR", "en_IE") == [
        "€0",
        "€1.5K",
        "-€1.5K",
        "€2B",
    ]


TITLES = ("Head of direct sales", "Sales supervisor", "Client manager")


def test_plan_writes_its_money_in_the_scenario_locale() -> None:
    # The plan's tables, card or not: roles' cost a month in one scale, the header, and
    # one more / one fewer person as a change of cost (retail bank, en_US).
    args = ["plan", str(RETAIL), "--set", "locale=en_US"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # (issue 11, trial e: the header keeps three significant digits, as with --verify)
    money = f"plan RUB{NBSP}30.0M; expected revenue RUB{NBSP}30.0M, team cost RUB{NBSP}1.42M"
    assert any(money in x for x in lines)
    # The roles table comes first (the card's quota table names the roles too).
    cost: dict[str, str] = {}
    for c in (x.split("│") for x in lines):
        if len(c) > 6 and c[1].strip() in TITLES:
            cost.setdefault(c[1].strip(), c[5].strip())
    # Roles by their titles (issue 11).
    costs = (f"RUB{NBSP}260K", f"RUB{NBSP}300K", f"RUB{NBSP}855K")
    assert cost == dict(zip(TITLES, costs, strict=True))
    assert any(f"│ +RUB{NBSP}150K │" in x.replace("   ", " ").replace("  ", " ") for x in lines)
    assert "₽" not in result.output


def test_sweep_money_columns_are_in_the_scenario_locale_and_one_scale() -> None:
    from teamsim.commands.sweep import summary_table
    from teamsim.grid import parse_axis

    summary = pd.DataFrame(
        {
            "policies.call_quota_per_day": ["20", "40"],
            "revenue_per_month": [0.0, 35_730_000.0],
            "attainment": [0.0, 1.19],
            "cost_per_month": [86_438.0, 1_890_000.0],
            "utilisation_line": [0.5, 0.8],
            "dials_per_caller_day": [20.0, 31.4],
            "p_plan_met": [0.0, 1.0],
            "p_low": [0.0, 0.34],
            "p_high": [0.66, 1.0],
        }
    )
    table = summary_table(
        summary, [parse_axis("policies.call_quota_per_day=20,40")], "EUR", "en_IE"
    )
    columns = table.columns  # a Grid: header -> cells
    assert columns["revenue a month"] == ["€0", "€35.7M"]
    # 86,438 is below 0.1M, the smallest step of the column's millions: its own scale.
    assert columns["cost a month"] == ["€86.4K", "€1.89M"]
