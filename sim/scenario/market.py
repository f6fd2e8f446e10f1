"""Where clients come from (channels), how calls go, and the segments' funnels."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import (
    Frozen,
    Identifier,
    Level,
    NonNegFloat,
    NonNegInt,
    PositiveFloat,
    Probability,
)
from sim.scenario.calendar import Weekday
from sim.scenario.distributions import Distribution, fixed


class _Titled(Frozen):
    """A channel's title, shown in reports in place of its id (sim.names.title), and unit."""

    title: str = Field(
        "",
        description=(
            'What a report calls the channel ("Website requests"); empty: its id in words.'
        ),
    )
    unit: Identifier | None = Field(
        None,
        description=(
            "Id of the office, branch or region (in units) whose people work the channel: "
            "an inbound channel is answered by that unit's answerers (and those of the "
            "units under it), its own desk; a referral's and an inbound request's leads go "
            "to sellers there; a warm or cold channel is dialled by its roles only. "
            "Default: none, the whole team's channel."
        ),
    )


class _Outbound(_Titled):
    connect_rate: Probability = Field(
        description=(
            "Share of dials that reach a live person, 0 to 1 (write 0.06 for 6 %; cold "
            "calls 0.05-0.13, Gong Labs 2024)."
        )
    )
    conversation_given_connect: Probability | None = Field(
        None, description="Overrides calls.conversation_given_connect for this channel."
    )
    lead_given_conversation: Probability | None = Field(
        None, description="Overrides calls.lead_given_conversation for this channel."
    )


class WarmChannel(_Outbound):
    """Contacts with an introduction (e.g. staff of payroll clients): a finite pool."""

    kind: Literal["warm"]
    pool: NonNegInt = Field(description="Contacts available at the start.")
    refill_per_month: NonNegFloat = Field(0.0, description="Contacts added to the pool a month.")


class ColdChannel(_Outbound):
    """Contacts nobody introduced: the last resort, usually unlimited."""

    kind: Literal["cold"]
    pool: NonNegInt | None = Field(None, description="Contacts available (empty: unlimited).")


class ReferralChannel(_Titled):
    """Leads handed over by partners (dealers, agents): no dialling needed."""

    kind: Literal["referral"]
    leads_per_week: NonNegFloat = Field(description="Leads arriving a week (Poisson).")


class ServiceLevelPer(StrEnum):
    """Where a channel's service-level target must hold (``service_level_per``)."""

    INTERVAL = "interval"  # in every interval of the day (and weekday): how planners size
    DAY = "day"  # over the day's requests, the intervals' mean weighted by their requests


class Retrial(Frozen):
    """Callers who hang up and call again: a share of the abandoners, after a delay."""

    share: float = Field(
        ge=0.0, lt=1.0, description="Share of abandoners who call again (below 1)."
    )
    delay_min: Distribution = Field(
        description="Minutes from hanging up to calling again (working minutes of the desk)."
    )

    @field_validator("delay_min")
    @classmethod
    def _some_delay(cls, value: Distribution) -> Distribution:
        # A caller who redials at once meets the same full desk: the closed form's fixed
        # point (sim.rules.service) assumes the redial finds the desk anew.
        if value.expected_value() <= 0:
            raise ValueError("callers call again after some time: expected a mean above 0 minutes")
        return value


class Profile(Frozen):
    """When a channel's requests arrive: by interval of the open day and by weekday.

    Relative figures (last month's counts will do): ``requests_per_day`` keeps its meaning,
    the mean working day's requests. The rule that reads it is ``sim.rules.profile``.
    """

    interval_min: Literal[15, 30, 60] = Field(
        30, description="Length of an interval of the day, minutes: 15, 30 or 60."
    )
    weights: list[NonNegFloat] | None = Field(
        None,
        description=(
            "Requests by interval, relative, one per interval from calendar.workday.start to "
            "the day's end (17 half-hours for 09:00-17:30; a last, shorter interval's weight "
            "is for its minutes); at least one above 0. Needs the desk open all day (no "
            "common pause). Empty: even over the day."
        ),
    )
    by_weekday: dict[Weekday, PositiveFloat] = Field(
        default_factory=dict,
        description=(
            "Requests by weekday, relative ({mon: 1.3, fri: 0.8}; a working day not named "
            "weighs 1), scaled to a mean of 1 over calendar.weekdays, so that the mean "
            "working day keeps requests_per_day."
        ),
    )

    @field_validator("weights")
    @classmethod
    def _some_requests(cls, value: list[float] | None) -> list[float] | None:
        if value and not any(w > 0 for w in value):
            raise ValueError(
                "every weight is 0: at least one interval must have requests "
                "(leave weights out for requests even over the day)"
            )
        return value


class ClosingRule(StrEnum):
    """What happens to a channel's requests still waiting when the desk closes."""

    CARRY = "carry"  # answered the next working day (callbacks), as before
    OVERTIME = "overtime"  # answered after closing, up to policies.overtime_max_min_per_day
    LOSE = "lose"  # dropped at closing (recorded as lost)


class InboundChannel(_Titled):
    """Requests that arrive by themselves and must be answered promptly (Poisson arrivals)."""

    kind: Literal["inbound"]
    requests_per_day: NonNegFloat = Field(description="Mean requests a working day.")
    handle_min: Distribution = Field(description="Work to answer one request, minutes.")
    answer_within_min: NonNegFloat = Field(
        description=(
            "Service target: answer within, minutes (0: answered at once, the share not "
            "kept waiting)."
        )
    )
    service_level_target: float = Field(
        0.8,
        ge=0.0,
        lt=1.0,
        description="Share of requests to answer within the target (below 1: some always wait).",
    )
    lead_share: Probability = Field(
        0.0, description="Share of requests that become a lead in a segment of this channel."
    )
    service_level_per: ServiceLevelPer = Field(
        ServiceLevelPer.INTERVAL,
        description=(
            "Where the service-level target must hold: 'interval' (every interval of the "
            "day, and weekday; the peak interval drives the staffing) or 'day' (over the "
            "day's requests). The same when requests are even over a day with no rota."
        ),
    )
    profile: Profile | None = Field(
        None,
        description=(
            "Arrivals by interval of the day and by weekday; empty: even over the day's "
            "working minutes and alike every working day."
        ),
    )
    patience_min: Distribution | None = Field(
        None,
        description=(
            "How long a caller waits before hanging up, minutes (abandonment); none: nobody "
            "gives up. Erlang A, which sizes the desk, assumes exponential patience."
        ),
    )
    retrial: Retrial | None = Field(
        None, description="Abandoners who call again (needs patience_min); none: nobody does."
    )
    lines: int | None = Field(
        None,
        ge=1,
        description=(
            "Most requests of this channel in the desk at once, answered and waiting (lines, "
            "trunks); a request finding them all taken is blocked. None: no limit."
        ),
    )
    waiting_room: NonNegInt | None = Field(
        None,
        description=(
            "Most requests of this channel waiting at once (a queue limit); one more is "
            "blocked. 0: nobody waits (Erlang B). None: no limit."
        ),
    )
    at_closing: ClosingRule = Field(
        ClosingRule.CARRY,
        description=(
            "Requests still waiting when the desk closes: carry (answered the next working "
            "day, counted as callbacks), overtime (answered after closing up to "
            "policies.overtime_max_min_per_day; what the cap leaves is carried) or lose "
            "(dropped at closing, counted as lost)."
        ),
    )

    @field_validator("handle_min")
    @classmethod
    def _takes_time(cls, value: Distribution) -> Distribution:
        if value.expected_value() <= 0:
            raise ValueError("a request takes some time: expected a mean above 0 minutes")
        return value

    @field_validator("patience_min")
    @classmethod
    def _waits_some_time(cls, value: Distribution | None) -> Distribution | None:
        if value is not None and value.expected_value() <= 0:
            raise ValueError(
                "a caller waits some time before hanging up: expected a mean above 0 minutes "
                "(leave patience_min out if nobody gives up)"
            )
        return value

    @model_validator(mode="after")
    def _retrial_needs_patience(self) -> InboundChannel:
        if self.retrial is not None and self.patience_min is None:
            raise ValueError(
                "retrial: callers call again after hanging up, and nobody hangs up without "
                "patience_min: give patience_min or leave retrial out"
            )
        return self


Channel = Annotated[
    WarmChannel | ColdChannel | ReferralChannel | InboundChannel, Field(discriminator="kind")
]
OUTBOUND_KINDS = ("warm", "cold")


class Calls(Frozen):
    """An outbound call: attempt -> connect -> conversation -> outcome, with durations."""

    no_answer_min: Distribution = Field(
        default_factory=lambda: fixed(0.75), description="A dial nobody answers, minutes."
    )
    connect_no_conversation_min: Distribution = Field(
        default_factory=lambda: fixed(0.5),
        description="A connect that ends before a conversation (gatekeeper, hang-up), minutes.",
    )
    conversation_min: Distribution = Field(
        description="A conversation with no booking, minutes (about 3-3.5; Gong Labs 3:14)."
    )
    booking_call_min: Distribution = Field(
        description="A conversation that books, minutes (4.5-7.5; Gong Labs 5:50)."
    )
    conversation_given_connect: Probability = Field(
        0.58, description="Share of connects that become a conversation (0.40-0.70; Belkins 2025)."
    )
    lead_given_conversation: Probability = Field(
        0.33,
        description=(
            "Share of conversations that book the first stage, a lead (0.05-0.50; 0.33: three "
            "conversations a meeting, Vorsight)."
        ),
    )
    follow_up_given_conversation: Probability = Field(
        0.2, description="Share of conversations that ask to be called back."
    )
    follow_up_after_days: Distribution = Field(
        default_factory=lambda: fixed(3.0), description="Client's delay before the call back, days."
    )

    @model_validator(mode="after")
    def _outcomes_add_up(self) -> Calls:
        if self.lead_given_conversation + self.follow_up_given_conversation > 1.0:
            raise ValueError(
                "lead_given_conversation + follow_up_given_conversation must be <= 1, got "
                f"{self.lead_given_conversation + self.follow_up_given_conversation:g}"
            )
        return self


class SegmentType(StrEnum):
    """Deal types (docs/glossary.md#segment)."""

    B2C_SHORT = "b2c_short"
    B2C_LONG = "b2c_long"
    B2B_SMB = "b2b_smb"
    B2B_LARGE = "b2b_large"
    B2G = "b2g"
    B2P = "b2p"


class Stage(Frozen):
    """One step of a deal: our work, the client's calendar time, a conversion, an approval."""

    name: Identifier = Field(description="Stage name, unique within the segment.")
    work_min: Distribution = Field(description="Our working time on the stage, minutes.")
    meeting: bool = Field(False, description="In person: travel before and after.")
    client_delay_days: Distribution = Field(
        default_factory=lambda: fixed(0.0),
        description="Client's calendar days before the stage can be worked.",
    )
    convert: Probability = Field(
        description="Share of deals that pass the stage, 0 to 1 (write 0.5 for 50 %)."
    )
    approval: Level | None = Field(
        None,
        description=(
            "Level that must approve before the deal passes (discount, non-standard terms): "
            "the owner's nearest manager at that level or above does, taking the minutes of "
            "the duties with per: approval that list that level, while the deal waits."
        ),
    )


class AfterSale(Frozen):
    """What a won deal still costs, and whether it comes back as a repeat sale."""

    payment_control_min: Distribution = Field(
        default_factory=lambda: fixed(0.0), description="Payment follow-up, minutes."
    )
    handoff_min: Distribution = Field(
        default_factory=lambda: fixed(0.0), description="Hand-off to delivery, minutes."
    )
    support_min_per_month: NonNegFloat = Field(
        0.0, description="Order tracking and support per won client a month, minutes."
    )
    repeat_probability: Probability = Field(0.0, description="Chance of a repeat sale.")
    repeat_after_days: Distribution = Field(
        default_factory=lambda: fixed(180.0), description="Calendar days to the repeat sale."
    )


class Segment(Frozen):
    """A deal type with its funnel."""

    title: str = Field(
        "",
        description=('What a report calls the segment ("Consumer loans"); empty: its id in words.'),
    )
    type: SegmentType = Field(description="b2c_short, b2c_long, b2b_smb, b2b_large, b2g or b2p.")
    deal_value: PositiveFloat = Field(description="Revenue of a won deal, scenario currency.")
    channels: list[Identifier] = Field(min_length=1, description="Channels that feed it.")
    lead_weight: PositiveFloat | dict[Identifier, PositiveFloat] = Field(
        1.0,
        description=(
            "How a channel that feeds several segments splits its leads between them: each "
            "segment gets its lead_weight over the sum of the weights of the segments the "
            "channel feeds. A referral or inbound lead is drawn in this mix first and then "
            "goes to a seller of its segment; a dialled lead is of a segment its dialler "
            "sells (this mix over those). A weight, not a share: 3 "
            "and 1 send three leads in four to the first segment. One number for every "
            "channel, or a weight by channel ({web: 3, partners: 1}; a channel not named "
            "weighs 1) when shared channels split in different mixes. Only matters when a "
            "channel is listed in more than one segment."
        ),
    )
    stages: list[Stage] = Field(min_length=1, description="The funnel, in order.")
    escalation_rate: Probability = Field(
        0.0, description="Share of deals with a difficult client escalated to a manager."
    )
    escalation_level: Level = Field(Level.LOWER, description="Level that handles escalations.")
    after_sale: AfterSale = Field(default_factory=AfterSale, description="After the win.")
    gross_margin: Probability | None = Field(
        None,
        description=(
            "Share of a won deal's revenue kept as gross margin, 0 to 1 (write 0.35 for "
            "35 %). Read by the hiring mode: `plan --hiring --objective margin` (the most "
            "gross margin within a budget) and a hire's payback month; a run's KPI "
            "margin_per_month; changes no other result. Default: not stated (a deal's "
            "margin is its revenue; the margin objective refuses)."
        ),
    )

    @field_validator("stages")
    @classmethod
    def _unique_stages(cls, stages: list[Stage]) -> list[Stage]:
        names = [s.name for s in stages]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"stage names must be unique, repeated: {', '.join(dupes)}")
        return stages

    def weight_of(self, channel_id: str) -> float:
        """The segment's ``lead_weight`` for leads of ``channel_id`` (1 when not named)."""
        if isinstance(self.lead_weight, dict):
            return self.lead_weight.get(channel_id, 1.0)
        return self.lead_weight

    def win_probability(self) -> float:
        """Chance that a lead entering the first stage is won."""
        p = 1.0
        for stage in self.stages:
            p *= stage.convert
        return p
