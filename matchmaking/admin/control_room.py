"""The organisers' control room: the landing page of the admin site (a tour's figures, their
charts and tables, what needs the organiser now with one button each), the day agenda and a
participant's printable agenda.

Pages read through ``selectors.figures`` and ``selectors.schedule``; the buttons only call a
service (nudge, retry, resend), each permission-checked and logged there. The admin site
(``admin_site.OrganisersSite``) serves these pages and opens on ``landing_context``.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from ..enums import MeetingStatus, RequestStatus, SessionKind, TourStatus
from ..models import (
    Institution,
    Invitation,
    MeetingRequest,
    OutboxMessage,
    Participation,
    Tandem,
    Tour,
)
from ..permissions import current_tour, is_organiser
from ..selectors.figures import MEETING_COLUMNS, REQUEST_COLUMNS, needs_attention, tour_figures
from ..selectors.schedule import agenda, personal_agenda
from ..services import DomainError
from ..services.invitations import resend_invitation
from ..services.outbox import retry_message
from ..services.reminders import nudge_request
from ..timezones import ViewerZones, day_name, place_of, show_time, zones_for
from . import charts

# --- the landing page -----------------------------------------------------------------------


def _chosen_tour(request) -> Tour | None:
    """The tour named by ``?tour=<id>``, else the organiser's current tour (their choice in
    the switcher, else the newest tour that is not a draft), else the newest."""
    wanted = request.GET.get("tour", "")
    if wanted:
        tour = Tour.objects.filter(pk=wanted).first() if wanted.isdigit() else None
        if tour is not None:
            return tour
        messages.warning(request, _("There is no such tour; showing the current one."))
    return current_tour(request.user) or Tour.objects.order_by("-created_at").first()


def _short_day(day: date) -> str:
    return pgettext("a day under a chart's column", "%(month)d/%(day)d") % {
        "month": day.month,
        "day": day.day,
    }


def _charts(figures) -> dict:
    status_labels = {status: str(RequestStatus(status).label) for status in REQUEST_COLUMNS}
    meeting_labels = {status: str(MeetingStatus(status).label) for status in MEETING_COLUMNS}
    return {
        "requests_per_day": charts.stacked_columns(
            "requests-per-day",
            [
                (_short_day(day.day), [(s, day.counts[s]) for s in REQUEST_COLUMNS])
                for day in figures.days
            ],
            status_labels,
        ),
        "requests": charts.horizontal(
            "requests",
            [(s, status_labels[s], figures.requests[s]) for s in REQUEST_COLUMNS],
        ),
        "meetings": charts.horizontal(
            "meetings",
            [(s, meeting_labels[s], figures.meetings[s]) for s in MEETING_COLUMNS],
        ),
        "sessions": charts.horizontal(
            "sessions",
            [
                ("over" if fill.over else "fill", fill.session.title, fill.used)
                for fill in figures.sessions
            ],
            scale_to=max((fill.capacity for fill in figures.sessions), default=0),
        ),
    }


def _percent(share: float | None) -> str:
    return "" if share is None else f"{round(100 * share)} %"


def _duration(span: timedelta | None) -> str:
    """A time to answer in words: hours up to two days, then days."""
    if span is None:
        return ""
    hours = span.total_seconds() / 3600
    if hours < 1:
        minutes = max(round(span.total_seconds() / 60), 0)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", round(hours)) % {"n": round(hours)}
    days = round(hours / 24)
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def landing_context(request) -> dict:
    """What the admin index shows an organiser above the list of models."""
    tour = _chosen_tour(request)
    if tour is None:
        return {}
    zones = zones_for(request.user, tour)
    figures = tour_figures(tour, zones.own)
    return {
        "tour": tour,
        "tours": Tour.objects.order_by("-created_at").only("pk", "name", "status"),
        "viewer_zones": zones,
        "figures": figures,
        "request_figures": [
            (s, RequestStatus(s).label, figures.requests[s]) for s in REQUEST_COLUMNS
        ],
        "meeting_figures": [
            (s, MeetingStatus(s).label, figures.meetings[s]) for s in MEETING_COLUMNS
        ],
        "days": [
            (day_name(day.day), day.sent, [(s, day.counts[s]) for s in REQUEST_COLUMNS])
            for day in figures.days
        ],
        "acceptance_rate": _percent(figures.acceptance_rate),
        "median_answer": _duration(figures.median_answer),
        "charts": _charts(figures),
        "attention": needs_attention(tour, timezone.now()),
        # The lists of tandems and institutions without a meeting link each row to its change
        # page (<changelist>/<pk>/change/): one reverse per list, not one per row.
        "tandem_changelist": reverse("admin:matchmaking_tandem_changelist"),
        "institution_changelist": reverse("admin:matchmaking_institution_changelist"),
        "nudge_hours": settings.REQUEST_NUDGE_HOURS,
        "is_draft": tour.status == TourStatus.DRAFT,
    }


# --- the buttons of "needs you now" ------------------------------------------------------------


def _organiser_tour(request, tour_pk: int) -> Tour:
    if not is_organiser(request.user):
        raise PermissionDenied
    return get_object_or_404(Tour, pk=tour_pk)


def _back(tour: Tour) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('admin:index')}?tour={tour.pk}#needs-you")


class _ActionForm(forms.Form):
    target = forms.ModelChoiceField(queryset=MeetingRequest.objects.none())


def _action(*, queryset_of, service, keyword: str, done, missing):
    """A POST that calls ``service(actor=organiser, <keyword>=object)`` on one object of the tour
    (``queryset_of(tour)``) and answers with a message on the landing page."""

    @require_POST
    def view(request, tour_pk: int):
        tour = _organiser_tour(request, tour_pk)
        form = _ActionForm(request.POST)
        form.fields["target"].queryset = queryset_of(tour)
        if not form.is_valid():
            messages.error(request, missing)
            return _back(tour)
        obj = form.cleaned_data["target"]
        name = str(obj)  # as the organiser saw it on the page
        try:
            service(actor=request.user, **{keyword: obj})
        except DomainError as exc:
            messages.error(request, f"{name}: {exc}")
        else:
            messages.success(request, done % {"name": name})
        return _back(tour)

    return view


nudge = _action(
    queryset_of=lambda tour: MeetingRequest.objects.filter(tour=tour).select_related(
        "tandem", "institution"
    ),
    service=nudge_request,
    keyword="request",
    done=gettext_lazy("%(name)s: the side whose turn it is has been reminded."),
    missing=gettext_lazy("This meeting request does not exist in this tour."),
)
retry = _action(
    queryset_of=lambda tour: OutboxMessage.objects.all(),
    service=retry_message,
    keyword="message",
    done=gettext_lazy("%(name)s: it will be sent again."),
    missing=gettext_lazy("This e-mail does not exist."),
)
resend = _action(
    queryset_of=lambda tour: Invitation.objects.filter(tour=tour),
    service=resend_invitation,
    keyword="invitation",
    done=gettext_lazy("%(name)s: the invitation has been sent again with a new link."),
    missing=gettext_lazy("This invitation does not exist in this tour."),
)


# --- the day agenda -------------------------------------------------------------------------

MEETING_KIND = "meeting"


class AgendaFilterForm(forms.Form):
    day = forms.TypedChoiceField(label=gettext_lazy("Day"), coerce=date.fromisoformat)
    zone = forms.ChoiceField(
        label=gettext_lazy("Times in"),
        choices=[("tandem", ""), ("partner", "")],
        required=False,
    )
    tandem = forms.ModelChoiceField(
        label=gettext_lazy("Tandem"), queryset=Tandem.objects.none(), required=False
    )
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"), queryset=Institution.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)

    def __init__(self, data, *, tour: Tour, days: list[date]):
        super().__init__(data)
        self.fields["day"].choices = [(d.isoformat(), day_name(d)) for d in days]
        self.fields["zone"].choices = [
            ("tandem", place_of(tour.tandem_time_zone)),
            ("partner", place_of(tour.partner_time_zone)),
        ]
        self.fields["tandem"].queryset = Tandem.objects.filter(tour=tour).order_by("name")
        self.fields["institution"].queryset = Institution.objects.filter(tours=tour).order_by(
            "name"
        )
        self.fields["kind"].choices = [
            ("", _("Everything")),
            (MEETING_KIND, _("Meetings")),
            *SessionKind.choices,
        ]


def _of_kind(item, kind: str) -> bool:
    if not kind:
        return True
    if kind == MEETING_KIND:
        return item.kind == MEETING_KIND
    return item.kind == "session" and item.detail.kind == kind


def _tour_zones(tour: Tour, partner_first: bool) -> ViewerZones:
    tandem, partner = ZoneInfo(tour.tandem_time_zone), ZoneInfo(tour.partner_time_zone)
    return ViewerZones(partner, tandem) if partner_first else ViewerZones(tandem, partner)


def day_agenda_view(admin_site, request, tour_pk: int):
    """One day of the tour: sessions and meetings together, both clocks, filtered by tandem,
    institution and kind; printable."""
    tour = _organiser_tour(request, tour_pk)
    days = list(tour.days.order_by("date").values_list("date", flat=True))
    data = request.GET.copy()
    if days and "day" not in data:
        data["day"] = days[0].isoformat()
    form = AgendaFilterForm(data, tour=tour, days=days)
    rows, chosen, status = [], {}, 200
    if form.is_valid():
        chosen = form.cleaned_data
        zones = _tour_zones(tour, chosen["zone"] == "partner")
        items = agenda(
            tour,
            tandem_id=chosen["tandem"].pk if chosen["tandem"] else None,
            institution_id=chosen["institution"].pk if chosen["institution"] else None,
        )
        rows = [
            (show_time(item.starts_at, zones), show_time(item.ends_at, zones), item)
            for item in items
            if item.starts_at.astimezone(zones.own).date() == chosen["day"]
            and _of_kind(item, chosen["kind"])
        ]
    else:
        zones, status = _tour_zones(tour, False), 400
    people = _people_of(tour, chosen.get("tandem"), chosen.get("institution"))
    context = {
        **admin_site.each_context(request),
        "title": _("Day agenda of %(tour)s") % {"tour": tour},
        "tour": tour,
        "form": form,
        "rows": rows,
        "zones": zones,
        "day": chosen.get("day"),
        "people": people,
    }
    return TemplateResponse(
        request, "admin/matchmaking/tour/day_agenda.html", context, status=status
    )


def _people_of(tour: Tour, tandem: Tandem | None, institution: Institution | None) -> list:
    """The people whose personal agendas the page links to: of the tandem or institution shown."""
    if tandem is None and institution is None:
        return []
    party = {"tandem": tandem} if tandem is not None else {"institution": institution}
    return list(
        Participation.objects.filter(tour=tour, **party).select_related("user").order_by("role")
    )


# --- a participant's printable agenda ---------------------------------------------------------


def personal_agenda_view(admin_site, request, tour_pk: int, user_pk: int):
    tour = _organiser_tour(request, tour_pk)
    role = get_object_or_404(Participation.objects.select_related("user"), tour=tour, user=user_pk)
    context = personal_agenda(role.user, tour)
    context["back_url"] = reverse("admin:day_agenda", args=[tour.pk])
    # Rendered at once, inside the participant's language.
    with translation.override(role.user.language):
        return render(request, "matchmaking/personal_agenda.html", context)


def urls(admin_site) -> list:
    def page(view):
        return admin_site.admin_view(lambda request, **kw: view(admin_site, request, **kw))

    return [
        path(
            "control-room/<int:tour_pk>/nudge/", admin_site.admin_view(nudge), name="nudge_request"
        ),
        path("control-room/<int:tour_pk>/retry/", admin_site.admin_view(retry), name="retry_email"),
        path(
            "control-room/<int:tour_pk>/resend/",
            admin_site.admin_view(resend),
            name="resend_invitation",
        ),
        path("tours/<int:tour_pk>/agenda/", page(day_agenda_view), name="day_agenda"),
        path(
            "tours/<int:tour_pk>/agenda/people/<int:user_pk>/",
            page(personal_agenda_view),
            name="personal_agenda",
        ),
    ]
