"""Meeting scheduling in pure Python (no Django): the data model and greedy placement.

The optimiser (`matchmaking.scheduling.optimiser`) is imported only where a plan is made:
it loads OR-Tools (and with it NumPy and pandas), which a web process or a mail worker
has no use for. See docs/scheduling.md for the model, the objectives and the JSON format.
"""

from .greedy import earliest_slot, first_free
from .model import (
    Instance,
    InstanceError,
    Participant,
    Reason,
    Request,
    Result,
    Slot,
    instance_from_dict,
)

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
    "instance_from_dict",
]
