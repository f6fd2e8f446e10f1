"""The committed JSON Schema and reference page match the model (regenerate: make schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from teamsim.reference import REFERENCE_PATH, SCHEMA_PATH, json_schema_text, reference_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_schema_json_is_up_to_date() -> None:
    committed = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == json_schema_text(), "run `make schema` and commit scenarios/schema.json"


def test_reference_page_is_up_to_date() -> None:
    committed = (ROOT / REFERENCE_PATH).read_text(encoding="utf-8")
    assert committed == reference_markdown(), "run `make schema` and commit docs/scenarios.md"


def test_reference_lists_every_field_of_role() -> None:
    text = reference_markdown()
    section = text.split("## Role\n", 1)[1].split("\n## ", 1)[0]
    for field in ("headcount", "reports_to", "deputy", "absence", "ramp", "travel_min"):
        assert f"| `{field}` |" in section


def test_schema_accepts_a_number_for_a_distribution() -> None:
    schema = json.loads(json_schema_text())
    stage = schema["$defs"]["Stage"]["properties"]["work_min"]
    kinds = json.dumps(stage)
    assert '"number"' in kinds and "LogNormal" in kinds


@pytest.mark.parametrize("scenario", sorted((ROOT / "scenarios").glob("*.yaml")), ids=str)
def test_bundled_scenarios_validate_against_json_schema(scenario: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    # JSON has no date type: the schema says "format: date" on strings.
    data = json.loads(json.dumps(data, default=str))
    jsonschema.validate(data, json.loads(json_schema_text()))
