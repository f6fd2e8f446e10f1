"""Deal values per segment: a lognormal fitted to the won deals' values.

The scenario holds one number (``deal_value``): the fitted lognormal's mean,
exp(mu + s^2 / 2), with Cox's 95 % interval for a lognormal mean (Land 1972; Olsson 2005:
mu + s^2/2 +- t sqrt(s^2/n + s^4 / (2 (n - 1)))). The shape goes to "not written".
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from calibrate.contract import Status
from calibrate.fit.common import CONFIDENCE, Deals, Findings, money_span
from calibrate.records import NO_VALUES
from calibrate.words import counted
from sim import Scenario, format_money

# Fewer won deals with a value than this and deal_value stays the base's.
MIN_VALUES = 3


def lognormal_mean(values: np.ndarray) -> tuple[float, float, float, float]:
    """(mean, low, high, sd) of a lognormal fitted to positive values (Cox interval).

    Values all alike (a CRM that shows the list price on every deal) give that value
    exactly, sd 0: through logs and back, rounding would put it a hair outside its own
    interval (20,000 as 19,999.99999999995).
    """
    if len(values) and float(np.ptp(values)) == 0.0:
        same = float(values[0])
        return same, same, same, 0.0
    logs = np.log(values)
    n = len(logs)
    mu, s2 = float(logs.mean()), float(logs.var(ddof=1))
    centre = mu + s2 / 2.0
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * math.sqrt(
        s2 / n + s2 * s2 / (2.0 * (n - 1))
    )
    mean = math.exp(centre)
    sd = mean * math.sqrt(math.expm1(s2))
    return mean, math.exp(centre - half), math.exp(centre + half), sd


def fit_values(deals: Deals | None, base: Scenario, out: Findings) -> None:
    """Each segment's deal_value (the lognormal mean) and its shape (not written)."""
    for sid in base.segments:
        path = ("segments", sid, "deal_value")
        if deals is None:
            out.keep(path, out.no_deals)
            continue
        mine = deals.table[
            (deals.table["seg"] == sid) & (deals.table["status"] == Status.WON.value)
        ]
        values = mine["value"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        usable = values[values > 0]
        if deals.table["value"].isna().all():  # no value column: said once for all
            out.keep(path, NO_VALUES)
            continue
        if len(usable) < MIN_VALUES:
            few = counted(len(usable), "won deal")
            out.keep(path, f"{few} of {sid} with a value (fewer than {MIN_VALUES})")
            continue
        mean, low, high, sd = lognormal_mean(usable)
        aside = (
            f"; {len(values) - len(usable)} of value 0 left out"
            if len(usable) < len(values)
            else ""
        )
        cur, loc = base.currency, base.money_locale
        note = (
            f"fitted: lognormal mean of {len(usable)} won deals, "
            f"{money_span((low, high), cur, loc)}, sd {format_money(sd, cur, loc)}{aside}"
        )
        out.fit(path, round(mean, 2), n=len(usable), interval=(low, high), note=note)
        out.unwrite(
            f"deal values of {sid}",
            f"lognormal mean {format_money(mean, cur, loc)} sd {format_money(sd, cur, loc)} "
            f"({len(usable)} won deals)",
        )
