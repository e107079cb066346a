"""Notification preferences, and the unsubscribe link that works without logging in."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..models import User
from ..notifications.preferences import PREFERENCES, muted_preferences
from ..services import preferences as preference_services
from ..tokens import BadToken, read_unsubscribe_token
from .access import language_of_link, login_required


class PreferencesForm(forms.Form):
    def __init__(self, *args, muted=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PREFERENCES.items():
            self.fields[key] = forms.BooleanField(
                label=label, required=False, initial=key not in muted
            )


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, muted=muted_preferences(request.user))
    if request.method == "POST" and form.is_valid():
        muted = [key for key in PREFERENCES if not form.cleaned_data[key]]
        preference_services.set_muted(user=request.user, muted=muted)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# One-click unsubscribe (RFC 8058) posts without cookies, so no CSRF token; the signed token
# is the proof.
@csrf_exempt
def unsubscribe(request, token):
    try:
        user_id, preference = read_unsubscribe_token(token)
    except BadToken as exc:
        raise Http404 from exc
    user = get_object_or_404(User, pk=user_id)
    if preference not in PREFERENCES:
        raise Http404
    done = request.method == "POST"
    if done:
        preference_services.mute(user=user, preference=preference)
    with translation.override(language_of_link(request, user.language)):
        return render(
            request,
            "notifications/unsubscribe.html",
            {"label": PREFERENCES[preference], "done": done},
        )
