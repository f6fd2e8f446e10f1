"""Seasonality and gross margin (issue 12, stage S3): fields, checks and their rules.

The factors are by calendar month: a horizon month is mapped to its calendar month by
``Scenario.calendar_month``, so a horizon starting in July takes July's factor first and
January's again after December. Hand-solved cases run on a five-day calendar that starts
on Wednesday 27 January 2027 (working days 0-2 in January, 3-4 on 1 and 2 February).
Both engines play the factors (the simulator from stage S8, plain ``plan`` at its design
month from stage S10), so a file may state them; the rules are tested on unchecked
copies (``model_copy``) too. A neutral seasonality and a stated gross margin change no
result (docs/dev/hiring_plan.md, sections 2.2, 2.3, 3).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from model_helpers import tiny
from typer.testing import CliRunner

from optimizer.economics import channel_economics
from optimizer.rates import rates
from sim.errors import Problem, ScenarioError, dotted
from sim.rules import SeasonKind, day_factors, margin_share
from sim.rules.calls import contacts_per_day, dial_economics, dial_outcomes, released_by
from sim.rules.season import factor, month_factors
from sim.scenario import Scenario, parse_scenario
from sim.scenario.season import Seasonality
from teamsim.cli import app
from tests.optimizer_golden import summary
from tests.scenario_texts import BASE

ROOT = Path(__file__).resolve().parent.parent
TWELVE = [round(0.1 * m, 1) for m in range(1, 13)]  # January 0.1 ... December 1.2
LENGTH = "expected 1 value (every month) or 12 (January to December), got 7 values"


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bad.yaml")
    return info.value.problems


def found(text: str) -> set[tuple[str, str]]:
    return {(dotted(p.path), p.message) for p in problems_of(text)}


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def seasonal(sc: Scenario, **factors: list[float]) -> Scenario:
    """A copy with these factors, unchecked (the gate refuses factors other than 1)."""
    return sc.model_copy(update={"seasonality": Seasonality(**factors)})


def short(holidays: tuple[str, ...] = ()) -> Scenario:
    """Five working days from Wednesday 27 January 2027; a warm pool, referrals, requests."""
    return tiny(
        calendar={"start": "2027-01-27", "horizon_days": 5, "holidays": list(holidays)},
        channels={
            "warm": {"kind": "warm", "pool": 100, "refill_per_month": 50, "connect_rate": 0.3},
            "partners": {"kind": "referral", "leads_per_week": 5},
            "web": {
                "kind": "inbound",
                "requests_per_day": 10,
                "answer_within_min": 60,
                "handle_min": 6,
                "lead_share": 0.5,
            },
        },
        roles={"seller": {"handles_inbound": True}},
        segments={"s": {"channels": ["cold", "warm", "partners", "web"]}},
    )


# --- the fields, through the loader ---------------------------------------------------


def test_seven_factors_are_refused_with_the_plans_words_and_line() -> None:
    text = BASE + "seasonality:\n  lead_volume: [1, 1, 1, 1, 1, 1, 1]\n"
    problems = problems_of(text)
    assert [(dotted(p.path), p.message, p.line) for p in problems] == [
        ("seasonality.lead_volume", LENGTH, line_of(text, "  lead_volume:"))
    ]


@pytest.mark.parametrize("kind", list(SeasonKind))
def test_each_kind_takes_one_value_or_twelve(kind: SeasonKind) -> None:
    assert found(BASE + f"seasonality:\n  {kind.value}: [1, 1, 1, 1, 1, 1, 1]\n") == {
        (f"seasonality.{kind.value}", LENGTH)
    }
    one = parse_scenario(BASE + f"seasonality:\n  {kind.value}: 1\n", "one.yaml")
    twelve = parse_scenario(BASE + f"seasonality:\n  {kind.value}: {[1] * 12}\n", "t.yaml")
    assert one.seasonality is not None and one.seasonality.factors(kind) == [1.0]
    assert twelve.seasonality is not None and twelve.seasonality.factors(kind) == [1.0] * 12
    # The kinds left out are one factor of 1 (every month alike).
    assert all(one.seasonality.factors(k) == [1.0] for k in SeasonKind)


def test_a_factor_must_be_above_zero() -> None:
    assert found(BASE + "seasonality:\n  client_delay: 0\n") == {
        ("seasonality.client_delay", "expected greater than 0, got 0")
    }


def test_connect_rate_times_the_largest_factor_is_capped_at_one() -> None:
    # warm_list connects at 0.3, cold_list at 0.06: December's 3.5 lifts warm_list to 1.05.
    factors = [1.0] * 11 + [3.5]
    text = BASE + f"seasonality:\n  connect_rate: {factors}\n"
    assert found(text) == {
        (
            "seasonality.connect_rate.11",
            "channels.warm_list.connect_rate 0.3 x seasonality.connect_rate (Dec) 3.5 = 1.05 "
            "exceeds 1",
        ),
    }
    every = BASE + "seasonality:\n  connect_rate: 4\n"
    assert (
        "seasonality.connect_rate",
        "channels.warm_list.connect_rate 0.3 x seasonality.connect_rate (every month) 4.0 "
        "= 1.2 exceeds 1",
    ) in found(every)
    # Exactly 1 is a probability still.
    exact = BASE + "seasonality:\n  connect_rate: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3.3333]\n"
    assert parse_scenario(exact, "exact.yaml").seasonality is not None


def test_factors_other_than_one_are_played(tmp_path: Path) -> None:
    text = (
        BASE
        + "seasonality:\n  lead_volume: 1.2\n  client_delay: [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1]\n"
    )
    sc = parse_scenario(text, "summer.yaml")
    assert sc.seasonality is not None
    ok = tmp_path / "summer.yaml"
    ok.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(ok)])
    assert result.exit_code == 0, result.output


def test_gross_margin_is_a_share() -> None:
    needle = "    deal_value: 5000\n"
    ok = parse_scenario(BASE.replace(needle, needle + "    gross_margin: 0.35\n"), "m.yaml")
    assert ok.segments["loan"].gross_margin == 0.35
    assert margin_share(ok, "loan") == 0.35
    assert margin_share(parse_scenario(BASE, "base.yaml"), "loan") == 1.0
    bad = BASE.replace(needle, needle + "    gross_margin: 35\n")
    assert found(bad) == {
        (
            "segments.loan.gross_margin",
            "expected less than or equal to 1, got 35; write 0.35 for 35 %",
        )
    }


# --- the factor rule --------------------------------------------------------------------


def test_factors_follow_the_calendar_month_on_a_horizon_starting_in_july() -> None:
    # 15 July 2027 to 1 February 2028 (144 working days): months 0-6 are Jul ... Jan.
    sc = seasonal(tiny(calendar={"start": "2027-07-15", "horizon_days": 144}), lead_volume=TWELVE)
    assert sc.months[-1] == 7 and sc.month_label(7) == "2028-02"
    assert [factor(sc, SeasonKind.LEAD_VOLUME, m) for m in range(8)] == [
        0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 0.1, 0.2  # Jul ... Dec, then January and February 2028
    ]  # fmt: skip
    assert month_factors(sc, SeasonKind.LEAD_VOLUME)[6] == 0.1
    # The other kinds were left out: 1 every month; no seasonality at all: 1.
    assert month_factors(sc, SeasonKind.CONNECT_RATE) == (1.0,) * 8
    assert factor(tiny(), SeasonKind.CLIENT_DELAY, 0) == 1.0
    # One value is every month's.
    flat = seasonal(sc, client_delay=[1.5])
    assert month_factors(flat, SeasonKind.CLIENT_DELAY) == (1.5,) * 8


def test_day_factors_take_their_days_month() -> None:
    sc = seasonal(short(), connect_rate=[0.5, 2.0] + [1.0] * 10)
    # Wed 27, Thu 28, Fri 29 January; Mon 1, Tue 2 February.
    assert sc.months == (0, 0, 0, 1, 1)
    got = day_factors(sc, SeasonKind.CONNECT_RATE)
    assert got.shape == (5,)
    assert got.tolist() == [0.5, 0.5, 0.5, 2.0, 2.0]
    # A holiday on Friday 29 January moves the horizon's end to Wednesday 3 February.
    holiday = seasonal(short(holidays=("2027-01-29",)), connect_rate=[0.5, 2.0] + [1.0] * 10)
    assert day_factors(holiday, SeasonKind.CONNECT_RATE).tolist() == [0.5, 0.5, 2.0, 2.0, 2.0]
    assert np.array_equal(day_factors(short(), SeasonKind.LEAD_VOLUME), np.ones(5))


# --- the seasonal variants of the call and channel rules ------------------------------


def test_a_dial_in_a_month_connects_at_the_channels_rate_times_its_factor() -> None:
    sc = seasonal(short(), connect_rate=[0.5, 2.0] + [1.0] * 10)
    plain = dial_outcomes(sc, "warm")
    assert plain == dial_outcomes(short(), "warm")
    assert plain.connect == 0.3
    jan, feb = dial_outcomes(sc, "warm", 0), dial_outcomes(sc, "warm", 1)
    assert jan.connect == pytest.approx(0.15) and feb.connect == pytest.approx(0.6)
    # Only the connect moves: what a conversation brings does not.
    assert (jan.conversation, jan.lead, jan.follow_up) == (
        plain.conversation,
        plain.lead,
        plain.follow_up,
    )
    # tiny: every connect is a conversation, every conversation a lead.
    assert dial_economics(sc, "warm", 1).leads == pytest.approx(0.6)
    assert dial_economics(sc, "warm").leads == pytest.approx(0.3)


def test_a_pools_seasonal_refill_and_its_release_by_month() -> None:
    # Pool 100, one refill of 50 on 1 February at factor 2: 200 contacts over 5 days.
    sc = seasonal(short(), lead_volume=[1.0, 2.0] + [1.0] * 10)
    released = [released_by(sc, "warm", d) for d in range(5)]
    # 40 a day, but by Friday only the 100 of the pool have come.
    assert released == pytest.approx([40, 80, 100, 160, 200])
    assert contacts_per_day(sc, "warm") == pytest.approx(40)
    assert contacts_per_day(sc, "warm", 0) == pytest.approx(100 / 3)
    assert contacts_per_day(sc, "warm", 1) == pytest.approx(50)
    # Without seasonality: 150 at 30 a day, in each month alike.
    plain = short()
    assert [released_by(plain, "warm", d) for d in range(5)] == [30, 60, 90, 120, 150]
    assert [contacts_per_day(plain, "warm", m) for m in (None, 0, 1)] == pytest.approx([30] * 3)
    assert contacts_per_day(plain, "cold", 1) is None
    with pytest.raises(ValueError, match=r"expected a month of the horizon, 0\.\.1, got 2"):
        contacts_per_day(plain, "warm", 2)


def test_channel_economics_of_a_month_scale_volumes_and_connects() -> None:
    base = short()
    sc = seasonal(base, lead_volume=[1.0, 2.0] + [1.0] * 10, connect_rate=[0.5] + [1.0] * 11)
    r = rates(base)
    # No month: no factor, but the pool's total counts its seasonal refill (100 + 2 x 50).
    plain, average = channel_economics(base), channel_economics(sc)
    assert average["warm"].contacts_per_day == pytest.approx(40)
    assert {**average, "warm": plain["warm"]} == plain
    jan, feb = channel_economics(sc, 0), channel_economics(sc, 1)
    per_week = r.days_per_week
    assert feb["partners"].fixed_leads_per_day == pytest.approx(2 * 5 / per_week)
    assert jan["partners"].fixed_leads_per_day == pytest.approx(5 / per_week)
    assert (jan["web"].requests_per_day, feb["web"].requests_per_day) == (10, 20)
    assert jan["warm"].connects_per_dial == pytest.approx(0.15)
    assert feb["warm"].connects_per_dial == pytest.approx(0.3)
    assert feb["warm"].contacts_per_day == pytest.approx(50)


# --- no result moves --------------------------------------------------------------------


def test_a_neutral_seasonality_and_a_gross_margin_change_no_plan(tmp_path: Path) -> None:
    source = ROOT / "scenarios" / "retail_bank.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["seasonality"] = {"lead_volume": [1] * 12, "connect_rate": 1, "client_delay": 1}
    for seg in data["segments"].values():
        seg["gross_margin"] = 0.4
    path = tmp_path / "retail_bank.yaml"  # the same name: the summary prints it
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert json.dumps(summary(path), sort_keys=True) == json.dumps(summary(source), sort_keys=True)
