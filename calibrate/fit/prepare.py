"""The deals table resolved against the base: segment, channel and deepest stage of each deal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibrate.columns import column_key
from calibrate.contract import Records, Status, record_dates
from calibrate.fit.common import Deals, Findings
from calibrate.records import STATUS_WORDS, lookalike
from calibrate.words import counted
from sim import Scenario


def segment_of(base: Scenario, segment: object, channel: object) -> str | None:
    """The base segment of a deal: its own, the only one, or the only one its channel feeds."""
    if isinstance(segment, str) and segment in base.segments:
        return segment
    if len(base.segments) == 1:
        return next(iter(base.segments))
    fed = [s for s, seg in base.segments.items() if channel in seg.channels]
    return fed[0] if len(fed) == 1 else None


def _channel_of(base: Scenario, segment: str, channel: object) -> str | None:
    """The base channel of a deal: its own, else the only one feeding its segment."""
    if isinstance(channel, str) and channel in base.channels:
        return channel
    feeds = base.segments[segment].channels
    return feeds[0] if len(feeds) == 1 else None


# A deal's history as the base sees it: {stage index: date entered} of the stages of its
# segment, and the latest entry into a stage the segment does not have (name, date).
History = dict[object, dict[int, pd.Timestamp]]
Unknown = dict[object, tuple[str, pd.Timestamp]]


def _history(
    records: Records, table: pd.DataFrame, base: Scenario, out: Findings
) -> tuple[History, Unknown]:
    """Deal id -> {stage index: date entered}, and deal id -> its latest unknown stage."""
    if records.stages is None or records.stages.empty:
        return {}, {}
    seg_of = dict(zip(table["deal_id"], table["seg"], strict=True))
    index = {s: {st.name: i for i, st in enumerate(seg.stages)} for s, seg in base.segments.items()}
    found: History = {}
    strange: Unknown = {}
    unknown = 0
    for deal, stage, entered in records.stages[["deal_id", "stage", "entered"]].itertuples(
        index=False
    ):
        seg = seg_of.get(deal)
        k = index[seg].get(stage) if seg is not None else None
        if k is None or pd.isna(entered):
            unknown += 1
            later = pd.notna(entered) and (deal not in strange or entered >= strange[deal][1])
            if seg is not None and isinstance(stage, str) and not _closing(stage) and later:
                strange[deal] = (stage, entered)
            continue
        mine = found.setdefault(deal, {})
        # A stage entered twice (a deal sent back): the first entry starts its time.
        mine[k] = min(mine.get(k, entered), entered)
    if unknown:
        out.unwrite(
            "stage history",
            f"{counted(unknown, 'row')} of a deal or stage the base does not have were left out",
            why="no stage of the base to put them in",
        )
    return found, strange


def _closing(stage: str) -> bool:
    """A won or lost row of a stage history ("Closed Won", "closed_lost"): not a stage."""
    return STATUS_WORDS.get(column_key(stage)) in (Status.WON, Status.LOST) or stage == "closed"


def _last_stage(
    table: pd.DataFrame, base: Scenario, history: History, strange: Unknown
) -> tuple[np.ndarray, np.ndarray, list[str | None], list[str | None]]:
    """Each deal's deepest stage, leading stages known, unknown end, and what it looks like.

    What the end looks like is the segment's stage it is a misspelling of
    (calibrate.records.lookalike; None: none).

    The unknown end is the stage of no known place that ends the deal's known path (None:
    the path is known; "": a lost deal with no stage). The count of leading stages known
    is the segment's count of stages for a deal whose path is known.

    A deal that went on from its deepest known stage into a stage its segment does not
    have (a CRM name mapped to nothing), or whose own stage is such a name, or a lost
    deal with no stage at all, may have been decided at any later stage: only the stages
    before its deepest known one are known to have passed it. Won and lost alike, so that
    neither the deals lost at an unknown stage nor the deals won through one tilt a
    conversion. An end that looks like a stage of the segment ('propsal': proposal) is a
    misspelling in a few rows, not a stage of its own (the funnel leaves those deals out
    of the stages their path is unknown at, rather than scaling the stages).
    """
    last = np.full(len(table), -1, dtype=np.int64)
    known_to = np.zeros(len(table), dtype=np.int64)
    ends: list[str | None] = []
    looks: list[str | None] = []
    cols = ("deal_id", "seg", "status", "stage")
    for i, (deal, seg, status, stage) in enumerate(table[list(cols)].itertuples(index=False)):
        names = [st.name for st in base.segments[seg].stages]
        entered = history.get(deal, {})
        reach = max(entered) if entered else -1
        if isinstance(stage, str) and stage in names:
            reach = max(reach, names.index(stage))
        end: str | None = None
        if isinstance(stage, str) and stage not in names and not _closing(stage):
            end = stage
        elif deal in strange and (not entered or strange[deal][1] >= entered[max(entered)]):
            end = strange[deal][0]
        elif status == Status.LOST.value and reach < 0:
            end = ""  # lost, and nothing says where
        last[i] = len(names) - 1 if status == Status.WON.value else reach
        known_to[i] = len(names) if end is None else max(reach, 0)
        ends.append(end)
        looks.append(lookalike(end, names) if end else None)
    return last, known_to, ends, looks


def _unplaced_why(raw: pd.DataFrame, base: Scenario, unplaced: int) -> str:
    """Why ``unplaced`` deals are of no base segment, in words that say what to do."""
    names = ", ".join(base.segments)
    noun = "deal" if unplaced == 1 and len(raw) == 1 else "deals"
    every = f"all {unplaced} {noun}" if unplaced == len(raw) else f"{unplaced} of {len(raw)} deals"
    if unplaced == 1 and len(raw) == 1:
        every = "the 1 deal"
    if raw["segment"].isna().all():
        # The file has no segment column (or it is empty): a base of several segments
        # cannot tell whose deal is whose unless a channel feeds only one of them.
        return (
            f"{every} left out of the segment fits: the deals have no "
            f"segment column and the base has {len(base.segments)} segments ({names}); "
            "map the file's with --column segment=<column> (or give a channel column "
            "whose channels each feed one segment)"
        )
    return (
        f"{every} name no segment of the base ({names}) and no channel that feeds only "
        "one: left out of the segment fits; map the records' names with --segment "
        "'NAME=<segment>'"
    )


def prepare(records: Records, base: Scenario, out: Findings) -> Deals | None:
    """The deals of base segments with their channel and deepest stage (None: no deals).

    A deal's segment is its own, else the base's only one, else the only one its channel
    feeds; a deal of none is left out and counted. When none is left (``None``),
    ``out.no_deals`` says why, so that every fit keeps its value for the true reason.
    """
    dates = record_dates(records)
    if records.deals is None or records.deals.empty or dates.empty:
        return None
    raw = records.deals
    seg = [segment_of(base, s, c) for s, c in zip(raw["segment"], raw["channel"], strict=True)]
    placed = np.array([s is not None for s in seg], dtype=bool)
    table = raw.loc[placed].copy()
    table["seg"] = [s for s in seg if s is not None]
    table["chan"] = [
        _channel_of(base, s, c) for s, c in zip(table["seg"], table["channel"], strict=True)
    ]
    unplaced = int((~placed).sum())
    if unplaced:
        out.keep(("segments",), _unplaced_why(raw, base, unplaced))
    if table.empty:
        out.no_deals = _unplaced_why(raw, base, unplaced)
        return None
    history, strange = _history(records, table, base, out)
    (
        table["last"],
        table["known_to"],
        table["unknown_end"],
        table["looks_like"],
    ) = _last_stage(table, base, history, strange)
    return Deals(
        table=table.reset_index(drop=True),
        history=history,
        unplaced=unplaced,
        last_date=pd.Timestamp(dates.max()),
        first_date=pd.Timestamp(dates.min()),
    )
