"""The tandem's journey: dashboard, recommendations, requests to institutions, own profile."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..enums import Direction
from ..forms import TandemProfileForm
from ..permissions import get_institution_for_user, requests_visible_to
from ..selectors.recommendations import recommendations_for
from ..services.profiles import TANDEM_TEXT_FIELDS, update_tandem_profile
from .access import tandem_member_required
from .forms_page import form_page
from .requests import ask


@tandem_member_required
def dashboard(request, tandem):
    context = {
        "tandem": tandem,
        "request_groups": selectors.requests_by_status(
            requests_visible_to(request.user, tandem.tour)
        ),
        "meetings": selectors.upcoming_meetings(request.user, tandem.tour, timezone.now()),
        "sessions": selectors.my_sessions(request.user, tandem.tour),
        "outcomes": selectors.meetings_to_answer(request.user, tandem.tour, timezone.now()),
        "recommendations": recommendations_for(tandem),
    }
    return render(request, "matchmaking/tandem_dashboard.html", context)


@tandem_member_required
def request_meeting(request, tandem, pk: int):
    institution = get_institution_for_user(request.user, pk, tandem.tour)
    return ask(
        request,
        tandem=tandem,
        institution=institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        template="matchmaking/institution_detail.html",
        context={"institution": institution, "tandem": tandem},
    )


@tandem_member_required
def edit_profile(request, tandem):
    form = TandemProfileForm(
        request.POST or None,
        instance=tandem,
        initial={"topics": list(tandem.topics.all()), "seeks": tandem.seeks},
    )

    def save(data):
        update_tandem_profile(
            actor=request.user,
            tandem=tandem,
            fields={f: data[f] for f in TANDEM_TEXT_FIELDS},
            topics=list(data["topics"]),
            seeks=data["seeks"],
        )

    return form_page(
        request,
        form=form,
        save=save,
        template="matchmaking/profile_form.html",
        context={"tandem": tandem},
        done_message=_("The profile is saved."),
        done_url="tandem_dashboard",
    )
