"""The portal's addresses plus one that fails in each way, for the error page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.urls import include, path

FAILURES = {"400": BadRequest, "403": PermissionDenied, "404": Http404, "500": RuntimeError}


def fail(request, code):
    raise FAILURES[code]("a test failure")


urlpatterns = [path("fail/<str:code>/", fail), path("", include("innohealth.urls"))]
