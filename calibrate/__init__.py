"""Calibration: a team's own records (CRM deals, stages, activities, team) become a scenario.

Pure: DataFrames in, fits and a scenario out; file reading and the command live in
``teamsim``. The face of the package: front ends import from here, never from the
modules behind it.
"""

from typing import TYPE_CHECKING

from sim.lazy import lazy_face

# The names behind the face, loaded on first use (sim.lazy): a command's --help
# imports none of pandas, SciPy or SimPy.
if TYPE_CHECKING:
    from calibrate.backtest import (
        BACKTEST_MEASURES,
        Backtest,
        backtest,
        backtest_scenario,
        band_holds,
        band_ranks,
    )
    from calibrate.columns import (
        MISSING_COLUMN,
        header_row,
        likely_column,
        unknown_user_columns,
        unused_columns,
        user_column_problems,
    )
    from calibrate.contract import (
        ROW,
        Calibration,
        Fit,
        Kept,
        Kind,
        Records,
        RowProblem,
        Unwritten,
    )
    from calibrate.crm import export_crm
    from calibrate.currency import FoundCurrency, unnamed_currency, value_currency
    from calibrate.durations import LAG_REPLICATIONS, net_of_lag, simulated_stage_means, stage_means
    from calibrate.fit import fit
    from calibrate.fit.common import interval_text
    from calibrate.flowmatch import match_cold_flow
    from calibrate.names import NAME_OPTIONS, NameMaps, map_names, name_map_errors, nothing_matched
    from calibrate.own_plan import own_revenue_plan
    from calibrate.pseudonyms import pseudonymise, pseudonymise_frame, pseudonyms, record_names
    from calibrate.records import combine, normalise, parse_number
    from calibrate.report import FUNNEL, LABELS, NEEDS_COLUMNS, GoalsReport, goals_against_results
    from calibrate.skeleton import records_with_ids, skeleton, unsplit_paths
    from calibrate.words import counted
    from calibrate.writer import apply_fits, skeleton_text

__all__ = [
    "BACKTEST_MEASURES",
    "FUNNEL",
    "LABELS",
    "LAG_REPLICATIONS",
    "MISSING_COLUMN",
    "NAME_OPTIONS",
    "NEEDS_COLUMNS",
    "ROW",
    "Backtest",
    "Calibration",
    "Fit",
    "FoundCurrency",
    "GoalsReport",
    "Kept",
    "Kind",
    "NameMaps",
    "Records",
    "RowProblem",
    "Unwritten",
    "apply_fits",
    "backtest",
    "backtest_scenario",
    "band_holds",
    "band_ranks",
    "combine",
    "counted",
    "export_crm",
    "fit",
    "goals_against_results",
    "header_row",
    "interval_text",
    "likely_column",
    "map_names",
    "match_cold_flow",
    "name_map_errors",
    "net_of_lag",
    "normalise",
    "nothing_matched",
    "own_revenue_plan",
    "parse_number",
    "pseudonymise",
    "pseudonymise_frame",
    "pseudonyms",
    "record_names",
    "records_with_ids",
    "simulated_stage_means",
    "skeleton",
    "skeleton_text",
    "stage_means",
    "unknown_user_columns",
    "unnamed_currency",
    "unsplit_paths",
    "unused_columns",
    "user_column_problems",
    "value_currency",
]

lazy_face(__name__)
