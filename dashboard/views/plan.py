"""Plan: the optimiser's team and quotas, then the plan verified by simulation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import charts, state, tables, ui
from dashboard.names import humane, title
from dashboard.plan_met import show_attainment, show_plan_met_tables
from optimizer import (
    NAIVE_DIALS,
    PLANNED_DIALS,
    RECOMMENDED_QUOTA,
    TODAYS_QUOTA,
    InfeasiblePlanError,
    Plan,
    PlanCard,
    PlanMode,
    call_quotas,
    design_month_heading,
    limits_said,
    outcome_label,
    plan_card,
)
from sim import TeamsimError, counted
from sim.scenario import Scenario
from teamsim.format import (
    INTERVALS_TITLE,
    SERVICE_CAPTION,
    SERVICE_TITLE,
    MoneyScale,
    expected_outcome,
    fmt_margin,
    fmt_value,
    format_percent,
    format_percent_range,
    limit_values,
    limits_valued,
    marginal_cells,
    marginal_note,
    month_title,
)
from teamsim.plan_card_view import (
    PER_PERSON_NOTE,
    PLAN_CARD_TITLE,
    ROUNDING_NOTE,
    header_scale,
    header_text,
    money,
    quota_rows,
    role_rows,
)
from teamsim.plan_units_view import SALES_TITLE, unit_sales_rows
from teamsim.store import scenario_text_hash
from teamsim.verify_view import (
    dialling_quotas,
    iterations_cost_scale,
    save_verified,
    team_cost,
    titled_roles,
    verdict_words,
)

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

from optimizer import VerifiedPlan

MODES = {
    "Size the team (least cost)": PlanMode.SIZING,
    "Allocate today's team": PlanMode.ALLOCATION,
}


def render() -> None:
    """The page."""
    ui.header(
        "Plan",
        "The optimiser sizes the team by level and sets realistic call quotas from expected "
        "values; the verified plan then simulates it and adjusts until the plan holds.",
    )
    source, edits, scenario = ui.current_scenario()
    if scenario is None:
        return
    # Filled once the page knows of a verified plan (verified in this very run, too).
    top = st.container()
    label = st.radio("What to plan", list(MODES), horizontal=True)
    try:
        plan = state.plan(source.text, source.origin, edits, MODES[label])
    except InfeasiblePlanError as exc:
        st.error(f"**No plan is possible:** {exc}", icon=":material/block:")
    else:
        # The first plan's cost in the scale of the verified plan's iterations, if any
        # (it is their first row).
        kept = _verified_here(source, edits)
        costs = None if kept is None else iterations_cost_scale(kept.iterations_table(), scenario)
        _plan(plan, scenario, cost_scale=costs)
        _card(plan_card(plan, scenario))
    st.divider()
    _verified(source, edits, scenario)
    verified = _verified_here(source, edits)
    if verified is not None:
        with top:
            _verified_headline(verified)
            st.subheader("Before verification: the optimiser's plan from expected values")


def _verified_here(source: state.Source, edits: tuple[str, ...]) -> VerifiedPlan | None:
    """The verified plan kept for this scenario text and these edits, if any."""
    kept = st.session_state.get("result:verify")
    if kept is None or tuple(kept[0][:2]) != (scenario_text_hash(source.text), edits):
        return None
    verified: VerifiedPlan = kept[1][0]
    return verified


def _verified_headline(verified: VerifiedPlan) -> None:
    """At the top, once verified: the verified team, so the page's first plan is not read as it."""
    final = verified.final.plan
    scenario = verified.scenario
    # In the scale of the iterations' costs, as the Iterations table writes its last row.
    cost = team_cost(
        final.cost_per_month, scenario, iterations_cost_scale(verified.iterations_table(), scenario)
    )
    levels = ", ".join(f"{lv} {n}" for lv, n in final.levels.items())
    said = verdict_words(verified.met)
    st.info(
        f"**The verified plan ({said}):** {sum(final.levels.values())} people ({levels}), "
        f"cost a month {cost}; see "
        "**Verified plan** below. The figures that follow are the optimiser's first plan, "
        "before the simulation checked it.",
        icon=":material/verified:",
    )


def _plan(
    plan: Plan,
    scenario: Scenario,
    key: str = "plan",
    card: PlanCard | None = None,
    cost_scale: MoneyScale | None = None,
) -> None:
    """The plan's outcome, roles, quotas, duties and limits; ``key`` keeps element keys apart.

    ``card``: the plan's card, for a plan sized with a margin (the verify loop's): the
    outcome then shows the scenario's plan, the margin apart, and attainment against it.
    """
    _outcome(plan, scenario, card, cost_scale)
    roles = pd.DataFrame([r.__dict__ for r in plan.roles])
    ui.chart(charts.plan_headcount(roles),
             "People in each role today and in the plan; the plan stays within each "
             "role's range on the Scenario page.", key=f"{key}_headcount")  # fmt: skip
    st.subheader("Roles")
    set_quotas = call_quotas(plan, scenario)
    st.dataframe(tables.plan_roles(roles, plan.currency, scenario.money_locale, set_quotas),
                 hide_index=True, width="stretch", key=f"{key}_roles")  # fmt: skip
    selling = roles[roles["naive_dials_per_day"] > 0]
    if not selling.empty:
        quotas = pd.DataFrame({
            "role": [title(str(r), scenario) for r in selling["role"]],
            NAIVE_DIALS: selling["naive_dials_per_day"],
            PLANNED_DIALS: selling["dials_per_day"],
            RECOMMENDED_QUOTA: [set_quotas[r].recommended if r in set_quotas else None
                                for r in selling["role"]],
            TODAYS_QUOTA: [set_quotas[r].today if r in set_quotas else None
                           for r in selling["role"]],
        })  # fmt: skip
        ui.chart(charts.quotas(quotas, scenario.money_locale),
                 f"{NAIVE_DIALS}: the hours left divided by a call's length, as quotas are "
                 f"often set. {PLANNED_DIALS}: what fits beside meetings, deal work, duties "
                 f"and absences; {RECOMMENDED_QUOTA}: that rounded up; {TODAYS_QUOTA}: the "
                 "scenario's call_quota_per_day.", key=f"{key}_quotas")  # fmt: skip
    if plan.services:
        st.subheader(SERVICE_TITLE)
        st.dataframe(tables.plan_services(plan, scenario), hide_index=True, width="stretch",
                     key=f"{key}_services")  # fmt: skip
        st.caption(SERVICE_CAPTION)
        _intervals(plan, scenario, key=key)
    if plan.unit_sales:  # a network: each unit's expected revenue beside its plan
        st.subheader(SALES_TITLE.format(month=plan.month))
        st.dataframe(pd.DataFrame(unit_sales_rows(plan, scenario)), hide_index=True,
                     width="stretch", key=f"{key}_unit_sales")  # fmt: skip
    st.subheader("Hours a week by duty and role (all people of the role)")
    duties = pd.DataFrame([d.__dict__ for d in plan.duties])
    if not duties.empty:
        duties["activity"] = [title(str(a), scenario) for a in duties["activity"]]
        duties["role"] = [title(str(r), scenario) for r in duties["role"]]
        st.dataframe(
            tables.duty_hours(duties, scenario.money_locale), width="stretch", key=f"{key}_duties"
        )
    _limits(plan, scenario)
    for note in plan.notes:
        st.caption(note)


def _intervals(plan: Plan, scenario: Scenario, key: str) -> None:
    """The desks sized by interval: the terminal's table, and each desk's day as a chart."""
    if not any(s.intervals for s in plan.services):
        return
    st.subheader(INTERVALS_TITLE)
    st.dataframe(tables.plan_intervals(plan, scenario), hide_index=True, width="stretch",
                 key=f"{key}_intervals")  # fmt: skip
    for s in plan.services:
        if not s.intervals:
            continue
        frame = pd.DataFrame({
            "interval": [f"{(iv.weekday or '').title()} {iv.interval}".strip()
                         for iv in s.intervals],
            "requests": [iv.requests for iv in s.intervals],
            "service level": [iv.expected_service_level for iv in s.intervals],
        })  # fmt: skip
        ui.chart(charts.service_by_interval(frame, s.service_level_target, scenario.money_locale),
                 f"{title(s.channel, scenario)}: requests a day in each interval (bars), the "
                 "service level expected with the plan's answerers (line) and the target "
                 "(dashed).", key=f"{key}_intervals_{s.channel}")  # fmt: skip


def _outcome(
    plan: Plan,
    scenario: Scenario,
    card: PlanCard | None = None,
    cost_scale: MoneyScale | None = None,
) -> None:
    """Cost, people and what the plan expects to deliver: attainment, or a desk's service.

    A team that sells nothing has a nominal plan: it is never shown, its service
    targets are. With ``card`` (a plan sized for the plan raised by a margin), "Plan a
    month" is the scenario's plan (``PlanCard.plan_per_month``), the sized-for figure
    is said with its margin, and the expected attainment is of the scenario's plan
    (``PlanCard.expected_attainment``).
    """
    currency, loc = plan.currency, scenario.money_locale
    people = sum(plan.levels.values())
    cols: list[DeltaGenerator]
    if plan.expected_attainment is not None:
        cols = list(st.columns(5))
        cols[1].metric(
            "Expected revenue a month",
            fmt_value(plan.revenue_per_month, "currency", currency, locale=loc),
        )
        real = card.plan_per_month if card is not None else plan.plan_per_month
        attainment = card.expected_attainment if card is not None else plan.expected_attainment
        cols[2].metric("Plan a month", fmt_value(real, "currency", currency, locale=loc))
        if card is not None and abs(card.margin) > 1e-9:
            sized = fmt_value(card.sized_for, "currency", currency, locale=loc)
            cols[2].caption(f"Sized for {sized}: "
                            f"the plan with a {fmt_margin(1 + card.margin)} margin for the "
                            "spread of attainment")  # fmt: skip
        cols[3].metric(
            "Expected attainment",
            fmt_value(attainment, "share", currency, locale=loc),
            help="Mean over the counted months of expected revenue / the plan a month.",
        )
        month = f"design month {month_title(plan.month, loc)}, the highest plan; "
    else:
        cols = list(st.columns(3))
        lowest = min((s.expected_service_level for s in plan.services), default=None)
        cols[1].metric(
            "Expected service level",
            fmt_value(lowest, "share", currency, locale=loc),
            help="The lowest over the inbound channels, with the plan's answerers.",
        )
        month = ""
    # ``cost_scale``: with a verified plan, its iterations' (the costs shown with it).
    cols[0].metric("Cost a month", team_cost(plan.cost_per_month, scenario, cost_scale))
    cols[-1].metric("People", people)
    outcome = expected_outcome(plan, card, scenario)
    st.caption(
        "By level: " + ", ".join(f"{lv} {n}" for lv, n in plan.levels.items())
        + f". {plan.objective} ({month}solver {plan.solver}). "
        + outcome[:1].upper() + outcome[1:] + "."
    )  # fmt: skip


def _limits(plan: Plan, scenario: Scenario) -> None:
    """What binds, and one more or fewer person a role: whole texts, never cut (st.table)."""
    left, right = st.columns(2)
    with left:
        st.subheader("What limits the plan")
        if plan.limits:
            # The command's rows: alike units' same limit said once (optimizer.limits_said).
            said = limits_said(scenario, plan)
            shown = {"limit": [text for text, _ in said]}
            if limits_valued(plan):
                # The command's words and money (teamsim.format.limit_values).
                worth = limit_values(plan, scenario.money_locale)
                shown["worth of one unit more"] = [worth[at[0]] or "-" for _, at in said]
            ui.text_table(pd.DataFrame(shown))
        else:
            st.caption("No limit binds: there is room everywhere.")
    with right:
        st.subheader("One more person, per role")
        if plan.marginals:
            # The command's words (teamsim.format.marginal_cells): "at its max", ...
            cells = marginal_cells(plan, scenario.money_locale)
            ui.text_table(pd.DataFrame({
                "role": [title(m.role, scenario) for m in plan.marginals],
                "level": [m.level for m in plan.marginals],
                "one more": [more for more, _ in cells],
                "one fewer": [fewer for _, fewer in cells],
            }))  # fmt: skip
            first = plan.marginals[0]
            st.caption(
                f"Change of the objective ({first.unit}) if the role had one person more or "
                f"fewer ({first.method}); at its max / at its min: the role's range on the "
                "Scenario page allows no more / no fewer."
            )
            note = marginal_note(plan, scenario.money_locale)
            if note:
                st.caption(note)


def _verified(source: state.Source, edits: tuple[str, ...], scenario: Scenario) -> None:
    st.header("Verified plan")
    st.markdown(
        "Optimise, simulate the plan, learn what the days really allowed, and optimise "
        "again, until P(plan met) reaches the confidence wanted. The settings start at "
        "`teamsim plan --verify`'s, so both give the same team for the same file and seed; "
        "the run is stored as the command stores it."
    )
    with st.form("verify"):
        a, b, c, d = st.columns(4)
        reps = int(a.number_input("Replications per iteration", 2, 200,
                                  state.VERIFY_REPLICATIONS, step=1))  # fmt: skip
        iterations = int(b.number_input("Most iterations", 1, 12, state.VERIFY_ITERATIONS,
                                        step=1))  # fmt: skip
        wanted = float(c.number_input("Wanted P(plan met)", 0.05, 0.99,
                                      scenario.plan.confidence, step=0.05,
                                      format="%.2f"))  # fmt: skip
        seed = int(d.number_input("Seed", 0, state.MAX_SEED, scenario.seed, step=1,
                                  help="The scenario's seed, as the command uses it."))  # fmt: skip
        run = st.form_submit_button("Verify the plan", type="primary")
    key = (scenario_text_hash(source.text), edits, reps, iterations, wanted, seed)
    if run:
        started = dt.datetime.now()
        try:
            verified = state.verify(
                source.text,
                source.origin,
                edits=edits,
                replications=reps,
                seed=seed,
                max_iterations=iterations,
                confidence=wanted,
                workers=state.workers(),
            )
        except InfeasiblePlanError as exc:
            st.error(f"**No plan is possible:** {exc}", icon=":material/block:")
            return
        state.remember("verify", key, (verified, _keep(source, edits, verified, started)))
    kept = state.recall("verify")
    if kept is None:
        st.info("Press **Verify the plan**: each iteration simulates the team, so this takes "
                "a while.")  # fmt: skip
        return
    if state.recall("verify", key) is None:
        st.warning("This verified plan is for an earlier version: press **Verify the plan**.")
    verified, run_id = kept
    if run_id:
        st.caption(f"Stored as run `{run_id}` (Runs page; `teamsim runs show {run_id}`).")
    final = verified.final
    show_verified(
        verified.scenario,
        final.plan,
        plan_factor=final.plan_factor,
        met=verified.met,
        reason=verified.reason,
        confidence=verified.confidence,
        iterations=verified.iterations_table(),
        quotas=verified.quotas_table(),
        frames=final.result.tables(),
        replications=final.result.replications,
        key="verified",
    )


def _keep(
    source: state.Source, edits: tuple[str, ...], verified: VerifiedPlan, started: dt.datetime
) -> str | None:
    """Store the verify run as ``teamsim plan --verify`` does (teamsim.verify_view)."""
    try:
        return save_verified(state.store(), verified, scenario_text=source.text,
                             overrides=list(edits), started_at=started)  # fmt: skip
    except TeamsimError as exc:
        st.error(f"The verify run was not stored: {exc}")
        return None


def _card(card: PlanCard) -> None:
    """The plan card: per selling role, revenue traced back to dials, and the quotas."""
    if not card.lines:
        return
    st.subheader(PLAN_CARD_TITLE)
    st.markdown(
        # One scale for the sentence's amounts, as the terminal's card (header_scale).
        f"{design_month_heading(card.month, card.locale or None)}: {header_text(card)}; "
        "expected revenue "
        f"{money(card.revenue_per_month, card.currency, card.locale, header_scale(card))}."
    )
    for rc in card.roles:
        st.markdown(
            f"**{rc.title}**: {counted(rc.people, 'person')}, "
            f"{format_percent(rc.presence)} of days at work"
        )
        ui.text_table(role_rows(card, rc.role))
    if card.quotas:
        st.markdown("**Call quota**: dials a day at work, per person")
        titles = {rc.role: rc.title for rc in card.roles}
        rows = quota_rows(card)
        rows["role"] = [titles.get(str(r)) or humane(str(r)) for r in rows["role"]]
        ui.text_table(rows)
    st.caption(f"{PER_PERSON_NOTE} {ROUNDING_NOTE} (* a target)")


VERIFY_CONTROL = "set **Replications per iteration** to 20 or more"


def show_verified(
    scenario: Scenario,
    plan: Plan | None,
    *,
    plan_factor: float,
    met: bool,
    reason: str,
    confidence: float,
    iterations: pd.DataFrame,
    quotas: pd.DataFrame,
    frames: Mapping[str, pd.DataFrame],
    replications: int,
    key: str,
    control: str = VERIFY_CONTROL,
) -> None:
    """A verified plan: verdict, P(plan met) by month, quotas, iterations, the plan and card.

    From the tables a verify run stores (``teamsim.verify_view.verified_tables``): the
    Plan page shows a fresh verify through here and the Runs page a stored one.
    ``iterations``: ``VerifiedPlan.iterations_table()`` (its last row is the final
    plan's); ``quotas``: ``VerifiedPlan.quotas_table()``; ``frames``: the final
    simulation's tables (``SimResult.tables()``) over ``replications``; ``plan``: the
    final plan (None: a run stored without it); ``plan_factor``: its margin.
    """
    currency = scenario.currency
    last = iterations.iloc[-1]
    levels = [str(c).removeprefix("headcount_") for c in iterations
              if str(c).startswith("headcount_")]  # fmt: skip
    # The command's verdict and reason (teamsim.verify_view): the reason gives P(plan met)
    # with its 95 % interval, so a wide interval is read beside the verdict.
    head = verdict_words(met)
    head = f"**{head[:1].upper()}{head[1:]}:** {ui.escape(reason)}"
    if met:
        st.success(head.replace("\n", "\n\n"), icon=":material/check_circle:")
    else:
        st.warning(head.replace("\n", "\n\n"), icon=":material/warning:")
    cols = st.columns(4)
    cols[0].metric(outcome_label(scenario), fmt_value(float(last["p_plan_met"]), "share", currency))
    interval = format_percent_range(float(last["p_low"]), float(last["p_high"]))
    cols[0].caption(f"95 % interval {interval}")
    cols[1].metric("Wanted", fmt_value(confidence, "share", currency))
    costs = iterations_cost_scale(iterations, scenario)
    cols[2].metric(
        "Cost a month, final team", team_cost(float(last["cost_per_month"]), scenario, costs)
    )
    cols[3].metric("People", sum(int(last[f"headcount_{lv}"]) for lv in levels))
    st.caption("By level: " + ", ".join(f"{lv} {int(last[f'headcount_{lv}'])}" for lv in levels))
    if "plan_met" in frames and "attainment_by_month" in frames:
        rows = [{str(k): v for k, v in r.items()} for r in frames["plan_met"].to_dict("records")]
        show_plan_met_tables(scenario, rows, frames["attainment_by_month"],
                             replications=replications, key=f"{key}_months",
                             control=control)  # fmt: skip
    dialling = dialling_quotas(quotas)  # teamsim's rule: roles that never dial left out
    if not dialling.empty:
        ui.chart(charts.quotas(pd.DataFrame({
            "role": [title(str(r), scenario) for r in dialling["role"]],
            NAIVE_DIALS: dialling["naive_dials_per_day"],
            PLANNED_DIALS: dialling["planned_dials_per_day"],
            RECOMMENDED_QUOTA: dialling["quota_set"],
            "simulated dials a day": dialling["simulated_dials_per_day"],
        }), scenario.money_locale),
                 "Dials a day per person of each role that dials (roles that never dial left "
             "out): the naive estimate, the plan's, the quota set and what the simulated "
             "days allowed.",
             key=f"{key}_quotas")  # fmt: skip
    st.subheader("Iterations")
    st.dataframe(_iterations(iterations, scenario), hide_index=True, width="stretch")
    show_attainment(scenario, frames, key=key)
    if "kpis" in frames:
        with st.expander("KPIs of the final plan's simulation"):
            dials = frames.get("dials_by_role")
            st.dataframe(tables.kpi_table(frames["kpis"], currency, scenario.money_locale,
                                          dials=dials, scenario=scenario),
                         hide_index=True, width="stretch")  # fmt: skip
    if plan is not None:
        st.subheader("The final plan, as the optimiser sized it")
        card = plan_card(plan, scenario, plan_factor)
        _plan(plan, scenario, key=f"{key}_plan", card=card, cost_scale=costs)
        _card(card)


def _iterations(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Each iteration in words: the team by level, cost, margin, P(plan met), what changed.

    The columns of ``VerifiedPlan.iterations_table()`` with a reader's headings, and its
    per-role cells ("client_manager 0.97") with the roles' titles ("Client manager 0.97").
    """
    currency = scenario.currency

    def share(column: str) -> list[str]:
        return [fmt_value(float(v), "share", currency) for v in frame[column]]

    levels = [str(c).removeprefix("headcount_") for c in frame
              if str(c).startswith("headcount_")]  # fmt: skip
    shown: dict[str, object] = {"Iteration": frame["iteration"]}
    for lv in levels:
        shown[f"People, {lv} level"] = frame[f"headcount_{lv}"]
    costs = iterations_cost_scale(frame, scenario)  # one scale: the column, the metric
    shown["Cost a month"] = [team_cost(float(v), scenario, costs)
                             for v in frame["cost_per_month"]]  # fmt: skip
    shown["Margin on the plan"] = [fmt_margin(float(v)) for v in frame["plan_factor"]]
    shown[outcome_label(scenario)] = share("p_plan_met")
    shown["95 % interval"] = [
        format_percent_range(float(lo), float(hi))
        for lo, hi in zip(frame["p_low"], frame["p_high"], strict=True)
    ]
    if scenario.segments:
        shown["Attainment"] = share("attainment")
        shown["Expected attainment"] = share("expected_attainment")
    else:
        shown["Service level"] = share("service_level")
        shown["Expected service level"] = share("expected_service_level")
    shown["Capacity factor"] = [titled_roles(str(v or ""), scenario)
                                for v in frame["capacity_factor"]]  # fmt: skip
    shown["Days held"] = [titled_roles(str(v or ""), scenario) for v in frame["days_held"]]
    shown["Then"] = [str(v or "") for v in frame["change"]]
    return pd.DataFrame(shown)


if __name__ == "__main__":
    render()
