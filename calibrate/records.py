"""A CRM's tables, as read (every cell a string), into the canonical tables of the contract.

``normalise`` maps one file's columns (calibrate.columns), parses its dates
(calibrate.dates), numbers, statuses, stages and activity kinds, and says what it could
not use: every row left out has a RowProblem naming its row and column, and is counted.
``combine`` then checks the files against each other (people, deals) into Records.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from calibrate.columns import column_key, match_columns, missing_column
from calibrate.contract import (
    COLUMNS,
    DAYS_A_MONTH,
    ROW,
    ActivityKind,
    Kind,
    Records,
    RowProblem,
    Status,
    record_dates,
)
from calibrate.dates import DATE_ORDER, DateOrder, parse_dates
from calibrate.words import counted
from sim import format_number, format_significant
from sim.scenario import Level

# Status words of common CRMs (Salesforce "Closed Won", HubSpot "closedwon", Pipedrive
# "won"/"lost", amoCRM "Успешно реализовано", Bitrix24 "Сделка успешна"/"Успешна") in English,
# Russian, German and French, compared through column_key (so "closedwon" is "Closed Won");
# the user's --stage mapping is read first and wins. Pipedrive's "deleted" is no outcome of
# a sale: it is left unrecognised, so a deleted deal with a close date is reported.
_WON = (
    "won",
    "closed won",
    "signed",
    "успешна",
    "win",
    "success",
    "successful",
    "выиграна",
    "выигран",
    "выиграно",
    "успешно реализовано",
    "успешно",
    "успешная",
    "сделка успешна",
    "успех",
    "реализовано",
    "оплачено",
    "gewonnen",
    "abgeschlossen gewonnen",
    "auftrag erhalten",
    "gagné",
    "gagnée",
    "affaire gagnée",
)
_LOST = (
    "lost",
    "closed lost",
    "dead",
    "disqualified",
    "abandoned",
    "cancelled",
    "canceled",
    "провалена",
    "abgesagt",
    "abandonné",
    "abandonnée",
    "lose",
    "loss",
    "failed",
    "проиграна",
    "проигран",
    "проиграно",
    "закрыто и не реализовано",
    "не реализовано",
    "отказ",
    "провал",
    "потеряна",
    "сделка провалена",
    "verloren",
    "abgeschlossen verloren",
    "perdu",
    "perdue",
    "affaire perdue",
)
_OPEN = (
    "open",
    "in progress",
    "active",
    "открыта",
    "открыто",
    "в работе",
    "offen",
    "in bearbeitung",
    "ouvert",
    "ouverte",
    "en cours",
)
STATUS_WORDS: dict[str, Status] = {
    **{column_key(w): Status.WON for w in _WON},
    **{column_key(w): Status.LOST for w in _LOST},
    **{column_key(w): Status.OPEN for w in _OPEN},
}

# Activity kinds as work-day cards and telephony exports spell them.
_KIND_SPELLINGS: dict[ActivityKind, tuple[str, ...]] = {
    ActivityKind.DIAL: (
        "call",
        "calls",
        "outgoing call",
        "outbound call",
        "dial",
        "dials",
        "call made",
        "cold call",
        "звонок",
        "звонки",
        "исходящий звонок",
        "исходящий",
        "набор",
        "холодный звонок",
        "наборы",
        "anruf",
        "anrufe",
        "appel",
        "appels",
    ),
    ActivityKind.CONNECT: (
        "answered",
        "connected",
        "connect",
        "connects",
        "reached",
        "дозвон",
        "дозвонился",
        "дозвоны",
        "дозвонов",
        "verbindungen",
        "erreicht",
        "connexions",
        "joints",
        "отвечен",
        "соединение",
    ),
    ActivityKind.CONVERSATION: (
        "conversation",
        "conversations",
        "talk",
        "разговор",
        "разговоры",
        "беседа",
        "беседы",
        "gespräch",
        "gespräche",
    ),
    ActivityKind.BOOKING: (
        "booked",
        "booking",
        "meeting booked",
        "appointment set",
        "назначена встреча",
        "встреча назначена",
        "запись",
        "bookings",
        "meetings booked",
        "назначено встреч",
        "назначенные встречи",
        "termine vereinbart",
        "rendez vous pris",
    ),
    ActivityKind.MEETING: (
        ActivityKind.MEETING.value,
        "meetings",
        "visit",
        "meeting held",
        "demo",
        "встреча",
        "встречи",
        "визит",
        "демонстрация",
        "termin",
        "termine",
        "réunion",
        "réunions",
        "rendez vous",
        "rdv",
    ),
    ActivityKind.PROPOSAL: (
        "proposal",
        "proposals",
        "quote",
        "offer",
        "кп",
        "коммерческое предложение",
        "предложение",
        "счет",
        "кп отправлено",
        "angebot",
        "angebote",
        "devis",
        "propositions",
    ),
}
KIND_WORDS: dict[str, ActivityKind] = {
    column_key(w): kind for kind, words in _KIND_SPELLINGS.items() for w in words
}
WON_LOST = {Status.WON.value, Status.LOST.value}
# RowProblem.group of the rows said one by one (a file's rows of a group: one terminal line).
_DUPLICATE = "duplicate deal ids: the first of each kept"
_BEFORE = "deals closed before created: left out"
_NO_STAGE = "rows with no stage: left out"
_NUMBER_EXPECTED = "expected a number such as 12000.50, 12 000,50, 12,000.50 or $1,200"


@dataclass
class _Table:
    """One file being normalised: its cells by canonical column, rows, and findings."""

    kind: Kind
    raw: pd.DataFrame
    source: str
    mapping: dict[str, str]
    rows: np.ndarray
    problems: list[RowProblem] = field(default_factory=list)
    drop: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    stripped: dict[str, pd.Series] = field(default_factory=dict)

    def text(self, canonical: str) -> pd.Series:
        """The column's stripped cells ("" where absent or empty)."""
        if canonical not in self.mapping:
            return pd.Series("", index=self.raw.index, dtype=object)
        if canonical not in self.stripped:  # stripped once: a million cells take a while
            self.stripped[canonical] = _strip(self.raw[self.mapping[canonical]])
        return self.stripped[canonical]

    def name(self, canonical: str) -> str:
        """The column as the file names it (the canonical name if the file has none)."""
        return self.mapping.get(canonical, canonical)

    def row_problem(
        self, mask: np.ndarray, canonical: str, message: str, *, leave_out: bool, group: str
    ) -> None:
        """One problem per row of ``mask``; ``leave_out`` drops those rows.

        ``group``: what such rows are called, plural, and what was done with them
        ("rows with no deal id: left out"; RowProblem.group).
        """
        ending = "; the row is left out" if leave_out else ""
        self.problems += [
            RowProblem(self.source, int(r), self.name(canonical), message + ending, group=group)
            for r in self.rows[mask & ~self.drop]
        ]
        if leave_out:
            self.drop |= mask

    def cells_problem(
        self, mask: np.ndarray, canonical: str, template: str, *, leave_out: bool, group: str
    ) -> None:
        """Like row_problem, the cell's text in the message (``{value}`` in template)."""
        cells = self.text(canonical).to_numpy()
        ending = "; the row is left out" if leave_out else ""
        column = self.name(canonical)
        self.problems += [
            RowProblem(self.source, int(r), column, template.format(value=v) + ending, group=group)
            for r, v in zip(self.rows[mask & ~self.drop], cells[mask & ~self.drop], strict=True)
        ]
        if leave_out:
            self.drop |= mask

    def required_text(self, canonical: str, what: str) -> pd.Series:
        """Text cells of a required column; an empty cell leaves its row out."""
        cells = self.text(canonical)
        self.row_problem(
            (cells == "").to_numpy(),
            canonical,
            f"no {what}",
            leave_out=True,
            group=f"rows with no {what}: left out",
        )
        return _none_if_empty(cells)

    def dates(
        self, canonical: str, order: DateOrder | None, *, required: bool | np.ndarray
    ) -> pd.Series:
        """A date column (NaT where empty or unparseable).

        ``required`` True: an empty or unparseable cell leaves its row out; a mask: an
        unparseable cell leaves its row out where the mask holds (empty ones are the
        caller's to say); False: the row stays with NaT.
        """
        if canonical not in self.mapping:
            return pd.Series(pd.NaT, index=self.raw.index, dtype="datetime64[ns]")
        cells = self.text(canonical)
        parsed, found = parse_dates(
            cells, rows=self.rows, column=self.name(canonical), source=self.source, order=order
        )
        if any(p.fatal for p in found):
            self.problems += found
            return parsed
        needed = np.broadcast_to(np.asarray(required, dtype=bool), self.rows.shape)
        needed_rows = set(self.rows[needed & ~self.drop].tolist())
        self.problems += [_left_out(p) if p.row in needed_rows else p for p in found]
        self.drop |= needed & np.isin(self.rows, [p.row for p in found if p.row is not None])
        if required is True:
            self.row_problem(
                (cells == "").to_numpy(),
                canonical,
                f"no {canonical} date",
                leave_out=True,
                group=f"rows with no {canonical} date: left out",
            )
        return parsed

    def numbers(self, canonical: str, *, negative_drops: bool) -> pd.Series:
        """A number column (NaN where empty); not a number or negative is a problem."""
        cells = self.text(canonical)
        values = pd.to_numeric(cells.where(cells != ""), errors="coerce").astype(float)
        slow = values.isna() & (cells != "")
        if slow.any():
            values[slow] = cells[slow].map(parse_number).astype(float)
            note = _comma_note(
                cells[slow], values[slow], source=self.source, column=self.name(canonical)
            )
            if note is not None:
                self.problems.append(note)
        bad = (values.isna() & (cells != "")).to_numpy()
        self.cells_problem(
            bad,
            canonical,
            f"'{{value}}' is not a number ({_NUMBER_EXPECTED})"
            + ("" if negative_drops else "; the row is kept without a value"),
            leave_out=negative_drops,
            group="values that are not numbers: "
            + ("left out" if negative_drops else "the rows kept without a value"),
        )
        negative = (values < 0).to_numpy()
        what = "the row is left out" if negative_drops else "the value is left out"
        self.cells_problem(
            negative & ~bad,
            canonical,
            "{value} is negative; expected 0 or more; " + what,
            leave_out=False,
            group="negative values (expected 0 or more): "
            + ("left out" if negative_drops else "the rows kept without the value"),
        )
        if negative_drops:
            self.drop |= negative
        return values.where(values >= 0)


def _strip(cells: pd.Series) -> pd.Series:
    """Cells as str without surrounding spaces, stripped once per distinct value."""
    uniques = pd.unique(cells)
    if len(uniques) * 4 < len(cells):  # repeated values (names, days, kinds): strip uniques
        return cells.map({u: str(u).strip() for u in uniques}).astype(object)
    return cells.astype(str).str.strip().astype(object)


def _blank_rows(raw: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or spaces: blank lines, not records."""
    candidate = np.ones(len(raw), dtype=bool)
    for column in raw.columns:
        cells = raw[column].astype(str)
        filled = cells.ne("").to_numpy() & candidate
        if filled.any():
            filled[filled] = ~cells[filled].str.isspace().to_numpy(dtype=bool)
        candidate &= ~filled
        if not candidate.any():
            break
    return candidate


def _rows(mask: np.ndarray | pd.Series) -> str:
    n = int(np.asarray(mask).sum())
    return f"{n} row" if n == 1 else f"{n} rows"


def _left_out(problem: RowProblem) -> RowProblem:
    what = problem.group.partition(": ")[0]
    return replace(
        problem,
        message=problem.message + "; the row is left out",
        group=f"{what}: left out" if what else "",
    )


def _none_where(cells: pd.Series, mask: pd.Series | np.ndarray) -> pd.Series:
    out = cells.astype(object).copy()
    out[np.asarray(mask, dtype=bool)] = None
    return out


def _none_if_empty(cells: pd.Series) -> pd.Series:
    return _none_where(cells, cells == "")


# A lone comma before exactly three digits reads as thousands ("1,200"); any other lone
# comma as a decimal comma ("12,5", "1200,50"). Looked at in the cells' digits and marks.
_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3},\d{3}$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d*,\d+$")


def _comma_note(
    cells: pd.Series, values: pd.Series, *, source: str, column: str
) -> RowProblem | None:
    """How a column's lone commas were read, once: a note, or a warning when both ways.

    ``cells`` and ``values``: the cells pandas could not read as numbers, and what
    :func:`parse_number` made of them. None when no value has a lone comma.
    """
    bare = cells.str.replace(r"[^\d,.\-+]", "", regex=True).str.rstrip(",.")
    thousands = bare.str.match(_THOUSANDS_COMMA).to_numpy(dtype=bool)
    decimal = bare.str.match(_DECIMAL_COMMA).to_numpy(dtype=bool) & ~thousands
    if not thousands.any() and not decimal.any():
        return None

    def example(mask: np.ndarray) -> str:
        i = int(np.flatnonzero(mask)[0])
        return f"'{cells.iloc[i]}' as {values.iloc[i]:g}"

    if thousands.any() and decimal.any():
        message = (
            f"the comma is read two ways: as a decimal comma ({example(decimal)}) and, before "
            f"three digits, as a thousands separator ({example(thousands)}); if it is a "
            "decimal comma there too, those values are a thousand times too large: write "
            "them with a dot or with no separator"
        )
        return RowProblem(source, None, column, message)
    mask = thousands if thousands.any() else decimal
    how = "as a thousands separator" if thousands.any() else "as the decimal mark"
    before = "before three digits " if thousands.any() else ""
    message = (
        f"a comma {before}is read {how} in {counted(int(mask.sum()), 'value')} "
        f"({example(mask)})"
        + ("; if it is a decimal comma, write them with a dot" if thousands.any() else "")
    )
    return RowProblem(source, None, column, message, note=True)


def parse_number(text: str) -> float:
    """A number as a person or a CRM writes it: "12 000,50", "12,000.50", "$1,200", "1 200 ₽".

    Currency signs and words, spaces (also non-breaking) and apostrophes are dropped; with
    both a comma and a dot, the last is the decimal mark; a lone comma followed by three
    digits is a thousands separator ("1,200"), otherwise a decimal comma ("12,5"). NaN if
    it is not a number.
    """
    cleaned = re.sub(r"[^\d,.\-+]", "", text.replace("\u2212", "-"))
    # A separator with no digit after it belongs to an abbreviation ("руб.", "Fr."), not
    # to the number: "20 000,00 руб." is 20000.
    cleaned = re.sub(r"[,.]+$", "", cleaned)
    if not re.search(r"\d", cleaned) or re.search(r"[a-zA-Z]{4,}|\d[a-zA-Z]+\d", text):
        return float("nan")
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    elif commas == 1 and not re.search(r",\d{3}$", cleaned):
        cleaned = cleaned.replace(",", ".")
    elif commas:
        cleaned = cleaned.replace(",", "")
    elif dots > 1:
        cleaned = cleaned.replace(".", "")
    try:
        return float(cleaned)
    except ValueError:
        return float("nan")


def _stage_lookup(stage_map: Mapping[str, str]) -> dict[str, str]:
    """CRM stage key -> the user's target, a won/lost word as "won" or "lost".

    "Closed Won", "выиграна" as a target mean won: a closing stage, never a stage named so.
    """
    lookup = {}
    for crm, target in stage_map.items():
        word = STATUS_WORDS.get(column_key(target))
        closing = word is Status.WON or word is Status.LOST
        lookup[column_key(crm)] = word.value if word is not None and closing else target.strip()
    return lookup


def _known(known_stages: Collection[str] | None) -> dict[str, str] | None:
    return None if known_stages is None else {column_key(s): s for s in known_stages}


def _map_stages(
    t: _Table,
    names: pd.Series,
    *,
    stage_map: Mapping[str, str],
    known_stages: Collection[str] | None,
    canonical: str,
    unmapped_ending: str,
) -> tuple[pd.Series, np.ndarray]:
    """Stage names mapped (user's map, then won/lost words); unknown ones reported once.

    Returns the mapped names ("won"/"lost" for closing stages, None where empty) and the
    mask of rows whose stage maps to nothing. A name that maps to no stage of the scenario
    keeps the CRM's spelling, so that the funnel can tell a deal of unknown stage (whose
    place in the funnel nobody knows) from a deal with no stage at all. A ``--stage``
    target that is no stage of the scenario (nor won or lost) is fatal; without a
    scenario, a target that no row of the file names makes a new stage, with a warning.
    """
    lookup, known = _stage_lookup(stage_map), _known(known_stages)
    seen = {column_key(n) for n in pd.unique(names) if n}
    mapped: dict[str, str | None] = {}
    unmapped: list[str] = []
    for name in pd.unique(names):
        target = lookup.get(column_key(name)) if name else None
        if not name:
            mapped[name] = None
        elif target is None:  # no --stage for it: a won/lost word, a stage, or unknown
            word = STATUS_WORDS.get(column_key(name))
            if word is Status.WON or word is Status.LOST:
                mapped[name] = word.value
            elif known is None or column_key(name) in known:
                mapped[name] = name if known is None else known[column_key(name)]
            else:
                mapped[name] = name
                unmapped.append(name)
        elif target in WON_LOST:
            mapped[name] = target
        elif known is None:
            mapped[name] = target
            if column_key(target) not in seen:
                _new_stage(t, names, name=name, target=target, canonical=canonical)
        elif column_key(target) in known:
            mapped[name] = known[column_key(target)]
        else:
            mapped[name] = None  # a fatal problem below, whether the file names it or not
    if known is not None:
        for crm in stage_map:
            _check_target(t, crm=crm, target=lookup[column_key(crm)], known=known)
    else:
        _misspelt_stages(t, names, mapped, canonical=canonical)
    bad = names.isin(unmapped).to_numpy()
    stages = ", ".join(known_stages or ())
    # Names that do map to a stage of the scenario, for the closest one to a name that
    # does not: the scenario's own, and the CRM's names mapped onto them.
    targets = {s: s for s in known_stages or ()}
    targets |= {str(n): str(m) for n, m in mapped.items() if n and m and m not in WON_LOST}
    for crm, target in stage_map.items():
        if known and column_key(target) in known:
            targets[crm] = known[column_key(target)]
    for name in unmapped:
        close = lookalike(name, [n for n in targets if n not in unmapped])
        stage = "" if close is None else targets[close]
        if close is None:
            message = (
                "stage '{name}' maps to no stage of the scenario (stages: {stages}); map it "
                "with --stage '{name}=<stage>' ({rows}; {ending})"
            )
        else:
            message = (
                "stage '{name}' maps to no stage of the scenario; it looks like {like}: "
                'map it with --stage "{name}={stage}" ({rows}; {ending})'
            )
        _stage_warning(
            t,
            names,
            name=name,
            canonical=canonical,
            message=message,
            stages=stages,
            stage=stage,
            like=f"'{close}'" if close == stage else f"'{close}' (mapped to {stage})",
            ending=unmapped_ending,
        )
    return names.map(mapped).astype(object), bad


def _stage_warning(
    t: _Table,
    names: pd.Series,
    *,
    name: str,
    canonical: str,
    message: str,
    mask: np.ndarray | None = None,
    fatal: bool = False,
    **values: object,
) -> np.ndarray:
    """One problem for the rows whose cell in ``names`` is ``name``, at the first of them.

    ``message`` is a str.format template that holds no file's text: ``{name}``,
    ``{rows}`` (their count, "31 rows"), ``{first}`` (the first row's number) and the
    ``values``; what a file wrote goes in as a value, so braces in a CRM's name stay as
    written. ``mask`` narrows the rows (e.g. those with a close date); ``canonical`` names
    the column (as the file does). Returns the rows' mask.
    """
    where = (names == name).to_numpy()
    if mask is not None:
        where = where & mask
    first = int(t.rows[where][0])
    text = message.format(name=name, rows=_rows(where), first=first, **values)
    t.problems.append(RowProblem(t.source, first, t.name(canonical), text, fatal=fatal))
    return where


# A stage name at least this alike another (difflib's ratio of their column keys) is taken
# for a misspelling of it: "Angbeot" and "Angebot" are 0.86 alike, "Qualified" and
# "Qualifying" 0.74, "Discovery" and "Demo" 0.31.
LOOKALIKE_RATIO = 0.8
_DIGITS = re.compile(r"\d+")


# An abbreviation is at least this long: "de" could be anything that starts so.
_SHORTEST_ABBREVIATION = 3
_WORDS = re.compile(r"[\W_]+")


def _abbreviates(name: str, other: str) -> bool:
    """Whether ``name`` is a prefix ("disco") or a whole word ("review") of ``other``."""
    key, okey = column_key(name), column_key(other)
    if len(key) < _SHORTEST_ABBREVIATION:
        return False
    words = [column_key(w) for w in _WORDS.split(other.casefold()) if w]
    return okey.startswith(key) or key in words


def lookalike(name: str, others: Collection[str], *, abbreviations: bool = True) -> str | None:
    """The one of ``others`` that ``name`` looks like a misspelling of (None: none close).

    Compared through column_key, at LOOKALIKE_RATIO or more; names that differ in a
    number ("Stage 1", "Stage 2") or are the same key are never taken for each other.
    An abbreviation counts too: a name of three characters or more that is the start
    ("disco": discovery) or a whole word ("review": account_review; "onsite":
    onsite_demo) of exactly one of ``others``; of two or more it tells nothing.
    ``abbreviations`` False leaves them out: among a file's own stage names, "Demo"
    beside "Onsite Demo" is a stage of its own, not a short name.
    """
    key = column_key(name)
    # The name itself among them counts as one it starts: "demo" is no short "onsite_demo"
    # where "demo" is a stage too.
    short = {column_key(o): o for o in others if abbreviations and _abbreviates(name, o)}
    if len(short) == 1:
        okey, other = next(iter(short.items()))
        if okey != key and _DIGITS.findall(okey) == _DIGITS.findall(key):
            return other
    best: tuple[float, str] | None = None
    for other in others:
        okey = column_key(other)
        if not okey or okey == key or _DIGITS.findall(okey) != _DIGITS.findall(key):
            continue
        ratio = difflib.SequenceMatcher(None, key, okey).ratio()
        if ratio >= LOOKALIKE_RATIO and (best is None or ratio > best[0]):
            best = (ratio, other)
    return None if best is None else best[1]


def _misspelt_stages(
    t: _Table, names: pd.Series, mapped: Mapping[str, str | None], *, canonical: str
) -> None:
    """Warn of a stage name that looks like a more common one of the file (no scenario).

    Without a scenario every CRM name is a stage, so a misspelt one ("Angbeot" in 31 rows
    beside "Angebot" in 194) would become a stage of its own; the rarer name is said to
    look like the commoner, with the --stage that merges them.
    """
    counts = names[names.map(lambda n: bool(n) and mapped.get(n) not in (None, *WON_LOST))]
    counts = counts.value_counts()
    for name, n in counts.items():
        commoner = [str(o) for o, m in counts.items() if m > n]
        close = lookalike(str(name), commoner, abbreviations=False)
        if close is None:
            continue
        message = (
            "stage '{name}' looks like '{close}' ({rows} against {n}): if they are one "
            'stage, map it with --stage "{name}={close}"; as it is, it becomes a stage of '
            "its own"
        )
        _stage_warning(
            t,
            names,
            name=str(name),
            canonical=canonical,
            message=message,
            close=close,
            n=int(counts[close]),
        )


def _new_stage(t: _Table, names: pd.Series, *, name: str, target: str, canonical: str) -> None:
    """Warn that ``--stage name=target`` (no scenario, no such stage in the file) adds a stage."""
    message = (
        "--stage '{name}={target}': no stage '{target}' in {source}, so a new stage "
        "'{target}' is created ({rows}); closing stages are spelt won or lost "
        "(--stage '{name}=won' or '{name}=lost')"
    )
    _stage_warning(
        t, names, name=name, canonical=canonical, message=message, target=target, source=t.source
    )


def _check_target(t: _Table, *, crm: str, target: str, known: Mapping[str, str]) -> None:
    """Fatal: ``--stage crm=target`` names no stage of the scenario (a misspelt target).

    Every file that maps stages checks every item, so the problem names the option, not
    a file, and the reader keeps one copy.
    """
    if target in WON_LOST or column_key(target) in known:
        return
    stages = list(dict.fromkeys(known.values()))
    close = difflib.get_close_matches(target, [*stages, *sorted(WON_LOST)], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    message = (
        f"'{crm}={target}': '{target}' is neither a stage of the scenario "
        f"({', '.join(stages)}) nor won or lost{hint}"
    )
    t.problems.append(RowProblem("--stage", None, None, message, fatal=True))


def _deals(
    t: _Table,
    *,
    stage_map: Mapping[str, str],
    known_stages: Collection[str] | None,
    order: DateOrder | None,
) -> dict[str, pd.Series]:
    ids = t.required_text("deal_id", "deal id")
    duplicated = ids.notna() & ids.duplicated(keep="first")
    if duplicated.any():
        first_rows = pd.Series(t.rows, index=ids.index)[ids.notna()].groupby(ids).first()
        for i in np.flatnonzero(duplicated.to_numpy()):
            first = int(first_rows[ids.iloc[i]])
            message = f"deal id '{ids.iloc[i]}' again (first at row {first}); the row is left out"
            t.problems.append(
                RowProblem(t.source, int(t.rows[i]), t.name("deal_id"), message, group=_DUPLICATE)
            )
        t.drop |= duplicated.to_numpy()
    # A deal with no owner is still a deal the team had: it counts for the team's flow,
    # win rate and cycle, only not for any person's (their figures group by owner).
    owners = t.text("owner")
    t.row_problem(
        (owners == "").to_numpy(),
        "owner",
        "no owner: the deal counts for the team's flow, win rate and cycle, not for any person's",
        leave_out=False,
        group="deals with no owner: counted for the team's flow, win rate and cycle, not for "
        "any person's",
    )
    owner = _none_if_empty(owners)
    created = t.dates("created", order, required=True)
    status, stage, unknown = _statuses(t, stage_map=stage_map, known_stages=known_stages)
    closing = status.isin(WON_LOST).to_numpy()
    closed = t.dates("closed", order, required=closing)
    dated = (t.text("closed") != "").to_numpy()
    if "status" not in t.mapping and not closing.any() and (unknown & dated).any():
        t.problems.append(_no_status(t, int((dated & ~t.drop).sum())))
    _unknown_closed(
        t,
        unknown & (t.text("closed") != "").to_numpy(),
        closing=closing,
        column="status" if "status" in t.mapping else "stage",
        one_column=not ("status" in t.mapping and "stage" in t.mapping),
    )
    if "closed" not in t.mapping and (closing & ~t.drop).any():
        # Fatal, not a warning: without close dates every closed deal would be left out,
        # and a win rate and cycle time from open deals alone are not the team's.
        n = int((closing & ~t.drop).sum())
        t.problems.append(_no_closed(t.raw.columns, t.source, set(t.mapping.values()), n))
        t.drop |= closing
    no_close = closing & (t.text("closed") == "").to_numpy()
    t.row_problem(
        no_close,
        "closed",
        "a closed deal (won or lost) needs its closed date",
        leave_out=True,
        group="won or lost deals with no closed date: left out",
    )
    before = (closed < created).to_numpy()
    if before.any():
        for i in np.flatnonzero(before & ~t.drop):
            message = (
                f"closed {closed.iloc[i]:%Y-%m-%d} is before created "
                f"{created.iloc[i]:%Y-%m-%d}; the row is left out"
            )
            t.problems.append(
                RowProblem(t.source, int(t.rows[i]), t.name("closed"), message, group=_BEFORE)
            )
        t.drop |= before
    closed = closed.copy()
    closed[~closing] = pd.NaT  # an open deal has not closed, whatever the file says
    return {
        "deal_id": ids,
        "owner": owner,
        "created": created,
        "closed": closed,
        "status": status,
        "stage": stage,
        "value": t.numbers("value", negative_drops=False),
        "segment": _none_if_empty(t.text("segment")),
        "channel": _none_if_empty(t.text("channel")),
        "account": _none_if_empty(t.text("account")),
    }


def _no_status(t: _Table, n: int) -> RowProblem:
    """The deals file has no status column and its stage column no won or lost word.

    Its closed deals then cannot be told won or lost: said first (with the required
    columns missing), before each stage word's own --stage advice, which is right only
    when the stage column does say how a deal ended in words of the CRM's own.
    """
    why = (
        f" (won, lost or open): the stage column '{t.name('stage')}' holds no won or lost "
        f"word, so none of the {format_number(n, 0)} deals with a closed date can be told "
        "won or lost"
    )
    problem = missing_column(
        Kind.DEALS,
        "status",
        [str(c) for c in t.raw.columns],
        source=t.source,
        taken=set(t.mapping.values()),
        why=why,
    )
    more = (
        "; only if the stage column itself names how deals ended, in the CRM's own words, "
        'map those with --stage "<word>=won" and --stage "<word>=lost" instead'
    )
    return replace(problem, message=problem.message + more)


# The most the win rate may be left unsure by deals of unknown closing words: one
# percentage point, the precision the report writes a win rate to.
UNKNOWN_CLOSED_SPAN = 0.01


def _unknown_closed(
    t: _Table, mask: np.ndarray, *, closing: np.ndarray, column: str, one_column: bool
) -> None:
    """Deals of a status word not known, yet with a close date: never silently open.

    Such a deal has ended (a CRM's own lost word, "Dead", "Провалена"), and counted as
    open it would stretch the cycle and hide the lost deals. Each word is named once with
    its rows and the --stage that maps it. Each such deal was won or lost, so leaving it
    out tilts the win rate unless the left-out deals happen to share the mix: with n of
    them beside k known closed deals the true win rate may lie anywhere in a span of
    n / (n + k). Above one percentage point (``UNKNOWN_CLOSED_SPAN``) calibrate stops
    (fatal, as an unmapped stage is) and asks for the mapping; below, the rows are left
    out with a warning.
    ``column``: the canonical column the word is in; ``one_column``: it holds the
    stages too (its words may then be open stages: the message says how to map one so).
    """
    mask = mask & ~t.drop
    if not mask.any():
        return
    n, known = int(mask.sum()), int((closing & ~t.drop).sum())
    span = n / (n + known)
    fatal = span > UNKNOWN_CLOSED_SPAN
    cells = t.text(column)
    ending = (
        f"they are {n} of the {n + known} deals with a closed date, so the win rate "
        f"could be anywhere in a span of {format_number(100 * span, 1)} percentage points "
        "without them"
        if fatal
        else "the rows are left out"
    )
    message = (
        "{column} '{name}' is not a won, lost or open word teamsim knows, yet {rows} have a "
        'closed date (first at row {first}); map it with --stage "{name}=lost" or '
        '--stage "{name}=won"{stage}; {ending}'
    )
    for word in pd.unique(cells[mask]):
        _stage_warning(
            t,
            cells,
            name=word,
            canonical=column,
            message=message,
            mask=mask,
            fatal=fatal,
            column=column,
            stage=f' (an open stage: --stage "{word}=<stage>")' if one_column else "",
            ending=ending,
        )
    t.drop |= mask


def _statuses(
    t: _Table, *, stage_map: Mapping[str, str], known_stages: Collection[str] | None
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Status and stage of each deal, from a status column, a stage column, or both.

    Also the mask of rows whose word is neither won, lost nor open, nor mapped by
    --stage (read as open here; :func:`_unknown_closed` judges those with a close date).
    With a status column apart from the stage column, every such status word. With one
    column of both (a Bitrix24 or amoCRM "stage"), the won and lost words are read as
    such (:data:`STATUS_WORDS`) and every other word is an open deal's stage; a word
    that is no stage of the scenario (any word, without one) is such a row only where
    the deal has a close date and the file leaves open deals undated (some deal read as
    open has no close date): where every open deal is dated, the dates are expected
    close dates (Salesforce's CloseDate) and tell nothing. A row without a close date
    stays an open deal at that stage.
    """
    status_col = "status" if "status" in t.mapping else "stage"
    one = not ("status" in t.mapping and "stage" in t.mapping)  # one column of both
    cells = t.required_text(status_col, "status or stage").fillna("")
    lookup = _stage_lookup(stage_map)
    known = _known(known_stages) or {}

    def status_of(text: str) -> str:
        target = lookup.get(column_key(text), text)
        if target.casefold() in WON_LOST:
            return target.casefold()
        word = STATUS_WORDS.get(column_key(target))
        return word.value if word is not None else Status.OPEN.value

    def known_word(text: str) -> bool:
        key = column_key(text)
        return not text or key in lookup or key in STATUS_WORDS or (one and key in known)

    status = cells.map({v: status_of(v) for v in pd.unique(cells)}).astype(object)
    not_known = ~cells.map({v: known_word(v) for v in pd.unique(cells)}).to_numpy(dtype=bool)
    if not one:  # the status column alone: its cells name no stages
        unknown = not_known
        names = t.text("stage")
        ending = "kept with no stage"
    else:  # one column: an open deal's stage is its status cell
        dated = (t.text("closed") != "").to_numpy()
        undated_open = ((status == Status.OPEN.value).to_numpy() & ~dated & ~t.drop).any()
        unknown = not_known & dated if undated_open else np.zeros(len(cells), dtype=bool)
        names = cells.where((status == Status.OPEN.value).to_numpy() & ~unknown, "")
        names = names.where(
            ~names.map(column_key).isin([k for k, s in STATUS_WORDS.items() if s is Status.OPEN]),
            "",
        )
        ending = "kept as open deals with no stage"
    stage, _ = _map_stages(
        t,
        names,
        stage_map=stage_map,
        known_stages=known_stages,
        canonical="stage" if "stage" in t.mapping else status_col,
        unmapped_ending=ending,
    )
    stage = _none_where(stage, stage.isin(WON_LOST))
    return status, stage, unknown


def _stages(
    t: _Table,
    *,
    stage_map: Mapping[str, str],
    known_stages: Collection[str] | None,
    order: DateOrder | None,
) -> dict[str, pd.Series]:
    ids = t.required_text("deal_id", "deal id")
    names = t.text("stage")
    t.row_problem((names == "").to_numpy(), "stage", "no stage", leave_out=True, group=_NO_STAGE)
    # Rows of an unknown stage are kept (with the CRM's name): the funnel must see that
    # the deal went on into a stage it cannot place, or its conversions would be biased.
    stage, _ = _map_stages(
        t,
        names,
        stage_map=stage_map,
        known_stages=known_stages,
        canonical="stage",
        unmapped_ending="kept with no stage",
    )
    return {"deal_id": ids, "stage": stage, "entered": t.dates("entered", order, required=True)}


def _activities(t: _Table, *, order: DateOrder | None, **_: object) -> dict[str, pd.Series]:
    person = t.required_text("person", "person")
    when = t.dates("date", order, required=True)
    cells = t.text("kind")
    kinds = {v: KIND_WORDS.get(column_key(v), ActivityKind.OTHER) for v in pd.unique(cells)}
    kind = cells.map(kinds)
    allowed = ", ".join(k.value for k in ActivityKind if k is not ActivityKind.OTHER)
    for value, k in kinds.items():
        if k is ActivityKind.OTHER and column_key(value) != ActivityKind.OTHER.value:
            _stage_warning(
                t,
                cells,
                name=value,
                canonical="kind",
                message="activity kind {shown} is none of {allowed}; counted as other ({rows})",
                shown=f"'{value}'" if value else "an empty kind",
                allowed=allowed,
            )
    count = t.numbers("count", negative_drops=True).fillna(1.0)
    return {
        "person": person,
        "date": when,
        "kind": kind.map(str).astype(object),
        "channel": _none_if_empty(t.text("channel")),
        "count": count,
        "minutes": t.numbers("minutes", negative_drops=False),
        "outcome": _none_if_empty(t.text("outcome")),
    }


def _team(t: _Table, *, order: DateOrder | None, **_: object) -> dict[str, pd.Series]:
    person = t.required_text("person", "person")
    again = (person.notna() & person.duplicated(keep="first")).to_numpy()
    t.row_problem(
        again,
        "person",
        "the person is listed twice (the first row is kept)",
        leave_out=True,
        group="people listed twice: the first row of each kept",
    )
    role = t.text("role")
    t.row_problem(
        (role == "").to_numpy(),
        "role",
        "no role; kept with no role",
        leave_out=False,
        group="people with no role: kept with no role",
    )
    levels = t.text("level")
    names = {lv.value: lv.value for lv in Level}
    level = levels.str.casefold().map(names)
    wrong = ((levels != "") & level.isna()).to_numpy()
    t.cells_problem(
        wrong,
        "level",
        "level '{value}' is not one of "
        + ", ".join(names)
        + " (exact level names only; titles go in the role column); "
        "kept with no level",
        leave_out=False,
        group="levels that are no level name: kept with no level",
    )
    return {
        "person": person,
        "role": _none_if_empty(role),
        "manager": _none_if_empty(t.text("manager")),
        "unit": _none_if_empty(t.text("unit")),
        "start": t.dates("start", order, required=False),
        "days_away": t.numbers("days_away", negative_drops=False),
        "level": _none_where(level, level.isna()),
    }


_BUILDERS = {
    Kind.DEALS: _deals,
    Kind.STAGES: _stages,
    Kind.ACTIVITIES: _activities,
    Kind.TEAM: _team,
}


def normalise(
    kind: Kind,
    raw: pd.DataFrame,
    *,
    source: str,
    columns: Mapping[str, str] = {},
    stage_map: Mapping[str, str] = {},
    known_stages: Collection[str] | None = None,
    date_order: str | None = None,
    first_row: int = 2,
) -> tuple[pd.DataFrame | None, list[RowProblem], int]:
    """One file's cells (all str, as teamsim.records_io reads them) as a canonical table.

    Args:
        kind: which table the file holds.
        raw: the file's cells, header row as column names.
        source: the file's name, for messages.
        columns: the user's column mapping, canonical -> file column (wins over spellings).
        stage_map: CRM stage name -> scenario stage name, or "won" / "lost".
        known_stages: the scenario's stage names; a stage mapping to none of them (nor
            won/lost) is reported once per name with its count of rows.
        date_order: "dmy" or "mdy" for slash-separated dates (None: decided per column).
        first_row: the file row of ``raw``'s first record (header = row 1).

    Returns:
        The table (exactly ``COLUMNS[kind]`` then ``row``, dtypes as calibrate.contract
        says; None when a fatal problem makes the file unusable), the problems, and the
        count of rows left out (all of them when the file is unusable). Rows with every
        cell empty are blank lines, not records: skipped without a count.
    """
    if date_order is not None and date_order not in ("dmy", "mdy"):
        raise ValueError(f'date_order is "dmy" or "mdy", not {date_order!r}')
    order: DateOrder | None = (
        "dmy" if date_order == "dmy" else ("mdy" if date_order == "mdy" else None)
    )
    found = [str(c) for c in raw.columns]
    mapping, problems = match_columns(kind, found, source=source, columns=columns)
    blank = _blank_rows(raw)
    rows = np.arange(first_row, first_row + len(raw))[~blank]
    raw = raw.loc[~blank].reset_index(drop=True)
    notes: list[RowProblem] = []
    card_columns: list[str] = []
    if kind is Kind.ACTIVITIES and "kind" not in mapping:
        cards = _cards(raw, rows, mapping, source=source)
        if cards is None:
            problems = [_wide_hint(p) if "'kind'" in p.message else p for p in problems]
        else:
            raw, rows, note, card_columns = cards
            mapping, problems = match_columns(kind, list(raw.columns), source=source)
            notes.append(note)
    if problems and kind is Kind.DEALS and "closed" not in mapping:
        # Said with the other missing columns, not after they are mapped: one run, all.
        closing = _closing_words(raw, mapping, stage_map)
        if closing != 0:
            problems.append(_no_closed(raw.columns, source, set(mapping.values()), closing))
    if problems:
        return None, problems, len(raw)
    t = _Table(kind, raw, source, mapping, rows, drop=np.zeros(len(raw), dtype=bool))
    t.problems += notes
    cols = _BUILDERS[kind](t, stage_map=stage_map, known_stages=known_stages, order=order)
    if any(p.fatal for p in t.problems):
        return None, t.problems, len(raw)
    table = pd.DataFrame({c: cols[c] for c in COLUMNS[kind]})
    table[ROW] = rows
    table = table.loc[~t.drop].reset_index(drop=True)
    table.attrs["source"] = source
    table.attrs["columns"] = dict(mapping)
    if card_columns:  # the file's kind columns, read as work-day cards (none is unused)
        table.attrs["card_columns"] = card_columns
    return table, _in_row_order(_one_order_note(t.problems)), int(t.drop.sum())


# The long form's column names a melted work-day card gets (canonical, so they match).
_CARD_COLUMNS = ("person", "date", "kind", "count", "minutes", "channel", "outcome")


def _cards(
    raw: pd.DataFrame, rows: np.ndarray, mapping: Mapping[str, str], *, source: str
) -> tuple[pd.DataFrame, np.ndarray, RowProblem, list[str]] | None:
    """Wide work-day cards (one column per activity kind) melted to the long form.

    A card is one row per person and day with a count per kind ("Сотрудник; Дата;
    Звонки; Дозвоны; Разговоры; Встречи; Минуты"). Its columns that name an activity
    kind (:data:`KIND_WORDS`, compared through column_key, as column names are) become
    rows (person, date, kind, count), one per kind and card; an empty cell is no
    activity of that kind (no row), "0" a row of count 0 (the day was logged). The
    card's minutes are the day's call minutes, so they sit on the dial row, as the long
    form's rules say (contract.COLUMNS: minutes are the time spent on the row's
    activities; calibrate.crm writes call minutes on the dial row); without a dial
    column they are left out, and the note says so. Channel and outcome columns are
    copied to every row of their card.

    Returns the long table (every cell a str, the canonical column names), the file row
    of each of its rows, and a note (a warning RowProblem) naming the kind columns, or
    None when no column names a kind.
    """
    taken = set(mapping.values())
    kinds = {
        str(c): KIND_WORDS[column_key(str(c))]
        for c in raw.columns
        if str(c) not in taken and column_key(str(c)) in KIND_WORDS
    }
    if not kinds:
        return None
    parts: list[pd.DataFrame] = []
    part_rows: list[np.ndarray] = []
    minutes_column = mapping.get("minutes")
    dial_column = next((c for c, k in kinds.items() if k is ActivityKind.DIAL), None)
    for column, kind in kinds.items():
        cells = raw[column].astype(str).str.strip()
        filled = (cells != "").to_numpy()
        part = pd.DataFrame(
            {
                name: (
                    raw[mapping[name]].astype(str)
                    if name in mapping and name not in ("count", "minutes")
                    else pd.Series("", index=raw.index, dtype=object)
                )
                for name in _CARD_COLUMNS
            }
        )
        part["kind"] = kind.value
        part["count"] = cells
        if column == dial_column and minutes_column is not None:
            part["minutes"] = raw[minutes_column].astype(str)
        parts.append(part.loc[filled])
        part_rows.append(rows[filled])
    table = pd.concat(parts, ignore_index=False)
    file_rows = np.concatenate(part_rows)
    order = np.argsort(file_rows, kind="stable")  # the cards' order, a card's kinds together
    table = table.iloc[order].reset_index(drop=True)
    named = ", ".join(f"{c}={k.value}" for c, k in kinds.items())
    if minutes_column is None:
        minutes = ""
    elif dial_column is None:
        minutes = (
            f"; {minutes_column} left out (call minutes go on the dial row, and no column is dials)"
        )
    else:
        minutes = f"; {minutes_column} as the day's call minutes, on the dial row"
    note = RowProblem(
        source,
        None,
        None,
        f"read as work-day cards (one row per person and day, one column per kind): "
        f"{named}{minutes}",
    )
    return table, file_rows[order], note, list(kinds)


def _no_closed(
    found: Iterable[object], source: str, taken: Collection[str], n: int | None
) -> RowProblem:
    """The deals file has won or lost deals (``n``; None: not known) and no close date."""
    deals = "the won or lost deals" if n is None else f"the {n} won or lost deals"
    why = f" (the date a deal was won or lost), so {deals} cannot be used"
    columns = [str(c) for c in found]
    return missing_column(Kind.DEALS, "closed", columns, source=source, taken=taken, why=why)


def _closing_words(
    raw: pd.DataFrame, mapping: Mapping[str, str], stage_map: Mapping[str, str]
) -> int | None:
    """How many rows a won or lost word marks (None: no status or stage column to tell)."""
    column = mapping.get("status", mapping.get("stage"))
    if column is None:
        return None
    lookup = _stage_lookup(stage_map)
    cells = raw[column].astype(str).str.strip()
    closing = {
        v: lookup.get(column_key(v)) in WON_LOST
        or STATUS_WORDS.get(column_key(v)) in (Status.WON, Status.LOST)
        for v in pd.unique(cells)
    }
    return int(cells.map(closing).sum())


def _one_order_note(problems: list[RowProblem]) -> list[RowProblem]:
    """A file's notes on the order its slash dates were read, as one (said once a file).

    Each date column decides its own order (calibrate.dates); the columns read alike are
    named together, with the first one's deciding value.
    """
    notes = [p for p in problems if p.group == DATE_ORDER]
    if len(notes) < 2:
        return problems
    by_order: dict[str, list[RowProblem]] = {}
    for note in notes:
        by_order.setdefault(note.message.split(":")[0], []).append(note)
    merged = [
        replace(same[0], column=", ".join(str(p.column) for p in same))
        if len(same) > 1
        else same[0]
        for same in by_order.values()
    ]
    rest = [p for p in problems if p.group != DATE_ORDER]
    return [*merged, *rest]


def _wide_hint(problem: RowProblem) -> RowProblem:
    """The missing kind column's message, with the wide form named (no column names a kind)."""
    message = (
        f"{problem.message}; or, for work-day cards (one row per person and day, a count "
        "column per kind), name each count column after its kind: dials, connects, "
        "conversations, bookings, meetings, proposals (or Звонки, Дозвоны, Разговоры, "
        "Встречи, КП), and minutes"
    )
    return replace(problem, message=message)


def _in_row_order(problems: Sequence[RowProblem]) -> list[RowProblem]:
    return sorted(problems, key=lambda p: -1 if p.row is None else p.row)


def person_key(name: str) -> str:
    """A person's name for comparing spellings: casefold, ё as е, no dots, words sorted.

    "Ivan Petrov", "ivan  petrov", "Petrov Ivan" and "И. Петров." differ only in what a
    CRM's users type differently; sorted words make "surname first" the same person.
    """
    words = re.sub(r"[.,]", " ", name.casefold().replace("ё", "е")).split()
    return " ".join(sorted(words))


# Where people are named: (table, column) in the order their spelling is trusted.
_PEOPLE = (
    (Kind.TEAM, "person"),
    (Kind.DEALS, "owner"),
    (Kind.ACTIVITIES, "person"),
    (Kind.TEAM, "manager"),
)
# At most this many deal ids are named one by one; the rest are counted.
_LISTED_IDS = 10


def combine(
    tables: Mapping[Kind, pd.DataFrame],
    problems: Sequence[RowProblem],
    dropped: Mapping[str, int],
    *,
    sources: Mapping[Kind, str],
) -> Records:
    """Check the normalised tables against each other and gather them into Records.

    Args:
        tables: the canonical tables normalise returned (any subset of the kinds).
        problems: the problems found so far (kept first, in order).
        dropped: rows left out so far, per kind's value ("deals", ...).
        sources: each table's file name, for messages.

    Checks (each a warning RowProblem, never fatal): one person spelled several ways
    (person_key equal) is renamed to the team file's spelling, or else to the most
    frequent one, and the renaming is reported; owners and activity people not in the
    team file, and managers not in it, once per name with their count of rows; closed
    deals all won or all lost (one_sided); stage history of deals not in the deals file
    (those rows are left out and counted). Dates no snapshot can hold (a stray created,
    entered or activity date far from every other record, a closed date far after the
    export's end) are left out and counted (:func:`_outside_the_export`).
    """
    out = {kind: table.copy() for kind, table in tables.items()}
    for kind, table in tables.items():
        out[kind].attrs = dict(table.attrs)
    found: list[RowProblem] = list(problems)
    left = dict(dropped)
    found += _one_spelling(out, sources)
    found += _outside_the_export(out, left, sources)
    if Kind.TEAM in out:
        found += _not_in_team(out, sources)
    if Kind.DEALS in out:
        found += _outcomes(out[Kind.DEALS], sources[Kind.DEALS])
    if Kind.STAGES in out and Kind.DEALS in out:
        stages, more = _unjoined_stages(out[Kind.STAGES], out[Kind.DEALS], sources)
        left[Kind.STAGES.value] = left.get(Kind.STAGES.value, 0) + len(out[Kind.STAGES])
        left[Kind.STAGES.value] -= len(stages)
        out[Kind.STAGES] = stages
        found += more
    return Records(
        deals=out.get(Kind.DEALS),
        stages=out.get(Kind.STAGES),
        activities=out.get(Kind.ACTIVITIES),
        team=out.get(Kind.TEAM),
        problems=tuple(found),
        dropped=left,
    )


# Fewer closed deals than this and a rate keeps the base's value (an interval that wide
# says nothing the assumption does not); the fits and the skeleton read it from here.
MIN_CLOSED = 5


def _one_side(won: int, lost: int) -> str | None:
    """The question closed deals all of one outcome raise (None: both outcomes seen)."""
    closed = won + lost
    if closed and not lost:
        return f"no lost deals among {closed} closed: is this a won-only export?"
    if closed and not won:
        return f"no won deals among {closed} closed: is this a lost-only export?"
    return None


def one_sided(won: int, lost: int) -> str | None:
    """Why a win rate cannot be fitted from closed deals all of one outcome (None: both seen).

    A file of won deals only (or lost only) is an export filtered by status far more
    often than a team that never loses (or never wins): its win rate of 100 % (or 0 %)
    would be the filter's, so the fits keep the assumption and say why.
    """
    question = _one_side(won, lost)
    return None if question is None else f"{question} win rate not fitted, assumption kept"


def filtered_export(won: int, lost: int, still_open: int) -> str | None:
    """The question deals that look filtered by status raise (None: they look whole).

    Closed deals (MIN_CLOSED or more) all won or all lost (one_sided), or MIN_CLOSED or
    more deals none of which is closed (an export of open deals only). Such a file does
    not hold every deal that came in, so the deals created in it are not the flow of new
    deals (calibrate.fit.flow keeps the assumption): 702 won deals in 61 weeks are 6.9 a
    week, where the whole file had 47.7 leads a week.
    """
    if won + lost >= MIN_CLOSED:
        return _one_side(won, lost)
    if won + lost == 0 and still_open >= MIN_CLOSED:
        return f"no closed deal among {still_open}: is this an export of open deals only?"
    return None


# The plan (revenue a month) is taken from the records only with at least this many won
# deals over at least this many months: one deal in a fortnight is no monthly revenue.
MIN_PLAN_WON = 5
MIN_PLAN_MONTHS = 1.0


def record_months(records: Records) -> float:
    """Months the records cover (contract.record_dates, first to last day inclusive; 0: none)."""
    dates = record_dates(records)
    if dates.empty:
        return 0.0
    return float(((dates.max() - dates.min()).days + 1) / DAYS_A_MONTH)


# Why deal values and a plan from the records are not fitted when no deal has an amount
# (no value column read: teamsim.records_io names the columns that could be it).
NO_VALUES = "no deal has an amount (no value column read: map it with --column value=<column>)"


def plan_basis(won: int, months: float) -> str | None:
    """Why the won deals are too few to take a plan from (None: enough), in words."""
    if won >= MIN_PLAN_WON and months >= MIN_PLAN_MONTHS:
        return None
    deals = "won deal" if won == 1 else "won deals"
    return (
        f"{won} {deals} over {format_number(months, 1)} months (a plan is taken from at "
        f"least {MIN_PLAN_WON} won deals over {format_significant(MIN_PLAN_MONTHS)} month "
        "or more)"
    )


def _outcomes(deals: pd.DataFrame, source: str) -> list[RowProblem]:
    """A warning when the file looks filtered by status (filtered_export).

    Closed deals (MIN_CLOSED or more) all won or all lost, or MIN_CLOSED or more deals
    and none closed.
    """
    status = deals["status"]
    won, lost = int((status == Status.WON.value).sum()), int((status == Status.LOST.value).sum())
    question = filtered_export(won, lost, len(deals) - won - lost)
    if question is None:
        return []
    # Closed deals: one_sided's words (the same question, and what it means for the win
    # rate); none closed: neither the win rate nor the flow can be told.
    why = one_sided(won, lost) if won + lost else None
    if why is None:
        why = f"{question} win rate and flow of new deals not fitted, assumptions kept"
    return [RowProblem(source, None, _file_column(deals, "status"), why)]


def _file_column(table: pd.DataFrame, canonical: str) -> str:
    columns: dict[str, str] = table.attrs.get("columns", {})
    return columns.get(canonical, canonical)


def _one_spelling(
    tables: dict[Kind, pd.DataFrame], sources: Mapping[Kind, str]
) -> list[RowProblem]:
    """Rename each person's other spellings onto one; report every renaming."""
    counts: dict[str, Counter[str]] = {}
    in_team: dict[str, str] = {}
    for kind, column in _PEOPLE:
        if kind not in tables:
            continue
        for name, n in tables[kind][column].dropna().value_counts(sort=False).items():
            key = person_key(str(name))
            counts.setdefault(key, Counter())[str(name)] += int(n)
            if kind is Kind.TEAM and column == "person":
                in_team.setdefault(key, str(name))
    chosen = {
        key: in_team.get(key, spellings.most_common(1)[0][0])
        for key, spellings in counts.items()
        if len(spellings) > 1
    }
    problems = []
    for kind, column in _PEOPLE:
        if kind not in tables:
            continue
        table = tables[kind]
        names = table[column]
        keys = names.map({v: person_key(v) for v in pd.unique(names.dropna())})
        renamed = keys.isin(chosen) & (names != keys.map(chosen))
        for name in pd.unique(names[renamed]):
            where = (names == name).to_numpy()
            target = chosen[person_key(name)]
            whose = "the team file's" if person_key(name) in in_team else "the most used"
            message = (
                f"'{name}' is taken as '{target}' ({whose} spelling of the same "
                f"person; {_rows(where)})"
            )
            problems.append(
                RowProblem(
                    sources.get(kind, kind.value),
                    int(table[ROW].to_numpy()[where][0]),
                    _file_column(table, column),
                    message,
                )
            )
        table.loc[renamed, column] = keys[renamed].map(chosen)
    return problems


# What becomes of the rows of a person the team file does not list, and what to do.
_OUTSIDE = {
    Kind.DEALS: (
        ": the rows are kept (they count for the team's flow, win rate and cycle, and "
        "the person's results are shown) with no share of the plan; add '{name}' to "
        "{team}, or, if it is someone of the team spelled another way, correct the name "
        "in the deals file"
    ),
    Kind.ACTIVITIES: (
        ": the rows are kept (they count for the team's activity rates, and the person's "
        "results are shown) with no share of the plan; add '{name}' to {team}, or, if it "
        "is someone of the team spelled another way, correct the name in the activities "
        "file"
    ),
    Kind.TEAM: "",
}


def _not_in_team(tables: dict[Kind, pd.DataFrame], sources: Mapping[Kind, str]) -> list[RowProblem]:
    team = tables[Kind.TEAM]
    members = set(team["person"].dropna())
    team_source = sources.get(Kind.TEAM, Kind.TEAM.value)
    problems = []
    for kind, column, what in (
        (Kind.DEALS, "owner", "owner"),
        (Kind.ACTIVITIES, "person", "person"),
        (Kind.TEAM, "manager", "manager"),
    ):
        if kind not in tables:
            continue
        table = tables[kind]
        names = table[column]
        outside = names.notna() & ~names.isin(members)
        for name in pd.unique(names[outside]):
            where = (names == name).to_numpy()
            message = (
                f"{what} '{name}' is not in the team file {team_source} ({_rows(where)})"
                f"{_OUTSIDE[kind].format(name=name, team=team_source)}"
            )
            problems.append(
                RowProblem(
                    sources.get(kind, kind.value),
                    int(table[ROW].to_numpy()[where][0]),
                    _file_column(table, column),
                    message,
                )
            )
    return problems


def _unjoined_stages(
    stages: pd.DataFrame, deals: pd.DataFrame, sources: Mapping[Kind, str]
) -> tuple[pd.DataFrame, list[RowProblem]]:
    outside = ~stages["deal_id"].isin(set(deals["deal_id"]))
    if not outside.any():
        return stages, []
    source = sources.get(Kind.STAGES, Kind.STAGES.value)
    deals_source = sources.get(Kind.DEALS, Kind.DEALS.value)
    column = _file_column(stages, "deal_id")
    ids = pd.unique(stages.loc[outside, "deal_id"])
    problems = []
    for deal in ids[:_LISTED_IDS]:
        where = (stages["deal_id"] == deal).to_numpy()
        message = (
            f"deal '{deal}' is not among the deals read from {deals_source} "
            f"({_rows(where)} left out)"
        )
        problems.append(RowProblem(source, int(stages[ROW].to_numpy()[where][0]), column, message))
    if len(ids) > _LISTED_IDS:
        rest = stages["deal_id"].isin(ids[_LISTED_IDS:])
        message = (
            f"{len(ids) - _LISTED_IDS} more deals are not among the deals read from "
            f"{deals_source} ({_rows(rest)} left out)"
        )
        problems.append(RowProblem(source, None, column, message))
    kept = stages.loc[~outside].reset_index(drop=True)
    kept.attrs = dict(stages.attrs)
    return kept, problems


# Where a record is created or logged: the dates that tell when the export was taken.
_LOGGED = ((Kind.DEALS, "created"), (Kind.STAGES, "entered"), (Kind.ACTIVITIES, "date"))
# A month: the shortest gap, and the shortest margin after the export's end, read as
# impossible. A team's records with no new record for a month are rare; a close date a
# month after the export is a plausible expected date only when cycles are that long.
STRAY_GAP_DAYS = 31
# A stray date's gap is larger than twice every other gap between the records.
STRAY_GAP_FACTOR = 2.0
# At most this share of the logged records (and at least one) can be one stray group.
STRAY_SHARE = 0.01
# With fewer logged records than this, gaps say nothing: no date is judged stray.
STRAY_MIN_RECORDS = 20
# The longest plausible cycle: this quantile of the file's own cycles (closed - created).
CYCLE_QUANTILE = 0.99


def _stray_tail(days: np.ndarray) -> int:
    """How many of the latest ``days`` (sorted, int) are stray: 0 when none is.

    The last k records are stray when the gap before them is longer than
    STRAY_GAP_DAYS and than STRAY_GAP_FACTOR times every gap between the records
    before them, and k is at most STRAY_SHARE of the records (the largest such k).
    """
    n = len(days)
    if n < STRAY_MIN_RECORDS:
        return 0
    gaps = np.diff(days)  # gaps[i] = days[i + 1] - days[i]
    body_max = np.maximum.accumulate(np.concatenate([[0], gaps]))  # body_max[i]: gaps[:i]
    most = max(1, int(n * STRAY_SHARE))
    best = 0
    for k in range(1, min(most, n - 2) + 1):
        gap = gaps[n - k - 1]
        if gap > STRAY_GAP_DAYS and gap > STRAY_GAP_FACTOR * body_max[n - k - 1]:
            best = k
    return best


def _apart_from_the_rest(closed: np.ndarray, end: np.datetime64) -> np.ndarray:
    """Which closed dates lie in a stray tail after the file's other dates (:func:`_stray_tail`).

    An export filtered by created date (deals created in one quarter, with their real
    closed dates) holds closed dates well after its latest created date: they come
    steadily, a few a week, as the quarter's deals close, and are legitimate. Only a
    closed date apart from every earlier date of the file (the created or logged dates up
    to ``end`` and the other closed dates) by a stray gap is a slip.
    """
    valid = ~np.isnat(closed)
    later = closed[valid & (closed > end)].astype(np.int64)
    out = np.zeros(len(closed), dtype=bool)
    if not len(later):
        return out
    days = np.sort(np.concatenate([[int(end.astype(np.int64))], later]))
    # the end stands for the body before it: its gaps are judged against the later ones
    gaps = np.diff(days)
    cut = None
    for i, gap in enumerate(gaps):
        before = gaps[:i].max() if i else 0
        if gap > STRAY_GAP_DAYS and gap > STRAY_GAP_FACTOR * before:
            cut = days[i + 1]
            break
    if cut is None:
        return out
    out[valid] = closed[valid].astype(np.int64) >= cut
    return out


def _outside_the_export(
    tables: dict[Kind, pd.DataFrame], left: dict[str, int], sources: Mapping[Kind, str]
) -> list[RowProblem]:
    """Leave out the dates no snapshot of a CRM can hold; one problem per row.

    The records are a snapshot taken on one day, and calibrate reads no clock (an
    export may be dated after today, as the shipped synthetic one is), so the
    snapshot's day is told from the records themselves:

    - a stray date: the dates a record is created or logged on (deals' created, stage
      history's entered, activities' date) come steadily while a team works. The
      latest (or earliest) few of them (at most STRAY_SHARE, at least one) apart from
      all the others by a gap longer than STRAY_GAP_DAYS and than STRAY_GAP_FACTOR
      times every gap among the others are a typing slip (2027 for 2024), not records:
      one such row would stretch the records' period, halving the flow of new deals
      and the plan a month. Judged with STRAY_MIN_RECORDS records or more.
    - the export's end is the latest of the remaining created or logged dates. A deal
      closes after it only while the export is being taken, or by an expected close
      date; a closed date later than the end plus the longest plausible cycle (the
      larger of STRAY_GAP_DAYS and the CYCLE_QUANTILE of the cycles of deals closed
      by the end) cannot be in the snapshot, and would stretch the period and the
      cycle times. Judged with STRAY_MIN_RECORDS closed deals or more: a small file
      (ten deals created on one day) says too little of its own cycles.

    Rows left out are removed from ``tables`` and counted in ``left`` (by kind).
    """
    logged = [(k, c) for k, c in _LOGGED if k in tables and len(tables[k])]
    if not logged:
        return []
    stamps = np.concatenate(
        [tables[k][c].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]") for k, c in logged]
    )
    owner = np.concatenate([np.full(len(tables[k]), i) for i, (k, _) in enumerate(logged)])
    index = np.concatenate([np.arange(len(tables[k])) for k, _ in logged])
    valid = ~np.isnat(stamps)
    stamps, owner, index = stamps[valid], owner[valid], index[valid]
    order = np.argsort(stamps, kind="stable")
    days = stamps[order].astype(np.int64)
    late, early = _stray_tail(days), _stray_tail(-days[::-1])
    stray = np.zeros(len(days), dtype=bool)
    stray[len(days) - late :] = True
    stray[:early] = True
    problems: list[RowProblem] = []
    drop = {k: np.zeros(len(tables[k]), dtype=bool) for k in tables}
    if stray.any():
        body = days[~stray]
        first = np.datetime64(int(body.min()), "D")
        last = np.datetime64(int(body.max()), "D")
        longest = int(np.diff(body).max()) if len(body) > 1 else 0
        for i in np.flatnonzero(stray):
            kind, column = logged[int(owner[order[i]])]
            row = int(index[order[i]])
            when = np.datetime64(int(days[i]), "D")
            after = bool(when > last)
            side = f"after the latest other, {last}" if after else f"before the earliest, {first}"
            apart = abs(int(days[i]) - int(body.max() if after else body.min()))
            message = (
                f"{column} {when} is {apart} days {side}, where no other gap between the "
                f"records' created or logged dates is longer than {longest} days: a date "
                "no export holds (a slip of the year?); the row is left out"
            )
            problems.append(_problem(tables[kind], row, column, message, sources, kind))
            drop[kind][row] = True
        end: np.datetime64 = last
    else:
        end = np.datetime64(int(days.max()), "D")
    if Kind.DEALS in tables and tables[Kind.DEALS]["closed"].notna().sum() >= STRAY_MIN_RECORDS:
        deals = tables[Kind.DEALS]
        closed = deals["closed"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        created = deals["created"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        inside = ~np.isnat(closed) & (closed <= end) & ~drop[Kind.DEALS]
        cycles = (closed[inside] - created[inside]).astype(np.int64)
        quantile = float(np.quantile(cycles, CYCLE_QUANTILE)) if len(cycles) else 0.0
        margin = max(STRAY_GAP_DAYS, int(np.ceil(quantile)))
        beyond = ~np.isnat(closed) & (closed > end + np.timedelta64(margin, "D"))
        beyond &= _apart_from_the_rest(closed, end)
        for late_row in np.flatnonzero(beyond & ~drop[Kind.DEALS]):
            message = (
                f"closed {closed[late_row]} is after the export's end {end} (the latest date a "
                f"record was created or logged) by more than the longest plausible cycle, "
                f"{margin} days (the larger of {STRAY_GAP_DAYS} days and the 99th "
                "percentile of the file's cycles): impossible in a snapshot; the row is "
                "left out"
            )
            problems.append(_problem(deals, int(late_row), "closed", message, sources, Kind.DEALS))
            drop[Kind.DEALS][late_row] = True
    for kind, mask in drop.items():
        if mask.any():
            kept = tables[kind].loc[~mask].reset_index(drop=True)
            kept.attrs = dict(tables[kind].attrs)
            tables[kind] = kept
            left[kind.value] = left.get(kind.value, 0) + int(mask.sum())
    return _in_row_order(problems)


def _problem(
    table: pd.DataFrame,
    row: int,
    column: str,
    message: str,
    sources: Mapping[Kind, str],
    kind: Kind,
) -> RowProblem:
    """A problem at ``row`` (position in ``table``) of its file, the column as the file names it."""
    return RowProblem(
        sources.get(kind, kind.value),
        int(table[ROW].to_numpy()[row]),
        _file_column(table, column),
        message,
    )
