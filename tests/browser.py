"""Playwright driving Debian's Chromium: shared launch settings and fixtures for browser tests."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium(live_server):
    """The browser, closed before the live server stops (it asks for it first): the server
    threads still holding its open connections would otherwise close them after the
    server's shared in-memory database was handed back."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server):
    """The live server with the demo content `make run` shows."""
    from articles import demo

    demo.load(domain=live_server.url.removeprefix("http://"))
    return live_server


@pytest.fixture
def page_errors():
    return []


def open_page(chromium, viewport, errors, bypass_csp=False):
    """A fresh page that records console errors (CSP violations included) and failed
    requests into `errors`. `bypass_csp` lets a test inject a checker such as axe-core."""
    context = chromium.new_context(viewport=viewport, bypass_csp=bypass_csp)
    page = context.new_page()

    def on_console(message):
        # A 4xx sub-resource is reported below with its URL; the page's own status is the
        # test's business (a 404 page is meant to answer 404).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "requestfailed",
        # A navigation cancels the page's pending loads (lazy images): not a failure.
        lambda req: req.failure != "net::ERR_ABORTED" and errors.append(f"failed: {req.url}"),
    )
    page.on("response", on_response)
    return page


def admin_ready(page):
    """Wait until the admin page's scripts have set up its widgets: Django's admin binds
    them (the lookup popups among them) in jQuery ready handlers, which may run after the
    elements are on the page. A person is never that quick; a test is."""
    page.wait_for_function("() => window.django && django.jQuery && django.jQuery.isReady")
    # jQuery 3 runs each ready handler in a timer of its own, queued when the page became
    # ready: one queued now runs after them.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


def wait_until(page, expression, seconds=5.0):
    """Wait, at most ``seconds``, until ``expression`` is true in the page. Unlike
    wait_for_function, whose polling evaluates a string in the page itself, this never
    runs into the site's Content-Security-Policy, which forbids eval."""
    for _ in range(int(seconds / 0.05)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    assert page.evaluate(expression), f"still false after {seconds} s: {expression}"


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


NODE_TOOLS = Path(__file__).resolve().parent.parent / "var" / "node-tools" / "node_modules"
AXE = NODE_TOOLS / "axe-core" / "axe.min.js"
VNU = NODE_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page; return the serious and critical violations."""
    if not AXE.exists():
        raise RuntimeError("axe-core is missing: run `make test-browser` (it installs it).")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]
