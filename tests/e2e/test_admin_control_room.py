"""In real Chromium, in English, German and Chinese, under the Content-Security-Policy: an organiser
withdraws a session with a reason and publishes it again, is refused deleting a published one,
moves the tour along its statuses, exports the tandems as CSV and Excel, and imports institutions:
a file with bad rows is previewed with each line's reason and changes nothing, a good one is
saved only when confirmed. The e-mails the buttons write are read from the outbox."""

import csv
import io

import icalendar
import openpyxl
import pytest
from django.core.management import call_command

from matchmaking.enums import LogAction, TourStatus
from matchmaking.models import ActivityLog, Institution, OutboxMessage, Session, Tandem, Tour, User

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
ORGANISER_EMAIL = "organiser@innohealth.example"

WORDS = {
    "en": {
        "withdraw": "Withdraw from the programme",
        "publish": "Publish",
        "withdrawn": "is withdrawn from the programme",
        "first": "withdraw it from the programme first",
        "running": "Change to “Running”",
        "changed": "is changed",
        "export": "Export",
        "import": "Import",
        "submit": "Submit",
        "confirm": "Confirm import",
    },
    "de": {
        "withdraw": "Aus dem Programm nehmen",
        "publish": "Veröffentlichen",
        "withdrawn": "wurde aus dem Programm genommen",
        "first": "Nehmen Sie den Programmpunkt zuerst aus dem Programm",
        "running": "Auf „Läuft“ setzen",
        "changed": "wurde geändert",
        "export": "Exportieren",
        "import": "Importieren",
        "submit": "Absenden",
        "confirm": "Import bestätigen",
    },
    "zh-hans": {
        "withdraw": "从日程中撤下",
        "publish": "发布",
        "withdrawn": "已从日程中撤下",
        "first": "请先将其从日程中撤下",
        "running": "改为“进行中”",
        "changed": "的状态已更改",
        "export": "导出",
        "import": "导入",
        "submit": "提交",
        "confirm": "确认导入",
    },
}


def choose_format(page, label: str) -> None:
    """import-export's format list: pick the option whose text is ``label`` (csv, xlsx)."""
    select = page.locator("select[name=format]")
    value = select.evaluate(
        "(s, label) => [...s.options].find(o => o.text.trim().toLowerCase() === label).value",
        label,
    )
    select.select_option(value)


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_an_organiser_runs_the_agenda_and_exchanges_files(
    live_server, browser, screenshots, language, tmp_path
):
    call_command("load_demo")
    words = WORDS[language]
    User.objects.filter(email=ORGANISER_EMAIL).update(language=language)
    tour = Tour.objects.get(slug="innohealth-china")
    base = live_server.url
    page = log_in(browser.new_context(accept_downloads=True), base, ORGANISER_EMAIL)
    violations = []
    page.on(
        "console",
        lambda m: (
            violations.append((page.url, m.text[:90]))
            if "Content Security Policy" in m.text
            else None
        ),
    )

    # A published session: withdrawn with a reason, then published again.
    session = Session.objects.filter(tour=tour, is_published=True).exclude(tandems=None).first()
    change = f"{base}/admin/matchmaking/session/{session.pk}/change/"
    page.goto(change)
    assert page.locator("input[name=is_published]").count() == 0  # no checkbox any more
    page.fill("#id_withdraw_reason", "Der Referent ist erkrankt.")
    page.screenshot(path=screenshots / f"{language}-1-session.png", full_page=True)
    page.click(f"input[value='{words['withdraw']}']")
    assert words["withdrawn"] in page.locator(".messagelist").inner_text()
    session.refresh_from_db()
    assert not session.is_published
    cancels = OutboxMessage.objects.filter(kind="session_cancelled", context__session_id=session.pk)
    assert cancels.exists() and {m.ics_method for m in cancels} == {"CANCEL"}
    assert all(m.context["reason"] == "Der Referent ist erkrankt." for m in cancels)
    # The calendar entry says why too, as a calendar shows it without the e-mail.
    for message in cancels:
        (event,) = icalendar.Calendar.from_ical(message.ics).walk("VEVENT")
        assert "Der Referent ist erkrankt." in str(event["DESCRIPTION"]), message.language
    page.click(f"input[value='{words['publish']}']")
    session.refresh_from_db()
    assert session.is_published
    page.screenshot(path=screenshots / f"{language}-2-published.png", full_page=True)

    # Deleting it is refused while it is published.
    page.goto(f"{base}/admin/matchmaking/session/{session.pk}/delete/")
    assert words["first"] in page.locator(".messagelist").inner_text()
    assert Session.objects.filter(pk=session.pk).exists()

    # The tour moves on through its status buttons only.
    Tour.objects.filter(pk=tour.pk).update(status=TourStatus.OPEN)
    page.goto(f"{base}/admin/matchmaking/tour/{tour.pk}/change/")
    page.click(f"input[value='{words['running']}']")
    assert words["changed"] in page.locator(".messagelist").inner_text()
    assert Tour.objects.get(pk=tour.pk).status == TourStatus.RUNNING
    assert ActivityLog.objects.about(tour).filter(action=LogAction.STATUS).exists()
    page.screenshot(path=screenshots / f"{language}-3-tour.png", full_page=True)

    # The tandems as CSV and as Excel, read back.
    for label in ("csv", "xlsx"):
        page.goto(f"{base}/admin/matchmaking/tandem/")
        page.click(f"a:text-is('{words['export']}')")
        choose_format(page, label)
        with page.expect_download() as download:
            page.click(f"input[value='{words['submit']}']")
        path = tmp_path / f"tandems.{label}"
        download.value.save_as(path)
        if label == "csv":
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(path, read_only=True).active
            header, *values = list(sheet.iter_rows(values_only=True))
            rows = [dict(zip(header, row, strict=True)) for row in values]
        assert sorted(r["slug"] for r in rows) == sorted(
            Tandem.objects.values_list("slug", flat=True)
        )

    # Institutions imported: bad rows previewed with their lines, nothing changed.
    before = Institution.objects.count()
    bad = tmp_path / "institutions.csv"
    bad.write_text(
        "slug,name_en,kind,tours\n"
        f"new-lab,New Lab,university,{tour.slug}\n"
        "bad-kind,Bad Kind,spaceship,\n",
        encoding="utf-8",
    )
    page.goto(f"{base}/admin/matchmaking/institution/")
    page.click(f"a:text-is('{words['import']}')")
    page.set_input_files("input[name=import_file]", str(bad))
    choose_format(page, "csv")
    page.click(f"input[value='{words['submit']}']")
    assert page.locator(".invalid-row td").first.inner_text().strip() == "3"
    assert words["confirm"] not in page.content()
    page.screenshot(path=screenshots / f"{language}-4-import-refused.png", full_page=True)
    assert Institution.objects.count() == before
    good = tmp_path / "good.csv"
    good.write_text(f"slug,name_en,kind,tours\nnew-lab,New Lab,university,{tour.slug}\n")
    page.set_input_files("input[name=import_file]", str(good))
    choose_format(page, "csv")
    page.click(f"input[value='{words['submit']}']")
    page.screenshot(path=screenshots / f"{language}-5-import-preview.png", full_page=True)
    assert Institution.objects.count() == before  # the preview saved nothing
    page.click(f"input[value='{words['confirm']}']")
    assert Institution.objects.get(slug="new-lab").tours.get() == tour
    page.screenshot(path=screenshots / f"{language}-6-imported.png", full_page=True)
    assert violations == []
