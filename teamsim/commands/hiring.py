"""``teamsim plan FILE --hiring``: who to hire in which month, and what each month then brings.

Issue 12, stage S15 (docs/dev/hiring_plan.md, section 7.1). ``plan`` takes the options
defined here and hands a hiring run to :func:`run_hiring`; the plan's view, JSON, store
and workbook live in :mod:`teamsim.hiring_view`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

# HIRING_REPLICATIONS: the hiring loop's own default (40: a month's P(met) needs more
# than plain verify's 20).
from optimizer import HIRING_REPLICATIONS
from sim import TeamsimError
from teamsim.console import error_json, out, print_json, report_error
from teamsim.progress import replication_progress

if TYPE_CHECKING:
    from optimizer import CalendarValue, HireMove, HiringPlan, InfeasiblePlanError, VerifiedHiring
    from sim import Executor
    from sim.scenario import Scenario
    from teamsim.hiring_move_view import MoveAsked
    from teamsim.hiring_view import HiringCheck
    from teamsim.store import Store


class Objective(StrEnum):
    """What a hiring plan optimises."""

    COST = "cost"
    REVENUE = "revenue"
    MARGIN = "margin"


HiringOption = Annotated[
    bool,
    typer.Option(
        "--hiring",
        help="Plan hires month by month over the horizon (who, how many, when they start); "
        "the run is stored.",
    ),
]
ObjectiveOption = Annotated[
    Objective | None,
    typer.Option(
        "--objective",
        help="--hiring: cost (least cost meeting every month's plan, the default), revenue "
        "or margin (the most within --budget or --budget-per-year).",
        show_default=False,
    ),
]
BudgetPerYearOption = Annotated[
    float | None,
    typer.Option(
        "--budget-per-year",
        help="--hiring: most team cost a calendar year (pro rata for a part year).",
        min=0,
        show_default=False,
    ),
]
MoveOption = Annotated[
    str | None,
    typer.Option(
        "--move",
        help="--hiring: what hiring N people of ROLE in TO rather than FROM changes, month "
        "by month: ROLE:FROM:TO[:N], months YYYY-MM (TO 'after': past the horizon), N by "
        "default the plan's hires of ROLE in FROM, else 1.",
        metavar="ROLE:FROM:TO[:N]",
        show_default=False,
    ),
]
ExcelOption = Annotated[
    Path | None,
    typer.Option(
        "--excel",
        help="--hiring: also write the calendar and month tables to this .xlsx file.",
        show_default=False,
    ),
]


@dataclass(frozen=True)
class HiringArgs:
    """What ``plan --hiring`` was asked for."""

    objective: Objective | None
    budget_per_month: float | None
    budget_per_year: float | None
    excel: Path | None
    verify: bool
    confidence: float | None
    replications: int | None  # None: the hiring loop's default
    iterations: int
    seed: int | None
    solver: str
    as_json: bool
    move: str | None = None  # --move ROLE:FROM:TO[:N] (teamsim.hiring_move_view)


def refuse_hiring(args: HiringArgs, *, hiring: bool, sizing: bool) -> None:
    """Options that do not go together with or without ``--hiring``: usage errors (exit 2)."""
    if hiring and not sizing:
        raise typer.BadParameter(
            "--hiring plans the team over months; it sizes roles (no --mode allocation)"
        )
    if hiring:
        budget_of(args)
        return
    given = [
        name
        for name, value in (
            ("--objective", args.objective),
            ("--budget-per-year", args.budget_per_year),
            ("--excel", args.excel),
            ("--move", args.move),
        )
        if value is not None
    ]
    if given:
        raise typer.BadParameter(f"{', '.join(given)}: only with --hiring")


def budget_of(args: HiringArgs) -> tuple[float | None, str]:
    """The budget and its period, checked against the objective (usage errors: exit 2)."""
    if args.budget_per_month is not None and args.budget_per_year is not None:
        raise typer.BadParameter(
            "--hiring takes one budget: --budget (a month) or --budget-per-year, not both"
        )
    for flag, amount in (
        ("--budget", args.budget_per_month),
        ("--budget-per-year", args.budget_per_year),
    ):
        if amount is not None and amount <= 0:
            raise typer.BadParameter(f"{flag} must be above 0, got {amount:g}")
    objective = (args.objective or Objective.COST).value
    budget: float | None = args.budget_per_month
    period = "month"
    if args.budget_per_year is not None:
        budget, period = args.budget_per_year, "year"
    if objective != "cost" and budget is None:
        raise typer.BadParameter(
            f"--objective {objective} is the most {objective} within a budget: "
            "give --budget (a month) or --budget-per-year"
        )
    return budget, period


def run_hiring(
    file: Path,
    sc: Scenario,
    args: HiringArgs,
    *,
    overrides: list[str],
    runner: Callable[[], AbstractContextManager[Executor]],
    store: Store | None,
) -> None:
    """Plan (and with ``verify``, simulate) the hiring calendar; print, store, export.

    ``runner`` makes the executor the simulations run on (only with ``verify``).
    """
    from optimizer import InfeasiblePlanError, plan_hiring
    from teamsim.hiring_view import check_of, save_hiring
    from teamsim.io import read_scenario_bytes

    budget, period = budget_of(args)
    if not sc.segments:
        # A desk with no segments sells nothing: its nominal plan (support_desk's GBP 1)
        # gave "attainment 0.0 %" against "plan £1".
        raise TeamsimError(
            f"{file}: --hiring plans hires to meet a "
            "revenue plan, and this scenario has no segments to sell; plain "
            "`teamsim plan FILE` sizes a desk by its service targets."
        )
    if store is not None:
        store.check_writable()  # said now, not after the solves and replications
    asked = _move_asked(sc, args.move) if args.move is not None else None
    objective = (args.objective or Objective.COST).value
    started = dt.datetime.now()
    verified: VerifiedHiring | None = None
    try:
        if args.verify:
            with runner() as executor:
                verified = _verified(sc, args, budget=budget, period=period, runner=executor)
            plan = verified.final.plan
        else:
            plan = plan_hiring(
                sc, objective=objective, budget=budget, budget_period=period, solver=args.solver
            )
    except ValueError as exc:
        # plan_hiring's refusals of what it was asked (a margin objective on a segment
        # with no gross_margin, ...): a usage error, said without a traceback.
        raise TeamsimError(str(exc)) from None
    check = check_of(verified) if verified is not None else None
    run_id = ""
    if store is not None:
        text = read_scenario_bytes(file).decode("utf-8-sig")
        run_id = save_hiring(
            store,
            plan,
            sc,
            verified=verified,
            scenario_text=text,
            overrides=overrides,
            started_at=started,
        )
    if args.excel is not None:
        _workbook(args.excel, plan, sc, check)
    moved, failed = None, None
    if asked is not None:
        try:
            moved = _moved(sc, plan, asked, solver=args.solver)
        except InfeasiblePlanError as exc:  # said after the plan, by user_errors (exit 3)
            failed = exc
    _show(plan, sc, check, run_id=run_id, store=store, args=args, moved=moved, failed=failed)
    if verified is not None:  # as plain --verify and simulate warn: on stderr, after
        from teamsim.plan_met_view import warn_few_replications

        warn_few_replications(args.replications or HIRING_REPLICATIONS, sold=True)
    if failed is not None:
        if args.as_json:  # the failure is in the plan's JSON: no second object on stdout
            report_error(failed)
            raise typer.Exit(failed.exit_code)
        raise failed
    if check is not None and not check.met:
        raise typer.Exit(3)


Moved = tuple["HireMove", "CalendarValue", "CalendarValue"]


def refuse_verify_only(args: HiringArgs) -> None:
    """--verify's options given without it (plain plan or --hiring): said, not ignored."""
    given = [
        flag
        for flag, value in (
            ("--replications", args.replications),
            ("--confidence", args.confidence),
            ("--seed", args.seed),
        )
        if value is not None
    ]
    if given:
        raise typer.BadParameter(
            f"{', '.join(given)}: only with --verify (without it the plan is not simulated)"
        )


def _move_asked(sc: Scenario, text: str) -> MoveAsked:
    """--move's value read and checked against the scenario before any solve (exit 2 if bad)."""
    from optimizer import hire_move
    from teamsim.hiring_move_view import move_error, parse_move

    try:
        asked = parse_move(text)
        # The role, months and count checked now, not after the plan's solves.
        hire_move(sc, {}, role=asked.role, start=asked.start, to=asked.to, count=asked.count)
    except ValueError as exc:
        raise TeamsimError(move_error(text, str(exc))) from None
    return asked


def _moved(sc: Scenario, plan: HiringPlan, asked: MoveAsked, *, solver: str) -> Moved:
    """The what-if's two calendars (optimizer.hire_move), each evaluated at its most."""
    from optimizer import evaluate_calendar, hire_move

    move = hire_move(
        sc, plan.hires, role=asked.role, start=asked.start, to=asked.to, count=asked.count
    )
    base = evaluate_calendar(sc, move.base, solver=solver)
    return move, base, evaluate_calendar(sc, move.other, solver=solver)


def _verified(
    sc: Scenario, args: HiringArgs, *, budget: float | None, period: str, runner: Executor
) -> VerifiedHiring:
    from optimizer import verify_hiring

    total = args.replications or HIRING_REPLICATIONS
    with replication_progress("verifying the hiring plan", total) as advance:
        return verify_hiring(
            sc,
            confidence=args.confidence,
            replications=total,
            seed=args.seed,
            max_iterations=args.iterations,
            objective=(args.objective or Objective.COST).value,
            budget=budget,
            budget_period=period,
            solver=args.solver,
            executor=runner,
            progress=lambda what, done, _total: advance(done, what),
        )


def _workbook(path: Path, plan: HiringPlan, sc: Scenario, check: HiringCheck | None) -> None:
    from sim import format_money
    from teamsim.export import workbook_locale, write_workbook
    from teamsim.hiring_view import workbook_tables

    about = {
        "scenario": sc.name,
        "what": "hiring plan over the year (teamsim plan --hiring)",
        "objective": plan.objective,
        # As the terminal's header and the dashboard's sheet write it (sim.format_money).
        "budget": "none"
        if plan.budget is None
        else f"{format_money(plan.budget, plan.currency or sc.currency, sc.money_locale)} a "
        f"{plan.budget_period}",
    }
    if check is not None:
        about["verified"] = ("met: " if check.met else "not met: ") + check.reason
    write_workbook(
        path,
        workbook_tables(plan.to_dict(), check, workbook_locale([sc])),
        about,
        currency=sc.currency,
        locale=workbook_locale([sc]),
    )


def _show(
    plan: HiringPlan,
    sc: Scenario,
    check: HiringCheck | None,
    *,
    run_id: str,
    store: Store | None,
    args: HiringArgs,
    moved: Moved | None = None,
    failed: InfeasiblePlanError | None = None,
) -> None:
    from teamsim.hiring_move_view import move_json, render_move
    from teamsim.hiring_view import hiring_json, render_hiring

    if args.as_json:
        data = hiring_json(plan, check, run_id)
        if moved is not None:
            data["move"] = move_json(*moved)
        if failed is not None:  # the --move asked for cannot be made: the plan stands
            data["move"] = error_json(
                failed.kind, failed.exit_code, str(failed), **failed.json_details()
            )
        print_json(data)
        return
    out.print(render_hiring(plan.to_dict(), sc, check))
    if moved is not None:
        out.print(render_move(*moved, sc))
    if args.excel is not None:
        out.print(f"wrote {escape(str(args.excel))}", soft_wrap=True)
    if store is not None:
        out.print(
            f"stored as run {run_id} in {escape(str(store.path))} (teamsim runs show {run_id})",
            soft_wrap=True,
        )


__all__ = [
    "BudgetPerYearOption",
    "ExcelOption",
    "HiringArgs",
    "HiringOption",
    "MoveOption",
    "Objective",
    "ObjectiveOption",
    "refuse_hiring",
    "run_hiring",
]
