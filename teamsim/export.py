"""Writing tables for people and other tools: CSV, Parquet, and Excel with one sheet a table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sim import TeamsimError

EXCEL_MAX_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, one of them the header
FORMATS = ("csv", "parquet", "xlsx")


class ExportError(TeamsimError):
    """A file could not be written (a read-only folder, a full disk)."""


@contextmanager
def _writing(where: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise ExportError(f"cannot write {where}: {exc.strerror or exc}") from None


def write_tables(
    tables: Mapping[str, pd.DataFrame], folder: Path, formats: tuple[str, ...] = ("parquet",)
) -> list[Path]:
    """Write each table as ``folder/NAME.csv`` / ``.parquet``; return the files written."""
    written: list[Path] = []
    with _writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            if "csv" in formats:
                written.append(folder / f"{name}.csv")
                frame.to_csv(written[-1], index=False)
            if "parquet" in formats:
                written.append(folder / f"{name}.parquet")
                frame.to_parquet(written[-1], index=False)
    return written


def write_workbook(
    path: Path, tables: Mapping[str, pd.DataFrame], about: Mapping[str, Any] | None = None
) -> Path:
    """An Excel workbook a person can read: an 'about' sheet, then one sheet per table."""
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        _workbook(path, tables, dict(about or {}))
    return path


def _workbook(path: Path, tables: Mapping[str, pd.DataFrame], notes: dict[str, Any]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        clipped = {}
        for name, frame in tables.items():
            if len(frame) > EXCEL_MAX_ROWS:
                clipped[name] = len(frame)
        for name, rows in clipped.items():
            notes[f"note: {name}"] = (
                f"{rows:,} rows; the sheet holds the first {EXCEL_MAX_ROWS:,} "
                "(CSV and Parquet exports hold all)"
            )
        if notes:
            about_frame = pd.DataFrame(
                {"item": list(notes), "value": [str(v) for v in notes.values()]}
            )
            about_frame.to_excel(writer, sheet_name="about", index=False)
            _style(writer.sheets["about"], about_frame)
        for name, frame in tables.items():
            sheet = _sheet_name(name, set(writer.sheets))
            shown = frame.head(EXCEL_MAX_ROWS)
            shown.to_excel(writer, sheet_name=sheet, index=False)
            _style(writer.sheets[sheet], shown)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = name[:31]
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:28]}_{n}"
        n += 1
    return candidate


def _style(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Bold header, frozen top row, columns wide enough to read."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        sample = frame[column].head(200).astype(str).map(len)
        width = max([len(str(column)), *sample.tolist()]) if len(sample) else len(str(column))
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
