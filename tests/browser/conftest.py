"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Run them alone with `pytest -m browser`. Without Chromium at CHROMIUM they are skipped,
with the reason shown in the summary; they never pass without running.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import FIXTURE_FILES

# CHROMIUM_PATH points elsewhere, for a machine whose Chromium lives somewhere else.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"phone": 360, "desktop": 1280}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright (needs Chromium)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.fspath).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the shipped content loaded."""
    call_command("loaddata", *FIXTURE_FILES, verbosity=0)
    return live_server.url


@pytest.fixture
def chromium(site):
    """A headless Chromium, started after the content is loaded and closed before it is flushed.

    Playwright's synchronous API runs an event loop in this thread, and Django refuses
    database work while one runs, so the browser must not outlive the test body.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def page(request, chromium):
    """A page at phone or desktop width."""
    width = WIDTHS[request.param]
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.width_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
