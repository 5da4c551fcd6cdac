"""The API reference at /api/v1/docs: Swagger UI from the portal's build over the
gateway's own OpenAPI document, rendered under the portal's Content-Security-Policy.
A violation is caught twice: by the page's `securitypolicyviolation` events, and as the
console error that the browse fixture fails on; a request leaving the origin fails it too."""
import re

from playwright.sync_api import expect

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
