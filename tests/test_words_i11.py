"""Issue 11, last items: one percent rule, one interval style, no sign on a zero, titles.

A share is written by ``sim.percent`` wherever it is shown ("83.3 %", "+19 %", "62.1 % to
93.9 %"); money that rounds to zero carries no sign; the plan card and the desk's header
name segments and channels by their titles (``sim.names.title``), not their ids.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from optimizer import plan, plan_card
from sim import (
    format_chance,
    format_money,
    format_percent,
    format_percent_range,
    title,
)
from sim.scenario import Scenario
from teamsim.format import expected_outcome, fmt_margin, fmt_points, fmt_value
from teamsim.io import load_scenario
from teamsim.plan_card_view import line_label, line_text, plan_card_frame, plan_card_json
from teamsim.verify_view import render_verified_tables

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "optimizer", "calibrate", "teamsim", "dashboard")


def test_a_share_is_written_one_way() -> None:
    assert format_percent(0.833) == "83.3 %"
    assert format_percent(1.0) == "100.0 %"
    assert format_percent(0.19, digits=0, signed=True) == "+19 %"
    assert format_percent(-0.19, digits=0, signed=True) == "-19 %"
    # Three significant digits, for a rate a head divides by hand.
    assert [format_percent(x, significant=3) for x in (0.325, 0.0964, 0.59, 1.0)] == [
        "32.5 %",
        "9.64 %",
        "59 %",
        "100 %",
    ]
    assert format_percent(None) == format_percent(float("nan")) == "-"


@pytest.mark.parametrize("share", [0.0, 0.004, -0.004, 1e-12, -1e-12])
def test_a_share_that_rounds_to_zero_has_no_sign(share: float) -> None:
    assert format_percent(share, digits=0, signed=True) == "0 %"
    assert format_percent(share / 10, signed=True) == "0.0 %"
    assert fmt_value(share / 10, "share", "", signed=True) == "0.0 %"


def test_an_interval_and_a_chance_read_one_way() -> None:
    assert format_percent_range(0.621, 0.939) == "62.1 % to 93.9 %"
    assert format_chance(0.833, 0.621, 0.939) == "83.3 % (95 % interval 62.1 % to 93.9 %)"
    assert format_chance(0.833, 0.621, 0.939, labelled=False) == "83.3 % (62.1 % to 93.9 %)"
    assert fmt_margin(1.19) == "+19 %"
    assert fmt_margin(1.0) == "0 %"  # no margin has no sign


@pytest.mark.parametrize("value", [0.3, -0.3, 0.5, -0.5, 1e-9, -1e-9, 0.0])
def test_money_that_rounds_to_zero_has_no_sign(value: float) -> None:
    assert format_money(value, "RUB", signed=True) == "RUB\xa00"
    assert format_money(value, "EUR", signed=True) == "€0"
    assert fmt_value(value, "currency", "RUB", signed=True) == "RUB\xa00"


@pytest.mark.parametrize("value", [0.0004, -0.0004, 0.0])
def test_teamsims_signed_helpers_give_a_zero_no_sign(value: float) -> None:
    assert fmt_value(value, "count", "", signed=True) == "0.0"
    assert fmt_value(value, "min", "", signed=True) == "0.0 min"
    assert fmt_points(value, signed=True) == "0.0 pp"
    assert fmt_value(0.3, "count", "", signed=True) == "+0.3"


def test_money_that_does_not_round_to_zero_keeps_its_sign() -> None:
    assert format_money(0.6, "RUB", signed=True) == "+RUB\xa01"
    assert format_money(-0.6, "RUB", signed=True) == "-RUB\xa01"
    assert format_money(1500, "EUR", signed=True) == "+€1.5K"
    assert format_money(-1500, "EUR", signed=True) == "-€1.5K"
    assert format_money(0.6, "RUB") == "RUB\xa01"  # unsigned: no "+"


def _copies(pattern: str) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "percent.py":
                continue  # the rule itself
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(pattern, line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_copy_of_the_percent_rule_is_left() -> None:
    # Python's "%" format ("83%", no space) and hand-made "{100 * x:.1f} %".
    assert _copies(r"\{[^{}]*:[+]?,?\.\d%\}") == []
    assert _copies(r"\{-?100(\.0)? \* [^{}]*:[+]?\.\d[fg]\} ?%") == []
    assert _copies(r"\{[^{}]* \* 100:\.\d[fg]\} ?%") == []


def _text(renderable: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(renderable)
    return buffer.getvalue()


def test_the_verify_view_writes_one_percent_and_one_interval_style() -> None:
    sc = load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")
    iterations = pd.DataFrame(
        [
            {
                "iteration": i,
                "headcount_middle": 1,
                "headcount_lower": 2,
                "headcount_line": 11,
                "cost_per_month": 132_000.0,
                "plan_factor": factor,
                "capacity_factor": "sdr 1.00",
                "days_held": "sdr 1.03",
                "attainment": 1.03 * factor,
                "expected_attainment": factor,
                "service_level": float("nan"),
                "expected_service_level": float("nan"),
                "p_plan_met": p,
                "p_low": low,
                "p_high": high,
                "change": change,
            }
            for i, factor, p, low, high, change in (
                (1, 1.0, 0.5, 0.299, 0.701, "margin +16 % for the attainment spread"),
                (2, 1.19, 0.86, 0.651, 0.953, ""),
            )
        ]
    )
    reason = "P(plan met) 86.0 % (95 % interval 65.1 % to 95.3 %) reaches the 80.0 % asked for"
    text = _text(
        render_verified_tables(
            sc, met=True, reason=reason, iterations=iterations, quotas=pd.DataFrame()
        )
    )
    assert "50.0 % (29.9 % to 70.1 %)" in text
    assert "86.0 % (65.1 % to 95.3 %)" in text
    assert "P(plan met) (95 % interval)" in text
    assert re.search(r"│ +0 % │", text) and re.search(r"│ +\+19 % │", text)
    # No "[a-b]" interval, no percent glued to its figure ("+19%").
    assert not re.search(r"\[\d", text), text
    assert not re.search(r"\d%", text), text


def test_the_verify_loops_reason_reads_the_percent_rule() -> None:
    from optimizer.loop import _margin

    assert _margin(1.19) == "+19 %" and _margin(1.0) == "0 %"


def test_plan_card_rows_and_hows_name_segments_and_channels_by_title() -> None:
    sc = load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")
    card = plan_card(plan(sc, marginals=False), sc)
    labels = {line_label(x) for x in card.lines}
    new, core = sc.segments["smb_new_business"].title, sc.segments["smb_core"].title
    assert (new, core) == ("New SMB clients", "SMB core deals")
    assert {f"won deals, {new}", f"deals entering, {core}", "leads, Marketing leads"} <= labels
    assert f"onsite demo entries, {core} (in person)" in labels
    hows = {line_text(x, card.currency, card.locale) for x in card.lines}
    assert any(
        f"= revenue {core} $" in h and f"+ revenue {sc.segments['smb_expansion'].title} $" in h
        for h in hows
    )
    assert any(h.startswith("leads ") and f"= deals entering {new} " in h for h in hows)
    assert any(h.startswith("dials ") and "= dials Marketing leads " in h for h in hows)
    # No id in words anywhere a head reads: not in labels, hows, JSON texts or the
    # stored table's texts; the ids stay in the id columns.
    words = ("smb new business", "smb core", "marketing leads", "smb expansion")
    frame = plan_card_frame(card)
    data = plan_card_json(card)
    read = [*labels, *hows, *frame["text"], *(row["text"] for row in data["lines"])]
    assert not [t for t in read if any(w in t for w in words)]
    assert "smb_core" in set(frame["segment"]) and "marketing_leads" in set(frame["channel"])
    assert {row["segment"] for row in data["lines"]} >= {"smb_core", "smb_new_business"}


def test_the_desks_header_names_its_channel_by_title() -> None:
    sc = load_scenario(ROOT / "scenarios" / "support_desk.yaml")
    desk = plan(sc, marginals=False)
    channel = sc.channels["support_requests"].model_copy(update={"title": "Help line"})
    renamed: Scenario = sc.model_copy(
        update={"channels": {**sc.channels, "support_requests": channel}}
    )
    assert expected_outcome(desk, scenario=renamed).startswith(
        "no sales plan; service targets: Help line 80.0 % within 20 s, expected "
    )
    assert title("support_requests", sc) == "Support requests"
