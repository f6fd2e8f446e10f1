"""Every figure a person reads in the scenario's locale, by Babel, from one place (issue 11).

A scenario with ``locale: ru_RU`` printed "30,0 млн ₽" beside "100.0 %" and "38.7": the
money followed the locale and nothing else did. Percents and plain figures are now
written by ``sim.format_number`` / ``sim.format_percent`` (Babel's CLDR patterns) in the
locale money is written in (``Scenario.money_locale``); calendar months by
``teamsim.format.month_title`` (Babel's ``yMMM`` skeleton); a limit's marginal value in
money by ``sim.money`` like every amount. JSON keeps plain numbers and "YYYY-MM".

The expected strings are Babel 2.19's CLDR output, looked up with the library: ru_RU and
de_DE part the percent sign with a no-break space (U+00A0) and group thousands with a
no-break space (ru_RU) or a full stop (de_DE).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import format_money, format_money_column, format_number, format_percent
from teamsim.cli import app
from teamsim.format import fmt_count, fmt_minutes, fmt_value, month_title

RETAIL = Path("scenarios/retail_bank.yaml")
NBSP = "\xa0"
SIMULATE = ["simulate", str(RETAIL), "-n", "2", "--workers", "1", "--no-save"]
SHORT = ["--set", "calendar.horizon_days=60"]


@pytest.mark.parametrize(
    ("locale", "percent", "large", "figure", "grouped"),
    [
        (None, "83.3 %", "1,234.5 %", "38.7", "2,315.5"),
        ("en_US", "83.3 %", "1,234.5 %", "38.7", "2,315.5"),
        ("en_GB", "83.3 %", "1,234.5 %", "38.7", "2,315.5"),
        ("ru_RU", f"83,3{NBSP}%", f"1{NBSP}234,5{NBSP}%", "38,7", f"2{NBSP}315,5"),
        ("de_DE", f"83,3{NBSP}%", f"1.234,5{NBSP}%", "38,7", "2.315,5"),
    ],
)
def test_percents_and_figures_follow_the_locale(
    locale: str | None, percent: str, large: str, figure: str, grouped: str
) -> None:
    assert format_percent(0.833, locale=locale) == percent
    assert format_percent(12.345, locale=locale) == large
    assert format_number(38.7, locale=locale) == figure
    assert format_number(2315.46, locale=locale) == grouped
    # The one entry of the front ends, and its units kept in words.
    assert fmt_value(0.833, "share", "RUB", locale=locale) == percent
    assert fmt_value(38.72, "", "RUB", locale=locale) == figure
    assert fmt_minutes(3 * 1440, locale=locale) == f"{format_number(3.0, locale=locale)} days"


def test_the_english_default_is_what_it_was() -> None:
    # ISO 80000's space before the sign where CLDR English writes none ("83%").
    assert format_percent(1.0) == "100.0 %"
    assert format_percent(0.19, digits=0, signed=True) == "+19 %"
    assert format_percent(-0.0004) == "0.0 %"  # no "-0.0 %"
    assert format_percent(0.0964, significant=3) == "9.64 %"
    assert fmt_value(-0.04, "", "RUB", signed=True) == "0.0"
    assert fmt_value(1.5, "", "RUB", signed=True) == "+1.5"
    assert fmt_count(2315.2) == "2,315"
    assert fmt_count(4.644) == "4.64"


def test_signs_and_zero_in_a_comma_locale() -> None:
    assert format_percent(0.19, digits=0, signed=True, locale="ru_RU") == f"+19{NBSP}%"
    assert format_percent(-0.25, locale="de_DE") == f"-25,0{NBSP}%"
    assert format_number(-0.04, signed=True, locale="de_DE") == "0,0"
    assert fmt_count(2315.2, "ru_RU") == f"2{NBSP}315"
    assert fmt_count(48.35, "de_DE") == "48,4"


@pytest.mark.parametrize(
    ("locale", "short", "wide"),
    [
        (None, "Apr 2027", "April 2027"),
        ("en_US", "Apr 2027", "April 2027"),
        ("en_GB", "Apr 2027", "April 2027"),
        ("ru_RU", f"апр. 2027{NBSP}г.", f"апрель 2027{NBSP}г."),
        ("de_DE", "Apr. 2027", "April 2027"),
    ],
)
def test_a_month_is_named_by_babel(locale: str | None, short: str, wide: str) -> None:
    # Babel writes ru_RU's "г." after a narrow no-break space; a terminal counts a plain
    # no-break space right, so it is one.
    assert month_title("2027-04", locale) == short
    assert month_title("2027-04", locale, wide=True) == wide


def _cells(output: str, starts: str) -> list[str]:
    line = next(x for x in output.splitlines() if x.startswith(starts))
    return [c.strip() for c in line.split("│")[1:-1]]


def _simulate(locale: str) -> tuple[dict[str, object], str]:
    args = [*SIMULATE, *SHORT, "--set", f"locale={locale}"]
    doc = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    shown = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    return doc, shown.output


def test_simulate_in_ru_ru_writes_every_table_in_the_locale() -> None:
    doc, output = _simulate("ru_RU")
    kpis = {str(k["kpi"]): k for k in doc["kpis"]}  # type: ignore[attr-defined]
    # JSON stays plain numbers and YYYY-MM.
    attainment = kpis["attainment"]
    assert isinstance(attainment["mean"], float)
    month = doc["attainment_by_month"][0]  # type: ignore[index]
    assert month["label"] == "2027-03"
    # The KPI table: the share's figure (its label says %) with a decimal comma.
    row = _cells(output, "│ Plan attainment")
    assert row[1] == format_number(100 * attainment["mean"], locale="ru_RU")
    assert re.fullmatch(r"\d+,\d", row[1])
    assert not any(re.search(r"\d\.\d", c) for c in row[1:])
    dials = _cells(output, "│ Dials a day per person who dials")
    assert re.fullmatch(r"\d+,\d", dials[1])
    # The month table: the month by its name, shares with the comma and U+00A0 before %.
    cells = _cells(output, "│ март 2027")
    assert cells[0] == f"март 2027{NBSP}г."
    assert cells[1] == f"30,0{NBSP}млн{NBSP}₽"
    assert cells[3] == format_percent(month["attainment"], locale="ru_RU")
    assert f"P(plan met): {format_percent(1.0, locale='ru_RU')}" in output
    # Dials by role: the days dialled in whole percent, the dials with the comma.
    manager = _cells(output, "│ Client manager (line)")
    assert manager[2].endswith(f"{NBSP}%")
    assert re.fullmatch(r"\d+,\d", manager[3])
    assert "2027-03" not in output
    # The diagnoses' figures too (sim.diagnose): hours with the comma, whole percents.
    causes = " ".join(str(d["cause"]) for d in doc["diagnoses"])  # type: ignore[attr-defined]
    assert re.search(r"wait \d+,\d h on average", causes)
    assert re.search(r"busy \d+\xa0% of", causes)
    assert not re.search(r"\d\.\d h|\d %", causes)


def test_simulate_in_english_names_its_months_and_keeps_its_figures() -> None:
    doc, output = _simulate("en_US")
    month = doc["attainment_by_month"][0]  # type: ignore[index]
    cells = _cells(output, "│ Mar 2027")
    assert cells[1] == f"RUB{NBSP}30.0M"
    assert cells[3] == format_percent(month["attainment"])
    assert re.fullmatch(r"\d+\.\d %", cells[3])
    row = _cells(output, "│ Plan attainment")
    assert re.fullmatch(r"\d+\.\d", row[1])


def _plan(locale: str | None, *more: str) -> tuple[dict[str, object], str]:
    args = ["plan", str(RETAIL), *more]
    if locale:
        args += ["--set", f"locale={locale}"]
    doc = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    shown = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    return doc, shown.output


def test_plan_in_de_de_writes_the_roles_card_and_channels_in_the_locale() -> None:
    doc, output = _plan("de_DE")
    manager = next(r for r in doc["roles"] if r["role"] == "client_manager")  # type: ignore[attr-defined]
    cells = _cells(output, "│ Client manager ")
    assert cells[4] == format_money(manager["cost_per_month"], "RUB", "de_DE")
    assert cells[5] == format_number(manager["hours_per_week"], locale="de_DE")
    assert cells[6] == format_percent(manager["utilisation"], digits=0, locale="de_DE")
    assert re.fullmatch(r"\d+,\d", cells[5])
    # The card's arithmetic: counts and shares with the decimal comma.
    assert re.search(r"= won deals \d+,\d+ / won per deal entering \d+,\d\xa0%", output)
    # The channels: thousands grouped with a full stop.
    assert re.search(r"│ \d\.\d{3} │", output.replace("  ", " "))


def test_marginal_values_are_written_as_money_in_the_locale() -> None:
    # A further dial a day, hour or contact is worth money: sim.money writes it (one
    # scale for the column), then its unit in words, "a month per extra dial a day".
    for locale in ("ru_RU", "en_GB", None):
        doc, output = _plan(locale, "--mode", "allocation")
        limits = doc["limits"]
        money = [lim["marginal"] for lim in limits]  # type: ignore[attr-defined]
        written = format_money_column(money, "RUB", locale)
        for lim, amount in zip(limits, written, strict=True):  # type: ignore[call-overload]
            per = str(lim["marginal_unit"]).removeprefix("RUB/month")
            assert f" {amount} a month{per} │" in output, (amount, per)
        assert "RUB/month per extra" not in output
    # JSON keeps the number and its unit apart, as before.
    assert isinstance(limits[0]["marginal"], float)
    assert limits[0]["marginal_unit"] == "RUB/month per extra dial a day"


def test_the_english_plan_keeps_its_figures() -> None:
    _doc, output = _plan(None)
    row = r"│ Client manager +│ +line │ +9 │ +14 │ +RUB\xa0855K │ +27\.5 │ +83 % │ +18\.2 │"
    assert re.search(row, output)
    assert "Expected attainment 100.0 % of plan" in output
    assert "21.4 working days a month, 4.92 a week" in output


def test_compare_in_ru_ru_writes_its_shares_and_chances_in_the_locale() -> None:
    # compare's KPI differences (points), Team and plan's P(plan met) and the chances
    # table read the scenario's locale as simulate's do: no "83.3 %" beside "42,8 млн ₽".
    args = ["compare", str(RETAIL), str(RETAIL), "-n", "2", "--workers", "1", *SHORT]
    shown = CliRunner().invoke(
        app, [*args, "--set", "locale=ru_RU", "--no-save"], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.output
    win = _cells(shown.output, "│ Win rate (won / closed)")
    assert re.fullmatch(rf"\d+,\d{NBSP}%", win[1]), win
    assert win[3].startswith("0,0"), win  # the same run twice: no difference
    side = _cells(shown.output, "│ retail_bank ")
    assert re.fullmatch(rf"\d+,\d{NBSP}%", side[-1]), side
    tables = shown.output.split("Team and plan", 1)[1]
    assert not re.search(r"\d\.\d\s?%", tables), tables
