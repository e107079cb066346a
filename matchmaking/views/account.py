"""A person's own settings: language and time zone."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from ..enums import Language
from ..forms import PreferencesForm
from ..permissions import tour_by_slug
from ..services.profiles import choose_tour, update_preferences
from ..services.profiles import set_language as remember_language
from .access import login_required
from .forms_page import form_page


@login_required
def preferences(request):
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "language": user.language,
            "time_zone": user.time_zone,
        },
    )
    return form_page(
        request,
        form=form,
        save=lambda data: update_preferences(actor=user, user=user, **data),
        template="matchmaking/preferences.html",
        context={},
        done_message=_("Your preferences are saved."),
        done_url="preferences",
    )


def switch_language(request):
    """The language switcher. For a logged-in person the choice is kept on the profile, which
    decides the language of every page and e-mail."""
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in Language.values:
        remember_language(user=request.user, language=language)
    return set_language(request)


@login_required
@require_POST
def switch_tour(request):
    """The tour switcher in the header: from now on every page shows the chosen tour, and the
    person lands on their role's page in it (a page of the other tour may not exist here)."""
    tour = tour_by_slug(request.user, request.POST.get("tour", ""))
    if tour is None:
        messages.error(request, _("You do not take part in this tour."))
    else:
        choose_tour(user=request.user, tour=tour)
    return redirect("dashboard")
