"""The organisers' scheduling in the admin site: unavailable slots, the planner (plans made in
the background, their progress and reports, saving one) and the meeting grid.

The pages are reached from a tour (its change page and the "Plan meeting schedule" action) and
only call services; a refusal of the domain is shown as a message or a form error.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import MeetingStatus
from ..models import (
    BlockedSlot,
    Institution,
    Meeting,
    MeetingRequest,
    PlanningRun,
    Tandem,
    Tour,
)
from ..models.search import normalise
from ..permissions import is_organiser
from ..reasons import unscheduled_reason_text
from ..selectors.availability import Party
from ..selectors.occupancy import LONG_TEXTS, Cause, occupancy
from ..selectors.slots import SlotTime, slot_at, tour_slots
from ..services import DomainError
from ..services.availability import ensure_no_meeting_in
from ..services.meetings import move_meeting, schedule_meeting
from ..services.planning import (
    MAX_TIME_LIMIT_SECONDS,
    is_lost,
    save_plan,
    start_planning,
    stop_planning,
)
from ..services.scheduling import SchedulePlan, schedulable_requests, tour_problems
from ..timezones import ViewerZones, show_time, zones_for
from .base import LoggedAdmin, SafeAutocompleteAdmin
from .zones import ZonedInputs

DEFAULT_TIME_LIMIT = 10


def organiser_tour(request, pk: int) -> Tour:
    if not is_organiser(request.user):
        raise PermissionDenied
    return get_object_or_404(Tour, pk=pk)


def home_zones(tour: Tour, *, partner_first: bool = False) -> ViewerZones:
    tandem, partner = (
        zoneinfo.ZoneInfo(tour.tandem_time_zone),
        zoneinfo.ZoneInfo(tour.partner_time_zone),
    )
    return ViewerZones(partner, tandem) if partner_first else ViewerZones(tandem, partner)


def _page(model_admin, request, template: str, title: str, status: int = 200, **context):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Tour._meta,
        "title": title,
        **context,
    }
    return TemplateResponse(request, f"admin/matchmaking/tour/{template}", context, status=status)


# --- unavailable slots entered by organisers -----------------------------------------------


class BlockedSlotForm(forms.ModelForm):
    """The admin's form for one unavailable slot: a real slot of the tour, for one participant,
    and not one holding that participant's meeting (the same rule as on the availability page)."""

    class Meta:
        model = BlockedSlot
        fields = ["tour", "tandem", "institution", "starts_at"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        tandem, institution = data.get("tandem"), data.get("institution")
        if bool(tandem) == bool(institution):
            raise forms.ValidationError(_("Choose either a tandem or an institution."))
        tour = data["tour"]
        party = Party(tandem=tandem, institution=institution)
        if not party.takes_part_in(tour.pk):
            raise forms.ValidationError(
                _("%(party)s does not take part in this tour.") % {"party": party.name}
            )
        slot = slot_at(tour_slots(tour), data["starts_at"])
        if slot is None:
            raise forms.ValidationError(
                _("This time is not the start of one of the tour's meeting slots.")
            )
        try:
            ensure_no_meeting_in(party, tour, [slot])
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(BlockedSlot)
class BlockedSlotAdmin(ZonedInputs, SafeAutocompleteAdmin, LoggedAdmin):
    form = BlockedSlotForm
    list_display = ["starts_at", "tandem", "institution", "tour"]
    # Either side may be empty, which Django's automatic select_related leaves out.
    list_select_related = ["tour", "tandem", "institution"]
    list_filter = ["tour"]
    search_fields = ["tandem__name", "institution__name"]
    autocomplete_fields = ["tandem", "institution"]


# --- plan and confirm ---------------------------------------------------------------------


class PlanOptionsForm(forms.Form):
    time_limit = forms.FloatField(
        label=gettext_lazy("Time limit (seconds)"),
        min_value=1,
        max_value=MAX_TIME_LIMIT_SECONDS,
        initial=DEFAULT_TIME_LIMIT,
        help_text=gettext_lazy(
            "How long the optimiser may search (at most ten minutes). It runs in the background: "
            "you may leave the page and come back."
        ),
    )
    allow_moves = forms.BooleanField(
        label=gettext_lazy("Allow moving scheduled meetings when that places more meetings"),
        required=False,
    )


# The optimiser's stages (scheduling/optimiser.py) in the organisers' words.
STAGES = {
    "greedy": gettext_lazy("first placement"),
    "room": gettext_lazy("making room"),
    "bound": gettext_lazy("computing the upper bound"),
    "placement": gettext_lazy("placing meetings"),
    "repair": gettext_lazy("finding a meeting for everyone"),
    "compaction": gettext_lazy("closing idle gaps"),
    "moves": gettext_lazy("trying moves"),
    "done": gettext_lazy("finished"),
}


def plan_view(model_admin, request, pk: int):
    """GET: the options and the tour's recent plans. POST: start a plan in the background."""
    tour = organiser_tour(request, pk)
    form = PlanOptionsForm(request.POST or None, initial={"time_limit": DEFAULT_TIME_LIMIT})
    if request.method == "POST" and form.is_valid():
        try:
            run = start_planning(actor=request.user, tour=tour, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("admin:matchmaking_tour_plan", tour.pk, run.pk)
    runs = tour.planning_runs.select_related("requested_by", "saved_by")[:10]
    return _page(
        model_admin,
        request,
        "schedule_plan.html",
        _("Plan the meeting schedule of %(tour)s") % {"tour": tour},
        status=400 if form.errors else 200,
        tour=tour,
        form=form,
        runs=runs,
        viewer_zones=zones_for(request.user, tour),
    )


def plan_run_view(model_admin, request, pk: int, run_pk: int):
    """One plan: its progress while it runs (the page reloads itself), its report when done.
    POST ``stop`` stops it, POST ``save`` saves its plan."""
    tour = organiser_tour(request, pk)
    run = get_object_or_404(
        PlanningRun.objects.select_related("requested_by", "saved_by"), pk=run_pk, tour=tour
    )
    if request.method == "POST":
        try:
            if "stop" in request.POST:
                stop_planning(actor=request.user, run=run)
                model_admin.message_user(
                    request, _("The plan stops with the best schedule found so far.")
                )
            elif "save" in request.POST:
                plan = save_plan(actor=request.user, run=run)
                model_admin.message_user(
                    request,
                    _("Schedule saved. New meetings: %(new)d, moved: %(moved)d.")
                    % {"new": len(plan.new), "moved": len(plan.moves)},
                    messages.SUCCESS,
                )
                return redirect("admin:matchmaking_tour_grid", tour.pk)
        except DomainError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
        return redirect("admin:matchmaking_tour_plan", tour.pk, run.pk)
    zones = zones_for(request.user, tour)
    plan = SchedulePlan.from_dict(run.report) if run.report else None
    progress = run.progress or {}
    return _page(
        model_admin,
        request,
        "planning_run.html",
        _("Plan of %(tour)s, started %(time)s")
        % {"tour": tour, "time": _shown(run.created_at, zones)},
        tour=tour,
        viewer_zones=zones,
        run=run,
        lost=is_lost(run),
        stage=STAGES.get(progress.get("stage"), ""),
        progress=progress,
        plan=plan,
        new=[(show_time(m.starts_at, zones), m) for m in plan.new] if plan else [],
        moves=[
            (show_time(m.previous_start, zones), show_time(m.starts_at, zones), m)
            for m in plan.moves
        ]
        if plan
        else [],
    )


def _shown(moment, zones: ViewerZones) -> str:
    shown = show_time(moment, zones)
    return f"{shown.date} {shown.time} {shown.zone}"


# --- the meeting grid -----------------------------------------------------------------------

# Participants shown side by side on one page of the grid; the rest are a page away.
GRID_COLUMNS = 20


@dataclass
class Column:
    pk: int
    name: str
    is_tandem: bool

    @property
    def key(self) -> str:
        return f"t{self.pk}" if self.is_tandem else f"i{self.pk}"


@dataclass
class Cell:
    kind: str  # "meeting", "session", "unavailable" or "free"
    text: str = ""


class GridFilterForm(forms.Form):
    """Which participants the grid shows: a group, a name, only those meeting that day, and
    which page of them. A value that makes no sense falls back to its default."""

    group = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("", gettext_lazy("Tandems and institutions")),
            ("tandems", gettext_lazy("Tandems")),
            ("institutions", gettext_lazy("Institutions")),
        ],
    )
    name = forms.CharField(label=gettext_lazy("Name contains"), required=False, max_length=100)
    busy = forms.BooleanField(label=gettext_lazy("Only with meetings that day"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def options(self) -> dict:
        self.is_valid()
        defaults = {"group": "", "name": "", "busy": False, "page": 1}
        return {key: self.cleaned_data.get(key) or value for key, value in defaults.items()}


def _slot_label(slot: SlotTime, zones: ViewerZones) -> str:
    shown = show_time(slot.starts_at, zones)
    return f"{shown.date} {shown.time} {shown.zone} ({shown.other_time} {shown.other_place})"


class GridChangeForm(forms.Form):
    """Move a scheduled meeting (with a reason, after confirming), or place an accepted request
    that has none, into a slot."""

    request = forms.ModelChoiceField(
        queryset=MeetingRequest.objects.none(), label=gettext_lazy("Meeting or accepted request")
    )
    slot = forms.ChoiceField(label=gettext_lazy("Slot"))
    reason = forms.CharField(
        label=gettext_lazy("Reason for a move"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Sent to both sides in the e-mail and kept in the history."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        tour: Tour,
        slots: list[SlotTime],
        zones: ViewerZones,
        day: int,
        shown: list[Column],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["request"]
        # Without the preferred slots the planner reads: the labels do not need them, and a
        # page with no request would otherwise skip their query (a count that changes by page).
        # Nor the parties' long texts (summaries and descriptions in every language): each
        # label only names them.
        requests = (
            schedulable_requests(tour)
            .prefetch_related(None)
            .defer("message", *(f"{party}__{field}" for party, field in LONG_TEXTS))
            .order_by("tandem__name", "institution__name")
        )
        # The list offers the requests of the participants on the page; a post may name any
        # request of the tour.
        self.shown_requests = requests.filter(
            Q(tandem_id__in=[c.pk for c in shown if c.is_tandem])
            | Q(institution_id__in=[c.pk for c in shown if not c.is_tandem])
        )
        field.queryset = requests if self.is_bound else self.shown_requests

        def label(request: MeetingRequest) -> str:
            meeting = getattr(request, "meeting", None)
            if meeting is None:
                return _("%(pair)s — no slot yet") % {
                    "pair": f"{request.tandem} ↔ {request.institution}"
                }
            shown_time = show_time(meeting.starts_at, zones)
            return f"{request.tandem} ↔ {request.institution} — {shown_time.date} {shown_time.time}"

        field.label_from_instance = label
        days: dict[int, list] = {}
        for slot in slots:
            days.setdefault(slot.day, []).append((slot.id, _slot_label(slot, zones)))
        self.fields["slot"].choices = [
            (show_time(next(s for s in slots if s.day == d).starts_at, zones).date, choices)
            for d, choices in days.items()
        ]
        self._starts = {slot.id: slot.starts_at for slot in slots}
        # The form starts on the day being viewed.
        self.fields["slot"].initial = next((s.id for s in slots if s.day == day), None)

    def clean(self):
        data = super().clean()
        request = data.get("request")
        if request is None or not hasattr(request, "meeting"):
            return data
        if request.meeting.starts_at == self._starts.get(data.get("slot")):
            self.add_error("slot", _("The meeting is at this time already; choose another slot."))
        if not data.get("reason"):
            self.add_error(
                "reason", _("Give a reason for moving this meeting; both sides will read it.")
            )
        return data

    @property
    def is_move(self) -> bool:
        return hasattr(self.cleaned_data.get("request"), "meeting")


def _columns(tour: Tour, options: dict, day_slots: list[SlotTime]) -> list[Column]:
    """The participants the filter chooses (two queries, names only), tandems first."""
    tandems = Tandem.objects.filter(tour=tour).order_by("name").only("pk", "name")
    institutions = Institution.objects.filter(tours=tour).order_by("name").only("pk", "name")
    if options["name"]:
        tandems = tandems.filter(name__icontains=options["name"])
        institutions = institutions.filter(search_text__contains=normalise(options["name"]))
    if options["busy"] and not day_slots:
        return []  # a day without slots has no meetings
    if options["busy"]:
        day_meetings = Meeting.objects.filter(
            tour=tour,
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=day_slots[0].starts_at,
            starts_at__lt=day_slots[-1].ends_at,
        )
        tandems = tandems.filter(pk__in=day_meetings.values("tandem_id"))
        institutions = institutions.filter(pk__in=day_meetings.values("institution_id"))
    columns = []
    if options["group"] != "institutions":
        columns += [Column(t.pk, t.name, True) for t in tandems]
    if options["group"] != "tandems":
        columns += [Column(i.pk, i.name, False) for i in institutions]
    return columns


def _cells(tour: Tour, day_slots: list[SlotTime], columns: list[Column]) -> dict:
    """What each participant shown has in each slot of one day; a meeting wins over the rest.
    Only the parties on the page are read."""
    occupied = occupancy(
        tour,
        slots=day_slots,
        tandem_ids=[c.pk for c in columns if c.is_tandem],
        institution_ids=[c.pk for c in columns if not c.is_tandem],
    )
    cells: dict[tuple[str, str], Cell] = {}
    for column in columns:
        party = {"tandem_id": column.pk} if column.is_tandem else {"institution_id": column.pk}
        for slot_id, engagements in occupied.in_slots(**party).items():
            first = min(engagements, key=lambda e: list(Cause).index(e.cause))
            if first.meeting:
                meeting = first.meeting
                text = meeting.institution.name if column.is_tandem else meeting.tandem.name
            else:
                text = first.session.title if first.session else ""
            cells[(column.key, slot_id)] = Cell(str(first.cause), text)
    return cells


def grid_view(model_admin, request, pk: int):
    """One day of the tour: slots down, a page of the chosen tandems and institutions across."""
    tour = organiser_tour(request, pk)
    partner_first = request.GET.get("zone") == "partner"
    zones = home_zones(tour, partner_first=partner_first)
    slots = tour_slots(tour)
    day_numbers = sorted({slot.day for slot in slots})
    try:
        day = int(request.GET.get("day", 0))
    except ValueError:
        day = 0
    day = day if day in day_numbers else (day_numbers[0] if day_numbers else 0)
    day_slots = [slot for slot in slots if slot.day == day]
    filters = GridFilterForm(request.GET)
    options = filters.options()
    page = Paginator(_columns(tour, options, day_slots), GRID_COLUMNS).get_page(options["page"])
    columns = list(page.object_list)
    form = GridChangeForm(
        request.POST or None, tour=tour, slots=slots, zones=zones, day=day, shown=columns
    )
    status, confirm = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.is_move and not form.cleaned_data["confirmed"]:
            # A move is destructive for both sides' calendars: show what it does, then ask.
            meeting_request = form.cleaned_data["request"]
            target = next(s for s in slots if s.id == form.cleaned_data["slot"])
            confirm = {
                "pair": f"{meeting_request.tandem} ↔ {meeting_request.institution}",
                "before": show_time(meeting_request.meeting.starts_at, zones),
                "after": show_time(target.starts_at, zones),
            }
            status = 200
        elif form.is_valid():
            target = next(s for s in slots if s.id == form.cleaned_data["slot"])
            meeting_request = form.cleaned_data["request"]
            try:
                if form.is_move:
                    move_meeting(
                        actor=request.user,
                        meeting=meeting_request.meeting,
                        start=target.starts_at,
                        reason=form.cleaned_data["reason"],
                    )
                else:
                    schedule_meeting(
                        actor=request.user, request=meeting_request, start=target.starts_at
                    )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                model_admin.message_user(
                    request,
                    _("%(pair)s is now at %(time)s.")
                    % {
                        "pair": f"{meeting_request.tandem} ↔ {meeting_request.institution}",
                        "time": _slot_label(target, zones),
                    },
                    messages.SUCCESS,
                )
                query = request.GET.copy()
                query["day"] = target.day
                return redirect(
                    reverse("admin:matchmaking_tour_grid", args=[tour.pk]) + "?" + query.urlencode()
                )
    cells = _cells(tour, day_slots, columns)
    rows = [
        (
            show_time(slot.starts_at, zones),
            [cells.get((c.key, slot.id), Cell("free")) for c in columns],
        )
        for slot in day_slots
    ]
    waiting = [
        (r, unscheduled_reason_text(r.unscheduled_reason))
        for r in form.shown_requests.filter(meeting__isnull=True)
    ]
    days = [
        (number, show_time(next(s for s in slots if s.day == number).starts_at, zones).date)
        for number in day_numbers
    ]
    kept = request.GET.copy()
    for key in ("day", "zone", "page"):
        kept.pop(key, None)
    return _page(
        model_admin,
        request,
        "meeting_grid.html",
        _("Meeting grid of %(tour)s") % {"tour": tour},
        status=status,
        tour=tour,
        zones=zones,
        partner_first=partner_first,
        zone_param="partner" if partner_first else "tandem",
        day=day,
        days=days,
        filters=filters,
        page=page,
        # The filters, for the links to other days, pages and the other zone.
        kept=kept.urlencode(),
        columns=columns,
        rows=rows,
        form=form,
        confirm=confirm,
        waiting=waiting,
        problems=tour_problems(tour),
    )
