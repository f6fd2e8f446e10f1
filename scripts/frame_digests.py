"""Write (or check) tests/golden/frames/*.json: fingerprints of the bundled scenarios' frames.

Run explicitly, and only when a change of the simulated numbers is intended:
    .venv/bin/python scripts/frame_digests.py            # rewrite the fingerprints
    .venv/bin/python scripts/frame_digests.py --check    # compare, exit 1 on a change
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.frame_golden import GOLDEN, ROOT, SCENARIOS, fingerprints, moved_columns


def main(argv: list[str]) -> int:
    check = "--check" in argv
    GOLDEN.mkdir(parents=True, exist_ok=True)
    changed = 0
    for path in SCENARIOS:
        target = GOLDEN / f"{path.stem}.json"
        got = fingerprints(path)
        if check:
            want = json.loads(target.read_text()) if target.exists() else {}
            moved = moved_columns(want, got) if want else ["no stored fingerprints"]
            changed += bool(moved)
            print(f"{'same' if not moved else 'CHANGED'} {target.relative_to(ROOT)}")
            for line in moved:
                print(f"  {line}")
        else:
            target.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
            print(f"wrote {target.relative_to(ROOT)}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
