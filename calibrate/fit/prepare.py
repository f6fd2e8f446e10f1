"""The deals table resolved against the base: segment, channel and deepest stage of each deal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibrate.contract import Records, Status, record_dates
from calibrate.fit.common import Deals, Findings
from sim import Scenario


def _segment_of(base: Scenario, segment: object, channel: object) -> str | None:
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


def _history(
    records: Records, table: pd.DataFrame, base: Scenario, out: Findings
) -> dict[object, dict[int, pd.Timestamp]]:
    """Deal id -> {stage index: date entered}, for stages of the deal's segment only."""
    if records.stages is None or records.stages.empty:
        return {}
    seg_of = dict(zip(table["deal_id"], table["seg"], strict=True))
    index = {s: {st.name: i for i, st in enumerate(seg.stages)} for s, seg in base.segments.items()}
    found: dict[object, dict[int, pd.Timestamp]] = {}
    unknown = 0
    for deal, stage, entered in records.stages[["deal_id", "stage", "entered"]].itertuples(
        index=False
    ):
        seg = seg_of.get(deal)
        k = index[seg].get(stage) if seg is not None else None
        if k is None or pd.isna(entered):
            unknown += 1
            continue
        mine = found.setdefault(deal, {})
        # A stage entered twice (a deal sent back): the first entry starts its time.
        mine[k] = min(mine.get(k, entered), entered)
    if unknown:
        out.unwrite(
            "stage history",
            f"{unknown} rows of a deal or stage the base does not have were left out",
            why="no stage of the base to put them in",
        )
    return found


def _last_stage(
    table: pd.DataFrame, base: Scenario, history: dict[object, dict[int, pd.Timestamp]]
) -> np.ndarray:
    last = np.full(len(table), -1, dtype=np.int64)
    cols = ("deal_id", "seg", "status", "stage")
    for i, (deal, seg, status, stage) in enumerate(table[list(cols)].itertuples(index=False)):
        stages = base.segments[seg].stages
        names = [st.name for st in stages]
        if status == Status.WON.value:
            last[i] = len(stages) - 1
        elif deal in history:
            last[i] = max(history[deal])
        elif isinstance(stage, str) and stage in names:
            last[i] = names.index(stage)
    return last


def prepare(records: Records, base: Scenario, out: Findings) -> Deals | None:
    """The deals of base segments with their channel and deepest stage (None: no deals)."""
    dates = record_dates(records)
    if records.deals is None or records.deals.empty or dates.empty:
        return None
    raw = records.deals
    seg = [_segment_of(base, s, c) for s, c in zip(raw["segment"], raw["channel"], strict=True)]
    placed = np.array([s is not None for s in seg], dtype=bool)
    table = raw.loc[placed].copy()
    table["seg"] = [s for s in seg if s is not None]
    table["chan"] = [
        _channel_of(base, s, c) for s, c in zip(table["seg"], table["channel"], strict=True)
    ]
    unplaced = int((~placed).sum())
    if unplaced:
        names = ", ".join(base.segments)
        out.keep(
            ("segments",),
            f"{unplaced} deals name no segment of the base ({names}) and no channel that "
            "feeds only one: left out of the segment fits",
        )
    if table.empty:
        return None
    history = _history(records, table, base, out)
    table["last"] = _last_stage(table, base, history)
    return Deals(
        table=table.reset_index(drop=True),
        history=history,
        unplaced=unplaced,
        last_date=pd.Timestamp(dates.max()),
        first_date=pd.Timestamp(dates.min()),
    )
