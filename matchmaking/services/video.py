"""A meeting's video link: by default a room on the configured server, replaceable by the
partner with a service that works in China."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from ..enums import LogAction, MeetingStatus
from ..models import Meeting, User
from ..permissions import can_replace_video_link
from .activity import from_to, log_action
from .errors import DomainError

VIDEO_URL_MAX_LENGTH = 200


def replace_video_link(*, actor: User, meeting: Meeting, url: str) -> Meeting:
    """The partner side (or an organiser) gives the meeting another video link. The meeting's
    sequence rises so calendar applications replace their copy."""
    url = (url or "").strip()
    if not url or len(url) > VIDEO_URL_MAX_LENGTH:
        raise DomainError(_("Please give a web address of at most 200 characters."))
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError as exc:
        raise DomainError(_("Please give a complete https:// address of the video call.")) from exc
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not can_replace_video_link(actor, meeting):
            raise DomainError(_("Only the partner side can change the video link."))
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled meeting can get another video link."))
        previous, meeting.video_url = meeting.video_url, url
        meeting.sequence += 1
        meeting.save(update_fields=["video_url", "sequence", "updated_at"])
        log_action(
            actor=actor,
            obj=meeting,
            action=LogAction.VIDEO_LINK,
            data={"video_url": from_to(previous, url)},
        )
    return meeting
