"""Arrival profiles by interval of the day and by weekday (issue 13, stage S4).

docs/dev/inbound_plan.md, sections 2.2 and 3: ``sim/rules/profile.py`` is the one home
of the interval grid, the arrival weights, the inverse-CDF arrival offsets, the weekday
factors and the expected rate of an interval; the simulator draws by them and
``interval_rate`` is their expectation. With no profile the simulator draws exactly what
it drew before. Counts are of seeded runs; each tolerance is four standard deviations of
the count's sampling law (Poisson: variance = mean), stated next to it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from hashlib import sha256
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from model_helpers import tiny
from pandas.util import hash_pandas_object

from sim import SimResult, simulate
from sim.errors import ScenarioError
from sim.model import RunRecords, run_replication
from sim.rules import profile
from sim.rules.day import arrival_min_per_day, day_starts, desk_open_all_day, wall_time
from sim.rules.season import SeasonKind
from sim.rules.season import day_factors as season_day_factors
from sim.scenario import Scenario, parse_scenario
from sim.scenario.calendar import Weekday
from sim.scenario.season import Seasonality

ROOT = Path(__file__).resolve().parent.parent
SEED = 20270104
NO_ABSENCE = {"vacation_days": 0, "sick_days": 0, "trip_days": 0}
OPEN_DAY = {"start": "09:00", "hours": 8, "lunch_min": 0, "breaks_min": 0}
# Sixteen half-hours of 09:00-17:00: a morning peak, a lunchtime dip, an afternoon bump.
PEAK = [2, 4, 7, 9, 9, 7, 5, 3, 3, 5, 6, 6, 5, 4, 3, 2]


def desk(
    profile_: dict[str, Any] | None = None,
    *,
    workday: dict[str, Any] | None = None,
    per_day: float = 200,
    horizon: int = 60,
) -> Scenario:
    """Two sellers answering ``per_day`` requests of 1 minute on an open day, Monday first.

    The tiny scenario's sellers dial a cold channel that never connects; the requests'
    target is an hour, so every one is answered and recorded.
    """
    web: dict[str, Any] = {
        "kind": "inbound",
        "requests_per_day": per_day,
        "answer_within_min": 60,
        "handle_min": 1,
        "lead_share": 0.0,
    }
    if profile_ is not None:
        web["profile"] = profile_
    return tiny(
        calendar={"horizon_days": horizon, "workday": workday or OPEN_DAY},
        roles={"seller": {"headcount": 2, "handles_inbound": True, "absence": NO_ABSENCE}},
        channels={"web": web},
    )


def arrivals(rec: RunRecords) -> list[float]:
    return sorted(w.arrived_min for w in rec.waits if w.kind == "inbound")


# --- the inverse CDF, by hand --------------------------------------------------------------


def three(weights: list[float], hours: float) -> Scenario:
    """Three 30-minute intervals (the last one cut when the day is shorter than 90 min)."""
    day = {"start": "09:00", "hours": hours, "lunch_min": 0, "breaks_min": 0}
    return desk({"interval_min": 30, "weights": weights}, workday=day)


def test_the_inverse_cdf_of_a_three_interval_profile_by_hand() -> None:
    # Weights 1, 0, 3 over 0-30, 30-60, 60-90: distribution function 0, 1/4, 1/4, 1 at
    # the edges. A uniform u on [0, 90) is the share u/90: 9 -> 0.1 -> 0.4 of the way
    # through the first interval, 12 minutes; 22.5 -> 1/4 -> past the empty interval,
    # the third's start, 60; 45 -> 1/2 -> a third through the third, 70; 89.1 -> 0.99
    # -> 60 + 30 x 0.74 / 0.75 = 89.6; 0 -> 0.
    sc = three([1, 0, 3], 1.5)
    assert arrival_min_per_day(sc) == 90.0
    assert [(g.lo_min, g.hi_min) for g in profile.intervals(sc, "web")] == [
        (0.0, 30.0),
        (30.0, 60.0),
        (60.0, 90.0),
    ]
    got = profile.arrival_offsets(sc, "web", [0.0, 9.0, 22.5, 45.0, 89.1])
    assert got.tolist() == pytest.approx([0.0, 12.0, 60.0, 70.0, 60 + 30 * 0.74 / 0.75], abs=1e-12)
    # Nothing in the empty interval, whatever the draws.
    u = np.random.default_rng(SEED).uniform(0.0, 90.0, 10_000)
    offsets = profile.arrival_offsets(sc, "web", u)
    assert not ((offsets > 30.0) & (offsets < 60.0)).any()
    assert offsets.min() >= 0.0 and offsets.max() < 90.0


def test_a_shorter_last_interval_takes_its_weight_over_its_own_minutes() -> None:
    # 75 minutes: 0-30, 30-60, 60-75 with weights 1, 1, 2 (shares 1/4, 1/4, 1/2). The last
    # interval's half of the requests arrive in its 15 minutes: 4 x the others' density.
    # u = 18.75, 37.5, 56.25 are the shares 1/4, 1/2, 3/4: 30, 60 and half-way through
    # the last, 67.5; u = 74 is 74/75, (74/75 - 1/2) / (1/2) = 0.97333 of 15 after 60.
    sc = three([1, 1, 2], 1.25)
    grid = profile.intervals(sc, "web")
    assert [g.minutes for g in grid] == [30.0, 30.0, 15.0]
    got = profile.arrival_offsets(sc, "web", [18.75, 37.5, 56.25, 74.0])
    assert got.tolist() == pytest.approx(
        [30.0, 60.0, 67.5, 60 + 15 * (74 / 75 - 0.5) / 0.5], abs=1e-12
    )
    # Requests a minute: 200 a day x 1/4 / 30 and x 1/2 / 15.
    assert profile.interval_rate(sc, "web", grid[0]) == pytest.approx(200 / 4 / 30, rel=1e-12)
    assert profile.interval_rate(sc, "web", grid[2]) == pytest.approx(200 / 2 / 15, rel=1e-12)
    assert profile.peak_interval(sc, "web") == grid[2]
    assert profile.interval_title(sc, grid[2]) == "10:00-10:15"


def test_even_weights_give_the_uniform_draws_back() -> None:
    sc = desk({"weights": [1] * 16})
    u = np.random.default_rng(SEED).uniform(0.0, 480.0, 10_000)
    assert np.abs(profile.arrival_offsets(sc, "web", u) - u).max() < 1e-9


def test_the_offsets_are_the_inverse_of_the_profiles_distribution_function() -> None:
    # For weights with empty intervals anywhere (first, middle, last): the offsets rise
    # with u, stay in the day, and the share of u below each edge's offset is the
    # distribution function there (the weights' running sum).
    rng = np.random.default_rng(SEED)
    for _ in range(20):
        w = rng.integers(0, 4, 16).astype(float)
        w[rng.integers(0, 16)] += 1.0  # at least one above 0
        sc = desk({"weights": w.tolist()})
        u = np.sort(rng.uniform(0.0, 480.0, 2_000))
        got = profile.arrival_offsets(sc, "web", u)
        assert (np.diff(got) >= 0).all() and got.min() >= 0.0 and got.max() <= 480.0
        cum = np.cumsum(w) / w.sum()
        for i, g in enumerate(profile.intervals(sc, "web")):
            inside = (got >= g.lo_min) & (got < g.hi_min)
            if w[i] == 0:
                assert not inside.any()
            # The draws mapped below the interval's end are those with u / 480 below cum.
            below = got < g.hi_min
            assert (below == (u / 480.0 < cum[i])).all()


# --- the rules: grid, weights, weekday factors, rates ----------------------------------------


def test_the_grid_with_no_profile_is_half_hours_over_the_day() -> None:
    day = {"start": "09:00", "hours": 8, "lunch_min": 30, "breaks_min": 30}
    plain = desk(workday=day, per_day=600)
    grid = profile.intervals(plain, "web")
    assert len(grid) == 17 and grid[-1] == profile.Interval(16, 480.0, 510.0)
    assert profile.intervals(desk({"interval_min": 15}), "web")[-1].hi_min == 480.0
    assert len(profile.intervals(desk({"interval_min": 60}), "web")) == 8
    # Even weights are each interval's share of the day's minutes.
    assert profile.weights(plain, "web").tolist() == pytest.approx([1 / 17] * 17)
    # No profile: the rate whenever requests arrive, 600 over the 510 open minutes (the
    # desk's default rota); pausing together, over the 450 working minutes.
    assert profile.interval_rate(plain, "web", grid[0]) == pytest.approx(600 / 510, rel=1e-12)
    together = desk(workday={**day, "pause_rule": "together"}, per_day=600)
    assert profile.interval_rate(together, "web", grid[0]) == pytest.approx(600 / 450, rel=1e-12)
    assert not profile.shaped(plain, "web")


def test_weekday_factors_have_mean_one_over_the_working_week() -> None:
    sc = desk({"by_weekday": {"mon": 1.3, "fri": 0.8}})
    factors = profile.weekday_factors(sc, "web")
    mean = (1.3 + 0.8 + 3) / 5
    assert factors == pytest.approx(
        {
            Weekday.MON: 1.3 / mean,
            Weekday.TUE: 1 / mean,
            Weekday.WED: 1 / mean,
            Weekday.THU: 1 / mean,
            Weekday.FRI: 0.8 / mean,
        }
    )
    assert sum(factors.values()) / 5 == pytest.approx(1.0, rel=1e-12)
    assert profile.weekday_factor(sc, "web", Weekday.MON) == pytest.approx(1.3 / mean)
    # A month's seasonal factor too: half the requests in February (month 1 of a January
    # start), so half the rate in every interval.
    halved = sc.model_copy(update={"seasonality": Seasonality(lead_volume=[1.0, 0.5] + [1.0] * 10)})
    grid = profile.intervals(sc, "web")
    assert profile.interval_rate(halved, "web", grid[0], Weekday.MON, month=1) == pytest.approx(
        0.5 * profile.interval_rate(sc, "web", grid[0], Weekday.MON), rel=1e-12
    )
    with pytest.raises(ValueError, match="sat is not a working day"):
        profile.weekday_factor(sc, "web", Weekday.SAT)
    # Monday's peak interval: the day's rate x Monday x the interval's share / 30 min.
    peaked = desk({"weights": PEAK, "by_weekday": {"mon": 1.3, "fri": 0.8}})
    peak = profile.peak_interval(peaked, "web")
    assert peak.index == 3  # the first 9 of PEAK
    expected = 200 * 1.3 / mean * 9 / sum(PEAK) / 30
    assert profile.interval_rate(peaked, "web", peak, Weekday.MON) == pytest.approx(expected)


def test_day_factors_are_the_seasons_times_the_weekdays() -> None:
    # The horizon starts on Monday 11 January 2027: day d is weekday d mod 5.
    sc = desk({"by_weekday": {"mon": 2.0}}, horizon=30)
    volume = [1.0, 0.5] + [1.0] * 10  # February at half
    sc = sc.model_copy(update={"seasonality": Seasonality(lead_volume=volume)})
    season = season_day_factors(sc, SeasonKind.LEAD_VOLUME)
    assert set(season.tolist()) == {1.0, 0.5}
    monday, other = 2.0 / 1.2, 1.0 / 1.2
    expected = season * np.array([monday if d % 5 == 0 else other for d in range(30)])
    assert profile.day_factors(sc, "web").tolist() == pytest.approx(expected.tolist(), rel=1e-12)
    # No weekday factors: the season's array itself.
    plain = desk({"weights": PEAK})
    assert (
        profile.day_factors(plain, "web").tolist()
        == season_day_factors(plain, SeasonKind.LEAD_VOLUME).tolist()
    )


def test_day_factors_follow_the_dates_weekday_across_holidays() -> None:
    # A holiday on Tuesday 12 January: working day 1 is the Wednesday, day 5 the Monday.
    sc = desk({"by_weekday": {"mon": 2.0, "wed": 0.5}}, horizon=10)
    sc = sc.model_copy(
        update={"calendar": sc.calendar.model_copy(update={"holidays": [dt.date(2027, 1, 12)]})}
    )
    assert [d.isoformat() for d in sc.calendar.dates[:2]] == ["2027-01-11", "2027-01-13"]
    mean = (2.0 + 0.5 + 3) / 5
    by_day = profile.day_factors(sc, "web").tolist()
    assert by_day[:6] == pytest.approx(
        [2 / mean, 0.5 / mean, 1 / mean, 1 / mean, 2 / mean, 1 / mean]
    )


# --- the simulator draws what the rule expects -------------------------------------------------


def test_arrivals_by_interval_and_weekday_are_the_expected_rates() -> None:
    # 200 requests a mean day, PEAK by half-hour, Monday 1.5 and Friday 0.5 (mean 1 over
    # the week already), 120 days: 24 of each weekday, about 24,000 requests.
    by_weekday = {"mon": 1.5, "fri": 0.5}
    sc = desk({"weights": PEAK, "by_weekday": by_weekday}, horizon=120)
    rec = run_replication(sc, 0, SEED)
    starts = day_starts(sc)
    grid = profile.intervals(sc, "web")
    dates = sc.calendar.dates
    cells: Counter[tuple[Weekday, int]] = Counter()
    for t in arrivals(rec):
        d = int(np.searchsorted(starts, t, side="right")) - 1
        offset = t - starts[d]
        assert 0.0 <= offset < 480.0
        cells[(tuple(Weekday)[dates[d].weekday()], int(offset // 30))] += 1
    days = Counter(tuple(Weekday)[d.weekday()] for d in dates)
    assert days == {day: 24 for day in sc.calendar.weekdays}
    worst = 0.0
    for day in sc.calendar.weekdays:
        for g in grid:
            expected = profile.interval_rate(sc, "web", g, day) * g.minutes * days[day]
            z = (cells[(day, g.index)] - expected) / math.sqrt(expected)
            worst = max(worst, abs(z))
            assert abs(z) <= 4.0, (day, g, cells[(day, g.index)], expected)
        # The weekday's whole count: 200 x its factor x 24 days (4,800 a Tuesday, sd 69).
        expected_day = 200 * profile.weekday_factor(sc, "web", day) * days[day]
        counted = sum(cells[(day, g.index)] for g in grid)
        assert abs(counted - expected_day) <= 4 * math.sqrt(expected_day)
    for g in grid:  # each interval over the week
        expected = sum(
            profile.interval_rate(sc, "web", g, day) * g.minutes * days[day]
            for day in sc.calendar.weekdays
        )
        counted = sum(cells[(day, g.index)] for day in sc.calendar.weekdays)
        assert abs(counted - expected) <= 4 * math.sqrt(expected)
    print(f"largest |z| over the 80 weekday x interval cells: {worst:.2f}")
    # The profile shows: Monday's peak half-hour against Friday's first (a 13.5 x ratio).
    assert cells[(Weekday.MON, 3)] > 10 * cells[(Weekday.FRI, 0)]


def test_a_flat_profile_draws_what_no_profile_draws() -> None:
    # Even weights map every uniform draw to itself (to a rounding), so the arrivals by
    # interval are those of no profile: equal counts but for a draw on an edge.
    plain, flat = desk(horizon=40), desk({"weights": [1] * 16}, horizon=40)
    a, b = arrivals(run_replication(plain, 0, SEED)), arrivals(run_replication(flat, 0, SEED))
    assert len(a) == len(b)
    assert np.abs(np.array(a) - np.array(b)).max() < 1e-6
    starts = day_starts(plain)

    def by_interval(times: list[float]) -> Counter[int]:
        return Counter(
            int((t - starts[int(np.searchsorted(starts, t, side="right")) - 1]) // 30)
            for t in times
        )

    ca, cb = by_interval(a), by_interval(b)
    for i in range(16):
        # Two counts of one Poisson law (mean 250 an interval): within 4 sd of their
        # difference, and here the same draws.
        assert abs(ca[i] - cb[i]) <= 4 * math.sqrt(ca[i] + cb[i])
        assert abs(ca[i] - cb[i]) <= 1


GRID_KPI = "inbound_interval_min_service_level"


def _digest(result: SimResult) -> dict[str, tuple[list[str], str]]:
    # The reporting grid (the waits' interval, the table by interval: stage S2) follows
    # profile.interval_min by design; every draw and every other figure must not move.
    # So does the lowest interval's service level (the desk is reported by interval under
    # its default rota).
    tables = {n: df for n, df in result.tables().items() if n != "inbound_intervals"}
    tables["waits"] = tables["waits"].drop(columns="interval")
    for name in ("kpis", "kpi_replications"):
        frame = tables[name]
        tables[name] = (
            frame[frame["kpi"] != GRID_KPI]
            if "kpi" in frame
            else frame.drop(columns=GRID_KPI, errors="ignore")
        )
    return {
        name: (list(df.columns), sha256(hash_pandas_object(df, index=True).to_numpy()).hexdigest())
        for name, df in tables.items()
    }


def test_a_profile_that_changes_nothing_draws_exactly_what_no_profile_draws() -> None:
    # A reporting grid alone, or weekday factors all alike, leave every draw as it was:
    # the offsets are not even mapped and the day factors are the season's.
    path = ROOT / "scenarios/support_desk.yaml"
    days = ["calendar.horizon_days=30", "calendar.warmup_days=0"]
    plain = _digest(
        simulate(parse_scenario(path.read_bytes(), str(path), days), 1, seed=SEED, workers=1)
    )
    for stated in (
        "{interval_min: 15}",
        "{by_weekday: {mon: 1.7, tue: 1.7, wed: 1.7, thu: 1.7, fri: 1.7}}",
    ):
        sc = parse_scenario(
            path.read_bytes(), str(path), [*days, f"channels.support_requests.profile={stated}"]
        )
        assert profile.day_factors(sc, "support_requests").tolist() == [1.0] * 30
        assert _digest(simulate(sc, 1, seed=SEED, workers=1)) == plain


# --- the scenario's checks ---------------------------------------------------------------------

DESK_TEXT = (ROOT / "scenarios/support_desk.yaml").read_text(encoding="utf-8")
OPEN = 'workday: {start: "09:00", hours: 8, lunch_min: 0, breaks_min: 0}'


def with_profile(profile_yaml: str, *, open_day: bool = True) -> str:
    text = DESK_TEXT.replace(
        "    lead_share: 0              # support requests create no sales leads\n",
        "    lead_share: 0\n    profile:\n" + profile_yaml,
    )
    assert "profile:" in text
    if open_day:
        text = text.replace(
            'workday: {start: "09:00", hours: 8, lunch_min: 30, breaks_min: 30}', OPEN
        )
        assert OPEN in text
    return text


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.encode(), "desk.yaml")
    return [(".".join(map(str, p.path)), p.line, p.message) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def test_a_valid_profile_loads() -> None:
    text = with_profile(f"      weights: {PEAK}\n      by_weekday: {{mon: 1.3}}\n")
    sc = parse_scenario(text.encode(), "desk.yaml")
    assert profile.shaped(sc, "support_requests")
    assert desk_open_all_day(sc)


def test_the_wrong_count_of_weights_names_the_field_and_the_count() -> None:
    text = with_profile("      weights: [1, 2, 3]\n")
    assert problems(text) == [
        (
            "channels.support_requests.profile.weights",
            line_of(text, "weights:"),
            "expected 16 weights, one per 30-minute interval of 09:00-17:00; got 3",
        )
    ]
    # A day of 8 h 15 min in hours: 17 intervals, the last of 15 minutes.
    text = with_profile("      weights: [1, 2, 3]\n").replace("hours: 8,", "hours: 8.25,")
    assert problems(text)[0][2] == (
        "expected 17 weights, one per 30-minute interval of 09:00-17:15, the last 15; got 3"
    )
    text = with_profile(f"      interval_min: 60\n      weights: {PEAK}\n")
    assert problems(text)[0][2] == (
        "expected 8 weights, one per 60-minute interval of 09:00-17:00; got 16"
    )
    assert problems(with_profile("      weights: []\n"))[0][2].endswith("; got 0")


def test_all_zero_weights_are_refused() -> None:
    text = with_profile(f"      weights: {[0] * 16}\n")
    ((path, line, message),) = problems(text)
    assert path == "channels.support_requests.profile.weights"
    assert line == line_of(text, "weights:")
    assert message.startswith("every weight is 0: at least one interval must have requests")


def test_an_interval_length_other_than_15_30_or_60_is_refused() -> None:
    ((path, _, message),) = problems(with_profile("      interval_min: 20\n"))
    assert path == "channels.support_requests.profile.interval_min"
    assert "15, 30 or 60" in message


def test_an_unknown_weekday_and_a_weekday_not_worked_are_refused() -> None:
    text = with_profile("      by_weekday: {mon: 1.3, monday: 2}\n")
    ((path, line, message),) = problems(text)
    assert path == "channels.support_requests.profile.by_weekday.monday"
    assert line == line_of(text, "by_weekday:")
    assert "expected 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun', got 'monday'" in message
    text = with_profile("      by_weekday: {mon: 1.3, sat: 0.5}\n")
    assert problems(text) == [
        (
            "channels.support_requests.profile.by_weekday.sat",
            line_of(text, "by_weekday:"),
            "sat is not a working day (calendar.weekdays: mon, tue, wed, thu, fri)",
        )
    ]
    ((_, _, message),) = problems(with_profile("      by_weekday: {tue: 0}\n"))
    assert "greater than 0" in message


TOGETHER_DAY = (
    'workday: {start: "09:00", hours: 8, lunch_min: 30, breaks_min: 30, pause_rule: together}'
)


def together(text: str) -> str:
    """The file's desk pausing together (its default is the rota)."""
    day = 'workday: {start: "09:00", hours: 8, lunch_min: 30, breaks_min: 30}'
    assert day in text
    return text.replace(day, TOGETHER_DAY)


def test_weights_with_a_common_pause_are_refused() -> None:
    # support_desk pausing everyone together 12:45-13:45 (3 h 45 of working minutes, then
    # lunch and breaks); nobody would answer the requests a profile sends then.
    text = together(with_profile(f"      weights: {[*PEAK, 1]}\n", open_day=False))
    assert problems(text) == [
        (
            "channels.support_requests.profile.weights",
            line_of(text, "weights:"),
            "a profile spreads requests over the open day; with everyone pausing together "
            "nobody answers 12:45-13:45: set calendar.workday.pause_rule: rota, or lunch_min "
            "and breaks_min to 0",
        )
    ]
    # Weekday factors alone spread nothing within the day: allowed with the common pause.
    sc = parse_scenario(
        together(with_profile("      by_weekday: {mon: 1.3}\n", open_day=False)).encode(),
        "desk.yaml",
    )
    assert not desk_open_all_day(sc)
    assert not profile.shaped(sc, "support_requests")
    # Left as the file gives it, the desk's default rota takes the profile.
    sc = parse_scenario(
        with_profile(f"      weights: {[*PEAK, 1]}\n", open_day=False).encode(), "desk.yaml"
    )
    assert desk_open_all_day(sc) and profile.shaped(sc, "support_requests")


def test_wall_time() -> None:
    assert [wall_time(m) for m in (0.0, 540.0, 765.0, 1049.9, 1440.0)] == [
        "00:00",
        "09:00",
        "12:45",
        "17:29",
        "00:00",
    ]


# --- validate --summary -------------------------------------------------------------------------


def test_the_summary_shows_each_profiles_peak_and_weekday_factors() -> None:
    from typer.testing import CliRunner

    from teamsim.cli import app

    path = ROOT / "scenarios/support_desk.yaml"
    sets = [
        "calendar.workday.lunch_min=0",
        "calendar.workday.breaks_min=0",
        f"channels.support_requests.profile={{weights: {PEAK}, by_weekday: {{mon: 1.3}}}}",
    ]
    args = ["validate", str(path), "--summary"]
    for text in sets:
        args += ["--set", text]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    # The peak: 10:30-11:00 (the first 9), 600 x 9 / 80 = 67.5 a half-hour, 135 an hour; the
    # weekdays {mon: 1.3} over their mean 1.06: Monday 1.23, the others 0.943.
    assert "Arrival profiles (on the mean working day)" in lines
    assert (
        "  Support requests: peak 10:30-11:00, 135 requests an hour; by weekday Mon x1.23, "
        "Tue x0.943, Wed x0.943, Thu x0.943, Fri x0.943"
    ) in lines
    # No profile, no such lines.
    plain = CliRunner().invoke(app, ["validate", str(path), "--summary"], env={"COLUMNS": "300"})
    assert "Arrival profiles" not in plain.stdout


def test_a_profile_on_a_referral_channel_is_an_unknown_field_not_a_misspelling() -> None:
    # Profiles are for inbound channels; the typo hint must not suggest the name itself.
    path = ROOT / "scenarios/auto_credit_partners.yaml"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(
            path.read_bytes(),
            str(path),
            ["channels.dealer_referrals.profile={by_weekday: {mon: 2}}"],
        )
    ((problem,),) = [caught.value.problems]
    assert problem.path == ("channels", "dealer_referrals", "profile")
    assert problem.message == "unknown field 'profile'"
