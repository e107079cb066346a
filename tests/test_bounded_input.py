"""Requests larger than the portal takes, or with characters no field accepts, get a clear page
(413, 400) before any view reads them; an oversized import file gets a form error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from matchmaking.models import Invitation

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, people, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024 * 1024
    client.force_login(people.otto)
    upload = SimpleUploadedFile("people.csv", b"x" * (2 * 1024 * 1024))
    response = client.post(reverse("admin:matchmaking_invitation_import"), {"file": upload})
    assert response.status_code == 413
    assert "larger than the portal accepts (1 MB)" in response.content.decode()


def test_an_import_file_over_its_limit_gets_a_form_error(client, people, settings):
    settings.INVITATION_IMPORT_MAX_BYTES = 1024
    client.force_login(people.otto)
    upload = SimpleUploadedFile("people.csv", b"name,e-mail\n" + b"x" * 3000)
    response = client.post(reverse("admin:matchmaking_invitation_import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is too large (2.9\xa0KB): at most 1.0\xa0KB."
    ]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("where", ["GET", "POST"])
def test_a_nul_character_in_a_parameter_is_a_clear_400(client, people, where):
    client.force_login(people.alice)
    url = reverse("directory")
    if where == "GET":
        response = client.get(url, {"q": "BGI\x00"})
    else:
        response = client.post(reverse("preferences"), {"display_name": "Alice\x00"})
    assert response.status_code == 400
    assert "could not accept what was sent" in response.content.decode()


def test_too_many_fields_are_a_clear_400(client, people, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(people.alice)
    response = client.post(reverse("preferences"), {f"f{n}": "x" for n in range(50)})
    assert response.status_code == 400
    assert "too many fields" in response.content.decode()


@pytest.mark.parametrize("refused", ["nul", "too large"])
def test_the_refusal_page_speaks_the_profiles_language(client, people, settings, refused):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    people.alice.language = "de"
    people.alice.save()
    client.force_login(people.alice)
    url = reverse("directory")
    if refused == "nul":
        response = client.get(url, {"q": "BGI\x00"}, HTTP_ACCEPT_LANGUAGE="en")
        heading = "The portal could not understand this request"
    else:
        response = client.post(url, {"q": "x" * 4096}, HTTP_ACCEPT_LANGUAGE="en")
        heading = "Too large"
    page = response.content.decode()
    assert response.status_code in (400, 413)
    assert '<html lang="de">' in page
    with translation.override("de"):
        assert gettext(heading) in page
