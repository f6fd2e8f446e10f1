"""The SimPy model of a team's working days: ``run_replication`` plays out one replication."""

from sim.model.output import RunRecords
from sim.model.replication import run_replication

__all__ = ["RunRecords", "run_replication"]
