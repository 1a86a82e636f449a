"""Browser fixtures: Debian's Chromium driven by Playwright, with an axe check helper.

Never downloads a browser: when /usr/bin/chromium is missing the browser tests are skipped
with a message saying how to install it (`make test` installs it when run as root).
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

CHROMIUM = Path(os.environ.get("MESHUTAF_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by the test
# itself, not by the live server) must be allowed to run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install it with 'apt-get install chromium' "
            "to run the browser tests."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watch_policy(page, refusals: list[str]) -> None:
    """Collect what the browser refused under the Content-Security-Policy (inline scripts,
    handlers, eval), so a test fails when a page of ours needs what the policy forbids."""

    def on_console(message) -> None:
        text = message.text
        # A third-party image refused (Redoc's "powered by" logo from its CDN) is the policy
        # keeping a reader's visit private, not a page of ours that broke.
        if text.startswith("Loading the image 'https://"):
            return
        if message.type == "error" and "Content Security Policy" in text:
            refusals.append(f"{page.url}: {text}")

    page.on("console", on_console)


@pytest.fixture
def page_for(browser, live_server):
    """Open pages in a fresh browser context with the given browser language. The test fails
    if any page it opened broke the Content-Security-Policy."""
    contexts = []
    refusals: list[str] = []

    def open_page(locale: str = "he-IL"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        watch_policy(page, refusals)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not refusals, "\n".join(refusals)


_axe = Axe()


def assert_accessible(page) -> None:
    """Run axe-core on the page; fail with its report when it finds violations."""
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


SCREENSHOTS = Path(settings.DATA_DIR) / "screenshots"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
