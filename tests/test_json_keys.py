"""``plan --json`` and ``simulate --json`` keep every key they had (issue 14, stage U0).

The goldens (tests/golden/json_keys, written by scripts/regen_json_keys.py) hold the key
paths each bundled scenario's output had; a run may add keys, never lose one.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.json_keys import (
    COMMANDS,
    SCENARIOS,
    golden_file,
    key_paths,
    lost_keys_message,
    missing,
    read_golden,
    run_json,
)

CASES = [(s, c) for s in SCENARIOS for c in COMMANDS]


@pytest.mark.parametrize(("scenario", "command"), CASES, ids=lambda v: getattr(v, "stem", v))
def test_json_keeps_its_keys(scenario: Path, command: str) -> None:
    golden = read_golden(scenario, command)
    assert golden, (
        f"{golden_file(scenario, command).name}: no golden key paths for {scenario.name}; "
        "run scripts/regen_json_keys.py"
    )
    message = lost_keys_message(scenario, command, golden, run_json(scenario, command))
    assert not message, message


def test_every_bundled_scenario_has_both_goldens() -> None:
    names = {golden_file(s, c).name for s, c in CASES}
    on_disk = {p.name for p in golden_file(SCENARIOS[0], "plan").parent.glob("*.json")}
    assert names == on_disk  # (a golden with no scenario is a renamed or dropped one)
    assert len(SCENARIOS) >= 6


def test_a_removed_or_renamed_key_is_named_with_its_scenario() -> None:
    scenario = next(s for s in SCENARIOS if s.stem == "support_desk")
    data = run_json(scenario, "plan")
    golden = sorted(key_paths(data).present)
    assert lost_keys_message(scenario, "plan", golden, data) == ""
    assert {"roles[].headcount", "services[].intervals[].seats_needed"} <= set(golden)

    copied = copy.deepcopy(data)
    for role in copied["roles"]:
        role["people"] = role.pop("headcount")  # renamed
    for service in copied["services"]:
        for interval in service["intervals"]:
            del interval["seats_needed"]
    message = lost_keys_message(scenario, "plan", golden, copied)
    assert message.startswith("support_desk.yaml: `teamsim plan --json` no longer has the key(s) ")
    assert "roles[].headcount, services[].intervals[].seats_needed (" in message
    assert "support_desk__plan.json" in message

    # A key that carried others is named once, not with each key under it.
    copied = copy.deepcopy(data)
    del copied["services"]
    assert missing(golden, key_paths(copied)) == ["services"]
    # An added key is welcome.
    copied = copy.deepcopy(data)
    copied["units"] = [{"unit": "hq"}]
    assert lost_keys_message(scenario, "plan", golden, copied) == ""


def test_keys_under_a_list_are_checked_only_when_it_has_elements() -> None:
    golden = ["diagnoses", "diagnoses[].cause", "kpis", "kpis[].mean", "kpis[].n"]
    # A run with nothing to diagnose: its empty list cannot show its elements' keys.
    assert missing(golden, key_paths({"diagnoses": [], "kpis": [{"mean": 1, "n": 2}]})) == []
    # One element lacking a key is enough if another has it (paths merge elements) ...
    assert missing(golden, key_paths({"diagnoses": [], "kpis": [{"mean": 1}, {"n": 2}]})) == []
    # ... but a key no element has is missing, and so is a list that became a mapping's key.
    assert missing(golden, key_paths({"diagnoses": [], "kpis": [{"mean": 1}]})) == ["kpis[].n"]
    got = key_paths({"diagnoses": {"cause": "x"}, "kpis": [{"mean": 1, "n": 2}]})
    assert missing(golden, got) == ["diagnoses[].cause"]
    # Nested lists of records: paths as "a[].b[].c"; a prefix of a key is not its parent.
    got = key_paths({"a": [{"b": [{"c": 1}]}], "ab": 1})
    assert got.present == {"a", "a[].b", "a[].b[].c", "ab"}
    assert missing(["a", "a[].b", "a[].b[].c", "ab"], key_paths({"ab": 1})) == ["a"]
