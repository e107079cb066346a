"""Personas reused by every test: a tandem (Alice the researcher, Anton the entrepreneur), another
tandem (Bob), a partner institution (Chen), another institution (Olga), and an organiser (Otto)."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from matchmaking.enums import MemberRole

from . import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_redis_outage_left_over(settings):
    """A test that took Redis away leaves no outage to the next: Redis is tried again at once
    (innohealth/outage.py), unless a test sets its own REDIS_RETRY_SECONDS."""
    settings.REDIS_RETRY_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate limits in the cache (the real Redis): start every test afresh."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_start():
    """A page opened by an earlier test leaves its reader's language active; a test writes its
    content in English unless it chooses another language."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def eager_tasks():
    """Tasks run in-process, as in the embedded mode (`make run` without REDIS_URL)."""
    from innohealth.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def deliver():
    """Sends every pending outbox row in-process, as the worker would; returns what went out."""

    def send():
        from django.core import mail

        from matchmaking.models import OutboxMessage, OutboxStatus
        from matchmaking.services import outbox

        pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("pk")
        for pk in pending.values_list("pk", flat=True):
            outbox.send_message(pk)
        return mail.outbox

    return send


@pytest.fixture
def tour(db):
    return factories.TourFactory()


@pytest.fixture
def people(tour):
    tandem = factories.TandemFactory(tour=tour, name="CardioSense")
    alice = factories.TandemMemberFactory(
        tandem=tandem, role=MemberRole.RESEARCHER, user__email="alice@tandem.example"
    ).user
    anton = factories.TandemMemberFactory(
        tandem=tandem, role=MemberRole.ENTREPRENEUR, user__email="anton@tandem.example"
    ).user
    other_tandem = factories.TandemFactory(tour=tour, name="LungScan")
    bob = factories.TandemMemberFactory(tandem=other_tandem, user__email="bob@tandem.example").user
    institution = factories.InstitutionFactory(
        name="BGI Group", name_zh_hans="华大集团", tours=[tour]
    )
    chen = factories.RepresentativeFactory(
        institution=institution, user__email="chen@partner.example"
    ).user
    other_institution = factories.InstitutionFactory(name="InferVision", tours=[tour])
    olga = factories.RepresentativeFactory(
        institution=other_institution, user__email="olga@partner.example"
    ).user
    otto = factories.OrganiserFactory(email="otto@innohealth.example")
    return SimpleNamespace(
        tour=tour,
        tandem=tandem,
        alice=alice,
        anton=anton,
        other_tandem=other_tandem,
        bob=bob,
        institution=institution,
        chen=chen,
        other_institution=other_institution,
        olga=olga,
        otto=otto,
    )
