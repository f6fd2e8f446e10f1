"""Regenerate scenarios/schema.json and docs/scenarios.md from the scenario model."""

from pathlib import Path

from teamsim.reference import REFERENCE_PATH, SCHEMA_PATH, json_schema_text, reference_markdown

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    (ROOT / SCHEMA_PATH).write_text(json_schema_text(), encoding="utf-8")
    (ROOT / REFERENCE_PATH).write_text(reference_markdown(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH} and {REFERENCE_PATH}")
