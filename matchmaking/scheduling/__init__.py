"""Meeting scheduling in pure Python (no Django): data model, greedy and optimiser.

See docs/scheduling.md for the model, the objectives and the JSON format.
"""

from .greedy import earliest_slot, first_free
from .model import Instance, InstanceError, Participant, Reason, Request, Result, Slot
from .optimiser import optimise

__all__ = [
    "Instance",
    "InstanceError",
    "Participant",
    "Reason",
    "Request",
    "Result",
    "Slot",
    "earliest_slot",
    "first_free",
    "optimise",
]
