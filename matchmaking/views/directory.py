"""The institution directory of the user's tour: search, filters, an institution's page."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import selectors
from ..forms import DirectoryForm
from ..models import Topic
from ..permissions import (
    current_tour,
    get_institution_for_user,
    tandem_of,
)
from ..selectors.directory import institution_cards
from ..selectors.requests import coming_meeting, open_request_between
from .access import login_required
from .requests import request_form

PAGE_SIZE = 25


@login_required
def institution_list(request):
    tour = current_tour(request.user)
    if tour is None:
        raise PermissionDenied
    form = DirectoryForm(
        request.GET or None,
        cities=selectors.cities(request.user, tour),
        topics=list(Topic.objects.all()),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    institutions = selectors.directory(
        request.user,
        tour,
        query=filters.get("q", "").strip(),
        kind=filters.get("kind", ""),
        city=filters.get("city", ""),
        topic=filters.get("topic", ""),
    )
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = institution_cards(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matchmaking/directory.html",
        {"form": form, "page": page, "tour": tour, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def institution_detail(request, pk: int):
    tour = current_tour(request.user)
    institution = get_institution_for_user(request.user, pk, tour)
    tandem = tandem_of(request.user, tour)
    context = {"institution": institution, "tandem": tandem}
    if tandem is not None:
        pair = {"tandem_id": tandem.pk, "institution_id": institution.pk}
        open_request = open_request_between(**pair)
        context |= {"open_request": open_request, "meeting": coming_meeting(open_request)}
        if open_request is None:  # otherwise the page leads to it and offers no form
            context["form"] = request_form(request, tandem, institution)
    return render(request, "matchmaking/institution_detail.html", context)
