"""The page for an unexpected error: a lost database is a 503 to retry, anything else a 500;
and the portal's own page for a form whose CSRF token no longer holds (Django's own page is
developer text in English)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from .access import page_with_the_form

# A PostgreSQL restart takes seconds; browsers and proxies may try again after this.
RETRY_AFTER_SECONDS = 10
FORBIDDEN = 403


def server_error(request):
    """Django's handler500, which sees every uncaught exception, also those raised in middleware
    (loading the session or the user) before any view runs."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable()
    return defaults.server_error(request)


def database_unavailable() -> HttpResponse:
    # No request in the context: its user, messages and session would ask the database again.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def csrf_failure(request, reason=""):
    return render(
        request, "403_csrf.html", {"back_url": page_with_the_form(request)}, status=FORBIDDEN
    )
