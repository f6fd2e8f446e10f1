"""Issue 12 (trial): ``teamsim validate --summary`` shows the staffing a scenario states.

Per role, where given: the people in seat with a start date (and how many of them are
still on the ramp on calendar.start), the joiners and their dates, the planned leavers,
attrition (the rate a year, the time to fill), the ramp (the month of full output), the
handover; the seasonal factors other than 1 and the segments' gross margins. A scenario
that states none of them shows none of them.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from teamsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
GROWTH = ROOT / "scenarios" / "retail_bank_growth.yaml"
runner = CliRunner()

CM = "roles.client_manager"
NB = "\xa0"  # Babel's no-break space (sim.months, sim.percent)
# retail_bank_growth: 21.58 working days a month (calendar.working_days_per_month). On
# calendar.start (2027-01-11), 2026-12-01 is 29 working days back (tenure month 2, 50 %),
# 2026-10-15 62 days (2.87 months: month 3, 75 %), 2026-10-01 72 days (3.34 months: month
# 4, full), 2025-01-01 two years: 2 of the 4 dated people are still on the ramp.
STATED = [
    f"{CM}.staff=[{{start: 2026-12-01}}, {{start: 2025-01-01, leaves: 2027-06-30}}, "
    "{start: 2026-10-15}, {start: 2026-10-01, successor: supervisor}]",
    f"{CM}.joiners=[{{start: 2027-03-01}}, {{start: 2027-04-01, count: 2, leaves: 2027-10-29}}]",
    f"{CM}.handover=supervisor",
    "seasonality={lead_volume: [1, 1, 1, 1, 1, 1, 0.8, 0.7, 1, 1, 1, 1.2], connect_rate: 0.9}",
    "segments.consumer_loan.gross_margin=0.4",
    "segments.payroll_project.gross_margin=0.375",
]
ATTRITION = (
    "    attrition: 20 % a year; a seat stays empty 42 calendar days before its replacement starts"
)
RAMP = "    ramp: full output from month 4 of tenure (25 %, 50 %, 75 % before)"
NEW = ("Staffing", "Seasonality", "Gross margin", "attrition:", "ramp:", "joiners:")


def _summary(path: Path, *sets: str) -> list[str]:
    args = ["validate", str(path), "--summary"]
    for text in sets:
        args += ["--set", text]
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    return [line.rstrip() for line in result.stdout.splitlines()]


def _after(lines: list[str], first: str, count: int) -> list[str]:
    at = lines.index(first)
    return lines[at : at + count]


def test_the_growth_scenario_shows_its_attrition_and_ramp_under_the_team() -> None:
    lines = _summary(GROWTH)
    team_end = next(i for i, line in enumerate(lines) if line.startswith("└"))
    assert lines[team_end + 1 : team_end + 5] == ["Staffing", "  Client manager", ATTRITION, RAMP]
    assert lines[team_end + 5].startswith("Channels")
    # Only the client managers state any: the others' rows are not shown.
    assert sum(line.startswith("  ") and not line.startswith("    ") for line in lines) == 1
    assert not [line for line in lines if line.startswith(("Seasonality", "Gross margin"))]


def test_every_staffing_field_stated_is_shown() -> None:
    lines = _summary(GROWTH, *STATED)
    assert _after(lines, "Staffing", 8) == [
        "Staffing",
        "  Client manager",
        "    in seat with a start date: 4 of 8, 2 still on the ramp on January 11, 2027",
        "    joiners: 3 (1 on March 1, 2027; 2 on April 1, 2027)",
        "    planned leavers: 3 (Client manager 2 on June 30, 2027; Client manager 10 on "
        "October 29, 2027; Client manager 11 on October 29, 2027)",
        ATTRITION,
        RAMP,
        "    handover: a leaver's open deals go to Sales supervisor",
    ]
    # Twelve factors by calendar month, read for the horizon's months (Jan 2027 to Jan
    # 2028: January's 1 twice); one factor is every month's.
    assert (
        "Seasonality (factors other than 1): lead volume Jul 2027 x0.8, Aug 2027 x0.7, "
        "Dec 2027 x1.2; connect rate every month x0.9"
    ) in lines
    assert "Gross margin: Consumer loans 40 %, Payroll projects 37.5 %" in lines
    order = [next(i for i, line in enumerate(lines) if line.startswith(w)) for w in NEW[:3]]
    assert order == sorted(order)


def test_the_staffing_reads_in_the_scenarios_locale() -> None:
    lines = _summary(GROWTH, "locale=ru_RU", *STATED)
    year = f"2027{NB}г."
    assert (
        f"    in seat with a start date: 4 of 8, 2 still on the ramp on 11 января {year}"
    ) in lines
    assert f"    joiners: 3 (1 on 1 марта {year}; 2 on 1 апреля {year})" in lines
    assert (
        f"Seasonality (factors other than 1): lead volume июль {year} x0,8, авг. {year} "
        f"x0,7, дек. {year} x1,2; connect rate every month x0,9"
    ) in lines
    assert f"Gross margin: Consumer loans 40{NB}%, Payroll projects 37,5{NB}%" in lines


def test_factors_of_1_and_a_role_with_only_a_ramp_show_nothing() -> None:
    lines = _summary(
        GROWTH,
        "seasonality={lead_volume: 1, client_delay: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}",
        f"{CM}.attrition=null",
    )
    assert not [line for line in lines if line.strip().startswith(NEW)]


def test_scenarios_that_state_none_of_it_show_none_of_it() -> None:
    for name in ("b2b_smb", "retail_bank", "b2g_tenders", "auto_credit_partners"):
        lines = _summary(ROOT / "scenarios" / f"{name}.yaml")
        assert not [line for line in lines if line.strip().startswith(NEW)], name
        # b2b_smb's roles have ramps (with the older new_hires_per_year): not shown alone.
        assert [line for line in lines if line.startswith(("Team", "Channels", "Segments"))]
