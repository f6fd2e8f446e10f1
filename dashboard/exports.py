"""Downloads: Excel workbooks and zipped CSV files as bytes for ``st.download_button``."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from teamsim.export import write_workbook

__all__ = ["csv_zip", "workbook_bytes"]


def workbook_bytes(tables: Mapping[str, pd.DataFrame], about: Mapping[str, Any]) -> bytes:
    """The workbook ``teamsim`` writes (an about sheet, a sheet a table), as bytes."""
    with tempfile.TemporaryDirectory(prefix="teamsim-") as folder:
        return write_workbook(Path(folder) / "export.xlsx", tables, about).read_bytes()


def csv_zip(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """A zip of one CSV file per table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", frame.to_csv(index=False))
    return buffer.getvalue()
