"""The starter path: `teamsim new`, hints that say what to write, docs that resolve inside."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.commands.new import starter_text
from teamsim.io import load_scenario
from tests.scenario_texts import BASE

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
runner = CliRunner()


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- teamsim new ------------------------------------------------------------------------


def test_new_writes_a_scenario_that_validates_and_simulates(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in _one_line(result.output)
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0

    sc = load_scenario(path)
    assert sc.currency == "EUR" and sc.name == "My sales team"
    assert {r.level.value for r in sc.roles.values()} == {"line", "lower", "middle"}
    assert sorted(ch.kind for ch in sc.channels.values()) == ["cold", "warm"]
    assert [len(seg.stages) for seg in sc.segments.values()] == [3]

    result = runner.invoke(
        app,
        [
            "simulate",
            str(path),
            "-n",
            "2",
            "--workers",
            "1",
            "--no-save",
            "--json",
            "--set",
            "calendar.horizon_days=90",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    revenue = next(k for k in doc["kpis"] if k["kpi"] == "revenue_per_month")
    assert revenue["mean"] > 0  # the funnel of the starter wins deals in a quarter


def test_new_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 2
    assert f"error: {path}: already exists; use --force to overwrite it" in _one_line(result.output)
    assert path.read_text(encoding="utf-8") == "mine\n"

    result = runner.invoke(app, ["new", str(path), "--force", "--currency", "usd"])
    assert result.exit_code == 0, result.output
    assert load_scenario(path).currency == "USD"


def test_new_takes_any_name_and_refuses_a_bad_currency(tmp_path: Path) -> None:
    path = tmp_path / "north.yaml"
    name = 'North: team #1 "B2B"'
    assert runner.invoke(app, ["new", str(path), "--name", name]).exit_code == 0
    assert load_scenario(path).name == name

    bad = tmp_path / "bad.yaml"
    result = runner.invoke(app, ["new", str(bad), "--currency", "euro"])
    assert result.exit_code == 2
    assert "error: --currency EURO: expected an ISO 4217 code such as EUR" in result.output
    assert not bad.exists()


def test_new_refuses_a_file_name_that_is_not_yaml(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "team.txt")])
    assert result.exit_code == 2
    assert "expected a .yaml or .yml file name" in result.output


def test_the_starter_explains_the_fields_new_users_found_unclear() -> None:
    text = starter_text()
    for words in (
        "selling_share: how much of a full seller's selling",
        "lead_weight: how a channel that feeds several segments splits its leads",
        "approval (each approval a stage asks for",
        'judged_on: what "plan met" means',
        "write 0.8 for 80 %",
        "YYYY-MM-DD",
        "docs/sources.md",
        # A segment named in words: without a title reports write "Smb" (trial 11).
        'title: Small business the name reports and charts use (else "Smb", from the id)',
    ):
        assert words in _one_line(text.replace("#", " ")), words


def test_every_number_in_the_starter_has_a_comment_beside_or_above() -> None:
    lines = starter_text().splitlines()
    number = re.compile(r"^\s*-?\s*[a-z_]+:\s*[\[{]?\s*-?\d")
    bare = [
        line
        for i, line in enumerate(lines)
        if number.match(line) and "#" not in line and not lines[i - 1].lstrip().startswith("#")
    ]
    assert bare == []


# --- hints ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "revenue_per_month: 100000",
            "revenue_per_month: 100000\n  confidence: 80",
            "plan.confidence: expected less than or equal to 0.99, got 80; write 0.8 for 80 %",
        ),
        (
            "connect_rate: 0.06",
            "connect_rate: 35",
            "channels.cold_list.connect_rate: expected less than or equal to 1, got 35; "
            "write 0.35 for 35 %",
        ),
        (
            "convert: 0.9",
            'convert: "90 %"',
            "segments.loan.stages.2.convert: expected a valid number, unable to parse string "
            "as a number, got '90 %'; write 0.9 for 90 %",
        ),
        (
            "start: 2027-01-04",
            "start: 01.03.2027",
            "calendar.start: expected a date, got '01.03.2027'; write YYYY-MM-DD, e.g. 2027-03-01",
        ),
        (
            "start: 2027-01-04",
            "start: 3/1/2027",
            "calendar.start: expected a date, got '3/1/2027'; 3/1/2027 reads as 3 January "
            "2027 or 1 March 2027: write YYYY-MM-DD (2027-01-03 or 2027-03-01)",
        ),
        (
            "warmup_days: 5",
            "warmup_days: 5\n  holidays: [18.01.2027]",
            "calendar.holidays.0: expected a date, got '18.01.2027'; write YYYY-MM-DD, "
            "e.g. 2027-01-18",
        ),
    ],
    ids=["confidence", "connect_rate", "percent_sign", "dotted", "slashed", "holiday"],
)
def test_validate_says_what_to_write(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in BASE
    path = tmp_path / "bad.yaml"
    text = BASE.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    line = text[: text.index(new.splitlines()[-1].strip())].count("\n") + 1
    assert f"error: {path}:{line}: {expected}" in _one_line(result.output)


def test_no_hint_where_a_number_is_not_a_percentage(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.replace("connect_rate: 0.06", "connect_rate: 250"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "got 250" in result.output and "write" not in result.output


def test_an_impossible_iso_date_keeps_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.replace("start: 2027-01-04", 'start: "2027-02-30"'), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "day value is outside expected range" in _one_line(result.output)
    assert "YYYY-MM-DD" not in result.output


# --- docs resolve inside the project ----------------------------------------------------

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _prose(markdown), flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _prose(markdown: str) -> str:
    """The text outside fenced code blocks."""
    return re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)


def _links() -> list[tuple[str, str]]:
    return [
        (doc.name, target)
        for doc in sorted(DOCS.glob("*.md"))
        for target in LINK.findall(_prose(doc.read_text(encoding="utf-8")))
        if not re.match(r"^[a-z]+:", target)
    ]


def test_docs_have_links_to_check() -> None:
    targets = {t for _, t in _links()}
    assert {"glossary.md", "sources.md", "glossary.md#persona"} <= targets


@pytest.mark.parametrize(("doc", "target"), _links(), ids=lambda v: str(v))
def test_every_relative_link_in_the_docs_resolves(doc: str, target: str) -> None:
    path_part, _, anchor = target.partition("#")
    file = (DOCS / path_part).resolve() if path_part else DOCS / doc
    assert file.exists(), f"{doc}: {target}: no such file"
    if anchor and file.suffix == ".md":
        assert anchor in _anchors(file.read_text(encoding="utf-8")), f"{doc}: {target}"


@pytest.mark.parametrize(
    "path",
    [p for p in sorted([*DOCS.rglob("*"), *(ROOT / "scenarios").rglob("*")]) if p.is_file()],
    ids=lambda p: p.name,
)
def test_docs_and_scenarios_cite_nothing_outside_the_project(path: Path) -> None:
    if path.suffix in (".png", ".jpg"):
        return
    text = path.read_text(encoding="utf-8")
    assert "DOMAIN.md" not in text and "REFERENCE.md" not in text and "../shared" not in text


def test_the_starter_cites_nothing_outside_the_project() -> None:
    text = starter_text()
    assert "DOMAIN" not in text and "REFERENCE" not in text and "../" not in text
