"""The network page docs/units.md (issue 14): what it shows is what the commands print.

The tree it quotes is `teamsim validate --summary`'s on the test network; its template
example is the templated twin's (tests/data/two_branches_template.yaml); every file it
links exists; the README links it.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from sim.runner import scenario_hash
from teamsim.cli import app
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "units.md").read_text(encoding="utf-8")
NETWORK = ROOT / "tests" / "data" / "two_branches.yaml"
TEMPLATED = ROOT / "tests" / "data" / "two_branches_template.yaml"


def test_the_tree_on_the_page_is_the_summarys() -> None:
    shown = CliRunner().invoke(app, ["validate", str(NETWORK), "--summary"], env={"COLUMNS": "120"})
    assert shown.exit_code == 0, shown.output
    block = PAGE.split("```\nNetwork of", 1)[1].split("```", 1)[0]
    tree = ["Network of" + block.splitlines()[0], *block.splitlines()[1:]]
    printed = shown.output.splitlines()
    start = next(i for i, line in enumerate(printed) if line.startswith("Network of"))
    assert printed[start : start + len(tree)] == tree


def test_the_templated_network_is_the_written_out_one() -> None:
    assert scenario_hash(load_scenario(TEMPLATED)) == scenario_hash(load_scenario(NETWORK))


def test_the_page_links_what_exists_and_the_readme_links_it() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", PAGE):
        assert (ROOT / "docs" / target).resolve().exists() or (ROOT / target).exists(), target
    assert "(docs/units.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
