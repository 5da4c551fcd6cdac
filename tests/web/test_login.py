"""Signing in and out: a wrong password and a locked account get the same message, the
keyboard alone is enough, a forgotten password comes back by e-mail, an idle session
warns and then ends, saying why."""
import re

from playwright.sync_api import expect

from tests.systems import CLIENT_PASSWORD

from .conftest import PHONE, assert_accessible, screenshot
from .scenario import Case
from .test_activation import link_in


def log_in(page, email, password=CLIENT_PASSWORD, english=False):
    page.get_by_label("E-mail address" if english else "E-mailadres").fill(email)
    page.get_by_label("Password" if english else "Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Log in" if english else "Inloggen").click()


def nav(page, name):
    """A link of the main menu (its name may carry a count: "Acties 2 open")."""
    page.get_by_role("navigation").get_by_role("link", name=re.compile(f"^{name}")).click()


def test_wrong_and_locked_get_the_same_message_and_nothing_typed_is_lost(browse, kluis):
    case = Case(kluis)
    case.activate()
    page = browse.page("/login")
    assert_accessible(page)
    page.get_by_role("button", name="Inloggen").click()  # empty: checked before sending
    expect(page.locator("#email-error")).to_have_text("Vul uw e-mailadres in.")
    expect(page.locator("#password-error")).to_have_text("Vul uw wachtwoord in.")
    assert_accessible(page)
    browse.watch_of(page).expect_failure(401)
    log_in(page, case.email, "Niet-Het-Goede-1")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Het e-mailadres of wachtwoord klopt niet.")
    wrong = summary.text_content()
    expect(page.get_by_label("E-mailadres")).to_have_value(case.email)
    for _ in range(10):  # the tenth miss locks the account; it is answered the same
        assert kluis.client().post("/auth/login", json={
            "email": case.email, "password": "Nog-Steeds-Fout-2"}).status_code == 401
    browse.watch_of(page).expect_failure(401)
    page.get_by_label("Wachtwoord", exact=True).fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_have_text(wrong)


def test_login_and_a_message_with_the_keyboard_alone(browse, kluis):
    case = Case(kluis)
    case.activate()
    dossier = case.dossier(number="KB-1")
    page = browse.page("/login")
    page.keyboard.press("Tab")  # the skip link first
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.get_by_label("E-mailadres").focus()
    page.keyboard.type(case.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()
    page.keyboard.type(CLIENT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")

    page.goto(browse.origin + f"/dossiers/{dossier['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier KB-1")
    page.get_by_role("tab", name=re.compile("^Correspondentie")).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name=re.compile("^Berichten"))).to_be_focused()
    expect(page.get_by_role("tab", name=re.compile("^Berichten"))).to_have_attribute(
        "aria-selected", "true")
    expect(page.get_by_role("link", name="Nieuw bericht")).to_be_visible()  # loaded
    page.keyboard.press("Tab")  # into the panel
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Nieuw bericht")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw bericht")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Onderwerp")).to_be_focused()
    page.keyboard.type("Met het toetsenbord")
    page.keyboard.press("Tab")
    page.keyboard.type("Alleen toetsen, geen muis.")
    page.keyboard.press("Tab")  # Bijlagen toevoegen
    page.keyboard.press("Tab")  # Versturen
    expect(page.get_by_role("button", name="Versturen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Uw bericht is verstuurd.")).to_be_visible()
    sent = case.staff.get(f"/dossiers/{dossier['id']}/messages").json()["items"]
    assert [(m["subject"], m["body"]) for m in sent] == [
        ("Met het toetsenbord", "Alleen toetsen, geen muis.")]


def test_a_forgotten_password_comes_back_by_email(browse, kluis):
    case = Case(kluis)
    case.activate()
    page = browse.page("/login", viewport=PHONE)
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtwoord vergeten")
    before = len(kluis.mail.messages(case.email))
    page.get_by_label("E-mailadres").fill(case.email)
    page.get_by_role("button", name="Verstuur").click()
    expect(page.get_by_role("status").filter(has_text=case.email)).to_be_visible()
    mail = kluis.mail.wait_for(case.email, count=before + 1)[-1]
    assert "Stel een nieuw wachtwoord in" in mail["Subject"]
    page.goto(link_in(mail, "/reset-password"))
    assert "token" not in page.url
    assert_accessible(page)
    page.get_by_label("Wachtwoord", exact=True).fill("Nieuwe-Sleutel-3")
    page.get_by_label("Herhaal wachtwoord").fill("Nieuwe-Sleutel-3")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_role("status").filter(has_text="Uw nieuwe wachtwoord is ingesteld.")).to_be_visible()
    log_in(page, case.email, "Nieuwe-Sleutel-3")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    nav(page, "Uitloggen")
    expect(page.get_by_role("status").filter(has_text="U bent uitgelogd.")).to_be_visible()


def test_an_idle_session_warns_can_be_extended_and_then_ends(idle_browse, idle_kluis):
    """On a system with a 12 s idle timeout and an 8 s warning: the warning after 4 s.
    What was being typed is back after signing in again."""
    case = Case(idle_kluis)
    case.activate()
    case.login_api()  # not the first login any more: Home, not Mijn gegevens
    dossier = case.dossier(number="IDLE-1")
    page = idle_browse.page("/login", viewport=PHONE)
    log_in(page, case.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    page.goto(idle_browse.origin + f"/dossiers/{dossier['id']}/messages/new")
    page.get_by_label("Onderwerp").fill("Half geschreven")
    page.get_by_label("Bericht").fill("Dit wil ik niet kwijt.")
    dialog = page.get_by_role("alertdialog", name="Bent u er nog?")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("wordt u uitgelogd")
    extend = dialog.get_by_role("button", name="Verlengen")
    expect(extend).to_be_focused()
    assert_accessible(page)
    screenshot(page, "idle-warning-phone")
    extend.click()
    expect(dialog).to_be_hidden()
    state = case.login_api().get("/auth/session")  # a fresh session: to read the clock lengths
    assert state.json()["idle_timeout_s"] == 12
    expect(dialog).to_be_visible(timeout=15_000)  # warned again after the extension
    idle_browse.watch_of(page).expect_failure(401, optional=True)  # the last look at the clock
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen", timeout=20_000)
    expect(page.get_by_role("status").filter(has_text="een tijd niets heeft gedaan")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('kluis.token')") is None
    log_in(page, case.email)  # back where it ended, with what was typed
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw bericht")
    expect(page.get_by_label("Onderwerp")).to_have_value("Half geschreven")
    expect(page.get_by_label("Bericht")).to_have_value("Dit wil ik niet kwijt.")


def test_after_login_only_pages_of_the_portal_itself(browse, kluis):
    case = Case(kluis)
    case.activate()
    case.login_api()
    for target in ("//voorbeeld.nl/pagina", "/\\voorbeeld.nl", "https://voorbeeld.nl/",
                   "/logout", "/look-along"):
        page = browse.page(f"/login?next={target}")
        log_in(page, case.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Home")
        assert page.url == browse.origin + "/", target
    page = browse.page("/actions")  # not signed in: to the login, then back here
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    log_in(page, case.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acties")


def test_a_logout_ends_the_tabs_of_that_session_too(browse, kluis):
    case = Case(kluis)
    case.activate()
    case.login_api()
    page = browse.page("/login")
    log_in(page, case.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    with page.context.expect_page() as opened:  # a tab opened from this one shares it
        page.evaluate("() => window.open('/dossiers', '_blank')")
    other = opened.value
    expect(other.get_by_role("heading", level=1)).to_have_text("Dossiers")
    nav(page, "Uitloggen")
    expect(other.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(other.get_by_role("status").filter(has_text="U bent uitgelogd.")).to_be_visible()


def test_after_too_many_texts_the_code_page_says_so_and_offers_the_recovery_code(browse, kluis):
    case = Case(kluis)
    portal = case.activate()
    assert portal.post("/me/2fa/sms", json={"mobile": "06 5555 7777"}).status_code == 202
    confirmed = portal.post("/me/2fa/sms/confirm", json={"code": kluis.sms_code("+31655557777")})
    recovery = confirmed.json()["recovery_code"]
    for _ in range(4):  # with the set-up, five texts this hour: the account's limit
        started = kluis.client().post("/auth/login", json={
            "email": case.email, "password": CLIENT_PASSWORD}).json()
        assert started["two_factor_required"] and started["code_sent"] is True
    page = browse.page("/login", viewport=PHONE)
    log_in(page, case.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vul uw code in")
    expect(page.get_by_role("status").filter(has_text="sturen we nu geen sms")).to_contain_text(
        "Gebruik uw herstelcode")
    assert [line["to"] for line in kluis.sms_lines()].count("+31655557777") == 5  # no sixth
    assert_accessible(page)
    screenshot(page, "second-step-no-text-phone")
    page.get_by_label("Herstelcode").fill(recovery)  # offered at once
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
