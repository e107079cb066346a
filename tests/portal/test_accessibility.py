"""Pages people can use with a keyboard and a screen reader: every field has a label, focus is
visible, and the colours keep enough contrast."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from matchmaking.models import MeetingRequest, User
from tests import demo_copy

pytestmark = pytest.mark.django_db
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css"


class Fields(HTMLParser):
    """Collects form fields and which of them a <label> names (by for= or by wrapping)."""

    def __init__(self):
        super().__init__()
        self.fields, self.labelled, self.open_labels = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels.append(attrs.get("for"))
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            name = attrs.get("id") or attrs.get("name")
            self.fields.append(name)
            if self.open_labels or attrs.get("aria-label"):
                self.labelled.add(name)

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels.pop()


def _unlabelled(html: str) -> list[str]:
    parser = Fields()
    parser.feed(html)
    return [f for f in parser.fields if f not in parser.labelled]


def test_every_field_of_the_main_pages_has_a_label(client):
    demo_copy.load()
    request = MeetingRequest.objects.get(tandem__slug="lungscan")
    pages = {
        None: [reverse("home"), reverse("account_login")],
        "researcher2@tandem.example": [
            reverse("tandem_dashboard"),
            reverse("directory"),
            reverse("institution_detail", args=[request.institution_id]),
            reverse("request_detail", args=[request.pk]),
            reverse("schedule"),
            reverse("tandem_profile"),
            reverse("preferences"),
        ],
        "infervision@partner.example": [
            reverse("partner_dashboard"),
            reverse("request_detail", args=[request.pk]),
            reverse("tandem_list"),
            reverse("tandem_detail", args=[request.tandem_id]),
            reverse("schedule"),
            reverse("institution_profile"),
        ],
    }
    assert _unlabelled(
        '<form><input name="q"><label>Kind <select name="k"></select></label></form>'
    ) == ["q"]
    checked = 0
    for email, urls in pages.items():
        if email:
            client.force_login(User.objects.get(email=email))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url  # an error page has no fields to check
            assert _unlabelled(response.content.decode()) == [], url
            checked += 1
    assert checked


def _hex(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(colour: str) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("--ink", "--paper"),
        ("--muted", "--paper"),
        ("--muted", "--tint"),
        ("--accent", "--paper"),
        ("--accent-ink", "--accent"),
        ("--error", "--paper"),
        ("--ok", "--paper"),
        ("--ink", "--tint"),
    ],
)
def test_text_colours_have_at_least_aa_contrast(text, background):
    css = CSS.read_text(encoding="utf-8")
    colours = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    assert contrast(colours[text], colours[background]) >= 4.5


def test_keyboard_focus_is_visible():
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"a:focus[^{]*\{([^}]*)\}", css)
    assert rule and "outline: 3px solid" in rule.group(1)
    assert "outline: none" not in css and "outline:none" not in css
