"""The directory finds an institution by any of its names, its topics and its place in any
language, whatever the case, accents and spaces — on PostgreSQL and in the embedded SQLite mode,
with as many queries for ten times the data; hostile search strings find nothing or get a
message, never a 500."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking import selectors
from matchmaking.models import Institution, Participation, Topic, Tour, User
from tests import demo_copy, factories
from tests.demo_growth import multiply_demo

pytestmark = pytest.mark.django_db

BEIJING = ["bmr-center", "cas", "cas-microbiology", "ikang", "infervision", "tsinghua"]
SEARCHES = {
    "Peking": BEIJING,  # the German name of the city
    "北京": BEIJING,  # the Chinese one
    "BEIJING": BEIJING,
    "Bildgebung": ["alibaba-damo", "infervision", "tsinghua"],  # a German topic
    "医学影像": ["alibaba-damo", "infervision", "tsinghua"],  # the same topic in Chinese
    "infer vision": ["infervision"],  # spaces ignored
    "ikang": ["ikang"],  # case ignored
    "爱康": ["ikang"],
    "Praezision": [],
    "präzisionsmedizin": ["bgi"],
    "Prazisionsmedizin": ["bgi"],  # accents ignored
    "bezirk  nanshan": ["nanshan"],
    "Tsinghua Shenzhen": ["rits"],  # each word in another field: a name and a city
    "深圳 基因组学": ["bgi"],  # a city and a topic, in Chinese
}
HOSTILE = ["%", "_", "\\", ".*", "'; DROP TABLE matchmaking_institution; --", "\u0301", "%%__"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(db):
    demo_copy.load()
    return Tour.objects.get(slug="innohealth-china")


@pytest.fixture
def researcher(client, demo):
    """A tandem member who reads the portal in English."""
    user = User.objects.get(email="researcher1@tandem.example")
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def found(tour, query: str) -> list[str]:
    """What a tandem member of the tour finds (all the people here agreed to be shown)."""
    viewer = Participation.objects.filter(tour=tour, tandem__isnull=False).first().user
    return sorted(selectors.directory(viewer, tour, query=query).values_list("slug", flat=True))


@pytest.mark.parametrize(("query", "expected"), SEARCHES.items())
def test_the_directory_finds_by_any_name_topic_and_city_in_any_language(demo, query, expected):
    assert found(demo, query) == expected


@pytest.mark.parametrize("query", ["Peking", "北京", "Bildgebung", "infer vision", "ikang"])
def test_the_directory_page_shows_what_the_search_finds(researcher, query):
    page = researcher.get(reverse("directory"), {"q": query}).content.decode()
    shown = {i.slug for i in Institution.objects.all() if f'data-institution="{i.pk}"' in page}
    assert sorted(shown) == SEARCHES[query]


def test_the_city_filter_shows_each_city_in_the_readers_language(client, demo):
    user = User.objects.get(email="researcher1@tandem.example")
    user.language = "zh-hans"
    user.save()
    client.force_login(user)
    page = client.get(reverse("directory"), {"city": "Beijing"}).content.decode()
    assert '<option value="Beijing" selected>北京</option>' in page
    shown = {i.slug for i in Institution.objects.all() if f'data-institution="{i.pk}"' in page}
    assert sorted(shown) == BEIJING


def test_the_searched_words_follow_a_new_topic_and_a_renamed_one(people):
    topic = factories.TopicFactory(name_en="Sleep medicine", name_de="Schlafmedizin")
    assert found(people.tour, "schlafmedizin") == []
    people.institution.topics.add(topic)
    assert found(people.tour, "schlafmedizin") == [people.institution.slug]
    topic.name_zh_hans = "睡眠医学"
    topic.save()
    assert found(people.tour, "睡眠") == [people.institution.slug]
    topic.institutions.clear()
    assert found(people.tour, "睡眠") == []
    topic.institutions.add(people.other_institution)
    assert found(people.tour, "睡眠") == [people.other_institution.slug]
    Topic.objects.filter(pk=topic.pk).delete()  # m2m rows go with it; the words stay harmless
    people.other_institution.save()
    assert found(people.tour, "睡眠") == []


def test_a_renamed_institution_is_found_under_its_new_name(people):
    people.institution.city_de = "Shenzhen"
    people.institution.name_de = "BGI-Gruppe"
    people.institution.save(update_fields=["name_de", "city_de"])
    assert found(people.tour, "bgi-gruppe") == [people.institution.slug]


@pytest.mark.parametrize("query", HOSTILE)
def test_sql_and_regex_characters_find_nothing(researcher, demo, query):
    response = researcher.get(reverse("directory"), {"q": query})
    assert response.status_code == 200
    assert "No institution matches your search." in response.content.decode()
    assert Institution.objects.count() == 13


def test_a_search_of_ten_thousand_characters_gets_a_message(researcher, demo):
    response = researcher.get(reverse("directory"), {"q": "北京" * 5000})
    assert response.status_code == 400
    assert (
        "Ensure this value has at most 100 characters (it has 10000)." in response.content.decode()
    )
    assert found(demo, "x" * 10_000) == []  # the selector alone: no hit, no error


def test_a_search_with_a_nul_character_gets_a_message(researcher, demo):
    response = researcher.get(reverse("directory"), {"q": "Peking\x00"})
    # Refused before it reaches the search: a NUL byte is never a name, place or topic.
    assert response.status_code == 400
    assert "The portal could not accept what was sent" in response.content.decode()


def _search_queries(client) -> dict:
    counts = {}
    for query in ["Peking", "北京", "Bildgebung", "infer vision", "ikang"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("directory"), {"q": query})
        assert response.status_code == 200
        counts[query] = len(queries)
    return counts


def test_a_search_runs_as_many_queries_with_ten_times_the_data(client, demo):
    client.force_login(User.objects.get(email="researcher3@tandem.example"))
    client.get(reverse("directory"))  # the first page of a session also looks up the consent
    before = _search_queries(client)
    multiply_demo(demo, 10)
    assert Institution.objects.count() == 130
    assert len(found(demo, "infer vision")) == 10  # each copy is found too
    assert _search_queries(client) == before


SQLITE_SEARCH = """
import json
from matchmaking import selectors
from matchmaking.models import Tour, User
tour = Tour.objects.get(slug="innohealth-china")
viewer = User.objects.get(email="researcher1@tandem.example")
queries = json.loads(QUERIES)
print(json.dumps({q: sorted(selectors.directory(viewer, tour, query=q).values_list("slug", flat=True)) for q in queries}))
"""


def test_the_same_searches_in_the_embedded_sqlite_mode(tmp_path):
    """A fresh SQLite database, migrated and loaded with the demo by the real commands."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "INNOHEALTH_VAR_DIR": str(tmp_path),
    }

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "--noinput", "-v0")
    manage("load_demo")
    queries = [*SEARCHES, *HOSTILE, "x" * 10_000]
    script = f"QUERIES = {json.dumps(json.dumps(queries))}\n{SQLITE_SEARCH}"
    hits = json.loads(manage("shell", "-c", script).strip().splitlines()[-1])
    assert {q: hits[q] for q in SEARCHES} == SEARCHES
    assert all(hits[q] == [] for q in [*HOSTILE, "x" * 10_000])
