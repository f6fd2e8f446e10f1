"""What ``teamsim calibrate`` prints: problems, fits, what was kept, the report."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from calibrate import Records, counted
from sim import TeamsimError
from teamsim.calibrate_view import print_fits, print_kept, print_report, write_excel
from teamsim.calibration import (
    CalibrateRequest,
    CalibrationOutcome,
    calibrate_files,
    write_text,
)
from teamsim.console import err, out, user_errors
from teamsim.progress import replication_progress

SHOWN_PROBLEMS = 20  # the rest are counted here and listed in full by --excel
# The scenario is YAML whatever -o says: another suffix (.xlsx, .json) would mislead
# whoever opens it next.
SCENARIO_SUFFIXES = (".yaml", ".yml")


def print_problems(records: Records) -> None:
    """Rows not used and warnings, on stderr: the first few, then a count."""
    problems = records.problems
    if not problems:
        return
    for problem in problems[:SHOWN_PROBLEMS]:
        err.print(f"[yellow]warning:[/] {escape(str(problem))}", soft_wrap=True)
    if len(problems) > SHOWN_PROBLEMS:
        more = len(problems) - SHOWN_PROBLEMS
        err.print(f"... and {more} more (all of them: --excel FILE, sheet problems)")
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
        out.print(f"not written: {escape(item.why)}: {escape(item.what)}: {escape(item.fit)}")
    first, last = (t.date() for t in cal.period)
    out.print(
        f"[green]wrote[/] {escape(str(out_path))}: {counted(len(cal.fits), 'value')} fitted from "
        f"the records of {first} to {last}; check it with: teamsim validate {out_path}",
        soft_wrap=True,
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
        print_problems(outcome.records)
        write_text(request.out_path, outcome.text, keep=keep)
        print_summary(outcome, request.out_path)
        if request.report or request.backtest:
            print_report(out, outcome.report, outcome.backtest)
        if request.excel:
            write_excel(request.excel, outcome.report, outcome.backtest, outcome.calibration)
            out.print(f"[green]wrote[/] {escape(str(request.excel))}", soft_wrap=True)
    return 0
