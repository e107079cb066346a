"""The time-zone choice: Berlin and Shanghai first, then common places by their names in the
person's language, never the 600 raw zone identifiers; still validated."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select)


def test_home_zones_first_then_places_by_name_in_the_persons_language(client, people):
    people.chen.language = "zh-hans"
    people.chen.save()
    client.force_login(people.chen)
    html = client.get(reverse("preferences")).content.decode()
    offered = options(html)
    assert offered[:2] == [("Europe/Berlin", "柏林"), ("Asia/Shanghai", "上海")]
    assert ("Asia/Tokyo", "东京") in offered
    assert len(offered) < 30
    assert not any("/" in label for _, label in offered)


def test_a_zone_outside_the_list_is_refused(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("preferences"),
        {"display_name": "Alice", "language": "en", "time_zone": "Africa/Cairo"},
    )
    assert response.status_code == 400
    people.alice.refresh_from_db()
    assert people.alice.time_zone != "Africa/Cairo"


def test_a_zone_set_before_stays_choosable(client, people):
    people.alice.time_zone = "Africa/Cairo"
    people.alice.save()
    client.force_login(people.alice)
    assert ("Africa/Cairo", "Cairo") in options(client.get(reverse("preferences")).content.decode())
    response = client.post(
        reverse("preferences"),
        {"display_name": "Alice", "language": "de", "time_zone": "Africa/Cairo"},
    )
    assert response.status_code == 302
