"""`manage.py schedule_meetings`: report, dry run, confirmation, --yes, bad slug."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from matchmaking.models import ActivityLog, Meeting

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(people):
    return [
        factories.AcceptedRequestFactory(tandem=tandem, institution=people.institution)
        for tandem in (people.tandem, people.other_tandem)
    ]


def run(*args, answer=None, monkeypatch=None):
    if answer is not None:
        monkeypatch.setattr("builtins.input", lambda prompt: answer)
    out = io.StringIO()
    call_command("schedule_meetings", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_report_and_saves_nothing(people, waiting):
    output = run("--tour", people.tour.slug, "--time-limit", "5", "--dry-run")
    assert "Placed: 2 of at most 2 (proven optimal)" in output
    assert "CardioSense ↔ BGI Group" in output and "LungScan ↔ BGI Group" in output
    # Each time in both home zones: Shanghai is seven hours ahead of Berlin in March 2027.
    times = re.findall(r"2027-03-2\d (\d\d):(\d\d) Berlin / (\d\d):(\d\d) Shanghai", output)
    assert len(times) == 2
    assert all((int(bh) + 7, bm) == (int(sh), sm) for bh, bm, sh, sm in times)
    assert "Dry run: nothing was saved." in output
    assert not Meeting.objects.exists()


def test_yes_saves_without_asking(people, waiting, monkeypatch):
    def no_questions(prompt):
        raise AssertionError("asked although --yes was given")

    monkeypatch.setattr("builtins.input", no_questions)
    output = run("--tour", people.tour.slug, "--time-limit", "5", "--yes")
    assert "Saved: 2 new meetings" in output
    assert Meeting.objects.filter(request__in=waiting).count() == 2
    # The command line acts as the system: logged without a person.
    assert ActivityLog.objects.filter(action="schedule", actor=None, actor_name="").count() == 2


@pytest.mark.parametrize(("answer", "saved"), [("y", 2), ("no", 0), ("", 0)])
def test_it_asks_before_saving(people, waiting, monkeypatch, answer, saved):
    output = run(
        "--tour", people.tour.slug, "--time-limit", "5", answer=answer, monkeypatch=monkeypatch
    )
    assert Meeting.objects.count() == saved
    assert ("Nothing was saved." in output) is (saved == 0)


def test_without_an_answer_it_stops_with_a_clear_error(people, waiting, monkeypatch):
    def closed_stdin(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", closed_stdin)
    with pytest.raises(CommandError, match="--yes"):
        run("--tour", people.tour.slug, "--time-limit", "5")
    assert not Meeting.objects.exists()


def test_a_bad_slug_is_a_clear_error(people):
    with pytest.raises(CommandError, match=r"no tour with the slug 'nope'.*" + people.tour.slug):
        run("--tour", "nope", "--dry-run")


def test_a_bad_time_limit_is_a_clear_error(people):
    with pytest.raises(CommandError, match="time limit"):
        run("--tour", people.tour.slug, "--time-limit", "-1", "--dry-run")
