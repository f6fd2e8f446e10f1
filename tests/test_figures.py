"""Figures that mean one thing: waits carried overnight apart, shares within [0, 1]."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import simulate
from sim.kpis import KPIS, per_replication, summarise
from sim.model import RunRecords
from sim.records import PersonRecord, WaitRecord
from sim.results import build_frames, to_columns
from sim.scenario import Scenario
from teamsim.cli import app
from teamsim.console import json_text
from teamsim.io import load_scenario
from tests.model_helpers import tiny

DAY_MIN = 1440.0
OPEN_MIN = 480.0  # 09:00 to 17:00


def desk(requests_per_day: float = 4.0, handle_min: float = 10.0) -> Scenario:
    """The tiny team, its one seller answering an inbound channel, no warm-up."""
    return tiny(
        calendar={"warmup_days": 0},
        roles={"seller": {"handles_inbound": True}},
        channels={
            "web": {
                "kind": "inbound",
                "requests_per_day": requests_per_day,
                "handle_min": handle_min,
                "answer_within_min": 60,
            }
        },
    )


def starts(sc: Scenario) -> list[float]:
    """Minute at which each working day opens (09:00), from the calendar's first day."""
    first = sc.calendar.start
    return [(d - first).days * DAY_MIN + 540.0 for d in sc.calendar.working_dates()]


def inbound(arrived: float, started: float, horizon_min: float) -> WaitRecord:
    """An inbound request's wait as the model records it (never started: started -1)."""
    wait = (started if started >= 0 else horizon_min) - arrived
    answered = started >= 0
    return WaitRecord(
        "inbound",
        "seller.01" if answered else "",
        "line",
        arrived,
        started,
        wait,
        wait > 60,
        "web",
        "answered" if answered else "unanswered",
    )


def test_a_request_answered_next_morning_is_carried_not_in_the_asa() -> None:
    sc = desk()
    day = starts(sc)  # Mon 2027-01-11 to Fri 2027-01-15
    horizon = day[-1] + OPEN_MIN
    waits = [
        inbound(day[0] + 60, day[0] + 60, horizon),  # answered at once
        inbound(day[0] + 100, day[0] + 130, horizon),  # 30 min, same day
        inbound(day[0] + 470, day[1] + 5, horizon),  # 16:50 Monday -> 09:05 Tuesday
        inbound(day[3] + 400, -1.0, horizon),  # never answered
    ]
    rec = RunRecords(
        horizon_min=horizon,
        day_starts_min=day,
        warmup_days=0,
        people=[PersonRecord("seller.01", "seller", "line", "", "", 1.0)],
        waits=waits,
    )
    frames = build_frames(sc, [to_columns(rec, 0, 1)])
    assert frames.waits["day"].tolist() == [0, 0, 0, 3]
    assert frames.waits["started_day"].tolist() == [0, 0, 1, -1]

    row = per_replication(frames, sc).iloc[0]
    overnight = day[1] + 5 - (day[0] + 470)
    assert overnight == 975.0  # 10 min to closing, 16 h closed, 5 min after opening
    assert row["inbound_asa_min"] == pytest.approx((0 + 30) / 2)  # the carried ones left out
    assert row["inbound_carried_share"] == pytest.approx(2 / 4)
    unanswered = horizon - (day[3] + 400)  # up to Friday's closing: a lower bound
    assert row["inbound_carried_wait_min"] == pytest.approx((overnight + unanswered) / 2)
    # Every request stays in the service level and the share that waited.
    assert row["inbound_service_level"] == pytest.approx(2 / 4)  # the carried two are late
    assert row["inbound_wait_share"] == pytest.approx(3 / 4)


def test_nothing_carried_means_no_carried_wait() -> None:
    sc = desk()
    day = starts(sc)
    horizon = day[-1] + OPEN_MIN
    rec = RunRecords(
        horizon_min=horizon,
        day_starts_min=day,
        warmup_days=0,
        waits=[inbound(day[2] + 10, day[2] + 25, horizon)],
    )
    row = per_replication(build_frames(sc, [to_columns(rec, 0, 1)]), sc).iloc[0]
    assert row["inbound_asa_min"] == pytest.approx(15.0)
    assert row["inbound_carried_share"] == 0.0
    assert math.isnan(row["inbound_carried_wait_min"])


def test_an_overloaded_desk_carries_requests_overnight() -> None:
    # One seller, 16 requests a day of 60 minutes each: at most 8 a day are answered, so
    # the queue surely outlives every closing and requests wait overnight.
    sc = desk(requests_per_day=16.0, handle_min=60.0)
    result = simulate(sc, replications=1, workers=1)
    waits = result.frames.waits
    asked = waits.loc[waits["kind"] == "inbound"]
    day = np.asarray(starts(sc))
    arrived_day = np.searchsorted(day, asked["arrived_min"], side="right") - 1
    started_day = np.searchsorted(day, asked["started_min"], side="right") - 1
    never = (asked["started_min"] < 0).to_numpy()
    later = ~never & (started_day > arrived_day)
    carried = never | later
    assert later.sum() > 0 and (~carried).sum() > 0
    # Closed from 17:00 to 09:00: a request answered on a later day waited 16 hours or more.
    assert asked.loc[later, "wait_min"].min() >= DAY_MIN - OPEN_MIN
    assert asked.loc[~carried, "wait_min"].max() <= OPEN_MIN

    row = result.kpi_replications.iloc[0]
    assert row["inbound_carried_share"] == pytest.approx(carried.mean())
    assert row["inbound_carried_wait_min"] == pytest.approx(asked.loc[carried, "wait_min"].mean())
    assert row["inbound_asa_min"] == pytest.approx(asked.loc[~carried, "wait_min"].mean())
    assert row["inbound_asa_min"] < OPEN_MIN < row["inbound_carried_wait_min"]
    assert row["inbound_service_level"] == pytest.approx((~asked["late"]).mean())


def test_new_kpis_have_labels_and_units() -> None:
    by_name = {k.name: k for k in KPIS}
    assert by_name["inbound_carried_share"].unit == "share"
    assert by_name["inbound_carried_wait_min"].unit == "min"
    assert by_name["inbound_asa_min"].unit == "min"
    assert all(k.label for k in KPIS)


# --- shares and their intervals within [0, 1] ------------------------------------------


def test_intervals_of_shares_are_clipped_to_0_1() -> None:
    per_rep = pd.DataFrame(
        {
            "seed": [1, 1, 1],
            # A t interval around 0.967 with sd 0.058 and 2 df reaches 1.11: above 100 %.
            "inbound_service_level": [1.0, 1.0, 0.9],
            "inbound_carried_share": [0.0, 0.0, 0.1],
            "win_rate": [0.0, 1.0, 1.0],
            # Attainment and utilisation are ratios: above 1 is a real value, kept.
            "attainment": [1.2, 1.4, 1.0],
            "utilisation_line": [1.05, 1.1, 0.95],
        }
    )
    table = summarise(per_rep).set_index("kpi")
    level = table.loc["inbound_service_level"]
    assert level["ci_high"] == 1.0 and 0.0 < level["ci_low"] < level["mean"] < 1.0
    carried = table.loc["inbound_carried_share"]
    assert carried["ci_low"] == 0.0 and carried["ci_high"] < 1.0
    win = table.loc["win_rate"]
    assert (win["ci_low"], win["ci_high"]) == (0.0, 1.0)
    assert table.loc["attainment", "ci_high"] > 1.4
    assert table.loc["utilisation_line", "p90"] > 1.0
    for name, row in table.iterrows():
        if name in ("inbound_service_level", "inbound_carried_share", "win_rate"):
            stats = row[["ci_low", "ci_high", "p10", "p50", "p90"]].to_numpy(dtype=float)
            assert ((stats >= 0.0) & (stats <= 1.0)).all(), name


def test_unclipped_interval_really_passes_one() -> None:
    # The premise of the test above: without clipping, the interval passes 100 %.
    from sim.stats import spread

    assert spread([1.0, 1.0, 0.9]).ci_high > 1.1


# --- --json never prints NaN or Infinity -------------------------------------------------

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
BUNDLED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def strict_json(text: str) -> Any:
    """Parse JSON as a strict reader would: NaN, Infinity and -Infinity are refused."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_strict_json_refuses_what_json_dumps_writes_by_default() -> None:
    with pytest.raises(ValueError, match="NaN"):
        strict_json(json.dumps({"x": math.nan}))


def test_json_ready_turns_every_non_finite_float_into_null() -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": [np.inf, 2.0], "c": ["x", None]})
    data = {
        "plain": math.nan,
        "numpy": np.float64("-inf"),
        "float32": np.float32("nan"),
        "ints": (np.int64(3), np.bool_(True)),
        "nested": [{"deep": (1.5, float("inf"))}],
        "records": frame.to_dict(orient="records"),
        "frame": frame,
        "series": pd.Series([np.nan, 1.0]),
        "missing": [pd.NA, pd.NaT],
        "when": pd.Timestamp("2027-01-04 09:00"),
    }
    parsed = strict_json(json_text(data))
    assert parsed["plain"] is None and parsed["numpy"] is None and parsed["float32"] is None
    assert parsed["ints"] == [3, True]
    assert parsed["nested"] == [{"deep": [1.5, None]}]
    expected = [{"a": 1.0, "b": None, "c": "x"}, {"a": None, "b": 2.0, "c": None}]
    assert parsed["records"] == expected and parsed["frame"] == expected
    assert parsed["series"] == [None, 1.0]
    assert parsed["missing"] == [None, None]
    assert parsed["when"] == "2027-01-04T09:00:00"


COMMANDS = {
    "simulate": ["simulate", "-n", "2", "--workers", "1", "--no-save"],
    "plan": ["plan"],
    "plan --verify": ["plan", "--verify", "--replications", "2", "--iterations", "1"],
}


@pytest.mark.parametrize("scenario", BUNDLED)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_json_output_is_strict_json(command: str, scenario: str, tmp_path: Path) -> None:
    name, *options = COMMANDS[command]
    args = [name, str(SCENARIOS / scenario), *options, "--json"]
    if command != "plan":
        # Two counted months are enough for every figure the JSON holds (months met,
        # a first month, the horizon's end); the scenarios' own run up to two years.
        calendar = load_scenario(SCENARIOS / scenario).calendar
        horizon = min(calendar.horizon_days, calendar.warmup_days + 45)
        args += ["--set", f"calendar.horizon_days={horizon}"]
    if command == "plan --verify":
        args += ["--workers", "1", "--store", str(tmp_path / "runs.duckdb")]
    result = CliRunner().invoke(app, args)
    # --verify exits 3 when the plan cannot be verified: its JSON still says why.
    assert result.exit_code in (0, 3), result.output
    data = strict_json(result.stdout)
    assert isinstance(data, dict) and data
