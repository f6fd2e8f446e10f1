"""``teamsim plan``: size the team or allocate its duties and call targets, and explain why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.markup import escape
from rich.table import Table

from optimizer import HIRING_REPLICATIONS, PlanMode
from teamsim.commands.hiring import (
    BudgetPerYearOption,
    ExcelOption,
    HiringArgs,
    HiringOption,
    MoveOption,
    ObjectiveOption,
    refuse_hiring,
    refuse_verify_only,
    run_hiring,
)
from teamsim.commands.options import (
    DetailOption,
    ExecutorOption,
    JsonOption,
    ScenarioPath,
    SchedulerOption,
    SeedOption,
    SetOption,
    StoreOption,
)
from teamsim.console import err, out, print_json, user_errors
from teamsim.declared import VERIFY_ITERATIONS, VERIFY_REPLICATIONS
from teamsim.executors import ExecutorKind, make_executor
from teamsim.figure_tables import FittedGrid, Grid
from teamsim.progress import replication_progress

if TYPE_CHECKING:
    from optimizer import Plan, PlanCard
    from sim import Executor
    from sim.scenario import Scenario
    from teamsim.format import MoneyScale
    from teamsim.store import Store


class SolverName(StrEnum):
    """Solvers the optimiser can use."""

    CBC = "cbc"
    HIGHS = "highs"


def verify_replications(given: int | None) -> int:
    """Replications per iteration of plain ``plan --verify``.

    ``-n`` when given, else the dashboard's default (VERIFY_REPLICATIONS); ``--hiring``
    has its loop's own (teamsim.commands.hiring).
    """
    return VERIFY_REPLICATIONS if given is None else given


def plan_command(
    file: ScenarioPath,
    mode: Annotated[
        PlanMode,
        typer.Option("--mode", help="sizing: headcount by role; allocation: current team."),
    ] = PlanMode.SIZING,
    solver: Annotated[
        SolverName, typer.Option("--solver", help="cbc (bundled) or highs (needs highspy).")
    ] = SolverName.CBC,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help=(
                "Seconds the solver may take on each solve of a plain plan; past it the "
                "best plan found is given, with a note that it is not proven least-cost "
                "(default: no limit; a network of many growing branches can take minutes)."
            ),
            min=1,
            show_default=False,
        ),
    ] = None,
    marginals: Annotated[
        bool,
        typer.Option(
            "--marginals/--no-marginals",
            help=(
                "What one more or one fewer person of each role is worth (re-solves when "
                "sizing); --no-marginals leaves them out of a plain plan: in a network of "
                "many unalike branches they take most of the time."
            ),
        ),
    ] = True,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Most team cost a month (sizing, --hiring): maximise revenue within it.",
            min=0,
        ),
    ] = None,
    json_: JsonOption = False,
    set_: SetOption = None,
    verify_: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Simulate the plan and recalibrate until it is met with the confidence "
            "asked for (exit 3 when it cannot be); the run is stored.",
        ),
    ] = False,
    confidence: Annotated[
        float | None,
        typer.Option(
            help="--verify: P(plan met) wanted (default: the scenario's).", min=0.5, max=0.99
        ),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications",
            "-n",
            # (parentheses: rich reads "[default: ...]" as markup and drops it)
            help=f"--verify: replications per iteration (default {VERIFY_REPLICATIONS}; "
            f"{HIRING_REPLICATIONS} with --hiring).",
            min=2,
            show_default=False,
        ),
    ] = None,
    iterations: Annotated[
        int, typer.Option(help="--verify: most iterations.", min=1)
    ] = VERIFY_ITERATIONS,
    seed: SeedOption = None,
    workers: Annotated[int | None, typer.Option(help="--verify: local processes.", min=1)] = None,
    executor: ExecutorOption = ExecutorKind.LOCAL,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    save: Annotated[
        bool, typer.Option(help="--verify, --hiring: keep the run in the run store.")
    ] = True,
    detail: DetailOption = False,
    hiring: HiringOption = False,
    objective: ObjectiveOption = None,
    budget_per_year: BudgetPerYearOption = None,
    excel: ExcelOption = None,
    move: MoveOption = None,
) -> None:
    """Plan the team: headcount by level, duties, call targets, cost, and what binds.

    With --verify, the plan's quotas are checked by simulating the working days and the
    optimiser is recalibrated until the plan is met with the confidence asked for. With
    --hiring, the team is planned month by month: who to hire, and when they start.
    """
    from optimizer import plan
    from teamsim.io import load_scenario
    from teamsim.store import Store
    from teamsim.summary import scenario_warnings

    wanted = HiringArgs(
        objective=objective,
        budget_per_month=budget,
        budget_per_year=budget_per_year,
        excel=excel,
        verify=verify_,
        confidence=confidence,
        replications=replications,
        iterations=iterations,
        seed=seed,
        solver=solver.value,
        as_json=json_,
        move=move,
    )
    with user_errors(as_json=json_):
        refuse_hiring(wanted, hiring=hiring, sizing=mode is PlanMode.SIZING)
        if time_limit is not None and (hiring or verify_):
            raise typer.BadParameter(
                "--time-limit caps the solves of a plain plan; --verify and --hiring run "
                "without one"
            )
        if not marginals and (hiring or verify_):
            raise typer.BadParameter("--no-marginals is for a plain plan, not --verify or --hiring")
        if not verify_:
            refuse_verify_only(wanted)
        sc = load_scenario(file, set_ or ())
        # On stderr, before the solve: a warning, so --json output stays JSON (as simulate).
        for line in scenario_warnings(sc, file, set_ or ()):
            err.print(line, soft_wrap=True)
        if hiring:  # issue 12: the hiring plan over the year (teamsim/commands/hiring.py)
            run_hiring(
                file,
                sc,
                wanted,
                overrides=set_ or [],
                runner=lambda: make_executor(executor, scheduler=scheduler, workers=workers),
                store=Store(store, detail=detail) if save else None,
            )
            return
        if verify_:
            if mode is not PlanMode.SIZING or budget is not None:
                raise typer.BadParameter("--verify sizes the team: no --mode allocation/--budget")
            if save:
                Store(store).check_writable()  # said now, not after the replications
            with make_executor(executor, scheduler=scheduler, workers=workers) as runner:
                _verify(
                    file,
                    sc,
                    overrides=set_ or [],
                    confidence=confidence,
                    replications=verify_replications(replications),
                    iterations=iterations,
                    seed=seed,
                    runner=runner,
                    solver=solver.value,
                    store=Store(store, detail=detail) if save else None,
                    as_json=json_,
                )
            return
        with _solving(sc, solver.value):
            result = plan(
                sc,
                mode=mode,
                solver=solver.value,
                budget=budget,
                marginals=marginals,
                time_limit_s=time_limit,
            )
    show(sc, result, json_)


@contextmanager
def _solving(sc: Scenario, solver: str) -> Iterator[None]:
    """A spinner on stderr (a terminal only) while a network's plan is solved."""
    if not sc.units or not err.is_terminal:
        yield
        return
    with err.status(
        f"Sizing {len(sc.roles)} roles in {len(sc.units)} units with {solver} "
        "(--time-limit caps each solve)"
    ):
        yield


def _verify(
    file: Path,
    sc: Scenario,
    overrides: list[str],
    confidence: float | None,
    replications: int,
    iterations: int,
    seed: int | None,
    runner: Executor,
    solver: str,
    store: Store | None,
    as_json: bool,
) -> None:
    from optimizer import verify
    from teamsim.export import iterations_titled
    from teamsim.io import read_scenario_bytes
    from teamsim.plan_card_view import plan_card_json
    from teamsim.plan_met_view import plan_met_json, render_plan_met, sells, warn_few_replications
    from teamsim.unit_view import render_units, units_json
    from teamsim.verify_view import (
        iterations_cost_scale,
        render_verified,
        save_verified,
        verified_card,
        verified_plan_json,
    )

    started = dt.datetime.now()
    with replication_progress("verifying", replications) as advance:
        verified = verify(
            sc,
            confidence=confidence,
            replications=replications,
            seed=seed,
            max_iterations=iterations,
            solver=solver,
            executor=runner,
            progress=lambda what, done, _total: advance(done, what),
        )
    run_id = ""
    if store is not None:
        text = read_scenario_bytes(file).decode("utf-8-sig")
        run_id = save_verified(
            store, verified, scenario_text=text, overrides=overrides, started_at=started
        )
    final = verified.final.result
    card = verified_card(verified)
    warn_few_replications(final.replications, sold=sells(final))
    if as_json:
        print_json(
            {
                "met": verified.met,
                "reason": verified.reason,
                "run_id": run_id,
                "plan": verified_plan_json(verified.final.plan, card),
                # Role titles in the worded columns, as the terminal and the store read.
                "iterations": iterations_titled(verified.iterations_table(), sc).to_dict(
                    orient="records"
                ),
                "quotas": verified.quotas_table().to_dict(orient="records"),
                "plan_card": plan_card_json(card),
                **plan_met_json(final),
                # A network's final run by unit, as simulate --json gives it (only then).
                **units_json(final.kpis_by_unit, sc),
            }
        )
    else:
        costs = iterations_cost_scale(verified.iterations_table(), sc)
        out.print(render(verified.final.plan, card, sc.money_locale, scenario=sc, cost_scale=costs))
        _print_card(card)
        out.print(render_verified(verified))
        shown = render_plan_met(final)
        if shown is not None:
            out.print(shown)
        by_unit = render_units(final.kpis, final.kpis_by_unit, sc)  # a network's final run
        if by_unit is not None:
            out.print(by_unit)
        if store is not None:
            # soft_wrap: the id and the path are never cut, whatever the terminal's width.
            out.print(
                f"stored as run {run_id} in {escape(str(store.path))} (teamsim runs show {run_id})",
                soft_wrap=True,
            )
    if not verified.met:
        raise typer.Exit(3)


def show(sc: Scenario, result: Plan, as_json: bool) -> None:
    """Print a plan as JSON or as tables."""
    from optimizer import plan_card
    from teamsim.plan_card_view import plan_card_json

    card = plan_card(result, sc)
    if as_json:
        print_json({**result.to_dict(), "plan_card": plan_card_json(card)})
        return
    out.print(render(result, card, sc.money_locale, scenario=sc))
    _print_card(card)


def _print_card(card: PlanCard) -> None:
    from teamsim.plan_card_view import render_plan_card

    shown = render_plan_card(card)
    if shown is not None:
        out.print(shown)


def render(
    result: Plan,
    card: PlanCard | None = None,
    locale: str = "",
    *,
    scenario: Scenario | None = None,
    cost_scale: MoneyScale | None = None,
) -> Group:
    """The plan as terminal tables; with its card, the header shows the plan and the margin.

    Money is written for ``locale`` (the scenario's ``money_locale``; by default the
    card's, else the currency's usual one), a column in one scale. Roles, persons, duties,
    activities and channels are named by their titles in ``scenario``
    (:func:`sim.title`, as the card names them); ids are --json's.
    """
    from optimizer import is_design_month_note
    from sim.scenario import Scenario
    from teamsim.format import INTERVALS_CAPTION, SERVICE_CAPTION

    loc = locale or (card.locale if card is not None else "")
    # Every figure, money or not, in the one locale (teamsim.format): "27,5" beside "855 тыс. ₽".
    num = loc or Scenario.default_locale(result.currency)
    parts: list[object] = [
        _head(result, card, loc, scenario, cost_scale=cost_scale),
        _levels(result),
        _roles(result, loc, scenario),
    ]
    if scenario is not None and result.units:  # a network: its people and cost by unit
        from teamsim.plan_units_view import render_plan_unit_sales, render_plan_units

        parts += [render_plan_units(result, scenario), render_plan_unit_sales(result, scenario)]
    parts.append(_duties(result, scenario, num))
    if result.persons:
        parts.append(_persons(result, scenario, num))
    parts.append(_channels(result, scenario, num))
    if result.services:
        parts += [_services(result, scenario, num), f"[dim]{SERVICE_CAPTION}[/]"]
    if any(s.intervals for s in result.services):
        parts += [_intervals(result, scenario, num), f"[dim]{INTERVALS_CAPTION}[/]"]
    parts.append(_limits(result, scenario, num))
    if result.marginals:
        from teamsim.format import marginal_note

        parts.append(_marginals(result, loc, scenario))
        note = marginal_note(result, num)
        if note:
            parts.append(f"[dim]{note}[/]")
    else:
        parts.append("[dim]One more / one fewer person: not computed (--no-marginals).[/]")
    parts += [f"[dim]{note}[/]" for note in result.notes if not is_design_month_note(note)]
    return Group(*parts)  # type: ignore[arg-type]


def _money(x: float, cur: str, locale: str = "", scale: MoneyScale | None = None) -> str:
    from teamsim.format import fmt_value

    return fmt_value(x, "currency", cur, locale=locale or None, scale=scale)


def _head(
    result: Plan,
    card: PlanCard | None = None,
    loc: str = "",
    sc: Scenario | None = None,
    cost_scale: MoneyScale | None = None,
) -> str:
    """Who was planned and how; the design month and what the plan expects to deliver.

    A team that sells nothing has a nominal plan (0 here): it is never quoted, the
    header names its service targets instead. With the plan's card, the plan is the
    scenario's and the margin it was sized with is said apart. ``cost_scale``: the scale
    of the team costs said with it (a verify output's iterations:
    teamsim.verify_view.iterations_cost_scale), so the team cost reads as they do.
    """
    from optimizer import design_month_heading, is_design_month_note
    from sim.scenario import Scenario
    from teamsim.format import expected_outcome, money_scale
    from teamsim.plan_card_view import header_scale, header_text

    cur = result.currency
    # The plan and the expected revenue in one scale, the card header's (header_scale);
    # the team cost, a clause of its own, in its own.
    said_amounts = [result.plan_per_month, result.revenue_per_month]
    one = (
        header_scale(card)
        if card is not None
        else money_scale(said_amounts, loc or Scenario.default_locale(cur))
    )
    cost = f"team cost {_money(result.cost_per_month, cur, loc, cost_scale)} a month" + (
        f" (budget {_money(result.budget, cur, loc)})" if result.budget is not None else ""
    )
    lines = [
        f"[bold]{result.scenario}[/]: {result.mode} ({result.objective}), solver {result.solver}"
    ]
    if result.expected_attainment is None:
        lines.append(f"{_sentence(expected_outcome(result, card, sc))}; {cost}")
    else:
        said = (
            f"plan {_money(result.plan_per_month, cur, loc, one)}"
            if card is None
            else header_text(card, one)
        )
        design = card.design if card is not None and card.design else "the highest plan"
        num = loc or Scenario.default_locale(cur)
        lines.append(
            f"{design_month_heading(result.month, num)} ({design}): {said}; expected revenue "
            f"{_money(result.revenue_per_month, cur, loc, one)}, {cost}"
        )
        lines.append(_sentence(expected_outcome(result, card, sc)))
    # The design month's people and season, when unlike a plain month (issue 12).
    lines += [note for note in result.notes if is_design_month_note(note)]
    return "\n".join(lines)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _levels(result: Plan) -> Table:
    table = Table(title="Headcount by level", title_justify="left")
    table.add_column("level")
    table.add_column("people", justify="right")
    for level, n in result.levels.items():
        table.add_row(level, str(n))
    return table


def _roles(result: Plan, loc: str = "", sc: Scenario | None = None) -> FittedGrid:
    """A row per role: level, people, cost, hours, utilisation and call targets.

    A :class:`FittedGrid`: no figure or header word is cut at a narrow terminal.
    """
    from optimizer import (
        DIALS_DIGITS,
        NAIVE_DIALS,
        PLANNED_DIALS,
        RECOMMENDED_QUOTA,
        TODAYS_QUOTA,
        call_quotas,
    )
    from sim import title
    from sim.scenario import Scenario
    from teamsim.format import fmt_figure, format_money_column, format_percent

    costs = format_money_column(
        [r.cost_per_month for r in result.roles], result.currency, loc or None
    )
    num = loc or Scenario.default_locale(result.currency)
    heads = (
        "level",
        "people",
        "now",
        "cost a month",
        "busy h/wk",
        "planned util.",
        PLANNED_DIALS,
        RECOMMENDED_QUOTA,
        TODAYS_QUOTA,
        NAIVE_DIALS,
    )
    quotas = call_quotas(result, sc) if sc is not None else {}
    grid = Grid(
        title="Roles and call targets (dials a day at work)",
        key="role",
        columns={h: [] for h in heads},
    )
    for r, cost in zip(result.roles, costs, strict=True):
        grid.add_row(
            title(r.role, sc),
            [
                r.level,
                str(r.headcount),
                str(r.current),
                cost,
                fmt_figure(r.hours_per_week, 1, num),
                format_percent(r.utilisation, digits=0, locale=num),
                fmt_figure(r.dials_per_day, DIALS_DIGITS, num) if r.naive_dials_per_day else "",
                str(quotas[r.role].recommended) if r.role in quotas else "",
                str(quotas[r.role].today) if r.role in quotas else "",
                fmt_figure(r.naive_dials_per_day, DIALS_DIGITS, num)
                if r.naive_dials_per_day
                else "",
            ],
        )
    return FittedGrid(grid)


# Roles a duty table may have as columns before it turns to a role a row.
_ROLE_COLUMNS = 8


def _duties(result: Plan, sc: Scenario | None = None, num: str | None = None) -> Table:
    """Hours a week by duty and role, as wide as fits.

    A duty a row and a role a column; with more roles than duties (a network's dozens) a
    role a row, a duty a column, so that no column is cut to "…".
    """
    from sim import title
    from teamsim.format import fmt_figure

    roles = [r.role for r in result.roles]
    hours: dict[str, dict[str, float]] = {}
    for d in result.duties:
        hours.setdefault(d.activity, {})[d.role] = d.hours_per_week
    table = Table(title="Duty allocation (hours a week, whole role)", title_justify="left")
    if len(roles) > max(len(hours), _ROLE_COLUMNS):
        table.add_column("role")
        for activity in hours:
            table.add_column(title(activity, sc), justify="right")
        for rid in roles:
            cells = [fmt_figure(row[rid], 1, num) if rid in row else "" for row in hours.values()]
            if any(cells):
                table.add_row(title(rid, sc), *cells)
        return table
    table.add_column("duty")
    for rid in roles:
        table.add_column(title(rid, sc), justify="right")
    for activity, row in hours.items():
        table.add_row(
            title(activity, sc), *(fmt_figure(row[r], 1, num) if r in row else "" for r in roles)
        )
    return table


def _persons(result: Plan, sc: Scenario | None = None, num: str | None = None) -> Table:
    from sim import title
    from teamsim.format import fmt_figure, format_percent

    table = Table(title="Call targets per person", title_justify="left")
    left = ("person", "persona", "manager")
    width = max((len(title(p.person, sc)) for p in result.persons), default=6)
    table.add_column("person", min_width=width, no_wrap=True)
    for col in (*left[1:], "ramp", "dials/day", "deals/month", "util."):
        table.add_column(col, justify="left" if col in left else "right")
    for p in result.persons:
        if not p.dials_per_day and not p.deals_per_month:
            continue
        table.add_row(
            title(p.person, sc),
            p.persona,
            title(p.manager, sc) if p.manager else "",
            format_percent(p.productivity, digits=0, locale=num),
            fmt_figure(p.dials_per_day, 1, num),
            fmt_figure(p.deals_per_month, 1, num),
            format_percent(p.utilisation, digits=0, locale=num),
        )
    return table


def _channels(result: Plan, sc: Scenario | None = None, num: str | None = None) -> Table:
    from sim import title
    from teamsim.format import fmt_figure, format_percent

    table = Table(title="Channels (a month)", title_justify="left")
    for col in ("channel", "kind", "dials", "connects", "leads", "pool used"):
        table.add_column(col, justify="left" if col in ("channel", "kind") else "right")
    for c in result.channels:
        table.add_row(
            title(c.channel, sc),
            c.kind,
            fmt_figure(c.dials_per_month, 0, num),
            fmt_figure(c.connects_per_month, 0, num),
            fmt_figure(c.leads_per_month, 1, num),
            "" if c.pool_used is None else format_percent(c.pool_used, digits=0, locale=num),
        )
    return table


def _services(result: Plan, sc: Scenario | None = None, num: str | None = None) -> Table:
    """One column per inbound channel (headed by its title), one row per figure."""
    from sim import title
    from teamsim.format import SERVICE_TITLE, service_rows

    rows = service_rows(result, num)
    table = Table(title=SERVICE_TITLE, title_justify="left")
    table.add_column("")
    for row in rows:
        table.add_column(title(row["channel"], sc), justify="right")
    for figure in list(rows[0])[1:]:
        table.add_row(figure, *(row[figure] for row in rows))
    return table


def _intervals(result: Plan, sc: Scenario | None = None, num: str | None = None) -> Table:
    """One row per interval of each desk's day (teamsim.format.interval_rows)."""
    from teamsim.format import INTERVALS_TITLE, interval_rows
    from teamsim.inbound_view import interval_table

    return interval_table(interval_rows(result, num), INTERVALS_TITLE, sc)


def _limits(result: Plan, scenario: Scenario | None, num: str | None = None) -> Table:
    """Each binding limit by its readable text (``Limit.text``); its id is --json's.

    The same limit of alike units is one row (``optimizer.limits_said``); a marginal
    value in money is written as all money (``teamsim.format.limit_values``).
    """
    from optimizer import limits_said
    from teamsim.format import limit_values, limits_valued

    table = Table(title="Binding limits", title_justify="left")
    table.add_column("limit")
    valued = limits_valued(result)
    if valued:
        table.add_column("marginal value", justify="right", no_wrap=True)
    worth = limit_values(result, num or "")
    said = (
        limits_said(scenario, result)
        if scenario is not None
        else [(lim.text, (i,)) for i, lim in enumerate(result.limits)]
    )
    for text, at in said:
        table.add_row(text, *([worth[at[0]]] if valued else []))
    return table


def _marginals(result: Plan, loc: str = "", sc: Scenario | None = None) -> Table:
    from sim import title
    from teamsim.format import marginal_cells

    method = result.marginals[0].method if result.marginals else ""
    unit = result.marginals[0].unit if result.marginals else ""
    table = Table(title=f"One more / one fewer person ({method}; {unit})", title_justify="left")
    for col in ("role", "level", "one more", "one fewer"):
        table.add_column(col, justify="left" if col in ("role", "level") else "right")
    cells = marginal_cells(result, loc)  # one wording with the dashboard's
    for m, (more, fewer) in zip(result.marginals, cells, strict=True):
        table.add_row(title(m.role, sc), m.level, more, fewer)
    return table


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("plan")(plan_command)
