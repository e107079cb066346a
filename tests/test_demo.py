import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def counts():
    return {
        m._meta.label: m.objects.count() for m in apps.get_app_config("matchmaking").get_models()
    }


def test_load_demo_twice_gives_the_same_rows():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    # The 2027 tour's six tandems, and one of the 2028 edition in preparation.
    assert first["matchmaking.Tandem"] == 7
    assert first["matchmaking.TandemMember"] == 14
    assert first["matchmaking.TourDay"] == 4
    assert first["matchmaking.Speaker"] == 4
    assert first["matchmaking.Supporter"] == 13
    assert first["matchmaking.Registration"] == 9


def test_the_demo_shows_full_sessions_with_a_waiting_list():
    from matchmaking.models import Registration, Session
    from matchmaking.selectors.registrations import with_places

    call_command("load_demo")
    waiting = list(Registration.objects.filter(status="waiting"))
    for registration in waiting:
        registration.session = with_places(Session.objects.filter(pk=registration.session_id)).get()
    assert sorted(str(r.party) for r in waiting) == ["BiomeCheck (demo)", "iKang Healthcare Group"]
    assert all(r.session.taken == r.session.capacity for r in waiting)
    assert Registration.objects.filter(status="confirmed").count() == 7


def test_the_demo_shows_outcomes_where_the_sides_differ_and_one_side_answered():
    from matchmaking.models import Meeting, MeetingOutcome
    from matchmaking.selectors.outcomes import AGREEMENT, with_answers

    call_command("load_demo")
    assert MeetingOutcome.objects.count() == 3
    meetings = with_answers(Meeting.objects.all())
    differ = meetings.filter(AGREEMENT["differ"]).get()
    assert (differ.tandem.slug, differ.institution.slug) == ("careconnect", "ikang")
    assert meetings.filter(AGREEMENT["one_side"]).get().institution.slug == "tsinghua"


def test_the_demo_has_every_session_kind_and_fictional_tandems():
    from matchmaking.enums import SessionKind
    from matchmaking.models import Institution, Session, Tandem

    call_command("load_demo")
    assert set(Session.objects.values_list("kind", flat=True)) == set(SessionKind.values)
    assert all("(demo)" in t.name for t in Tandem.objects.all())
    assert all(t.summary_en and t.summary_de and t.summary_zh_hans for t in Tandem.objects.all())
    assert Institution.objects.filter(name_en="BGI Group", name_zh_hans="华大集团").exists()
    investors = Institution.objects.filter(kind="investor")
    assert investors and all("fictional" in i.name for i in investors)


def test_demo_accounts_can_log_in(client):
    from matchmaking.demo import DEMO_PASSWORD

    call_command("load_demo")
    for email, landing in [
        ("researcher1@tandem.example", "/tandem/"),
        ("bgi@partner.example", "/partner/"),
        ("organiser@innohealth.example", "/admin/"),
    ]:
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response["Location"] == landing


def test_a_researcher_returns_in_the_next_edition_of_the_demo(client):
    from matchmaking.demo import DEMO_PASSWORD, NEXT_TOUR_SLUG, TOUR_SLUG
    from matchmaking.models import TandemMember, User
    from matchmaking.permissions import tours_of

    call_command("load_demo")
    researcher = User.objects.get(email="researcher1@tandem.example")
    tandems = {m.tour.slug: m.tandem.name for m in TandemMember.objects.filter(user=researcher)}
    assert tandems == {TOUR_SLUG: "CardioSense (demo)", NEXT_TOUR_SLUG: "NeuroBridge (demo)"}
    # The partner who comes back sees the 2028 edition only once it opens.
    partner = User.objects.get(email="bgi@partner.example")
    assert [t.slug for t in tours_of(partner)] == [TOUR_SLUG]
    client.post("/accounts/login/", {"login": researcher.email, "password": DEMO_PASSWORD})
    page = client.get("/tandem/").content.decode()
    assert "CardioSense (demo)" in page and 'id="tour-select"' in page
    client.post("/tour/", {"tour": NEXT_TOUR_SLUG})
    assert "NeuroBridge (demo)" in client.get("/tandem/").content.decode()
