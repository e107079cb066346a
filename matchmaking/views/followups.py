"""After the tour: each side's follow-ups of its contacts, one follow-up with its notes, and the
pipeline of the organisers and the supporting offices (filters, counts per stage, CSV)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..csvfile import csv_text
from ..forms import FollowUpForm, NoteForm, PipelineForm
from ..models import Tour
from ..permissions import (
    current_tour,
    followups_visible_to,
    get_followup_for_user,
    is_organiser,
    may_change_followup,
    role_in,
    sees_pipeline,
    supported_tours,
)
from ..selectors.followups import (
    contact_people,
    counterparts,
    is_overdue,
    overdue_filter,
    owner_choices,
    pipeline,
    stage_counts,
)
from ..services import DomainError
from ..services.followups import add_note, create_follow_up, update_follow_up
from .access import form_of, login_required


@login_required
def my_follow_ups(request):
    """The follow-ups of the person's tandem or institution in the current tour, and a form to
    record a new one for one of its contacts."""
    user = request.user
    tour = current_tour(user)
    role = role_in(user, tour)
    if role is None:
        if sees_pipeline(user):
            return redirect("pipeline")
        raise PermissionDenied
    for_tandem = role.tandem_id is not None
    form = FollowUpForm(
        request.POST or None,
        owners=owner_choices(tour, role),
        counterparts=counterparts(tour, role),
        counterpart_label=_("Institution") if for_tandem else _("Tandem"),
        initial={"owner": user},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                follow_up = create_follow_up(
                    actor=user,
                    tandem=role.tandem if for_tandem else data["counterpart"],
                    institution=data["counterpart"] if for_tandem else role.institution,
                    next_step=data["next_step"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    stage=data["stage"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The follow-up is recorded."))
                return redirect("follow_up_detail", follow_up.pk)
    today = timezone.localdate()
    rows = list(pipeline(followups_visible_to(user, tour), today=today))
    for row in rows:
        row.overdue = is_overdue(row, today)
    return render(
        request,
        "matchmaking/follow_ups.html",
        {"follow_ups": rows, "form": form, "tour": tour},
        status=status,
    )


@login_required
def follow_up_detail(request, pk: int):
    """One follow-up: its sides change it here, everybody who sees it reads and adds notes."""
    user = request.user
    follow_up = get_followup_for_user(user, pk, current_tour(user))
    may_change = may_change_followup(user, follow_up)
    form = None
    status = 200
    if may_change:
        form = FollowUpForm(
            request.POST or None,
            owners=contact_people(
                follow_up.tour,
                tandem_id=follow_up.tandem_id,
                institution_id=follow_up.institution_id,
            ),
            initial={
                "next_step": follow_up.next_step,
                "owner": follow_up.owner,
                "due_on": follow_up.due_on,
                "stage": follow_up.stage,
            },
        )
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    update_follow_up(actor=user, follow_up=follow_up, **form.cleaned_data)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("The follow-up is saved."))
                    return redirect("follow_up_detail", follow_up.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return _detail_page(request, follow_up, form=form, note_form=NoteForm(), status=status)


def _detail_page(request, follow_up, *, form, note_form, status=200):
    follow_up.overdue = is_overdue(follow_up, timezone.localdate())
    context = {
        "follow_up": follow_up,
        "form": form,
        "note_form": note_form,
        "notes": follow_up.notes.select_related("author"),
        "back": "pipeline" if sees_pipeline(request.user) else "follow_ups",
    }
    return render(request, "matchmaking/follow_up_detail.html", context, status=status)


@login_required
@form_of("follow_up_detail")
def follow_up_note(request, pk: int):
    user = request.user
    follow_up = get_followup_for_user(user, pk, current_tour(user))
    note_form = NoteForm(request.POST)
    if note_form.is_valid():
        try:
            add_note(actor=user, follow_up=follow_up, text=note_form.cleaned_data["text"])
        except DomainError as error:
            note_form.add_error(None, error.message)
        else:
            messages.success(request, _("Your note is added."))
            return redirect("follow_up_detail", follow_up.pk)
    return _detail_page(request, follow_up, form=None, note_form=note_form, status=400)


def _pipeline_of(request):
    """The tours whose pipeline the person sees, the filter form and the filtered follow-ups
    (before the stage filter, for the counts). A tour outside them answers 404."""
    user = request.user
    if not sees_pipeline(user):
        raise PermissionDenied
    tours = Tour.objects.all() if is_organiser(user) else supported_tours(user)
    form = PipelineForm(request.GET or None, tours=list(tours))
    slug = request.GET.get("tour", "")
    tour = tours.filter(slug=slug).first() if slug else None
    if slug and tour is None:
        raise Http404
    follow_ups = followups_visible_to(user, None).filter(tour__in=tours)
    if tour is not None:
        follow_ups = follow_ups.filter(tour=tour)
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    return form, valid, follow_ups, filters


@login_required
def pipeline_page(request):
    form, valid, follow_ups, filters = _pipeline_of(request)
    today = timezone.localdate()
    if filters.get("overdue"):
        follow_ups = follow_ups.filter(overdue_filter(today))
    rows = list(pipeline(follow_ups, today=today, stage=filters.get("stage", "")))
    for row in rows:
        row.overdue = is_overdue(row, today)
    query = request.GET.urlencode()
    return render(
        request,
        "matchmaking/pipeline.html",
        {
            "form": form,
            "follow_ups": rows,
            "counts": stage_counts(follow_ups),
            "may_export": is_organiser(request.user),
            "query": query,
        },
        status=200 if valid else 400,
    )


EXPORT_COLUMNS = (
    gettext_lazy("Tour"),
    gettext_lazy("Tandem"),
    gettext_lazy("Institution"),
    gettext_lazy("Next step"),
    gettext_lazy("Owner"),
    gettext_lazy("Due date"),
    gettext_lazy("Stage"),
    gettext_lazy("Overdue"),
    gettext_lazy("Notes"),
    gettext_lazy("Created"),
    gettext_lazy("Last change"),
)


@login_required
def pipeline_export(request):
    """The filtered pipeline as CSV, for organisers."""
    if not is_organiser(request.user):
        raise PermissionDenied
    form, valid, follow_ups, filters = _pipeline_of(request)
    if not valid:
        return pipeline_page(request)
    today = timezone.localdate()
    rows = pipeline(
        follow_ups, today=today, stage=filters.get("stage", ""), overdue=filters.get("overdue")
    )
    text = csv_text(
        EXPORT_COLUMNS,
        (
            (
                f.tour.name,
                f.tandem.name,
                f.institution.name,
                f.next_step,
                str(f.owner),
                f.due_on,
                f.get_stage_display(),
                _("yes") if is_overdue(f, today) else _("no"),
                f.note_count,
                f.created_at,
                f.updated_at,
            )
            for f in rows
        ),
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="follow-ups-{today:%Y-%m-%d}.csv"'
    return response
