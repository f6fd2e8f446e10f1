"""Issue 12 (trial): a mistake inside a list or mapping given by ``--set`` names that ``--set``.

``--set "roles.client_manager.joiners=[{start: 03/01/2027}]"`` was reported at the
file's line of the role, as ``roles.client_manager.start``: the path was followed
through the file, which has no ``joiners``, so the parts it lacks were dropped and the
file was blamed. An impossible date in a ``--set`` value was a bare "day is out of
range for month", no field at all. Each case here is run both ways through
``teamsim validate``: given by ``--set`` it names the ``--set`` and the whole dotted
path with list indexes; written in the file, the file, the line and the same path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from teamsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
GROWTH = ROOT / "scenarios" / "retail_bank_growth.yaml"
runner = CliRunner()

CM = "roles.client_manager"
# Inserted under the client manager role (after its attrition) or at the top level.
ROLE_AFTER = "      time_to_fill_days: 42"
TOP_AFTER = "seed: 20261128"

# (case, --set text, the same written in the file as (where, line), path, message)
CASES = [
    (
        "slashed joiner date",
        f"{CM}.joiners=[{{start: 03/01/2027}}]",
        (ROLE_AFTER, "    joiners: [{start: 03/01/2027}]"),
        f"{CM}.joiners.0.start",
        "expected a date, got '03/01/2027'; 03/01/2027 reads as 3 January 2027 or "
        "1 March 2027: write YYYY-MM-DD (2027-01-03 or 2027-03-01)",
    ),
    (
        "staff starting after the start",
        f"{CM}.staff=[{{start: 2027-04-01}}]",
        (ROLE_AFTER, "    staff: [{start: 2027-04-01}]"),
        f"{CM}.staff.0.start",
        "2027-04-01 is after calendar.start 2027-01-11: a person in seat now started on "
        "or before it; a later start is a joiner (roles.client_manager.joiners)",
    ),
    (
        "no one joining",
        f"{CM}.joiners=[{{start: 2027-04-01, count: 0}}]",
        (ROLE_AFTER, "    joiners: [{start: 2027-04-01, count: 0}]"),
        f"{CM}.joiners.0.count",
        "expected greater than or equal to 1, got 0",
    ),
    (
        "successor not in seat",
        f"{CM}.staff=[{{leaves: 2027-03-01, successor: client_manager.30}}]",
        (ROLE_AFTER, "    staff: [{leaves: 2027-03-01, successor: client_manager.30}]"),
        f"{CM}.staff.0.successor",
        "no person 'client_manager.30': client_manager has client_manager.01 to "
        "client_manager.08 (joiners included); name a person id or a role id",
    ),
    (
        "impossible date",
        f"{CM}.joiners=[{{start: 2027-02-30}}]",
        (ROLE_AFTER, "    joiners: [{start: 2027-02-30}]"),
        f"{CM}.joiners.0.start",
        "expected a valid date or datetime, day value is outside expected range, got '2027-02-30'",
    ),
    (
        "negative season factor",
        "seasonality={lead_volume: [-1]}",
        (TOP_AFTER, "seasonality: {lead_volume: [-1]}"),
        "seasonality.lead_volume.0",
        "expected greater than 0, got -1",
    ),
    (
        "season lifts a rate past 1",
        "seasonality={connect_rate: [3]}",
        (TOP_AFTER, "seasonality: {connect_rate: [3]}"),
        "seasonality.connect_rate",
        "channels.payroll_client_staff.connect_rate 0.35 x seasonality.connect_rate "
        "(every month) 3.0 = 1.05 exceeds 1",
    ),
]
IDS = [c[0] for c in CASES]


def _validate(path: Path, *sets: str) -> tuple[int, list[str]]:
    args = ["validate", str(path)]
    for text in sets:
        args += ["--set", text]
    result = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def _written(tmp_path: Path, after: str, line_text: str) -> tuple[Path, int]:
    """The growth scenario with one line added after ``after``; the file and that line."""
    lines = GROWTH.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(after)) + 1
    lines.insert(at, line_text)
    path = tmp_path / "growth.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, at + 1


@pytest.mark.parametrize(("case", "setting", "written", "field", "message"), CASES, ids=IDS)
def test_a_mistake_given_by_set_names_the_set_and_the_whole_path(
    case: str, setting: str, written: tuple[str, str], field: str, message: str
) -> None:
    code, lines = _validate(GROWTH, setting)
    assert code == 2
    assert lines == [f"error: --set {setting}: {field}: {message}", "1 of 1 file invalid"]


@pytest.mark.parametrize(("case", "setting", "written", "field", "message"), CASES, ids=IDS)
def test_the_same_mistake_in_the_file_names_file_line_and_path(
    tmp_path: Path, case: str, setting: str, written: tuple[str, str], field: str, message: str
) -> None:
    path, line = _written(tmp_path, *written)
    code, lines = _validate(path)
    assert code == 2
    assert lines == [f"error: {path}:{line}: {field}: {message}", "1 of 1 file invalid"]


LATE = "2028-04-01 is after the horizon's last day 2028-01-25: this joiner never takes a seat"
OK = "ok {}: Retail bank, direct sales unit, growing through the year (3 roles, 11 people)"


def test_a_joiner_after_the_horizon_given_by_set_is_warned_at_the_set() -> None:
    setting = f"{CM}.joiners=[{{start: 2028-04-01}}]"
    code, lines = _validate(GROWTH, setting)
    assert code == 0
    assert lines == [
        OK.format(GROWTH),
        f"warning: --set {setting}: {CM}.joiners.0.start: {LATE}",
    ]


def test_a_joiner_after_the_horizon_in_the_file_is_warned_at_its_line(tmp_path: Path) -> None:
    path, line = _written(tmp_path, ROLE_AFTER, "    joiners: [{start: 2028-04-01}]")
    code, lines = _validate(path)
    assert code == 0
    assert lines == [OK.format(path), f"warning: {path}:{line}: {CM}.joiners.0.start: {LATE}"]


def test_errors_in_the_file_and_in_a_set_each_name_their_own_source(tmp_path: Path) -> None:
    text = GROWTH.read_text(encoding="utf-8")
    path = tmp_path / "growth.yaml"
    path.write_text(text.replace("    max_span: 8 ", "    max_span: 0 "), encoding="utf-8")
    line = text[: text.index("    max_span: 8 ")].count("\n") + 1
    setting = f"{CM}.joiners=[{{start: 2027-04-01, count: 0}}]"
    code, lines = _validate(path, setting)
    assert code == 2
    assert sorted(lines) == sorted(
        [
            f"error: {path}:{line}: roles.supervisor.max_span: "
            "expected greater than or equal to 1, got 0",
            f"error: --set {setting}: {CM}.joiners.0.count: "
            "expected greater than or equal to 1, got 0",
            "1 of 1 file invalid",
        ]
    )


# --- a field the file leaves out (issue 13's fresh-user trial) -------------------------------

DESK = str(ROOT / "scenarios" / "support_desk.yaml")
WEB = "channels.support_requests"


def _validate_desk(*sets: str) -> tuple[int, str]:
    args = ["validate", DESK]
    for s in sets:
        args += ["--set", s]
    result = runner.invoke(app, args)
    return result.exit_code, " ".join(result.output.split())


def test_a_mapping_the_file_leaves_out_is_made_by_the_set() -> None:
    # Used to be "no key 'profile' here (expected one of: title, kind, ...)", listing the
    # file's keys, not the channel's fields.
    code, text = _validate_desk(f"{WEB}.profile.interval_min=15")
    assert code == 0, text
    code, text = _validate_desk(f"{WEB}.profile.interval_min=17")
    assert code != 0
    assert (
        f"--set {WEB}.profile.interval_min=17: {WEB}.profile.interval_min: expected 15, 30" in text
    )


def test_a_field_missing_in_a_mapping_the_set_made_names_the_set() -> None:
    # Not the file's line 70: the file has no retrial.
    code, text = _validate_desk(f"{WEB}.retrial.share=0.2")
    assert code != 0
    assert (
        f"error: --set {WEB}.retrial.share=0.2: {WEB}.retrial.delay_min: required field is missing"
    ) in text
    assert "support_desk.yaml:" not in text


def test_an_item_of_a_list_the_file_leaves_out_says_to_set_the_list() -> None:
    # Used to be "no key 'pauses' here; did you mean 'pauses'?".
    code, text = _validate_desk("calendar.workday.pauses.0.minutes=20")
    assert code != 0
    assert (
        "calendar.workday.pauses.0.minutes: pauses is not in the file, so it has no item 0: "
        "set the whole list, as --set calendar.workday.pauses=[...]"
    ) in text
    assert "did you mean 'pauses'" not in text


def test_a_misspelt_field_of_a_channel_lists_that_kinds_fields() -> None:
    code, text = _validate_desk(f"{WEB}.profil.interval_min=15")
    assert code != 0
    assert "no key 'profil' here; did you mean 'profile'?" in text
    assert "the fields here are: title, unit, kind, requests_per_day," in text
    assert "patience_min" in text
