"""Calibration speed: 100,000 deals and 1,000,000 activity rows, side by side in one run.

Issue 10, Deliver item 9 (goal: reading, normalising and fitting under 30 s here).

The files are generated with a fixed seed into a temporary folder, in the names of
scenarios/b2b_smb.yaml (its segments, channels and stages, so no mapping is needed):

- deals.csv: 100,000 deals over two years, 30 owners (18 SDRs on smb_new_business from
  marketing_leads, 12 account executives on smb_core from demo_requests and
  partner_referrals), won, lost and open (those still in a stage at the end of the two
  years), ISO dates, lognormal values;
- stages.csv: every stage each deal entered, with its date;
- activities.csv: 1,000,000 rows of a phone log (one row an activity, count 1): SDRs'
  dials on cold_list and marketing_leads with their connects, conversations and bookings
  (b2b_smb's rates), account executives' calls, meetings and proposals, e-mails;
- team.csv: the 30 sellers, two team leads and a head of sales.

Then, timed: (a) plain ``pandas.read_csv`` of the four files (the floor); (b)
``teamsim.records_io.read_records`` (reading, normalising, cross-checking), with its
reading part ``read_raw`` on its own; (c) ``calibrate.fit`` against b2b_smb.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibrate import fit
from teamsim.io import load_scenario
from teamsim.records_io import read_raw, read_records

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
SEED = 20271004
DEALS = 100_000
ACTIVITIES = 1_000_000
FIRST_DAY = np.datetime64("2025-01-01")
LAST_DAY = np.datetime64("2026-12-31")
GOAL_S = 30.0

SDRS = [f"sdr.{i:02d}" for i in range(1, 19)]
AES = [f"account_executive.{i:02d}" for i in range(1, 13)]
LEADS = ["team_lead.01", "team_lead.02"]
HEAD = "head_of_sales.01"

# b2b_smb's pipelines: segment, its stages (name, convert, mean client delay in days),
# mean deal value, channels with their shares. SDRs own the first, AEs the second.
_Stages = tuple[tuple[str, float, float], ...]
_PIPELINES: tuple[tuple[str, _Stages, float, dict[str, float]], ...] = (
    (
        "smb_new_business",
        (
            ("discovery", 0.59, 4.0),
            ("demo", 0.55, 7.0),
            ("proposal", 0.5, 7.0),
            ("contract", 0.76, 14.0),
        ),
        12_000.0,
        {"marketing_leads": 1.0},
    ),
    (
        "smb_core",
        (
            ("discovery", 0.7, 3.0),
            ("onsite_demo", 0.55, 7.0),
            ("proposal", 0.5, 10.0),
            ("contract", 0.76, 14.0),
        ),
        20_000.0,
        {"demo_requests": 0.75, "partner_referrals": 0.25},
    ),
)
_SEGMENT_SHARE = (0.6, 0.4)
# Phone-log rates (b2b_smb's calls and channels): connect a dial by channel, conversation
# a connect, booking a conversation.
_CONNECT = {"cold_list": 0.054, "marketing_leads": 0.133, "demo_requests": 0.4}
_CONVERSATION = 0.58
_BOOKING = 0.33


def working_days(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    """Monday to Friday from first to last inclusive, as datetime64[D]."""
    days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    return days[np.is_busday(days)]


def iso(days: np.ndarray) -> np.ndarray:
    """datetime64[D] as ISO strings, "" where NaT."""
    text = np.datetime_as_string(days, unit="D")
    return np.where(np.isnat(days), "", text)


def deal_tables(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n deals and their stage history, as the CRM would export them (all text)."""
    days = working_days(FIRST_DAY, LAST_DAY)
    which = rng.choice(len(_PIPELINES), size=n, p=_SEGMENT_SHARE)
    deal_parts: list[pd.DataFrame] = []
    stage_parts: list[pd.DataFrame] = []
    ids = np.array([f"D{i:07d}" for i in range(1, n + 1)], dtype=object)
    for p, (segment, stages, value_mean, channels) in enumerate(_PIPELINES):
        mine = np.flatnonzero(which == p)
        m = len(mine)
        owners = np.array(SDRS if p == 0 else AES, dtype=object)
        entered = days[rng.integers(0, len(days), size=m)]
        created = entered.copy()
        status = np.full(m, "open", dtype=object)
        stage = np.full(m, stages[0][0], dtype=object)
        closed = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
        alive = np.ones(m, dtype=bool)  # still moving through the stages
        for k, (name, convert, delay) in enumerate(stages):
            stage_parts.append(
                pd.DataFrame(
                    {"deal_id": ids[mine[alive]], "stage": name, "entered": iso(entered[alive])}
                )
            )
            stage[alive] = name
            leaves = entered + rng.exponential(delay, size=m).round().astype("timedelta64[D]")
            done = alive & (leaves <= LAST_DAY)  # the rest stay open in this stage
            moves = done & (rng.random(m) < convert)
            lost = done & ~moves
            status[lost] = "lost"
            closed[lost] = leaves[lost]
            if k == len(stages) - 1:
                status[moves] = "won"
                closed[moves] = leaves[moves]
                moves[:] = False
            entered = np.where(moves, leaves, entered)
            alive = moves
        sigma = 0.5
        mu = np.log(value_mean) - sigma**2 / 2  # a lognormal whose mean is value_mean
        values = rng.lognormal(mu, sigma, size=m).round(-1)
        names = list(channels)
        deal_parts.append(
            pd.DataFrame(
                {
                    "deal_id": ids[mine],
                    "owner": owners[rng.integers(0, len(owners), size=m)],
                    "created": iso(created),
                    "closed": iso(closed),
                    "status": status,
                    "stage": stage,
                    "value": values.astype(int).astype(str),
                    "segment": segment,
                    "channel": rng.choice(names, size=m, p=list(channels.values())),
                    "account": [f"A{i:07d}" for i in mine + 1],
                    "_order": mine,
                }
            )
        )
    deals = pd.concat(deal_parts).sort_values("_order").drop(columns="_order")
    history = pd.concat(stage_parts).sort_values(["deal_id", "entered"], kind="stable")
    return deals.reset_index(drop=True), history.reset_index(drop=True)


def activities_table(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Exactly n phone-log rows (count 1 each) over the two years, sorted by person and day.

    SDRs dial cold_list (70 %) and marketing_leads, account executives call demo_requests;
    each dial is a row, and its connect, conversation and booking rows follow with the
    rates above. Meetings and proposals of account executives, and e-mails (kind "email",
    which the fits count as other) fill the file to exactly n rows.
    """
    days = working_days(FIRST_DAY, LAST_DAY)
    dials = int(n * 0.8)  # the funnel's rows and the meetings add about 12 %
    sdr = rng.random(dials) < 0.85
    person = np.where(sdr, rng.choice(SDRS, size=dials), rng.choice(AES, size=dials)).astype(object)
    channel = np.where(
        sdr,
        np.where(rng.random(dials) < 0.7, "cold_list", "marketing_leads"),
        "demo_requests",
    ).astype(object)
    day = days[rng.integers(0, len(days), size=dials)]
    connect_rate = pd.Series(channel).map(_CONNECT).to_numpy(float)
    connects = rng.random(dials) < connect_rate
    talks = connects & (rng.random(dials) < _CONVERSATION)
    books = talks & (rng.random(dials) < _BOOKING)
    parts: list[dict[str, Any]] = []
    for kind, mask, minutes in (
        ("dial", np.ones(dials, dtype=bool), rng.uniform(0.5, 1.0, dials)),
        ("connect", connects, np.full(dials, np.nan)),
        ("conversation", talks, rng.lognormal(np.log(3.2) - 0.1, 0.45, dials)),
        ("booking", books, rng.lognormal(np.log(5.8) - 0.05, 0.3, dials)),
    ):
        parts.append(
            {
                "person": person[mask],
                "date": day[mask],
                "kind": kind,
                "channel": channel[mask],
                "minutes": minutes[mask],
                "outcome": "",
            }
        )
    used = sum(len(p["person"]) for p in parts)
    if used > n:
        raise ValueError(f"{used} funnel rows already exceed {n}; lower the dials' share")
    rest = n - used
    meeting = rng.random(rest) < 0.3
    kinds = np.where(meeting, np.where(rng.random(rest) < 0.7, "meeting", "proposal"), "email")
    parts.append(
        {
            "person": rng.choice(AES + SDRS, size=rest).astype(object),
            "date": days[rng.integers(0, len(days), size=rest)],
            "kind": kinds.astype(object),
            "channel": rng.choice(["demo_requests", "partner_referrals"], size=rest),
            "minutes": np.where(meeting, 60.0, 3.0),
            "outcome": "",
        }
    )
    table = pd.concat([pd.DataFrame(p) for p in parts], ignore_index=True)
    table = table.sort_values(["person", "date"], kind="stable").reset_index(drop=True)
    return pd.DataFrame(
        {
            "person": table["person"],
            "date": iso(table["date"].to_numpy("datetime64[D]")),
            "kind": table["kind"],
            "channel": table["channel"],
            "count": "1",
            "minutes": np.where(table["minutes"].isna(), "", table["minutes"].round(2).astype(str)),
            "outcome": table["outcome"],
        }
    )


def team_table(rng: np.random.Generator) -> pd.DataFrame:
    """The team: sellers under two team leads under a head of sales."""
    people = [HEAD, *LEADS, *SDRS, *AES]
    roles = ["head_of_sales", "team_lead", "team_lead"] + ["sdr"] * len(SDRS)
    roles += ["account_executive"] * len(AES)
    managers = ["", HEAD, HEAD] + [LEADS[i % 2] for i in range(len(SDRS) + len(AES))]
    levels = ["middle", "lower", "lower"] + ["line"] * (len(SDRS) + len(AES))
    starts = FIRST_DAY - rng.integers(30, 900, size=len(people)).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "person": people,
            "role": roles,
            "manager": managers,
            "unit": "",
            "start": iso(starts),
            "days_away": rng.uniform(12, 26, size=len(people)).round(2).astype(str),
            "level": levels,
        }
    )


def write_files(
    folder: Path, *, deals: int = DEALS, activities: int = ACTIVITIES, seed: int = SEED
) -> dict[str, Path]:
    """Write deals.csv, stages.csv, activities.csv and team.csv into folder; their paths."""
    rng = np.random.default_rng(seed)
    deal_rows, history = deal_tables(deals, rng)
    frames = {
        "deals": deal_rows,
        "stages": history,
        "activities": activities_table(activities, rng),
        "team": team_table(rng),
    }
    paths = {}
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        paths[name] = path
    return paths


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<52} {seconds:8.2f} s  {note}", flush=True)


def main() -> None:
    cores = os.cpu_count() or 1
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    # Other work on the machine skews the figures: say how much there was.
    print(f"teamsim calibration benchmark ({cores} cores, load average {load})")
    base = load_scenario(BASE)
    with tempfile.TemporaryDirectory(prefix="teamsim-bench-") as tmp:
        t_write, paths = timed(lambda: write_files(Path(tmp)))
        lines = {k: sum(1 for _ in p.open("rb")) - 1 for k, p in paths.items()}
        megabytes = sum(p.stat().st_size for p in paths.values()) / 1e6
        counts = ", ".join(f"{k} {v:,}" for k, v in lines.items())
        print(f"files: {counts} rows, {megabytes:.0f} MB (written in {t_write:.1f} s)")

        t_pandas, _ = timed(lambda: [pd.read_csv(p) for p in paths.values()])
        t_raw, _ = timed(lambda: [read_raw(p) for p in paths.values()])
        t_read, records = timed(lambda: read_records(**paths))
        t_fit, calibration = timed(lambda: fit(records, base))

    total = t_read + t_fit
    row("(a) pandas.read_csv, the four files (the floor)", t_pandas)
    row("    read_raw alone (encoding, delimiter, all str)", t_raw, f"{t_raw / t_pandas:.1f}x (a)")
    row(
        "(b) read_records (read, normalise, cross-check)", t_read, f"b/a = {t_read / t_pandas:.1f}x"
    )
    row("(c) fit against b2b_smb", t_fit)
    row(
        "(b)+(c)",
        total,
        f"(b+c)/a = {total / t_pandas:.1f}x; goal < {GOAL_S:.0f} s: "
        + ("met" if total < GOAL_S else "NOT met"),
    )
    dropped = sum(records.dropped.values())
    print(
        f"  {len(records.problems)} problems, {dropped} rows left out; "
        f"{len(calibration.fits)} fits, {len(calibration.kept)} kept, "
        f"{len(calibration.unwritten)} not written"
    )


if __name__ == "__main__":
    main()
