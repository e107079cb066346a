"""The request page's forms as a browser and a screen reader meet them: their own field ids,
and a message the textarea accepts is accepted by the server."""

import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaking.models import MeetingRequest

from .conftest import berlin, slot_value
from .test_accessibility import CSS, contrast

pytestmark = pytest.mark.django_db


def test_each_form_on_the_request_page_has_its_own_field_ids(client, people, ask):
    request = ask(people)
    client.force_login(people.chen)
    html = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    for form in ("accept", "propose"):
        assert f'<label for="{form}-start">' in html
        assert re.search(rf'<select name="start"[^>]* id="{form}-start"', html)


def test_a_message_of_2000_characters_with_line_breaks_is_accepted(client, people):
    # The browser counts each line break once against maxlength="2000" and sends it as CRLF.
    lines = ["x" * 99] * 20
    as_the_browser_counts = "\n".join(lines)
    assert len(as_the_browser_counts) == 1999
    client.force_login(people.alice)
    response = client.post(
        reverse("request_meeting", args=[people.institution.pk]),
        {"message": as_the_browser_counts.replace("\n", "\r\n") + "x"},
    )
    assert response.status_code == 302
    assert MeetingRequest.objects.get().message == as_the_browser_counts + "x"


def test_one_character_more_is_still_refused(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("request_meeting", args=[people.institution.pk]),
        {"message": "\r\n".join(["x" * 99] * 20) + "xx"},
    )
    assert response.status_code == 400
    assert not MeetingRequest.objects.exists()


def test_errors_of_the_whole_form_are_announced_and_bad_fields_marked(client, people):
    client.force_login(people.alice)
    same = slot_value(berlin(22, 9))
    response = client.post(
        reverse("request_meeting", args=[people.institution.pk]),
        {"message": "", "preferred_1": same, "preferred_2": same},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<ul class="errorlist nonfield" role="alert"><li>Each preferred time', html)
    assert re.search(r'<textarea name="message"[^>]*aria-invalid="true"', html)


def test_a_refused_answer_is_announced(client, people, ask):
    request = ask(people)
    client.force_login(people.chen)
    client.post(reverse("request_decline", args=[request.pk]), {"reason": ""})
    response = client.post(reverse("request_accept", args=[request.pk]), {"start": ""})
    assert response.status_code == 400
    assert re.search(r'<li class="message error" role="alert">', response.content.decode())


def test_the_focus_ring_has_3_to_1_contrast_on_every_background():
    css = CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    ring = re.search(r"a:focus[^{]*\{[^}]*outline: 3px solid var\((--[\w-]+)\)", css).group(1)
    header = re.search(r"\.site-header :focus \{ outline-color: var\((--[\w-]+)\)", css).group(1)
    # Cards, messages, tags and the page itself are paper or tint; the header is the accent.
    for background in ("--paper", "--tint"):
        assert contrast(colours[ring], colours[background]) >= 3, background
    assert contrast(colours[header], colours["--accent"]) >= 3


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "This request is declined:"),
        ("de", "Diese Anfrage ist abgelehnt und"),
        ("zh-hans", "已拒绝"),
    ],
)
def test_a_status_inside_a_sentence_is_its_own_word(people, ask, language, expected):
    from matchmaking.services import DomainError
    from matchmaking.services.requests import accept_request, decline_request

    request = ask(people)
    decline_request(actor=people.chen, request=request, reason="")
    with translation.override(language), pytest.raises(DomainError) as refused:
        accept_request(actor=people.chen, request=request, start=None)
    assert expected in str(refused.value.message)
