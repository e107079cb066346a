"""What came of a meeting: each side's own answer after the start, the meeting's status set by
the first answer, the question e-mailed after the end, and the organisers' view of both sides
with where they differ."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst

from matchmaking.enums import LogAction, MeetingStatus, OutcomeResult, TourStatus
from matchmaking.models import ActivityLog, Meeting, MeetingOutcome, OutboxMessage
from matchmaking.selectors.outcomes import AGREEMENT, with_answers
from matchmaking.services import DomainError
from matchmaking.services import meetings as meeting_services
from matchmaking.services.outcomes import record_outcome
from matchmaking.services.reminders import ask_for_outcomes
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db


def a_meeting(people, tandem=None, institution=None, *, ended_minutes_ago: int | None = 10):
    request = factories.MeetingRequestFactory(
        tandem=tandem or people.tandem, institution=institution or people.institution
    )
    accept_request(actor=people.otto, request=request)
    meeting = Meeting.objects.get(request=request)
    if ended_minutes_ago is not None:
        end = timezone.now() - timedelta(minutes=ended_minutes_ago)
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=end - timedelta(minutes=30), ends_at=end
        )
        meeting.refresh_from_db()
    return meeting


def snapshot():
    return (
        list(MeetingOutcome.objects.values_list("pk", "attendance", "result")),
        list(Meeting.objects.values_list("pk", "status")),
        ActivityLog.objects.count(),
    )


def test_an_outcome_for_a_meeting_that_has_not_started_is_refused(people):
    meeting = a_meeting(people, ended_minutes_ago=None)
    before = snapshot()
    with pytest.raises(DomainError, match="once it has started"):
        record_outcome(actor=people.alice, meeting=meeting, attendance="held", result="nda")
    assert snapshot() == before


def test_each_side_answers_for_itself_and_the_first_answer_marks_the_meeting(people):
    meeting = a_meeting(people)
    mine = record_outcome(
        actor=people.alice, meeting=meeting, attendance="held", result="follow_up", note="Call"
    )
    meeting.refresh_from_db()
    assert (mine.side, meeting.status) == ("tandem", MeetingStatus.HELD)
    held = ActivityLog.objects.about(meeting).get(action=LogAction.HELD)
    assert held.actor == people.alice
    # The other member of the tandem changes the tandem's answer; still one row for the side.
    record_outcome(actor=people.anton, meeting=meeting, attendance="held", result="nda")
    theirs = record_outcome(
        actor=people.chen, meeting=meeting, attendance="no_show", result="pilot"
    )
    assert theirs.result == ""  # nothing came of a meeting that did not take place
    answers = dict(MeetingOutcome.objects.values_list("side", "result"))
    assert answers == {"tandem": "nda", "institution": ""}
    assert MeetingOutcome.objects.get(side="tandem").answered_by == people.anton
    # The status moved once: the institution's contradicting answer leaves it.
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert ActivityLog.objects.about(meeting).filter(action=LogAction.OUTCOME).count() == 3


def test_a_no_show_answer_marks_the_meeting_no_show(people):
    meeting = a_meeting(people)
    record_outcome(actor=people.chen, meeting=meeting, attendance="no_show")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NO_SHOW


def test_an_organisers_mark_stays_when_the_sides_answer(people):
    meeting = a_meeting(people)
    meeting_services.mark_meeting_no_show(actor=people.otto, meeting=meeting)
    record_outcome(actor=people.alice, meeting=meeting, attendance="held", result="pilot")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NO_SHOW


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("bob", "Only the two sides"),
        ("olga", "Only the two sides"),
        ("otto", "Only the two sides"),
    ],
)
def test_only_the_two_sides_answer(people, person, message):
    meeting = a_meeting(people)
    with pytest.raises(DomainError, match=message):
        record_outcome(
            actor=getattr(people, person), meeting=meeting, attendance="held", result="nda"
        )
    assert not MeetingOutcome.objects.exists()


def test_bad_answers_and_closed_meetings_are_refused_and_change_nothing(people):
    meeting = a_meeting(people)
    before = snapshot()
    with pytest.raises(DomainError, match="whether the meeting took place"):
        record_outcome(actor=people.alice, meeting=meeting, attendance="maybe")
    with pytest.raises(DomainError, match="what came of the meeting"):
        record_outcome(actor=people.alice, meeting=meeting, attendance="held", result="")
    with pytest.raises(DomainError, match="too long"):
        record_outcome(
            actor=people.alice, meeting=meeting, attendance="held", result="nda", note="x" * 1001
        )
    people.tour.status = TourStatus.FINISHED
    people.tour.save(update_fields=["status"])
    with pytest.raises(DomainError, match="finished"):
        record_outcome(actor=people.alice, meeting=meeting, attendance="held", result="nda")
    assert snapshot() == before


def test_both_sides_are_asked_once_after_the_end_in_their_language(people, deliver):
    ended = a_meeting(people)
    a_meeting(people, people.other_tandem, people.other_institution, ended_minutes_ago=None)
    answered = a_meeting(people, people.other_tandem, people.institution, ended_minutes_ago=60)
    record_outcome(actor=people.bob, meeting=answered, attendance="held", result="pilot")
    ask_for_outcomes()
    ask_for_outcomes()  # a second beat tick asks nobody again
    rows = OutboxMessage.objects.filter(kind="outcome_question")
    assert sorted(rows.values_list("email", "context__meeting_id")) == sorted(
        [
            (people.alice.email, ended.pk),
            (people.anton.email, ended.pk),
            (people.chen.email, ended.pk),
            (people.chen.email, answered.pk),  # BGI has not answered that one yet
        ]
    )
    sent = {(m.to[0], m.extra_headers["Content-Language"]): m for m in deliver()}
    chinese = [m for (to, language), m in sent.items() if to == people.chen.email]
    assert chinese and all("会谈" in m.subject for m in chinese)
    assert all(m.extra_headers["Content-Language"] == "zh-hans" for m in chinese)
    english = sent[people.alice.email, "en"]
    assert english.subject.endswith("How did it go? CardioSense ↔ BGI Group")
    assert reverse("meeting_outcome", args=[ended.pk]) in english.body
    assert "List-Unsubscribe" in english.extra_headers  # people can switch the question off


def test_a_question_answered_before_it_is_sent_is_not_sent(people, deliver):
    meeting = a_meeting(people)
    ask_for_outcomes()
    record_outcome(actor=people.alice, meeting=meeting, attendance="held", result="nda")
    sent = {m.to[0] for m in deliver() if "How did it go" in m.subject or "会谈" in m.subject}
    assert people.alice.email not in sent and people.anton.email not in sent
    assert people.chen.email in sent


def test_the_organisers_see_both_sides_and_where_they_differ(client, people):
    differ = a_meeting(people)
    record_outcome(actor=people.alice, meeting=differ, attendance="held", result="pilot")
    record_outcome(actor=people.chen, meeting=differ, attendance="held", result="nda")
    agree = a_meeting(people, people.other_tandem, people.institution, ended_minutes_ago=60)
    record_outcome(actor=people.bob, meeting=agree, attendance="held", result="nda")
    record_outcome(actor=people.chen, meeting=agree, attendance="held", result="nda")
    blamed = a_meeting(people, people.tandem, people.other_institution, ended_minutes_ago=120)
    record_outcome(actor=people.alice, meeting=blamed, attendance="no_show")
    record_outcome(actor=people.olga, meeting=blamed, attendance="no_show")
    one = a_meeting(people, people.other_tandem, people.other_institution, ended_minutes_ago=180)
    record_outcome(actor=people.olga, meeting=one, attendance="held", result="no_interest")
    meetings = with_answers(Meeting.objects.all())
    assert set(meetings.filter(AGREEMENT["differ"]).values_list("pk", flat=True)) == {
        differ.pk,
        blamed.pk,
    }
    assert list(meetings.filter(AGREEMENT["agree"]).values_list("pk", flat=True)) == [agree.pk]
    assert list(meetings.filter(AGREEMENT["one_side"]).values_list("pk", flat=True)) == [one.pk]
    client.force_login(people.otto)
    changelist = reverse("admin:matchmaking_meeting_changelist")
    page = client.get(changelist, {"answers": "differ"}).content.decode()
    assert "Pilot project" in page and "Non-disclosure agreement (NDA)" in page
    assert "The other side did not come" in page
    assert "LungScan" not in page  # the meetings where they agree or one side answered
    page = client.get(reverse("admin:matchmaking_meeting_change", args=[differ.pk]))
    assert "Pilot project" in page.content.decode()


def test_the_dashboard_asks_and_the_page_saves_the_answer(client, people):
    meeting = a_meeting(people)
    client.force_login(people.chen)
    dashboard = client.get(reverse("partner_dashboard")).content.decode()
    assert reverse("meeting_outcome", args=[meeting.pk]) in dashboard
    url = reverse("meeting_outcome", args=[meeting.pk])
    response = client.post(url, {"attendance": "held"})
    assert response.status_code == 400  # held, but what came of it?
    assert not MeetingOutcome.objects.exists()
    response = client.post(url, {"attendance": "held", "result": "joint_proposal"})
    assert response.status_code == 302
    assert MeetingOutcome.objects.get().result == "joint_proposal"
    page = client.get(url).content.decode()
    assert 'value="joint_proposal" checked' in page or "checked" in page


def test_a_meeting_that_has_not_started_shows_no_form_and_a_post_is_refused(client, people):
    meeting = a_meeting(people, ended_minutes_ago=None)
    client.force_login(people.alice)
    url = reverse("meeting_outcome", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "once it has started" in page and '<form method="post" class="outcome-form"' not in page
    response = client.post(url, {"attendance": "held", "result": "nda"})
    assert response.status_code == 400
    assert "once it has started" in response.content.decode()
    assert not MeetingOutcome.objects.exists()


def test_other_peoples_outcome_pages_are_refused(client, people):
    meeting = a_meeting(people)
    for person, status in ((people.bob, 404), (people.olga, 404), (people.otto, 403)):
        client.force_login(person)
        url = reverse("meeting_outcome", args=[meeting.pk])
        assert client.get(url).status_code == status
        assert client.post(url, {"attendance": "no_show"}).status_code == status
    assert not MeetingOutcome.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading", "choice"),
    [
        ("en", "What came of the meeting?", "Follow-up agreed"),
        ("de", "Was ist aus dem Treffen geworden?", "Folgetermin vereinbart"),
        ("zh-hans", "会谈有何结果？", "已约定后续跟进"),
    ],
)
def test_the_outcome_page_in_three_languages(client, people, language, heading, choice):
    meeting = a_meeting(people)
    people.anton.language = language
    people.anton.save(update_fields=["language"])
    client.force_login(people.anton)
    page = client.get(reverse("meeting_outcome", args=[meeting.pk])).content.decode()
    assert heading in page and choice in page


def test_the_meetings_history_tells_an_answer_in_the_organisers_words(client, people):
    """An answer is logged on the meeting, whose own fields are not the answer's: the history
    names the answer's fields and choices, in the organiser's language, not their codes."""
    meeting = a_meeting(people)
    record_outcome(actor=people.alice, meeting=meeting, attendance="held", result="follow_up")
    people.otto.language = "de"
    people.otto.save(update_fields=["language"])
    client.force_login(people.otto)
    page = client.get(reverse("admin:matchmaking_meeting_history", args=[meeting.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for code in ("follow_up", "Side:", "Attendance:", "Result:", "tandem</"):
        assert code not in text
    with translation.override("de"):
        expected = [
            f"{capfirst(MeetingOutcome._meta.get_field('side').verbose_name)}: Tandem",
            f"{capfirst(MeetingOutcome._meta.get_field('result').verbose_name)}: — → "
            f"{OutcomeResult.FOLLOW_UP.label}",
        ]
    for line in expected:
        assert escape(line) in text
