"""Names and defaults that options and stored runs declare, in a module that loads nothing heavy.

The command modules read them at import, to declare their options and help; their homes
(the views, the store) import them from here. ``teamsim CMD --help`` loads no pandas.
"""

from __future__ import annotations

from enum import StrEnum

# Replications per iteration and most iterations of a verified plan: the defaults of
# `plan --verify` and of the dashboard's Verify, so both give the same team.
VERIFY_REPLICATIONS = 20
VERIFY_ITERATIONS = 6

# The params of a verify run that hold its final plan and diagnoses (not shown as params).
PLAN_PARAM = "final_plan"
DIAGNOSES_PARAM = "diagnoses"
# The run's params that hold the plan (``HiringPlan.to_dict()``): not shown as params.
HIRING_PARAM = "hiring_plan"
# A run's params say which tables it left out (absent in runs stored with every table).
LEFT_OUT_PARAM = "detail_left_out"
# The params key of a run's counted window: working days counted, days of warm-up,
# counted months (sim.results.Window), as simulate's header states them.
WINDOW_PARAM = "window"

# The file formats `runs export` and `simulate --format` write tables in.
FORMATS = ("csv", "parquet", "xlsx")


class DateOrder(StrEnum):
    """How to read slash dates a file cannot decide (03/04/2026)."""

    DMY = "dmy"
    MDY = "mdy"
