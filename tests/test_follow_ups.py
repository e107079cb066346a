"""The follow-up pipeline (issue 11 point 3): the two sides record and update their next steps,
reminders go once before the due date and once when it passes, a supporting office reads the
pipeline of its tours only and adds notes, organisers filter, count and export it."""

import csv
import io
import re
import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaking.enums import FollowUpStage, LogAction
from matchmaking.models import ActivityLog, FollowUp, OutboxMessage, SupportingOffice
from matchmaking.services import DomainError
from matchmaking.services.followups import (
    add_note,
    create_follow_up,
    queue_follow_up_reminders,
    update_follow_up,
)

from . import factories

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def contact(people):
    """CardioSense and BGI Group agreed to meet: they are a contact of the tour."""
    return factories.AcceptedRequestFactory(tandem=people.tandem, institution=people.institution)


def follow_up(people, *, due_on=None, owner=None, next_step="Send the NDA draft", **kw):
    return create_follow_up(
        actor=kw.pop("actor", people.alice),
        tandem=kw.pop("tandem", people.tandem),
        institution=kw.pop("institution", people.institution),
        next_step=next_step,
        owner=owner or people.alice,
        due_on=due_on or timezone.localdate() + timedelta(days=10),
        **kw,
    )


@pytest.fixture
def office(people):
    """The AHK supports the tour; its person Petra reads its pipeline."""
    petra = factories.UserFactory(email="petra@ahk.example", display_name="Petra Office")
    ahk = SupportingOffice.objects.create(name="AHK Greater China")
    ahk.tours.add(people.tour)
    ahk.people.add(petra)
    return petra


# --- recording and updating -----------------------------------------------------------------


def test_a_side_records_a_follow_up_and_it_is_logged(people, contact):
    f = follow_up(people, owner=people.chen)
    assert (f.tour, f.owner, f.stage) == (people.tour, people.chen, FollowUpStage.TO_DO)
    entry = ActivityLog.objects.about(f).get()
    assert entry.action == LogAction.CREATE and entry.actor == people.alice


def test_a_due_date_in_the_past_is_refused_and_nothing_is_written(people, contact):
    with pytest.raises(DomainError, match="in the past"):
        follow_up(people, due_on=timezone.localdate() - timedelta(days=1))
    assert not FollowUp.objects.exists()


def test_the_portal_form_answers_a_past_due_date_with_the_message(client, people, contact):
    client.force_login(people.alice)
    response = client.post(
        reverse("follow_ups"),
        {
            "counterpart": people.institution.pk,
            "next_step": "Call back",
            "owner": people.alice.pk,
            "due_on": "2020-01-01",
            "stage": FollowUpStage.TO_DO,
        },
    )
    assert response.status_code == 400
    assert "The due date is in the past" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_only_contacts_and_their_people_take_follow_ups(people, contact):
    with pytest.raises(DomainError, match="have not met"):
        follow_up(people, institution=people.other_institution)
    with pytest.raises(DomainError, match="owner must be"):
        follow_up(people, owner=people.bob)
    with pytest.raises(DomainError, match="Only the tandem and the institution"):
        follow_up(people, actor=people.olga)
    assert not FollowUp.objects.exists()


def test_sides_update_theirs_an_office_cannot(people, contact, office):
    f = follow_up(people)
    update_follow_up(
        actor=people.chen,
        follow_up=f,
        next_step=f.next_step,
        owner=people.chen,
        due_on=f.due_on,
        stage=FollowUpStage.IN_PROGRESS,
    )
    f.refresh_from_db()
    assert (f.owner, f.stage) == (people.chen, FollowUpStage.IN_PROGRESS)
    assert ActivityLog.objects.about(f).filter(action=LogAction.STATUS).exists()
    with pytest.raises(DomainError):
        update_follow_up(
            actor=office,
            follow_up=f,
            next_step="x",
            owner=people.chen,
            due_on=f.due_on,
            stage=FollowUpStage.DONE,
        )
    f.refresh_from_db()
    assert f.stage == FollowUpStage.IN_PROGRESS


def test_an_overdue_step_can_be_marked_done_without_a_new_date(people, contact):
    f = follow_up(people)
    FollowUp.objects.filter(pk=f.pk).update(due_on=date(2020, 1, 1))
    f.refresh_from_db()
    update_follow_up(
        actor=people.alice,
        follow_up=f,
        next_step=f.next_step,
        owner=f.owner,
        due_on=f.due_on,
        stage=FollowUpStage.DONE,
    )
    f.refresh_from_db()
    assert f.stage == FollowUpStage.DONE
    with pytest.raises(DomainError, match="in the past"):
        update_follow_up(
            actor=people.alice,
            follow_up=f,
            next_step=f.next_step,
            owner=f.owner,
            due_on=date(2020, 1, 2),
            stage=FollowUpStage.DONE,
        )


def test_each_side_sees_its_own_follow_ups_on_the_portal(client, people, contact):
    f = follow_up(people, next_step="Visit the pilot site")
    for person in (people.alice, people.chen):
        client.force_login(person)
        assert "Visit the pilot site" in client.get(reverse("follow_ups")).content.decode()
        assert client.get(reverse("follow_up_detail", args=[f.pk])).status_code == 200
    for outsider in (people.bob, people.olga):
        client.force_login(outsider)
        assert "Visit the pilot site" not in client.get(reverse("follow_ups")).content.decode()
        assert client.get(reverse("follow_up_detail", args=[f.pk])).status_code == 404


def test_a_partner_updates_its_follow_up_on_the_portal(client, people, contact):
    f = follow_up(people)
    client.force_login(people.chen)
    response = client.post(
        reverse("follow_up_detail", args=[f.pk]),
        {
            "next_step": "Sign the NDA",
            "owner": people.chen.pk,
            "due_on": f.due_on.isoformat(),
            "stage": FollowUpStage.DONE,
        },
    )
    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.next_step, f.owner, f.stage) == ("Sign the NDA", people.chen, FollowUpStage.DONE)


# --- reminders ------------------------------------------------------------------------------


def test_reminders_at_simulated_times_each_once(people, contact):
    """Alice (Berlin) owns a step due on 2 April: 48 hours before the end of that day she is
    reminded, once; when the day has passed, once more; never again after."""
    f = follow_up(people, due_on=date(2099, 4, 2))
    end_of_day = datetime(2099, 4, 3, tzinfo=BERLIN)

    def rows(kind):
        return OutboxMessage.objects.filter(kind=kind, recipient=people.alice)

    assert queue_follow_up_reminders(end_of_day - timedelta(hours=49)) == 0
    assert queue_follow_up_reminders(end_of_day - timedelta(hours=47)) == 1
    assert queue_follow_up_reminders(end_of_day - timedelta(hours=2)) == 0
    assert rows("follow_up_due").count() == 1
    assert not rows("follow_up_overdue").exists()
    assert queue_follow_up_reminders(end_of_day + timedelta(minutes=1)) == 1
    assert queue_follow_up_reminders(end_of_day + timedelta(days=2)) == 0
    assert (rows("follow_up_due").count(), rows("follow_up_overdue").count()) == (1, 1)
    assert OutboxMessage.objects.filter(kind__startswith="follow_up").count() == 2
    assert rows("follow_up_due").get().context["next_step"] == f.next_step


def test_a_done_step_is_not_reminded_and_a_new_due_date_is(people, contact, deliver):
    f = follow_up(people, due_on=date(2099, 4, 2))
    end_of_day = datetime(2099, 4, 3, tzinfo=BERLIN)
    queue_follow_up_reminders(end_of_day - timedelta(hours=1))
    FollowUp.objects.filter(pk=f.pk).update(due_on=date(2099, 4, 9))
    assert queue_follow_up_reminders(end_of_day + timedelta(hours=1)) == 0  # not yet due
    assert queue_follow_up_reminders(end_of_day + timedelta(days=6, hours=1)) == 1
    FollowUp.objects.filter(pk=f.pk).update(stage=FollowUpStage.DONE)
    assert queue_follow_up_reminders(end_of_day + timedelta(days=8)) == 0
    sent = deliver()
    # The first reminder names a date no longer due; the second a step now done: both skipped.
    assert sent == []


def test_the_reminder_email_in_the_owners_language(people, contact, deliver):
    f = follow_up(people, owner=people.chen, due_on=date(2099, 4, 2))
    queue_follow_up_reminders(datetime(2099, 4, 3, 12, tzinfo=BERLIN))
    [email] = deliver()
    assert email.to == ["chen@partner.example"]
    assert "华大集团" in email.subject
    assert f.next_step in email.body
    assert f"/followups/{f.pk}/" in email.body


# --- supporting office and organisers -------------------------------------------------------


def test_the_office_sees_only_its_tours_and_adds_a_note(client, people, contact, office):
    mine = follow_up(people, next_step="Introduce to the AHK network")
    other_tour = factories.TourFactory()
    other_tandem = factories.TandemFactory(tour=other_tour)
    member = factories.TandemMemberFactory(tandem=other_tandem).user
    other_institution = factories.InstitutionFactory(tours=[other_tour])
    factories.AcceptedRequestFactory(tandem=other_tandem, institution=other_institution)
    theirs = create_follow_up(
        actor=member,
        tandem=other_tandem,
        institution=other_institution,
        next_step="Secret other-tour step",
        owner=member,
        due_on=timezone.localdate() + timedelta(days=3),
    )

    client.force_login(office)
    page = client.get(reverse("pipeline")).content.decode()
    assert "Introduce to the AHK network" in page and "Secret other-tour step" not in page
    # An office meets nobody: its menu offers the pipeline, not a schedule of its own.
    assert reverse("pipeline") in page and f'href="{reverse("schedule")}"' not in page
    assert client.get(reverse("follow_up_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("pipeline"), {"tour": other_tour.slug}).status_code == 404
    assert client.get(reverse("pipeline_export")).status_code == 403
    # Read-only: the update form is refused; a note is welcome.
    detail = reverse("follow_up_detail", args=[mine.pk])
    assert 'name="stage"' not in client.get(detail).content.decode()
    assert client.post(detail, {"stage": FollowUpStage.DONE}).status_code == 403
    response = client.post(
        reverse("follow_up_note", args=[mine.pk]), {"text": "We can host the NDA talk."}
    )
    assert response.status_code == 302
    assert [n.text for n in mine.notes.all()] == ["We can host the NDA talk."]
    assert (
        client.post(reverse("follow_up_note", args=[theirs.pk]), {"text": "x"}).status_code == 404
    )
    mine.refresh_from_db()
    assert mine.stage == FollowUpStage.TO_DO


def test_people_outside_offices_have_no_pipeline(client, people):
    client.force_login(people.alice)
    assert client.get(reverse("pipeline")).status_code == 403


def test_organiser_filters_counts_per_stage_and_exports(client, people, contact):
    factories.AcceptedRequestFactory(tandem=people.other_tandem, institution=people.institution)
    a = follow_up(people, next_step="=HYPERLINK(evil)")
    b = follow_up(people, next_step="Pilot at BGI", due_on=timezone.localdate() + timedelta(days=1))
    c = follow_up(
        people,
        next_step="Investor call",
        tandem=people.other_tandem,
        actor=people.chen,
        owner=people.bob,
    )
    add_note(actor=people.otto, follow_up=a, text="Checked")
    for f, stage in ((b, FollowUpStage.IN_PROGRESS), (c, FollowUpStage.DONE)):
        FollowUp.objects.filter(pk=f.pk).update(stage=stage)
    FollowUp.objects.filter(pk=b.pk).update(due_on=date(2020, 1, 1))

    client.force_login(people.otto)
    page = client.get(reverse("pipeline"), {"tour": people.tour.slug})
    counts = {c.stage: c.count for c in page.context["counts"]}
    assert counts == {"to_do": 1, "in_progress": 1, "done": 1, "dropped": 0}
    overdue = client.get(reverse("pipeline"), {"overdue": "on"})
    assert [f.pk for f in overdue.context["follow_ups"]] == [b.pk]
    assert {c.stage: c.count for c in overdue.context["counts"]}["in_progress"] == 1
    done = client.get(reverse("pipeline"), {"stage": "done"})
    assert [f.pk for f in done.context["follow_ups"]] == [c.pk]
    assert client.get(reverse("pipeline"), {"stage": "nonsense"}).status_code == 400

    export = client.get(reverse("pipeline_export"), {"tour": people.tour.slug})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    by_step = {row["Next step"]: row for row in rows}
    # A cell a spreadsheet would run as a formula is neutralised.
    assert "'=HYPERLINK(evil)" in by_step
    assert by_step["'=HYPERLINK(evil)"]["Notes"] == "1"
    assert by_step["Pilot at BGI"]["Overdue"] == "yes"
    assert by_step["Investor call"]["Stage"] == "Done"
    assert by_step["Investor call"]["Owner"] == str(people.bob)
    assert by_step["Investor call"]["Due date"] == c.due_on.isoformat()
    # Times in the organiser's zone, to the minute, with the offset that makes them exact.
    created = timezone.localtime(c.created_at, zoneinfo.ZoneInfo(people.otto.time_zone))
    assert by_step["Investor call"]["Created"] == created.isoformat(timespec="minutes")
    only_done = client.get(reverse("pipeline_export"), {"stage": "done"})
    assert len(list(csv.DictReader(io.StringIO(only_done.content.decode("utf-8-sig"))))) == 1


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_the_due_date_field_holds_the_date_as_browsers_read_it(client, people, contact, language):
    """A date input takes only yyyy-mm-dd: in any other form the browser shows it empty."""
    due = timezone.localdate() + timedelta(days=10)
    f = follow_up(people, due_on=due)
    people.alice.language = language
    people.alice.save()
    client.force_login(people.alice)
    page = client.get(reverse("follow_up_detail", args=[f.pk])).content.decode()
    assert re.search(rf'<input type="date" name="due_on" value="{due.isoformat()}"', page)
