"""``teamsim calibrate`` on sparse records: a scenario or a message, never a traceback.

Every non-empty subset of the four inputs (deals, stages, activities, team), with and
without ``--base``, each file cut to its header plus 0, 1, 2, 5 or 40 records of the
shipped example (examples/synthetic_crm), and deals of one extreme each (every deal
open, won or lost, all on one day, one owner, one segment, no values). Each run must end
with exit 0 and a scenario ``teamsim validate`` accepts, or exit 2 and a message naming a
file it was given; never an exception other than the exit. The fast tests take a
deterministic sample of the grid (:func:`_sample`); the rest of it is marked slow.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from calibrate.contract import Kind, Records
from calibrate.fit.cycle import survival_mean
from calibrate.skeleton import skeleton
from teamsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
KINDS = tuple(k.value for k in Kind)
SUBSETS = [s for r in range(1, len(KINDS) + 1) for s in itertools.combinations(KINDS, r)]
CUTS = (0, 1, 2, 5, 40)
runner = CliRunner()


@pytest.fixture(scope="module")
def cuts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's files cut to their header plus n records: ``<kind>_<n>.csv``."""
    folder = tmp_path_factory.mktemp("cuts")
    for kind in KINDS:
        lines = (CRM / f"{kind}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        for n in CUTS:
            (folder / f"{kind}_{n}.csv").write_text("".join(lines[: n + 1]), encoding="utf-8")
    return folder


def _calibrate(files: dict[str, Path], out: Path, *, base: bool) -> str:
    """Run the command; assert it ends in a scenario or a message naming a file given."""
    args = ["calibrate", "-o", str(out), "--workers", "1"]
    for kind, path in files.items():
        args += [f"--{kind}", str(path)]
    if base:
        args += ["--base", str(BASE)]
    result = runner.invoke(app, args)
    text = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args}: {result.exception!r}\n{text}"
    )
    assert "Traceback" not in text, text
    assert result.exit_code in (0, 2), f"{args}: exit {result.exit_code}\n{text}"
    if result.exit_code == 0:
        assert out.is_file(), text
        check = runner.invoke(app, ["validate", str(out)])
        assert check.exit_code == 0, f"{args}: the scenario does not validate\n{check.output}"
    else:
        assert "error" in text.lower(), text
        assert any(p.name in text for p in files.values()), f"{args}: no file named\n{text}"
        assert not out.exists(), "a scenario was written although the command failed"
    return text


def _files(folder: Path, subset: Sequence[str], n: int) -> dict[str, Path]:
    return {kind: folder / f"{kind}_{n}.csv" for kind in subset}


def _sample() -> list[tuple[tuple[str, ...], int, bool]]:
    """A deterministic sample of the grid that runs in about a minute.

    Every subset with headers alone, with and without ``--base``; each file alone at
    every other cut, each larger subset at one record; ``--base`` alternating with the
    subset and the cut, so that each is seen both ways.
    """
    cases = [(subset, 0, base) for subset in SUBSETS for base in (False, True)]
    for i, subset in enumerate(SUBSETS):
        for j, n in enumerate(CUTS[1:] if len(subset) == 1 else (1,)):
            cases.append((subset, n, (i + j) % 2 == 1))
    return cases


def _label(case: tuple[tuple[str, ...], int, bool]) -> str:
    subset, n, base = case
    return f"{'+'.join(subset)}-{n}{'-base' if base else ''}"


SAMPLE = _sample()
GRID = [(s, n, b) for s in SUBSETS for n in CUTS for b in (False, True) if (s, n, b) not in SAMPLE]


@pytest.mark.parametrize("case", SAMPLE, ids=[_label(c) for c in SAMPLE])
def test_a_sample_of_cut_inputs_gives_a_scenario_or_a_message(
    case: tuple[tuple[str, ...], int, bool], cuts: Path, tmp_path: Path
) -> None:
    subset, n, base = case
    text = _calibrate(_files(cuts, subset, n), tmp_path / "out.yaml", base=base)
    if n == 0:
        # A header alone is no record: the first file given says so.
        first = _files(cuts, subset, n)[subset[0]].name
        assert f"{first}: has a header row but no records" in text


@pytest.mark.slow
@pytest.mark.parametrize("case", GRID, ids=[_label(c) for c in GRID])
def test_the_rest_of_the_grid_gives_a_scenario_or_a_message(
    case: tuple[tuple[str, ...], int, bool], cuts: Path, tmp_path: Path
) -> None:
    subset, n, base = case
    _calibrate(_files(cuts, subset, n), tmp_path / "out.yaml", base=base)


# The three tracebacks of the issue, by name -------------------------------------------


def test_a_team_file_alone_builds_a_scenario(tmp_path: Path) -> None:
    # Was: AttributeError (.dt of the skeleton's untyped empty deals) in _cycle_days.
    text = _calibrate({"team": CRM / "team.csv"}, tmp_path / "t.yaml", base=False)
    assert "wrote" in text
    # No dated deals or activities: no period, so no hire rate a year from it.
    assert "no dated deals or activities: no period to count hires a year in" in text
    assert "started within" not in text


def test_forty_deals_on_a_base_keep_what_they_cannot_fit(cuts: Path, tmp_path: Path) -> None:
    # Was: lifelines' TypeError on a stage that one simulated deal passed through.
    text = _calibrate({"deals": cuts / "deals_40.csv"}, tmp_path / "d.yaml", base=True)
    assert "not calibrated: assumption kept" in text


@pytest.mark.parametrize("plan", [-5.0, 0.0, math.nan, math.inf])
def test_the_skeleton_refuses_a_plan_not_above_0_in_words(plan: float) -> None:
    with pytest.raises(ValueError, match=r"expected a revenue a month above 0") as caught:
        skeleton(Records(), name="t", plan_per_month=plan)
    assert str(caught.value).startswith(f"plan_per_month {plan:g}: ")


def test_a_plan_below_0_is_a_message_naming_plan(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["calibrate", "--deals", str(CRM / "deals.csv"), "--plan", "-5", "-o", "p.yaml"]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--plan -5: expected a revenue a month above 0" in result.output


# The closed form behind the single-spell case --------------------------------------------


def test_one_spell_gets_the_exponentials_closed_form() -> None:
    # Time at risk over ended spells (5 / 1), Wald interval 5 +- 1.96 * 5 / sqrt(1).
    mean, low, high = survival_mean(np.array([5.0]), np.array([True]))
    assert (mean, low, high) == pytest.approx((5.0, 0.0, 5.0 + 1.96 * 5.0))


def test_the_closed_form_is_what_lifelines_fits_on_more_spells() -> None:
    days, ended = np.array([3.0, 5.0, 0.0, 9.0]), np.array([True, True, False, True])
    mean, low, high = survival_mean(days, ended)
    closed = (3.0 + 5.0 + 1e-6 + 9.0) / 3
    assert mean == pytest.approx(closed, rel=1e-5)
    assert high == pytest.approx(closed + 1.96 * closed / math.sqrt(3), rel=1e-4)
    assert low == 0.0  # the Wald interval's lower end is below 0 here: cut at 0


def test_no_ended_spell_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"no spell ended among 2: the mean is unbounded"):
        survival_mean(np.array([5.0, 6.0]), np.array([False, False]))


# Deals of one extreme each ---------------------------------------------------------------


def _extreme(deals: pd.DataFrame, which: str) -> pd.DataFrame:
    out = deals.copy()
    unclosed = out["closed"] == ""
    if which == "all_open":
        out["status"], out["closed"] = "open", ""
    elif which in ("all_won", "all_lost"):
        out["status"] = which.removeprefix("all_")
        out.loc[unclosed, "closed"] = out.loc[unclosed, "created"]
    elif which == "one_day":
        out["created"] = "2027-03-01"
        out.loc[~unclosed, "closed"] = "2027-03-01"
    elif which == "one_person":
        out["owner"] = out["owner"].iloc[0]
    elif which == "one_segment":
        out["segment"] = out["segment"].iloc[0]
    elif which == "no_values":
        out["value"] = ""
    elif which == "one_won_same_day":
        out = out.head(1).assign(status="won", closed=out["created"].iloc[0])
    return out


EXTREMES = (
    "all_open",
    "all_won",
    "all_lost",
    "one_day",
    "one_person",
    "one_segment",
    "no_values",
    "one_won_same_day",
)


def _extreme_run(which: str, *, base: bool, stages: bool, tmp_path: Path) -> None:
    deals = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False).head(120)
    path = tmp_path / f"deals_{which}.csv"
    _extreme(deals, which).to_csv(path, index=False)
    files = {"deals": path, "team": CRM / "team.csv"}
    if stages:
        files["stages"] = CRM / "stages.csv"  # a history whose dates disagree with some
    text = _calibrate(files, tmp_path / "out.yaml", base=base)
    assert "wrote" in text


@pytest.mark.parametrize("which", EXTREMES)
def test_extreme_deals_give_a_scenario(which: str, tmp_path: Path) -> None:
    _extreme_run(which, base=EXTREMES.index(which) % 2 == 1, stages=False, tmp_path=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("which", EXTREMES)
def test_extreme_deals_with_their_stage_history_give_a_scenario(which: str, tmp_path: Path) -> None:
    # The other base than the fast test's, and the example's whole stage history.
    _extreme_run(which, base=EXTREMES.index(which) % 2 == 0, stages=True, tmp_path=tmp_path)
