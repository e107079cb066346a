"""Grow the demo tour: every kind of row of the demo, copied ``factor - 1`` more times, wired to
the same tour, sessions and partners, so that pages must cope with ten times the data."""

from __future__ import annotations

from matchmaking.models import (
    FollowUp,
    FollowUpNote,
    Institution,
    Meeting,
    MeetingRequest,
    PreferredSlot,
    Registration,
    Representative,
    Speaker,
    Supporter,
    Tandem,
    TandemMember,
    Tour,
    User,
)
from matchmaking.models.consent import CURRENT_CONSENT_VERSION
from matchmaking.models.languages import localized
from matchmaking.selectors.slots import tour_slots
from matchmaking.services.consent import give_consent


def _texts(old, *fields: str, suffix: str = "") -> dict:
    """Every language version of the translated ``fields`` of ``old``, ``suffix`` appended."""
    return {
        column: f"{getattr(old, column)}{suffix}" if getattr(old, column) else getattr(old, column)
        for field in fields
        for column in localized(field)
    }


def _user(email: str, **fields) -> User:
    """A copied person who, like the demo's, agreed to be shown across the border."""
    user = User.objects.create_user(email=email, display_name=email.split("@")[0], **fields)
    give_consent(user=user, version=CURRENT_CONSENT_VERSION, language=user.language)
    return user


def _copy_institutions(tour: Tour, originals: list[Institution], k: int) -> dict:
    copies = {}
    for old in originals:
        new = Institution.objects.create(
            **_texts(old, "name", suffix=f" {k}"),
            **_texts(old, "city", "province", "description"),
            slug=f"{old.slug}-{k}",
            kind=old.kind,
        )
        new.tours.add(tour)
        new.topics.set(old.topics.all())
        rep = _user(
            f"{old.slug}-{k}@partner.example", language="zh-hans", time_zone="Asia/Shanghai"
        )
        Representative.objects.create(user=rep, institution=new, tour=tour)
        copies[old.pk] = new
    return copies


def _copy_tandems(tour: Tour, originals: list[Tandem], k: int) -> dict:
    copies = {}
    for old in originals:
        new = Tandem.objects.create(
            tour=tour,
            name=f"{old.name} {k}",
            slug=f"{old.slug}-{k}",
            **_texts(old, "project_title", "summary"),
            seeks=old.seeks,
            research_organisation=old.research_organisation,
            company=old.company,
        )
        new.topics.set(old.topics.all())
        for member in old.members.all():
            user = _user(f"{member.role}-{old.slug}-{k}@tandem.example", language="de")
            TandemMember.objects.create(tandem=new, user=user, role=member.role)
        copies[old.pk] = new
    return copies


def multiply_demo(tour: Tour, factor: int = 10) -> None:
    institutions = list(tour.institutions.prefetch_related("topics"))
    tandems = list(tour.tandems.prefetch_related("topics", "members"))
    sessions = list(tour.sessions.prefetch_related("tandems", "institutions", "speakers"))
    speakers = list(tour.speakers.all())
    supporters = list(tour.supporters.all())
    requests = list(
        tour.meeting_requests.select_related("meeting").prefetch_related("preferred_slots")
    )
    follow_ups = list(tour.follow_ups.prefetch_related("notes"))
    registrations = list(Registration.objects.filter(session__tour=tour))
    slots = tour_slots(tour)
    taken = {}
    for meeting in Meeting.objects.filter(tour=tour):
        taken.setdefault(meeting.institution_id, set()).add(meeting.starts_at)
    for k in range(1, factor):
        institution_copies = _copy_institutions(tour, institutions, k)
        tandem_copies = _copy_tandems(tour, tandems, k)
        speaker_copies = {}
        for old in speakers:
            speaker_copies[old.pk] = Speaker.objects.create(
                tour=tour,
                name=f"{old.name} {k}",
                **_texts(old, "title", "position", "bio"),
                organisation=old.organisation,
                institution=institution_copies.get(old.institution_id),
                order=old.order,
            )
        Supporter.objects.bulk_create(
            Supporter(tour=tour, **_texts(s, "name", suffix=f" {k}"), order=s.order)
            for s in supporters
        )
        for old in sessions:
            new = tour.sessions.create(
                kind=old.kind,
                **_texts(old, "title", suffix=f" ({k})"),
                **_texts(old, "description"),
                starts_at=old.starts_at,
                ends_at=old.ends_at,
                host=institution_copies.get(old.host_id),
                capacity=old.capacity,
                video_url=old.video_url,
                is_published=old.is_published,
            )
            # The same people take part in the copies, so their own agendas grow too.
            old_tandems = list(old.tandems.all())
            old_institutions = list(old.institutions.all())
            new.tandems.set(old_tandems + [tandem_copies[t.pk] for t in old_tandems])
            new.institutions.set(
                old_institutions + [institution_copies[i.pk] for i in old_institutions]
            )
            new.speakers.set(speaker_copies[s.pk] for s in old.speakers.all())
        for old in requests:
            # A copy of the tandem asks the same partner: the partner's lists grow tenfold.
            tandem = tandem_copies[old.tandem_id]
            new = MeetingRequest.objects.create(
                tour=tour,
                tandem=tandem,
                institution_id=old.institution_id,
                direction=old.direction,
                message=old.message,
                status=old.status,
                turn=old.turn,
                turn_since=old.turn_since,
                created_by=tandem.members.first().user,
            )
            PreferredSlot.objects.bulk_create(
                PreferredSlot(request=new, starts_at=p.starts_at, rank=p.rank)
                for p in old.preferred_slots.all()
            )
            if getattr(old, "meeting", None) is not None:
                used = taken.setdefault(old.institution_id, set())
                slot = next(s for s in slots if s.starts_at not in used)
                used.add(slot.starts_at)
                Meeting.objects.create(
                    request=new,
                    tour=tour,
                    tandem=tandem,
                    institution_id=old.institution_id,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    video_url=f"https://video.example.org/room-{new.pk}",
                )
        for old in follow_ups:
            # The tandem's copy follows up with the same partner: pipelines grow tenfold.
            tandem = tandem_copies[old.tandem_id]
            new = FollowUp.objects.create(
                tour=tour,
                tandem=tandem,
                institution_id=old.institution_id,
                next_step=old.next_step,
                owner=tandem.members.first().user,
                due_on=old.due_on,
                stage=old.stage,
                created_by=tandem.members.first().user,
            )
            FollowUpNote.objects.bulk_create(
                FollowUpNote(follow_up=new, author=new.owner, text=n.text) for n in old.notes.all()
            )
        Registration.objects.bulk_create(
            Registration(
                session_id=old.session_id,
                tandem=tandem_copies.get(old.tandem_id),
                institution=institution_copies.get(old.institution_id),
                status=old.status,
                registered_by=old.registered_by,
                confirmed_at=old.confirmed_at,
            )
            for old in registrations
        )
