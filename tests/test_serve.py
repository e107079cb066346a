"""`make serve` as an operator runs it: from a fresh clone, against a fresh PostgreSQL database,
behind a TLS proxy (imitated by the X-Forwarded-Proto header the proxy sets)."""

import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innohealth")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def admin_connection():
    """A connection to the server's maintenance database, to create and drop databases."""
    parts = urllib.parse.urlsplit(SERVER_URL)
    return psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of the current commit, sharing this checkout's virtualenv to stay fast."""
    folder = tmp_path_factory.mktemp("serve") / "innohealth"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
    return folder


@pytest.fixture(scope="module")
def database_url():
    name = f"innohealth_serve_{secrets.token_hex(4)}"
    with admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(SERVER_URL)
    yield parts._replace(path=f"/{name}").geturl()
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, port: int) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    return keep | {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    """GET or POST as through the TLS proxy; answers (status, headers, body) without following."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1 of the test
        url, data=data, headers={"X-Forwarded-Proto": "https"}
    )
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def serving(clone, database_url):
    """(the portal's address, the `make serve` process)."""
    port = free_port()
    process = subprocess.Popen(
        ["make", "serve"],
        cwd=clone,
        env=production_env(database_url, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            fetch(f"{base}/healthz")
            break
        except OSError:
            time.sleep(0.5)
    else:
        pytest.fail("make serve did not answer within 240 s")
    yield base, process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(serving):
    return serving[0]


def log_in(base: str, email: str, password: str) -> tuple[int, str]:
    """The login form fetched and sent as a browser behind the proxy would: (status, page)."""
    status, headers, page = fetch(f"{base}/accounts/login/")
    assert status == 200
    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("__Host-csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"login": email, "password": password, "csrfmiddlewaretoken": token}
    status, _, page = fetch(
        f"{base}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={
            "Cookie": cookie.split(";")[0],
            "Origin": base.replace("http://", "https://"),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return status, page


def test_make_serve_serves_pages_and_static_files_under_a_strict_policy(server):
    status, headers, page = fetch(f"{server}/")
    assert status == 200
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert "http" not in str(policy) and "unsafe" not in str(policy)
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = headers.get_all("Set-Cookie")
    assert any(
        c.startswith("__Host-csrftoken=") and "Secure" in c and "Path=/" in c for c in cookies
    )
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, css = fetch(f"{server}{stylesheet}")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in headers["Cache-Control"]
    status, _, login = fetch(f"{server}/admin/login/")
    assert status == 302
    status, _, _ = fetch(f"{server}/static/admin/js/core.js")
    assert status == 200


def test_make_serve_never_loads_the_demo(server, database_url):
    with psycopg.connect(database_url) as connection:
        users, tours = connection.execute(
            "SELECT (SELECT count(*) FROM matchmaking_user), (SELECT count(*) FROM matchmaking_tour)"
        ).fetchone()
    assert (users, tours) == (0, 0)
    status, page = log_in(server, "admin@innohealth.example", "innohealth-demo-2027")
    assert status == 200  # the form again, with its error: no such account
    assert "not correct" in page


def _memory_of_workers(server_process) -> dict[int, tuple[int, int]]:
    """pid → (resident, peak resident) in KiB of every process under ``server_process``."""
    status = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        status[int(pid)] = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    ours, grown = {server_process.pid}, True
    while grown:
        grown = False
        for pid, fields in status.items():
            if int(fields["PPid"]) in ours and pid not in ours:
                ours.add(pid)
                grown = True
    return {
        pid: (int(status[pid]["VmRSS"].split()[0]), int(status[pid]["VmHWM"].split()[0]))
        for pid in ours
        if pid in status and status[pid]["Name"].strip() == "gunicorn"
    }


def test_a_workers_password_hashing_memory_is_given_back(serving):
    """Each log-in attempt hashes with Argon2 in 19 MiB (for an unknown address too, so that
    it takes as long); a worker gives that memory back (scripts/serve.sh) instead of keeping it."""
    base, process = serving
    for attempt in range(6):
        status, _page = log_in(base, f"nobody-{attempt}@innohealth.example", "not a password")
        assert status == 200
    memory = _memory_of_workers(process)
    assert memory and all(resident < 150 * 1024 for resident, _peak in memory.values()), memory
    given_back = [peak - resident for resident, peak in memory.values()]
    assert max(given_back) >= 15 * 1024, memory


@pytest.mark.parametrize(
    ("unset", "override", "named"),
    [
        ("DJANGO_SECRET_KEY", {}, "DJANGO_SECRET_KEY"),
        ("DJANGO_ALLOWED_HOSTS", {}, "DJANGO_ALLOWED_HOSTS"),
        (None, {"DATABASE_URL": "sqlite:///var/db.sqlite3"}, "PostgreSQL"),
    ],
)
def test_make_serve_refuses_to_start_without_its_settings(clone, unset, override, named):
    env = production_env(SERVER_URL, free_port()) | override
    env.pop(unset, None)
    result = subprocess.run(
        ["make", "serve"], cwd=clone, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert named in result.stderr
