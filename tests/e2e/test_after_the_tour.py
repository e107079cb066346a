"""In real Chromium, after the tour and data protection (issue 11 points 3 and 4): a partner who
has not agreed is hidden from the directory and sees the consent page in Chinese first; the
AHK reads the follow-up pipeline and adds a note; a tandem member records a follow-up (a past
due date refused); an organiser exports the pipeline; a person downloads their data and
deletes their account."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from matchmaking.models import Consent, FollowUp, FollowUpNote, Institution, User

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consent_follow_ups_pipeline_and_my_data(live_server, browser, screenshots):
    call_command("load_demo")
    base = live_server.url
    Consent.objects.filter(user__email="infervision@partner.example").delete()
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    # InferVision's representative has not agreed: the tandem does not find it.
    tandem = log_in(context, base, "researcher3@tandem.example")
    tandem.goto(f"{base}/institutions/?q=infervision")
    assert "InferVision" not in tandem.locator("main").inner_text()
    infervision = Institution.objects.get(slug="infervision")
    assert tandem.goto(f"{base}/institutions/{infervision.pk}/").status == 404
    tandem.screenshot(path=screenshots / "1-directory-without-infervision.png", full_page=True)

    # The representative logs in: the consent page first, in Chinese.
    partner_context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = log_in(partner_context, base, "infervision@partner.example")
    assert "/consent/" in partner.url
    assert "个人信息保护法" in partner.locator("#consent-text").inner_text()
    partner.screenshot(path=screenshots / "2-consent-in-chinese.png", full_page=True)
    partner.get_by_role("button", name="我同意").click()
    partner.wait_for_load_state()
    assert "/partner/" in partner.url
    consent = Consent.objects.get(user__email="infervision@partner.example")
    assert consent.language == "zh-hans" and "个人信息保护法" in consent.text
    tandem.goto(f"{base}/institutions/?q=infervision")
    assert "InferVision" in tandem.locator("main").inner_text()

    # The GenoCare tandem records a follow-up with BGI: a past date is refused, then saved.
    genocare = tandem
    genocare.goto(f"{base}/followups/")
    genocare.screenshot(path=screenshots / "3-follow-ups.png", full_page=True)
    genocare.select_option('select[name="counterpart"]', label="BGI Group")
    genocare.fill('textarea[name="next_step"]', "Share the anonymised dosing data set")
    genocare.fill('input[name="due_on"]', "2020-01-01")
    genocare.get_by_role("button", name="Follow-up erfassen").click()
    genocare.wait_for_load_state()
    assert "Fälligkeitsdatum liegt in der Vergangenheit" in genocare.content()
    genocare.screenshot(path=screenshots / "4-past-due-date-refused.png", full_page=True)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    genocare.fill('input[name="due_on"]', due)
    genocare.get_by_role("button", name="Follow-up erfassen").click()
    genocare.wait_for_load_state()
    assert FollowUp.objects.filter(next_step="Share the anonymised dosing data set").exists()

    # The AHK reads the pipeline of its tour and adds a note; it cannot change a stage.
    office_context = browser.new_context(viewport={"width": 1280, "height": 900})
    office = log_in(office_context, base, "ahk@office.example")
    if "/consent/" in office.url:
        office.get_by_role("button", name="Ich willige ein").click()
        office.wait_for_load_state()
    office.goto(f"{base}/pipeline/")
    assert "Share the anonymised dosing data set" in office.content()
    office.screenshot(path=screenshots / "5-office-pipeline.png", full_page=True)
    office.get_by_role("link", name="Share the anonymised dosing data set").click()
    office.wait_for_load_state()
    assert office.locator('select[name="stage"]').count() == 0
    office.fill('textarea[name="text"]', "Die AHK stellt den Kontakt zur Klinik her.")
    office.get_by_role("button", name="Notiz hinzufügen").click()
    office.wait_for_load_state()
    assert FollowUpNote.objects.filter(text__startswith="Die AHK").exists()
    office.screenshot(path=screenshots / "6-office-note.png", full_page=True)

    # The organiser exports the pipeline.
    organiser_context = browser.new_context(viewport={"width": 1280, "height": 900})
    organiser = log_in(organiser_context, base, "organiser@innohealth.example")
    organiser.goto(f"{base}/pipeline/")
    organiser.screenshot(path=screenshots / "7-organiser-pipeline.png", full_page=True)
    with organiser.expect_download() as download:
        organiser.get_by_role("link", name="Export as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert len(rows) == FollowUp.objects.count() >= 3

    # A tandem member downloads their data, then deletes the account.
    member = log_in(browser.new_context(), base, "entrepreneur5@tandem.example")
    member.goto(f"{base}/account/data/")
    member.screenshot(path=screenshots / "8-my-data.png", full_page=True)
    with member.expect_download() as download:
        member.get_by_role("link", name="Meine Daten herunterladen (JSON)").click()
    data = json.loads(download.value.path().read_text("utf-8"))
    assert data["account"]["email"] == "entrepreneur5@tandem.example"
    member.check('input[name="confirm"]')
    member.get_by_role("button", name="Mein Konto und meine Daten löschen").click()
    member.wait_for_load_state()
    assert (
        "personenbezogenen Daten sind gelöscht" in member.content() or "deleted" in member.content()
    )
    member.screenshot(path=screenshots / "9-deleted.png", full_page=True)
    assert not User.objects.filter(email="entrepreneur5@tandem.example").exists()
