"""The simulator: scenario in, replications and their KPIs out. Pure.

The face of the package: front ends import from here, from :mod:`sim.scenario` (the
scenario language) and from :mod:`sim.rules` (the rules of the working day), never from
the modules behind them.
"""

from typing import TYPE_CHECKING

from sim.lazy import lazy_face

# The names behind the face, loaded on first use (sim.lazy): a command's --help
# imports none of pandas, SciPy or SimPy.
if TYPE_CHECKING:
    from sim.diagnose import Diagnosis, diagnose, service_level_target
    from sim.dials import DIALS_BY_ROLE_NOTE, dials_by_role
    from sim.erlang import QueueMeasures, agents_for_targets, erlang_a, mmck
    from sim.errors import Problem, ScenarioError, TeamsimError
    from sim.inbound_intervals import interval_levels
    from sim.kpis import KPIS, applicable_kpis, kpi_value
    from sim.mode import SimMode
    from sim.money import (
        MoneyScale,
        format_money,
        format_money_column,
        format_money_range,
        money_scale,
        money_scales,
        scale_of,
        shown_amount,
    )
    from sim.months import day_title, month_title, month_titles
    from sim.names import (
        ACTIVITY_TITLES,
        DUTIES,
        activity_title,
        humane,
        id_words,
        in_sentence,
        title,
    )
    from sim.percent import (
        INTERVAL_JOINER,
        NUMBER_LOCALE,
        format_answer_time,
        format_chance,
        format_number,
        format_percent,
        format_percent_range,
        format_significant,
    )
    from sim.plan_met import (
        attainment_by_month,
        attainment_by_unit,
        judged_attainment,
        met_by_replication,
        plan_met_definition,
        plan_met_table,
    )
    from sim.records import UNDATED_TENURE
    from sim.results import counted_months
    from sim.runner import (
        Executor,
        InlineExecutor,
        Interrupted,
        ProcessExecutor,
        SimResult,
        local_executor,
        scenario_hash,
        simulate,
    )
    from sim.scenario import Scenario
    from sim.stats import spread, t_quantile, wilson_interval
    from sim.words import counted

__all__ = [
    "ACTIVITY_TITLES",
    "DIALS_BY_ROLE_NOTE",
    "DUTIES",
    "INTERVAL_JOINER",
    "KPIS",
    "NUMBER_LOCALE",
    "UNDATED_TENURE",
    "Diagnosis",
    "Executor",
    "InlineExecutor",
    "Interrupted",
    "MoneyScale",
    "Problem",
    "ProcessExecutor",
    "QueueMeasures",
    "Scenario",
    "ScenarioError",
    "SimMode",
    "SimResult",
    "TeamsimError",
    "activity_title",
    "agents_for_targets",
    "applicable_kpis",
    "attainment_by_month",
    "attainment_by_unit",
    "counted",
    "counted_months",
    "day_title",
    "diagnose",
    "dials_by_role",
    "erlang_a",
    "format_answer_time",
    "format_chance",
    "format_money",
    "format_money_column",
    "format_money_range",
    "format_number",
    "format_percent",
    "format_percent_range",
    "format_significant",
    "humane",
    "id_words",
    "in_sentence",
    "interval_levels",
    "judged_attainment",
    "kpi_value",
    "local_executor",
    "met_by_replication",
    "mmck",
    "money_scale",
    "money_scales",
    "month_title",
    "month_titles",
    "plan_met_definition",
    "plan_met_table",
    "scale_of",
    "scenario_hash",
    "service_level_target",
    "shown_amount",
    "simulate",
    "spread",
    "t_quantile",
    "title",
    "wilson_interval",
]

lazy_face(__name__)
