"""The fits recover known values from synthetic records (fixed seeds), open deals censored.

Records are drawn here the way the simulator plays a deal (sim.model.deals.run_deal): a
deal enters stage 0 when created, waits an exponential number of calendar days at each
stage, then passes with the stage's conversion; deals still inside a stage at the last
date are open. Tolerances are stated per test: they follow from the sample sizes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibrate.contract import COLUMNS, Calibration, Fit, Kind, Records
from calibrate.fit import fit, naive_win_rate
from calibrate.fit.common import Findings
from calibrate.fit.cycle import survival_mean
from calibrate.fit.prepare import prepare
from calibrate.fit.ramp import MIN_DEALS, ramp_months, ratio_interval
from calibrate.fit.speed import speed_multipliers
from sim import Scenario
from sim.scenario import parse_scenario
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent
START = pd.Timestamp("2026-01-01")
SEGMENT = "smb_core"  # b2b_smb.yaml: discovery, onsite_demo, proposal, contract
STAGES = ("discovery", "onsite_demo", "proposal", "contract")
CONVERT = (0.7, 0.55, 0.5, 0.76)
DELAY = (3.0, 7.0, 10.0, 14.0)
MU, SIGMA = 9.6, 0.5  # log of a won deal's value
TRUE_VALUE = float(np.exp(MU + SIGMA**2 / 2))  # 16,684


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")


def _table(kind: Kind, rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS[kind]))
    # The contract's dtypes: dates datetime64 (NaT where empty), numbers float64.
    for column in ("created", "closed", "entered", "date", "start"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    for column in ("value", "count", "minutes", "days_away"):
        if column in frame:
            frame[column] = frame[column].astype(float)
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


def draw_deals(
    n: int, *, days: float, seed: int, owners: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(deals, stage history) of n deals created evenly over ``days``, cut at the end."""
    rng = np.random.default_rng(seed)
    cutoff = days
    deals: list[dict[str, object]] = []
    history: list[dict[str, object]] = []
    for i in range(n):
        t = rng.uniform(0.0, days)
        created = START + pd.Timedelta(days=int(t))
        row: dict[str, object] = {
            "deal_id": f"d{i}",
            "owner": f"p{i % owners}",
            "created": created,
            "segment": SEGMENT,
            "channel": "partner_referrals",
        }
        status, stage, value = "won", None, np.nan
        closed: pd.Timestamp | None = None
        for k, name in enumerate(STAGES):
            history.append(
                {"deal_id": f"d{i}", "stage": name, "entered": START + pd.Timedelta(days=int(t))}
            )
            t += rng.exponential(DELAY[k])
            if t >= cutoff:
                status, stage = "open", name
                break
            if rng.random() >= CONVERT[k]:
                status, stage, closed = "lost", name, START + pd.Timedelta(days=int(t))
                break
        if status == "won":
            closed = START + pd.Timedelta(days=int(t))
            value = float(rng.lognormal(MU, SIGMA))
        deals.append({**row, "status": status, "stage": stage, "closed": closed, "value": value})
    return _table(Kind.DEALS, deals), _table(Kind.STAGES, history)


def found(cal: Calibration, *path: str | int) -> Fit:
    matches = [f for f in cal.fits if f.path == path]
    assert len(matches) == 1, f"{path}: {len(matches)} fits"
    return matches[0]


def _contains(f: Fit, truth: float) -> bool:
    assert f.low is not None and f.high is not None
    return f.low <= truth <= f.high


@pytest.fixture(scope="module")
def recovered(smb: Scenario) -> Calibration:
    deals, stages = draw_deals(3000, days=365.0, seed=11)
    return fit(Records(deals=deals, stages=stages), smb)


@pytest.mark.parametrize("k", range(4))
def test_stage_conversions_recovered(recovered: Calibration, k: int) -> None:
    f = found(recovered, "segments", SEGMENT, "stages", STAGES[k], "convert")
    assert _contains(f, CONVERT[k]), (f.low, f.high)
    assert abs(float(f.value) - CONVERT[k]) < 0.04  # type: ignore[arg-type]
    assert "open there censored, 95 % " in f.note


@pytest.mark.parametrize("k", range(4))
def test_stage_delays_recovered(recovered: Calibration, k: int) -> None:
    f = found(recovered, "segments", SEGMENT, "stages", STAGES[k], "client_delay_days")
    assert isinstance(f.value, dict) and f.value["kind"] == "exponential"
    assert _contains(f, DELAY[k]), (f.low, f.high)
    # Hundreds of spells a stage: the mean within 12 % (its sd is 1/sqrt(n), under 6 %).
    assert f.value["mean"] == pytest.approx(DELAY[k], rel=0.12)


def test_deal_value_is_the_lognormal_mean(recovered: Calibration) -> None:
    f = found(recovered, "segments", SEGMENT, "deal_value")
    assert _contains(f, TRUE_VALUE)
    assert float(f.value) == pytest.approx(TRUE_VALUE, rel=0.05)  # type: ignore[arg-type]
    shapes = [u for u in recovered.unwritten if u.what == f"deal values of {SEGMENT}"]
    assert len(shapes) == 1 and shapes[0].fit.startswith("lognormal mean ")


def test_the_win_rate_is_in_the_last_stage_note(recovered: Calibration) -> None:
    note = found(recovered, "segments", SEGMENT, "stages", "contract", "convert").note
    assert "; win rate 14.6 %, 95 % " in note  # 0.7 x 0.55 x 0.5 x 0.76 = 0.146


def test_open_deals_are_censored_not_lost(smb: Scenario) -> None:
    # Created over 60 days with a 34-day mean cycle: most deals that would win are still open.
    deals, _ = draw_deals(3000, days=60.0, seed=5)
    truth = float(np.prod(CONVERT))
    naive, n = naive_win_rate(deals)
    naive_high = naive + 1.96 * np.sqrt(naive * (1 - naive) / n)
    assert (deals["status"] == "open").mean() > 0.2
    assert naive_high < truth * 0.6  # biased low, far outside its interval
    # Deals table alone (the stage where each lost or open deal is): conversions censored.
    cal = fit(Records(deals=deals), smb)
    for k in range(4):
        f = found(cal, "segments", SEGMENT, "stages", STAGES[k], "convert")
        assert _contains(f, CONVERT[k]), (STAGES[k], f.low, f.high)


def test_survival_mean_of_censored_durations_is_not_biased() -> None:
    rng = np.random.default_rng(3)
    true = rng.exponential(14.0, 4000)
    started = rng.uniform(0.0, 60.0, 4000)
    ended = started + true <= 60.0
    seen = np.where(ended, true, 60.0 - started)
    mean, low, high = survival_mean(seen, ended)
    assert low <= 14.0 <= high
    assert mean == pytest.approx(14.0, rel=0.06)
    assert seen[ended].mean() < 0.75 * 14.0  # closed-only: biased low


def _people_deals(seed: int) -> pd.DataFrame:
    """20 people with 60 closed deals at rates around 0.4 (sd 0.1), one with 5 all won and one
    with 500 at 0.5."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    plan = [(f"p{i:02d}", 60, float(rng.normal(0.4, 0.1))) for i in range(20)]
    plan += [("newbie", 5, 1.0), ("veteran", 500, 0.5)]
    for owner, n, rate in plan:
        won = rng.random(n) < rate if rate < 1 else np.ones(n, dtype=bool)
        for j, w in enumerate(won):
            created = START + pd.Timedelta(days=int(rng.integers(0, 300)))
            rows.append(
                {
                    "deal_id": f"{owner}-{j}",
                    "owner": owner,
                    "created": created,
                    "closed": created + pd.Timedelta(days=int(rng.integers(5, 60))),
                    "status": "won" if w else "lost",
                    "value": 10000.0 if w else np.nan,
                    "segment": SEGMENT,
                    "channel": "demo_requests",
                }
            )
    return _table(Kind.DEALS, rows)


def test_few_deals_are_pulled_towards_the_team(smb: Scenario) -> None:
    cal = fit(Records(deals=_people_deals(7)), smb)
    people = cal.people.set_index("person")
    team = people["won"].sum() / people["closed"].sum()
    newbie, veteran = people.loc["newbie"], people.loc["veteran"]
    assert newbie["conversion_x_raw"] == pytest.approx(1.0 / team)
    assert newbie["conversion_x"] < 1.0 + 0.35 * (1.0 / team - 1.0)  # most of the way back
    # Barely moves: by 500 / (500 + a + b) of the way to the prior mean, under 3 % here.
    moved = veteran["conversion_x_raw"] - veteran["conversion_x"]
    assert 0 < moved < 0.03 * veteran["conversion_x_raw"]
    mix = found(cal, "roles", "account_executive", "personas").value
    assert isinstance(mix, dict) and len(mix) == 3
    assert sum(mix.values()) == pytest.approx(1.0, abs=1e-9)
    low = found(cal, "personas", "fitted_low").value
    high = found(cal, "personas", "fitted_high").value
    assert isinstance(low, dict) and isinstance(high, dict)
    assert low["conversion_x"] < 1.0 < high["conversion_x"]
    # A deals file alone has no minutes of work: speed is not measured, whatever the
    # cycle times say (they are the client's delays, not our minutes).
    assert (people["duration_x"] == 1.0).all()
    for name in ("fitted_low", "fitted_mid", "fitted_high"):
        persona = found(cal, "personas", name)
        assert isinstance(persona.value, dict) and persona.value["duration_x"] == 1.0
        assert "; no activity minutes: speed not measured; cycle time x" in persona.note


def _timed_dials(seed: int) -> pd.DataFrame:
    """Dial rows with the day's call minutes: 20 people at 1.2 minutes a dial, ``slow_many``
    (60 days) and ``slow_few`` (3 days) at 2.4; each day's minutes a dial off by a lognormal
    factor (sd 0.3 of the log), 40 dials a day. Plus deals, so that personas are formed."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    plan = [(f"s{i:02d}", 60, 1.2) for i in range(20)] + [("slow_many", 60, 2.4)]
    plan.append(("slow_few", 3, 2.4))
    for person, days, per_dial in plan:
        for day in pd.bdate_range("2026-03-02", periods=days):
            minutes = 40 * per_dial * float(rng.lognormal(0.0, 0.3))
            rows.append(
                {
                    "person": person,
                    "date": day,
                    "kind": "dial",
                    "channel": "cold_list",
                    "count": 40.0,
                    "minutes": minutes,
                }
            )
    return _table(Kind.ACTIVITIES, rows)


def test_speed_is_measured_on_minutes_of_work_and_shrunk_towards_1(smb: Scenario) -> None:
    acts = _timed_dials(29)
    roles = {p: "sdr" for p in acts["person"].unique()}
    speed = speed_multipliers(acts, roles)
    many, few = speed["slow_many"], speed["slow_few"]
    # Twice the team's minutes a dial: the role's centre holds them too (63 of 1,263 days
    # at log 2), so the raw multiplier is about 2^(1 - 63/1263) = 1.93.
    assert many.raw == pytest.approx(2.0 ** (1 - 63 / 1263), rel=0.06)
    assert few.raw == pytest.approx(2.0 ** (1 - 63 / 1263), rel=0.3)
    # One k for the role; weight n / (n + k) on the log (normal-normal shrinkage).
    assert math.isfinite(many.k) and many.k == few.k > 0
    for s in (many, few):
        assert s.duration_x == pytest.approx(math.exp(s.rows / (s.rows + s.k) * math.log(s.raw)))
    assert 1.8 < many.duration_x < 2.1  # sixty days: barely moved
    assert 1.0 < few.duration_x < 1.0 + 0.75 * (few.raw - 1.0)  # three days: pulled to 1
    # The others sit just under 1 (the slow ones pull the centre up): 2^(-63/1263) = 0.966
    # on average, their mean within 0.03 (its sd is 0.3 / sqrt(1200) = 0.009).
    others = [speed[f"s{i:02d}"].duration_x for i in range(20)]
    assert float(np.mean(others)) == pytest.approx(2.0 ** (-63 / 1263), abs=0.03)
    # Through fit(): the people table carries it; a person without timed rows is at 1.
    untimed = _table(Kind.ACTIVITIES, [{"person": "quiet", "date": START, "kind": "dial"}])
    cal = fit(Records(activities=pd.concat([acts, untimed], ignore_index=True)), smb)
    people = cal.people.set_index("person")
    assert people.at["slow_many", "duration_x"] == pytest.approx(many.duration_x)
    assert people.at["quiet", "duration_x"] == 1.0


def test_a_person_alone_in_a_role_is_not_told_apart() -> None:
    # One person: no spread between people can be estimated, so k is infinite and the
    # multiplier is 1 whatever their minutes (the role's centre is their own).
    acts = _timed_dials(31)
    acts = acts[acts["person"] == "slow_many"]
    only = speed_multipliers(acts, {"slow_many": "sdr"})["slow_many"]
    assert only.k == math.inf and only.duration_x == 1.0 and only.raw == pytest.approx(1.0)


RAMP = (0.25, 0.5, 0.75, 1.0)  # the win at the last stage in months 1..4 of tenure, x


def _ramp_records(seed: int, deals_a_month: int) -> Records:
    """10 AEs who joined on different days; ``deals_a_month`` deals in each of their months
    of tenure 1..4 and four times as many after, won at the last stage at CONVERT x RAMP."""
    rng = np.random.default_rng(seed)
    month = 365.25 / 12
    team: list[dict[str, object]] = []
    deals: list[dict[str, object]] = []
    for i in range(10):
        person = f"ae{i}"
        start = START + pd.Timedelta(days=int(rng.integers(0, 60)))
        team.append({"person": person, "role": "account_executive", "start": start})
        for m, share in enumerate((*RAMP, 1.0)):
            count = deals_a_month // 10 * (4 if m == len(RAMP) else 1)
            for _ in range(count):
                # Whole days within the month of tenure, clear of its edges.
                created = start + pd.Timedelta(days=int((m + rng.uniform(0.02, 0.95)) * month))
                status, stage = "won", "contract"
                for k, name in enumerate(STAGES):
                    p = CONVERT[k] * (share if k == len(STAGES) - 1 else 1.0)
                    if rng.random() >= p:
                        status, stage = "lost", name
                        break
                deals.append(
                    {
                        "deal_id": f"d{len(deals)}",
                        "owner": person,
                        "created": created,
                        "closed": created + pd.Timedelta(days=30),
                        "status": status,
                        "stage": stage,
                        "value": 10000.0 if status == "won" else np.nan,
                        "segment": SEGMENT,
                        "channel": "demo_requests",
                    }
                )
    return Records(deals=_table(Kind.DEALS, deals), team=_table(Kind.TEAM, team))


def test_ramp_by_tenure_recovered() -> None:
    # The base's AE ramp has four months, so four ratios are fitted: each month's win at
    # the last stage over that of people past month 4. 2,000 deals a month of tenure reach
    # the last stage at 0.7 x 0.55 x 0.5 = 19 %: about 385 decisions there a month.
    text = (ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8")
    sets = ["roles.account_executive.ramp.productivity_by_month=[0.5, 0.7, 0.9, 1.0]"]
    base = parse_scenario(text, "b2b_smb.yaml", sets)
    records = _ramp_records(37, 2000)
    cal = fit(records, base)
    f = found(cal, "roles", "account_executive", "ramp", "productivity_by_month")
    assert isinstance(f.value, list) and len(f.value) == len(RAMP)
    assert f.note.startswith(
        "fitted: won of those decided at the last stage by month of tenure against people "
        "past month 4 ("
    )
    deals = prepare(records, base, Findings())
    assert deals is not None and records.team is not None
    starts = dict(zip(records.team["person"], records.team["start"], strict=True))
    months, _, ref_n, _ = ramp_months(deals, starts, len(RAMP), base)
    assert [round(m.ratio, 4) for m in months] == f.value
    assert ref_n > 4 * 300
    for m, truth in zip(months, RAMP, strict=True):
        assert m.low <= truth <= m.high, m
        assert m.ratio == pytest.approx(truth, abs=0.12), m
        assert m.high <= 1.0
    # Too few deals a month of tenure: the base's ramp stays, with the counts.
    few = fit(_ramp_records(37, 100), base)
    kept = {k.path: k.why for k in few.kept}
    why = kept[("roles", "account_executive", "ramp", "productivity_by_month")]
    assert why.startswith("decided deals by month of tenure: month 1: ")
    assert why.endswith(f"(at least {MIN_DEALS} each needed)")


def test_ratio_interval_is_katz_log_interval() -> None:
    # 30 of 100 against 60 of 100: ratio 0.5, se of the log sqrt(1/30 - 1/100 + 1/60 -
    # 1/100) = sqrt(0.03) = 0.1732, so 0.5 x exp(-/+ 1.96 x 0.1732) = 0.3561-0.7021.
    ratio, low, high = ratio_interval(30, 100, 60, 100)
    assert ratio == pytest.approx(0.5)
    assert (round(low, 4), round(high, 4)) == (0.3561, 0.7021)
    assert low == pytest.approx(0.5 * math.exp(-1.959964 * 0.03**0.5), rel=1e-6)
    assert high == pytest.approx(0.5 * math.exp(1.959964 * 0.03**0.5), rel=1e-6)


def test_referral_and_inbound_flows_recovered(smb: Scenario) -> None:
    rng = np.random.default_rng(13)
    rows: list[dict[str, object]] = []
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    for day in days:
        referrals = rng.poisson(4.0 / 7.0)
        working = smb.calendar.is_working_day(dt.date(day.year, day.month, day.day))
        inbound = rng.poisson(10.0 * 0.35) if working else 0
        for channel, count in (("partner_referrals", referrals), ("demo_requests", inbound)):
            for _ in range(count):
                # Open, won and lost (closed the day they came in, so the period is the
                # year): deals none of which is closed would be an open-only export.
                status = ("open", "won", "lost")[len(rows) % 3]
                rows.append(
                    {
                        "deal_id": f"d{len(rows)}",
                        "owner": "ae1",
                        "created": day,
                        "closed": None if status == "open" else day,
                        "status": status,
                        "segment": SEGMENT,
                        "channel": channel,
                    }
                )
    cal = fit(Records(deals=_table(Kind.DEALS, rows)), smb)
    weekly = found(cal, "channels", "partner_referrals", "leads_per_week")
    assert _contains(weekly, 4.0) and float(weekly.value) == pytest.approx(4.0, rel=0.1)  # type: ignore[arg-type]
    daily = found(cal, "channels", "demo_requests", "requests_per_day")
    assert _contains(daily, 10.0) and float(daily.value) == pytest.approx(10.0, rel=0.06)  # type: ignore[arg-type]


CONNECT = {"cold_list": 0.054, "marketing_leads": 0.133}


def _call_activities(seed: int, talk: dict[str, float]) -> pd.DataFrame:
    """8 people, 60 days, 25 dials a channel a day: connects at CONNECT, conversations a
    connect at ``talk`` per channel, bookings a conversation at 0.33; 4 call-backs a day."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for person in (f"s{i}" for i in range(8)):
        for day in pd.bdate_range("2026-03-02", periods=60):
            for channel, rate in CONNECT.items():
                dials = 25
                connects = rng.binomial(dials, rate)
                talks = rng.binomial(connects, talk[channel])
                books = rng.binomial(talks, 0.33)
                for kind, count in (
                    ("dial", dials),
                    ("connect", connects),
                    ("conversation", talks),
                    ("booking", books),
                ):
                    rows.append(
                        {
                            "person": person,
                            "date": day,
                            "kind": kind,
                            "channel": channel,
                            "count": float(count),
                        }
                    )
            rows.append({"person": person, "date": day, "kind": "other", "count": 3.0})
            # Call-backs: conversations with no dial or connect of their own, booking at the
            # same rate as first conversations.
            back = {"person": person, "date": day, "channel": "marketing_leads"}
            rows.append({**back, "kind": "conversation", "outcome": "callback", "count": 4.0})
            rows.append({**back, "kind": "booking", "count": float(rng.binomial(4, 0.33))})
    return _table(Kind.ACTIVITIES, rows)


def test_connect_and_conversation_rates_recovered(smb: Scenario) -> None:
    acts = _call_activities(19, {"cold_list": 0.58, "marketing_leads": 0.58})
    cal = fit(Records(activities=acts), smb)
    for channel, rate in CONNECT.items():
        f = found(cal, "channels", channel, "connect_rate")
        assert _contains(f, rate) and float(f.value) == pytest.approx(rate, rel=0.1)  # type: ignore[arg-type]
    talk = found(cal, "calls", "conversation_given_connect")
    book = found(cal, "calls", "lead_given_conversation")
    assert _contains(talk, 0.58) and _contains(book, 0.33)
    # No channel of b2b_smb has its own call rates: nothing is written to a channel.
    assert [f.path for f in cal.fits if str(f.path[-1]).endswith("_given_connect")] == [
        ("calls", "conversation_given_connect")
    ]
    # The SDRs take the policy's quota: the 50 dials a person-day are noted, not written.
    kept = {k.path: k.why for k in cal.kept}
    assert kept[("roles", "sdr", "call_quota_per_day")].startswith("observed 50 dials")
    assert [u.fit for u in cal.unwritten if u.what == "other activities"] == [
        "480 rows of kind other not read"
    ]


def test_a_channels_own_call_rate_is_fitted_on_its_own_calls() -> None:
    # The cold list carries its own conversation_given_connect (0.4 in the base, the
    # simulator reads it instead of calls'): the records talk on 30 % of its connects and
    # on 58 % of the marketing leads'. Each rate must be fitted where the simulator reads
    # it: the cold list's own from its rows, calls' from the marketing leads' alone.
    text = (ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8")
    base = parse_scenario(
        text, "b2b_smb.yaml", ["channels.cold_list.conversation_given_connect=0.4"]
    )
    acts = _call_activities(23, {"cold_list": 0.30, "marketing_leads": 0.58})
    cal = fit(Records(activities=acts), base)
    own = found(cal, "channels", "cold_list", "conversation_given_connect")
    pooled = found(cal, "calls", "conversation_given_connect")
    assert _contains(own, 0.30) and not _contains(own, 0.58)
    assert _contains(pooled, 0.58) and not _contains(pooled, 0.30)
    # Samples: the cold list's connects alone; calls' the marketing leads' alone.
    cold = acts[(acts["channel"] == "cold_list") & (acts["kind"] == "connect")]
    assert own.n == int(cold["count"].sum())
    marketing = acts[(acts["channel"] == "marketing_leads") & (acts["kind"] == "connect")]
    assert pooled.n == int(marketing["count"].sum())
    assert own.note.endswith("; cold_list's own rate")
    assert "(cold_list has one)" in pooled.note
    # No channel has its own lead_given_conversation: calls' pools both channels' talks.
    book = found(cal, "calls", "lead_given_conversation")
    assert _contains(book, 0.33)
    assert book.n == int(acts.loc[acts["kind"] == "conversation", "count"].sum())
    assert ("channels", "cold_list", "lead_given_conversation") not in {f.path for f in cal.fits}
    # A deals file alone: the channel's own rate is kept with the reason.
    deals, _ = draw_deals(100, days=100.0, seed=3)
    kept = {k.path: k.why for k in fit(Records(deals=deals), base).kept}
    assert kept[("channels", "cold_list", "conversation_given_connect")] == "no activities file"


def test_a_deals_file_alone_keeps_call_rates_and_leaves_seasonality_unwritten(
    smb: Scenario,
) -> None:
    deals, _ = draw_deals(400, days=150.0, seed=2)
    cal = fit(Records(deals=deals), smb)
    kept = {k.path for k in cal.kept}
    assert ("calls", "conversation_given_connect") in kept
    assert ("channels", "cold_list", "connect_rate") in kept
    assert ("roles", "sdr", "headcount", "current") in kept
    # smb_new_business has no deals: each of its stages keeps its convert.
    assert ("segments", "smb_new_business", "stages", "demo", "convert") in kept
    season = [u for u in cal.unwritten if u.what == "seasonality"]
    assert len(season) == 1 and season[0].why == "twelve months of won deals are needed"
    assert cal.period[0] == START


def test_twelve_months_give_a_seasonality_index(smb: Scenario) -> None:
    deals, _ = draw_deals(1500, days=500.0, seed=4)
    cal = fit(Records(deals=deals), smb)
    season = [u for u in cal.unwritten if u.what == "seasonality"]
    assert len(season) == 1 and season[0].why == "no field yet"
    assert season[0].fit.startswith("Jan ")
    indices = [float(part.split()[1]) for part in season[0].fit.split(", ")]
    assert len(indices) == 12 and np.mean(indices) == pytest.approx(1.0)


def test_deals_of_no_segment_are_kept_aside_not_a_crash() -> None:
    bank = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    deals, _ = draw_deals(50, days=100.0, seed=1)
    deals["segment"] = None
    deals["channel"] = None
    cal = fit(Records(deals=deals), bank)
    assert [k.why for k in cal.kept if k.path == ("segments",)] == [
        "all 50 deals left out of the segment fits: the deals have no segment column and "
        "the base has 2 segments (consumer_loan, payroll_project); map the file's with "
        "--column segment=<column> (or give a channel column whose channels each feed one "
        "segment)"
    ]
    deals.loc[:9, "segment"] = "nonesuch"
    cal = fit(Records(deals=deals), bank)
    assert [k.why for k in cal.kept if k.path == ("segments",)] == [
        "all 50 deals name no segment of the base (consumer_loan, payroll_project) and no "
        "channel that feeds only one: left out of the segment fits; map the records' names "
        "with --segment 'NAME=<segment>'"
    ]


def test_every_fit_goes_into_the_base_and_the_scenario_validates(
    smb: Scenario, recovered: Calibration
) -> None:
    sets = [".".join(map(str, f.path)) + "=" + json.dumps(f.value) for f in recovered.fits]
    text = (ROOT / "scenarios" / "b2b_smb.yaml").read_text(encoding="utf-8")
    calibrated = parse_scenario(text, "b2b_smb.yaml", sets)
    stage = calibrated.segments[SEGMENT].stages[2]
    assert (
        stage.convert
        == found(recovered, "segments", SEGMENT, "stages", "proposal", "convert").value
    )
