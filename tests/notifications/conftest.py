"""A local SMTP sink (aiosmtpd) and a real Celery worker on the real Redis for the e-mail tests."""

import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.test import override_settings

from matchmaking.models import OutboxMessage, OutboxStatus

ROOT = Path(__file__).resolve().parents[2]
REJECTED_PREFIX = "bounce"
CLOSED_REDIS = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


class Sink:
    """Collects every message the SMTP server accepts; refuses recipients starting with
    ``bounce`` with a permanent error, to exercise retries."""

    def __init__(self):
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        # Called while a message is being taken, before the sender hears "accepted".
        self.on_data = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith(REJECTED_PREFIX):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.on_data:
            self.on_data()
        with self.lock:
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted"

    def clear(self):
        self.on_data = None
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_sink_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def smtp_sink(smtp_sink_server, settings):
    """The sink, with this process's Django sending to it over real SMTP."""
    sink, port = smtp_sink_server
    sink.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield sink
    sink.clear()


def database_url(settings_dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def worker_env(django_db_setup, smtp_sink_server) -> dict[str, str]:
    """The environment of a worker on the test database, the test Redis db, a queue of this
    session's own (so a parallel session never takes its tasks) and the SMTP sink, with fast
    retries so the failure path finishes within a test."""
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL (the real Redis).")
    _sink, port = smtp_sink_server
    return {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": f"tests-{socket.gethostname()}-{os.getpid()}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "OUTBOX_RETRY_BASE_SECONDS": "0.2",
        "OUTBOX_DATABASE_RETRY_SECONDS": "1",
        "OUTBOX_MAX_ATTEMPTS": "3",
        "LOG_LEVEL": "WARNING",
    }


def start_worker(env: dict[str, str], name: str) -> subprocess.Popen:
    """``celery -A innohealth worker -P solo``, returned once it is ready."""
    log_path = ROOT / "var" / f"test-worker-{name}-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "innohealth",
                "worker",
                "-P",
                "solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while "ready." not in log_path.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"The Celery worker did not start; see {log_path}")
        time.sleep(0.1)
    worker.log_path = log_path
    return worker


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    worker.wait(timeout=10)
    worker.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def celery_worker(worker_env):
    """The worker every test of test_worker.py runs beside; this process queues to its queue."""
    from innohealth.celery import app

    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = worker_env["CELERY_QUEUE"]
    worker = start_worker(worker_env, "session")
    yield worker
    stop_worker(worker)
    app.conf.task_default_queue = saved_queue


def wait_until(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def settled() -> bool:
    return not OutboxMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
    ).exists()


@contextmanager
def redis_at(url: str):
    """This process's cache and Celery broker use the Redis at ``url``; the workers and the
    other tests keep theirs."""
    from innohealth.celery import app

    saved = app._pool, app.amqp._producer_pool, app.conf.broker_url
    app._pool, app.amqp._producer_pool, app.conf.broker_url = None, None, url
    cache = {**django_settings.CACHES["default"], "LOCATION": url}
    try:
        with override_settings(CACHES={"default": cache}):
            yield
    finally:
        # Not closed: kombu keeps the pools per address for the whole process.
        app._pool, app.amqp._producer_pool, app.conf.broker_url = saved


class PrivateRedis:
    """A redis-server of the test's own, to stop or freeze without touching the shared one."""

    def __init__(self):
        port = _free_port()
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_until(lambda: self._answers(client), timeout=10)
        client.close()

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        self.thaw()
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    yield server
    server.stop()
