"""Exports (CSV and Excel) parsed back and compared with the database, formula cells neutralised,
imports previewed without changing anything, bad input answered with a message, and the export
and import pages closed to everyone but organisers."""

import csv
import io
import zipfile
import zoneinfo

import openpyxl
import pytest
from django import forms
from django.urls import reverse

from matchmaking.enums import LogAction, MemberRole
from matchmaking.models import (
    ActivityLog,
    Institution,
    Meeting,
    MeetingRequest,
    Representative,
    Session,
    Tandem,
    User,
)
from matchmaking.services.requests import accept_request

from . import factories

pytestmark = pytest.mark.django_db

CSV, XLSX = 0, 1


@pytest.fixture
def organiser(client, people):
    client.force_login(people.otto)
    return client


def export(client, model_name: str, file_format: int):
    """Post the export form as the browser does (every column ticked)."""
    url = reverse(f"admin:matchmaking_{model_name}_export")
    page = client.get(url)
    assert page.status_code == 200
    fields = page.context["form"].fields
    data = {"format": file_format, "resource": 0}
    data.update({name: "on" for name, f in fields.items() if isinstance(f, forms.BooleanField)})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response


def rows_of(response, file_format: int) -> list[dict]:
    """The exported file read back: with the csv module, or with openpyxl."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == CSV:
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [
        {h: "" if v is None else str(v) for h, v in zip(header, row, strict=True)} for row in rows
    ]


@pytest.fixture
def meeting(people):
    request = factories.MeetingRequestFactory(tandem=people.tandem, institution=people.institution)
    accept_request(actor=people.chen, request=request)
    return Meeting.objects.get(request=request)


# --- exports --------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_tandems_and_their_members_come_back_as_they_are(organiser, people, file_format):
    rows = {
        row["slug"]: row for row in rows_of(export(organiser, "tandem", file_format), file_format)
    }
    assert set(rows) == set(Tandem.objects.values_list("slug", flat=True))
    tandem = people.tandem
    row = rows[tandem.slug]
    assert (row["tour"], row["name"], row["project_title_en"], row["company"]) == (
        tandem.tour.slug,
        tandem.name,
        tandem.project_title_en,
        tandem.company,
    )
    assert row["researcher"] == f"{people.alice} <{people.alice.email}>"
    assert row["entrepreneur"] == f"{people.anton} <{people.anton.email}>"


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_institutions_and_representatives_come_back_as_they_are(organiser, people, file_format):
    rows = {
        row["slug"]: row
        for row in rows_of(export(organiser, "institution", file_format), file_format)
    }
    assert set(rows) == set(Institution.objects.values_list("slug", flat=True))
    bgi = rows[people.institution.slug]
    assert (bgi["name_en"], bgi["name_zh_hans"], bgi["kind"]) == (
        "BGI Group",
        "华大集团",
        people.institution.kind,
    )
    assert bgi["tours"] == people.tour.slug
    assert bgi["representatives"] == f"{people.chen} <{people.chen.email}> ({people.tour.slug})"
    reps = rows_of(export(organiser, "representative", file_format), file_format)
    assert sorted((r["email"], r["institution"], r["tour"]) for r in reps) == sorted(
        (r.user.email, r.institution.slug, r.tour.slug)
        for r in Representative.objects.select_related("user", "institution", "tour")
    )


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_requests_say_whose_turn_and_their_times_in_both_zones(
    organiser, people, meeting, file_format
):
    pending = factories.MeetingRequestFactory(
        tandem=people.other_tandem, institution=people.institution
    )
    rows = {
        row["id"]: row
        for row in rows_of(export(organiser, "meetingrequest", file_format), file_format)
    }
    assert set(rows) == {str(pk) for pk in MeetingRequest.objects.values_list("pk", flat=True)}
    waiting = rows[str(pending.pk)]
    assert waiting["whose turn"] == pending.get_turn_display()
    assert waiting["status"] == "Pending"
    berlin = pending.turn_since.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    shanghai = pending.turn_since.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert (
        waiting["waiting since (tandems' home time zone)"]
        == f"{berlin:%Y-%m-%d %H:%M} Europe/Berlin"
    )
    assert (
        waiting["waiting since (partners' home time zone)"]
        == f"{shanghai:%Y-%m-%d %H:%M} Asia/Shanghai"
    )
    accepted = rows[str(meeting.request_id)]
    assert accepted["whose turn"] == ""
    assert accepted["meeting starts (partners' home time zone)"].endswith("Asia/Shanghai")


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_meetings_the_agenda_and_the_log_come_back_as_they_are(
    organiser, people, meeting, file_format
):
    factories.SessionFactory(tour=people.tour, title="Opening keynote")
    meetings = rows_of(export(organiser, "meeting", file_format), file_format)
    assert [(m["id"], m["tandem"], m["institution"], m["video link"]) for m in meetings] == [
        (str(meeting.pk), "CardioSense", "BGI Group", meeting.video_url)
    ]
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert (
        meetings[0]["starts (partners' home time zone)"] == f"{local:%Y-%m-%d %H:%M} Asia/Shanghai"
    )
    sessions = rows_of(export(organiser, "session", file_format), file_format)
    assert sorted(s["title"] for s in sessions) == sorted(
        Session.objects.values_list("title", flat=True)
    )
    log = rows_of(export(organiser, "activitylog", file_format), file_format)
    assert len(log) == ActivityLog.objects.count()
    assert {row["object"] for row in log} >= {str(meeting)}
    assert all(row["when (UTC)"].endswith("UTC") for row in log)


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_every_cell_that_looks_like_a_formula_is_neutralised(organiser, people, file_format):
    for n, text in enumerate(['=HYPERLINK("http://x")', "+49 30 1234", "-1+2", "@SUM(A1)"]):
        factories.TandemFactory(tour=people.tour, name=text, slug=f"formula-{n}", company=text)
    rows = rows_of(export(organiser, "tandem", file_format), file_format)
    by_slug = {row["slug"]: row for row in rows}
    for n, text in enumerate(['=HYPERLINK("http://x")', "+49 30 1234", "-1+2", "@SUM(A1)"]):
        assert by_slug[f"formula-{n}"]["name"] == "'" + text
        assert by_slug[f"formula-{n}"]["company"] == "'" + text
    assert by_slug[people.tandem.slug]["name"] == "CardioSense"  # plain text stays as it is
    if file_format == XLSX:
        content = export(organiser, "tandem", XLSX).content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


# --- imports --------------------------------------------------------------------------------


def upload(client, model_name: str, name: str, content: bytes, file_format: int = CSV):
    url = reverse(f"admin:matchmaking_{model_name}_import")
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(url, {"format": file_format, "resource": 0, "import_file": upload})


def csv_bytes(*rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def snapshot():
    return (
        list(Institution.objects.order_by("pk").values()),
        list(Representative.objects.order_by("pk").values()),
        list(Tandem.objects.order_by("pk").values()),
        ActivityLog.objects.count(),
    )


INSTITUTION_HEADER = ["slug", "name_en", "name_zh_hans", "kind", "city_en", "tours"]


def test_an_import_with_bad_rows_lists_each_with_its_reason_and_changes_nothing(organiser, people):
    before = snapshot()
    content = csv_bytes(
        INSTITUTION_HEADER,
        ["tsinghua", "Tsinghua University", "清华大学", "university", "Beijing", people.tour.slug],
        ["nobody", "Nobody Inc", "", "spaceship", "Nowhere", ""],
        ["", "", "", "", "", ""],
        ["copycat", "bgi group", "", "company", "", ""],
        ["wanderer", "Wanderer", "", "company", "", "no-such-tour"],
    )
    response = upload(organiser, "institution", "institutions.csv", content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    result = response.context["result"]
    # Each bad row by its line in the file (line 4 is blank and skipped).
    assert {row.number + result.line_offset for row in result.invalid_rows} == {3, 5}
    assert "Line 6: Unknown tours: no-such-tour." in page
    assert "spaceship" in page and "is not a valid choice" in page
    assert "Another institution already has this name" in page
    assert "no-such-tour" in page
    assert snapshot() == before


def test_a_good_import_changes_nothing_until_confirmed_then_logs_each_row(organiser, people):
    before = snapshot()
    content = csv_bytes(
        INSTITUTION_HEADER,
        ["tsinghua", "Tsinghua University", "清华大学", "university", "Beijing", people.tour.slug],
        [people.institution.slug, "BGI Group", "华大集团", "company", "Shenzhen", ""],
    )
    response = upload(organiser, "institution", "institutions.csv", content)
    confirm = response.context["confirm_form"]
    assert confirm is not None and not response.context["result"].has_validation_errors()
    assert snapshot() == before  # the preview was a dry run
    data = {name: confirm[name].value() for name in confirm.fields}
    done = organiser.post(reverse("admin:matchmaking_institution_process_import"), data)
    assert done.status_code == 302
    tsinghua = Institution.objects.get(slug="tsinghua")
    assert (tsinghua.name_zh_hans, list(tsinghua.tours.all())) == ("清华大学", [people.tour])
    assert Institution.objects.get(pk=people.institution.pk).city_en == "Shenzhen"
    created = ActivityLog.objects.about(tsinghua).get(action=LogAction.CREATE)
    assert created.actor == people.otto
    assert ActivityLog.objects.about(people.institution).filter(action=LogAction.CHANGE).exists()


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_an_export_imported_again_gives_back_the_texts_its_cells_neutralised(
    organiser, people, file_format
):
    texts = {
        "description_de": "- Genomsequenzierung\n- Präzisionsmedizin",
        "description_zh_hans": "+ 基因组学",
        "description_en": "'= quoted on purpose",
    }
    Institution.objects.filter(pk=people.institution.pk).update(**texts)
    response = export(organiser, "institution", file_format)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    name = "institutions.xlsx" if file_format == XLSX else "institutions.csv"
    preview = upload(organiser, "institution", name, content, file_format)
    assert not preview.context["result"].has_validation_errors()
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    organiser.post(reverse("admin:matchmaking_institution_process_import"), data)
    stored = Institution.objects.values(*texts).get(pk=people.institution.pk)
    assert stored == texts


def test_representatives_are_imported_through_the_roles_service(organiser, people):
    newcomer = factories.UserFactory(email="li@partner.example")
    elsewhere = factories.InstitutionFactory(name="Elsewhere")  # in no tour
    before = snapshot()
    rows = [
        ["email", "institution", "tour", "position"],
        [people.alice.email, people.institution.slug, people.tour.slug, "CEO"],
        ["ghost@partner.example", people.institution.slug, people.tour.slug, ""],
        [newcomer.email, elsewhere.slug, people.tour.slug, ""],
    ]
    response = upload(organiser, "representative", "reps.csv", csv_bytes(*rows))
    page = response.content.decode()
    assert "already takes part in" in page  # Alice is a tandem member of this tour
    assert "please invite the person instead" in page
    assert "does not take part in" in page
    assert snapshot() == before
    good = csv_bytes(rows[0], [newcomer.email, people.institution.slug, people.tour.slug, "CTO"])
    response = upload(organiser, "representative", "reps.csv", good)
    confirm = response.context["confirm_form"]
    assert snapshot() == before
    data = {name: confirm[name].value() for name in confirm.fields}
    organiser.post(reverse("admin:matchmaking_representative_process_import"), data)
    role = Representative.objects.get(user=newcomer, tour=people.tour)
    assert (role.institution, role.position) == (people.institution, "CTO")
    (entry,) = ActivityLog.objects.about(role).filter(action=LogAction.CREATE)
    assert entry.actor == people.otto


def test_tandems_are_imported_with_their_topics_and_wishes(organiser, people):
    topic = factories.TopicFactory(slug="imaging")
    header = [
        "tour",
        "slug",
        "name",
        "project_title_en",
        "research_organisation",
        "company",
        "topics",
        "seeks",
    ]
    good = [people.tour.slug, "neurobridge", "NeuroBridge", "EEG at home", "Charité", "NB GmbH"]
    good += ["imaging", "investment;pilot_site"]
    bad = [people.tour.slug, "broken", "Broken", "x", "y", "z", "no-topic", "world_domination"]
    page = upload(organiser, "tandem", "tandems.csv", csv_bytes(header, good, bad))
    assert "no-topic" in page.content.decode() and "world_domination" in page.content.decode()
    assert not Tandem.objects.filter(slug__in=["neurobridge", "broken"]).exists()
    response = upload(organiser, "tandem", "tandems.csv", csv_bytes(header, good))
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    organiser.post(reverse("admin:matchmaking_tandem_process_import"), data)
    tandem = Tandem.objects.get(slug="neurobridge")
    assert list(tandem.topics.all()) == [topic] and tandem.seeks == ["investment", "pilot_site"]


# --- bad input ------------------------------------------------------------------------------


def form_error(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("import_file", []))


def test_a_file_that_is_not_a_spreadsheet_is_answered_with_a_message(organiser, people):
    before = snapshot()
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert "not a readable Excel" in form_error(
        upload(organiser, "institution", "x.xlsx", png, XLSX)
    )
    assert "UTF-8" in form_error(upload(organiser, "institution", "x.csv", png, CSV))
    assert "empty" in form_error(upload(organiser, "institution", "x.csv", b"", CSV))
    assert snapshot() == before


def test_wrong_columns_are_named_before_any_row(organiser, people):
    before = snapshot()
    response = upload(organiser, "institution", "x.csv", csv_bytes(["Name", "E-mail"], ["a", "b"]))
    page = response.content.decode()
    assert "Unknown columns: Name, E-mail" in page and "Line" not in page.split("Unknown")[0][-50:]
    response = upload(
        organiser, "institution", "x.csv", csv_bytes(["slug", "kind"], ["a", "company"])
    )
    assert "Columns missing: name_en" in response.content.decode()
    assert snapshot() == before


def test_a_hundred_thousand_rows_are_refused_at_the_limit(organiser, people):
    before = snapshot()
    rows = [INSTITUTION_HEADER] + [
        [f"i{n}", f"I {n}", "", "company", "", ""] for n in range(100_000)
    ]
    message = form_error(upload(organiser, "institution", "big.csv", csv_bytes(*rows)))
    assert "more than 2000 rows" in message
    huge = factories.huge_invitation_xlsx(100_000)
    message = form_error(upload(organiser, "institution", "big.xlsx", huge, XLSX))
    assert "more than 2000 rows" in message
    assert snapshot() == before


def test_two_megabytes_of_cells_are_refused(organiser, people):
    before = snapshot()
    one_cell = csv_bytes(INSTITUTION_HEADER, ["a", "x" * 2_100_000, "", "company", "", ""])
    assert "a cell is longer than" in form_error(
        upload(organiser, "institution", "cell.csv", one_cell)
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(INSTITUTION_HEADER)
    for n in range(600):  # 600 rows of 4,000 characters: 2.4 MB of text in a small file
        sheet.append([f"i{n}", "y" * 3999 + str(n % 10), "", "company", "", ""])
    content = io.BytesIO()
    book.save(content)
    assert len(content.getvalue()) < 200_000
    message = form_error(upload(organiser, "institution", "cells.xlsx", content.getvalue(), XLSX))
    assert "of text" in message
    assert snapshot() == before


def test_an_excel_file_that_is_a_zip_of_something_else_is_refused(organiser, people):
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    message = form_error(upload(organiser, "institution", "x.xlsx", content.getvalue(), XLSX))
    assert "not a readable Excel" in message


# --- from outside ---------------------------------------------------------------------------

PAGES = [
    ("tandem", "export"),
    ("institution", "export"),
    ("representative", "export"),
    ("meetingrequest", "export"),
    ("meeting", "export"),
    ("session", "export"),
    ("activitylog", "export"),
    ("tandem", "import"),
    ("institution", "import"),
    ("representative", "import"),
]


@pytest.mark.parametrize(("model_name", "page"), PAGES)
def test_export_and_import_pages_are_closed_to_everyone_but_organisers(
    client, people, model_name, page
):
    url = reverse(f"admin:matchmaking_{model_name}_{page}")
    client.force_login(people.chen)  # a partner: not staff
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(url, {"format": 0}).status_code == 302
    staff = User.objects.create_user(email="intern@innohealth.example", password="x", is_staff=True)
    client.force_login(staff)  # staff, but not an organiser: no permission on the model
    assert client.get(url).status_code == 403
    assert client.post(url, {"format": 0, "resource": 0}).status_code == 403


def test_the_member_roles_stay_out_of_the_tandem_import(people):
    """The members' columns are the export's only: a tandem import never touches its people."""
    from matchmaking.admin.exchange import TandemResource

    readonly = {f.column_name for f in TandemResource().fields.values() if f.readonly}
    assert readonly == {MemberRole.RESEARCHER.value, MemberRole.ENTREPRENEUR.value}


def test_an_upload_never_confirmed_leaves_no_file_and_a_stale_confirmation_is_answered(
    organiser, people
):
    """Between preview and confirmation the file is kept in the cache (Redis) for an hour, for
    every web process alike: none is left in a temporary folder when nobody confirms, and a
    confirmation that comes too late (or is forged) gets a message, not an error page."""
    import tempfile
    from pathlib import Path

    from django.core.cache import cache

    content = csv_bytes(
        INSTITUTION_HEADER,
        ["tsinghua", "Tsinghua University", "清华大学", "university", "Beijing", people.tour.slug],
    )
    response = upload(organiser, "institution", "institutions.csv", content)
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    assert not (Path(tempfile.gettempdir()) / data["import_file_name"]).exists()

    for name in (data["import_file_name"], "no-such-upload", "../../etc/hostname"):
        cache.clear()  # the hour has passed, or the name was never an upload
        stale = organiser.post(
            reverse("admin:matchmaking_institution_process_import"),
            {**data, "import_file_name": name},
            follow=True,
        )
        assert stale.status_code == 200
        assert "upload the file again" in stale.content.decode()
        assert not Institution.objects.filter(slug="tsinghua").exists()
