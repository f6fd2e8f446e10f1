"""The records' segment, role and channel names mapped onto a base scenario's ids.

A CRM says "SMB" and "AE" where the base scenario says ``smb_core`` and
``account_executive``. ``--segment "SMB=smb_core"``, ``--role "AE=account_executive"`` and
``--channel "Web=marketing_leads"`` (as ``--stage`` maps stage names) rename the records'
names before anything is fitted: deals' segments and channels, activities' channels, the
team's roles. Names are compared as column names are (calibrate.columns.column_key:
case, spaces and punctuation aside), so "smb" maps "SMB" too.

When the records yield nothing for the base (no segment, role or channel matches), every
fit would keep the base's value and the written scenario would be the base again:
:func:`nothing_matched` says what did not match and the option that maps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from calibrate.columns import column_key
from calibrate.contract import Records
from calibrate.fit.prepare import segment_of
from sim import Scenario

__all__ = ["NAME_OPTIONS", "NameMaps", "map_names", "name_map_errors", "nothing_matched"]

# What each map renames, the option that gives it, and the base's ids it names.
NAME_OPTIONS: dict[str, str] = {
    "segments": "--segment",
    "roles": "--role",
    "channels": "--channel",
}
_SHOWN = 5  # names listed in a message before "..."


@dataclass(frozen=True)
class NameMaps:
    """Record name -> base id, per kind of name (``--segment``, ``--role``, ``--channel``)."""

    segments: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.segments or self.roles or self.channels)


def _ids(base: Scenario, kind: str) -> list[str]:
    if kind == "segments":
        return list(base.segments)
    return list(base.roles) if kind == "roles" else list(base.channels)


def name_map_errors(maps: NameMaps, base: Scenario) -> list[str]:
    """One message per map target that is no id of the base, naming the valid ids."""
    errors = []
    for kind, option in NAME_OPTIONS.items():
        valid = _ids(base, kind)
        for name, target in getattr(maps, kind).items():
            if target not in valid:
                singular = kind[:-1]
                errors.append(
                    f"{option} '{name}={target}': '{target}' is no {singular} of the base "
                    f"scenario; its {kind}: {', '.join(valid)}"
                )
    return errors


def _renamed(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    lookup = {column_key(k): v for k, v in mapping.items()}

    def one(value: object) -> object:
        if isinstance(value, str):
            return lookup.get(column_key(value), value)
        return value

    return values.map(one)


def map_names(records: Records, maps: NameMaps) -> Records:
    """The records with their segment, role and channel names mapped (as given when unmapped)."""
    if not maps:
        return records
    deals, acts, team = records.deals, records.activities, records.team
    if deals is not None:
        attrs = dict(deals.attrs)
        deals = deals.assign(
            segment=_renamed(deals["segment"], maps.segments),
            channel=_renamed(deals["channel"], maps.channels),
        )
        deals.attrs = attrs
    if acts is not None:
        attrs = dict(acts.attrs)
        acts = acts.assign(channel=_renamed(acts["channel"], maps.channels))
        acts.attrs = attrs
    if team is not None:
        attrs = dict(team.attrs)
        team = team.assign(role=_renamed(team["role"], maps.roles))
        team.attrs = attrs
    return dataclasses.replace(records, deals=deals, activities=acts, team=team)


def _listed(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:_SHOWN])
    return shown + (", ..." if len(names) > _SHOWN else "")


def _strangers(values: pd.Series, known: list[str]) -> list[str]:
    """The distinct names in ``values`` that are no id in ``known``, most rows first."""
    named = values.dropna().astype(str)
    counts = named[~named.isin(known)].value_counts()
    return [str(n) for n in counts.index]


def _unmatched(kind: str, what: str, names: list[str], base: Scenario) -> str:
    valid = ", ".join(_ids(base, kind))
    option = NAME_OPTIONS[kind]
    if not names:
        return f"{what}: none named (the base's {kind}: {valid})"
    return (
        f"{what} {_listed(names)} match none of the base's {kind} ({valid}): map them with "
        f"{option} '{names[0]}=<{kind[:-1]}>' (repeatable)"
    )


def nothing_matched(records: Records, base: Scenario) -> str | None:
    """What did not match when no given table yields anything for the base (None: some do).

    The deals yield something when one falls in a base segment (its own, the base's only
    one, or the only one its channel feeds: the fits' rule); the team when one person's
    role is a base role; the activities when one row is on a base channel, or when no row
    names a channel (their call rates are the ``calls`` section's). A stage history alone
    is read through the deals, so it is not weighed.
    """
    parts: list[str] = []
    deals, acts, team = records.deals, records.activities, records.team
    if deals is not None and not deals.empty:
        placed = [
            segment_of(base, s, c) for s, c in zip(deals["segment"], deals["channel"], strict=True)
        ]
        if any(p is not None for p in placed):
            return None
        strange = _strangers(deals["segment"], _ids(base, "segments"))
        parts.append(_unmatched("segments", "the deals' segments", strange, base))
        if deals["channel"].notna().any():
            chans = _strangers(deals["channel"], _ids(base, "channels"))
            if chans:
                parts.append(_unmatched("channels", "the deals' channels", chans, base))
    if acts is not None and not acts.empty:
        named = acts["channel"].dropna().astype(str)
        if named.empty or named.isin(_ids(base, "channels")).any():
            return None
        strange = _strangers(acts["channel"], _ids(base, "channels"))
        parts.append(_unmatched("channels", "the activities' channels", strange, base))
    if team is not None and not team.empty:
        if team["role"].isin(_ids(base, "roles")).any():
            return None
        strange = _strangers(team["role"], _ids(base, "roles"))
        parts.append(_unmatched("roles", "the team's roles", strange, base))
    if not parts:
        return None
    return (
        "nothing in the records matches the base scenario, so nothing would be fitted "
        "(the scenario written would be the base again): " + "; ".join(parts)
    )
