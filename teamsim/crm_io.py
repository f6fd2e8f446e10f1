"""Writing a simulated CRM history (calibrate.crm) as the files a team would export.

Four CSV files (deals, stage history, activities, the team) in UTF-8 with ISO dates and
the canonical column names of calibrate.contract, so ``teamsim calibrate`` reads them
back with no mapping, and a README.md that says they are synthetic and how they were made.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from calibrate import ROW, Kind
from teamsim.export import ExportError

__all__ = ["MARKER", "README", "check_folder", "file_name", "write_crm"]

README = "README.md"
# The README's first line: it marks a folder as a previous export that may be overwritten.
MARKER = "# Synthetic CRM export, written by the teamsim simulator"
DECIMALS = 2  # minutes and days away: a hundredth is finer than any CRM records them

_ABOUT = """\
These files are **synthetic**: no real team, client or deal is in them. The teamsim
simulator played out a scenario's working days and wrote what a CRM would hold, in the
column names `teamsim calibrate` recognises without any mapping.

{note}

| file | one row per | columns |
|---|---|---|
| `deals.csv` | deal (open deals included) | {deals} |
| `stages.csv` | deal and stage it entered | {stages} |
| `activities.csv` | person, day, kind, channel and outcome | {activities} |
| `team.csv` | person | {team} |

- Dates are ISO (YYYY-MM-DD); an empty `closed` is an open deal.
- `stage`: an open deal's current stage, the stage a lost deal was lost at, a won deal's
  last stage. `value`: the segment's deal value on every deal (the amount a CRM shows);
  revenue is the value of won deals.
- `account` is empty on repeat sales (the simulator does not record which client repeats).
- Activities: `dial`, `connect`, `conversation` (outcome `callback` for call-backs, which
  have no dial of their own), `booking`, `meeting` (held), `proposal` (sent), `other`
  with outcome `follow_up` (conversations that asked for a call-back). `minutes` are the
  day's call time on the `dial` row and the day's meeting time on the `meeting` row when
  that day's calls or meetings were of one channel, else empty.
- `team.start` is implied by each person's ramp on the first day; `days_away` is the days
  away in the simulated period scaled to a year.
- The warm-up days are included, as a real CRM would have them.
"""


def file_name(kind: Kind) -> str:
    """The file a table is written to: ``deals.csv``, ``stages.csv``, ..."""
    return f"{kind.value}.csv"


def write_crm(
    tables: Mapping[Kind, pd.DataFrame], folder: Path, *, synthetic_note: str
) -> list[Path]:
    """Write the canonical tables as CSV files and a README.md into ``folder``.

    Args:
        tables: Canonical tables by kind (calibrate.crm.export_crm); the ``row`` column
            is dropped. Whole-number columns are written without decimals, other
            numbers to two decimals; empty values as empty fields.
        folder: Created if missing. A folder that holds anything but a previous export
            (its README.md starting with ``MARKER`` and only the export's files) is
            refused, so no unrelated file is overwritten.
        synthetic_note: Where the files come from (scenario, seed, replication, the
            command that regenerates them), written into the README.

    Returns:
        The files written: one CSV per table (in ``Kind`` order), then README.md.

    Raises:
        ExportError: If the folder holds other files, is a file, or cannot be written.
    """
    check_folder(folder)
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind in Kind:
            if kind not in tables:
                continue
            path = folder / file_name(kind)
            _for_csv(tables[kind]).to_csv(
                path, index=False, encoding="utf-8", date_format="%Y-%m-%d"
            )
            written.append(path)
        readme = folder / README
        readme.write_text(_readme(tables, synthetic_note), encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write {folder}: {exc.strerror or exc}") from None
    return [*written, readme]


def check_folder(folder: Path) -> None:
    """Refuse a folder ``write_crm`` must not write into (said before a long run).

    Raises:
        ExportError: If ``folder`` is a file, or a non-empty folder that is not a
            previous export (README.md starting with ``MARKER``, only the export's files).
    """
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file: give a folder for the CRM export")
    if not folder.exists():
        return
    ours = {file_name(k) for k in Kind} | {README}
    entries = sorted(p.name for p in folder.iterdir())
    if not entries:
        return
    others = [name for name in entries if name not in ours]
    if not others and _is_export(folder / README):
        return
    shown = ", ".join((others or entries)[:5]) + (" ..." if len(others or entries) > 5 else "")
    raise ExportError(
        f"{folder} is not empty and holds no earlier CRM export ({shown}): "
        "give a new or empty folder, so that no other file is overwritten"
    )


def _is_export(readme: Path) -> bool:
    try:
        with readme.open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\n") == MARKER
    except (OSError, UnicodeDecodeError):
        return False


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as written: no ``row``; counts as integers, other numbers rounded."""
    out = frame.drop(columns=[ROW], errors="ignore").copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != np.float64:
            continue
        finite = values.dropna()
        if (finite == np.round(finite)).all():
            out[column] = values.astype("Int64")
        else:
            out[column] = values.round(DECIMALS)
    return out


def _readme(tables: Mapping[Kind, pd.DataFrame], note: str) -> str:
    columns = {
        k.value: ", ".join(f"`{c}`" for c in tables[k].columns if c != ROW)
        if k in tables
        else "(not written)"
        for k in Kind
    }
    return f"{MARKER}\n\n" + _ABOUT.format(note=note.strip(), **columns)
