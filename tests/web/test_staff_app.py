"""The staff app on a phone (Android user agent): registration exactly as the seed says,
with a non-extractable Ed25519 key in IndexedDB, the `adviseur1` placeholder and its
removal, a wrong combination and a locked registration; the PC logging in through the
app's approval; the web app manifest and its service worker."""
import re
import time

import requests
from playwright.sync_api import expect

from tests.e2e.staff_app import CODE_SUBJECT, Office
from tests.systems import code_in, text_of

from .conftest import DESKTOP, PHONE, assert_accessible, no_sideways_scroll, screenshot

ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/156.0.0.0 Mobile Safari/537.36")


def phone(browse):
    return browse.page("/app", viewport=PHONE, user_agent=ANDROID)


def code_for(kluis, address, count=1):
    mail = kluis.mail.wait_for(address, count=count, subject=CODE_SUBJECT)[count - 1]
    return code_in(text_of(mail))


def identify(page, partner_id, email):
    page.get_by_label("Distributiepartner ID").fill(partner_id)
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_role("button", name="Volgende").click()


def register(page, kluis, office, person):
    """From the app's list to a finished registration, approved by the admin."""
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registreren")
    identify(page, office.partner_id, person["email"])
    page.get_by_label(re.compile("code", re.I)).fill(code_for(kluis, person["email"]))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status").filter(has_text="wacht op goedkeuring")).to_be_visible()
    waiting = office.admin.get(f"/offices/{office.id}/registration-requests").json()["items"]
    mine = [r for r in waiting if r["name"] == person["name"]]
    assert office.admin.post(f"/registrations/{mine[0]['id']}/approve").status_code == 204
    page.get_by_role("button", name="Registratie afronden").click(timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kluis-app")
    expect(page.get_by_role("status").filter(has_text="Uw registratie is afgerond.")).to_be_visible()


def test_registering_with_a_wrong_combination_and_removing_adviseur1(browse, kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner", name="Anna de Vries")
    page = phone(browse)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kluis-app")
    assert_accessible(page)
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registreren")
    page.get_by_role("link", name="Terug naar de app").click()
    people = page.get_by_role("list", name="Wie kan er inloggen met deze telefoon")
    expect(people.get_by_role("listitem")).to_have_text(re.compile("adviseur1"))
    people.get_by_role("button", name="Verwijderen adviseur1").click()
    expect(page.get_by_text("Er is nog niemand geregistreerd op deze telefoon.")).to_be_visible()

    page.get_by_role("button", name="Registreren").click()
    browse.watch_of(page).expect_failure(422)
    identify(page, "DP-ONBEKEND", person["email"])
    expect(page.locator("#partner-id-error")).to_have_text(
        "Deze combinatie van gegevens is onbekend. U kunt het nog 2 keer proberen.")
    assert_accessible(page)
    identify(page, office.partner_id, person["email"])
    code = page.get_by_label(re.compile("code", re.I))
    expect(code).to_be_visible()
    code.fill(code_for(kluis, person["email"]))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status").filter(has_text="Uw registratie wacht op goedkeuring.")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "app-waiting-phone")
    waiting = office.admin.get(f"/offices/{office.id}/registration-requests").json()["items"]
    assert office.admin.post(f"/registrations/{waiting[0]['id']}/approve").status_code == 204
    finish = page.get_by_role("button", name="Registratie afronden")
    expect(finish).to_be_visible(timeout=20_000)  # the app looked again by itself
    finish.click()
    expect(page.get_by_role("status").filter(has_text="Uw registratie is afgerond.")).to_be_visible()
    people = page.get_by_role("list", name="Wie kan er inloggen met deze telefoon")
    expect(people.get_by_role("listitem")).to_have_count(1)
    expect(people.get_by_role("heading", name="Anna de Vries")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "app-people-phone")
    keys = page.evaluate("""() => new Promise((resolve, reject) => {
        const request = indexedDB.open('kluis-app')
        request.onsuccess = () => {
            const read = request.result.transaction('people').objectStore('people').getAll()
            read.onsuccess = async () => {
                const person = read.result[0]
                let exported = true
                try { await crypto.subtle.exportKey('pkcs8', person.keys.privateKey) }
                catch (e) { exported = false }
                resolve({extractable: person.keys.privateKey.extractable,
                         algorithm: person.keys.privateKey.algorithm.name, exported,
                         publicKey: person.publicKey, deviceId: person.deviceId})
            }
        }
        request.onerror = reject
    })""")
    assert keys["extractable"] is False and keys["exported"] is False
    assert keys["algorithm"] == "Ed25519" and keys["deviceId"]
    people.get_by_role("button", name="Inloggen Anna de Vries").click()  # the office portal here
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
    expect(page.get_by_role("banner")).to_contain_text(f"Hypotheekhuis {office.partner_id} (Utrecht)")


def test_the_third_miss_locks_and_says_what_to_do(browse, kluis):
    office = Office(kluis, kluis.admin())
    page = phone(browse)
    page.get_by_role("button", name="Registreren").click()
    for _ in range(2):
        browse.watch_of(page).expect_failure(422)
        identify(page, office.partner_id, "niemand@voorbeeld.nl")
        expect(page.locator("#partner-id-error")).to_contain_text("onbekend")
    browse.watch_of(page).expect_failure(423)
    identify(page, office.partner_id, "niemand@voorbeeld.nl")
    expect(page.get_by_role("alert")).to_contain_text("Aanmelden niet gelukt")
    expect(page.get_by_role("alert")).to_contain_text("adviseur1")
    page.get_by_role("alert").get_by_role("button", name="Verwijderen adviseur1").click()
    expect(page.get_by_text("Er is nog niemand geregistreerd op deze telefoon.")).to_be_visible()


def test_the_pc_logs_in_through_the_apps_approval(browse, kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner", name="Anna de Vries")
    app_page = phone(browse)
    register(app_page, kluis, office, person)

    pc = browse.page("/login", viewport=DESKTOP)
    pc.get_by_role("link", name="Inloggen met de app").click()
    expect(pc.get_by_role("heading", level=1)).to_have_text("Inloggen met de app")
    shown = pc.locator(".kluis-pairing-code")
    expect(shown).to_have_text(re.compile(r"^[A-Z0-9]{4} [A-Z0-9]{4}$"))
    expect(pc.get_by_role("img", name="QR-code met de koppelcode")).to_be_visible()
    expect(pc.get_by_text(re.compile("De code is nog [0-9]:[0-9]{2} geldig."))).to_be_visible()
    assert_accessible(pc)
    screenshot(pc, "pc-pairing-desktop")
    code = shown.text_content()

    app_page.get_by_role("link", name="Inloggen op PC Anna de Vries").click()
    expect(app_page.get_by_role("heading", level=1)).to_have_text("Inloggen op PC")
    app_page.get_by_label("Koppelcode").fill(code.lower())
    app_page.get_by_role("button", name="Volgende").click()
    details = app_page.get_by_role("definition")
    expect(app_page.get_by_text("Deze computer wil inloggen als Anna de Vries:")).to_be_visible()
    expect(details.nth(0)).to_have_text("Chrome")
    expect(details.nth(1)).to_have_text("Linux")
    expect(details.nth(2)).to_have_text("127.0.0.1")
    assert_accessible(app_page)
    screenshot(app_page, "app-approve-phone")
    app_page.get_by_role("button", name="Goedkeuren").click()
    expect(app_page.get_by_role("status").filter(has_text="U bent nu ingelogd op de PC.")).to_be_visible()
    expect(pc).not_to_have_url(re.compile("/login"), timeout=15_000)
    token = pc.evaluate("() => sessionStorage.getItem('kluis.token')")
    me = requests.get(browse.origin + "/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                      timeout=10).json()
    assert me["name"] == "Anna de Vries" and me["kind"] == "staff"

    refused_pc = browse.page("/login/app", viewport=DESKTOP)
    other_code = refused_pc.locator(".kluis-pairing-code").text_content().replace(" ", "")
    # The PC's QR code opens the app with the code in the fragment (never sent to a server).
    app_page.goto(browse.origin + f"/app/pc-login#code={other_code}")
    expect(app_page.get_by_label("Koppelcode")).to_have_value(other_code)
    assert "#" not in app_page.url and other_code not in app_page.url
    app_page.get_by_role("button", name="Volgende").click()
    app_page.get_by_role("button", name="Weigeren").click()
    expect(app_page.get_by_role("status").filter(has_text="Geweigerd.")).to_be_visible()
    browse.watch_of(refused_pc).expect_failure(410)
    expect(refused_pc.get_by_role("alert")).to_contain_text("in de app geweigerd", timeout=15_000)


def test_the_app_is_installable_and_its_worker_keeps_no_api_answers(browse, kluis):
    manifest = requests.get(browse.origin + "/app.webmanifest", timeout=10)
    assert manifest.status_code == 200
    assert manifest.headers["Content-Type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["name"] and data["short_name"] and data["display"] == "standalone"
    assert data["start_url"] == "/app" and data["scope"] == "/app"
    sizes = {icon["sizes"] for icon in data["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert requests.get(browse.origin + icon["src"], timeout=10).status_code == 200
    page = phone(browse)
    expect(page.locator('link[rel="manifest"]')).to_have_attribute("href", "/app.webmanifest")
    scope = page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready
        return registration.scope }""")
    assert scope == browse.origin + "/app"
    page.reload()  # now under the worker's control: the shell and bundles are kept...
    page.evaluate("() => fetch('/api/v1/health/live').then((r) => r.json())")
    kept_now = """async () => {
        const urls = []
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
        }
        return urls }"""
    deadline = time.monotonic() + 15  # the worker keeps what it fetched, a moment later
    while not any("/assets/" in url for url in page.evaluate(kept_now)):
        assert time.monotonic() < deadline, page.evaluate(kept_now)
        page.wait_for_timeout(100)
    kept = page.evaluate(kept_now)
    assert any(url.endswith("/app") for url in kept) and any("/assets/" in url for url in kept)
    assert not [url for url in kept if "/api/" in url]  # ...never an answer of the API


def test_a_phone_too_old_and_a_browser_without_ed25519_are_told_what_to_do(browser, strict_kluis):
    from .conftest import Browse
    browse = Browse(browser, strict_kluis)  # MIN_ANDROID_VERSION=12 on this system
    try:
        old = browse.page("/app", viewport=PHONE, user_agent=ANDROID.replace("Android 14", "Android 11"))
        browse.watch_of(old).expect_failure(426)
        old.get_by_role("button", name="Registreren").click()
        expect(old.get_by_role("alert")).to_contain_text("registreer op een ander toestel")
        context = browse.context(viewport=PHONE, user_agent=ANDROID)
        context.add_init_script("if (self.crypto && crypto.subtle) "
                                "crypto.subtle.generateKey = () => Promise.reject(new Error('no'))")
        page = context.new_page()
        page.goto(browse.origin + "/app")
        expect(page.get_by_role("alert")).to_contain_text("Chrome 137 of nieuwer, Safari 17 of nieuwer")
        expect(page.get_by_role("button", name="Registreren")).to_be_disabled()
    finally:
        browse.close()
