"""The root of the scenario tree."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import Field, field_validator, model_validator

from sim.errors import ScenarioError
from sim.scenario.base import Frozen, Identifier, Level
from sim.scenario.calendar import Calendar
from sim.scenario.market import Calls, Channel, Segment
from sim.scenario.season import Seasonality
from sim.scenario.team import Persona, Role
from sim.scenario.templates import TeamTemplate, expand_templates
from sim.scenario.units import OrgUnit
from sim.scenario.work import Duty, Policies, SalesPlan

SCHEMA_VERSION = 1

# The locale money is written in when the scenario names none: English, as the rest of
# teamsim's output is, so one output never mixes "1,33 млн ₽" with "2,333.5" (issue 11).
# The euro: en_IE (Ireland) writes "€72K" (de_DE has no compact thousands form). RUB and
# any other currency: en_US ("RUB 1.33M"). A scenario's ``locale`` field overrides it.
DEFAULT_LOCALES: dict[str, str] = {
    "EUR": "en_IE",
    "USD": "en_US",
    "GBP": "en_GB",
}
FALLBACK_LOCALE = "en_US"
CURRENCY_PATTERN = r"^[A-Z]{3}$"  # an ISO 4217 code; the loader says so in words


class Scenario(Frozen):
    """A team, its market, its duties, its plan and its policies: everything a run needs."""

    schema_version: int = Field(SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION, description="Format.")
    name: str = Field(min_length=1, description="Scenario name shown in reports.")
    description: str = Field("", description="What the scenario represents and its sources.")
    currency: str = Field("RUB", pattern=CURRENCY_PATTERN, description="ISO 4217 code.")
    locale: str | None = Field(
        None,
        description=(
            "How money, percents, figures and month names are written, as a CLDR locale "
            "such as ru_RU, en_US, en_GB or de_DE (digit grouping, decimal mark, the "
            "currency's symbol, the words for thousands and millions: 30,0 млн ₽, 100,0 %, "
            "март 2027 г.). Default: English, as the rest of the output (EUR en_IE, USD "
            "en_US, GBP en_GB; RUB and any other en_US: RUB 1.33M, 100.0 %, Mar 2027)."
        ),
    )
    seed: int = Field(0, ge=0, description="Seed of all randomness in a run.")
    calendar: Calendar = Field(description="Horizon, working week and working day.")
    personas: dict[Identifier, Persona] = Field(
        default_factory=dict, description="Working styles, by id."
    )
    units: dict[Identifier, OrgUnit] = Field(
        default_factory=dict,
        description=(
            "Offices, branches and regions of a network, by id, with their parents: the "
            "tree the roles' unit fields place people in. Default: none, one team."
        ),
    )
    templates: dict[Identifier, TeamTemplate] = Field(
        default_factory=dict,
        exclude=True,
        description=(
            "Teams that units instantiate (a unit's template), by id: a unit north with "
            "template: branch has each role of the template, team_lead as north__team_lead, "
            "with the unit's headcounts, and each channel, walk_ins as north__walk_ins. "
            "Made into roles and channels before validation; a validated scenario keeps "
            "them for its checks (a template no unit uses is a warning) but leaves them "
            "out of its dump and hash. Default: none."
        ),
    )
    roles: dict[Identifier, Role] = Field(min_length=1, description="Roles, by id.")
    channels: dict[Identifier, Channel] = Field(
        default_factory=dict, description="Where clients and requests come from, by id."
    )
    calls: Calls | None = Field(None, description="Outbound calls (needed with warm/cold).")
    segments: dict[Identifier, Segment] = Field(
        default_factory=dict, description="Deal types and their funnels, by id."
    )
    duties: dict[Identifier, Duty] = Field(default_factory=dict, description="Duties, by id.")
    plan: SalesPlan = Field(description="The sales plan.")
    policies: Policies = Field(description="Quotas, caps and priorities.")
    seasonality: Seasonality | None = Field(
        None,
        description=(
            "Factors by calendar month for lead volumes, connect rates and client delays "
            "(summer, year end). Default: none, every month alike. The simulator plays "
            "them month by month; plain plan sizes the team with its design month's."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _made_from_templates(cls, data: Any) -> Any:
        # The loader expands first (it keeps where each made role came from, to name the
        # file's lines); here for a mapping validated directly, so it means the same.
        if not isinstance(data, dict):
            return data
        expansion = expand_templates(data)
        if expansion.problems:
            raise ScenarioError(expansion.problems)
        return expansion.data

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            if not value.strip():
                raise ValueError(value)
            Locale.parse(value)
        except (ValueError, UnknownLocaleError):
            raise ValueError(
                f"unknown locale {value!r}: write a CLDR locale such as ru_RU, en_US, en_GB "
                "or de_DE, or leave the field out for the currency's usual one"
            ) from None
        return value

    @staticmethod
    def default_locale(currency: str) -> str:
        """The locale money in ``currency`` (ISO 4217) is written in when none is named.

        EUR en_IE, USD en_US, GBP en_GB, RUB and any other en_US (``DEFAULT_LOCALES``).
        """
        return DEFAULT_LOCALES.get(currency, FALLBACK_LOCALE)

    @property
    def money_locale(self) -> str:
        """The locale of every figure shown: ``locale``, else the currency's usual one.

        Money (sim.money), percents and plain figures (sim.percent) and month names
        (teamsim.format.month_title) are all written in it, one locale an output.
        """
        return self.locale or self.default_locale(self.currency)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        # Imported here: the checks need the finished model, and the model module
        # must not depend on them at import time.
        from sim.scenario.consistency import check_all

        problems = check_all(self)
        if problems:
            # Not a ValueError on purpose: pydantic lets it through with every problem
            # and its own path, instead of folding them into one message at the root.
            raise ScenarioError(problems)
        return self

    def roles_at(self, level: Level) -> list[str]:
        """Ids of the roles at a level."""
        return [rid for rid, r in self.roles.items() if r.level is level]

    def duty_roles(self, duty_id: str) -> list[str]:
        """Ids of the roles that may do a duty."""
        duty = self.duties[duty_id]
        allowed = set(duty.roles) if duty.roles is not None else set(self.roles)
        return [rid for rid, r in self.roles.items() if r.level in duty.levels and rid in allowed]

    @property
    def role_units(self) -> dict[str, str | None]:
        """Each role id's organisational unit (``Role.unit``; ``None`` outside the units)."""
        return {rid: r.unit for rid, r in self.roles.items()}

    def direct_reports(self, role_id: str) -> list[str]:
        """Ids of the roles that report to a role."""
        return [rid for rid, r in self.roles.items() if r.reports_to == role_id]

    def reports_per_head(self, role_id: str) -> float:
        """Direct reports per person in a role, at current headcounts."""
        own = self.roles[role_id].headcount.current
        below = sum(self.roles[r].headcount.current for r in self.direct_reports(role_id))
        return below / own if own else 0.0

    @property
    def months(self) -> tuple[int, ...]:
        """For each working day, the 0-based index of its calendar month in the horizon."""
        return self.calendar.month_of_day

    def calendar_month(self, month_index: int) -> tuple[int, int]:
        """The calendar (year, month 1..12) of the n-th (0-based) month of the horizon.

        Month 0 is the month of the first working day, as in :attr:`months`.
        """
        # Not cached: a model_copy keeps cached values, and a copied calendar would then
        # answer with the old one's months.
        first = self.calendar.working_dates()[0]
        year, month0 = divmod(first.year * 12 + first.month - 1 + month_index, 12)
        return year, month0 + 1

    def month_label(self, month_index: int) -> str:
        """The n-th (0-based) month of the horizon as ``YYYY-MM``."""
        year, month = self.calendar_month(month_index)
        return f"{year:04d}-{month:02d}"

    def plan_target(self, month_index: int) -> float:
        """The revenue plan of the n-th (0-based) month of the horizon, scenario currency.

        The one way to read the plan by horizon month: the month is mapped to its calendar
        month, and the plan is by calendar month (a single value is every month's; twelve
        are January to December, repeated each year of the horizon).
        """
        return self.plan.for_calendar_month(self.calendar_month(month_index)[1])
