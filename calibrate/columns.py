"""Which column of a CRM export is which canonical column (COLUMNS of calibrate.contract).

CRMs name the same thing differently ("Owner", "Assigned To", "Ответственный"); the
spellings below are those seen in common exports (Salesforce, HubSpot, Pipedrive,
amoCRM, Bitrix24, 1C), compared after ``column_key``: case, spaces, underscores and
punctuation do not count. The user's mapping (``--column owner=Responsible``) wins.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Collection, Iterable, Mapping, Sequence

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
            "nr",
            "nummer",
            "deal nr",
            "vorgangsnummer",
            "id affaire",
            "numéro",
            "numero",
            "n affaire",
            "id opportunité",
            # The deal as the CRM names the record itself: Salesforce's "Opportunity",
            # German CRMs' "Verkaufschance", French "Opportunité" or "Affaire".
            "opportunity",
            "opportunity number",
            "opp id",
            "verkaufschance",
            "verkaufschance id",
            "verkaufschancen id",
            "verkaufschancen nr",
            "chance",
            "opportunité",
            "opportunité id",
            "affaire",
            # French, German, Spanish and Russian ids as their CRMs' exports write them.
            "identifiant",
            "identifiant affaire",
            "identifiant de l'affaire",
            "identifiant opportunité",
            "id de l'affaire",
            "id de l'opportunité",
            "référence",
            "référence affaire",
            "n° affaire",
            "numéro d'affaire",
            "numéro affaire",
            "kennung",
            "vorgang",
            "vorgangs id",
            "vorgangsnr",
            "deal nummer",
            "auftragsnummer",
            "chancen id",
            "chancen nr",
            "id oportunidad",
            "id de oportunidad",
            "oportunidad",
            "número de oportunidad",
            "id negocio",
            "id del negocio",
            "negocio",
            "número",
            "id trato",
            "trato",
            "идентификатор",
            "идентификатор сделки",
            "ид сделки",
            "код сделки",
            "№ сделки",
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
            "verantwortlich",
            "verantwortlicher",
            "zuständig",
            "besitzer",
            "betreuer",
            "vertriebsmitarbeiter",
            "verkäufer",
            "propriétaire",
            "responsable",
            "commercial",
            "vendeur",
            "владелец",
            "исполнитель",
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
            "erstellt",
            "erstellt am",
            "erstellungsdatum",
            "angelegt",
            "angelegt am",
            "date de création",
            "date création",
            "créé le",
            "créée le",
            "date d'ouverture",
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
            "geschlossen",
            "geschlossen am",
            "abgeschlossen",
            "abgeschlossen am",
            "abschlussdatum",
            "date de clôture",
            "clôturé le",
            "clôturée le",
            "date de fermeture",
            "fermé le",
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
            "zustand",
            "ergebnis",
            "statut",
            "état",
            "résultat",
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
            "phase",
            "stufe",
            "verkaufsphase",
            "étape",
            "phase de vente",
            "stade",
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
            "wert",
            "betrag",
            "umsatz",
            "volumen",
            "auftragswert",
            "summe",
            "preis",
            "montant",
            "valeur",
            "chiffre d'affaires",
            "prix",
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
            "produkt",
            "sparte",
            "typ",
            "produit",
            "gamme",
            "type d'affaire",
            # A CRM's pipeline (amoCRM's and Bitrix24's "Воронка", HubSpot's "Pipeline") is
            # a funnel of its own: a segment, with its own stages.
            "pipeline",
            "pipeline name",
            "sales pipeline",
            "воронка",
            "воронка продаж",
            "название воронки",
            "trichter",
            "vertriebstrichter",
            "verkaufstrichter",
            "entonnoir",
            "entonnoir de vente",
            "pipeline de vente",
            "segmento",
            "producto",
            "embudo",
            "embudo de ventas",
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
            "kanal",
            "quelle",
            "lead quelle",
            "herkunft",
            "vertriebskanal",
            "canal",
            "origine",
            "source du lead",
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
            "firma",
            "unternehmen",
            "kunde",
            "konto",
            "entreprise",
            "société",
            "societe",
            "compte",
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
            "nr",
            "affaire",
            "id affaire",
            "verkaufschance",
            "verkaufschance id",
            "opportunité",
            "opportunité id",
            "identifiant",
            "identifiant affaire",
            "id oportunidad",
            "oportunidad",
            "идентификатор",
            "ид сделки",
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
            "phase",
            "stufe",
            "étape",
            "stade",
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
            "datum",
            "geändert am",
            "eingetreten",
            "eingetreten am",
            "date d'entrée",
            "modifié le",
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
            "mitarbeiter",
            "benutzer",
            "verantwortlich",
            "employé",
            "utilisateur",
            "commercial",
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
            "datum",
            "tag",
            "jour",
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
            "typ",
            "art",
            "aktivität",
            "aktivitätstyp",
            "activité",
            "type d'activité",
        ),
        "channel": ("channel", "source", "канал", "источник", "kanal", "quelle", "canal"),
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
            "anzahl",
            "menge",
            "nombre",
            "quantité",
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
            "minuten",
            "dauer",
            "durée",
            "temps",
        ),
        "outcome": (
            "outcome",
            "result",
            "disposition",
            "status",
            "результат",
            "итог",
            "ergebnis",
            "résultat",
        ),
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
            "mitarbeiter",
            "nom",
            "employé",
        ),
        "role": (
            "role",
            "title",
            "job title",
            "position",
            "должность",
            "роль",
            "funktion",
            "titel",
            "stelle",
            "poste",
            "fonction",
            "titre",
        ),
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
            "vorgesetzter",
            "führungskraft",
            "chef",
            "supérieur",
            "responsable",
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
            "abteilung",
            "filiale",
            "büro",
            "standort",
            "service",
            "agence",
            "bureau",
            "région",
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
            "eintritt",
            "eintrittsdatum",
            "date d'embauche",
            "date d'entrée",
            "embauché le",
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
            "fehltage",
            "abwesenheit",
            "abwesenheitstage",
            "urlaubstage",
            "jours d'absence",
            "absences",
        ),
        "level": ("level", "grade", "уровень", "stufe", "ebene", "niveau"),
    },
}

# How close a found column must be to a spelling to be suggested (difflib's ratio).
_SUGGEST_CUTOFF = 0.6
# How close a name the user typed must be to be taken for a typo of a canonical column.
_TYPO_CUTOFF = 0.75


def column_key(name: str) -> str:
    """A column name for comparing: casefolded, ё as е, no spaces, underscores, punctuation."""
    return re.sub(r"[\W_]+", "", name.casefold().replace("ё", "е"))


def _known_names() -> list[str]:
    return sorted({c for cols in COLUMNS.values() for c in cols})


def canonical_like(name: str) -> list[str]:
    """The canonical columns a name the user typed most likely means, best first (at most 2).

    In order, the first step that finds any: the name is a canonical name written another
    way ("Deal ID"); a recognised spelling of one or more of them ("id" -> deal_id, "rep"
    -> owner, person); a word of one ("away" -> days_away) or containing one
    ("owner_name" -> owner); else difflib at 0.75 on the names and their spellings (a
    typo). Difflib alone on the names is not enough: it takes "id" for "kind".
    """
    key = column_key(name)
    if not key:
        return []
    known = _known_names()
    same = [c for c in known if column_key(c) == key]
    if same:
        return same
    # Deals' columns first: most mappings are for the deals export.
    ordered = list(dict.fromkeys(c for kind in Kind for c in COLUMNS[kind]))
    spelt = [c for c in ordered if any(key in _spelling_keys(k, c) for k in Kind)]
    if spelt:
        return spelt[:2]
    words = [
        c
        for c in ordered
        if key in c.split("_") or (len(column_key(c)) >= 4 and column_key(c) in key)
    ]
    if words:
        return words[:2]
    # A typo of a canonical name itself first: "ownr" is owner, though it is also near
    # the activities' spelling "owner" of person.
    names = {c: {column_key(c)} for c in ordered}
    spellings = {c: set().union(*(_spelling_keys(k, c) for k in Kind)) for c in ordered}
    for keys in (names, spellings):
        scores = {
            c: max((difflib.SequenceMatcher(None, key, k).ratio() for k in keys[c]), default=0.0)
            for c in ordered
        }
        best = max(scores.values())
        if best >= _TYPO_CUTOFF:
            return [c for c in ordered if scores[c] >= best - 0.02][:2]
    return []


def _spelling_keys(kind: Kind, canonical: str) -> set[str]:
    if canonical not in SPELLINGS[kind]:
        return set()
    return {column_key(s) for s in (canonical, *SPELLINGS[kind][canonical])}


def _mapping_item(canonical: str, column: str) -> str:
    """``--column canonical=column`` as a shell takes it (quoted when it has spaces)."""
    return f"--column {shlex.quote(f'{canonical}={column}')}"


def unknown_user_columns(columns: Mapping[str, str]) -> list[str]:
    """A message per item of a ``--column`` mapping whose name no table has, with a hint.

    The hint is the canonical column the name most likely means (``canonical_like``), or,
    when the item is written the wrong way round (``Responsible=owner``), the item turned
    round; every message ends with the names teamsim reads.
    """
    known = _known_names()
    out = []
    for canonical, column in columns.items():
        if canonical in known:
            continue
        item = _mapping_item(canonical, column)
        if column in known:
            hint = f"; the name teamsim reads comes first: {_mapping_item(column, canonical)}"
        else:
            like = canonical_like(canonical)
            hint = f"; did you mean {' or '.join(repr(c) for c in like)}?" if like else ""
        out.append(
            f"{item}: '{canonical}' is not a column teamsim reads{hint} "
            f"(it reads: {', '.join(known)})"
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
        missing_column(
            kind, canonical, found, source=source, asked=columns.get(canonical), taken=taken
        )
        for canonical in REQUIRED[kind]
        if canonical not in present
    ]
    return mapping, problems


# RowProblem.group of a required column missing: every file's are said in one message.
MISSING_COLUMN = "required columns missing"


def missing_column(
    kind: Kind,
    canonical: str,
    found: Sequence[str],
    *,
    source: str,
    asked: str | None = None,
    taken: Collection[str] = (),
    why: str = "",
) -> RowProblem:
    """The fatal problem of a column ``kind`` needs and the file lacks.

    Names the columns found, the closest of them (not those read as another column),
    the ``--column`` item that did not match (``asked``), and the item that maps it;
    ``why`` follows the column's name (", so the 2 won or lost deals cannot be used").
    """
    # The name the user typed counts too: 'Kurattor' (from --column) is near 'Kurator'.
    spellings = (canonical, *SPELLINGS[kind][canonical], *([asked] if asked else []))
    # Columns already read as another canonical column are not suggested.
    close = _closest(spellings, [c for c in found if c not in taken])
    listed = ", ".join(f"'{c}'" for c in found) or "none"
    near = f"closest: {', '.join(repr(c) for c in close)}" if close else "none close"
    tried = f"'{asked}' (from --column) is not among them; " if asked is not None else ""
    message = (
        f"no column for '{canonical}'{why} (columns found: {listed}; {near}); {tried}"
        f"map it with --column {canonical}=<column>"
    )
    return RowProblem(source, None, None, message, fatal=True, group=MISSING_COLUMN)


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


# At most this many unused columns are named (a CRM export may have fifty).
_UNUSED_SHOWN = 12
# pandas' name for a header cell left empty: nothing a user could map.
_UNNAMED = re.compile(r"^Unnamed: \d+$")


def unused_columns(
    kind: Kind, found: Sequence[str], *, source: str, columns: Mapping[str, str] = {}
) -> RowProblem | None:
    """One non-fatal note naming the file's columns teamsim does not read (None: all read).

    A column the user expected to be read (a channel called "Lead-Kanal") would otherwise
    be ignored without a word. Each unused column close to a canonical column of ``kind``
    that the file does not have yet is named with it ("'Lead-Kanal' may be channel") and
    the ``--column`` that maps it. Close: a spelling of it is part of the name ("Amount
    (net)" -> value) or difflib's ratio to a spelling is at least 0.75; a canonical
    column already found is never suggested, so "Created By" beside "Created" is not.
    Header cells left empty are not named.
    """
    mapping, _ = match_columns(kind, found, source=source, columns=columns)
    used = set(mapping.values())
    unused = [c for c in found if c not in used and c.strip() and not _UNNAMED.match(c)]
    if not unused:
        return None
    free = [c for c in COLUMNS[kind] if c not in mapping]
    if kind is Kind.DEALS and "stage" in mapping:
        free = [c for c in free if c != "status"]  # read from the stage column
    likely: dict[str, str] = {}
    for name in unused:
        canonical = _likely(kind, name, [c for c in free if c not in likely.values()])
        if canonical is not None:
            likely[name] = canonical
    shown = ", ".join(unused[:_UNUSED_SHOWN])
    if len(unused) > _UNUSED_SHOWN:
        shown += f" and {len(unused) - _UNUSED_SHOWN} more"
    if likely:
        guesses = ", ".join(f"'{n}' may be {c}" for n, c in likely.items())
        first = next(iter(likely))
        example = _mapping_item(likely[first], first)
        how = "map it with" if len(likely) == 1 else "map each with --column, e.g."
        advice = f"{guesses}: {how} {example}"
    elif free:
        advice = f"to read one, map it with --column <name>=<column> (names: {', '.join(free)})"
    else:
        advice = "every column teamsim reads was found"
    return RowProblem(source, None, None, f"columns not used: {shown}; {advice}")


def likely_column(kind: Kind, name: str, free: Sequence[str]) -> str | None:
    """Which of the canonical columns ``free`` a file column is most likely, or None.

    Close as :func:`unused_columns` judges it: a spelling is part of the name, or
    difflib's ratio to one is at least 0.75.
    """
    return _likely(kind, name, free)


def _likely(kind: Kind, name: str, free: Sequence[str]) -> str | None:
    """The free canonical column an unused column is most likely, or None."""
    key = column_key(name)
    if not key:
        return None
    best, best_score = None, _TYPO_CUTOFF
    for canonical in free:
        for spelling in _spelling_keys(kind, canonical):
            score = difflib.SequenceMatcher(None, key, spelling).ratio()
            if len(spelling) >= 4 and spelling in key:
                score = max(score, 0.9)  # "Lead-Kanal" holds "kanal"
            if score > best_score:
                best, best_score = canonical, score
    return best


# How far below the first row a header is looked for (a title, a date, a blank line).
HEADER_SEARCH_ROWS = 10


def header_row(
    kind: Kind, rows: Sequence[Sequence[str]], *, columns: Mapping[str, str] = {}
) -> int:
    """Which of a file's first rows is its header: 0 unless a later one is clearly better.

    Exports often start with a title ("Deals report, exported 2027-10-01") and a blank
    line. ``rows`` are the file's first rows (cells as str, the first
    ``HEADER_SEARCH_ROWS + 1`` are looked at). A later row is the header when it has more
    of ``REQUIRED[kind]`` than the first row and at least two of them (a data cell that
    happens to be a column's name is one at most); the first such row with the most wins.

    Returns:
        The index of the header row in ``rows`` (0 when the first row has them all, or no
        row has more).
    """
    if not rows or _required_found(kind, rows[0], columns) == len(REQUIRED[kind]):
        return 0  # the usual case, decided without looking further
    scores = [_required_found(kind, row, columns) for row in rows[: HEADER_SEARCH_ROWS + 1]]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return best if scores[best] > scores[0] and scores[best] >= 2 else 0


def _required_found(kind: Kind, row: Sequence[str], columns: Mapping[str, str]) -> int:
    cells = [str(c).strip() for c in row if str(c).strip()]
    mapping, _ = match_columns(kind, cells, source="", columns=columns)
    present = set(mapping)
    if kind is Kind.DEALS and "stage" in present:
        present.add("status")
    return len(present & set(REQUIRED[kind]))


def _possessive(kind: Kind) -> str:
    return f"{kind.value}'" if kind.value.endswith("s") else f"{kind.value}'s"


# Two canonical columns one file column may serve: a deals file's stage column holds its
# status when it has no status column (calibrate.records), so mapping one onto the
# other's column reads it once, not twice.
_SHARED = {frozenset(("status", "stage"))}


def user_column_problems(
    headers: Sequence[tuple[Kind, str, Sequence[str]]], columns: Mapping[str, str]
) -> list[RowProblem]:
    """Fatal problems of ``--column`` items the files given cannot honour.

    ``headers``: each file given, as (kind, source, its column names). One ``--column``
    serves every file that has its canonical column, so an item is wrong only when none
    of them has the column it names: then each such file gets a message naming the item,
    the file's columns, the closest of them to the name typed, and the item to give
    instead. An item whose column a file also recognises as another of its canonical
    columns (``--column owner=value`` on a deals file with a value column) would read the
    column as one and leave the other unread: refused, naming both.
    """
    out: list[RowProblem] = []
    for canonical, column in columns.items():
        files = [(k, s, f) for k, s, f in headers if canonical in COLUMNS[k]]
        hits = {s: _hit(column, f) for k, s, f in files}
        if files and not any(hits.values()):
            for kind, source, found in files:
                out.append(_absent(kind, source, found, canonical=canonical, column=column))
            continue
        for kind, source, found in files:
            hit = hits[source]
            if hit is None:
                continue
            own, _ = match_columns(kind, found, source=source)
            for other, read in own.items():
                if read != hit or other == canonical or other in columns:
                    continue
                if frozenset((canonical, other)) in _SHARED:
                    continue
                message = (
                    f"{_mapping_item(canonical, column)}: column '{hit}' is mapped to "
                    f"{canonical} but is also the {_possessive(kind)} {other} column, so "
                    f"{other} would go unread; map {canonical} to its own column "
                    f"(columns found: {', '.join(repr(c) for c in found)})"
                )
                out.append(RowProblem(source, None, hit, message, fatal=True))
    return out


def _hit(column: str, found: Sequence[str]) -> str | None:
    """The file column a name the user typed is (exact, else by column_key), or None."""
    if column in found:
        return column
    key = column_key(column)
    return next((f for f in found if column_key(f) == key), None)


def _absent(
    kind: Kind, source: str, found: Sequence[str], *, canonical: str, column: str
) -> RowProblem:
    """A ``--column`` item naming a column the file does not have."""
    close = _closest([column], found)
    own, _ = match_columns(kind, found, source=source)
    fix = "give one of the file's columns"
    if close:
        fix += f", e.g. {_mapping_item(canonical, close[0])}"
    elif canonical in own:  # nothing like the name typed: the column recognised as it
        close = [own[canonical]]
        fix = f"without the item '{own[canonical]}' is read as {canonical}; or {fix}"
    listed = ", ".join(f"'{c}'" for c in found) or "none"
    near = f"closest: {', '.join(repr(c) for c in close)}" if close else "none close"
    message = (
        f"{_mapping_item(canonical, column)}: no column '{column}' in the file "
        f"(columns found: {listed}; {near}); {fix}"
    )
    return RowProblem(source, None, None, message, fatal=True)
