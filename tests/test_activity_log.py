"""The activity log: every change to a person's account, by whatever path, and the changes of
tours, sessions, meetings and requests, read back as the history of their object."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from matchmaking.enums import Direction, LogAction, TourStatus
from matchmaking.models import ActivityLog, Meeting, User
from matchmaking.roles import ORGANISERS_GROUP
from matchmaking.services.activity import acting_as
from matchmaking.services.requests import accept_request

from . import factories
from .notifications.test_messages import admin_form_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-7"


def history(obj, action):
    return list(ActivityLog.objects.about(obj).filter(action=action))


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    return Meeting.objects.get(request=request)


@pytest.mark.parametrize(
    ("field", "new"),
    [
        ("email", "alice.new@tandem.example"),
        ("is_active", False),
        ("is_staff", True),
        ("is_superuser", True),
    ],
)
def test_a_change_to_an_account_in_code_is_logged_from_and_to(people, field, new):
    alice = people.alice
    old = getattr(alice, field)
    setattr(alice, field, new)
    alice.save()
    (entry,) = history(alice, LogAction.CHANGE)
    assert entry.data == {field: {"from": old, "to": new}}
    assert entry.actor is None and entry.who == "system"


def test_saving_an_unchanged_account_or_a_login_logs_nothing(client, people):
    before = ActivityLog.objects.count()
    people.alice.save()
    client.force_login(people.alice)  # writes last_login
    assert ActivityLog.objects.count() == before


def test_a_password_change_is_logged_without_the_password(people):
    alice = people.alice
    old_hash = alice.password
    with acting_as(lambda: people.otto):
        alice.set_password(NEW_PASSWORD)
        alice.save()
    (entry,) = history(alice, LogAction.PASSWORD_CHANGE)
    assert entry.actor == people.otto
    assert entry.data == {"usable": {"from": True, "to": True}}
    assert old_hash not in str(entry.data) and alice.password not in str(entry.data)


class QuickHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_quick"
    iterations = 1000


def test_a_password_hash_upgraded_at_login_is_no_change(people, settings):
    settings.PASSWORD_HASHERS = [
        "tests.test_activity_log.QuickHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert people.alice.check_password(factories.PASSWORD)  # rehashed and saved
    people.alice.refresh_from_db()
    assert people.alice.password.startswith("pbkdf2_quick$")
    assert history(people.alice, LogAction.PASSWORD_CHANGE) == []


def test_groups_are_logged_from_either_side(people):
    alice = people.alice
    organisers = Group.objects.get(name=ORGANISERS_GROUP)
    alice.groups.add(organisers)
    organisers.user_set.remove(alice)
    added, removed = reversed(history(alice, LogAction.GROUPS))
    assert added.data == {"groups": {"from": [], "to": [ORGANISERS_GROUP]}}
    assert removed.data == {"groups": {"from": [ORGANISERS_GROUP], "to": []}}
    organisers.user_set.add(alice)
    organisers.user_set.clear()
    assert history(alice, LogAction.GROUPS)[0].data == {
        "groups": {"from": [ORGANISERS_GROUP], "to": []}
    }


def test_the_person_changing_their_password_is_logged_once(client, people):
    client.force_login(people.alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    (entry,) = ActivityLog.objects.about(people.alice).filter(action__startswith="password")
    assert (entry.action, entry.actor) == (LogAction.PASSWORD_CHANGE, people.alice)


def test_a_password_reset_by_link_is_logged_as_done_by_the_person(client, people, deliver):
    client.post(reverse("account_reset_password"), {"email": people.alice.email})
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", deliver()[0].body)
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    (entry,) = ActivityLog.objects.about(people.alice).filter(action__startswith="password")
    assert (entry.action, entry.actor) == (LogAction.PASSWORD_RESET, people.alice)


def test_a_change_in_the_admin_is_logged_with_the_organiser(client, people):
    client.force_login(people.otto)
    alice = factories.UserFactory(email="colleague@innohealth.example")  # no roles to post back
    organisers = Group.objects.get(name=ORGANISERS_GROUP)
    change_in_admin(client, alice, is_active=False, is_staff="on", groups=[organisers.pk])
    change = history(alice, LogAction.CHANGE)[0]
    assert change.data == {
        "is_active": {"from": True, "to": False},
        "is_staff": {"from": False, "to": True},
    }
    assert change.actor == people.otto
    groups = history(alice, LogAction.GROUPS)[0]
    assert groups.data == {"groups": {"from": [], "to": [ORGANISERS_GROUP]}}
    assert groups.actor == people.otto


def test_a_password_reset_sent_in_the_admin_names_who_sent_it(client, people):
    """Nobody sets another person's password in the admin (tests/test_escalation.py): the reset
    e-mail is sent and logged with who sent it."""
    boss = factories.UserFactory(email="boss@innohealth.example", is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.post(
        reverse("admin:matchmaking_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [people.alice.pk]},
    )
    assert response.status_code == 302
    (entry,) = history(people.alice, LogAction.PASSWORD_RESET_SENT)
    assert entry.actor == boss


def test_the_history_outlives_the_person_who_acted(people):
    with acting_as(lambda: people.otto):
        people.alice.is_active = False
        people.alice.save()
    name = f"{people.otto} <{people.otto.email}>"
    people.otto.delete()
    (entry,) = history(people.alice, LogAction.CHANGE)
    assert entry.actor is None
    assert entry.actor_name == name and entry.who == name


# --- in the admin ---------------------------------------------------------------------------


def change_in_admin(client, obj, **changes):
    url = reverse(f"admin:matchmaking_{obj._meta.model_name}_change", args=[obj.pk])
    data = {**admin_form_data(client.get(url)), **changes}
    data = {name: value for name, value in data.items() if value is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def history_page(client, obj) -> str:
    meta = obj._meta
    response = client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_tours_status_changed_in_the_admin_is_its_own_entry_on_its_history(client, people):
    tour = factories.TourFactory(days=0, status=TourStatus.OPEN)
    client.force_login(people.otto)
    # The posted status is ignored: the field is read-only, the button calls the service.
    change_in_admin(client, tour, status=TourStatus.FINISHED, name_en="Tour of spring")
    client.post(
        reverse("admin:matchmaking_tour_status", args=[tour.pk]), {"status": TourStatus.RUNNING}
    )
    (status,) = history(tour, LogAction.STATUS)
    assert status.data == {"status": {"from": "open", "to": "running"}}
    assert status.actor == people.otto
    (change,) = history(tour, LogAction.CHANGE)
    assert change.data["fields"]["name_en"]["to"] == "Tour of spring"
    assert "status" not in change.data["fields"]
    page = history_page(client, tour)
    assert "Status changed" in page and "Open for requests → Running" in page
    assert people.otto.email in page
    assert not LogEntry.objects.exists()  # one log: Django's own admin log stays empty


def test_a_session_published_with_its_button_is_logged_as_published(client, people):
    session = factories.SessionFactory(tour=people.tour, is_published=False)
    client.force_login(people.otto)
    change_in_admin(client, session, is_published="on")  # read-only: ignored
    assert not history(session, LogAction.PUBLISH)
    client.post(reverse("admin:matchmaking_session_publish", args=[session.pk]))
    (entry,) = history(session, LogAction.PUBLISH)
    assert entry.data == {"is_published": {"from": False, "to": True}}
    assert "Published" in history_page(client, session)


def test_a_video_link_changed_in_the_admin_goes_through_the_service(client, people, meeting):
    client.force_login(people.otto)
    old = meeting.video_url
    change_in_admin(client, meeting, video_url="https://meeting.example.cn/r/9")
    (entry,) = history(meeting, LogAction.VIDEO_LINK)
    assert entry.data == {"video_url": {"from": old, "to": "https://meeting.example.cn/r/9"}}
    meeting.refresh_from_db()
    assert meeting.sequence == 1  # the service raised it, so calendars update
    page = history_page(client, meeting)
    assert "Video link changed" in page and "https://meeting.example.cn/r/9" in page


def test_a_refused_video_link_keeps_the_move_made_with_it_undone(client, people, meeting):
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_meeting_change", args=[meeting.pk])
    data = admin_form_data(client.get(url))
    later = meeting.starts_at + timedelta(minutes=30)
    local = timezone.localtime(later, zoneinfo.ZoneInfo(people.otto.time_zone))
    data["starts_at_0"], data["starts_at_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    data["video_url"] = "http://not-https.example/x"
    data["reason"] = "A clash in the partner's day."
    response = client.post(url, data)
    assert response.status_code == 200
    start = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == start
    assert history(meeting, LogAction.MOVE) == []


@pytest.mark.parametrize("kind", ["user", "request", "invitation", "institution"])
def test_the_history_page_shows_each_kind_of_object_its_entries(client, people, kind):
    from matchmaking.services.invitations import create_invitation
    from matchmaking.services.profiles import update_institution_profile
    from matchmaking.services.requests import request_meeting

    if kind == "user":
        obj = people.alice
        with acting_as(lambda: people.otto):
            obj.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
        expected = ["Groups changed", f"— → {ORGANISERS_GROUP}"]
    elif kind == "request":
        obj = request_meeting(
            actor=people.alice,
            tandem=people.tandem,
            institution=people.institution,
            direction=Direction.TANDEM_TO_INSTITUTION,
            message="Hello",
        )
        expected = ["Meeting requested", "— → Pending", people.alice.email]
    elif kind == "invitation":
        obj = create_invitation(
            actor=people.otto,
            email="new@partner.example",
            name="New",
            role="representative",
            institution=people.institution,
        )
        expected = ["Invited", people.otto.email]
    else:
        obj = people.institution
        update_institution_profile(
            actor=people.chen, institution=obj, fields={"city_en": "Shenzhen"}, topics=[]
        )
        expected = ["Profile edited", "City [en]: Beijing → Shenzhen"]
    client.force_login(people.otto)
    page = history_page(client, obj)
    for text in expected:
        assert text in page


def test_every_admin_page_logs_its_changes_and_shows_the_history():
    from django.contrib import admin

    from matchmaking.admin.base import LoggedAdmin

    assert all(isinstance(a, LoggedAdmin) for a in admin.site._registry.values())


def test_a_deleted_object_keeps_its_history(client, people):
    topic = factories.TopicFactory(name_en="Radiology")
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_topic_delete", args=[topic.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    entry = ActivityLog.objects.get(action=LogAction.DELETE)
    assert (entry.object_repr, entry.actor) == ("Radiology", people.otto)


# --- the log itself ---------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return factories.UserFactory(email="root@innohealth.example", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["otto", "superuser"])
def test_nobody_changes_or_deletes_the_log_in_the_admin(client, people, superuser, who):
    people.alice.is_active = False
    people.alice.save()
    entry = ActivityLog.objects.about(people.alice).get(action=LogAction.CHANGE)
    client.force_login(people.otto if who == "otto" else superuser)
    changelist = reverse("admin:matchmaking_activitylog_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    page = client.get(reverse("admin:matchmaking_activitylog_change", args=[entry.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert "<div>Active: yes → no</div>" in page.content.decode()
    delete = reverse("admin:matchmaking_activitylog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:matchmaking_activitylog_change", args=[entry.pk])
    assert client.post(change, {"action": "delete"}).status_code == 403
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert reverse("admin:matchmaking_activitylog_add")
    assert client.get(reverse("admin:matchmaking_activitylog_add")).status_code == 403
    assert ActivityLog.objects.filter(pk=entry.pk).exists()
    entry.refresh_from_db()
    assert entry.data == {"is_active": {"from": True, "to": False}}


def test_the_log_is_filtered_and_searched(client, people):
    people.alice.is_staff = True
    people.alice.save()
    client.force_login(people.otto)
    changelist = reverse("admin:matchmaking_activitylog_changelist")
    user_type = ContentType.objects.get_for_model(User)
    for query in [
        {"action": "change"},
        {"content_type__id__exact": user_type.pk},
        {"actor__id__exact": people.otto.pk},
        {"at__year": timezone.now().year},
        {"q": "alice"},
        {"q": "%' OR 1=1 --" * 100},
    ]:
        response = client.get(changelist, query)
        assert response.status_code == 200, query
    found = client.get(changelist, {"q": people.alice.email, "action": "change"})
    assert list(found.context["cl"].result_list) == list(
        ActivityLog.objects.about(people.alice).filter(action="change")
    )


def test_a_person_added_in_the_admin_is_created_once_in_the_log(client, people):
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_user_add")
    data = admin_form_data(client.get(url))
    response = client.post(
        url, {**data, "email": "new@innohealth.example", "usable_password": "false"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = User.objects.get(email="new@innohealth.example")
    (entry,) = ActivityLog.objects.about(new)
    assert (entry.action, entry.actor) == (LogAction.CREATE, people.otto)


def test_the_admin_start_page_lists_my_recent_actions_from_the_log(client, people):
    tour = factories.TourFactory(days=0, name="Spring tour")
    client.force_login(people.otto)
    client.post(
        reverse("admin:matchmaking_tour_status", args=[tour.pk]), {"status": TourStatus.RUNNING}
    )
    page = client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:matchmaking_tour_change", args=[tour.pk])
    assert f'<a href="{url}">Spring tour</a>' in page
    assert "Status changed" in page


def test_a_first_password_set_by_the_person_is_logged_as_set(client, people):
    alice = people.alice
    alice.set_unusable_password()
    alice.save()
    client.force_login(alice)
    response = client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    removed, set_ = ActivityLog.objects.about(alice).filter(action__startswith="password")[::-1]
    assert (removed.action, removed.data) == (
        LogAction.PASSWORD_CHANGE,
        {"usable": {"from": True, "to": False}},
    )
    assert (set_.action, set_.actor) == (LogAction.PASSWORD_SET, alice)


def test_the_history_page_and_the_log_take_as_many_queries_for_many_entries(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.otto)
    log_url = reverse("admin:matchmaking_activitylog_changelist")

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as history_queries:
            history_page(client, people.alice)
        with CaptureQueriesContext(connection) as log_queries:
            assert client.get(log_url).status_code == 200
        return len(history_queries), len(log_queries)

    def toggle(times: int) -> None:
        for _ in range(times):
            people.alice.is_active = not people.alice.is_active
            people.alice.save()

    toggle(3)
    few = queries()
    toggle(40)
    assert queries() == few, (few, queries())


@pytest.mark.parametrize(
    "data, german",
    [
        ({"asked_by": "self"}, "Angefragt von: die Person selbst"),
        ({"asked_by": "organiser"}, "Angefragt von: das Organisationsteam"),
        ({"people_erased": 3, "people_kept": 1}, "Gelöschte Personen: 3"),
        ({"new": 12, "moved": 2}, "Verschobene Treffen: 2"),
        (
            {"time_limit": 10.0, "allow_moves": False},
            "Bestätigte Treffen dürfen sich verschieben: nein",
        ),
        ({"version": 2}, "Version des Einwilligungstexts: 2"),
        ({"note_id": 7}, "Nummer der Notiz: 7"),
    ],
)
def test_what_the_services_log_beside_fields_reads_in_words(people, data, german):
    """Keys the services log that are not fields of the object (an erasure, a saved plan, a
    consent, a note) are told in the organiser's language, not as the code's names."""
    from matchmaking.admin.history import describe
    from matchmaking.services.activity import log_action

    entry = log_action(actor=people.otto, obj=people.tour, action=LogAction.CHANGE, data=data)
    with translation.override("de"):
        lines = describe(entry)
    assert german in lines
    assert not any(key in line for line in lines for key in data)
