"""A portal in a process of its own (runserver), with its own database, for the fault tests."""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from ..notifications.conftest import _free_port as free_port

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def fetch(port: int, method: str, path: str, body: bytes = b"", headers=None, timeout=30.0):
    """One request to the portal: (status, body, headers); redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(), response.headers
    finally:
        connection.close()


class Portal:
    """``manage.py runserver`` on a free port, logging to a file: a thread per request, or with
    ``threads=False`` one request after the other in one thread that keeps its database
    connection (like a gunicorn sync worker with ``DATABASE_CONN_MAX_AGE``)."""

    def __init__(self, env: dict[str, str], log_path: Path, threads: bool = True):
        self.port = free_port()
        self.log_path = log_path
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                command if threads else [*command, "--nothreading"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"The portal did not start:\n{log_path.read_text()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            return fetch(self.port, "GET", "/healthz", timeout=1)[0] == 200
        except OSError:
            return False

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Browser:
    """One person's cookies, to start with the session key of a logged-in user."""

    def __init__(self, portal: Portal, session_key: str = "", cookie_name: str = "sessionid"):
        self.port = portal.port
        self.cookies = {cookie_name: session_key} if session_key else {}

    def _send(self, method: str, path: str, body: bytes = b"", headers=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, text, answer = fetch(
            self.port, method, path, body, {"Cookie": cookie, **(headers or {})}
        )
        for set_cookie in answer.get_all("Set-Cookie") or []:
            name, _, value = set_cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return status, text, answer

    def get(self, path: str):
        return self._send("GET", path)

    def post(self, path: str, data: dict, token: str):
        """POST a form as a browser does, with the CSRF token of the page it was on."""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self._send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def last_json_line(output: str):
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def portal_env(tmp_path) -> dict[str, str]:
    """The embedded mode's environment: no DATABASE_URL or REDIS_URL of the test run."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(INNOHEALTH_VAR_DIR=str(tmp_path), LOG_LEVEL="WARNING", DJANGO_DEBUG="1")
    return env


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own in a temporary directory, to stop and start under
    load without touching the machine's server. initdb refuses root: it runs as ``postgres``."""

    def __init__(self):
        bin_dir = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        self.pg_ctl = str(bin_dir / "pg_ctl")
        # Directly in /tmp, which the postgres user can reach (pytest's own is root's alone).
        self.directory = directory = Path(tempfile.mkdtemp(prefix="innohealth-postgres-"))
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        self._as_postgres(
            str(bin_dir / "initdb"),
            "--pgdata",
            str(directory / "data"),
            "--auth",
            "trust",
            "--username",
            "postgres",
            "--no-sync",
        )
        self.start()

    def _as_postgres(self, *command: str) -> None:
        as_postgres = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        done = subprocess.run(
            [*as_postgres, *command], capture_output=True, text=True, timeout=60, cwd="/"
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._as_postgres(
            self.pg_ctl, action, "--pgdata", str(self.directory / "data"), "--wait", *options
        )

    def start(self) -> None:
        self._pg_ctl(
            "start",
            "--log",
            str(self.directory / "server.log"),
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
        )

    def stop(self) -> None:
        self._pg_ctl("stop", "--mode", "fast")


@pytest.fixture(scope="module")
def private_postgres():
    """Stopped and removed as soon as the tests of the module are done."""
    server = PrivatePostgres()
    yield server
    server.stop()
    shutil.rmtree(server.directory)
