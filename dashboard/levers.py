"""The main levers of a scenario as ``path=value`` overrides: what the Scenario page edits.

Widgets never build a scenario themselves: they collect overrides, and the scenario is
parsed again from its original text with them, so that the loader's checks (and its
messages, matched back to the lever by field path) come for free.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from sim import Problem, humane, title
from sim.scenario import PathPart, Scenario, apply_overrides, dotted

__all__ = [
    "Lever",
    "changed",
    "edited_yaml",
    "levers",
    "override_text",
    "overrides_from",
    "problems_for",
    "unplaced",
]

Kind = Literal["people", "headcount", "days", "count", "share", "money", "money_list"]


@dataclass(frozen=True)
class Lever:
    """One editable field: where it is, what it is called, its value in the scenario."""

    path: tuple[PathPart, ...]
    group: str
    label: str
    kind: Kind
    value: Any  # int, float, {current, min, max} or a list of floats
    help: str = ""

    @property
    def key(self) -> str:
        """The dotted path: the lever's id in overrides and widget keys."""
        return dotted(self.path)


def levers(scenario: Scenario) -> list[Lever]:
    """The levers worth a widget: headcount, absence, quotas, plan, conversions."""
    found: list[Lever] = []
    for role_id, role in scenario.roles.items():
        name = title(role_id, scenario)
        hc = role.headcount
        path: tuple[PathPart, ...] = ("roles", role_id, "headcount")
        kind: Kind = "people" if hc.fixed else "headcount"
        value = hc.current if hc.fixed else {"current": hc.current, "min": hc.min, "max": hc.max}
        found.append(
            Lever(
                path=path, group="Team", label=name, kind=kind, value=value, help=role.level.value
            )
        )
        absence = ("roles", role_id, "absence")
        found.append(
            Lever(
                path=(*absence, "vacation_days"),
                group="Absence",
                label=f"{name}: vacation",
                kind="days",
                value=role.absence.vacation_days,
                help="working days a year",
            )
        )
        found.append(
            Lever(
                path=(*absence, "sick_days"),
                group="Absence",
                label=f"{name}: sick",
                kind="days",
                value=role.absence.sick_days,
                help="working days a year",
            )
        )
    policies = scenario.policies
    found += [
        Lever(
            path=("policies", "call_quota_per_day"),
            group="Policies",
            label="Call quota (dials a day)",
            kind="count",
            value=policies.call_quota_per_day,
            help="outbound dials a seller aims for a day",
        ),
        Lever(
            path=("policies", "max_calls_per_day"),
            group="Policies",
            label="Most dials a day",
            kind="count",
            value=policies.max_calls_per_day,
            help="a person stops dialling here",
        ),
        Lever(
            path=("policies", "occupancy_cap"),
            group="Policies",
            label="Occupancy cap",
            kind="share",
            value=policies.occupancy_cap,
            help="most of the available time that may be planned busy",
        ),
    ]
    plan = scenario.plan.revenue_per_month
    found.append(
        Lever(
            path=("plan", "revenue_per_month"),
            group="Plan",
            label=f"Sales plan a month ({scenario.currency})",
            kind="money" if len(plan) == 1 else "money_list",
            value=plan[0] if len(plan) == 1 else list(plan),
            help="revenue a month" if len(plan) == 1 else "twelve values, January to December",
        )
    )
    found.append(
        Lever(
            path=("plan", "confidence"),
            group="Plan",
            label="Wanted P(plan met)",
            kind="share",
            value=scenario.plan.confidence,
            help="how sure the team must be of meeting the plan",
        )
    )
    for seg_id, segment in scenario.segments.items():
        for i, stage in enumerate(segment.stages):
            # By index, not by name: the loader then attributes a problem to this override.
            found.append(
                Lever(
                    path=("segments", seg_id, "stages", i, "convert"),
                    group=f"Conversions: {title(seg_id, scenario)}",
                    label=humane(stage.name),
                    kind="share",
                    value=stage.convert,
                    help="share of deals that pass the stage",
                )
            )
    return found


def override_text(lever: Lever, value: Any) -> str:
    """``path=value`` for a lever's new value (JSON is YAML, so dicts and lists work)."""
    return f"{lever.key}={json.dumps(_plain(value))}"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def changed(lever: Lever, value: Any) -> bool:
    """Whether a widget's value differs from the scenario's."""
    return bool(_plain(value) != _plain(lever.value))


def problems_for(lever: Lever, problems: Iterable[Problem]) -> list[Problem]:
    """The problems about this lever's field, or about the object it is part of."""
    mine = []
    for p in problems:
        inside = p.path[: len(lever.path)] == lever.path
        parent = len(p.path) == len(lever.path) - 1 and lever.path[: len(p.path)] == p.path
        if p.path and (inside or parent):
            mine.append(p)
    return mine


def unplaced(all_levers: Sequence[Lever], problems: Iterable[Problem]) -> list[Problem]:
    """Problems no lever shows: the page lists them at the top."""
    return [p for p in problems if not any(problems_for(lv, [p]) for lv in all_levers)]


def edited_yaml(text: str, overrides: Sequence[str], header: str = "") -> str:
    """The scenario's YAML with the overrides applied (comments are not kept)."""
    data = yaml.safe_load(text)
    data, _, problems = apply_overrides(data, overrides)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def overrides_from(values: Mapping[str, Any], all_levers: Sequence[Lever]) -> list[str]:
    """Overrides for the levers whose value differs from the scenario's."""
    by_key = {lv.key: lv for lv in all_levers}
    return [
        override_text(by_key[k], v)
        for k, v in values.items()
        if k in by_key and changed(by_key[k], v)
    ]
