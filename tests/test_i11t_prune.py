"""Issue 11 (trial): the prune dry run says how much of the room is the runs' own.

The trial's store: 14.1 MB now, 8.1 MB compacted with every run kept, 8.1 MB without
the runs. The old text said the runs "take 0.0 MB" and "6.0 MB freed" in one sentence:
all of it was compaction's.
"""

from __future__ import annotations

from pathlib import Path

from teamsim.commands.runs import prune_dry_run

STORE = Path("s.duckdb")


def test_room_freed_by_compaction_alone_is_said_to_be_compactions() -> None:
    text = prune_dry_run(3, 6464, STORE, now=14_100_000, compacted=8_100_000, without=8_100_000)
    assert text == (
        "dry run: nothing deleted. These 3 run(s) hold 6,464 rows and take no measurable "
        "room. Pruning them would take s.duckdb from 14.1 MB to 8.1 MB, 6.0 MB freed: none "
        "by the runs and 6.0 MB by compacting the file (8.1 MB compacted with every run "
        "kept: room earlier deletions left, freed whichever runs go). Measured by pruning "
        "a copy. Add --yes to delete them"
    )


def test_the_runs_share_and_compactions_add_up_to_what_is_freed() -> None:
    text = prune_dry_run(1, 200_003, STORE, now=5_000_000, compacted=4_500_000, without=1_200_000)
    assert "take 3.3 MB of their own" in text
    assert "from 5.0 MB to 1.2 MB, 3.8 MB freed: 3.3 MB by the runs themselves and 0.5 MB" in text
