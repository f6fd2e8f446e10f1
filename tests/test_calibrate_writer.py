"""The calibrated scenario's file: fits set with their notes, the base's comments kept.

And the skeleton a scenario is built on when there is no base: it validates, its roles
follow the team file, and every default in it names its source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from calibrate.contract import (
    COLUMNS,
    ROW,
    Calibration,
    Fit,
    Kept,
    Kind,
    Records,
    Unwritten,
)
from calibrate.skeleton import identifier, records_with_ids, skeleton
from calibrate.writer import apply_fits, rounded, skeleton_text
from sim import simulate
from sim.scenario import Level, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
BASE = (ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8")

CONVERT_NOTE = "fitted: 388 won of 946 closed, 95 % 0.38-0.44"
FITS = (
    Fit(
        ("segments", "smb_core", "stages", "proposal", "convert"),
        0.412345,
        946,
        0.38,
        0.44,
        CONVERT_NOTE,
    ),
    # A flow-style stage: {name: demo, work_min: 60, client_delay_days: {...}, convert: 0.55}
    Fit(
        ("segments", "smb_new_business", "stages", "demo", "convert"),
        0.6123456,
        100,
        0.51,
        0.70,
        "fitted: 61 of 100, 95 % 0.51-0.70",
    ),
    Fit(
        ("segments", "smb_new_business", "stages", "demo", "client_delay_days"),
        {"kind": "exponential", "mean": 6.2345},
        80,
        5.0,
        7.5,
        "fitted: survival of 80 deals",
    ),
    Fit(
        ("segments", "smb_new_business", "stages", "contract", "convert"),
        0.7,
        90,
        0.6,
        0.8,
        "fitted: 63 of 90",
    ),
    Fit(
        ("personas", "fitted_high"),
        {"duration_x": 0.9, "conversion_x": 1.234567},
        12,
        None,
        None,
        "fitted: top third of 12 people",
    ),
    Fit(
        ("roles", "sdr", "personas"),
        {"executive": 1 / 3, "erudite": 1 / 3, "fitted_high": 1 / 3},
        12,
        None,
        None,
        "fitted: the team's spread",
    ),
    Fit(
        ("segments", "smb_core", "deal_value"),
        21234.56,
        388,
        19000.0,
        23000.0,
        "fitted: lognormal of 388 won",
    ),
    Fit(
        ("channels", "partner_referrals", "leads_per_week"),
        4.56789,
        200,
        4.0,
        5.1,
        "fitted: 200 deals in 43.8 weeks",
    ),
    Fit(("calendar", "workday", "hours"), 7.5, 10, None, None, "fitted: work-day cards"),
)
KEPT = (
    Kept(("channels", "marketing_leads", "refill_per_month"), "no activities file"),
    Kept(("calls", "no_answer_min"), "no activities file"),
    Kept(("roles", "nobody", "monthly_cost"), "not in the base"),
)
UNWRITTEN = (
    Unwritten("units", "2 offices: North 6, South 4"),
    Unwritten("seasonality", "December x1.4"),
)
PERIOD = (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))


def _calibration(fits: tuple[Fit, ...] = FITS) -> Calibration:
    return Calibration(fits, KEPT, UNWRITTEN, pd.DataFrame(), PERIOD)


@pytest.fixture(scope="module")
def written() -> str:
    return apply_fits(BASE, _calibration(), inputs=["deals.csv"])


def _line(text: str, start: str) -> str:
    """The one line whose content (indentation stripped) starts with ``start``."""
    found = [ln for ln in text.splitlines() if ln.strip().startswith(start)]
    assert len(found) == 1, f"{start!r}: {found}"
    return found[0]


def _comments(text: str) -> set[str]:
    return {m.group(0).strip() for m in re.finditer(r"#.*$", text, flags=re.M)}


def test_the_fits_are_set_rounded_and_the_result_validates(written: str) -> None:
    sc = parse_scenario(written, "calibrated.yaml")
    core = {s.name: s for s in sc.segments["smb_core"].stages}
    new = {s.name: s for s in sc.segments["smb_new_business"].stages}
    assert core["proposal"].convert == 0.4123  # 4 significant digits
    assert new["demo"].convert == 0.6123
    assert new["demo"].client_delay_days.model_dump() == {"kind": "exponential", "mean": 6.2}
    assert new["demo"].work_min.expected_value() == 60  # the flow stage's other fields stay
    assert new["contract"].convert == 0.7
    assert sc.segments["smb_core"].deal_value == 21235  # money: whole units
    assert sc.channels["partner_referrals"].leads_per_week == 4.568  # type: ignore[union-attr]
    assert sc.calendar.workday.hours == 7.5
    assert sc.personas["fitted_high"].conversion_x == 1.235
    assert sc.personas["fitted_high"].duration_x == 0.9
    # Rounded shares of a persona mix still sum to 1: the largest takes the rest.
    assert sc.roles["sdr"].personas == {
        "executive": 0.3334,
        "erudite": 0.3333,
        "fitted_high": 0.3333,
    }
    # Untouched values are the base's.
    assert sc.roles["sdr"].headcount.current == 10
    assert core["contract"].convert == 0.76


def test_each_note_is_on_its_values_line_and_replaces_the_bases_comment(written: str) -> None:
    assert _line(written, "convert: 0.4123").endswith(f"# {CONVERT_NOTE}")
    assert _line(written, "deal_value: 21235").endswith("# fitted: lognormal of 388 won")
    assert _line(written, "hours: 7.5").endswith("# fitted: work-day cards")
    assert _line(written, "leads_per_week: 4.568").endswith("# fitted: 200 deals in 43.8 weeks")
    assert _line(written, "personas: {executive: 0.3334").endswith("# fitted: the team's spread")


def test_a_kept_value_keeps_the_bases_comment_and_says_so(written: str) -> None:
    assert _line(written, "refill_per_month: 1500").endswith(
        "# assumption: marketing's monthly lead flow; "
        "not calibrated: assumption kept (no activities file)"
    )
    assert _line(written, "no_answer_min:").endswith(
        "# assumption (nothing published): ring and voicemail; "
        "not calibrated: assumption kept (no activities file)"
    )


def test_the_bases_other_comments_survive(written: str) -> None:
    # Only the comments on the lines of replaced values are gone; the RAIN Group comment
    # (between a key and its flow value on the next line) included.
    lost = {c for c in _comments(BASE) if c not in written}
    assert lost == {
        "# assumption: larger than outbound deals, below Bridge Group's $25K ACV",
        "# assumption: scripted dialling suits executives",
    }
    assert _line(written, "connect_rate: 0.054").endswith(
        "# Gong Labs 2024: 5.4 % average of 300M+ cold calls"
    )
    assert "# RAIN Group: 8 touches to a first meeting" in written


def test_a_flow_stage_becomes_block_with_its_comments_in_place(written: str) -> None:
    assert _line(written, "- name: demo").endswith("# online; assumption")
    assert _line(written, "convert: 0.6123").endswith("# fitted: 61 of 100, 95 % 0.51-0.70")
    assert _line(written, "client_delay_days: {kind: exponential, mean: 6.2}").endswith(
        "# fitted: survival of 80 deals"
    )
    lines = written.splitlines()
    contract = lines.index(_line(written, "convert: 0.7                    # fitted"))
    # The notes about the whole funnel still follow its last stage.
    assert lines[contract + 1].strip().startswith("# win of an opportunity 0.55 x 0.5 x 0.76")
    assert _line(written, "- name: contract  ").endswith("# assumption: procurement")


def test_a_new_persona_is_added_in_flow_style(written: str) -> None:
    line = _line(written, "fitted_high: {")
    assert line == (
        "  fitted_high: {duration_x: 0.9, conversion_x: 1.235} # fitted: top third of 12 people"
    )


def test_the_header_names_the_records_the_kept_and_the_unwritten(written: str) -> None:
    head = written.splitlines()[:10]
    assert head[0] == "# Calibrated by teamsim from deals.csv, 2024-01-01 to 2024-12-31:"
    assert (
        head[1]
        == "# 9 values fitted (each marked beside it), 3 assumptions kept, 2 fits not written."
    )
    assert "#   channels.marketing_leads.refill_per_month (no activities file)" in head
    assert "#   roles.nobody.monthly_cost (not in the base)" in head
    assert "# not written: no field yet: units: 2 offices: North 6, South 4" in head
    assert "# not written: no field yet: seasonality: December x1.4" in head
    # Then the base's own header.
    assert written.index("# Inside sales to small and medium companies") > written.index(
        "# not written: no field yet: seasonality"
    )


def test_set_paths_still_work_on_the_written_file(written: str) -> None:
    sc = parse_scenario(
        written,
        "calibrated.yaml",
        overrides=[
            "segments.smb_new_business.stages.demo.convert=0.4",
            "roles.sdr.headcount.current=12",
            "personas.fitted_high.conversion_x=1.1",
        ],
    )
    demo = next(s for s in sc.segments["smb_new_business"].stages if s.name == "demo")
    assert demo.convert == 0.4
    assert sc.roles["sdr"].headcount.current == 12
    assert sc.personas["fitted_high"].conversion_x == 1.1


def test_a_path_to_a_stage_that_does_not_exist_is_refused() -> None:
    bad = Fit(
        ("segments", "smb_core", "stages", "negotiation", "convert"), 0.5, 10, None, None, "fitted"
    )
    with pytest.raises(
        ValueError,
        match=re.escape(
            "segments.smb_core.stages.negotiation: no item named 'negotiation' in the list"
        ),
    ):
        apply_fits(BASE, _calibration((bad,)))


def test_rounding_by_field() -> None:
    assert rounded(("segments", "a", "deal_value"), 21234.56) == 21235
    assert rounded(("roles", "a", "monthly_cost"), 6499.5) == 6500  # banker's rounding aside
    assert rounded(("segments", "a", "stages", "b", "client_delay_days", "mean"), 6.2345) == 6.2
    assert rounded(("calls", "conversation_min", "sd"), 1.449) == 1.4
    assert rounded(("calls", "follow_up_after_days"), 0.04) == 0.04  # not rounded to 0
    assert rounded(("channels", "c", "connect_rate"), 0.0543219) == 0.05432
    assert rounded(("channels", "c", "leads_per_week"), 1234.5678) == 1235.0


# --- The skeleton -------------------------------------------------------------------------------


def _frame(kind: Kind, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(COLUMNS[kind]))
    for col in df.columns:
        if col in ("created", "closed", "entered", "date", "start"):
            df[col] = pd.to_datetime(df[col])
    df[ROW] = range(2, 2 + len(df))
    return df


REPS = [f"rep{i}" for i in range(6)]


def _deals() -> pd.DataFrame:
    rows = []
    for i in range(48):
        created = pd.Timestamp("2025-01-06") + pd.Timedelta(days=7 * i)
        status = ("won", "lost", "lost", "open")[i % 4]
        closed = created + pd.Timedelta(days=20 + i % 5) if status != "open" else pd.NaT
        rows.append(
            (
                f"D{i}",
                REPS[i % 6],
                created,
                closed,
                status,
                "Proposal" if status == "open" else None,
                5000.0 if status == "won" else None,
                ("SMB", "Mid Market")[i % 2],
                ("Cold list", "Partner referrals", "Partner referrals")[i % 3],
                None,
            )
        )
    return _frame(Kind.DEALS, rows)


def _stages(deals: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for deal, created in zip(deals["deal_id"], deals["created"], strict=True):
        for k, stage in enumerate(("Discovery", "Demo", "Proposal", "Closed Won")):
            rows.append((deal, stage, created + pd.Timedelta(days=5 * k)))
    return _frame(Kind.STAGES, rows)


def _team() -> pd.DataFrame:
    rows: list[tuple[Any, ...]] = [("boss", "Head of Sales", None, "HQ", "2020-01-01", 20.0, None)]
    rows += [(f"lead{j}", "Team Lead", "boss", "HQ", "2021-01-01", 18.0, None) for j in (1, 2)]
    rows += [
        (rep, "Account Executive", f"lead{1 + i % 2}", "HQ", "2023-01-01", 15.0, None)
        for i, rep in enumerate(REPS)
    ]
    return _frame(Kind.TEAM, rows)


def _activities() -> pd.DataFrame:
    rows = [(rep, "2025-03-03", "dial", "Cold list", 40.0, 80.0, None) for rep in REPS]
    return _frame(Kind.ACTIVITIES, rows)


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            yield from _leaves(item, (*path, item["name"]))
    else:
        yield path, value


def test_identifiers_from_free_text() -> None:
    assert identifier("Account Executive", fallback="x") == "account_executive"
    assert identifier("  Head of Sales (EMEA) ", fallback="x") == "head_of_sales_emea"
    assert identifier("2nd line", fallback="x") == "x2nd_line"
    assert identifier("—", fallback="staff") == "staff"


def test_a_skeleton_from_a_team_file_validates_with_the_teams_tree() -> None:
    deals = _deals()
    records = Records(deals=deals, stages=_stages(deals), activities=_activities(), team=_team())
    doc, sources = skeleton(records, name="Our team", plan_per_month=60000)
    text = skeleton_text(doc, sources=sources)
    sc = parse_scenario(text, "skeleton.yaml")
    roles = sc.roles
    assert set(roles) == {"head_of_sales", "team_lead", "account_executive"}
    assert roles["head_of_sales"].level is Level.MIDDLE
    assert roles["team_lead"].level is Level.LOWER
    assert roles["account_executive"].level is Level.LINE
    assert roles["head_of_sales"].reports_to is None
    assert roles["team_lead"].reports_to == "head_of_sales"
    assert roles["account_executive"].reports_to == "team_lead"
    assert roles["head_of_sales"].headcount.model_dump() == {"current": 1, "min": 1, "max": 1}
    assert roles["team_lead"].headcount.model_dump() == {"current": 2, "min": 1, "max": 4}
    assert roles["account_executive"].headcount.model_dump() == {"current": 6, "min": 3, "max": 12}
    assert set(sc.segments) == {"smb", "mid_market"}
    # Stages in their order in a deal; "Closed Won" is an outcome, not a stage.
    assert [s.name for s in sc.segments["smb"].stages] == ["discovery", "demo", "proposal"]
    # Dials logged on the cold list make it cold; the partners' deals come by themselves.
    assert sc.channels["cold_list"].kind == "cold"
    assert sc.channels["partner_referrals"].kind == "referral"
    assert sc.calls is not None and sc.policies.call_quota_per_day == 50
    assert sc.plan.revenue_per_month == [60000]
    # Even deals are SMB: 12 won, 12 lost; odd ones Mid Market: 12 lost, 12 open. The raw
    # win rate is spread evenly over the three stages; none won (a lost-only export?)
    # keeps the published 21 %.
    smb, mid = sc.segments["smb"], sc.segments["mid_market"]
    assert [s.convert for s in smb.stages] == [0.7937] * 3  # 0.5 ** (1 / 3)
    assert [s.convert for s in mid.stages] == [0.5944] * 3  # 0.21 ** (1 / 3)
    assert smb.deal_value == 5000
    assert mid.deal_value == 25000  # no won deal: the published ACV


def test_every_value_of_a_skeleton_cites_its_source() -> None:
    deals = _deals()
    records = Records(deals=deals, stages=_stages(deals), activities=_activities(), team=_team())
    doc, sources = skeleton(records, name="Our team")
    text = skeleton_text(doc, sources=sources)
    structure = {"schema_version", "seed"}
    for path, value in _leaves(doc):
        if isinstance(value, bool) or not isinstance(value, int | float) or path[0] in structure:
            continue
        cited = [path[:n] for n in range(len(path), 1, -1) if path[:n] in sources]
        assert cited, f"{'.'.join(path)} = {value} has no source"
    for comment in sources.values():
        assert f"# {comment}" in text
    assert _line(text, "connect_rate: 0.054").endswith(
        "# default: Gong Labs 2024, 5.4 % of 300M+ cold calls connect"
    )
    assert _line(text, "conversation_given_connect: 0.58").endswith(
        "# default: Belkins 2025, 58 % of connects become a conversation (175k dials)"
    )
    assert _line(text, "occupancy_cap: 0.85").endswith(
        "# default: Call Centre Helper and SWPP, planning cap on occupancy 85 %"
    )
    # Nothing outside the project is referred to.
    assert "REFERENCE.md" not in text and "../" not in text


def test_a_skeleton_from_deals_alone_validates_and_runs() -> None:
    doc, sources = skeleton(Records(deals=_deals()), name="Deals only")
    text = skeleton_text(doc, sources=sources, header="Built from deals.csv")
    assert text.startswith("# Built from deals.csv\n")
    sc = parse_scenario(text, "skeleton.yaml")
    assert sc.roles["seller"].level is Level.LINE
    assert sc.roles["seller"].headcount.current == 6  # the distinct owners
    assert sc.roles["seller"].reports_to == "team_lead"
    assert sc.roles["team_lead"].headcount.current == 1  # one lead per 8 sellers
    # No dials logged: every channel is a referral; stages from each segment's own open
    # and lost deals (every open deal is Mid Market's; SMB's lost deals have no stage).
    assert {c.kind for c in sc.channels.values()} == {"referral"}
    assert [s.name for s in sc.segments["mid_market"].stages] == ["proposal"]
    assert [s.name for s in sc.segments["smb"].stages] == ["deal"]
    assert sc.calls is None and sc.policies.max_calls_per_day == 0
    # No plan given: a deal a month a segment until calibrate.own_plan's fit replaces it.
    assert sc.plan.revenue_per_month == [round(sum(s.deal_value for s in sc.segments.values()))]
    short = parse_scenario(
        text, "skeleton.yaml", overrides=["calendar.horizon_days=30", "calendar.warmup_days=5"]
    )
    result = simulate(short, 1, seed=3, workers=1)
    assert result.replications == 1
    assert not result.kpis.empty


def deals_last() -> pd.Timestamp:
    deals = _deals()
    return pd.Timestamp(max(deals["created"].max(), deals["closed"].max()))


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_with_nothing_fitted_every_bundled_scenario_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    empty = Calibration((), (), (), pd.DataFrame(), PERIOD)
    out = apply_fits(text, empty)
    assert parse_scenario(out, path.name) == parse_scenario(text, path.name)
    assert out.startswith("# Calibrated by teamsim from the team's records, 2024-01-01 to")


def test_a_section_the_base_lacks_is_made_where_the_schema_has_it() -> None:
    text = (ROOT / "scenarios" / "support_desk.yaml").read_text(encoding="utf-8")
    assert "\npersonas:" not in text
    fit = Fit(("personas", "fitted_high"), {"conversion_x": 1.2}, 5, None, None, "fitted: x")
    out = apply_fits(text, _calibration((fit,)))
    keys = [ln.split(":")[0] for ln in out.splitlines() if re.match(r"^[a-z_]+:", ln)]
    assert keys.index("personas") == keys.index("calendar") + 1
    assert parse_scenario(out).personas["fitted_high"].conversion_x == 1.2


def test_fits_on_a_skeleton_are_written_and_validate() -> None:
    fit_module = pytest.importorskip("calibrate.fit")
    deals = _deals()
    records = Records(deals=deals, stages=_stages(deals), activities=_activities(), team=_team())
    doc, sources = skeleton(records, name="Our team")
    text = skeleton_text(doc, sources=sources)
    calibration = fit_module.fit(records_with_ids(records), parse_scenario(text))
    # The skeleton's ids are the ones the fits look the records up by.
    assert not any("not in the base" in u.fit for u in calibration.unwritten)
    out = apply_fits(text, calibration, inputs=["deals.csv", "team.csv"])
    sc = parse_scenario(out, "calibrated.yaml")
    smb = {s.name: s for s in sc.segments["smb"].stages}
    assert smb["proposal"].convert == 0.5  # 12 won of 24 decided there
    assert _line(out, "convert: 0.5 ").split("# ")[1].startswith("fitted: 12 passed of 24")
