"""An activity log that does not record a kind says nothing of its rate (issue 10, 4th trial).

The trial's log had dials, connects, conversations and meetings but no booking row: it was
fitted as "0 bookings a conversation of 12987", which switched the cold channel off, and
its interval read "2.71e-18". A kind absent from the whole log keeps the base's rate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from calibrate.contract import COLUMNS, Kind, Records
from calibrate.fit import fit
from calibrate.fit.common import share_span
from sim import Scenario
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def smb() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")


def _activities(kinds: dict[str, float]) -> pd.DataFrame:
    """Twenty person-days on the cold list, each with ``kinds``' counts."""
    rows = [
        {"person": f"p{i % 4}", "date": pd.Timestamp("2027-01-04") + pd.Timedelta(days=i // 4),
         "kind": kind, "channel": "cold_list", "count": n}
        for i in range(20)
        for kind, n in kinds.items()
    ]  # fmt: skip
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS[Kind.ACTIVITIES]))
    frame["date"] = pd.to_datetime(frame["date"])
    frame["count"] = frame["count"].astype(float)
    frame["minutes"] = frame["minutes"].astype(float)
    return frame


def _paths(cal: object, attr: str) -> dict[tuple[str | int, ...], object]:
    return {x.path: x for x in getattr(cal, attr)}


def test_a_log_without_bookings_keeps_the_booking_rate(smb: Scenario) -> None:
    cal = fit(Records(activities=_activities({"dial": 60, "connect": 6, "conversation": 3})), smb)
    fits, kept = _paths(cal, "fits"), _paths(cal, "kept")
    assert ("calls", "lead_given_conversation") not in fits
    assert kept[("calls", "lead_given_conversation")].why == (
        "no booking rows in the activities: the log does not record them"
    )
    # What the log does record is fitted: 6 connects a dial of 60 is 10 %.
    assert fits[("channels", "cold_list", "connect_rate")].value == pytest.approx(0.1)
    assert fits[("calls", "conversation_given_connect")].value == pytest.approx(0.5)


def test_a_log_without_connects_keeps_the_connect_rate(smb: Scenario) -> None:
    cal = fit(Records(activities=_activities({"dial": 60, "booking": 1})), smb)
    kept = _paths(cal, "kept")
    assert kept[("channels", "cold_list", "connect_rate")].why == (
        "no connect rows in the activities: the log does not record them"
    )
    assert kept[("calls", "conversation_given_connect")].why == (
        "no conversation rows in the activities: the log does not record them"
    )


def test_a_logged_zero_is_still_a_fit(smb: Scenario) -> None:
    # Bookings logged elsewhere (another channel), none from these conversations: a real 0.
    acts = _activities({"dial": 60, "connect": 6, "conversation": 3})
    other = _activities({"booking": 0})
    cal = fit(Records(activities=pd.concat([acts, other], ignore_index=True)), smb)
    assert _paths(cal, "fits")[("calls", "lead_given_conversation")].value == 0.0


def test_a_tiny_bound_reads_as_zero_not_in_exponents() -> None:
    # The project's percent style, one decimal and a space before "%" (issue 10).
    assert share_span((2.71e-20, 0.000296)) == "95 % 0.0 % to 0.0 %"
    assert share_span((0.022, 0.1)) == "95 % 2.2 % to 10.0 %"
