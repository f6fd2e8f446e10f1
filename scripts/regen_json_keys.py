"""Add to tests/golden/json_keys/*.json the key paths of the bundled scenarios' --json.

Each golden keeps its old paths and gains the new ones (keys may be added, never
removed or renamed: tests/test_json_keys.py); a deliberate removal is made by hand, by
deleting the paths from the golden file. Run explicitly when a command gains keys:
    .venv/bin/python scripts/regen_json_keys.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.json_keys import (
    COMMANDS,
    GOLDEN,
    ROOT,
    SCENARIOS,
    golden_file,
    key_paths,
    read_golden,
    run_json,
)


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        for command in COMMANDS:
            old = set(read_golden(scenario, command))
            paths = old | key_paths(run_json(scenario, command)).present
            target = golden_file(scenario, command)
            target.write_text(json.dumps(sorted(paths), indent=1) + "\n", encoding="utf-8")
            added = len(paths - old)
            print(f"wrote {target.relative_to(ROOT)}: {len(paths)} paths, {added} new")


if __name__ == "__main__":
    main()
