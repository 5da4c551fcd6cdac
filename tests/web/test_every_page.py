"""Every page of the client's area, in English and in Dutch, on a phone and on a desktop:
one h1 naming it, no sideways scrolling at 375 px, no serious or critical axe finding,
the portal's version in the footer, the security headers on the HTML."""
import re

import pytest
import requests
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, assert_accessible, no_sideways_scroll, screenshot
from .scenario import Case
from .test_login import log_in

ENGLISH = {"/": "Home", "/dossiers": "Files", "/actions": "Actions", "/products": "My products",
           "/my-details": "My details", "/my-details/audit": "Who looked at my data"}
DUTCH = {"/": "Home", "/dossiers": "Dossiers", "/actions": "Acties",
         "/products": "Mijn producten", "/my-details": "Mijn gegevens",
         "/my-details/audit": "Wie heeft mijn gegevens bekeken"}


def full_case(kluis, language):
    case = Case(kluis, name="Emma Clark" if language == "en" else "Jan Jansen",
                language=language, kind="company")
    case.activate()
    case.login_api()
    dossier = case.dossier(number="2026-100", description="Mortgage Canal Street 4")
    case.document(dossier["id"], "Mortgage offer")
    case.document(dossier["id"], "Letter", category="correspondence")
    case.message(dossier["id"], "Welcome", "Here we share the papers.")
    case.request(dossier["id"], "Payslip")
    questionnaire = case.questionnaire(dossier["id"])
    signing = case.offer_for_signing(dossier["id"], title="Purchase agreement")
    case.product(kind="mortgage", provider="ING", amount_cents=30000000)
    case.application(30000000, lender="ING")
    return case, {"dossier": f"/dossiers/{dossier['id']}",
                  "messages": f"/dossiers/{dossier['id']}?tab=messages",
                  "requests": f"/dossiers/{dossier['id']}?tab=requests",
                  "signing": f"/dossiers/{dossier['id']}?tab=signing",
                  "new message": f"/dossiers/{dossier['id']}/messages/new",
                  "questionnaire": f"/questionnaires/{questionnaire['id']}",
                  "sign": f"/signing/{signing['id']}"}


@pytest.mark.parametrize("language,titles", [("en", ENGLISH), ("nl", DUTCH)])
def test_every_page_on_a_phone_and_a_desktop(browse, kluis, language, titles):
    case, more = full_case(kluis, language)
    locale = "en-GB" if language == "en" else "nl-NL"
    page = browse.page("/login", locale=locale, viewport=PHONE)
    log_in(page, case.email, english=language == "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    pages = [(path.strip("/").replace("/", "-") or "home", path, title)
             for path, title in titles.items()] + \
        [(name.replace(" ", "-"), path, None) for name, path in more.items()]
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for name, path, title in pages:
            page.goto(browse.origin + path)
            heading = page.get_by_role("heading", level=1)
            expect(heading).to_have_count(1)
            if title:
                expect(heading).to_have_text(title)
            else:
                expect(heading).not_to_have_text("")
            page.wait_for_load_state("networkidle")
            assert no_sideways_scroll(page), f"{path} scrolls sideways at {viewport}"
            assert_accessible(page)
            expect(page.get_by_role("contentinfo")).to_contain_text(
                re.compile(r"(portal version|portaalversie) \d+\.\d+\.\d+"))
            if viewport == PHONE and language == "en":
                screenshot(page, f"every-{name}-phone-en")
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_the_html_comes_with_strict_headers_and_client_routes_get_the_page(kluis):
    origin = kluis.system.env["KLUIS_PUBLIC_URL"].rstrip("/")
    for path in ("/", "/activate", "/dossiers/abc?tab=messages", "/set-password"):
        response = requests.get(origin + path, timeout=10)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].startswith("text/html")
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert '<div id="app">' in response.text
        scripts = re.findall(r"<script[^>]*>", response.text)
        assert scripts and all('src="/assets/' in tag for tag in scripts)  # nothing inline
    asset = re.search(r'src="(/assets/[^"]+\.js)"', requests.get(origin, timeout=10).text)
    bundle = requests.get(origin + asset.group(1), timeout=10)
    assert bundle.status_code == 200 and "immutable" in bundle.headers["Cache-Control"]
    assert "http://" not in bundle.text.replace("http://www.w3.org", "")  # no other origin
    api_miss = requests.get(origin + "/api/v1/nowhere", timeout=10)
    assert api_miss.status_code == 404 and api_miss.json()["error"] == "not_found"


def walk(browse, page, pages):
    """Every page at 375 px and 1280 px: one h1, no sideways scrolling, axe clean."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for path in pages:
            page.goto(browse.origin + path)
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            page.wait_for_load_state("networkidle")
            assert no_sideways_scroll(page), f"{path} scrolls sideways at {viewport}"
            assert_accessible(page)


def test_every_page_of_the_office_and_the_lender(browse, kluis):
    from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD
    case, more = full_case(kluis, "nl")
    dossier = more["dossier"]
    owner_token = case.staff.session.headers["Authorization"].split(" ", 1)[1]
    page = browse.page("/login")
    page.evaluate("token => sessionStorage.setItem('kluis.token', token)", owner_token)
    walk(browse, page, ["/", "/clients", "/clients/new", f"/clients/{case.client['id']}",
                        dossier, *(f"{dossier}?tab={tab}" for tab in (
                            "correspondence", "delivered", "messages", "requests",
                            "questionnaires", "signing", "audit")),
                        "/tasks", "/staff", "/applications", "/questionnaire-templates/new"])
    page.goto(browse.origin + dossier + "?tab=documents")
    page.get_by_text("Document toevoegen").click()  # the add panel open
    assert_accessible(page)
    admin = browse.page("/login")
    log_in(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Kantoren")
    walk(browse, admin, ["/", f"/offices/{case.office.id}", "/deliveries", "/system", "/security"])
    admin.get_by_role("button", name="Authenticator-app instellen").click()
    expect(admin.get_by_role("img", name="QR-code voor de authenticator-app")).to_be_visible()
    assert_accessible(admin)


def test_every_page_of_the_staff_app(browse, kluis):
    from .test_staff_app import ANDROID
    page = browse.page("/app", viewport=PHONE, user_agent=ANDROID)
    walk(browse, page, ["/app", "/login/app"])
    page.set_viewport_size(PHONE)
    page.goto(browse.origin + "/app")
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registreren")
    assert no_sideways_scroll(page)
    assert_accessible(page)
