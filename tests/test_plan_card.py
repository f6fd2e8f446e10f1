"""The plan card: its arithmetic closes on the optimiser's own solution, and by hand.

The card traces a plan back from revenue to dials (optimizer.card); every line is a
division, product or sum of figures the plan and the rules give, so a head can redo it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from optimizer import CardLine, PlanCard, plan, plan_card
from optimizer.measure import apply_plan
from teamsim.cli import app
from teamsim.io import load_scenario
from teamsim.plan_card_view import (
    header_text,
    line_text,
    plan_card_frame,
    quota_text,
    role_rows,
)
from teamsim.store import Store
from tests.optimizer_helpers import MONTH_DAYS, merge, scenario, tiny

ROOT = Path(__file__).resolve().parent.parent


def _closes(line: CardLine) -> float:
    """What the line's arithmetic gives."""
    values = [t.value for t in line.terms]
    if line.op == "/":  # a / b / c ...: dials = conversations / each factor of a dial
        out = values[0]
        for v in values[1:]:
            out /= v
        return out
    if line.op == "x":
        return values[0] * values[1]
    return sum(values)


@pytest.mark.parametrize("name", ["retail_bank", "b2b_smb"])
def test_card_arithmetic_closes_on_bundled_scenarios(name: str) -> None:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    solved = plan(sc)
    card = plan_card(solved, sc)
    revenue = sum(x.per_month for x in card.lines if x.step == "revenue")
    assert revenue == pytest.approx(solved.revenue_per_month, rel=1e-6)
    # Every role's revenue has its source: its segments' sum, or its share of all roles'.
    assert all(x.op in ("+", "x") for x in card.lines if x.step == "revenue")
    for line in card.lines:
        if line.op:
            assert _closes(line) == pytest.approx(line.per_month, rel=1e-5, abs=1e-6), line
    roles = {r.role: r for r in solved.roles}
    for rc in card.roles:
        mine = [x for x in card.lines if x.role == rc.role]
        dials = [x for x in mine if x.step == "dials" and not x.channel]
        if dials:  # dials per person a day at work are the plan's call target
            assert dials[0].per_person_day == pytest.approx(roles[rc.role].dials_per_day, rel=1e-9)
        won = [x for x in mine if x.step == "won"]
        for x in won:  # won deals x deal value = revenue of the segment
            value = sc.segments[x.segment].deal_value
            assert x.per_month * value == pytest.approx(x.terms[0].value, rel=1e-9)
        total = next(x for x in mine if x.step == "leads" and not x.channel)
        by_channel = sum(x.per_month for x in mine if x.step == "leads" and x.channel)
        assert by_channel == pytest.approx(total.per_month, rel=1e-6)
        assert total.per_month == pytest.approx(_closes(total), rel=1e-6)
    # Every channel's leads are traced to the channel: the roles' shares of its leads,
    # all roles, add up to the whole (issue 11: the rows had no how).
    channel_lines = [x for x in card.lines if x.step == "leads" and x.channel]
    assert channel_lines and all(x.op == "x" for x in channel_lines)
    for cid in {x.channel for x in channel_lines}:
        mine = [x for x in channel_lines if x.channel == cid]
        assert sum(x.terms[1].value for x in mine) == pytest.approx(1.0, rel=1e-6), cid
    applied = apply_plan(sc, solved)
    for q in card.quotas:  # the recommended quota is the one the verify loop sets
        assert q.recommended == applied.roles[q.role].call_quota_per_day


def _two_stages() -> dict[str, object]:
    """tiny(), with a desk stage then an in-person one.

    By hand (optimizer_helpers.tiny): a dial takes 1.5 min, brings 0.5 conversations and
    0.25 leads; a lead is qualified (20 min, half pass) and half of them are visited
    (60 min, 40 % win): 20 + 0.5 x 60 = 50 min, won 0.5 x 0.4 = 0.2, revenue 200.
    """
    stages = [
        {"name": "qualify", "work_min": 20, "convert": 0.5},
        {"name": "visit", "work_min": 60, "meeting": True, "convert": 0.4},
    ]
    return merge(tiny(), {"segments.deal.stages": stages, "currency": "EUR"})


def test_hand_solved_card() -> None:
    sc = scenario(_two_stages())
    card = plan_card(plan(sc), sc)
    # The plan is 5,000 a day: 25 deals entering, 5 won, 12.5 visits, 50 conversations
    # and 100 dials a day; 100 x 1.5 + 25 x 50 = 1,400 minutes, 3 people of 480.
    people = math.ceil((100 * 1.5 + 25 * 50) / 480)
    assert people == 3
    m = MONTH_DAYS
    want = {
        ("revenue", "revenue", ""): 5000 * m,
        ("won", "won deals", ""): 5 * m,
        ("deals", "deals entering", ""): 25 * m,
        ("stage", "qualify", ""): 25 * m,
        ("stage", "visit", ""): 12.5 * m,
        ("leads", "leads", ""): 25 * m,
        ("leads", "leads", "cold"): 25 * m,
        ("conversations", "conversations", "cold"): 50 * m,
        ("dials", "dials", "cold"): 100 * m,
        ("dials", "dials", ""): 100 * m,
    }
    got = {(x.step, x.name, x.channel): x for x in card.lines}
    assert list(got) == list(want)
    for key, per_month in want.items():
        line = got[key]
        assert line.per_month == pytest.approx(per_month, rel=1e-9), key
        # No absence: a day at work is a month / people / working days a month.
        assert line.per_person_day == pytest.approx(per_month / people / m, rel=1e-9)
        assert line.per_person_week == pytest.approx(per_month / people / m * 5, rel=1e-9)
    visit = got["stage", "visit", ""]
    assert visit.in_person and visit.target
    assert not got["stage", "qualify", ""].in_person
    assert [t.value for t in visit.terms] == pytest.approx([25 * m, 0.5])
    assert [t.value for t in got["won", "won deals", ""].terms] == pytest.approx([5000 * m, 1000])
    assert [t.value for t in got["deals", "deals entering", ""].terms] == pytest.approx(
        [5 * m, 0.2]
    )
    # The one role dials the one channel: all its leads, 100 % to this role.
    cold = got["leads", "leads", "cold"]
    assert cold.op == "x" and [t.value for t in cold.terms] == pytest.approx([25 * m, 1.0])
    conv = got["conversations", "conversations", "cold"]
    assert [t.value for t in conv.terms] == pytest.approx([25 * m, 0.5])
    dials = got["dials", "dials", "cold"]
    # Conversations per dial 0.5 as its factors: connect x conversation x call-backs.
    assert dials.terms[0].value == pytest.approx(50 * m)
    connect, talk, backs = (t.value for t in dials.terms[1:])
    assert connect * talk * backs == pytest.approx(0.5)
    (q,) = card.quotas
    # Today: policies.call_quota_per_day 30 x selling share 1; the plan's 100 / 3 = 33.3
    # rounded up; the cap 100 x 1 is far: the day holds the quota, not the cap.
    assert (q.today, q.recommended, q.cap, q.held_by_cap) == (30, 34, 100, False)
    assert card.plan_per_month == pytest.approx(5000 * m)
    assert card.margin == 0.0
    # Money by Babel in EUR's usual locale (en_IE), compact: 108,696 is "€109K".
    assert header_text(card) == f"plan €{5000 * m / 1e3:.0f}K" == "plan €109K"
    # One scale for the line's amounts; the count at three significant digits (issue 11,
    # trial d): €108.7K / €1.0K = 108.7, written 109.
    assert line_text(got["won", "won deals", ""], "EUR") == (
        f"won deals, Deal {5 * m:,.0f} = revenue €{5000 * m / 1e3:.1f}K / deal value €1.0K"
    )
    assert line_text(visit, "EUR") == (
        f"visit entries, Deal (in person) {12.5 * m:,.0f} = deals entering {25 * m:,.0f} x "
        "reach it 50 %"
    )


def test_the_card_writes_money_in_the_scenario_locale() -> None:
    # de_DE has no compact thousands: the full amount, its grouping and its sign after.
    sc = scenario(merge(_two_stages(), {"locale": "de_DE"}))
    card = plan_card(plan(sc), sc)
    whole = f"{round(5000 * MONTH_DAYS):,}".replace(",", ".")
    assert header_text(card) == f"plan {whole}\xa0€"
    revenue = role_rows(card, "seller").iloc[0]
    assert revenue["a month"] == f"{whole}\xa0€"
    assert (
        revenue["a day at work"]
        == f"{round(5000 * MONTH_DAYS / 3 / MONTH_DAYS):,}".replace(",", ".") + "\xa0€"
    )


def test_quota_held_by_the_cap_and_margin_in_the_header() -> None:
    # A cap of 20 dials a day: the plan needs more, so the cap sets the quota.
    data = merge(
        _two_stages(), {"policies.max_calls_per_day": 20, "policies.call_quota_per_day": 15}
    )
    sc = scenario(data)
    solved = plan(sc)
    card = plan_card(solved, sc, plan_factor=1.19)
    (q,) = card.quotas
    assert (q.recommended, q.cap, q.held_by_cap) == (20, 20, True)
    assert quota_text(q).endswith("; held by your policies.max_calls_per_day 20, not by the day")
    plan_money = card.plan_per_month / 1e3
    assert header_text(card) == (
        f"plan €{plan_money:.0f}K; sized for €{solved.plan_per_month / 1e3:.0f}K "
        "with a +19 % margin for the spread of attainment"
    )


def test_plan_json_and_terminal_show_the_card(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(_two_stages()))
    runner = CliRunner()
    result = runner.invoke(app, ["plan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    card = data["plan_card"]
    assert card["header"] == header_text(_card_of(path))
    texts = [line["text"] for line in card["lines"]]
    assert any(t.startswith("visit entries, Deal (in person) ") for t in texts)
    assert card["quotas"][0]["recommended"] == 34
    assert data["role_segments"][0]["segment"] == "deal"  # the new Plan lines in JSON
    shown = runner.invoke(app, ["plan", str(path)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Plan card, design month" in shown.stdout
    assert "Call quota: dials a day at work, per person" in shown.stdout
    # The quota is for the plan's team: its people stand beside it (3 sellers by hand).
    quotas = shown.stdout.partition("Call quota: dials a day at work, per person")[2]
    quota_row = next(r for r in quotas.splitlines() if "34" in r and "│" in r)
    assert quota_row.replace("│", " ").split()[1:5] == ["3", "33.3", "34", "30"], quota_row


def _card_of(path: Path) -> PlanCard:
    sc = load_scenario(path)
    return plan_card(plan(sc), sc)


def test_card_table_holds_plan_lines_and_quotas() -> None:
    sc = scenario(_two_stages())
    frame = plan_card_frame(plan_card(plan(sc), sc))
    assert frame["step"].iloc[0] == "plan"
    quotas = frame[frame["step"] == "quota"]
    assert list(quotas["name"]) == ["today's quota", "recommended quota"]
    assert list(quotas["per_person_day"]) == [30, 34]
    assert frame["text"].str.len().gt(0).sum() >= len(frame) - 1


def test_verify_json_and_store_carry_the_card(tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    args = ["plan", str(ROOT / "scenarios" / "retail_bank.yaml"), "--verify", "--json"]
    args += ["--replications", "3", "--iterations", "2", "--workers", "1"]
    args += ["--store", str(store), "--set", "calendar.horizon_days=65"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 3), result.output
    data = json.loads(result.stdout)
    header = data["plan_card"]["header"]
    # The header keeps the scenario's plan; the margin, if any, is said apart.
    # RUB in English number style by default: its code, a no-break space, CLDR's compact
    # form; the plan shares its decimals with the amount it is sized for ("RUB 30.0M"
    # beside "RUB 39.7M"), "RUB 30M" with no margin.
    assert re.fullmatch(r"plan RUB\xa030(\.0)?M", header.split(";")[0])
    margin = data["plan_card"]["margin"]
    if abs(margin) > 1e-9:
        assert re.search(r"; sized for RUB\xa0\d+\.\dM with a", header)
        assert f"with a {100 * margin:+.0f} % margin for the spread of attainment" in header
    stored = Store(store).load_table(data["run_id"], "plan_card")
    assert stored["step"].iloc[0] == "plan" and stored["text"].iloc[0] == header
    assert len(stored) == 1 + len(data["plan_card"]["lines"]) + 2 * len(data["plan_card"]["quotas"])


def test_dashboard_plan_page_shows_the_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TEAMSIM_STORE", str(tmp_path / "store.duckdb"))
    at = AppTest.from_file(ROOT / "dashboard" / "app.py", default_timeout=180)
    at.session_state["workers"] = 1
    at.run()
    at.switch_page("views/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Plan card" in [s.value for s in at.subheader]
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    card = plan_card(plan(sc), sc)
    assert any(header_text(card) in m.value for m in at.markdown)
    # The card's tables are shown whole (dashboard.ui.text_table), not in a scrolling grid.
    frames = [d.value for d in at.dataframe] + [t.value for t in at.table]
    hows = [f for f in frames if "how" in f.columns]
    assert len(hows) == len(card.roles)
    assert any(str(t).startswith("won deals, Consumer loans ") for t in hows[-1]["how"])
    quotas = next(f for f in frames if {"recommended quota", "why"} <= set(f.columns))
    assert list(quotas["recommended quota"]) == [q.recommended for q in card.quotas]
    assert list(quotas["today's quota"]) == [q.today for q in card.quotas]


def test_card_lines_name_segments_channels_and_stages_in_words() -> None:
    from sim import id_words
    from teamsim.plan_card_view import line_label

    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    card = plan_card(plan(sc), sc)
    labels = [line_label(x) for x in card.lines]
    assert labels and not any("_" in label for label in labels), labels
    # Segments and channels by their titles in the scenario (sim.names.title), stages in words.
    assert "won deals, Consumer loans" in labels
    assert "leads, Website requests" in labels
    assert "meeting entries, Consumer loans (in person)" in labels
    assert not any("consumer loan," in label or label.endswith("consumer loan") for label in labels)
    assert id_words("first_meeting") == "first meeting"
