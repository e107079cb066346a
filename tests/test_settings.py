import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k7#Qp2!vLz9@wX4$rT6^yU8&iO0*pA1(sD3)fG5-hJ7_kL9+zX2=cV4",
    "DJANGO_ALLOWED_HOSTS": "matchmaking.example.org",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    """``manage.py`` in a process of its own, so the settings are read afresh from ``env``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_check_deploy_without_warnings():
    env = os.environ | PRODUCTION
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"} | {"DJANGO_DEBUG": "0"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_without_servers_the_portal_runs_embedded(tmp_path):
    """`make run` on a machine with no PostgreSQL or Redis: SQLite, tasks in-process, mail to files."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["INNOHEALTH_VAR_DIR"] = str(tmp_path)
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    engine, eager, backend, mail_path = result.stdout.split()[-4:]
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert backend.endswith("filebased.EmailBackend")
    assert mail_path == str(tmp_path / "mail")


def test_load_demo_refuses_in_production_unless_told():
    env = os.environ | PRODUCTION
    result = manage("load_demo", env=env)
    assert result.returncode != 0
    assert "--i-know-this-is-production" in result.stderr


def test_production_has_host_cookies_persistent_checked_connections_and_staff_mfa():
    env = os.environ | PRODUCTION
    code = (
        "from django.conf import settings as s;"
        "db = s.DATABASES['default'];"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_DOMAIN,"
        " s.SESSION_COOKIE_PATH, db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'],"
        " s.INNOHEALTH_REQUIRE_STAFF_MFA)"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-7:] == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "None",
        "/",
        "60",
        "True",
        "True",
    ]


def test_site_url_follows_the_port_and_sentry_starts_only_with_a_dsn():
    code = (
        "import sentry_sdk; from django.conf import settings as s;"
        "print(s.SITE_URL, sentry_sdk.get_client().is_active())"
    )

    def run(**extra):
        env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SENTRY_DSN")}
        result = manage("shell", "-c", code, env=env | {"PORT": "8123"} | extra)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()[-2:]

    assert run() == ["http://127.0.0.1:8123", "False"]
    assert run(SENTRY_DSN="https://public@127.0.0.1:9/1") == ["http://127.0.0.1:8123", "True"]


def test_templates_are_compiled_once_per_process():
    """Django's cached loader: a page renders its templates without reading and parsing them
    again (the default when no loaders are named, which settings.py keeps)."""
    from django.template import engines
    from django.template.loaders.cached import Loader

    assert isinstance(engines["django"].engine.template_loaders[0], Loader)
