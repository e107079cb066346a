"""A meeting's video link: by default a room of the tour's default provider, replaceable by the
partner with another of the tour's providers (a service that works from China)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from .. import notifications
from ..enums import LogAction, MeetingStatus
from ..models import Meeting, User, VideoProvider
from ..permissions import can_replace_video_link
from .activity import from_to, log_action
from .errors import DomainError

VIDEO_URL_MAX_LENGTH = 200


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url or len(url) > VIDEO_URL_MAX_LENGTH:
        raise DomainError(_("Please give a web address of at most 200 characters."))
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError as exc:
        raise DomainError(_("Please give a complete https:// address of the video call.")) from exc
    return url


def _ensure_provider_allows(meeting: Meeting, provider: VideoProvider | None, url: str) -> None:
    """A tour with providers takes links of those only; a tour without any takes any https."""
    if not VideoProvider.objects.filter(tour_id=meeting.tour_id).exists():
        if provider is not None:
            raise DomainError(_("This video service is not one of the tour's."))
        return
    if provider is None or provider.tour_id != meeting.tour_id:
        raise DomainError(_("Please choose one of the tour's video services."))
    if not provider.allows(url):
        raise DomainError(
            _("%(host)s is not an address of %(provider)s; please give a link of %(domains)s.")
            % {
                "host": urlsplit(url).hostname,
                "provider": provider.name,
                "domains": ", ".join(provider.domains.split()),
            }
        )


def replace_video_link(
    *, actor: User, meeting: Meeting, url: str, provider: VideoProvider | None = None
) -> Meeting:
    """The partner side (or an organiser) gives the meeting another video link of one of the
    tour's providers. The meeting's sequence rises so calendar applications replace their copy,
    and everyone else of both sides gets the updated calendar entry."""
    url = _clean_url(url)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not can_replace_video_link(actor, meeting):
            raise DomainError(_("Only the partner side can change the video link."))
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled meeting can get another video link."))
        _ensure_provider_allows(meeting, provider, url)
        previous = meeting.video_url
        meeting.video_url, meeting.video_provider = url, provider
        meeting.sequence += 1
        meeting.save(update_fields=["video_url", "video_provider", "sequence", "updated_at"])
        log_action(
            actor=actor,
            obj=meeting,
            action=LogAction.VIDEO_LINK,
            data={"video_url": from_to(previous, url)},
        )
        notifications.video_link_changed(meeting, actor)
    return meeting
