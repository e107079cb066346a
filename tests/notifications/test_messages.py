"""Which change writes which e-mail to whom, in which language and time zone, with which
calendar entry. The rows are sent here in-process through a real SMTP sink."""

import email
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matchmaking import notifications
from matchmaking.enums import Direction, EmailKind
from matchmaking.models import Meeting, OutboxMessage, OutboxStatus
from matchmaking.notifications.calendar import unfolded
from matchmaking.notifications.links import portal_url
from matchmaking.notifications.mime import build_email
from matchmaking.notifications.outbox import enqueue
from matchmaking.notifications.preferences import PREFERENCES
from matchmaking.services import meetings as meeting_services
from matchmaking.services import outbox
from matchmaking.services import registrations as registration_services
from matchmaking.services import requests as request_services
from matchmaking.services import sessions as session_services

from .. import factories

pytestmark = pytest.mark.django_db


def send_all() -> list:
    for pk in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list(
        "pk", flat=True
    ):
        outbox.send_message(pk)
    return mail.outbox


def ask(people, **kw):
    return request_services.request_meeting(
        actor=people.alice,
        tandem=people.tandem,
        institution=people.institution,
        direction=Direction.TANDEM_TO_INSTITUTION,
        message="Wir möchten Sie treffen.",
        **kw,
    )


def has_calendar(message: email.message.Message) -> bool:
    return any(p.get_content_type() == "text/calendar" for p in message.walk())


def calendar_of(message: email.message.Message):
    """The text/calendar alternative and the parsed calendar."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0], icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def test_a_request_writes_one_row_for_each_person_of_the_receiving_side(people):
    request = ask(people)
    rows = OutboxMessage.objects.filter(kind="request_received")
    assert [(r.email, r.language, r.time_zone) for r in rows] == [
        ("chen@partner.example", "zh-hans", "Asia/Shanghai")
    ]
    # Written twice, stored once: the dedupe key is unique.
    assert notifications.request_received(request) == 0
    assert rows.count() == 1


def test_the_e_mail_is_in_the_recipients_language_with_text_html_and_a_link(people):
    request = ask(people)
    [sent] = send_all()
    assert sent.to == ["chen@partner.example"]
    assert sent.extra_headers["Content-Language"] == "zh-hans"
    assert "华大集团" in sent.subject  # the institution's Chinese name for a Chinese reader
    assert "Wir möchten Sie treffen." in sent.body
    html = dict((m, c) for c, m in sent.alternatives)["text/html"]
    link = portal_url("request_detail", request.pk, tour=request.tour)
    assert link.startswith("http") and link in sent.body and f'href="{link}"' in html
    row = OutboxMessage.objects.get()
    assert sent.extra_headers["Message-ID"] == row.message_id
    assert row.status == OutboxStatus.SENT and row.sent_at is not None


def test_answers_go_to_the_side_that_did_not_act(people):
    request = ask(people)
    request_services.decline_request(actor=people.chen, request=request, reason="No time")
    declined = OutboxMessage.objects.filter(kind="request_declined")
    assert sorted(declined.values_list("email", flat=True)) == [
        "alice@tandem.example",
        "anton@tandem.example",
    ]
    second = ask(people)
    request_services.withdraw_request(actor=people.alice, request=second)
    assert list(
        OutboxMessage.objects.filter(kind="request_withdrawn").values_list("email", flat=True)
    ) == ["chen@partner.example"]


def test_accepting_schedules_a_meeting_with_a_calendar_entry_for_everyone(people, smtp_sink):
    people.alice.language = "de"
    people.alice.save()
    request = ask(people)
    request_services.accept_request(actor=people.chen, request=request)
    meeting = Meeting.objects.get(request=request)
    rows = OutboxMessage.objects.filter(kind="meeting_scheduled")
    assert sorted(rows.values_list("email", flat=True)) == [
        "alice@tandem.example",
        "anton@tandem.example",
        "chen@partner.example",
    ]
    send_all()
    [to_alice] = [m for m in smtp_sink.to("alice@tandem.example") if has_calendar(m)]
    part, cal = calendar_of(to_alice)
    assert part.get_param("method") == cal["METHOD"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert str(event["LOCATION"]) == meeting.video_url == str(event["URL"])
    assert str(event["ORGANIZER"]).startswith("mailto:")
    # The reader alone: a calendar shows every attendee's address to whoever opens the entry.
    assert str(event["ATTENDEE"]) == "mailto:alice@tandem.example"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    body = to_alice.get_payload(0).get_payload(0).get_payload(decode=True).decode()
    assert "März" in body
    # The e-mail opens the request's page at its meeting, not a list to search through.
    link = portal_url("request_detail", request.pk, tour=request.tour, section="meeting-info")
    assert link.endswith(f"/requests/{request.pk}/?tour={request.tour.slug}#meeting-info")
    assert f"Treffen ansehen: {link}" in body  # named for where it leads
    [to_chen] = [m for m in smtp_sink.to("chen@partner.example") if has_calendar(m)]
    _part, chen_cal = calendar_of(to_chen)
    assert str(chen_cal.walk("VEVENT")[0].decoded("DTSTART").tzinfo) == "Asia/Shanghai"
    assert to_chen["Message-ID"].startswith("<outbox-")


def test_a_move_raises_the_sequence_and_a_cancellation_sends_method_cancel(people, smtp_sink):
    request = ask(people)
    request_services.accept_request(actor=people.chen, request=request)
    meeting = Meeting.objects.get(request=request)
    later = meeting.starts_at + timedelta(minutes=30)
    meeting_services.move_meeting(actor=people.otto, meeting=meeting, start=later)
    meeting_services.cancel_meeting(actor=people.alice, meeting=meeting)
    send_all()
    by_kind = {}
    for message in filter(has_calendar, smtp_sink.to("chen@partner.example")):
        part, cal = calendar_of(message)
        by_kind[cal.walk("VEVENT")[0]["SEQUENCE"]] = (part.get_param("method"), cal)
    assert sorted(by_kind) == [0, 1, 2]
    method, moved = by_kind[1]
    assert method == "REQUEST" and moved.walk("VEVENT")[0].decoded("DTSTART") == later
    method, cancelled = by_kind[2]
    assert method == cancelled["METHOD"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert len({str(c.walk("VEVENT")[0]["UID"]) for _m, c in by_kind.values()}) == 1


def test_organisers_changing_or_withdrawing_a_session_tell_its_participants(people):
    session = factories.SessionFactory(tour=people.tour)
    session.tandems.add(people.tandem)
    session.institutions.add(people.institution)
    session_services.move_session(
        actor=people.otto,
        session=session,
        starts_at=session.starts_at + timedelta(hours=1),
        ends_at=session.ends_at + timedelta(hours=1),
    )
    session_services.change_session(actor=people.otto, session=session, changes={"capacity": 9})
    changed = OutboxMessage.objects.filter(kind="session_changed")
    assert changed.count() == 3
    # Each entry names its reader alone, never the session's other people.
    for row in changed:
        [event] = icalendar.Calendar.from_ical(row.ics).walk("VEVENT")
        assert str(event["ATTENDEE"]) == f"mailto:{row.email}"
    cal = icalendar.Calendar.from_ical(changed.first().ics)
    assert cal["METHOD"] == "REQUEST" and cal.walk("VEVENT")[0]["SEQUENCE"] == 1
    session_services.cancel_session(actor=people.otto, session=session)
    cancelled = OutboxMessage.objects.filter(kind="session_cancelled")
    assert cancelled.count() == 3 and all(r.ics_method == "CANCEL" for r in cancelled)
    assert icalendar.Calendar.from_ical(cancelled.first().ics).walk("VEVENT")[0]["SEQUENCE"] == 2
    assert len(send_all()) == 6


def admin_form_data(response) -> dict:
    """The change form's current values, as the browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(obj, "pk", obj) for obj in value]
        if value is None:
            continue
        if name in ("starts_at", "ends_at"):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    return data


def test_changing_or_withdrawing_a_session_in_the_admin_tells_its_participants(client, people):
    session = factories.SessionFactory(tour=people.tour)
    session.tandems.add(people.tandem)
    client.force_login(people.otto)
    url = reverse("admin:matchmaking_session_change", args=[session.pk])
    data = admin_form_data(client.get(url))
    data["capacity"] = 80
    assert client.post(url, data).status_code == 302
    assert not OutboxMessage.objects.exists()  # capacity is not worth an e-mail
    data["starts_at_1"], data["ends_at_1"] = "09:30:00", "10:30:00"
    data["reason"] = "The hall is free later."
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    assert sorted(
        OutboxMessage.objects.filter(kind="session_changed").values_list("email", flat=True)
    ) == ["alice@tandem.example", "anton@tandem.example"]
    changelist = reverse("admin:matchmaking_session_changelist")
    chosen = {"action": "unpublish", "_selected_action": [session.pk]}
    # Withdrawing asks first, listing the session, and withdraws nothing without a reason.
    asked = client.post(changelist, chosen)
    assert asked.status_code == 200 and session.title in asked.content.decode()
    assert client.post(changelist, {**chosen, "confirm": "yes", "reason": ""}).status_code == 400
    assert not OutboxMessage.objects.filter(kind="session_cancelled").exists()
    client.post(changelist, {**chosen, "confirm": "yes", "reason": "The speaker is ill."})
    withdrawn = OutboxMessage.objects.filter(kind="session_cancelled", ics_method="CANCEL")
    assert withdrawn.count() == 2
    assert all(m.context["reason"] == "The speaker is ill." for m in withdrawn)


# Every kind of the registry but the invitation and allauth's e-mails, which render from their
# own rows (test_invitations.py, test_account_emails.py).
KINDS = [kind for kind in notifications.KINDS if kind not in ("invitation", "account_email")]
# Request e-mails that name times: the preferred ones or the proposal.
TIMED_REQUEST_KINDS = {"request_received", "proposal_received", "request_nudge"}


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_every_kind_renders_text_and_html_in_each_language(people, language):
    people.chen.language = language
    context = {
        "request_id": 1,
        "meeting_id": 1,
        "session_id": 1,
        "tandem": "CardioSense",
        "translated": {
            "en": {"institution": "BGI Group", "title": "Roundtable"},
            "de": {"institution": "BGI Group", "title": "Runder Tisch"},
            "zh-hans": {"institution": "华大集团", "title": "圆桌会议"},
        },
        "message": "Hello",
        "reason": "No time",
        "starts_at": "2027-03-22T08:00:00+00:00",
        "ends_at": "2027-03-22T08:30:00+00:00",
        "previous_starts_at": "2027-03-22T07:30:00+00:00",
        "video_url": "https://meet.example/room",
        "video_provider": "Tencent Meeting",
        "url": "http://127.0.0.1:8000/schedule/",
        "lead": "15min",
        "tour_id": people.tour.pk,
        "preferred_times": [["2027-03-22T08:00:00+00:00", "2027-03-22T08:30:00+00:00"]],
        "proposal": ["2027-03-22T08:00:00+00:00", "2027-03-22T08:30:00+00:00"],
        "proposed_by": "tandem",
        "silent_side": "institution",
    }
    for kind in KINDS:
        row = enqueue(
            kind=kind,
            recipient=people.chen,
            language=language,
            dedupe_key=f"render:{kind}",
            context=context,
        )
        built = build_email(row)
        html = dict((m, c) for c, m in built.alternatives)["text/html"]
        assert built.subject.startswith("[InnoHealth] ") and "\n" not in built.subject
        assert "http://127.0.0.1:8000/schedule/" in built.body and "/schedule/" in html
        if kind.startswith(("meeting", "session", "video")) or kind in TIMED_REQUEST_KINDS:
            # 08:00 UTC is 16:00 in Shanghai, chen's time zone, and 09:00 in Berlin beside it.
            assert "16:00" in built.body and "16:00" in html
            assert "09:00" in built.body and "09:00" in html
        optional = notifications.preference_of(kind) is not None
        assert ("List-Unsubscribe" in built.extra_headers) == optional


def test_every_kind_has_a_name_organisers_read_and_nothing_else_does():
    assert set(notifications.KINDS) == set(EmailKind.values)


def test_every_kind_obeys_a_switch_people_can_see_or_is_always_sent():
    for kind in notifications.KINDS.values():
        assert kind.preference in (None, *PREFERENCES), kind.name
    always = {k.name for k in notifications.KINDS.values() if k.preference is None}
    assert always == {
        "meeting_scheduled",
        "meeting_moved",
        "meeting_cancelled",
        "video_link_changed",
        "session_published",
        "session_changed",
        "session_cancelled",
        "registration_confirmed",
        "registration_cancelled",
        "invitation",
        "account_email",
    }


@pytest.mark.parametrize(
    "language, sentence",
    [
        ("zh-hans", "您在 CardioSense 与 华大集团 之间的会谈将于 15 分钟后开始："),
        ("de", "Ihr Treffen zwischen CardioSense und BGI Group beginnt in 15 Minuten:"),
    ],
)
def test_a_reminder_is_one_sentence_in_the_readers_word_order(people, language, sentence):
    """“Starts” and “in 15 minutes” are not glued together: Chinese puts the time first."""
    row = enqueue(
        kind="meeting_reminder",
        recipient=people.chen,
        language=language,
        dedupe_key="reminder-sentence",
        context={
            "meeting_id": 1,
            "tour_id": people.tour.pk,
            "tandem": "CardioSense",
            "translated": {
                lang: {"institution": name}
                for lang, name in (
                    ("en", "BGI Group"),
                    ("de", "BGI Group"),
                    ("zh-hans", "华大集团"),
                )
            },
            "starts_at": "2027-03-22T08:00:00+00:00",
            "ends_at": "2027-03-22T08:30:00+00:00",
            "url": "http://127.0.0.1:8000/",
            "lead": "15min",
        },
    )
    assert sentence in build_email(row).body


def everything_readable(message) -> str:
    """Subject, every text part and calendar entry of a sent message, decoded and unfolded."""
    parts = [
        part.get_payload(decode=True).decode()
        for part in message.message().walk()
        if part.get_content_maintype() == "text"
    ]
    return unfolded("\n".join([message.subject, *parts]))


def test_no_e_mail_that_calls_something_off_carries_its_video_link(people):
    """The room of a cancelled meeting or withdrawn session is no longer anyone's to join; an
    e-mail or calendar entry that is kept or forwarded must not pass its link on."""
    request = ask(people)
    request_services.accept_request(actor=people.chen, request=request)
    meeting = Meeting.objects.get(request=request)
    assert meeting.video_url
    session = factories.SessionFactory(tour=people.tour, video_url="https://meet.example/hall")
    session.tandems.add(people.tandem)
    other = factories.SessionFactory(
        tour=people.tour,
        video_url="https://meet.example/roundtable",
        registration=True,
        starts_at=session.starts_at + timedelta(hours=2),
        ends_at=session.ends_at + timedelta(hours=2),
    )
    place = registration_services.register_for_session(
        actor=people.chen, session=other, institution=people.institution
    )
    send_all()
    mail.outbox.clear()
    meeting_services.cancel_meeting(actor=people.alice, meeting=meeting, reason="Ill.")
    session_services.cancel_session(actor=people.otto, session=session, reason="No speaker.")
    registration_services.cancel_registration(actor=people.chen, registration=place)
    sent = send_all()
    kinds = set(
        OutboxMessage.objects.filter(
            kind__in=["meeting_cancelled", "session_cancelled", "registration_cancelled"]
        ).values_list("kind", flat=True)
    )
    assert kinds == {"meeting_cancelled", "session_cancelled", "registration_cancelled"}
    assert len(sent) == OutboxMessage.objects.filter(kind__in=kinds).count()
    for message in sent:
        text = everything_readable(message)
        for link in (meeting.video_url, session.video_url, other.video_url):
            assert link not in text, message.subject
    assert all(
        not key.startswith("video_")
        for row in OutboxMessage.objects.filter(kind__in=kinds)
        for key in row.context
    )
