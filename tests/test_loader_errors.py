"""The catalogue of bad inputs: each gives one clear line naming the field and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.errors import ScenarioError
from sim.scenario.loader import parse_scenario
from teamsim.cli import app
from tests.scenario_texts import BASE


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of needle."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


# (case id, text to replace in BASE, replacement, expected dotted path, words in the message,
#  needle whose line the error must point at; None: no line expected)
CASES = [
    (
        "conversion_above_one",
        "convert: 0.9",
        "convert: 1.9",
        "segments.loan.stages.2.convert",
        "less than or equal to 1",
        "convert: 1.9",
    ),
    (
        "negative_headcount",
        "headcount: 1\n",
        "headcount: -1\n",
        "roles.head.headcount.current",
        "greater than or equal to 0",
        "headcount: -1",
    ),
    (
        "headcount_range_reversed",
        "{current: 5, min: 2, max: 12}",
        "{current: 5, min: 6, max: 12}",
        "roles.seller.headcount",
        "min <= current <= max",
        "current: 5, min: 6",
    ),
    (
        "unknown_level",
        "level: middle",
        "level: manager",
        "roles.head.level",
        "'line', 'lower', 'middle' or 'top'",
        "level: manager",
    ),
    (
        "typo_field",
        "    monthly_cost: 6000",
        "    monthly_cost: 6000\n    headcont: 2",
        "roles.lead.headcont",
        "did you mean 'headcount'",
        "headcont: 2",
    ),
    (
        "unknown_distribution_kind",
        "{kind: exponential, mean: 6}",
        "{kind: gamma, mean: 6}",
        "channels.web.handle_min",
        "unknown kind 'gamma'",
        "kind: gamma",
    ),
    (
        "lognormal_without_sd",
        "{kind: lognormal, mean: 3, sd: 1.5}",
        "{kind: lognormal, mean: 3}",
        "calls.conversation_min.sd",
        "required field is missing",
        "kind: lognormal, mean: 3}",
    ),
    (
        "triangular_unordered",
        "booking_call_min: 6",
        "booking_call_min: {kind: triangular, low: 9, mode: 5, high: 7}",
        "calls.booking_call_min",
        "low <= mode <= high",
        "kind: triangular",
    ),
    (
        "reports_to_unknown",
        "reports_to: head",
        "reports_to: boss",
        "roles.lead.reports_to",
        "unknown role 'boss'",
        "reports_to: boss",
    ),
    (
        "reports_to_junior",
        "reports_to: head",
        "reports_to: seller",
        "roles.lead.reports_to",
        "more senior level",
        "reports_to: seller",
    ),
    (
        "reports_to_self",
        "reports_to: lead",
        "reports_to: seller",
        "roles.seller.reports_to",
        "cannot report to itself",
        "reports_to: seller",
    ),
    (
        "deputy_unknown",
        "deputy: head",
        "deputy: nobody",
        "roles.lead.deputy",
        "unknown role 'nobody'",
        "deputy: nobody",
    ),
    (
        "persona_mix_sum",
        "{steady: 0.6, slow: 0.4}",
        "{steady: 0.6, slow: 0.5}",
        "roles.seller.personas",
        "sum to 1, got 1.1",
        "personas: {steady: 0.6, slow: 0.5}",
    ),
    (
        "persona_unknown",
        "{steady: 0.6, slow: 0.4}",
        "{steady: 0.6, lazy: 0.4}",
        "roles.seller.personas.lazy",
        "unknown persona 'lazy'",
        "lazy: 0.4",
    ),
    (
        "duty_level_without_role",
        "planning: {levels: [middle]",
        "planning: {levels: [top]",
        "duties.planning.levels",
        "no role at any of these levels: top",
        "planning: {levels: [top]",
    ),
    (
        "approval_level_without_role",
        "approval: lower, convert",
        "approval: top, convert",
        "segments.loan.stages.2.approval",
        "no role at level top",
        "approval: top",
    ),
    (
        "segment_channel_unknown",
        "channels: [warm_list, cold_list]",
        "channels: [warm_list, cold_list, fax]",
        "segments.loan.channels.2",
        "unknown channel 'fax'",
        "channels: [warm_list, cold_list, fax]",
    ),
    (
        "channel_feeds_nothing",
        "channels: [warm_list, cold_list]",
        "channels: [warm_list]",
        "channels.cold_list",
        "feeds no segment",
        "cold_list:",
    ),
    (
        "quota_above_cap",
        "max_calls_per_day: 60",
        "max_calls_per_day: 20",
        "policies",
        "exceeds max_calls_per_day",
        "policies:",
    ),
    (
        "priorities_incomplete",
        "max_calls_per_day: 60",
        "max_calls_per_day: 60\n  priorities: [meetings, calls]",
        "policies.priorities",
        "missing inbound, approvals, follow_ups, duties",
        "priorities:",
    ),
    (
        "warmup_not_shorter",
        "warmup_days: 5",
        "warmup_days: 40",
        "calendar",
        "must be shorter than horizon_days",
        "calendar:",
    ),
    (
        "workday_start_malformed",
        'start: "09:00"',
        'start: "9am"',
        "calendar.workday.start",
        "HH:MM",
        'start: "9am"',
    ),
    (
        "duties_exceed_day",
        "duties:\n",
        "duties:\n  upkeep: {levels: [line], minutes: 500, per: head_per_day}\n",
        "roles.seller",
        "recurring duties take",
        "  seller:",
    ),
    (
        "duplicate_key",
        "  warmup_days: 5",
        "  warmup_days: 5\n  warmup_days: 6",
        "calendar.warmup_days",
        "repeated",
        "warmup_days: 6",
    ),
    (
        "currency_lowercase",
        "currency: EUR",
        "currency: eur",
        "currency",
        "ISO 4217 code such as RUB, USD, EUR, got 'eur'; did you mean 'EUR'?",
        "currency: eur",
    ),
    (
        "date_impossible",
        "start: 2027-01-04",
        "start: 2027-13-04",
        "calendar.start",
        "date",
        "start: 2027-13-04",
    ),
    (
        "confidence_above_one",
        "revenue_per_month: 100000",
        "revenue_per_month: 100000\n  confidence: 1.5",
        "plan.confidence",
        "less than or equal to 0.99",
        "confidence: 1.5",
    ),
    (
        "plan_of_three_months",
        "revenue_per_month: 100000",
        "revenue_per_month: [100000, 120000, 90000]",
        "plan.revenue_per_month",
        "expected 1 value (every month) or 12 (January to December), got 3 values",
        "revenue_per_month: [",
    ),
    (
        "stage_names_repeated",
        "{name: meet,",
        "{name: consult,",
        "segments.loan.stages",
        "repeated: consult",
        "stages:",
    ),
    (
        "id_with_capitals",
        "  loan:\n",
        "  Loan Type:\n",
        "segments.Loan Type",
        "lower-case letters, digits and underscores, starting with a letter, got 'Loan Type'",
        "Loan Type:",
    ),
    (
        "text_for_number",
        "connect_rate: 0.3",
        "connect_rate: high",
        "channels.warm_list.connect_rate",
        "valid number",
        "connect_rate: high",
    ),
    (
        "approval_without_duty",
        "  approval: {levels: [lower, middle], minutes: 10, per: approval}\n",
        "",
        "duties",
        "no duty with per: approval",
        "duties:",
    ),
    (
        "negative_deal_value",
        "deal_value: 5000",
        "deal_value: -5",
        "segments.loan.deal_value",
        "greater than 0",
        "deal_value: -5",
    ),
    (
        "channel_kind_missing",
        "    kind: cold\n",
        "",
        "channels.cold_list",
        "needs a 'kind' field",
        "cold_list:",
    ),
    (
        "lead_weight_names_a_channel_the_segment_lacks",
        "channels: [warm_list, cold_list]",
        "channels: [warm_list, cold_list]\n    lead_weight: {warm_list: 2, web: 1}",
        "segments.loan.lead_weight.web",
        "'web' is not one of this segment's channels (warm_list, cold_list)",
        "lead_weight: {warm_list: 2, web: 1}",
    ),
    (
        "yaml_syntax",
        "channels: [warm_list, cold_list]",
        "channels: [warm_list, cold_list",
        "",
        "not valid YAML",
        None,
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "words", "needle"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_input_gives_one_clear_line(
    old: str, new: str, path: str, words: str, needle: str | None
) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.yaml")
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert ".".join(map(str, problem.path)) == path
    assert words in problem.message
    assert problem.source == "bad.yaml"
    if needle is not None:
        assert problem.line == line_of(text, needle), str(problem)
    assert "\n" not in str(problem)


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 25


def test_base_is_valid() -> None:
    sc = parse_scenario(BASE, "base.yaml")
    assert sc.roles["seller"].headcount.current == 5


def test_all_problems_at_once() -> None:
    text = BASE.replace("convert: 0.9", "convert: 1.9").replace("deal_value: 5000", "deal_value: x")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.yaml")
    paths = {".".join(map(str, p.path)) for p in info.value.problems}
    assert paths == {"segments.loan.stages.2.convert", "segments.loan.deal_value"}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"name: caf\xe9", "not UTF-8"),
        (b"- a\n- b\n", "expected a mapping"),
        (b"just a string", "expected a mapping"),
        (b"{{{", "not valid YAML"),
        (b"a: !!python/object:os.system ls", "not valid YAML"),
    ],
)
def test_unreadable_content(content: bytes, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(content, "x.yaml")
    assert len(info.value.problems) == 1
    assert words in info.value.problems[0].message


runner = CliRunner()


def test_cli_exit_2_one_line_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE.replace("convert: 0.9", "convert: 1.9"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1
    assert f"{bad}:{line_of(bad.read_text(), 'convert: 1.9')}:" in error_lines[0]


@pytest.mark.parametrize("kind", ["missing", "directory", "binary", "empty"])
def test_cli_files_that_are_not_scenarios(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "scenario.yaml"
    if kind == "directory":
        target.mkdir()
    elif kind == "binary":
        target.write_bytes(bytes(range(256)))
    elif kind == "empty":
        target.write_bytes(b"")
    result = runner.invoke(app, ["validate", str(target)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(target) in result.output


def test_cli_valid_file_exits_0(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good), "--summary"])
    assert result.exit_code == 0, result.output
    assert "Tiny team" in result.output


def test_cli_plan_of_other_length_names_file_line_and_lengths(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        BASE.replace("revenue_per_month: 100000", "revenue_per_month: [1, 2, 3]"), encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    line = line_of(bad.read_text(), "revenue_per_month:")
    assert (
        f"error: {bad}:{line}: plan.revenue_per_month: expected 1 value (every month) "
        "or 12 (January to December), got 3 values"
    ) in " ".join(result.output.split())


def test_cli_set_override_reported_by_its_flag(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good), "--set", "plan.confidence=2"])
    assert result.exit_code == 2
    assert (
        "--set plan.confidence=2: plan.confidence: expected less than or equal to 0.99, "
        "got 2; write a share from 0.5 to 0.99" in result.output
    )


def test_set_naming_a_stage_is_reported_by_its_flag(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    result = runner.invoke(
        app, ["validate", str(good), "--set", "segments.loan.stages.meet.convert=1.5"]
    )
    assert result.exit_code == 2
    assert "--set segments.loan.stages.meet.convert=1.5: segments.loan.stages.1.convert" in (
        result.output
    )
