"""Downloads: Excel workbooks and zipped CSV files as bytes for ``st.download_button``.

The workbooks are the ones ``teamsim`` writes (:mod:`teamsim.export`): the same tables in
the same order, money formatted in the currency the CLI's export names
(:func:`teamsim.export.workbook_currency`).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from teamsim.compare import Comparison, comparison_sheets
from teamsim.export import run_tables, workbook_currency, write_workbook
from teamsim.store import Store

__all__ = ["comparison_workbook_bytes", "csv_zip", "run_workbook_bytes", "workbook_bytes"]


def workbook_bytes(
    tables: Mapping[str, pd.DataFrame],
    about: Mapping[str, Any],
    *,
    currency: str | None,
    locale: str | None = None,
) -> bytes:
    """The workbook ``teamsim`` writes (an about sheet, a sheet a table), as bytes.

    ``currency``: the tables' money (ISO 4217, :func:`teamsim.export.workbook_currency`);
    None writes no number formats. Asked for by keyword so that no caller forgets it.
    ``locale``: the month names' and money symbol's (:func:`teamsim.export.workbook_locale`),
    as the terminal's and ``teamsim``'s workbooks write them; None, English and ISO codes.
    """
    with tempfile.TemporaryDirectory(prefix="teamsim-") as folder:
        path = write_workbook(
            Path(folder) / "export.xlsx", tables, about, currency=currency, locale=locale
        )
        return path.read_bytes()


def run_workbook_bytes(store: Store, run_id: str, about: Mapping[str, Any]) -> bytes:
    """A stored run's workbook, as ``teamsim runs export --detail`` writes it.

    Every stored table (the raw ones too: the page offers no choice), in reading order,
    with dates beside offsets and money in the run's currency (:func:`teamsim.export.run_tables`).
    """
    exported = run_tables(store, store.run_meta(run_id), detail=True)
    return workbook_bytes(
        exported.tables,
        {**about, **exported.about},
        currency=exported.currency,
        locale=exported.locale,
    )


def comparison_workbook_bytes(result: Comparison, about: Mapping[str, Any]) -> bytes:
    """A comparison's workbook, as ``teamsim compare --excel`` writes it."""
    currency = workbook_currency(s.scenario for s in result.sides)
    return workbook_bytes(comparison_sheets(result), about, currency=currency, locale=result.locale)


def csv_zip(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """A zip of one CSV file per table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", frame.to_csv(index=False))
    return buffer.getvalue()
