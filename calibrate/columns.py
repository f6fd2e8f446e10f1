"""Which column of a CRM export is which canonical column (COLUMNS of calibrate.contract).

CRMs name the same thing differently ("Owner", "Assigned To", "Ответственный"); the
spellings below are those seen in common exports (Salesforce, HubSpot, Pipedrive,
amoCRM, Bitrix24, 1C), compared after ``column_key``: case, spaces, underscores and
punctuation do not count. The user's mapping (``--column owner=Responsible``) wins.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence

from calibrate.contract import COLUMNS, REQUIRED, Kind, RowProblem

# Spellings per kind and canonical column; each is compared through column_key.
SPELLINGS: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.DEALS: {
        "deal_id": (
            "deal id",
            "id",
            "opportunity id",
            "deal",
            "deal number",
            "number",
            "record id",
            "ид",
            "id сделки",
            "номер сделки",
            "номер",
            "сделка",
        ),
        "owner": (
            "owner",
            "deal owner",
            "opportunity owner",
            "rep",
            "sales rep",
            "salesperson",
            "assigned to",
            "assignee",
            "responsible",
            "user",
            "manager",
            "account manager",
            "ответственный",
            "менеджер",
            "ответственный менеджер",
            "продавец",
        ),
        "created": (
            "created",
            "create date",
            "created at",
            "created on",
            "date created",
            "creation date",
            "created date",
            "engaged",
            "engaged date",
            "opened",
            "open date",
            "дата создания",
            "создана",
            "создано",
            "дата открытия",
        ),
        "closed": (
            "closed",
            "close date",
            "closed at",
            "closed on",
            "date closed",
            "closed date",
            "closing date",
            "дата закрытия",
            "закрыта",
            "закрыто",
        ),
        "status": (
            "status",
            "state",
            "result",
            "outcome",
            "deal status",
            "статус",
            "состояние",
            "результат",
        ),
        "stage": (
            "stage",
            "deal stage",
            "pipeline stage",
            "opportunity stage",
            "stage name",
            "этап",
            "стадия",
            "этап сделки",
            "стадия сделки",
        ),
        "value": (
            "value",
            "amount",
            "deal value",
            "revenue",
            "deal amount",
            "price",
            "sum",
            "total",
            "opportunity amount",
            "сумма",
            "бюджет",
            "сумма сделки",
            "выручка",
            "стоимость",
        ),
        "segment": (
            "segment",
            "product",
            "product line",
            "type",
            "deal type",
            "сегмент",
            "продукт",
            "тип сделки",
            "направление",
        ),
        "channel": (
            "channel",
            "source",
            "lead source",
            "deal source",
            "origin",
            "канал",
            "источник",
            "источник сделки",
        ),
        "account": (
            "account",
            "account name",
            "company",
            "client",
            "customer",
            "organisation",
            "organization",
            "компания",
            "клиент",
            "контрагент",
            "организация",
        ),
    },
    Kind.STAGES: {
        "deal_id": (
            "deal id",
            "deal",
            "id",
            "opportunity id",
            "opportunity",
            "сделка",
            "id сделки",
            "номер сделки",
        ),
        "stage": (
            "stage",
            "to stage",
            "new stage",
            "stage name",
            "status",
            "этап",
            "стадия",
            "новый этап",
            "статус",
        ),
        "entered": (
            "entered",
            "date entered",
            "entered at",
            "entered on",
            "date",
            "changed",
            "changed at",
            "change date",
            "moved at",
            "timestamp",
            "дата",
            "дата перехода",
            "дата изменения",
            "дата входа",
        ),
    },
    Kind.ACTIVITIES: {
        "person": (
            "person",
            "user",
            "employee",
            "owner",
            "rep",
            "sales rep",
            "assigned to",
            "responsible",
            "manager",
            "name",
            "сотрудник",
            "ответственный",
            "менеджер",
            "пользователь",
        ),
        "date": (
            "date",
            "day",
            "activity date",
            "date time",
            "datetime",
            "created",
            "created at",
            "start",
            "дата",
            "день",
            "дата активности",
        ),
        "kind": (
            "kind",
            "type",
            "activity type",
            "activity",
            "event",
            "event type",
            "action",
            "тип",
            "вид",
            "тип активности",
            "действие",
        ),
        "channel": ("channel", "source", "канал", "источник"),
        "count": (
            "count",
            "qty",
            "quantity",
            "number",
            "amount",
            "n",
            "количество",
            "кол во",
            "число",
        ),
        "minutes": (
            "minutes",
            "duration",
            "duration min",
            "duration minutes",
            "time spent",
            "mins",
            "минуты",
            "минут",
            "длительность",
            "продолжительность",
        ),
        "outcome": ("outcome", "result", "disposition", "status", "результат", "итог"),
    },
    Kind.TEAM: {
        "person": (
            "person",
            "name",
            "full name",
            "employee",
            "user",
            "rep",
            "сотрудник",
            "фио",
            "имя",
            "работник",
        ),
        "role": ("role", "title", "job title", "position", "должность", "роль"),
        "manager": (
            "manager",
            "reports to",
            "supervisor",
            "line manager",
            "boss",
            "head",
            "руководитель",
            "начальник",
            "подчиняется",
        ),
        "unit": (
            "unit",
            "office",
            "branch",
            "department",
            "team",
            "region",
            "отдел",
            "офис",
            "филиал",
            "подразделение",
            "регион",
        ),
        "start": (
            "start",
            "start date",
            "hire date",
            "hired",
            "joined",
            "date joined",
            "employment date",
            "дата приема",
            "дата приёма",
            "дата найма",
        ),
        "days_away": (
            "days away",
            "absence days",
            "days absent",
            "absence",
            "days off",
            "vacation days",
            "дней отсутствия",
            "отсутствие",
            "дни отсутствия",
        ),
        "level": ("level", "grade", "уровень"),
    },
}

# How close a found column must be to a spelling to be suggested (difflib's ratio).
_SUGGEST_CUTOFF = 0.6


def column_key(name: str) -> str:
    """A column name for comparing: casefolded, ё as е, no spaces, underscores, punctuation."""
    return re.sub(r"[\W_]+", "", name.casefold().replace("ё", "е"))


def unknown_user_columns(columns: Mapping[str, str]) -> list[str]:
    """The canonical names of a ``--column`` mapping that no table has, each with a hint."""
    known = sorted({c for cols in COLUMNS.values() for c in cols})
    out = []
    for canonical in columns:
        if canonical not in known:
            close = difflib.get_close_matches(canonical, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            out.append(
                f"'{canonical}' is not a column teamsim reads ({hint}known: {', '.join(known)})"
            )
    return out


def match_columns(
    kind: Kind, found: Sequence[str], *, source: str, columns: Mapping[str, str] = {}
) -> tuple[dict[str, str], list[RowProblem]]:
    """Map canonical columns of ``kind`` onto the file's columns.

    Args:
        kind: the table the file holds.
        found: the file's column names (header row, stripped).
        source: the file's name, for messages.
        columns: the user's mapping, canonical name -> file column; names of other tables'
            columns are ignored; a file column given here but absent from the file falls
            back to the recognised spellings (one ``--column`` serves several files).

    Returns:
        canonical -> file column for every canonical column found (a file column serves
        one canonical column), and a fatal RowProblem per required column missing, naming
        the columns found, the closest of them, and the ``--column`` that maps it. A deals
        file with a stage column but no status column reads its status from the stage
        column (calibrate.records), so it counts as present.
    """
    by_key: dict[str, str] = {}
    for name in found:
        by_key.setdefault(column_key(name), name)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for canonical in COLUMNS[kind]:  # the user's mapping first: it wins over spellings
        wanted = columns.get(canonical)
        if wanted is not None:
            hit = wanted if wanted in found else by_key.get(column_key(wanted))
            if hit is not None and hit not in taken:
                mapping[canonical] = hit
                taken.add(hit)
    for canonical in COLUMNS[kind]:
        if canonical in mapping:
            continue
        for spelling in (canonical, *SPELLINGS[kind][canonical]):
            hit = by_key.get(column_key(spelling))
            if hit is not None and hit not in taken:
                mapping[canonical] = hit
                taken.add(hit)
                break
    present = set(mapping)
    if kind is Kind.DEALS and "stage" in present:
        present.add("status")
    problems = [
        _missing(kind, canonical, found, source=source, asked=columns.get(canonical), taken=taken)
        for canonical in REQUIRED[kind]
        if canonical not in present
    ]
    return mapping, problems


def _missing(
    kind: Kind,
    canonical: str,
    found: Sequence[str],
    *,
    source: str,
    asked: str | None,
    taken: set[str],
) -> RowProblem:
    spellings = (canonical, *SPELLINGS[kind][canonical])
    # Columns already read as another canonical column are not suggested.
    close = _closest(spellings, [c for c in found if c not in taken])
    listed = ", ".join(f"'{c}'" for c in found) or "none"
    near = f"closest: {', '.join(repr(c) for c in close)}" if close else "none close"
    tried = f"'{asked}' (from --column) is not among them; " if asked is not None else ""
    message = (
        f"no column for '{canonical}' (columns found: {listed}; {near}); {tried}"
        f"map it with --column {canonical}=<column>"
    )
    return RowProblem(source, None, None, message, fatal=True)


def _closest(spellings: Iterable[str], found: Sequence[str]) -> list[str]:
    """The found columns most like any spelling, best first (at most three)."""
    scores: dict[str, float] = {}
    keys = [column_key(s) for s in spellings]
    for name in found:
        key = column_key(name)
        if not key:
            continue
        best = max(difflib.SequenceMatcher(None, key, k).ratio() for k in keys)
        if best >= _SUGGEST_CUTOFF:
            scores[name] = best
    return sorted(scores, key=lambda n: -scores[n])[:3]
