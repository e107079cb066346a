"""My schedule: meetings and sessions in time order, .ics entries and the personal feed."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import VideoLinkForm
from ..models import CalendarFeed, VideoProvider
from ..notifications.calendar import build_calendar, meeting_event, session_event
from ..permissions import (
    can_replace_video_link,
    current_tour,
    get_meeting_for_user,
    get_session_for_user,
    meetings_visible_to,
    sessions_visible_to,
)
from ..services import DomainError
from ..services.calendar_feed import issue_calendar_token, revoke_calendar_token
from ..services.video import replace_video_link
from ..timezones import by_day, zones_for
from .access import login_required


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _schedule_page(request, *, video_form=None, video_meeting_id=None, status=200):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    tour = current_tour(request.user)
    items = selectors.schedule_for(request.user, tour)
    editable = [
        item.detail
        for item in items
        if item.kind == "meeting" and can_replace_video_link(request.user, item.detail)
    ]
    providers = list(VideoProvider.objects.filter(tour_id__in={m.tour_id for m in editable}))
    for meeting in editable:
        meeting.video_choices = [p for p in providers if p.tour_id == meeting.tour_id]
    context = {
        "tour": tour,
        "days": by_day(items, zones_for(request.user, tour)),
        "feed_url": request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
        if feed
        else "",
        "video_form": video_form or VideoLinkForm(),
        "video_meeting_id": video_meeting_id,
        "editable_meetings": {meeting.pk for meeting in editable},
    }
    return render(request, "matchmaking/schedule.html", context, status=status)


@login_required
def my_schedule(request):
    return _schedule_page(request)


@login_required
def printable_schedule(request):
    """My agenda on paper (or as PDF from the print dialogue), in my language and zone."""
    tour = current_tour(request.user)
    if tour is None:
        raise Http404
    context = selectors.personal_agenda(request.user, tour)
    context["back_url"] = reverse("schedule")
    return render(request, "matchmaking/personal_agenda.html", context)


@login_required
def meeting_ics(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, current_tour(request.user))
    meeting = selectors.meetings_for_calendar(meeting.tour).get(pk=meeting.pk)
    event = meeting_event(meeting, zones=zones_for(request.user, meeting.tour), reader=request.user)
    return _ics(build_calendar([event]), f"meeting-{meeting.pk}.ics")


@login_required
def session_ics(request, pk: int):
    session = get_session_for_user(request.user, pk, current_tour(request.user))
    return _ics(
        build_calendar(
            [
                session_event(
                    session, zones=zones_for(request.user, session.tour), reader=request.user
                )
            ]
        ),
        f"session-{session.pk}.ics",
    )


def calendar_feed(request, token: str):
    """The feed calendar applications fetch without a login: the secret token is the key. It
    holds the tour the person works in (the tour switcher's choice), like their schedule."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    with translation.override(user.language):
        events = _feed_events(user, current_tour(user))
        name = _("%(portal)s: my schedule") % {"portal": settings.PORTAL_NAME}
    return _ics(build_calendar(events, name=name), "innohealth.ics")


def _feed_events(user, tour) -> list:
    """The person's meetings and sessions of the tour, both clocks in each description."""
    zones = zones_for(user, tour)
    meetings = meetings_visible_to(user, tour).filter(status__in=selectors.SHOWN_MEETING_STATUSES)
    events = [
        meeting_event(m, zones=zones, reader=user)
        for m in selectors.meetings_for_calendar(tour).filter(pk__in=meetings.values("pk"))
    ]
    events += [
        session_event(s, zones=zones, reader=user)
        for s in sessions_visible_to(user, tour).select_related("host")
    ]
    return events


@login_required
@require_POST
def issue_feed(request):
    issue_calendar_token(user=request.user)
    messages.success(
        request, _("Your calendar address is ready. Any earlier address no longer works.")
    )
    return redirect("schedule")


@login_required
@require_POST
def revoke_feed(request):
    revoke_calendar_token(user=request.user)
    messages.success(request, _("Your calendar address is switched off."))
    return redirect("schedule")


@login_required
@require_POST
def change_video_link(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, current_tour(request.user))
    form = VideoLinkForm(
        request.POST, providers=VideoProvider.objects.filter(tour_id=meeting.tour_id)
    )
    if form.is_valid():
        try:
            replace_video_link(
                actor=request.user,
                meeting=meeting,
                url=form.cleaned_data["url"],
                provider=form.cleaned_data.get("provider"),
            )
        except DomainError as error:
            form.add_error("url", error.message)
        else:
            messages.success(request, _("The video link is changed; the other side has been told."))
            return redirect("schedule")
    return _schedule_page(request, video_form=form, video_meeting_id=meeting.pk, status=400)
