"""A person's own data (issue 11 point 4): the JSON download matches the database; deletion
leaves no table holding the person's e-mail, name or text (every text and JSON column of every
table searched through the introspection API), keeps the tour's figures, is logged and is done
once; organisers anonymise a finished tour in one action."""

import json
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import LogAction, MemberRole, TourStatus
from matchmaking.models import (
    ActivityLog,
    Consent,
    FollowUp,
    Meeting,
    MeetingRequest,
    OutboxMessage,
    Participation,
    User,
)
from matchmaking.services import DomainError
from matchmaking.services.calendar_feed import issue_calendar_token
from matchmaking.services.followups import add_note, create_follow_up
from matchmaking.services.invitations import create_invitation
from matchmaking.services.outcomes import record_outcome
from matchmaking.services.personal_data import (
    anonymise_tour,
    erase_personal_data,
)
from matchmaking.services.profiles import update_preferences
from matchmaking.services.requests import accept_request, cancel_request, request_meeting

from . import factories

pytestmark = pytest.mark.django_db(transaction=False)

EMAIL = "quirinus.zebedaeus@tandem.example"
FIRST, LAST = "Quirinus", "Zebedaeus"
MESSAGE = "Xylophonic proposal about genome-guided dosing from Quirinus"
STEP = "Draft the Xylophonic joint study protocol"
NOTE = "Xylophonic note: the protocol is almost ready"
NEEDLES = [EMAIL, FIRST, LAST, "Xylophonic"]


@pytest.fixture
def quirinus(people, deliver):
    """A researcher with a footprint in every place the portal keeps personal data."""
    tandem = factories.TandemFactory(tour=people.tour, name="GenoCare")
    person = factories.TandemMemberFactory(
        tandem=tandem,
        role=MemberRole.RESEARCHER,
        user__email=EMAIL,
        user__display_name=f"{FIRST} {LAST}",
        user__first_name=FIRST,
        user__last_name=LAST,
    ).user
    factories.TandemMemberFactory(tandem=tandem, role=MemberRole.ENTREPRENEUR)
    update_preferences(
        actor=person,
        user=person,
        display_name=f"Dr. {FIRST} {LAST}",
        language="de",
        time_zone="Europe/Berlin",
    )
    request = request_meeting(
        actor=person,
        tandem=tandem,
        institution=people.institution,
        direction="tandem_to_institution",
        message=MESSAGE,
    )
    accept_request(actor=people.chen, request=request)  # a meeting, with calendar entries
    follow_up = create_follow_up(
        actor=person,
        tandem=tandem,
        institution=people.institution,
        next_step=STEP,
        owner=person,
        due_on=timezone.localdate() + timedelta(days=5),
    )
    add_note(actor=person, follow_up=follow_up, text=NOTE)
    issue_calendar_token(user=person)
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    next_tour = factories.TourFactory()
    create_invitation(
        actor=people.otto,
        email=EMAIL,
        name=f"{FIRST} {LAST}",
        role="researcher",
        tandem=factories.TandemFactory(tour=next_tour),
        tour=next_tour,
    )
    deliver()
    return person


def text_columns() -> list[tuple[str, str]]:
    """(table, column) of every column of every table that holds text or JSON."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column)
                if kind in ("CharField", "TextField", "JSONField", "EmailField", "SlugField"):
                    found.append((table, column.name))
    return found


def holding(needle: str) -> list[str]:
    """Every table.column in which ``needle`` occurs, whatever the case."""
    places = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            quoted = connection.ops.quote_name
            # Names from the database's own catalogue, quoted; the needle is a parameter.
            cursor.execute(
                f"SELECT count(*) FROM {quoted(table)} WHERE {quoted(column)}::text ILIKE %s",  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                places.append(f"{table}.{column}")
    return places


def figures(tour) -> dict:
    return {
        "requests": MeetingRequest.objects.filter(tour=tour).count(),
        "accepted": MeetingRequest.objects.filter(tour=tour, status="accepted").count(),
        "meetings": Meeting.objects.filter(tour=tour).count(),
        "follow_ups": FollowUp.objects.filter(tour=tour).count(),
        "members": Participation.objects.filter(tour=tour).count(),
    }


def test_the_download_is_the_persons_data(client, people, quirinus):
    client.force_login(quirinus)
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["display_name"] == quirinus.display_name
    assert [a["email"] for a in data["email_addresses"]] == [EMAIL]
    [role] = data["roles"]
    assert (role["tour"], role["tandem"], role["role"]) == (
        people.tour.slug,
        "GenoCare",
        "researcher",
    )
    [consent] = data["consents"]
    stored = Consent.objects.get(user=quirinus)
    assert (consent["version"], consent["text"]) == (stored.version, stored.text)
    [written] = data["meeting_requests_written"]
    assert written["message"] == MESSAGE
    assert written["id"] == MeetingRequest.objects.get(created_by=quirinus).pk
    assert [f["next_step"] for f in data["follow_ups_owned"]] == [STEP]
    assert [n["text"] for n in data["follow_up_notes"]] == [NOTE]
    assert [i["email"] for i in data["invitations"]] == [EMAIL]
    assert sorted(m["kind"] for m in data["emails_to_me"]) == sorted(
        OutboxMessage.objects.filter(recipient=quirinus).values_list("kind", flat=True)
    )
    assert data["calendar_feed"] is not None
    assert [a["type"] for a in data["authenticators"]] == ["totp"]
    assert len(data["activity"]) == ActivityLog.objects.filter(actor=quirinus).count() - 1
    assert ActivityLog.objects.filter(actor=quirinus, action=LogAction.EXPORT_DATA).exists()


def test_after_deletion_no_table_holds_the_persons_email_name_or_text(client, people, quirinus):
    # Before: the needles are found, so the search below could fail.
    assert len(holding(EMAIL)) >= 5
    assert holding("Xylophonic")
    before = figures(people.tour)
    client.force_login(quirinus)
    assert Session.objects.count() >= 1

    response = client.post(reverse("my_data"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("home")

    for needle in NEEDLES:
        assert holding(needle) == [], needle
    assert figures(people.tour) == before
    quirinus.refresh_from_db()
    assert not quirinus.is_active and quirinus.erased_at is not None
    assert not quirinus.has_usable_password()
    # Logged out everywhere: no session of theirs is left.
    assert all(
        s.get_decoded().get("_auth_user_id") != str(quirinus.pk) for s in Session.objects.all()
    )
    assert ActivityLog.objects.about(quirinus).filter(action=LogAction.ERASE).exists()
    # Logged out: the portal asks for a login again.
    assert client.get(reverse("my_data")).status_code == 302


def test_a_second_deletion_is_refused_and_changes_nothing(client, people, quirinus):
    erase_personal_data(actor=quirinus, user=quirinus)
    quirinus.refresh_from_db()
    row = User.objects.filter(pk=quirinus.pk).values().get()
    entries = ActivityLog.objects.count()
    with pytest.raises(DomainError, match="already been deleted"):
        erase_personal_data(actor=quirinus, user=quirinus)
    # An organiser's second try through the admin gets the same clear message.
    client.force_login(people.otto)
    response = client.post(
        reverse("admin:matchmaking_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [quirinus.pk]},
        follow=True,
    )
    assert "already been deleted" in response.content.decode()
    assert User.objects.filter(pk=quirinus.pk).values().get() == row
    assert ActivityLog.objects.count() == entries


def test_an_organiser_erases_through_the_admin_action(client, people, quirinus):
    client.force_login(people.otto)
    client.post(
        reverse("admin:matchmaking_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [quirinus.pk]},
    )
    assert holding(EMAIL) == []
    entry = ActivityLog.objects.about(User.objects.get(pk=quirinus.pk)).get(action=LogAction.ERASE)
    assert entry.actor == people.otto
    # Another organiser's account is not theirs to erase.
    colleague = factories.OrganiserFactory()
    with pytest.raises(DomainError):
        erase_personal_data(actor=people.otto, user=colleague)


def test_organisers_anonymise_a_finished_tour_once(client, people, quirinus):
    """Everyone who takes part only in this tour is erased; Alice, who comes back in a tour
    still to run, keeps her account; texts of the tour are blanked; figures stay."""
    later = factories.TourFactory(status=TourStatus.OPEN)
    factories.TandemMemberFactory(tandem=factories.TandemFactory(tour=later), user=people.alice)
    tour = people.tour
    with pytest.raises(DomainError, match="finished"):
        anonymise_tour(actor=people.otto, tour=tour)
    tour.status = TourStatus.FINISHED
    tour.save()
    before = figures(tour)
    with pytest.raises(DomainError):
        anonymise_tour(actor=people.chen, tour=tour)

    client.force_login(people.otto)
    client.post(
        reverse("admin:matchmaking_tour_changelist"),
        {"action": "anonymise", "_selected_action": [tour.pk]},
    )
    tour.refresh_from_db()
    assert tour.anonymised_at is not None
    assert figures(tour) == before
    for needle in [*NEEDLES, "chen@partner.example", "olga@partner.example"]:
        assert holding(needle) == [], needle
    people.alice.refresh_from_db()
    assert people.alice.is_active and people.alice.email == "alice@tandem.example"
    entry = ActivityLog.objects.about(tour).get(action=LogAction.ANONYMISE)
    assert entry.data["people_kept"] == 1 and entry.data["people_erased"] >= 5
    with pytest.raises(DomainError, match="already anonymised"):
        anonymise_tour(actor=people.otto, tour=tour)


OUTCOME_NOTE = "Quasimodal outcome: they want our dosing data under an NDA"
CANCEL_REASON = "Quasimodal reason: our lab moves that week"


@pytest.fixture
def answered(people, quirinus, deliver):
    """Quirinus also said what came of his meeting, and called off a second request with a
    reason the other side was sent."""
    meeting = Meeting.objects.get(request__created_by=quirinus)
    record_outcome(
        actor=quirinus,
        meeting=meeting,
        attendance="held",
        result="nda",
        note=OUTCOME_NOTE,
        now=meeting.ends_at + timedelta(hours=1),
    )
    second = request_meeting(
        actor=quirinus,
        tandem=quirinus.participations.get().tandem,
        institution=people.other_institution,
        direction="tandem_to_institution",
        message="A second request",
    )
    cancel_request(actor=quirinus, request=second, reason=CANCEL_REASON)
    deliver()
    return quirinus


def test_the_download_holds_what_the_person_answered_about_a_meeting(client, answered):
    client.force_login(answered)
    data = json.loads(client.get(reverse("my_data_export")).content)
    assert "Quasimodal" in json.dumps(data)
    assert [o["note"] for o in data["meeting_outcomes"]] == [OUTCOME_NOTE]


def test_deletion_blanks_outcome_notes_and_reasons_given_for_calling_off(client, answered):
    assert holding("Quasimodal")
    client.force_login(answered)
    client.post(reverse("my_data"), {"confirm": "on"})
    assert holding("Quasimodal") == []


def test_anonymising_a_tour_blanks_outcome_notes_and_reasons_of_people_kept(people, answered):
    """Alice comes back next year and keeps her account; what she wrote in the finished tour
    goes all the same."""
    later = factories.TourFactory(status=TourStatus.OPEN)
    factories.TandemMemberFactory(tandem=factories.TandemFactory(tour=later), user=people.alice)
    request = request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=people.other_institution,
        direction="tandem_to_institution",
        message="Hello",
    )
    cancel_request(actor=people.alice, request=request, reason="Quixotic: not this year")
    people.tour.status = TourStatus.FINISHED
    people.tour.save()
    anonymise_tour(actor=people.otto, tour=people.tour)
    assert holding("Quasimodal") == []
    assert holding("Quixotic") == []


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "deleted account"), ("de", "gelöschtes Konto"), ("zh-hans", "已删除的账户")],
)
def test_the_other_side_sees_a_deleted_account_not_a_made_up_address(
    client, people, quirinus, language, shown
):
    erase_personal_data(actor=quirinus, user=quirinus)
    follow_up = FollowUp.objects.get(owner=quirinus)
    people.chen.language = language
    people.chen.save(update_fields=["language"])
    client.force_login(people.chen)
    page = client.get(reverse("follow_up_detail", args=[follow_up.pk])).content.decode()
    assert "erased.invalid" not in page
    assert page.count(shown) >= 2  # the owner and the author of the note
