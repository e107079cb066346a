import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

# live_server runs Django in a thread of this process; Playwright's sync API runs an event loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
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
