"""Browser tests: the app on a live server, Debian's Chromium driven by Playwright, axe scans.

Chromium is Debian's ``/usr/bin/chromium``; Playwright's own browser downloads are never used
(never run ``playwright install``). Without it the browser tests are skipped with a message,
except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the factories that set up data
# in that same thread are plain synchronous ORM calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is not installed (Debian package 'chromium'); browser tests need it."
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context per test; fails the test on any script error or CSP violation."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        # An error page's own status is expected; anything else (a CSP refusal, a missing
        # stylesheet or script) is a defect.
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        problems.append(f"console error on {page.url}: {message.text} ({message.location.get('url')})")

    page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))
    page.on("console", on_console)
    yield page
    context.close()
    assert problems == [], "\n".join(problems)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        lines.extend(f"    at {node['target']}: {node.get('failureSummary', '')}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """Fail on any serious or critical axe violation on the page as it is now; print them all."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    blocking = [violation for violation in violations if violation.get("impact") in BLOCKING_IMPACTS]
    if violations:
        print(f"axe on {page.url}:\n{format_violations(violations)}")
    assert not blocking, f"axe found serious or critical violations on {page.url}:\n{format_violations(blocking)}"
