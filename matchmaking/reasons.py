"""Human words for the scheduling core's reason codes, as stored in MeetingRequest.unscheduled_reason.

The codes are the values of ``matchmaking.scheduling.Reason``; the core's own English texts stay
untranslated there because the core must not import Django.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .scheduling import Reason

_TEXTS = {
    Reason.PARTICIPANT_UNAVAILABLE: _(
        "One side has no free slot left: every slot of the tour is marked unavailable or "
        "already taken by a session or another meeting."
    ),
    Reason.NO_COMMON_SLOT: _(
        "The two sides have no free slot in common: whenever one side is free, the other is "
        "unavailable or in a session."
    ),
    Reason.COMMON_SLOTS_TAKEN: _(
        "Every slot both sides could use is already taken by another meeting of one of them."
    ),
}


def unscheduled_reason_text(code: str) -> str:
    """Why an accepted request has no meeting yet, in the active language; "" for no reason.

    Show it wherever an accepted request without a meeting appears (request pages of both
    sides, the admin, the organisers' grid): ``{{ request.unscheduled_reason|unscheduled_reason }}``
    after ``{% load scheduling_tags %}``.
    """
    if not code:
        return ""
    try:
        return str(_TEXTS[Reason(code)])
    except ValueError:
        # A code from a newer core than this text table: still say something useful.
        return gettext("No meeting slot could be found (%(code)s).") % {"code": code}
