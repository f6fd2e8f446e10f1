"""Errors of the optimiser: plans that cannot be made, and solvers that cannot be used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.diagnose import Diagnosis
from sim.errors import TeamsimError


class PlanError(TeamsimError):
    """The optimiser found no usable plan; the message says why in the scenario's words."""

    # 3, not 2: the scenario is well formed, the plan it asks for is what fails.
    exit_code = 3
    kind = "plan_failed"


@dataclass(frozen=True)
class Relaxation:
    """One way to make an impossible plan feasible: a limit moved by an amount."""

    kind: str  # "plan", "headcount", "capacity", "pool", "budget"
    subject: str  # the role, level, channel, or "plan" / "budget"
    amount: float  # in the unit below
    unit: str
    text: str  # the sentence shown to the user
    # The limits of a way out that needs all of them (optimizer.elastic._join), each said
    # on its own line under "all of:" rather than in one long sentence; () for one limit.
    parts: tuple[str, ...] = ()


class InfeasiblePlanError(PlanError):
    """No team within the scenario's limits meets the plan; carries the relaxations found."""

    kind = "infeasible"

    def __init__(self, reason: str, relaxations: Sequence[Relaxation] = ()) -> None:
        self.reason = reason
        self.relaxations = tuple(relaxations)
        lines = [reason]
        if self.relaxations:
            lines.append("Any one of these would make it feasible:")
            for r in self.relaxations:
                if r.parts:
                    lines.append("  - all of:")
                    lines.extend(f"      - {part}" for part in r.parts)
                else:
                    lines.append(f"  - {r.text}")
        super().__init__("\n".join(lines))

    def json_details(self) -> dict[str, object]:
        """The reason and each way out, with its limit, amount and unit."""
        return {
            "reason": self.reason,
            "relaxations": [
                {
                    "kind": r.kind,
                    "subject": r.subject,
                    "amount": r.amount,
                    "unit": r.unit,
                    "text": r.text,
                    "parts": list(r.parts),
                }
                for r in self.relaxations
            ],
        }

    @property
    def causes(self) -> tuple[Diagnosis, ...]:
        """The reason as one flat list: the cause, with each relaxation as a remedy.

        One line per way out ("cause; remedy"); with none found, the cause alone with
        the remedy "no single limit moved makes it feasible".
        """
        if not self.relaxations:
            return (Diagnosis(self.reason.rstrip("."), "no single limit moved makes it feasible"),)
        return tuple(Diagnosis(self.reason.rstrip("."), r.text) for r in self.relaxations)


class UnboundedPlanError(PlanError):
    """The objective can grow without limit: some work costs no time or nothing caps it."""

    kind = "unbounded"


class SolverFailedError(PlanError):
    """The solver stopped without an optimal answer (time limit, numerical trouble)."""


class SolverUnavailableError(TeamsimError):
    """A solver was asked for that is unknown or not installed (a usage error, exit 2)."""
