"""The embedded SQLite mode under simultaneous answers: partners of six institutions accept the
same tandem's requests at the same moment. No answer is a 500 ("database is locked"), and the
tandem ends with six meetings in six different slots."""

import sqlite3
import threading
from pathlib import Path

from .conftest import Browser, Portal, csrf_token, last_json_line, manage

INSTITUTIONS = 6

# A fresh database; one tandem asks six institutions; each representative gets a logged-in
# session.
FIXTURE = f"""
import json
from django.core.management import call_command
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from matchmaking.enums import Direction
from matchmaking.services import requests as request_services
from tests import factories

def logged_in(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key

call_command("migrate", verbosity=0)
tour = factories.TourFactory()
tandem = factories.TandemFactory(tour=tour)
alice = factories.TandemMemberFactory(tandem=tandem, user__password=None).user
answers = []
for n in range({INSTITUTIONS}):
    institution = factories.InstitutionFactory(tours=[tour])
    partner = factories.RepresentativeFactory(institution=institution, user__password=None).user
    request = request_services.request_meeting(
        actor=alice, tandem=tandem, institution=institution,
        direction=Direction.TANDEM_TO_INSTITUTION, message="Hello",
    )
    answers.append({{"request": request.pk, "session": logged_in(partner)}})
print(json.dumps({{"tandem": tandem.pk, "answers": answers}}))
"""


def test_simultaneous_answers_in_sqlite_mode_are_all_taken_and_the_schedule_holds(
    portal_env, tmp_path
):
    fixture = last_json_line(manage(portal_env, "shell", "-c", FIXTURE))
    portal = Portal(portal_env, tmp_path / "portal.log")
    try:
        start = threading.Barrier(INSTITUTIONS)
        results = {}

        def answer(item):
            browser = Browser(portal, item["session"])
            page = f"/requests/{item['request']}/"
            status, body, _headers = browser.get(page)  # the page the answer is given on
            assert status == 200, body
            start.wait(timeout=30)
            results[item["request"]] = browser.post(
                f"{page}accept/", {"start": ""}, csrf_token(body)
            )

        threads = [threading.Thread(target=answer, args=(item,)) for item in fixture["answers"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        portal.stop()

    statuses = sorted(status for status, _body, _headers in results.values())
    assert statuses == [302] * INSTITUTIONS, portal.log()
    assert "database is locked" not in portal.log()
    with sqlite3.connect(Path(portal_env["INNOHEALTH_VAR_DIR"]) / "db.sqlite3") as db:
        starts = [
            start
            for [start] in db.execute(
                "SELECT m.starts_at FROM matchmaking_meeting m"
                " JOIN matchmaking_meetingrequest r ON m.request_id = r.id WHERE r.tandem_id = ?",
                [fixture["tandem"]],
            )
        ]
        accepted = db.execute(
            "SELECT count(*) FROM matchmaking_meetingrequest WHERE status = 'accepted'"
        ).fetchone()[0]
    assert accepted == INSTITUTIONS
    assert len(starts) == len(set(starts)) == INSTITUTIONS
