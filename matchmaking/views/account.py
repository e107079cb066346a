"""A person's own settings (language, time zone), their consent to be shown across the border,
and their data: download and deletion."""

import json

from allauth.account import views as allauth_views
from allauth.account.utils import url_str_to_user_pk
from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from ..enums import Language
from ..forms import ConsentForm, DeletionForm, PreferencesForm
from ..models import User
from ..models.consent import CURRENT_CONSENT_VERSION, consent_text
from ..permissions import has_consented, tour_by_slug
from ..services import DomainError
from ..services.consent import give_consent, withdraw_consent
from ..services.personal_data import erase_personal_data, export_personal_data
from ..services.profiles import choose_tour, update_preferences
from ..services.profiles import set_language as remember_language
from .access import language_of_link, login_required
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

    def save(data):
        update_preferences(actor=user, user=user, **data)
        # The confirmation is read on the next page, which speaks the language just chosen.
        translation.activate(user.language)

    return form_page(
        request,
        form=form,
        save=save,
        template="matchmaking/preferences.html",
        context={},
        done_message=gettext_lazy("Your preferences are saved."),
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


def _next_page(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "dashboard"


@login_required
def consent(request):
    """The consent text in the reader's language; "I agree" records it, "Not now" lets the
    person go on for this session with their profile hidden from the other side."""
    language = translation.get_language()
    form = ConsentForm(
        request.POST or None,
        initial={"version": CURRENT_CONSENT_VERSION, "language": language},
    )
    if request.method == "POST" and form.is_valid():
        if "later" in request.POST:
            request.session["consent_asked"] = CURRENT_CONSENT_VERSION
            return redirect(_next_page(request))
        try:
            give_consent(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            request.session["consent_asked"] = CURRENT_CONSENT_VERSION
            messages.success(
                request, _("Thank you. Your profile can now be shown to the other side.")
            )
            return redirect(_next_page(request))
    return render(
        request,
        "matchmaking/consent.html",
        {
            "form": form,
            "paragraphs": consent_text(CURRENT_CONSENT_VERSION, language).split("\n\n"),
            "version": CURRENT_CONSENT_VERSION,
            "agreed": has_consented(request.user),
            "next": _next_page(request) if request.GET.get("next") else "",
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def my_data(request):
    """Download one's data, or ask for its deletion."""
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            erase_personal_data(actor=user, user=user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data are deleted."))
            return redirect("home")
    return render(
        request,
        "matchmaking/my_data.html",
        {
            "form": form,
            "consents": request.user.consents.all(),
            "agreed": has_consented(request.user),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def my_consent_withdraw(request):
    try:
        withdraw_consent(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Consent withdrawn: the other side no longer sees your profile.")
        )
    return redirect("my_data")


@login_required
def my_data_export(request):
    data = export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"innohealth-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def password_reset_from_key(request, uidb36: str, key: str):
    """allauth's page behind the link of a password-reset e-mail, in that e-mail's language (the
    account's), as the invitation links are: not in the language of a borrowed browser."""
    try:
        account = User.objects.filter(pk=url_str_to_user_pk(uidb36)).first()
    except (ValueError, OverflowError):
        account = None  # a mangled link: allauth answers it with its own "bad token" page
    language = account.language if account is not None else translation.get_language()
    with translation.override(language_of_link(request, language)):
        response = allauth_views.password_reset_from_key(request, uidb36=uidb36, key=key)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response
