"""The simulator plays seasonality (issue 12, stage S8; docs/dev/hiring_plan.md, section 4.7).

Arrivals come at per-day rates (the day's ``lead_volume`` factor), dials are drawn
against the outcome thresholds of their day's month (``connect_rate``), a stage's client
delay is multiplied by the factor of the month the stage starts in (``client_delay``),
and a warm pool's seasonal refills are released as ``sim.rules.calls.released_by`` says.
Every factor is read from the one rule, ``sim.rules.season``. With every factor 1 the
simulator draws exactly what it drew before.

The cases are the tiny scenario of ``model_helpers`` moved to a horizon that starts on
Tuesday 1 June 2027 (Monday to Friday: 22 working days in each of June, July and August
2027), with the factors set on the typed model (the file gate refused factors other than
1 until the optimiser played them too, stage S10). Counts are of seeded runs; each
tolerance is four standard deviations of the count's sampling law, stated next to it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from hashlib import sha256
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from model_helpers import tiny
from pandas.util import hash_pandas_object

from optimizer.economics import channel_economics
from sim import SimResult, simulate
from sim.model import RunRecords, run_replication
from sim.model.calls import make_dialer
from sim.model.clock import Clock
from sim.model.inbound import arrival_times
from sim.model.people import build_people
from sim.rules.calls import dial_outcomes, released_by
from sim.rules.day import DAY_MIN, arrival_min_per_day, day_starts
from sim.rules.season import SeasonKind, factor
from sim.scenario import Scenario, parse_scenario
from sim.scenario.season import Seasonality

ROOT = Path(__file__).resolve().parent.parent
NO_ABSENCE = {"vacation_days": 0, "sick_days": 0, "trip_days": 0}
JUNE, JULY, AUGUST = 0, 1, 2  # months of the horizon
SUMMER = {"start": "2027-06-01", "horizon_days": 66}  # June, July and August 2027
SEED = 20270601


def july(value: float) -> list[float]:
    """Twelve factors, January to December: ``value`` in July, 1 in every other month."""
    return [value if month == 7 else 1.0 for month in range(1, 13)]


def seasonal(sc: Scenario, **factors: list[float]) -> Scenario:
    """A copy with these factors, unchecked (the file gate refuses factors other than 1)."""
    return sc.model_copy(update={"seasonality": Seasonality(**factors)})


def month_of(sc: Scenario, t: float) -> int:
    """The month of the horizon of the working day begun last at wall minute ``t``."""
    return sc.months[bisect_right(day_starts(sc), t) - 1]


def days_in(sc: Scenario, month: int) -> int:
    return sc.months.count(month)


# --- with every factor 1, nothing changes ------------------------------------------------


def test_daily_rates_all_equal_draw_what_a_constant_rate_draws() -> None:
    # The draws of the code before stage S8: one Poisson count a day at a constant rate.
    sc = tiny(calendar=SUMMER)
    clock, minutes = Clock.of(sc), arrival_min_per_day(sc)
    for rate in (0.3, 4.0, 25.0):  # below and above numpy's switch of Poisson method
        old = np.random.default_rng(SEED)
        counts = old.poisson(rate, clock.days)
        offsets = old.uniform(0.0, minutes, int(counts.sum()))
        starts = np.asarray(clock.starts)[np.repeat(np.arange(clock.days), counts)]
        before = np.sort(starts + offsets + np.where(offsets >= clock.half, clock.pause, 0.0))
        now = arrival_times(clock, np.random.default_rng(SEED), np.full(clock.days, rate), minutes)
        assert now.tobytes() == before.tobytes()


def test_a_neutral_seasonality_gives_every_month_the_unseasonal_dial_thresholds() -> None:
    sc = seasonal(tiny(calendar=SUMMER, channels={"cold": {"connect_rate": 0.35}}))
    (seller,) = build_people(sc, SEED, 0)
    dialer = make_dialer(sc, seller, SEED, 0)
    assert dialer is not None
    assert dialer.thresholds.shape == (3, 1, 4)  # June, July, August; one channel
    plain = dial_outcomes(sc, "cold").thresholds()
    assert all(row == [plain] for row in dialer.thresholds.tolist())


def _digest(result: SimResult) -> dict[str, tuple[list[str], str]]:
    """Every table's columns and a hash of its rows, index and order included."""
    return {
        name: (list(df.columns), sha256(hash_pandas_object(df, index=True).to_numpy()).hexdigest())
        for name, df in result.tables().items()
    }


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["block", "per_call"])
@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_scenarios_with_factors_of_one_give_identical_frames(path: Path, mode: str) -> None:
    # The same frames, table by table, as the scenario without seasonality (which draws
    # what the simulator drew before stage S8: the 170 tables of these runs hash alike
    # before and after it, docs/dev/hiring_plan.md, section 10, row S8).
    sc = parse_scenario(
        path.read_bytes(), str(path), ["calendar.horizon_days=45", "calendar.warmup_days=0"]
    )
    ones = [1.0] * 12
    neutral = seasonal(sc, lead_volume=ones, connect_rate=ones, client_delay=ones)
    # One replication over 45 days (a month's turn included): the draws of one replication
    # are what a second one repeats on other streams, so a second adds run time, not cover.
    plain = simulate(sc, 1, seed=SEED, workers=1, mode=mode)
    assert _digest(simulate(neutral, 1, seed=SEED, workers=1, mode=mode)) == _digest(plain)


# --- lead volume --------------------------------------------------------------------------


def desk(**update: Any) -> Scenario:
    """Two sellers answering 40 requests a working day (2 minutes each), and dialling."""
    base: dict[str, Any] = {
        "calendar": SUMMER,
        "roles": {"seller": {"headcount": 2, "handles_inbound": True, "absence": NO_ABSENCE}},
        "channels": {
            "web": {
                "kind": "inbound",
                "requests_per_day": 40,
                "answer_within_min": 60,
                "handle_min": 2,
                "lead_share": 0.0,
            }
        },
    }
    return tiny(**_deep(base, update))


def _deep(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in update.items():
        old = out.get(key)
        out[key] = _deep(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return out


def requests_by_month(sc: Scenario, rec: RunRecords) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    for w in rec.waits:
        if w.kind == "inbound":
            out.setdefault(month_of(sc, w.arrived_min), []).append(w.arrived_min)
    return {m: sorted(times) for m, times in out.items()}


def test_half_the_lead_volume_in_july_halves_july_requests_and_keeps_june() -> None:
    sc = desk()
    half = seasonal(sc, lead_volume=july(0.5))
    plain = requests_by_month(sc, run_replication(sc, 0, SEED))
    summer = requests_by_month(half, run_replication(half, 0, SEED))
    # A day's count is drawn in day order, so June's are the very same; the times within
    # the days come after every count (July's take other draws), so they are others.
    assert len(summer[JUNE]) == len(plain[JUNE])
    assert summer[JUNE] != plain[JUNE]
    for month, f in ((JULY, 0.5), (AUGUST, 1.0)):
        assert factor(half, SeasonKind.LEAD_VOLUME, month) == f
        expected = 40 * f * days_in(sc, month)  # Poisson: variance = mean
        assert abs(len(summer[month]) - expected) <= 4 * math.sqrt(expected)
    # 440 expected in July (sd 21) against 880 without the factor (sd 30).
    assert len(summer[JULY]) < 0.65 * len(plain[JULY])


def test_leads_by_month_are_the_optimisers_expectation() -> None:
    # Referral leads and inbound requests by month, summed over replications, against
    # what the optimiser's channel economics expect of the month (sim.rules.season).
    volume = [round(0.25 * m, 2) for m in range(1, 13)]  # June 1.5, July 1.75, Aug 2.0
    sc = desk(
        channels={
            "web": {"requests_per_day": 6},
            "partners": {"kind": "referral", "leads_per_week": 20},
        },
        segments={"s": {"channels": ["cold", "partners"]}},
    )
    sc = seasonal(sc, lead_volume=volume)
    reps = 4
    leads: Counter[int] = Counter()
    requests: Counter[int] = Counter()
    for r in range(reps):
        rec = run_replication(sc, r, SEED)
        leads.update(month_of(sc, d.created_min) for d in rec.deals if d.channel == "partners")
        requests.update({m: len(t) for m, t in requests_by_month(sc, rec).items()})
    for month in (JUNE, JULY, AUGUST):
        economics = channel_economics(sc, month)
        days = days_in(sc, month) * reps
        for counted, expected in (
            (leads[month], economics["partners"].fixed_leads_per_day * days),
            (requests[month], economics["web"].requests_per_day * days),
        ):
            assert abs(counted - expected) <= 4 * math.sqrt(expected)  # Poisson
    august = channel_economics(sc, AUGUST)["partners"].fixed_leads_per_day
    assert august == pytest.approx(20 / 5 * 2.0, rel=1e-12)


def test_a_warm_pool_releases_its_seasonal_refills() -> None:
    # Pool 0, 220 contacts a month from July (110 in July at half the volume), every dial
    # answered, 60 dials a day: the seller never reaches more than the contacts released
    # by the day's end (sim.rules.calls.released_by; one caller, whole contacts), and has
    # reached them all by the end of each month (a refill takes two days to dial).
    sc = tiny(
        calendar=SUMMER,
        roles={"seller": {"absence": NO_ABSENCE}},
        channels={"warm": {"kind": "warm", "pool": 0, "refill_per_month": 220, "connect_rate": 1}},
        calls={"lead_given_conversation": 0.0},
        segments={"s": {"channels": ["warm", "cold"]}},
        policies={"call_quota_per_day": 60},
    )
    sc = seasonal(sc, lead_volume=july(0.5))
    rec = run_replication(sc, 0, SEED)
    reached = Counter({r.day: r.connects for r in rec.calls if r.channel == "warm"})
    total, by_month = 0, {}
    for day in range(sc.calendar.horizon_days):
        total += reached[day]
        released = math.floor(released_by(sc, "warm", day) + 1e-9)
        assert total <= released
        by_month[sc.months[day]] = (total, released)
    assert by_month == {JUNE: (0, 0), JULY: (110, 110), AUGUST: (330, 330)}


# --- connect rate -------------------------------------------------------------------------


def dialling() -> Scenario:
    """Two sellers dialling 50 a day at a connect rate of 0.4; conversations book nothing."""
    return tiny(
        calendar=SUMMER,
        roles={"seller": {"headcount": 2, "absence": NO_ABSENCE}},
        channels={"cold": {"connect_rate": 0.4}},
        calls={"lead_given_conversation": 0.0},
        policies={"call_quota_per_day": 50},
    )


def test_a_connect_factor_changes_the_connect_share_of_its_month_only() -> None:
    sc = dialling()
    half = seasonal(sc, connect_rate=july(0.5))
    plain, summer = run_replication(sc, 0, SEED), run_replication(half, 0, SEED)
    june = [r for r in summer.calls if sc.months[r.day] == JUNE]
    assert june == [r for r in plain.calls if sc.months[r.day] == JUNE]  # the same dials
    for month in (JULY, AUGUST):
        rows = [r for r in summer.calls if sc.months[r.day] == month]
        dials = sum(r.dials for r in rows)
        assert dials == 2 * 50 * days_in(sc, month)
        p = dial_outcomes(half, "cold", month).connect  # 0.2 in July, 0.4 in August
        assert p == (0.2 if month == JULY else 0.4)
        share = sum(r.connects for r in rows) / dials
        assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / dials)  # binomial, 2,200 dials


# --- client delays ------------------------------------------------------------------------

WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def referred() -> Scenario:
    """Five referral leads a day on every day of the week, June to September 2027.

    One stage of a minute's work after the client's delay (2 to 20 days, most often 8;
    mean 10), always won; nobody dials, so the seller starts each stage when it is due.
    """
    return tiny(
        calendar={"start": "2027-06-01", "horizon_days": 122, "weekdays": WEEK},
        roles={"seller": {"absence": NO_ABSENCE}},
        channels={"partners": {"kind": "referral", "leads_per_week": 35}},
        policies={"call_quota_per_day": 0},
        segments={
            "s": {
                "channels": ["cold", "partners"],
                "stages": [
                    {
                        "name": "close",
                        "work_min": 1,
                        "convert": 1.0,
                        "client_delay_days": {
                            "kind": "triangular",
                            "low": 2,
                            "mode": 8,
                            "high": 20,
                        },
                    }
                ],
            }
        },
    )


def test_a_client_delay_factor_of_two_doubles_the_delays_of_its_month() -> None:
    sc = referred()
    slow = seasonal(sc, client_delay=july(2.0))
    plain, summer = run_replication(sc, 0, SEED), run_replication(slow, 0, SEED)
    # Each deal draws its delay from its own stream, so deal k is the same lead with the
    # same delay draw in both runs; its stage starts in the month it was created in.
    before = {d.deal: d for d in plain.deals}
    days: dict[int, list[tuple[float, float]]] = {JUNE: [], JULY: [], AUGUST: []}
    for d in summer.deals:
        b = before[d.deal]
        assert d.created_min == b.created_min
        month = month_of(sc, d.created_min)
        if month in days:  # closed by the end of September, 40 days at most after August
            assert (d.outcome, b.outcome) == ("won", "won")
            days[month].append(((b.closed_min - b.created_min), (d.closed_min - d.created_min)))
    # A stage is worked at the first working minute once the delay has passed: up to the
    # night (24 h less the 9 h span) late, plus the minute's work and the lunch pause.
    late = DAY_MIN - sc.calendar.workday.span_min + 1 + 60 + 30
    for month, pairs in days.items():
        assert len(pairs) > 100  # about 5 x 30
        for was, now in pairs:
            if month == JULY:
                assert abs(now - 2 * was) <= 2 * late
            elif month == JUNE:
                assert now == was  # nothing before July changed
            else:
                # The same delay; the seller works stages due at the same minute (after
                # a night, at 09:00) in turn, and some July stages now fall in August.
                assert abs(now - was) <= 10
    # The mean against the closed form: twice the triangular mean of 10 days, within 4 SE
    # of the July sample (sd of the law sqrt(252 / 18) days, doubled) and the lateness.
    july_days = np.array([now for _, now in days[JULY]]) / DAY_MIN
    se = 2 * math.sqrt(252 / 18) / math.sqrt(len(july_days))
    assert -4 * se <= july_days.mean() - 20.0 <= 4 * se + late / DAY_MIN
