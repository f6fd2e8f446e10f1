"""Writing tables for people and other tools: CSV, Parquet, and Excel with one sheet a table."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from babel import Locale
from babel.numbers import get_currency_symbol
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from optimizer import step_unit
from sim import KPIS, UNDATED_TENURE, TeamsimError, format_number, title
from sim.rules import daily_dials
from sim.scenario import Scenario
from teamsim.declared import FORMATS as FORMATS  # read here by its users
from teamsim.format import ROW_UNITS, count_digits
from teamsim.plan_met_view import CHANCE_COLUMNS, definition, kpi_definition
from teamsim.plan_met_view import month_name as month_name_of
from teamsim.runs_io import stored_scenario
from teamsim.store import DETAIL_TABLES, Store
from teamsim.verify_view import titled_roles

EXCEL_MAX_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, one of them the header
# Sheets longer than this keep Excel's general format: the summaries are far shorter.
_FORMATTED_ROWS = 100_000

# What a reader opens first, in this order, after the 'about' sheet; every other summary
# table follows in its stored order, then the raw event tables (with --detail).
# plan_card: a plan's traceable arithmetic per role, when a run stores one.
SUMMARY_FIRST = (
    "kpis",
    "kpis_by_unit",  # a network's (issue 14)
    "plan_card",
    "plan_met",
    "attainment_by_month",
    "attainment_by_unit",
    "iterations",
    "quotas",
    "sweep_summary",
)

# Excel number formats: shares as percentages, money with separators and its currency,
# counts with separators and a decimal (a plan card's 13.3 deals a month), differences of
# shares in percentage points (values in points, teamsim.format.in_points).
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0.0"
POINTS_FORMAT = '0.0 "pp"'


def count_format(value: float) -> str:
    """A plan card count's Excel number format, by the CLI's one rule (count_digits).

    Three significant digits: 0.0385 -> "#,##0.00" (0.04, not 0.0), 48.35 -> "#,##0.0",
    2,315.2 -> "#,##0"; the cell keeps its unrounded value.
    """
    digits = count_digits(value)
    return "#,##0" + ("." + "0" * digits if digits else "")


def money_format(currency: str, locale: str | None = None) -> str:
    """The Excel number format of an amount in ``currency``: '#,##0 "EUR"' (150,000 EUR).

    In a scenario's named ``locale`` the currency's symbol is Babel's, where the locale's
    currency pattern puts it, as the terminal writes it: '#,##0 "₽"' (ru_RU),
    '"$"#,##0' (en_US); a symbol of letters is parted from the digits by a space.
    """
    if locale is None:
        return f'#,##0 "{currency}"'
    symbol = get_currency_symbol(currency, locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    gap = " " if unicodedata.category(symbol[-1] if symbol else " ")[0] != "S" else ""
    if pattern.lstrip("\u200e\u200f").startswith("\u00a4"):
        return f'"{symbol}{gap}"#,##0'
    return f'#,##0 "{symbol}"'


def workbook_locale(scenarios: Iterable[Scenario | None]) -> str | None:
    """The locale a workbook's month names and money symbol are written in.

    The scenarios' one ``locale`` when each names the same one (ru_RU: "март 2027 г.",
    "₽"), as the terminal writes them; None otherwise (English month names, the currency's
    ISO code), as a workbook of several scenarios cannot follow each one's.
    """
    found = {None if s is None else s.locale for s in scenarios}
    return found.pop() if len(found) == 1 else None


# The unit of a column, wherever it appears: the KPIs' (sim.KPIS, in kpi_replications,
# sweep summaries, comparison teams) and the tables' own money and share columns.
_COLUMN_UNITS: dict[str, str] = {
    **{k.name: k.unit for k in KPIS},
    **dict.fromkeys(
        ("revenue", "margin", "plan", "target", "cost_per_month", "monthly_cost", "budget"),
        "currency",
    ),
    **dict.fromkeys(
        (
            "p_met",
            *(name for names in CHANCE_COLUMNS.values() for name in names),
            "expected_attainment",
            "service_level",
            "expected_service_level",
            "simulated_utilisation",
            "days_dialled_share",
        ),
        "share",
    ),
}
# Columns whose unit is their table's: attainment's percentiles, P(plan met)'s interval.
_TABLE_UNITS: dict[str, dict[str, str]] = {
    "attainment_by_month": dict.fromkeys(("p10", "p50", "p90"), "share"),
    "attainment_by_unit": dict.fromkeys(("attainment", "p10", "p50", "p90"), "share"),
    "plan_met": dict.fromkeys(("mean", "ci_low", "ci_high"), "share"),
}
# A hiring plan's tables (issue 12; plan --hiring --excel's sheets and the stored run's):
# its revenue percentiles are money, its margins plan factors (no format).
_HIRING_MONEY = (
    *("expected_revenue", "expected_margin", "cost", "simulated_revenue", "p10", "p90"),
    *("delay_cost", "delay_revenue", "delay_margin", "delay_saving"),
)
for _name in ("calendar", "months", "months_verified", "iterations"):
    _TABLE_UNITS[_name] = _TABLE_UNITS[f"hiring_{_name}"] = dict.fromkeys(_HIRING_MONEY, "currency")

# Yes/no outcomes a replication (sim.Kpi.share: plan met or not): their percentiles are 0
# or 1 and say nothing, so the kpis sheet leaves them empty, as the terminal's KPI table does.
_CHANCE_KPIS = frozenset(k.name for k in KPIS if k.share)
_PERCENTILES = ("p10", "p50", "p90")

# Called after each table is written: tables done so far, and the table's name.
Progress = Callable[[int, str], None]

# Columns of the tables (sim.results) that place a row in time, and the column added
# beside each: a working-day index (0-based, the horizon's working days), a week index
# (0-based Monday-to-Sunday weeks from the first working day's), a horizon month index
# (0-based, as sim.Scenario.months), or minutes since midnight of the calendar's start.
_DAY_COLUMNS = {
    "day": "date",
    "created_day": "created_date",
    "closed_day": "closed_date",
    "started_day": "started_date",
}
_WEEK_COLUMNS = {"week": "week_from"}
_MONTH_COLUMNS = {"month": "month_name", "close_month": "close_month_name"}
_MINUTE_COLUMNS = {
    "created_min": "created_at",
    "closed_min": "closed_at",
    "time_min": "time_at",
    "arrived_min": "arrived_at",
    "started_min": "started_at",
}


def month_name(scenario: Scenario, month_index: int) -> str:
    """The n-th (0-based) month of the horizon as a reader writes it: 'March 2027'.

    ``teamsim.format.month_title`` (Babel), in English whatever the machine's locale or
    the scenario's: the column travels to the CSV and Parquet files too, beside the index.
    """
    return month_name_of(scenario.month_label(month_index))


def with_dates(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """A table with a calendar column beside each day, week, month and minute column.

    The one conversion from the simulator's offsets to dates, from the scenario's
    calendar (:meth:`sim.scenario.Calendar.working_dates`, :meth:`Scenario.calendar_month`):
    ``day`` 3 gets ``date`` (the fourth working day), ``week`` gets ``week_from`` (its
    Monday), ``month`` 2 gets ``month_name`` ('March 2027'), ``closed_min`` gets
    ``closed_at`` (a date and time). The original columns stay, for tools that join on
    them. Durations (``wait_min``, ``cycle_min``, ``minutes``) are left as they are.
    Offsets outside the horizon (a deal still open: NaN) give an empty cell.
    """
    columns = set(frame.columns)
    if not columns & {*_DAY_COLUMNS, *_WEEK_COLUMNS, *_MONTH_COLUMNS, *_MINUTE_COLUMNS}:
        return frame
    dates = scenario.calendar.working_dates()
    first_monday = dates[0] - dt.timedelta(days=dates[0].weekday())
    midnight = dt.datetime.combine(scenario.calendar.start, dt.time())
    out = frame.copy()

    def day(i: Any) -> dt.date | None:
        return dates[int(i)] if pd.notna(i) and 0 <= int(i) < len(dates) else None

    def week(i: Any) -> dt.date | None:
        return first_monday + dt.timedelta(weeks=int(i)) if pd.notna(i) else None

    def month(i: Any) -> str | None:
        return month_name(scenario, int(i)) if pd.notna(i) else None

    converters: list[tuple[dict[str, str], Callable[[Any], Any]]] = [
        (_DAY_COLUMNS, day),
        (_WEEK_COLUMNS, week),
        (_MONTH_COLUMNS, month),
    ]
    for names, convert in converters:
        for source, target in names.items():
            if source in columns and target not in columns:
                values = out[source]
                # Few distinct offsets (days, months): convert each once.
                mapping = {v: convert(v) for v in pd.unique(values)}
                _insert_after(out, source, target, values.map(mapping))
    for source, target in _MINUTE_COLUMNS.items():
        if source in columns and target not in columns:
            minutes = pd.to_numeric(out[source], errors="coerce")
            stamps = pd.Timestamp(midnight) + pd.to_timedelta(minutes, unit="min")
            _insert_after(out, source, target, stamps.dt.floor("s"))
    return out


# Id columns a person reads by title: each gets ``<column>_title`` beside it
# (sim.names.title); the ids stay, for tools that join on them.
TITLED_COLUMNS = ("role", "segment", "channel", "duty", "activity", "person")


def _titles(value: Any, scenario: Scenario) -> Any:
    if not isinstance(value, str) or not value:
        return value
    # The card's referrals of several channels ("partners+web"): each by its title.
    return " + ".join(title(part, scenario) for part in value.split("+"))


def with_titles(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """A table with a title column beside each id column (:data:`TITLED_COLUMNS`).

    ``role`` "supervisor" gets ``role_title`` "Sales supervisor", ``duty``
    "duty:competitor_review" gets ``duty_title`` "Competitor review" (sim.names.title,
    the terminal's words). The id columns stay as they are.
    """
    columns = [c for c in TITLED_COLUMNS if c in frame.columns and f"{c}_title" not in frame]
    if not columns:
        return frame
    out = frame.copy()
    for column in columns:
        mapping = {v: _titles(v, scenario) for v in pd.unique(out[column])}
        _insert_after(out, column, f"{column}_title", out[column].map(mapping))
    return out


def kpis_reported(kpis: pd.DataFrame) -> pd.DataFrame:
    """A KPI table as every output reports it: no percentiles for a yes/no KPI.

    A yes/no outcome a replication (``sim.Kpi.share``: plan met or not) has percentiles
    of 0 or 1 that say nothing: they are empty (NaN; null in JSON) in the CSV, Parquet,
    Excel and ``--json`` outputs alike, as the terminal's KPI table leaves them out.
    """
    if "kpi" not in kpis.columns:
        return kpis
    chance = kpis["kpi"].isin(_CHANCE_KPIS)
    columns = [c for c in _PERCENTILES if c in kpis.columns]
    if not columns or not chance.any():
        return kpis
    out = kpis.copy()
    for column in columns:
        out[column] = out[column].astype(float).mask(chance)
    return out


# The day and month columns of the simulator's tables (sim.results, sim.records) that
# may say "none", and the value that says it there: -1 where a day is never negative (a
# deal not closed, a wait never started, nobody joining or leaving in the horizon), the
# simulator's UNDATED_TENURE in ``tenure_from`` (whose negative days are real, before the
# horizon: a spell with no dated start).
NONE_DAYS: dict[str, int] = {
    "closed_day": -1,
    "close_month": -1,
    "started_day": -1,
    "joined_day": -1,
    "left_day": -1,
    "tenure_from": UNDATED_TENURE,
}


def none_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Every day column's "none" as one thing: an empty cell (:data:`NONE_DAYS`).

    The column stays whole numbers (pandas' nullable Int64): 12, an empty cell, -20;
    never 12.0 nor -1 nor -1000000000. CSV writes nothing, Parquet null, Excel an empty
    cell, and the date or month name beside it is empty too (:func:`with_dates`).
    """
    found = [c for c in NONE_DAYS if c in frame.columns]
    if not found:
        return frame
    out = frame.copy()
    for column in found:
        values = out[column].astype("Int64")
        out[column] = values.mask(values == NONE_DAYS[column])
    return out


def exported(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """A table as every export writes it: dates beside offsets, titles beside ids.

    A KPI table's yes/no KPIs without percentiles (:func:`kpis_reported`); "none" in a
    day column an empty cell, and so its date (:func:`none_days`).
    """
    return kpis_reported(with_titles(with_dates(none_days(frame), scenario), scenario))


def _insert_after(frame: pd.DataFrame, source: str, name: str, values: Any) -> None:
    frame.insert(list(frame.columns).index(source) + 1, name, values)


def ordered(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables in reading order: :data:`SUMMARY_FIRST`, other summaries, then raw tables."""
    first = [n for n in SUMMARY_FIRST if n in tables]
    rest = [n for n in tables if n not in first and n not in DETAIL_TABLES]
    raw = [n for n in tables if n in DETAIL_TABLES]
    return {n: tables[n] for n in (*first, *rest, *raw)}


def workbook_currency(scenarios: Iterable[Scenario | None]) -> str | None:
    """The currency a workbook's money is formatted in: its scenarios' one currency.

    The one rule every export follows (``teamsim runs export``, ``compare --excel``,
    ``sweep --excel`` and the dashboard's downloads). None when a scenario is unknown
    (a stored text that no longer validates) or the scenarios differ: then no money
    format is claimed, rather than a wrong currency.
    """
    found = {None if s is None else s.currency for s in scenarios}
    return found.pop() if len(found) == 1 else None


def kpis_defined(kpis: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """A KPI table with a ``definition`` column: every KPI's one line on its row.

    P(plan met)'s is the line every output shows beside it, in the scenario's
    ``plan.judged_on`` (teamsim.plan_met_view.definition); the others are
    ``Kpi.definition`` (sim/kpis.py), what ``per_replication`` counts.
    """
    if "kpi" not in kpis.columns or "definition" in kpis.columns:
        return kpis
    out = kpis.copy()
    out["definition"] = [kpi_definition(str(k), scenario) for k in out["kpi"]]
    return out


# The quotas table's stored key for the quota the verify loop set and simulated; exports
# name it as every view does (optimizer.RECOMMENDED_QUOTA), today's quota beside it.
_STORED_QUOTA = "quota_set"


def quotas_reported(quotas: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The verify loop's quotas as exported: ``recommended_quota`` with ``todays_quota``.

    A stored run keeps its key ``quota_set`` (the store is read back as written); its
    export names the column as the terminal titles it ("recommended quota") and puts
    today's quota beside it (sim.rules.people.daily_dials of the run's own scenario,
    the quota the plan card calls today's).
    """
    if _STORED_QUOTA not in quotas.columns or "role" not in quotas.columns:
        return quotas
    out = quotas.rename(columns={_STORED_QUOTA: "recommended_quota"})
    today = [
        daily_dials(scenario, str(r)) if str(r) in scenario.roles else None for r in out["role"]
    ]
    _insert_after(out, "recommended_quota", "todays_quota", today)
    return out


@dataclass(frozen=True)
class RunTables:
    """A stored run's tables as they are exported, and the scenario they came from."""

    tables: dict[str, pd.DataFrame]  # reading order (:func:`ordered`), dates beside offsets
    scenario: Scenario | None  # None: the stored scenario no longer validates

    @property
    def about(self) -> dict[str, str]:
        """Lines for the 'about' sheet: P(plan met)'s definition where the KPIs have it."""
        kpis = self.tables.get("kpis")
        if self.scenario is None or kpis is None or "kpi" not in kpis.columns:
            return {}
        text = definition(self.scenario)
        return {"plan_met_definition": text} if text and (kpis["kpi"] == "plan_met").any() else {}

    @property
    def currency(self) -> str | None:
        """The money's currency (:func:`workbook_currency`); None when unknown."""
        return workbook_currency([self.scenario])

    @property
    def locale(self) -> str | None:
        """The locale of its month names and money symbol (:func:`workbook_locale`)."""
        return workbook_locale([self.scenario])


def run_tables(store: Store, meta: Mapping[str, Any], *, detail: bool) -> RunTables:
    """A stored run's tables for export: summaries, and the raw tables with ``detail``.

    ``meta``: the run's :meth:`Store.run_meta`. In reading order (:func:`ordered`), with
    dates beside the day, week, month and minute columns (:func:`with_dates`) when the
    run's scenario still validates, and role titles for ids in the iterations' capacity
    factors and days held. The CLI's ``runs export`` and the dashboard's Runs
    page both export through here, so their workbooks agree.

    Raises:
        StoreError: a table cannot be read.
    """
    names = [n for n in meta["tables"] if detail or n not in DETAIL_TABLES]
    run_id = str(meta["run_id"])
    tables = ordered({n: store.load_table(run_id, n) for n in names})
    try:
        scenario: Scenario | None = stored_scenario(meta)
    except TeamsimError:
        scenario = None
    if scenario is not None:
        tables = {n: exported(f, scenario) for n, f in tables.items()}
        if "kpis" in tables:
            tables["kpis"] = kpis_defined(tables["kpis"], scenario)
        if "quotas" in tables:
            tables["quotas"] = quotas_reported(tables["quotas"], scenario)
        if "iterations" in tables:
            tables["iterations"] = iterations_titled(tables["iterations"], scenario)
    return RunTables(tables, scenario)


# The iterations' worded columns that name roles ("client_manager 1.00, ...").
_ROLE_WORDED = ("capacity_factor", "days_held")


def iterations_titled(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The iterations with role titles for ids: "Client manager 1.00".

    As the terminal's verify iterations table words them (``teamsim.verify_view``).
    """
    out = frame.copy()
    for column in (c for c in _ROLE_WORDED if c in out.columns):
        out[column] = [
            v if not isinstance(v, str) else titled_roles(v, scenario) for v in out[column]
        ]
    return out


class ExportError(TeamsimError):
    """A file could not be written (a read-only folder, a full disk)."""


@contextmanager
def _writing(where: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        # "File exists" or "Not a directory" when a folder on the way is a file: say which.
        blocker = next((p for p in where.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else exc.strerror or exc
        raise ExportError(f"cannot write {where}: {reason}") from None


def check_workbook_path(path: Path, option: str = "--excel") -> None:
    """Refuse a workbook path that cannot be written, before any work starts.

    The folder it goes in must exist (a mistyped folder is not made: nothing is written
    where nobody looks) and be a folder one may write in; the path must name a .xlsx
    file, not a folder. Said with the option, the path and what to do.

    Raises:
        ExportError: Naming ``option``, the path and why (exit code 2).
    """
    said = f"{option} {path}"
    if path.is_dir():
        raise ExportError(f"{said}: is a folder; give a file name ending .xlsx in it")
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{said}: expected a file name ending .xlsx")
    folder = path.parent
    blocker = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise ExportError(f"{said}: {blocker} is a file, not a folder")
    if not folder.exists():
        raise ExportError(
            f"{said}: the folder {folder} does not exist; create it first or give a path "
            "in an existing folder"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"{said}: the folder {folder} cannot be written to")


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    folder: Path,
    formats: tuple[str, ...] = ("parquet",),
    progress: Progress | None = None,
) -> list[Path]:
    """Write each table as ``folder/NAME.csv`` / ``.parquet``; return the files written."""
    written: list[Path] = []
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for k, (name, frame) in enumerate(tables.items(), start=1):
            if "csv" in formats:
                written.append(folder / f"{name}.csv")
                frame.to_csv(written[-1], index=False)
            if "parquet" in formats:
                written.append(folder / f"{name}.parquet")
                frame.to_parquet(written[-1], index=False)
            if progress is not None:
                progress(k, name)
    return written


def write_workbook(
    path: Path,
    tables: Mapping[str, pd.DataFrame],
    about: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    currency: str | None = None,
    locale: str | None = None,
) -> Path:
    """An Excel workbook a person can read: an 'about' sheet, then one sheet per table.

    With ``currency`` (ISO 4217, the tables' money), shares are formatted as percentages
    and money as '150,000 EUR', the 'about' sheet names the currency and a ``unit`` column
    says "EUR" where the tables say "currency"; without it the caller formats its own
    sheets. A month index beside its name (``month`` and
    ``month_name``) gives way to the name ("March 2027"): the CSV and Parquet files keep
    both, for tools that join on the index. With ``locale`` (:func:`workbook_locale`) the
    month names and the money's symbol are that locale's ("март 2027 г.", '#,##0 "₽"').
    """
    notes = dict(about or {})
    if currency:
        notes["currency"] = f"{currency}: every amount of money in this workbook"
    shown = {n: _for_people(n, f, currency, locale) for n, f in tables.items()}
    # Without a currency the caller formats its own sheets (calibrate's workbook does).
    formats = (
        {
            "share": PERCENT_FORMAT,
            "points": POINTS_FORMAT,
            "count": COUNT_FORMAT,
            "currency": money_format(currency, locale),
            currency: money_format(currency, locale),
        }
        if currency
        else {}
    )
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        _workbook(path, shown, notes, progress=progress, formats=formats)
    return path


def _for_people(
    name: str, frame: pd.DataFrame, currency: str | None, locale: str | None = None
) -> pd.DataFrame:
    """A table as a sheet shows it: month names for month indexes, the currency named.

    A plan card gets a ``unit`` a row (:func:`_plan_card_units`), so each row is formatted
    as what it counts; the KPIs' yes/no outcomes lose their percentiles (0 or 1).
    """
    shown = frame
    for index, month in _MONTH_COLUMNS.items():
        if index in shown.columns and month in shown.columns:
            names = shown[month]
            if locale is not None:
                names = names.map(lambda n: _in_locale(n, locale))
            shown = shown.drop(columns=[index]).assign(**{month: names})
            shown = shown.rename(columns={month: index})
    if name == "plan_card" and "unit" not in shown.columns and "step" in shown.columns:
        shown = shown.copy()
        _insert_after(shown, "name", "unit", _plan_card_units(shown["step"]))
    if name == "kpis":
        shown = kpis_reported(shown)
    if currency:
        for column in ("unit", *shown.attrs.get(ROW_UNITS, {}).values()):
            if column in shown.columns:
                shown = shown.assign(**{column: shown[column].replace({"currency": currency})})
    return shown


def _in_locale(name: Any, locale: str) -> Any:
    """An English month name of :func:`month_name` ("March 2027") in ``locale``."""
    if not isinstance(name, str):
        return name
    month, _, year = name.partition(" ")
    number = _ENGLISH_MONTHS.get(month)
    if number is None or not year.isdigit():
        return name
    return month_name_of(f"{year}-{number:02d}", locale)


_ENGLISH_MONTHS = {str(n): i for i, n in Locale.parse("en").months["format"]["wide"].items()}


def _plan_card_units(steps: pd.Series) -> list[str]:
    """Each stored plan card row's unit, by the card's own rule (optimizer.step_unit)."""
    return [step_unit(str(s)) for s in steps]


def _unit_of(table: str, column: str) -> str | None:
    return _TABLE_UNITS.get(table, {}).get(column) or _COLUMN_UNITS.get(column)


# How pandas' ``to_excel`` writes values (pandas.io.excel, ExcelWriter._value_with_fmt and
# ExcelFormatter): the workbook was written by it before write-only mode, and keeps its
# cells: a missing value as an empty cell, an infinity as "inf", dates and times with
# these number formats, the header bold, boxed and centred.
_NA, _INF = "", "inf"
_DATE_FORMAT, _DATETIME_FORMAT = "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS"
_THIN = Side(style="thin")
_HEADER_FONT = Font(bold=True)
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="top")


def _column_formats(name: str, frame: pd.DataFrame, formats: Mapping[str, str]) -> list[Any]:
    """Each column's number format: None, one for the column, or a list (one per row).

    Percent and money formats by the column the frame's ``attrs[ROW_UNITS]`` names for a
    column, else by a column's own unit (:func:`_unit_of`), else by the row's ``unit``;
    ``formats``: unit ("share", "currency", the currency's code,
    "count", "points") -> Excel number format. Yes/no columns stay TRUE/FALSE.
    """
    found: list[Any] = [None] * len(frame.columns)
    if not formats or len(frame) > _FORMATTED_ROWS:
        return found  # a raw event table: formatting a million cells costs minutes
    row_units: Mapping[str, str] = frame.attrs.get(ROW_UNITS, {})
    for i, header in enumerate(frame.columns):
        column = frame[header]
        if (
            not pd.api.types.is_numeric_dtype(column)
            or pd.api.types.is_bool_dtype(column)
            or header == "n"
        ):
            continue
        fixed = _unit_of(name, str(header))
        units = row_units.get(str(header), "unit")
        if str(header) in row_units or (fixed is None and units in frame.columns):
            found[i] = [formats.get(str(u)) for u in frame[units]]
        elif fixed is not None:
            found[i] = formats.get(fixed)
    return found


def _excel_value(value: Any) -> tuple[Any, str | None]:
    """A value as pandas writes it to a cell, with the number format it gives it."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return _NA, None
    if pd.api.types.is_bool(value):
        return bool(value), None
    if pd.api.types.is_integer(value):
        return int(value), None
    if pd.api.types.is_float(value):
        if math.isinf(value):
            return (_INF if value > 0 else f"-{_INF}"), None
        return float(value), None
    if isinstance(value, dt.datetime):
        return value, _DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, _DATE_FORMAT
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400, "0"
    return str(value), None


def _column_values(column: pd.Series) -> tuple[list[Any], list[str | None] | None]:
    """A column's cell values (:func:`_excel_value`) and their formats (None: none)."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return column.tolist(), None  # Python ints and bools: written as they are
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = column.tolist()
        # Fast path of _excel_value for plain floats: NaN empty, infinities as text.
        return [
            (_NA if v != v else (_INF if v > 0 else f"-{_INF}") if math.isinf(v) else v)
            for v in values
        ], None
    pairs = [_excel_value(v) for v in column.tolist()]
    formats = [f for _, f in pairs]
    return [v for v, _ in pairs], (formats if any(formats) else None)


def _write_sheet(
    book: Workbook, title: str, *, name: str, frame: pd.DataFrame, formats: Mapping[str, str]
) -> None:
    """One sheet, row by row (openpyxl's write-only mode: no cell kept in memory).

    A cell object only where a cell has a number format; every other value is written
    as it is, which is what makes a raw table of a million cells fast to write.
    """
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        sample = frame[column].head(200).astype(str).map(len)
        width = max([len(str(column)), *sample.tolist()]) if len(sample) else len(str(column))
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    header = []
    for column in frame.columns:
        cell = WriteOnlyCell(sheet, value=_excel_value(column)[0])
        cell.font, cell.border = _HEADER_FONT, _HEADER_BORDER
        cell.alignment = _HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    columns: list[list[Any]] = []
    for column, unit_format in zip(
        frame.columns, _column_formats(name, frame, formats), strict=True
    ):
        values, kinds = _column_values(frame[column])
        if isinstance(unit_format, str):
            kinds = [unit_format] * len(values)
        elif isinstance(unit_format, list):
            kinds = unit_format
        if kinds is not None and name == "plan_card":
            # A plan card's counts read as the CLI writes them (three significant digits).
            kinds = [
                count_format(v) if f == COUNT_FORMAT and isinstance(v, float) else f
                for v, f in zip(values, kinds, strict=True)
            ]
        if kinds is not None:
            values = [_styled(sheet, v, f) for v, f in zip(values, kinds, strict=True)]
        columns.append(values)
    for row in zip(*columns, strict=True):
        sheet.append(row)


def _styled(sheet: Any, value: Any, number_format: str | None) -> Any:
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _workbook(
    path: Path,
    tables: Mapping[str, pd.DataFrame],
    notes: dict[str, Any],
    progress: Progress | None,
    formats: Mapping[str, str],
) -> None:
    # Write-only: rows go to the file as they are appended; a normal workbook keeps a
    # cell object per value and serialises them all at the end (3x the time, measured
    # on a run's raw tables).
    book = Workbook(write_only=True)
    for name, frame in tables.items():
        if len(frame) > EXCEL_MAX_ROWS:
            notes[f"note: {name}"] = (
                f"{format_number(len(frame), 0)} rows; the sheet holds the first "
                f"{format_number(EXCEL_MAX_ROWS, 0)} "
                "(CSV and Parquet exports hold all)"
            )
    # One rule for every sheet: a table with no rows is left out (an empty sheet reads as
    # a failed export), and the 'about' sheet names it.
    empty = [name for name, frame in tables.items() if frame.empty]
    if empty:
        notes["left out (no rows)"] = ", ".join(empty)
    taken: set[str] = set()
    if notes:
        about_frame = pd.DataFrame({"item": list(notes), "value": [str(v) for v in notes.values()]})
        _write_sheet(book, "about", name="about", frame=about_frame, formats={})
        taken.add("about")
    for k, (name, frame) in enumerate(tables.items(), start=1):
        if name not in empty:
            sheet = sheet_name(name, taken)
            taken.add(sheet)
            _write_sheet(book, sheet, name=name, frame=frame.head(EXCEL_MAX_ROWS), formats=formats)
        if progress is not None:
            progress(k, name)
    book.save(path)


# Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\, unique in a
# workbook whatever the case. A name that ends in punctuation or a space reads as cut off.
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]+")
_SHEET_END = " ,;.-_'\""


def sheet_name(name: str, taken: Collection[str] = ()) -> str:
    """A table's sheet name, clean and unique among ``taken``: the one rule for workbooks.

    Excel's forbidden characters become a space, the name is cut to 31 characters and
    loses trailing punctuation and spaces ("replications B2B inside sales, " ->
    "replications B2B inside sales"); a name already taken (in any case) gets " (2)",
    " (3)", ... within the 31 characters.
    """
    clean = " ".join(_SHEET_FORBIDDEN.sub(" ", name).split())
    base = clean[:SHEET_NAME_MAX].rstrip(_SHEET_END).lstrip("'") or "sheet"
    used = {t.casefold() for t in taken}
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip(_SHEET_END) + suffix
        n += 1
    return candidate
