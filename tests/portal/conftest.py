import zoneinfo
from datetime import UTC, datetime

import pytest

from matchmaking.services.requests import accept_request, request_meeting

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=BERLIN)


def slot_value(moment: datetime) -> str:
    """How the forms name a slot: its start in UTC."""
    return moment.astimezone(UTC).isoformat()


@pytest.fixture
def ask():
    """A request as the service writes it: by default Alice's tandem asks Chen's institution."""

    def make(people, *, tandem=None, institution=None, by=None, message="Shall we meet?", **kw):
        return request_meeting(
            actor=by or people.alice,
            tandem=tandem or people.tandem,
            institution=institution or people.institution,
            direction=kw.pop("direction", "tandem_to_institution"),
            message=message,
            **kw,
        )

    return make


@pytest.fixture
def meeting(people, ask):
    """CardioSense meets BGI Group at 09:00 Berlin on the first day."""
    request = ask(people)
    accept_request(actor=people.chen, request=request, start=berlin(22, 9))
    return request.meeting


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
