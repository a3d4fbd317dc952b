"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live
server. Jobs run inline there (test settings use django-q2 sync mode)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (scripts/test.sh does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright's sync API refuses to run inside a running asyncio loop; Django's async-unsafe
    # check would also trip on the ORM from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 860},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    # Every browser test also checks the Content-Security-Policy: anything it refuses (an inline
    # script or style, a foreign source) is logged by Chromium and fails the test.
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_violations = violations
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        os.makedirs("/tmp/e2e-failures", exist_ok=True)
        page.screenshot(path=f"/tmp/e2e-failures/{request.node.name}.png", full_page=True)
    context.close()
    assert not violations, f"Content-Security-Policy refused: {violations}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
