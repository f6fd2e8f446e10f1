"""Degenerate records a new user fed ``teamsim calibrate``: each says what it is, never fits it.

Closed deals all won (or all lost), a misspelt stage name, a stage order from three deals
or from open deals only, the plan from one deal, three segments' stage paths in one file
without a segment column, a base of several segments and deals without one, a channel no
deal comes from, and a German CRM's deal column ("Verkaufschance").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calibrate import Fit, Kept, own_revenue_plan, records_with_ids, skeleton, skeleton_text
from calibrate.columns import match_columns
from calibrate.contract import Calibration, Kind, Records
from calibrate.fit import fit
from calibrate.records import lookalike
from calibrate.skeleton import STAGE_ORDER_BY_AGE, _stage_names, separate_paths
from sim import Scenario
from sim.scenario import parse_scenario
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.records_io import read_records

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
HEADER = "deal_id,owner,created,closed,status,stage,value"


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(BASE)


def _csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _deals(n: int, status: str, stage: str, *, start: int = 0, days: int = 3) -> list[str]:
    """n deals of one status at one stage, created a day apart from 2027-01-04."""
    rows = []
    for i in range(start, start + n):
        created = dt.date(2027, 1, 4) + dt.timedelta(days=i)
        closed = "" if status == "open" else str(created + dt.timedelta(days=days))
        rows.append(f"D{i:04d},rep.{i % 3},{created},{closed},{status},{stage},12000")
    return rows


def _warnings(records: Records) -> list[str]:
    return [p.message for p in records.problems]


def _built(records: Records, **given: float) -> tuple[Scenario, Calibration, str]:
    """What calibrate does without --base: the skeleton, its text, the fits on it."""
    doc, sources = skeleton(records, name="t", plan_per_month=given.get("plan"))
    text = skeleton_text(doc, sources=sources)
    base = parse_scenario(text.encode(), "<skeleton>")
    return base, fit(records_with_ids(records), base), text


def _kept(cal: Calibration) -> dict[tuple[str | int, ...], str]:
    return {k.path: k.why for k in cal.kept}


# 1. Closed deals all won, or all lost ----------------------------------------------------


def test_all_won_warns_and_keeps_the_win_rate(tmp_path: Path) -> None:
    records = read_records(deals=_csv(tmp_path / "deals.csv", _deals(30, "won", "")))
    why = (
        "no lost deals among 30 closed: is this a won-only export? win rate not fitted, "
        "assumption kept"
    )
    assert why in _warnings(records)
    base, cal, text = _built(records)
    assert not [f for f in cal.fits if f.path[-1] == "convert"]
    assert _kept(cal)[("segments", "main", "stages", "deal", "convert")] == f"main: {why}"
    # The skeleton's own convert is the published win rate (21 %), not 99 %.
    assert base.segments["main"].stages[0].convert == pytest.approx(0.21)
    assert "closed deals all of one outcome" in text


def test_all_lost_warns_and_writes_no_zero(tmp_path: Path, smb: Scenario) -> None:
    rows = _deals(12, "lost", "proposal")
    path = _csv(tmp_path / "deals.csv", [r + ",smb_core" for r in rows], HEADER + ",segment")
    records = read_records(deals=path)
    why = (
        "no won deals among 12 closed: is this a lost-only export? win rate not fitted, "
        "assumption kept"
    )
    assert why in _warnings(records)
    cal = fit(records, smb)
    kept = _kept(cal)
    for stage in smb.segments["smb_core"].stages:
        assert kept[("segments", "smb_core", "stages", stage.name, "convert")] == (
            f"smb_core: {why}"
        )
    assert not [f for f in cal.fits if f.path[-1] == "convert"]


def test_a_few_closed_deals_of_one_outcome_do_not_warn(tmp_path: Path) -> None:
    # Under five closed deals no win rate is fitted anyway: no warning to add.
    records = read_records(deals=_csv(tmp_path / "deals.csv", _deals(4, "won", "")))
    assert not [w for w in _warnings(records) if "export?" in w]


def test_all_won_on_the_command_line_warns_and_validates(tmp_path: Path) -> None:
    deals = _csv(tmp_path / "deals.csv", _deals(40, "won", ""))
    out = tmp_path / "team.yaml"
    result = CliRunner().invoke(app, ["calibrate", "--deals", str(deals), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "no lost deals among 40 closed: is this a won-only export?" in result.output
    assert "convert: 100.0 %" not in result.output
    check = CliRunner().invoke(app, ["validate", str(out)])
    assert check.exit_code == 0, check.output


# 2. A misspelt stage --------------------------------------------------------------------


def test_a_misspelt_stage_looks_like_the_common_one(tmp_path: Path) -> None:
    rows = _deals(10, "lost", "Angebot") + _deals(2, "lost", "Angbeot", start=10)
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    assert (
        "stage 'Angbeot' looks like 'Angebot' (2 rows against 10): if they are one stage, "
        'map it with --stage "Angbeot=Angebot"; as it is, it becomes a stage of its own'
    ) in _warnings(records)


def test_with_a_base_the_unmapped_stage_names_the_closest(tmp_path: Path, smb: Scenario) -> None:
    rows = _deals(10, "lost", "Angebot") + _deals(2, "lost", "Angbeot", start=10)
    rows += _deals(1, "lost", "Zzz", start=12)
    known = [st.name for seg in smb.segments.values() for st in seg.stages]
    records = read_records(
        deals=_csv(tmp_path / "deals.csv", rows),
        stage_map={"Angebot": "proposal"},
        known_stages=known,
    )
    warned = _warnings(records)
    assert (
        "stage 'Angbeot' maps to no stage of the scenario; it looks like 'Angebot' (mapped "
        'to proposal): map it with --stage "Angbeot=proposal" (2 rows; kept with no stage)'
    ) in warned
    # Nothing close: the scenario's stages are listed.
    zzz = [w for w in warned if w.startswith("stage 'Zzz'")]
    assert zzz and "(stages: discovery, demo, proposal" in zzz[0]


def test_names_that_differ_in_a_number_are_not_misspellings() -> None:
    assert lookalike("Stage 1", ["Stage 2"]) is None
    assert lookalike("Proposl", ["Proposal", "Demo"]) == "Proposal"
    assert lookalike("Discovery", ["Demo"]) is None


# 3. A stage order from too few deals; the plan from one deal ------------------------------


def test_three_deals_order_no_stages(tmp_path: Path) -> None:
    rows = [
        "D1,a,2027-01-04,2027-01-12,lost,Vorführung,12000",
        "D2,b,2027-01-04,2027-01-20,lost,Erstgespräch,12000",
        "D3,b,2027-01-04,2027-01-20,won,Vertragsverhandlung,12000",
    ]
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    names, how = _stage_names(records, None)
    assert names == ["deal"]
    assert how is not None and how.startswith(
        "stage order not inferred: only 2 open or lost deals at a stage (at least 20); "
        "the funnel is one stage until the order is given: --base SCENARIO"
    )
    base, _, text = _built(records)
    stages_line = next(line for line in text.splitlines() if line.strip().startswith("stages:"))
    assert "# stage order not inferred: only 2 open or lost deals" in stages_line
    # The plan is not one deal's 12,000 over 17 days (21,000 a month): a deal a month.
    plan_line = next(line for line in text.splitlines() if "revenue_per_month" in line)
    assert base.plan.revenue_per_month == [12000.0]
    assert "assumption: no plan given: a deal a month a segment (give --plan)" in plan_line
    kept = own_revenue_plan(records_with_ids(records), base)
    assert isinstance(kept, Kept) and kept.path == ("plan", "revenue_per_month")
    assert kept.why.startswith(
        "no plan given and 1 won deal over 0.6 months (a plan is taken from at least 5 won deals"
    )


def test_open_deals_alone_order_no_stages(tmp_path: Path) -> None:
    rows = _deals(15, "open", "Angebot") + _deals(15, "open", "Demo", start=15)
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    names, how = _stage_names(records, None)
    assert names == ["deal"]
    assert how is not None and how.startswith(
        "stage order not inferred: no lost deal to order them by"
    )


def test_enough_deals_with_losses_are_ordered_by_age(tmp_path: Path) -> None:
    rows = _deals(12, "lost", "Late", days=30) + _deals(12, "lost", "Early", start=12, days=2)
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    assert _stage_names(records, None) == (["early", "late"], STAGE_ORDER_BY_AGE)


def test_a_given_plan_stands_and_enough_won_deals_give_one(tmp_path: Path) -> None:
    rows = _deals(40, "won", "", days=3) + _deals(20, "lost", "", start=40)
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    base, _, _ = _built(records)
    # The skeleton holds a deal a month; the records' own plan is one fit (own_plan), the
    # report's "now": 40 won deals of 12,000 closed 2027-01-07 to 2027-02-15 (25 in
    # January, 15 in February), the mean over the two whole months.
    assert base.plan.revenue_per_month == [12000.0]
    own = own_revenue_plan(records_with_ids(records), base)
    assert isinstance(own, Fit) and own.value == 40 * 12000 / 2 and own.n == 2
    assert own.note == (
        "records: no plan given; the revenue won a month, mean over the 2 whole months of "
        "the records, 2027-01 to 2027-02"
    )
    base, _, _ = _built(records, plan=5000.0)
    assert base.plan.revenue_per_month == [5000.0]


# 4. Separate stage paths with no segment column -------------------------------------------

PATHS = (
    ("discovery", "demo", "proposal", "contract"),
    ("discovery", "onsite_demo", "proposal", "contract"),
    ("account_review", "proposal", "contract"),
)


def _history(paths: tuple[tuple[str, ...], ...], per: int) -> tuple[list[str], list[str]]:
    deals, stages = [], []
    for p, path in enumerate(paths):
        for i in range(per):
            deal = f"P{p}D{i:03d}"
            day = dt.date(2027, 1, 4) + dt.timedelta(days=i)
            # Every third deal is lost at its second stage; the rest are won.
            reach = path[:2] if i % 3 == 0 else path
            status = "lost" if i % 3 == 0 else "won"
            closed = day + dt.timedelta(days=len(reach) * 3)
            deals.append(f"{deal},rep.{i % 4},{day},{closed},{status},{reach[-1]},9000,ch{p}")
            for k, stage in enumerate(reach):
                stages.append(f"{deal},{stage},{day + dt.timedelta(days=3 * k)}")
    return deals, stages


def test_three_stage_paths_in_one_file_are_said(tmp_path: Path) -> None:
    deals, stages = _history(PATHS, 12)
    records = read_records(
        deals=_csv(tmp_path / "deals.csv", deals, HEADER + ",channel"),
        stages=_csv(tmp_path / "stages.csv", stages, "deal_id,stage,entered"),
    )
    names, how = _stage_names(records, None)
    assert how is not None and how.startswith(
        "deals follow 3 separate stage paths (account_review > proposal > contract; "
        "discovery > demo > proposal > contract; discovery > onsite_demo > proposal > "
        "contract): add a segment column or --column segment=<column>"
    )
    assert sorted(names) == sorted({s for p in PATHS for s in p})
    # From the deals file alone (each deal at one stage: lost at its second, won at
    # contract), the channels tell the paths apart too.
    alone = read_records(deals=_csv(tmp_path / "d2.csv", deals, HEADER + ",channel"))
    seen = ["demo", "onsite_demo", "proposal", "contract"]
    assert separate_paths(None, alone.deals, seen) == [
        ["demo", "contract"],
        ["onsite_demo", "contract"],
        ["proposal", "contract"],
    ]


def test_one_funnel_with_early_losses_is_one_path(tmp_path: Path) -> None:
    deals, stages = _history(PATHS[:1], 30)
    records = read_records(
        deals=_csv(tmp_path / "deals.csv", deals, HEADER + ",channel"),
        stages=_csv(tmp_path / "stages.csv", stages, "deal_id,stage,entered"),
    )
    names, how = _stage_names(records, None)
    assert names == list(PATHS[0]) and how is None


# 5. A base of several segments, deals with no segment column -------------------------------


def test_deals_without_a_segment_give_the_true_reason(tmp_path: Path, smb: Scenario) -> None:
    rows = _deals(20, "won", "") + _deals(20, "lost", "proposal", start=20)
    records = read_records(deals=_csv(tmp_path / "deals.csv", rows))
    cal = fit(records, smb)
    why = (
        "all 40 deals left out of the segment fits: the deals have no segment column and "
        "the base has 3 segments (smb_new_business, smb_core, smb_expansion); map the "
        "file's with --column segment=<column> (or give a channel column whose channels "
        "each feed one segment)"
    )
    reasons = {k.why for k in cal.kept}
    assert why in reasons
    assert not [r for r in reasons if "no deals file" in r]
    assert _kept(cal)[("segments", "smb_core", "deal_value")] == why
    assert not cal.fits


# 6. A channel no deal comes from ---------------------------------------------------------


def test_a_channel_with_no_deals_is_fitted_0_only_when_the_file_names_channels(
    tmp_path: Path, smb: Scenario
) -> None:
    # Won and lost: a won-only file fits no flow at all (test_calibrate_exports).
    both = _deals(15, "won", "") + _deals(5, "lost", "", start=15)
    rows = [r + ",smb_core,demo_requests" for r in both]
    header = HEADER + ",segment,channel"
    cal = fit(read_records(deals=_csv(tmp_path / "a.csv", rows, header)), smb)
    partner = ("channels", "partner_referrals", "leads_per_week")
    zero = next(f for f in cal.fits if f.path == partner)
    assert zero.value == 0
    assert zero.note.startswith(
        "fitted: no deals from channel partner_referrals in the file: flow 0 fitted"
    )
    # No channel column: the sole feeder of a segment with no deals keeps the base's flow
    # (a partial export says nothing of the segments it does not cover).
    rows = [r + ",smb_core" for r in both]
    cal = fit(read_records(deals=_csv(tmp_path / "b.csv", rows, HEADER + ",segment")), smb)
    path = ("channels", "customer_success_referrals", "leads_per_week")
    assert path not in {f.path for f in cal.fits}
    assert _kept(cal)[path] == "no deals of smb_expansion in the file"
    # Channels the base does not have: maybe this one spelt otherwise, so not 0.
    rows = [r + ",smb_expansion,Empfehlung" for r in both]
    cal = fit(read_records(deals=_csv(tmp_path / "c.csv", rows, header)), smb)
    assert partner not in {f.path for f in cal.fits}


# 7. The deal column as German, French and Russian CRMs name it -----------------------------


@pytest.mark.parametrize("name", ["Verkaufschance", "Opportunity ID", "Opportunité", "Сделка"])
def test_the_deal_column_is_recognised(name: str) -> None:
    found = [name, "Verantwortlich", "Erstellt am", "Status"]
    mapping, problems = match_columns(Kind.DEALS, found, source="deals.csv")
    assert not problems
    assert mapping["deal_id"] == name
