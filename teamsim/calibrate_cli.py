"""What ``teamsim calibrate`` prints: problems, fits, what was kept, the report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.markup import escape
from rich.text import Text

from calibrate import Records, counted
from sim import TeamsimError
from teamsim.calibrate_view import (
    plan_source,
    print_fits,
    print_kept,
    print_report,
    write_excel,
)
from teamsim.calibrate_view import print_problems as print_view_problems
from teamsim.calibration import (
    CalibrateRequest,
    CalibrationOutcome,
    calibrate_files,
    write_text,
)
from teamsim.console import err, out, user_errors
from teamsim.figure_tables import show
from teamsim.plan_met_view import FEW_REPLICATIONS
from teamsim.progress import replication_progress

__all__ = [
    "backtest_warning",
    "check_outputs",
    "print_problems",
    "print_summary",
    "run_calibration",
]
# The scenario is YAML whatever -o says: another suffix (.xlsx, .json) would mislead
# whoever opens it next.
SCENARIO_SUFFIXES = (".yaml", ".yml")


def print_problems(records: Records) -> None:
    """Rows not used, warnings and notes, on stderr: one line per kind, then a count."""
    print_view_problems(err, records.problems)
    dropped = {k: v for k, v in records.dropped.items() if v}
    if dropped:
        text = ", ".join(f"{counted(v, k + ' row')}" for k, v in dropped.items())
        err.print(f"not used: {text} (the fits rest on the other rows)")


def print_summary(outcome: CalibrationOutcome, out_path: Path) -> None:
    """The fits, then what was kept and what could not be written, then where it went."""
    cal = outcome.calibration
    sc = outcome.scenario
    print_fits(out, cal, currency=sc.currency, locale=sc.money_locale)
    print_kept(out, cal)
    for item in cal.unwritten:
        show(out, Text(f"not written: {item.why}: {item.what}: {item.fit}"))
    out.print(
        f"[green]wrote[/] {escape(str(out_path))}: {counted(len(cal.fits), 'value')} fitted from "
        f"{cal.period_words()}; check it with: teamsim validate {out_path}",
        soft_wrap=True,
    )


def backtest_warning(replications: int) -> str | None:
    """A warning when the back-test's bands rest on fewer than 20 replications, else None.

    The rule of ``teamsim simulate``'s P(plan met) (teamsim.plan_met_view.FEW_REPLICATIONS):
    below it the band is a few values apart, so a month inside or outside it says
    little.
    """
    if replications >= FEW_REPLICATIONS:
        return None
    return (
        f"the back-test's bands rest on {counted(replications, 'replication')}: "
        f"they are wide and uncertain; run {FEW_REPLICATIONS} or more (--replications) to "
        "read the months inside them as a number"
    )


def check_outputs(request: CalibrateRequest, keep: list[Path]) -> None:
    """Refuse, before any work, outputs that would overwrite an input or each other.

    Also a scenario name not ending in .yaml or .yml (a ``-o team.xlsx`` meant for the
    workbook would get YAML in a file Excel cannot open).
    """
    assert request.out_path is not None
    inputs = {p.resolve() for p in keep}
    if request.out_path.resolve() in inputs:
        raise TeamsimError(f"-o {request.out_path}: is one of the inputs; choose another file")
    suffix = request.out_path.suffix.lower()
    if suffix not in SCENARIO_SUFFIXES:
        hint = f" (the workbook is --excel {request.out_path})" if suffix == ".xlsx" else ""
        raise TeamsimError(
            f"-o {request.out_path}: the scenario is written as YAML; name it .yaml{hint}"
        )
    if request.excel is not None:
        if request.excel.suffix.lower() != ".xlsx":
            raise TeamsimError(f"--excel {request.excel}: expected a .xlsx file name")
        if request.excel.resolve() in inputs | {request.out_path.resolve()}:
            raise TeamsimError(
                f"--excel {request.excel}: is one of the inputs or the scenario; choose another"
            )


def run_calibration(request: CalibrateRequest) -> int:
    """The command: calibrate, write the scenario, print; the exit code (0 when written)."""
    assert request.out_path is not None  # the command's -o is required
    keep = [p for p in (request.deals, request.stages, request.activities, request.team) if p]
    if request.base:
        keep.append(request.base)
    with user_errors():
        check_outputs(request, keep)
        if request.backtest:
            with replication_progress("back-test", request.replications) as advance:
                outcome = calibrate_files(request, progress=advance)
        else:
            outcome = calibrate_files(request)
        source = plan_source(plan=request.plan, base=request.base.name if request.base else None)
        outcome = replace(outcome, report=replace(outcome.report, plan_source=source))
        print_problems(outcome.records)
        write_text(request.out_path, outcome.text, keep=keep)
        print_summary(outcome, request.out_path)
        warning = backtest_warning(request.replications) if request.backtest else None
        if warning:
            err.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
        if request.report or request.backtest:
            print_report(out, outcome.report, outcome.backtest)
        if request.excel:
            write_excel(request.excel, outcome.report, outcome.backtest, outcome.calibration)
            out.print(f"[green]wrote[/] {escape(str(request.excel))}", soft_wrap=True)
    return 0
