"""Issue 10 S10: open deals older than every win are said to be left undecided.

The Aalen-Johansen eventual win rate (calibrate.fit.censored) stops at the last age seen:
an open deal older than every win is censored past the last win and counted neither won
nor lost. The note says how many deals are so (count and share), only when there are any.
"""

from __future__ import annotations

import pandas as pd

from calibrate.fit.censored import eventual_win
from calibrate.fit.funnel import win_rate_text

LAST = pd.Timestamp("2027-06-30")


def _deals(old_open: int) -> pd.DataFrame:
    """20 won at 10 to 29 days, 30 lost at 5 days, 10 open 3 days old, ``old_open`` 100 days old."""
    rows = []
    start = pd.Timestamp("2027-01-04")
    for i in range(20):
        rows.append(("won", start, start + pd.Timedelta(days=10 + i)))
    for _ in range(30):
        rows.append(("lost", start, start + pd.Timedelta(days=5)))
    for _ in range(10):
        rows.append(("open", LAST - pd.Timedelta(days=3), pd.NaT))
    for _ in range(old_open):
        rows.append(("open", LAST - pd.Timedelta(days=100), pd.NaT))
    return pd.DataFrame(rows, columns=["status", "created", "closed"])


def test_open_deals_older_than_every_win_are_counted_and_said() -> None:
    win = eventual_win(_deals(4), LAST)
    assert win is not None
    assert (win.won, win.lost, win.open) == (20, 30, 14)
    assert win.undecided == 4  # the 100-day-old ones; the 3-day-old are younger than a win
    # 4 of the 64 deals read: 6.25 %.
    assert win_rate_text(win).endswith(
        "; 4 open deals (6.2 % of the deals) older than every win are left undecided "
        "(counted neither won nor lost)"
    )


def test_nothing_said_when_no_open_deal_is_older_than_every_win() -> None:
    win = eventual_win(_deals(0), LAST)
    assert win is not None
    assert win.undecided == 0
    assert "undecided" not in win_rate_text(win)
