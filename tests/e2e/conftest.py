from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connections

from matchmaking.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def log_in(context, base, email):
    """A new page of ``context``, logged in as the demo account ``email`` through the portal."""
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_load_state()
    return page


@pytest.fixture
def _allow_orm_beside_playwright(monkeypatch):
    """live_server runs Django in a thread of this process while Playwright's sync API runs an
    event loop. Only for these tests: other tests start `manage.py check --deploy`, which must
    not inherit the variable."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(_allow_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        # While Playwright's loop runs, the test's own queries use a connection that pytest-django
        # does not see; close it here or the test database cannot be dropped at the end.
        connections.close_all()
        chromium.close()


@pytest.fixture
def screenshots(request):
    """A folder for this run's screenshots; its path is printed so a person can look."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = (
        Path(__file__).resolve().parents[2] / "var" / "screenshots" / f"{stamp}-{request.node.name}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nScreenshots: {folder}")
    return folder
