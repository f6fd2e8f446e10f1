"""Reading a team's own records: CSV or Excel exports of a CRM, into calibrate's tables.

The file-system side of calibration: the encoding and delimiter of a CSV, the sheet of a
workbook, the user's column and stage mappings. Everything read is handed to
calibrate.records as strings; a user's bad file becomes a RowProblem, never a traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import shlex
import warnings
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import charset_normalizer
import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from calibrate import (
    Kind,
    Records,
    RowProblem,
    combine,
    header_row,
    likely_column,
    normalise,
    parse_number,
    unknown_user_columns,
    unused_columns,
    user_column_problems,
    value_currency,
)
from sim import TeamsimError

# How much of a file the delimiter is sniffed from and binary content looked for.
_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = ",;\t"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) container
_BINARY = "is not a CSV or Excel file (looks binary)"
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})


def _not_workbook(reason: str) -> str:
    return f"is not a valid .xlsx workbook (could not be opened: {reason})"


# The first rows looked at for a header below a title (calibrate.header_row looks at as
# many), and for the delimiter when the sniffer gives up.
_HEAD_ROWS = 11


class MappingError(TeamsimError, ValueError):
    """A ``--column`` or ``--stage`` mapping (or mapping file) that cannot be read."""


def _fatal(path: Path, message: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    return pd.DataFrame(), [RowProblem(str(path), None, None, message, fatal=True)]


@dataclasses.dataclass(frozen=True)
class _Loaded:
    """A file's content before it is split into a frame: CSV text, or an Excel sheet."""

    text: str | None = None  # CSV
    delimiter: str = ","
    book: pd.ExcelFile | None = None  # .xlsx
    sheet: str | int = 0
    # The encoding a CSV was decoded with when it was guessed (not UTF-8, no BOM): a note.
    guessed: str | None = None


def read_raw(path: Path, *, sheet: str | None = None) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A CSV or .xlsx file's cells, all as str ("" where empty), nothing parsed yet.

    CSV: the encoding is utf-8 (a BOM allowed) or else what charset-normalizer detects
    (cp1251 included; UTF-16 by its BOM); the delimiter is sniffed among comma, semicolon
    and tab; quoted fields as in RFC 4180. Excel .xlsx: the named sheet, or the first.
    The header row gives the column names (stripped); record i is file row i + 1.
    (``read_records`` also finds a header below a title row; this function does not.)

    Returns:
        The cells, and problems: a fatal one (and an empty frame) when the file is
        missing, empty, has only a header, is binary, or cannot be split into rows.
    """
    loaded = _load(path, sheet=sheet)
    if isinstance(loaded, list):
        return pd.DataFrame(), loaded
    return _frame(loaded, source=str(path), skip=0)


def _load(path: Path, *, sheet: str | None) -> _Loaded | list[RowProblem]:
    """The file decoded (a CSV's text and delimiter) or opened (a workbook's sheet)."""
    if not path.exists():
        return _fatal(path, "no such file")[1]
    if path.is_dir():
        return _fatal(path, "is a directory; expected a CSV or Excel file")[1]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fatal(path, f"cannot be read: {exc.strerror or exc}")[1]
    if not data.strip():
        return _fatal(path, "is empty; expected a header row and at least one record")[1]
    if data.startswith(_ZIP):
        return _open_xlsx(data, source=str(path), sheet=sheet)
    if data.startswith(_OLE):
        return _fatal(path, "is an old Excel .xls workbook; save it as .xlsx or CSV")[1]
    text, guessed = _decoded(data)
    if text is None and path.suffix.lower() in _WORKBOOK_SUFFIXES:
        # Every workbook is binary: say why this one does not open, not that it is binary.
        return _open_xlsx(data, source=str(path), sheet=sheet)
    if text is None:
        return _fatal(path, _BINARY)[1]
    return _Loaded(text=text, delimiter=_delimiter(text), guessed=guessed)


def _frame(loaded: _Loaded, *, source: str, skip: int) -> tuple[pd.DataFrame, list[RowProblem]]:
    """The cells below the header, which is the file's line ``skip + 1``."""
    if loaded.book is not None:
        frame, problems = _read_xlsx(loaded.book, source=source, sheet=loaded.sheet, skip=skip)
    else:
        assert loaded.text is not None
        frame, problems = _read_csv(
            loaded.text, source=source, delimiter=loaded.delimiter, skip=skip
        )
    if problems:
        return frame, problems
    frame.columns = pd.Index([str(c).strip() for c in frame.columns])
    if frame.empty:
        return _fatal(Path(source), "has a header row but no records")
    return frame, []


def _open_xlsx(data: bytes, *, source: str, sheet: str | None) -> _Loaded | list[RowProblem]:
    """A workbook's sheet; a file that is no workbook is a fatal problem saying why.

    A file named .xlsx that cannot be opened is "not a valid .xlsx workbook" with the
    reason; another name (a ZIP archive given as a CSV) is "not a CSV or Excel file".
    """
    named = Path(source).suffix.lower() in _WORKBOOK_SUFFIXES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                why = "a ZIP archive with no xl/workbook.xml in it"
                return _fatal(Path(source), _not_workbook(why) if named else _BINARY)[1]
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
    except zipfile.BadZipFile as exc:
        return _fatal(Path(source), _not_workbook(str(exc)) if named else _BINARY)[1]
    except (KeyError, OSError, ValueError) as exc:
        return _fatal(Path(source), _not_workbook(str(exc)))[1]
    names = [str(n) for n in book.sheet_names]
    if sheet is not None and sheet not in names:
        listed = ", ".join(f"'{n}'" for n in names)
        return _fatal(Path(source), f"has no sheet '{sheet}' (sheets: {listed})")[1]
    return _Loaded(book=book, sheet=sheet if sheet is not None else 0)


def _read_xlsx(
    book: pd.ExcelFile, *, source: str, sheet: str | int, skip: int
) -> tuple[pd.DataFrame, list[RowProblem]]:
    try:
        frame = book.parse(sheet, header=skip, dtype=str, keep_default_na=False)
    except (KeyError, OSError, ValueError) as exc:
        return _fatal(Path(source), f"cannot be read as an Excel workbook: {exc}")
    if len(frame.columns) == 0:
        return _fatal(Path(source), "is empty; expected a header row and at least one record")
    return frame, []


def _head(loaded: _Loaded) -> list[tuple[int, list[str]]]:
    """The file's first rows, each with its 1-based line (a CSV's physical line)."""
    wanted = _HEAD_ROWS
    if loaded.book is not None:
        try:
            top = loaded.book.parse(
                loaded.sheet, header=None, nrows=wanted, dtype=str, keep_default_na=False
            )
        except (KeyError, OSError, ValueError):
            return []
        return [(i + 1, [str(c) for c in row]) for i, row in enumerate(top.itertuples(False))]
    assert loaded.text is not None
    # The top only: a StringIO of a whole 100 MB export would be a copy four times its size.
    reader = csv.reader(io.StringIO(loaded.text[:_SAMPLE_BYTES]), delimiter=loaded.delimiter)
    rows = []
    try:
        for _ in range(wanted):
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            rows.append((line, row))
    except csv.Error:
        pass  # a broken quote: the frame's reading says where
    return rows


def _decode(data: bytes) -> str | None:
    """The file's text, or None when it is not text."""
    return _decoded(data)[0]


def _decoded(data: bytes) -> tuple[str | None, str | None]:
    """The file's text (None: not text) and the encoding when it was guessed.

    UTF-8 and a BOM's UTF-16 are certain (None); cp1251 by its Cyrillic words, or what
    charset-normalizer finds, is a guess: the caller says it as a note.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, None
    if b"\x00" in data[:_SAMPLE_BYTES]:
        return None, None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    if _looks_cp1251(data):
        return data.decode("cp1251", errors="replace"), "cp1251"
    best = charset_normalizer.from_bytes(data).best()
    return (None, None) if best is None else (str(best), best.encoding)


# What a guessed encoding is called in the note (charset-normalizer's names otherwise).
_ENCODINGS = {
    "cp1251": "cp1251 (Windows Cyrillic)",
    "cp1252": "cp1252 (Windows Western European)",
    "latin_1": "latin-1 (ISO 8859-1)",
    "cp1250": "cp1250 (Windows Central European)",
    "koi8_r": "KOI8-R (Cyrillic)",
}


def _encoding_note(source: str, encoding: str) -> RowProblem:
    """The note that a CSV was read in a guessed encoding (it is not UTF-8)."""
    named = _ENCODINGS.get(encoding, encoding)
    message = (
        f"read as {named}: the file is not UTF-8 and names no encoding, so it was guessed "
        "from its bytes; if names or stages read wrong, save the file as CSV UTF-8"
    )
    return RowProblem(source, None, None, message, note=True)


_CP1251_LETTERS = frozenset(range(0xC0, 0x100)) | {0xA8, 0xB8}  # А-я, Ё, ё


def _looks_cp1251(data: bytes) -> bool:
    """Whether the non-ASCII bytes read as Russian words in cp1251.

    A mostly-Latin export with a few Cyrillic names is too little for charset-normalizer,
    which then picks another single-byte code page and garbles the names. Cyrillic words
    are runs of high bytes; a Western code page's accents (ä, é, ß) mostly stand alone
    among ASCII letters. So: at least 70 % of the high letters have a high neighbour.
    """
    sample = data[: _SAMPLE_BYTES * 4]
    high = [i for i, b in enumerate(sample) if b in _CP1251_LETTERS]
    if len(high) < 3:
        return False
    marks = set(high)
    paired = sum(1 for i in high if i - 1 in marks or i + 1 in marks)
    return paired >= 0.7 * len(high)


def _delimiter(text: str) -> str:
    sample = text[:_SAMPLE_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # The sniffer gives up on short or irregular files (a title line above the
        # header): take the delimiter most lines of the top have most of, comma when
        # none has any. A title's one comma does not outvote a header's five semicolons.
        lines = [line for line in sample.splitlines()[: _HEAD_ROWS + 1] if line.strip()]
        usual = {d: _usual_count(line.count(d) for line in lines) for d in _DELIMITERS}
        best = max(usual, key=lambda d: usual[d])
        return best if usual[best] else ","


def _usual_count(counts: Iterable[int]) -> int:
    """The most frequent count (the larger one on a tie)."""
    tally = Counter(counts)
    return max(tally, key=lambda n: (tally[n], n)) if tally else 0


def _read_csv(
    text: str, *, source: str, delimiter: str, skip: int
) -> tuple[pd.DataFrame, list[RowProblem]]:
    body = _after_lines(text, skip)
    try:
        with warnings.catch_warnings():
            # A first record longer than the header comes as a warning (data lost).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(body),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,  # so that record i stays file row i + 1
                index_col=False,  # a longer row is an error, not an index column
                quotechar='"',
            )
    except pd.errors.EmptyDataError:
        return _fatal(Path(source), "is empty; expected a header row and at least one record")
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        return _fatal(Path(source), _too_long(body, delimiter, skip=skip))
    return frame, []


def _after_lines(text: str, skip: int) -> str:
    """The text from its line ``skip + 1`` on."""
    position = 0
    for _ in range(skip):
        found = text.find("\n", position)
        if found < 0:
            return ""
        position = found + 1
    return text[position:]


def _too_long(text: str, delimiter: str, *, skip: int = 0) -> str:
    """Say which row has more fields than the header (read again, row by row, to find it)."""
    shown = "tab" if delimiter == "\t" else repr(delimiter)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = len(next(reader, []))
    for row in reader:
        if len(row) > width:
            return (
                f"cannot be split into columns with the delimiter {shown}: row "
                f"{reader.line_num + skip} has {len(row)} fields, the header {width} "
                "(a delimiter inside a value that is not quoted?)"
            )
    return f"cannot be split into columns with the delimiter {shown}"


# How each option's items are written, with an example, for the message on a bad item.
_MAPPING_FORMS: dict[str, tuple[str, str]] = {
    "--column": ("--column 'name teamsim reads=file column'", "--column owner=Responsible"),
    "--stage": ("--stage 'CRM name=stage'", "--stage 'Closed Won=won'"),
    "--segment": ("--segment 'records' name=segment id'", "--segment 'SMB=smb_core'"),
    "--role": ("--role 'records' title=role id'", "--role 'AE=account_executive'"),
    "--channel": ("--channel 'records' name=channel id'", "--channel 'Web=marketing_leads'"),
}
# A YAML mapping file's sections beside its flat column pairs (which are "columns"): each
# the items of the option named, e.g. "segments: {SMB: smb_core}" as --segment SMB=smb_core.
MAPPING_SECTIONS: dict[str, str] = {
    "columns": "--column",
    "stages": "--stage",
    "segments": "--segment",
    "roles": "--role",
    "channels": "--channel",
}


def parse_mapping(items: Sequence[str], *, option: str) -> dict[str, str]:
    """``NAME=VALUE`` items (``--column owner=Responsible``) as a dict, split at the first =.

    Args:
        items: the items as typed.
        option: the option they came with, "--column" or "--stage" (its form and an
            example are in the message on a bad item).

    Raises:
        MappingError: an item without "=", with an empty side, or a name given twice with
            different values; the message names ``option`` and the item.
    """
    out: dict[str, str] = {}
    form, example = _MAPPING_FORMS.get(option, (f"{option} NAME=VALUE", f"{option} a=b"))
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise MappingError(
                f"{option} {item!r}: expected {form} with both sides given, e.g. {example}"
            )
        _add(out, name, value, where=f"{option} {item!r}")
    return out


def _add(out: dict[str, str], name: str, value: str, *, where: str) -> None:
    if out.get(name, value) != value:
        raise MappingError(f"{where}: '{name}' is already mapped to '{out[name]}'")
    out[name] = value


def read_mapping_file(path: Path) -> dict[str, str]:
    """A mapping file's column mappings (:func:`read_mapping_sections`' "columns")."""
    return read_mapping_sections(path)["columns"]


def read_mapping_sections(path: Path) -> dict[str, dict[str, str]]:
    """A small mapping file: YAML (``key: value`` lines) or CSV (two columns, one pair a row).

    Returns each of :data:`MAPPING_SECTIONS` (empty when the file has none). A YAML
    file's flat ``key: value`` lines are column mappings; a section (``stages:``,
    ``segments:``, ``roles:``, ``channels:``, ``columns:``) holds the pairs its option
    would take, as in ``roles: {AE: account_executive}``. A CSV holds column mappings
    only; its first row is skipped when it is a header (its first cell one of key, name,
    from, canonical, crm, column, stage).

    Raises:
        MappingError: the file is missing or unreadable, not a flat mapping, a row without
            two values, or a key given twice.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MappingError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    text = _decode(data)
    if text is None:
        raise MappingError(f"{path}: {_BINARY}")
    sections: dict[str, dict[str, str]] = {k: {} for k in MAPPING_SECTIONS}
    if path.suffix.lower() in (".yaml", ".yml"):
        return sections | _mapping_yaml(text, path)
    return sections | {"columns": _mapping_csv(text, path)}


def _mapping_yaml(text: str, path: Path) -> dict[str, dict[str, str]]:
    try:
        loaded = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise MappingError(f"{path}: not YAML: {exc}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise MappingError(f"{path}: expected 'name: value' lines, one mapping a line")
    out: dict[str, dict[str, str]] = {"columns": {}}
    for key, value in loaded.items():
        name = str(key).strip()
        if isinstance(value, dict) and name in MAPPING_SECTIONS:
            section = out.setdefault(name, {})
            for k, v in value.items():
                if isinstance(v, dict | list) or v is None or str(v).strip() == "":
                    raise MappingError(
                        f"{path}: {name}: '{k}': expected one value, as in "
                        f"{_MAPPING_FORMS[MAPPING_SECTIONS[name]][1]}"
                    )
                _add(section, str(k).strip(), str(v).strip(), where=f"{path}: {name}")
            continue
        if isinstance(value, dict | list) or value is None or str(value).strip() == "":
            sections = ", ".join(MAPPING_SECTIONS)
            raise MappingError(
                f"{path}: '{key}': expected one value, as in 'owner: Responsible' (or a "
                f"section of pairs: {sections})"
            )
        _add(out["columns"], name, str(value).strip(), where=str(path))
    return out


_MAPPING_HEADERS = {"key", "name", "from", "canonical", "crm", "column", "stage"}


def _mapping_csv(text: str, path: Path) -> dict[str, str]:
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    rows = [(reader.line_num, r) for r in reader if any(r)]  # the file's own line numbers
    if rows and rows[0][1][0].strip().casefold() in _MAPPING_HEADERS:
        rows = rows[1:]
    out: dict[str, str] = {}
    for number, row in rows:
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) != 2:
            raise MappingError(f"{path}: row {number}: expected two values, found {len(cells)}")
        _add(out, cells[0], cells[1], where=f"{path}: row {number}")
    return out


def read_records(
    *,
    deals: Path | None = None,
    stages: Path | None = None,
    activities: Path | None = None,
    team: Path | None = None,
    columns: Mapping[str, str] = {},
    stage_map: Mapping[str, str] = {},
    known_stages: Collection[str] | None = None,
    date_order: str | None = None,
) -> Records:
    """Read, normalise and cross-check a team's files (any subset) into Records.

    Args:
        deals: the deals (opportunities) file, CSV or .xlsx.
        stages: the stage-history file.
        activities: the activities or work-day cards file.
        team: the team file.
        columns: canonical column -> file column (``--column``), applied to every file.
        stage_map: CRM stage name -> scenario stage, "won" or "lost" (``--stage``).
        known_stages: the scenario's stage names, to report stages mapping to none.
        date_order: "dmy" or "mdy" for slash-separated dates (``--dates``).

    Returns:
        Records with a table per readable file; problems (fatal ones for files that
        cannot be used) and the rows left out per table. A bad file never raises.

    Raises:
        MappingError: ``columns`` names a column no table has, or ``date_order`` is
            neither "dmy" nor "mdy" (the user's options, not a file, are wrong).
    """
    wrong = unknown_user_columns(columns)
    if wrong:
        raise MappingError("\n".join(wrong))
    if date_order is not None and date_order not in ("dmy", "mdy"):
        raise MappingError(f'--dates {date_order!r}: expected "dmy" or "mdy"')
    given = {Kind.DEALS: deals, Kind.STAGES: stages, Kind.ACTIVITIES: activities, Kind.TEAM: team}
    tables: dict[Kind, pd.DataFrame] = {}
    problems: list[RowProblem] = []
    dropped: dict[str, int] = {}
    sources: dict[Kind, str] = {}
    headers: list[tuple[Kind, str, list[str]]] = []
    for kind, path in given.items():
        if path is None:
            continue
        sources[kind] = str(path)
        raw, found, line, guessed = _read_below_title(kind, path, columns=columns)
        if any(p.fatal for p in found):  # a note on a skipped title is part of why
            problems += [dataclasses.replace(p, fatal=True) for p in found]
            continue
        headers.append((kind, str(path), [str(c) for c in raw.columns]))
        table, normalised, left_out = normalise(
            kind,
            raw,
            source=str(path),
            columns=columns,
            stage_map=stage_map,
            known_stages=known_stages,
            date_order=date_order,
            first_row=line + 1,
        )
        if table is None:  # unusable: a note on a skipped title is part of why
            found = [dataclasses.replace(p, fatal=True) for p in found]
        else:
            # Columns read as work-day cards' kinds (calibrate.records) are used.
            read = [c for c in raw.columns if c not in table.attrs.get("card_columns", ())]
            unused = unused_columns(kind, read, source=str(path), columns=columns)
            # Without won deals no amount is missed: the deal values have nothing to fit.
            if (
                kind is Kind.DEALS
                and "value" not in table.attrs.get("columns", {})
                and (table["status"] == "won").any()
            ):
                found.append(_no_value_column(table, raw[read], source=str(path)))
                if unused is not None and set(_suggested(unused)) <= {"value"}:
                    unused = None  # said in the one warning, which names them too
            found += [unused] if unused is not None else []
            found += _currency(table, raw, source=str(path), first_row=line + 1)
            if guessed is not None:
                table.attrs["encoding"] = guessed
                found.insert(0, _encoding_note(str(path), guessed))
        problems += found + normalised
        dropped[kind.value] = left_out
        if table is not None:
            tables[kind] = table
    # A --column item no file honours: said once per file, unless the file's missing
    # required column already names it ("'Kurator' (from --column) is not among them").
    said = {(p.source, p.message) for p in problems if p.fatal}
    problems += [
        p
        for p in user_column_problems(headers, columns)
        if not any(s == p.source and "(from --column)" in m for s, m in said)
    ]
    return combine(tables, problems, dropped, sources=sources)


# A column of the deals file is offered as its value column when this share of its
# filled cells at least are numbers.
_NUMERIC_SHARE = 0.9


def _no_value_column(table: pd.DataFrame, raw: pd.DataFrame, *, source: str) -> RowProblem:
    """The one warning of a deals file with won deals and no value column.

    Without it every won deal has no amount, so the deal values, the revenue won and a
    plan from the records cannot be calibrated; said once here, with the file's unused
    columns of numbers (or, failing those, its other unused columns) as candidates and
    the ``--column`` that maps one.
    """
    used = set(table.attrs.get("columns", {}).values())
    unused = [str(c) for c in raw.columns if c not in used and str(c).strip()]
    named_like = [c for c in unused if likely_column(Kind.DEALS, c, ["value"]) == "value"]
    numeric = [c for c in unused if _numbers_share(raw[c]) >= _NUMERIC_SHARE]
    likely = list(dict.fromkeys(named_like + numeric))
    named = (likely or unused)[: 3 if likely else 6]
    rest = [c for c in unused if c not in named]
    if likely:
        near = f"closest: {', '.join(repr(c) for c in named)}"
        if rest:
            near += f"; other columns not read: {', '.join(repr(c) for c in rest[:6])}"
    elif unused:
        near = f"columns not read: {', '.join(repr(c) for c in named)}"
    else:
        near = "every column is read as another"
    example = shlex.quote(f"value={named[0]}") if named else "value=<column>"
    won = int((table["status"] == "won").sum())
    message = (
        f"no value column (the deals' amount) was found ({near}); map it with "
        f"--column {example}; until then the {won:,} won deal{'' if won == 1 else 's'} "
        f"{'has' if won == 1 else 'have'} no amount, so deal values and revenue are not "
        "calibrated and no plan is taken from the records"
    )
    return RowProblem(source, None, None, message)


def _numbers_share(cells: pd.Series) -> float:
    filled = [str(c).strip() for c in cells.dropna() if str(c).strip()]
    if not filled:
        return 0.0
    ok = 0
    for text in filled:
        ok += not math.isnan(parse_number(text))
    return ok / len(filled)


def _suggested(problem: RowProblem) -> list[str]:
    """The canonical columns a ``columns not used`` note suggests (calibrate.unused_columns)."""
    return re.findall(r"' may be (\w+)", problem.message)


def _currency(
    table: pd.DataFrame, raw: pd.DataFrame, *, source: str, first_row: int
) -> list[RowProblem]:
    """Note the value column's currency on the table (attrs "currency", "currency_found").

    The currency is read from the raw cells (calibrate.value_currency): the normalised
    values have lost their marks. Returns the fatal problem when they name several.
    """
    column = table.attrs.get("columns", {}).get("value")
    if column is None or column not in raw.columns:
        return []
    rows = range(first_row, first_row + len(raw))
    found = value_currency(str(column), raw[column], rows, source=source)
    if isinstance(found, RowProblem):
        return [found]
    if found is not None:
        table.attrs["currency"] = found.code
        table.attrs["currency_found"] = found.evidence
    return []


# A title line is quoted in the note up to this many characters.
_QUOTED = 60


def _read_below_title(
    kind: Kind, path: Path, *, columns: Mapping[str, str]
) -> tuple[pd.DataFrame, list[RowProblem], int, str | None]:
    """A file's cells below its header, which may sit below a title (calibrate.header_row).

    Returns:
        The cells, the problems (fatal: the file cannot be read; else at most a note
        naming the lines skipped above the header), the header's 1-based line, and the
        encoding a CSV was read in when it was guessed (None: UTF-8, a BOM, a workbook).
    """
    loaded = _load(path, sheet=None)
    if isinstance(loaded, list):
        return pd.DataFrame(), loaded, 1, None
    head = _head(loaded)
    index = header_row(kind, [cells for _, cells in head], columns=columns)
    line = head[index][0] if index else 1
    raw, problems = _frame(loaded, source=str(path), skip=line - 1)
    if line == 1:
        return raw, problems, line, loaded.guessed
    above = [cells for _, cells in head[:index]]
    joiner = ", " if loaded.book is not None else loaded.delimiter
    texts = [joiner.join(c for c in cells if c.strip()).strip() for cells in above]
    said = next((t for t in texts if t), "")
    lines = "line 1 above it is" if line == 2 else f"lines 1-{line - 1} above it are"
    if said:
        first = texts.index(said) + 1
        quoted = said if len(said) <= _QUOTED else said[: _QUOTED - 3] + "..."
        what = f"line {first} reads {quoted!r}"
    else:
        what = "empty"
    message = f"the header is on line {line}: {lines} skipped ({what})"
    return raw, [RowProblem(str(path), None, None, message), *problems], line, loaded.guessed
