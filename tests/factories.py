import zoneinfo
from datetime import date, datetime, time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from matchmaking.enums import Direction, InstitutionKind, MemberRole, RequestStatus, TourStatus
from matchmaking.models import (
    Consent,
    Institution,
    MeetingRequest,
    Representative,
    Session,
    Tandem,
    TandemMember,
    Topic,
    Tour,
    TourDay,
    User,
)
from matchmaking.models.consent import CURRENT_CONSENT_VERSION, consent_text
from matchmaking.roles import ORGANISERS_GROUP

PASSWORD = "a-long-test-password"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, verified=extracted is not False, primary=True
            )

    @factory.post_generation
    def consented(obj, create, extracted, **kwargs):
        """Agreed to be shown across the border, unless ``consented=False``."""
        if create and extracted is not False:
            Consent.objects.create(
                user=obj,
                version=CURRENT_CONSENT_VERSION,
                language=obj.language,
                text=consent_text(CURRENT_CONSENT_VERSION, obj.language),
            )


class OrganiserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def organisers_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=ORGANISERS_GROUP))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class TourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tour
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Tour {n}")
    slug = factory.Sequence(lambda n: f"tour-{n}")
    status = TourStatus.OPEN
    slot_minutes = 30

    @factory.post_generation
    def days(obj, create, extracted, **kwargs):
        """One meeting window 08:00–12:00 Berlin per day, starting on ``first_day``."""
        if not create:
            return
        first = kwargs.get("first_day", date(2027, 3, 22))
        for offset in range(extracted if extracted is not None else 2):
            day = first + timedelta(days=offset)
            TourDay.objects.create(
                tour=obj,
                date=day,
                window_start=datetime.combine(day, time(8), tzinfo=BERLIN),
                window_end=datetime.combine(day, time(12), tzinfo=BERLIN),
            )


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Institution {n}")
    name_zh_hans = factory.Sequence(lambda n: f"机构{n}")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    kind = InstitutionKind.UNIVERSITY
    city = "Beijing"

    @factory.post_generation
    def tours(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tours.add(*extracted)


def a_tour_of(institution: Institution) -> Tour:
    """The institution's newest tour; an institution in no tour joins a new one."""
    tour = institution.tours.order_by("-created_at").first()
    if tour is None:
        tour = TourFactory()
        institution.tours.add(tour)
    return tour


class RepresentativeFactory(factory.django.DjangoModelFactory):
    """A representative in one tour: by default the institution's newest."""

    class Meta:
        model = Representative

    user = factory.SubFactory(UserFactory, language="zh-hans", time_zone="Asia/Shanghai")
    institution = factory.SubFactory(InstitutionFactory)
    tour = factory.LazyAttribute(lambda o: a_tour_of(o.institution))


class TandemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tandem

    tour = factory.SubFactory(TourFactory)
    name = factory.Sequence(lambda n: f"Tandem {n}")
    slug = factory.Sequence(lambda n: f"tandem-{n}")
    project_title = "A digital-health project"
    research_organisation = "Example Institute"
    company = "Example GmbH"


class TandemMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TandemMember

    tandem = factory.SubFactory(TandemFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.RESEARCHER


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    """A pending request row, as the request service would have written it."""

    class Meta:
        model = MeetingRequest

    tandem = factory.SubFactory(TandemFactory)
    tour = factory.SelfAttribute("tandem.tour")
    institution = factory.SubFactory(InstitutionFactory)
    direction = Direction.TANDEM_TO_INSTITUTION
    message = "We would like to meet."
    status = RequestStatus.PENDING
    # A pending request waits for the side it was sent to; a closed one for nobody.
    turn = factory.LazyAttribute(
        lambda r: (
            ""
            if r.status != RequestStatus.PENDING
            else "institution"
            if r.direction == Direction.TANDEM_TO_INSTITUTION
            else "tandem"
        )
    )
    turn_since = factory.LazyAttribute(
        lambda r: timezone.now() if r.status == RequestStatus.PENDING else None
    )


class AcceptedRequestFactory(MeetingRequestFactory):
    """An accepted request still without a meeting, as the batch planner finds it."""

    status = RequestStatus.ACCEPTED
    acted_at = factory.LazyFunction(timezone.now)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    tour = factory.SubFactory(TourFactory)
    kind = "keynote"
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = datetime(2027, 3, 22, 9, 0, tzinfo=BERLIN)
    ends_at = datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN)
    is_published = True


INVITATION_COLUMNS = ("Name", "E-mail", "Role", "Institution or tandem", "Language")


def huge_invitation_xlsx(rows: int, *, state_size: bool = True) -> bytes:
    """An .xlsx of ``rows`` identical invitation rows, written as a stream: two million rows make
    a file of about 1.7 MB. ``state_size=False`` leaves out the sheet's <dimension>."""
    import io
    import zipfile

    import openpyxl

    empty = io.BytesIO()
    openpyxl.Workbook().save(empty)

    def cells(values):
        return b"<row>%s</row>" % b"".join(
            b'<c t="inlineStr"><is><t>%s</t></is></c>' % v.encode() for v in values
        )

    out = io.BytesIO()
    with zipfile.ZipFile(empty) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                book.writestr(member, source.read(member))
                continue
            with book.open(member.filename, "w") as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                )
                if state_size:
                    sheet.write(b'<dimension ref="A1:E%d"/>' % (rows + 1))
                sheet.write(b"<sheetData>" + cells(INVITATION_COLUMNS))
                row = cells(("Li Na", "li@partner.example", "partner", "BGI Group", "zh"))
                for start in range(0, rows, 1000):
                    sheet.write(row * min(1000, rows - start))
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()
