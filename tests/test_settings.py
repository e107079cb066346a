import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_production_mode_passes_check_deploy_without_warnings():
    env = os.environ | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k7#Qp2!vLz9@wX4$rT6^yU8&iO0*pA1(sD3)fG5-hJ7_kL9+zX2=cV4",
        "DJANGO_ALLOWED_HOSTS": "matchmaking.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"} | {"DJANGO_DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
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
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    engine, eager, backend, mail_path = result.stdout.split()[-4:]
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert backend.endswith("filebased.EmailBackend")
    assert mail_path == str(tmp_path / "mail")
