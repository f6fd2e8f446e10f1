"""The bundled scenarios load, validate, say what they claim to, and cite their defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analytic import service_level
from sim.scenario import Level, Scenario
from sim.scenario.distributions import Distribution, Exponential, Fixed, Triangular, Uniform
from sim.scenario.market import (
    InboundChannel,
    ReferralChannel,
    SegmentType,
    Stage,
)
from teamsim.cli import app
from teamsim.io import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
EXPECTED = {"retail_bank", "auto_credit_partners", "b2b_smb", "b2g_tenders", "support_desk"}

# Names of the sources in REFERENCE.md (and DOMAIN.md) that a default's comment may cite.
SOURCES = (
    "assumption",
    "domain.md",
    "bridge group",
    "zoominfo",
    "gong",
    "belkins",
    "vorsight",
    "topo",
    "cognism",
    "chorus",
    "rain group",
    "salesforce",
    "hubspot",
    "cso insights",
    "gartner",
    "gitlab",
    "xactly",
    "ebsta",
    "alexander group",
    "contactbabel",
    "icmi",
    "call centre helper",
    "swpp",
    "brown et al",
    "mckinsey",
    "rapp",
    "perlow",
    "labour code",
    "production calendar",
    "ru calendar",
    "directive",
    "eurofound",
    "bls",
    "ons",
    "cipd",
    "dak",
    "oeaz",
    "convention",
    "erlang",
)
CITATION = re.compile(r"\b(?:" + "|".join(map(re.escape, SOURCES)) + r")\b", re.IGNORECASE)
MIN_CITED_LINES = 15


def _load(stem: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{stem}.yaml")


def _stages(sc: Scenario) -> list[Stage]:
    return [stage for seg in sc.segments.values() for stage in seg.stages]


def _client_days(sc: Scenario, segment: str) -> float:
    return sum(s.client_delay_days.expected_value() for s in sc.segments[segment].stages)


# --- every file -----------------------------------------------------------------------


def test_the_bundled_set_is_complete() -> None:
    assert {p.stem for p in FILES} >= EXPECTED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_loads_without_error(path: Path) -> None:
    sc = load_scenario(path)
    assert sc.name
    assert sc.plan.revenue_per_month


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_validate_command_accepts_it(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_validate_command_accepts_all_at_once() -> None:
    result = CliRunner().invoke(app, ["validate", *map(str, FILES)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_starts_with_a_comment_saying_what_it_represents(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_defaults_cite_a_source_or_say_assumption(path: Path) -> None:
    cited = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if "# " in line and CITATION.search(line.partition("#")[2])
    ]
    assert len(cited) >= MIN_CITED_LINES, f"only {len(cited)} lines cite a source"


# --- per scenario ---------------------------------------------------------------------


def test_retail_bank_has_the_four_channels_of_domain_md() -> None:
    sc = _load("retail_bank")
    kinds = {cid: ch.kind for cid, ch in sc.channels.items()}
    assert kinds["payroll_client_staff"] == "warm"
    assert kinds["non_client_company_staff"] == "cold"
    assert kinds["partners"] == "referral"
    assert kinds["individuals"] == "cold"


def test_auto_credit_has_referrals_a_travelling_head_and_a_back_office() -> None:
    sc = _load("auto_credit_partners")
    assert any(isinstance(ch, ReferralChannel) for ch in sc.channels.values())
    middle = [sc.roles[r] for r in sc.roles_at(Level.MIDDLE)]
    assert any(r.travel_min is not None and r.absence.trip_days > 0 for r in middle)
    back_office = [
        r for r in sc.roles.values() if r.level is Level.LINE and r.sells == 0 and r.answers_inbound
    ]
    assert back_office
    assert {SegmentType.B2P, SegmentType.B2C_SHORT} <= {s.type for s in sc.segments.values()}
    assert any(stage.approval is Level.MIDDLE for stage in _stages(sc))
    # The head's travel is only spent if the head works a stage held in person.
    head = middle[0]
    assert any(stage.meeting for seg in head.segments or [] for stage in sc.segments[seg].stages)


def test_b2b_smb_funnel_matches_the_published_rates() -> None:
    sc = _load("b2b_smb")
    assert sc.calls is not None
    assert sc.calls.conversation_given_connect == pytest.approx(0.58)  # Belkins
    assert sc.calls.lead_given_conversation == pytest.approx(0.33)  # Vorsight
    assert sc.policies.call_quota_per_day == 50  # Bridge Group
    cold = [ch for ch in sc.channels.values() if ch.kind == "cold"]
    assert cold and all(ch.connect_rate == pytest.approx(0.054) for ch in cold)  # Gong
    for sid in ("smb_new_business", "smb_core"):
        seg = sc.segments[sid]
        # Win of a qualified opportunity (after the first stage) about 21 % (HubSpot).
        assert seg.win_probability() / seg.stages[0].convert == pytest.approx(0.21, abs=0.02)
        assert 30 <= _client_days(sc, sid) <= 60
    for rid in sc.roles_at(Level.LOWER):
        assert sc.reports_per_head(rid) <= (sc.roles[rid].max_span or 0) <= 8


def test_b2g_tenders_has_top_approval_and_long_cycles() -> None:
    sc = _load("b2g_tenders")
    assert any(stage.approval is Level.TOP for stage in _stages(sc))
    assert all(seg.escalation_level is Level.MIDDLE for seg in sc.segments.values())
    types = {s.type for s in sc.segments.values()}
    assert {SegmentType.B2G, SegmentType.B2B_LARGE} <= types
    assert sc.calendar.horizon_days >= 247
    assert sc.calendar.warmup_days > 0
    for sid, seg in sc.segments.items():
        if seg.type is SegmentType.B2G:
            assert 182 <= _client_days(sc, sid) <= 548, sid  # 6-18 months
            # An EU open tender gives at least 35 days from the notice to the bid deadline
            # (Directive 2014/24/EU art. 27): the client's shortest delays from the bid/no-bid
            # decision (taken on the notice) to the submission must add up to that.
            names = [s.name for s in seg.stages]
            window = seg.stages[names.index("bid_no_bid") : names.index("submission") + 1]
            assert sum(_shortest(s.client_delay_days) for s in window) >= 35, sid


def _shortest(dist: Distribution) -> float:
    if isinstance(dist, Fixed):
        return dist.value
    if isinstance(dist, Triangular | Uniform):
        return dist.low
    return 0.0  # exponential and lognormal can be arbitrarily short


def test_support_desk_is_inbound_only_near_erlang_c() -> None:
    sc = _load("support_desk")
    assert sc.channels
    assert all(isinstance(ch, InboundChannel) for ch in sc.channels.values())
    assert not sc.segments
    assert sc.calls is None
    assert sc.policies.call_quota_per_day == 0
    (lead,) = sc.roles_at(Level.LOWER)
    assert sc.roles[lead].max_span == 12  # ICMI 8-12
    assert sc.reports_per_head(lead) <= 12
    agents = sum(r.headcount.current for r in sc.roles.values() if r.answers_inbound)
    minutes = sc.calendar.workday.available_min  # arrivals spread over the working minutes
    for ch in sc.channels.values():
        assert isinstance(ch, InboundChannel)
        assert isinstance(ch.handle_min, Exponential)
        assert ch.answer_within_min == pytest.approx(20 / 60)
        rate = ch.requests_per_day / minutes
        load = rate * ch.handle_min.mean
        assert load == pytest.approx(8.0)
        assert 0.6 <= load / agents <= 0.85
        # Fully staffed, Erlang C meets the target the file sets.
        level = service_level(agents, rate, ch.handle_min.mean, ch.answer_within_min)
        assert level >= ch.service_level_target
