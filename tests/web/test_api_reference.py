"""The API reference at /api/v1/docs: Swagger UI from the portal's build over the
gateway's own OpenAPI document, rendered under the portal's Content-Security-Policy.
A violation is caught twice: by the page's `securitypolicyviolation` events, and as the
console error that the browse fixture fails on; a request leaving the origin fails it too."""

import re

from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, axe_violations, no_sideways_scroll, screenshot

SWAGGER_UI_FINDINGS = {"color-contrast", "nested-interactive", "select-name"}
COLLECT_VIOLATIONS = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) =>
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));"""


def test_the_reference_shows_the_operations_within_the_csp(browse):
    context = browse.context(locale="en-GB")
    context.add_init_script(COLLECT_VIOLATIONS)  # injected by the browser, not inline
    page = context.new_page()
    page.goto(browse.origin + "/api/v1/docs")
    expect(page.get_by_role("heading", name=re.compile("^Kluis API"), level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^auth"), level=3)).to_be_visible()
    login = page.get_by_role("button", name=re.compile(r"^POST \/auth\/login "))
    expect(login).to_be_visible()
    login.click()
    operation = page.locator(".opblock.is-open")
    expect(operation.get_by_role("heading", name="Responses")).to_be_visible()
    expect(operation.get_by_role("heading", name=re.compile("^Request body"))).to_be_visible()
    assert page.evaluate("window.cspViolations") == []


def test_the_reference_reads_on_a_phone_and_a_desktop(browse):
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browse.context(locale="nl-NL", viewport=size)
        page = context.new_page()
        page.goto(browse.origin + "/api/v1/docs")
        expect(page.get_by_role("heading", name=re.compile("^Kluis API"), level=1)).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^POST \/auth\/login ")).click()
        expect(
            page.locator(".opblock.is-open").get_by_role("heading", name="Responses")
        ).to_be_visible()
        screenshot(page, f"api-reference-{name}")
        assert no_sideways_scroll(page), name
        # Swagger UI's own markup: pale version/URL labels and method badges, its
        # operation rows (a button in a button), its unnamed server <select>. Known and
        # left (issue #17 note); anything else axe finds fails.
        found = {violation["id"] for violation in axe_violations(page)}
        assert found <= SWAGGER_UI_FINDINGS, (name, found)
        context.close()
