"""The partner's journey: incoming requests, asking a tandem, the institution's profile."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..enums import Direction, Party, RequestStatus
from ..forms import InstitutionProfileForm
from ..permissions import (
    current_tour,
    get_tandem_for_user,
    requests_visible_to,
    tandems_visible_to,
)
from ..selectors.directory import tandem_cards
from ..selectors.requests import coming_meeting, open_request_between, waiting_cards
from ..services.profiles import INSTITUTION_TEXT_FIELDS, update_institution_profile
from .access import representative_required
from .directory import PAGE_SIZE
from .forms_page import form_page
from .requests import ask


@representative_required
def dashboard(request, institution):
    """Every representative of the institution sees all of its requests."""
    tour = current_tour(request.user)
    requests = requests_visible_to(request.user, tour)
    incoming = requests.filter(status=RequestStatus.PENDING, turn=Party.INSTITUTION)
    context = {
        "institution": institution,
        "incoming": list(waiting_cards(incoming).order_by("created_at")),
        "request_groups": selectors.requests_by_status(
            requests.exclude(pk__in=incoming.values("pk"))
        ),
        "meetings": selectors.upcoming_meetings(request.user, tour, timezone.now()),
        "sessions": selectors.my_sessions(request.user, tour),
        "outcomes": selectors.meetings_to_answer(request.user, tour, timezone.now()),
    }
    return render(request, "matchmaking/partner_dashboard.html", context)


@representative_required
def tandem_list(request, institution):
    """The tour's tandems a page at a time, as the directory shows its institutions."""
    tour = current_tour(request.user)
    tandems = tandems_visible_to(request.user, tour).order_by("name", "pk")
    page = Paginator(tandems, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = tandem_cards(page.object_list)
    return render(
        request, "matchmaking/tandem_list.html", {"institution": institution, "tandems": page}
    )


@representative_required
def tandem_detail(request, institution, pk: int):
    """A tandem's profile; the partner can ask it for a meeting from here."""
    tour = current_tour(request.user)
    tandem = get_tandem_for_user(request.user, pk, tour)
    open_request = open_request_between(tandem_id=tandem.pk, institution_id=institution.pk)
    return ask(
        request,
        tandem=tandem,
        institution=institution,
        direction=Direction.INSTITUTION_TO_TANDEM,
        template="matchmaking/tandem_detail.html",
        context={
            "tandem": tandem,
            "institution": institution,
            "open_request": open_request,
            "meeting": coming_meeting(open_request),
        },
    )


@representative_required
def edit_profile(request, institution):
    form = InstitutionProfileForm(
        request.POST or None,
        instance=institution,
        initial={"topics": list(institution.topics.all())},
    )

    def save(data):
        update_institution_profile(
            actor=request.user,
            institution=institution,
            fields={f: data[f] for f in INSTITUTION_TEXT_FIELDS},
            topics=list(data["topics"]),
        )

    return form_page(
        request,
        form=form,
        save=save,
        template="matchmaking/profile_form.html",
        context={"institution": institution},
        done_message=_("The profile is saved."),
        done_url="partner_dashboard",
    )
