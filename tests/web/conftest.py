"""The portal in a real Chromium (Debian's, driven by playwright), against whole Kluis
systems. Every test gets its own browser context; at its end the context must have seen
no console error, no uncaught exception and no request to another origin.

Controls are found by role and visible name, as a person finds them."""

import json
import re
import shutil
from pathlib import Path

import pytest
import requests

from deploy import web
from tests.systems import Kluis, start_system, verify_audit_file

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=Translate,MediaRouter",
]
AXE = Path(web.WEB) / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(__file__).resolve().parents[2] / "tmp" / "screenshots"


@pytest.fixture(scope="session")
def portal_build():
    """The portal as `make run` serves it: built from the sources when they changed."""
    try:
        web.build()
    except web.BuildFailed as failure:
        pytest.fail(str(failure))
    return web.DIST


@pytest.fixture(scope="session")
def browser(portal_build):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: apt-get install -y chromium (.ci/run does)"
    )
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def idle_kluis(tmp_path_factory, vhosts):
    """A system with a short idle timeout: the warning after 4 s, the end after 12 s."""
    system = start_system(
        tmp_path_factory,
        vhosts,
        "web-idle",
        SESSION_IDLE_TIMEOUT_S="12",
        SESSION_WARNING_S="8",
        IDENTIFY_MISSES_PER_HOUR="1000",
    )
    yield Kluis(system)
    system.stop_all()


# GET /me/export answers 404 while the client has asked for no export: Mijn gegevens
# reads it on every visit.
NONE_YET = "/api/v1/me/export"


class Watch:
    """What a browser context did that it should not have: console errors, uncaught
    exceptions, requests that left the origin."""

    def __init__(self, origin):
        self.origin = origin
        self.errors = []
        self.foreign = []
        self.expected_failures = []  # API answers a test provokes on purpose (401, 413...)
        self.optional_failures = []

    def expect_failure(self, status, optional=False):
        """A test that provokes an error answer (a status, or a network error's text)
        says so: the browser logs each one. `optional` when it may or may not come."""
        (self.optional_failures if optional else self.expected_failures).append(status)

    def on_console(self, message):
        if message.type != "error":
            return
        text = message.text
        match = re.search(r"status of (\d{3})", text)
        failed = "Failed to load resource" in text
        if failed and (message.location or {}).get("url", "").endswith(NONE_YET):
            return  # an answer that means "none yet", not a failure (docs/api.md)
        status = int(match.group(1)) if match and failed else None
        for expected in (self.expected_failures, self.optional_failures):
            for item in expected:
                if item == status or (failed and isinstance(item, str) and item in text):
                    expected.remove(item)
                    return
        self.errors.append(f"console: {text}")

    def on_route(self, route):
        url = route.request.url
        if url.startswith(self.origin + "/") or url == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


class Browse:
    """Opens pages of one system in fresh contexts, watched."""

    def __init__(self, browser, kluis):
        self.browser = browser
        self.kluis = kluis
        self.origin = kluis.system.env["KLUIS_PUBLIC_URL"].rstrip("/")
        self.contexts = []

    def context(self, locale="nl-NL", viewport=None, user_agent=None):
        options = {"locale": locale, "viewport": viewport or DESKTOP, "accept_downloads": True}
        if user_agent:
            options["user_agent"] = user_agent
        context = self.browser.new_context(**options)
        context.set_default_timeout(15_000)
        watch = Watch(self.origin)
        context.route("**/*", watch.on_route)
        context.on("page", lambda page: self._watch_page(page, watch))
        self.contexts.append((context, watch))
        return context

    def _watch_page(self, page, watch):
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.errors.append(f"exception: {error}"))

    def page(self, path="/", **options):
        context = self.context(**options)
        page = context.new_page()
        page.goto(self.origin + path)
        return page

    def watch_of(self, page):
        return next(watch for context, watch in self.contexts if context == page.context)

    def close(self):
        problems = []
        for context, watch in self.contexts:
            problems += watch.errors + [f"left the origin: {url}" for url in watch.foreign]
            problems += [
                f"an expected {status} answer never came" for status in watch.expected_failures
            ]
            context.close()
        assert problems == [], "\n".join(problems)


@pytest.fixture
def browse(browser, kluis):
    session = Browse(browser, kluis)
    yield session
    session.close()


@pytest.fixture
def idle_browse(browser, idle_kluis):
    session = Browse(browser, idle_kluis)
    yield session
    session.close()


def axe_violations(page, serious_only=True):
    """axe-core (from web/node_modules) on the page as it is now, open dialogs included:
    WCAG 2.1 A and AA. -> the serious and critical violations."""
    page.evaluate(AXE.read_text())  # evaluated by the browser's devtools: CSP stays on
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    found = [
        v
        for v in result["violations"]
        if not serious_only or v["impact"] in ("serious", "critical")
    ]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in found
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page, name):
    """For people to look at (tmp/screenshots, not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def downloaded_trail_verifies(browse, page, button, tmp_path):
    """Clicks `button`, saves the signed audit file it downloads and checks it with the
    verify command in a process of its own, given only the file and the public key that
    anyone may fetch. -> the verifier's output (it exited 0)."""
    with page.expect_download() as started:
        button.click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    key = tmp_path / "audit-key.pem"
    answer = requests.get(f"{browse.origin}/api/v1/audit/public-key", timeout=10)
    key.write_text(answer.text)
    code, output = verify_audit_file(saved, key)
    assert code == 0, output
    return output
