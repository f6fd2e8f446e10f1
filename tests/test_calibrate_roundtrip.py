"""The round trip: simulate a scenario with known values, export, calibrate, compare.

Issue 10, tests item 7: "at least 90 % of the 95 % intervals contain the value the
scenario implies for what the export records, persona and ramp multipliers applied and
stage durations as simulated, over all fitted parameters, on a stated sample and a fixed
seed".

The sample: tests/data/roundtrip.yaml (two segments of three and four stages, one stage
an in-person meeting; a cold list dialled by 8 SDRs, inbound demo requests and partner
referrals worked by 6 AEs; personas that differ in conversion_x in both roles; a ramp
with replacements on the SDRs; days away; a team lead who approves proposals), 240
working days, one replication with seed ``SEED``. The simulator's history goes through
calibrate.crm.export_crm, is written as CSV (teamsim.crm_io.write_crm), read back
(teamsim.records_io.read_records) and fitted (calibrate.fit.fit) against the scenario
itself.

The truth of each fitted parameter (``truths``):

- a stage's ``convert``: the mean, over the deals the simulator decided at that stage
  (passed or lost there: those the fit counts; open deals are censored), of the pass
  probability the simulator used (sim.model.deals.run_deal): ``min(1, convert x
  conversion_x of the owner's persona)``, on the last stage times the owner's ramp share
  on the day the deal was created. The ramp share is the simulator's own
  (``Person.productivity``), from the people and hires the run drew
  (sim.model.people.build_people with the run's seed). Given which deals were decided,
  each pass is an independent draw with that probability, so this mean is exactly what
  passed / decided estimates;
- a stage's ``client_delay_days``: the time a deal spends in the stage as simulated
  (client's delay, then waiting for our work, a meeting slot or an approval), in the
  export's whole days: the mean over ``TRUTH_REPLICATIONS`` other replications (seed
  ``TRUTH_SEED``) of the spells that began at least ``GUARD_DAYS`` before the end of
  the horizon, so that (nearly) all of them ended and none is cut short by the horizon;
- ``deal_value``: the segment's deal_value (every won deal has exactly that value);
- referral ``leads_per_week`` and inbound ``requests_per_day``: the scenario's;
- ``connect_rate``: the channel's; ``conversation_given_connect`` and
  ``lead_given_conversation``: the channel's override if any, else ``calls``';
- ``call_quota_per_day``: the role's (every SDR dials the quota on every day they work);
- ``absence``: the role's vacation_days and sick_days (the export scales each person's
  days away to a year; the fit splits their mean as the base does);
- ``ramp.new_hires_per_year``: the role's. The export writes one team row per seat with
  a start date implied by the ramp share on day 0, so replacements during the horizon
  never show as starts: the fit sees 0 hires, and its interval holds the truth only
  because one seat-year of records cannot exclude 2 hires a year;
- ``ramp.productivity_by_month`` is not written here (kept: no SDR's deals fall in
  months 1-3 of tenure, since replacements are not exported); were it written, its
  truth would be the scenario's list (calibrate.fit.ramp).
- ``conversation_given_connect`` and ``lead_given_conversation`` of a channel: the cold
  list has no rate of its own here, so only ``calls``' are fitted (calibrate.fit.activity).

Fits without an interval (low and high None) are not counted: ``personas`` (the fitted
persona multipliers: groups of people by shrunk win rate, no interval; their duration_x,
from minutes of work, is checked on its own against the scenario's, 1), a role's persona
mix, headcount (an exact count; asserted exactly instead), and a role's days away when
it has one person (the team lead: no spread to make an interval from).

The fit writes the whole stage time as the client's delay; ``teamsim calibrate`` then
takes off the lag the simulated team adds (calibrate.durations.net_of_lag): those
delays are checked against the scenario's client_delay_days means: at most one of the
seven may miss (7 of 7 hold with ``SEED``; a correct fit misses two on about one seed
in twenty-five).

Measured at the time of writing: 27 of 27 intervals hold the truth with ``SEED``; over
twelve other seeds 17 of 324 missed (5 %, as 95 % intervals should), and 40 seeds of
the stage conversions alone missed 11 of 280. The threshold is the issue's: with 27
intervals at most 2 may miss, which a correct fit exceeds on about one seed in six
(binomial), so a failure after a change to the simulator's random draws calls for a
look at the misses listed, each against its truth, before any change of seed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate.contract import Calibration, Fit, Kind, Status
from calibrate.crm import export_crm
from calibrate.durations import net_of_lag, simulated_stage_means
from calibrate.fit import fit
from calibrate.writer import apply_fits
from sim import Scenario, SimResult, simulate
from sim.model.clock import Clock
from sim.model.people import build_people
from sim.scenario import InboundChannel, ReferralChannel, parse_scenario
from teamsim.crm_io import file_name, write_crm
from teamsim.records_io import read_records

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "data" / "roundtrip.yaml"
SEED = 20270301  # the replication exported and fitted
TRUTH_SEED = 20270302  # the replications the stage durations are measured on
TRUTH_REPLICATIONS = 5
# A spell that began this many calendar days before the horizon's end has ended (a stage's
# client delay has a mean of at most 10 days here: exp(-6) of them last longer).
GUARD_DAYS = 60
COVERAGE = 0.90  # the "at least 90 % of the 95 % intervals"
MIN_INTERVALS = 25  # 27 today: 7 stages x (convert, delay) and 13 more; fewer: a fit gone

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class RoundTrip:
    scenario: Scenario
    result: SimResult
    calibration: Calibration
    truths: dict[Path_, float]
    decided: dict[Path_, int]  # deals the simulator decided at each stage


def _rep0(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame["replication"] == 0].reset_index(drop=True)


def _conversion_truths(
    sc: Scenario, result: SimResult
) -> tuple[dict[Path_, float], dict[Path_, int]]:
    """Each stage's pass probability, averaged over the deals decided there."""
    frames = result.frames
    built = {p.pid: p for p in build_people(sc, SEED, 0)}
    people = _rep0(frames.people)
    # The rebuilt people are the run's: same personas, same ramp share on day 0.
    assert people["persona"].tolist() == [built[p].persona for p in people["person"]]
    assert people["start_productivity"].tolist() == [
        built[p].productivity(0) for p in people["person"]
    ]
    clock = Clock.of(sc)
    deals = _rep0(frames.deals).set_index("deal")
    owner = deals["owner"]
    conversion_x = {pid: p.conversion_x for pid, p in built.items()}
    productivity = {
        deal: built[who].productivity(max(0, clock.day_of(float(t))))
        for deal, who, t in zip(deals.index, owner, deals["created_min"], strict=True)
    }
    funnel = _rep0(frames.funnel)
    decided = funnel.loc[funnel["event"].isin(["passed", "lost"])]
    truths: dict[Path_, float] = {}
    counts: dict[Path_, int] = {}
    for (sid, at), rows in decided.groupby(["segment", "stage"]):
        k = int(str(at))
        stages = sc.segments[str(sid)].stages
        stage = stages[k]
        p = np.array(
            [min(1.0, stage.convert * conversion_x[owner[d]]) for d in rows["deal"]], dtype=float
        )
        if k == len(stages) - 1:
            p *= np.array([productivity[d] for d in rows["deal"]], dtype=float)
        path: Path_ = ("segments", str(sid), "stages", stage.name, "convert")
        truths[path] = float(p.mean())
        counts[path] = len(rows)
    return truths, counts


def _spells(sc: Scenario, tables: dict[Kind, pd.DataFrame]) -> Iterator[tuple[str, int, int]]:
    """(segment, stage index, whole days in it) of every spell that began early enough."""
    deals = tables[Kind.DEALS].set_index("deal_id")
    stages = tables[Kind.STAGES]
    end = pd.Timestamp(sc.calendar.dates[-1])
    index = {s: {st.name: i for i, st in enumerate(seg.stages)} for s, seg in sc.segments.items()}
    for deal, rows in stages.groupby("deal_id"):
        seg = str(deals.at[deal, "segment"])
        entered = {
            index[seg][str(s)]: t for s, t in zip(rows["stage"], rows["entered"], strict=True)
        }
        last = max(entered)
        for k, start in entered.items():
            if (end - start).days < GUARD_DAYS:
                continue
            if k + 1 in entered:
                stop = entered[k + 1]
            elif k == last and deals.at[deal, "status"] != Status.OPEN.value:
                stop = deals.at[deal, "closed"]
            else:
                continue  # still open after GUARD_DAYS: counted by the caller's check
            yield seg, k, (stop - start).days


def _duration_truths(sc: Scenario) -> dict[Path_, float]:
    """Each stage's mean whole days as simulated, over other replications."""
    result = simulate(sc, TRUTH_REPLICATIONS, seed=TRUTH_SEED, workers=1)
    days: dict[tuple[str, int], list[int]] = {}
    for r in range(TRUTH_REPLICATIONS):
        for seg, k, d in _spells(sc, export_crm(result, sc, replication=r)):
            days.setdefault((seg, k), []).append(d)
    truths: dict[Path_, float] = {}
    for (seg, k), values in days.items():
        name = sc.segments[seg].stages[k].name
        truths[("segments", seg, "stages", name, "client_delay_days")] = float(np.mean(values))
    return truths


def _scenario_truths(sc: Scenario) -> dict[Path_, float]:
    """The values the scenario states: flows, call rates, values, quotas, absence, hires."""
    truths: dict[Path_, float] = {}
    calls = sc.calls
    assert calls is not None
    for cid, ch in sc.channels.items():
        if isinstance(ch, ReferralChannel):
            truths[("channels", cid, "leads_per_week")] = ch.leads_per_week
        elif isinstance(ch, InboundChannel):
            truths[("channels", cid, "requests_per_day")] = ch.requests_per_day
        else:
            truths[("channels", cid, "connect_rate")] = ch.connect_rate
            # One outbound channel here: its override (if any) is what the dials met.
            for name in ("conversation_given_connect", "lead_given_conversation"):
                own = getattr(ch, name)
                truths[("calls", name)] = getattr(calls, name) if own is None else own
    for sid, seg in sc.segments.items():
        truths[("segments", sid, "deal_value")] = seg.deal_value
    for rid, role in sc.roles.items():
        truths[("roles", rid, "absence", "vacation_days")] = role.absence.vacation_days
        truths[("roles", rid, "absence", "sick_days")] = role.absence.sick_days
        if role.call_quota_per_day is not None:
            truths[("roles", rid, "call_quota_per_day")] = role.call_quota_per_day
        if role.ramp is not None:
            truths[("roles", rid, "ramp", "new_hires_per_year")] = role.ramp.new_hires_per_year
    return truths


@dataclass(frozen=True)
class Exported:
    scenario: Scenario
    result: SimResult
    calibration: Calibration


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The scenario simulated, exported as CSV files, read back and calibrated."""
    sc = parse_scenario(SCENARIO.read_text(encoding="utf-8"), str(SCENARIO))
    result = simulate(sc, 1, seed=SEED, workers=1)
    folder = tmp_path_factory.mktemp("crm")
    write_crm(export_crm(result, sc), folder, synthetic_note=f"{SCENARIO.name}, seed {SEED}")
    records = read_records(
        deals=folder / file_name(Kind.DEALS),
        stages=folder / file_name(Kind.STAGES),
        activities=folder / file_name(Kind.ACTIVITIES),
        team=folder / file_name(Kind.TEAM),
    )
    assert records.problems == ()
    return Exported(sc, result, fit(records, sc))


@pytest.fixture(scope="module")
def roundtrip(exported: Exported) -> RoundTrip:
    sc, result = exported.scenario, exported.result
    conversions, decided = _conversion_truths(sc, result)
    truths = {**conversions, **_duration_truths(sc), **_scenario_truths(sc)}
    return RoundTrip(sc, result, exported.calibration, truths, decided)


def _with_interval(cal: Calibration) -> list[Fit]:
    return [f for f in cal.fits if f.low is not None and f.high is not None]


def _fitted(cal: Calibration, *path: str | int) -> Fit:
    found = [f for f in cal.fits if f.path == path]
    assert len(found) == 1, path
    return found[0]


def _miss(f: Fit, truth: float) -> str:
    return f"{'.'.join(map(str, f.path))}: value {f.value}, 95 % {f.low}-{f.high}, truth {truth}"


def test_the_95_intervals_hold_the_simulated_truth(roundtrip: RoundTrip) -> None:
    fits = _with_interval(roundtrip.calibration)
    no_truth = [".".join(map(str, f.path)) for f in fits if f.path not in roundtrip.truths]
    assert no_truth == [], f"fitted with an interval but no truth defined: {no_truth}"
    misses = []
    for f in fits:
        truth = roundtrip.truths[f.path]
        assert f.low is not None and f.high is not None
        if not f.low <= truth <= f.high:
            misses.append(_miss(f, truth))
    n = len(fits)
    held = n - len(misses)
    assert n >= MIN_INTERVALS, f"only {n} fits with an interval"
    assert held / n >= COVERAGE, f"{held} of {n} intervals hold the truth; misses:\n" + "\n".join(
        misses
    )


def test_each_stage_counts_exactly_the_deals_decided_there(roundtrip: RoundTrip) -> None:
    # Export, CSV and reading lose no deal: the fit's sample is the simulator's.
    cal = roundtrip.calibration
    for path, n in roundtrip.decided.items():
        assert _fitted(cal, *path).n == n, path
    fitted = {f.path for f in cal.fits if f.path[-1] == "convert"}
    assert fitted == set(roundtrip.decided)


def test_exact_fits_are_exact(roundtrip: RoundTrip) -> None:
    sc, cal = roundtrip.scenario, roundtrip.calibration
    for sid, seg in sc.segments.items():
        value = _fitted(cal, "segments", sid, "deal_value")
        # Every won deal is worth deal_value: the lognormal has no spread.
        assert value.value == seg.deal_value
        assert value.low == value.high == seg.deal_value
    for rid, role in sc.roles.items():
        path = (
            ("roles", rid, "headcount")
            if role.headcount.fixed
            else ("roles", rid, "headcount", "current")
        )
        assert _fitted(cal, *path).value == role.headcount.current
    quota = _fitted(cal, "roles", "sdr", "call_quota_per_day")
    assert quota.value == sc.roles["sdr"].call_quota_per_day


def test_fitted_personas_keep_the_speed_of_the_scenario(roundtrip: RoundTrip) -> None:
    # The truth of a fitted persona's duration_x is the scenario's personas' duration_x,
    # 1 for all here. It is measured on minutes of work (calibrate.fit.speed): the SDRs'
    # minutes a dial, the AEs' minutes a meeting. Every person's minutes follow the same
    # distributions, so the spread between people is no more than their days' noise and
    # each role's shrinkage takes them all to 1. (Measured on cycle times, as before,
    # AEs' four-stage cycles against the whole team made every AE persona "slow".)
    assert {p.duration_x for p in roundtrip.scenario.personas.values()} == {1.0}
    personas = [f for f in roundtrip.calibration.fits if f.path[0] == "personas"]
    assert len(personas) == 6
    for f in personas:
        assert isinstance(f.value, dict)
        assert abs(f.value["duration_x"] - 1.0) < 0.05, f
        assert "duration_x from activity minutes of " in f.note, f
    people = roundtrip.calibration.people
    assert (abs(people["duration_x"] - 1.0) < 0.05).all()


def test_stage_durations_are_measured_on_ended_spells() -> None:
    # The durations' truth leaves out spells still open GUARD_DAYS after they began: there
    # must be almost none, or the truth would be biased short.
    sc = parse_scenario(SCENARIO.read_text(encoding="utf-8"), str(SCENARIO))
    result = simulate(sc, 1, seed=TRUTH_SEED, workers=1)
    tables = export_crm(result, sc)
    ended = sum(1 for _ in _spells(sc, tables))
    entered = tables[Kind.STAGES]
    end = pd.Timestamp(sc.calendar.dates[-1])
    early = int(((end - entered["entered"]).dt.days >= GUARD_DAYS).sum())
    assert ended <= early
    assert early - ended <= math.ceil(0.005 * early), (early, ended)


def test_the_calibrated_scenario_validates_and_holds_the_fits(exported: Exported) -> None:
    cal = exported.calibration
    text = apply_fits(SCENARIO.read_text(encoding="utf-8"), cal)
    calibrated = parse_scenario(text, "calibrated.yaml")
    stage = calibrated.segments["core"].stages[1]
    # The writer rounds to four significant digits (calibrate.writer).
    convert = _fitted(cal, "segments", "core", "stages", "onsite_demo", "convert").value
    assert stage.convert == pytest.approx(convert, rel=5e-4)
    partners = calibrated.channels["partners"]
    assert isinstance(partners, ReferralChannel)
    weekly = _fitted(cal, "channels", "partners", "leads_per_week").value
    assert partners.leads_per_week == pytest.approx(weekly, rel=5e-4)


def test_delays_net_of_the_lag_hold_the_scenarios_client_delays(exported: Exported) -> None:
    # What `teamsim calibrate` writes (teamsim.calibration): the observed stage times less
    # the lag the simulated team adds (calibrate.durations). Those intervals must hold the
    # client_delay_days the scenario was simulated with.
    sc, cal = exported.scenario, exported.calibration
    calibrated = parse_scenario(apply_fits(SCENARIO.read_text(encoding="utf-8"), cal), "c")
    net = net_of_lag(cal, calibrated, simulated_stage_means(calibrated))
    delays = [f for f in net.fits if f.path[-1] == "client_delay_days"]
    assert len(delays) == sum(len(seg.stages) for seg in sc.segments.values())
    misses = []
    for f in delays:
        stages = sc.segments[str(f.path[1])].stages
        truth = next(st for st in stages if st.name == f.path[3]).client_delay_days
        assert f.low is not None and f.high is not None
        if not f.low <= truth.expected_value() <= f.high:
            misses.append(_miss(f, truth.expected_value()))
    assert len(misses) <= 1, "\n".join(misses)
