"""Mijn gegevens: the language (the portal at once, the next e-mail too), the SMS second
step with its recovery code, news preferences, consent per office, a company's extra
accounts, the client's own audit; and a look-along session from the office."""
import re

from playwright.sync_api import expect

from tests.systems import text_of

from .conftest import (
    PHONE, assert_accessible, downloaded_trail_verifies, no_sideways_scroll, screenshot)
from .scenario import Case
from .test_dossiers import client_with_a_dossier, signed_in
from .test_login import log_in, nav


def section(page, name):
    return page.get_by_role("region", name=name)


def test_the_language_switches_the_portal_and_the_next_email(browse, kluis):
    case, dossier = client_with_a_dossier(kluis)
    page = signed_in(browse, case)
    nav(page, "Mijn gegevens")
    language = section(page, "Taal")
    language.get_by_role("radio", name="English").check()
    language.get_by_role("button", name="Taal opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My details")
    expect(section(page, "Language").get_by_role("status")).to_contain_text(
        "Your language has been saved.")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("Files")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    screenshot(page, "my-details-english-desktop")
    before = len(kluis.mail.messages(case.email))
    case.document(dossier["id"], "Valuation report")  # the office writes it in Dutch
    mail = kluis.mail.wait_for(case.email, count=before + 1)[-1]
    assert mail["Subject"].startswith("New document"), mail["Subject"]
    assert "Dear" in text_of(mail)
    page.reload()  # the choice is the account's: it stays
    expect(page.get_by_role("heading", level=1)).to_have_text("My details")


def test_the_sms_second_step_with_its_recovery_code(browse, kluis):
    case, _dossier = client_with_a_dossier(kluis)
    page = signed_in(browse, case, viewport=PHONE)
    nav(page, "Mijn gegevens")
    step = section(page, "2-stapsverificatie")
    expect(step).to_contain_text("Staat uit.")
    step.get_by_role("button", name="2-stapsverificatie aanzetten").click()
    browse.watch_of(page).expect_failure(422)
    step.get_by_label("Mobiel nummer").fill("12")
    step.get_by_role("button", name="Code versturen").click()
    expect(step.locator("#mobile-error")).to_have_text("Dit is geen geldig mobiel nummer.")
    step.get_by_label("Mobiel nummer").fill("06 4444 5555")
    step.get_by_role("button", name="Code versturen").click()
    expect(step).to_contain_text("We hebben een code gestuurd naar 06 4444 5555.")
    step.get_by_label("SMS-code").fill(kluis.sms_code("+31644445555"))
    step.get_by_role("button", name="Bevestigen").click()
    expect(step).to_contain_text("Bewaar uw herstelcode")
    recovery = step.get_by_label("Uw herstelcode").text_content()
    assert recovery and len(recovery) >= 8
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "second-step-recovery-phone")
    step.get_by_role("button", name="Ik heb de code bewaard").click()
    expect(step).to_contain_text("Staat aan")
    expect(step.get_by_label("Uw herstelcode")).to_have_count(0)  # shown once only
    nav(page, "Uitloggen")

    log_in(page, case.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vul uw code in")
    page.get_by_label("Code", exact=True).fill(kluis.sms_code("+31644445555", count=2))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    nav(page, "Uitloggen")

    log_in(page, case.email)
    page.get_by_role("button", name="Herstelcode gebruiken").click()
    browse.watch_of(page).expect_failure(401)
    page.get_by_label("Herstelcode").fill("VERKEERD-1")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("#recovery-code-error")).to_contain_text("De code klopt niet")
    page.get_by_label("Herstelcode").fill(recovery)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")

    nav(page, "Mijn gegevens")
    step = section(page, "2-stapsverificatie")
    step.get_by_role("button", name="2-stapsverificatie uitzetten").click()
    step.get_by_role("button", name="Ja, uitzetten").click()  # the password is needed
    expect(step.locator("#off-password-error")).to_have_text("Vul uw wachtwoord in.")
    browse.watch_of(page).expect_failure(422)
    step.get_by_label("Uw wachtwoord").fill("Verkeerd-Wachtwoord-1")
    step.get_by_role("button", name="Ja, uitzetten").click()
    expect(step.locator("#off-password-error")).to_have_text("Het wachtwoord klopt niet.")
    expect(step).to_contain_text("Staat aan")
    step.get_by_label("Uw wachtwoord").fill(case.password)
    step.get_by_role("button", name="Ja, uitzetten").click()
    expect(step).to_contain_text("Staat uit.")
    assert case.portal.get("/me").status_code == 401  # the client's other session ended
    assert case.login_api().get("/me").json()["second_factor"] is None


def test_preferences_consent_and_the_audit(browse, kluis, tmp_path):
    case, dossier = client_with_a_dossier(kluis)
    page = signed_in(browse, case)
    nav(page, "Mijn gegevens")
    news = section(page, "Notificaties")
    news.get_by_role("checkbox", name="berichten").uncheck()
    news.get_by_role("button", name="Opslaan").click()
    expect(news.get_by_role("status").filter(has_text="Uw keuzes zijn opgeslagen.")).to_be_visible()
    assert case.portal.get("/me/notification-preferences").json() == {
        "new_documents": True, "questionnaires": True, "messages": False}

    consent = section(page, "Toestemming")
    office_name = f"Hypotheekhuis {case.office.partner_id}"
    share = consent.get_by_role("checkbox", name=f"Mijn gegevens delen met {office_name}")
    expect(share).to_be_checked()
    share.uncheck()
    consent.get_by_role("button", name="Opslaan").click()
    expect(consent.get_by_role("status").filter(has_text="Dit geldt meteen.")).to_be_visible()
    assert case.staff.get(f"/dossiers/{dossier['id']}").status_code == 404
    share.check()
    consent.get_by_role("button", name="Opslaan").click()
    expect(consent.get_by_role("status").filter(has_text="Dit geldt meteen.")).to_be_visible()
    assert case.staff.get(f"/dossiers/{dossier['id']}").status_code == 200  # viewed: audited
    assert_accessible(page)

    page.get_by_role("link", name="Bekijk wie uw gegevens heeft bekeken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie heeft mijn gegevens bekeken")
    entries = page.get_by_role("main").get_by_role("listitem")
    expect(entries.filter(has_text="Toestemming ingetrokken")).to_contain_text("U")
    expect(entries.filter(has_text="Dossier bekeken").filter(
        has_text="Een medewerker van uw adviseur").first).to_be_visible()
    assert_accessible(page)
    trail = section(page, "Het logboek als ondertekend bestand")
    output = downloaded_trail_verifies(
        browse, page, trail.get_by_role("button", name="Logboek downloaden"), tmp_path)
    assert output == "OK: the trail is whole\n"
    expect(trail.get_by_role("status")).to_have_text("Het logboek is gedownload.")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    screenshot(page, "client-audit-file-phone")


def test_a_company_manages_its_extra_accounts(browse, kluis):
    case = Case(kluis, name="Bakkerij De Korenschoof", kind="company")
    case.activate()
    case.login_api()
    page = signed_in(browse, case)
    nav(page, "Mijn gegevens")
    extra = section(page, "Extra accounts")
    expect(extra).to_contain_text("Bakkerij De Korenschoof")
    extra.get_by_role("button", name="Extra account toevoegen").click()
    extra.get_by_role("button", name="Toevoegen en uitnodigen").click()
    expect(extra.locator("#extra-name-error")).to_have_text("Vul de naam in.")
    extra.get_by_label("Naam").fill("Sanne de Bakker")
    address = f"sanne-{case.email}"
    extra.get_by_label("E-mailadres").fill(address)
    extra.get_by_role("button", name="Toevoegen en uitnodigen").click()
    expect(extra.get_by_role("status").filter(has_text="Sanne de Bakker is toegevoegd.")).to_be_visible()
    expect(extra.get_by_role("listitem").filter(has_text="Sanne de Bakker")).to_contain_text(
        "uitnodiging verstuurd")
    assert "nodigt u uit" in kluis.mail.wait_for(address)[0]["Subject"]
    assert_accessible(page)
    extra.get_by_role("button", name="Verwijderen Sanne de Bakker").click()
    extra.get_by_role("button", name="Ja, verwijderen").click()
    expect(extra.get_by_role("status").filter(has_text="Het account van Sanne de Bakker is verwijderd.")).to_be_visible()
    expect(extra.get_by_text("Er zijn nog geen extra accounts.")).to_be_visible()
    person, _ = client_with_a_dossier(kluis)
    other = browse.page("/login")
    log_in(other, person.email)
    nav(other, "Mijn gegevens")
    expect(other.get_by_role("region", name="Toestemming")).to_be_visible()
    expect(other.get_by_role("region", name="Extra accounts")).to_have_count(0)


def test_look_along_shows_a_banner_and_no_control_that_writes(browse, kluis):
    case, dossier = client_with_a_dossier(kluis)
    case.document(dossier["id"], "Offerte hypotheek")
    case.message(dossier["id"], "Welkom", "Hallo Jan.")
    case.request(dossier["id"], "Loonstrook")
    questionnaire = case.questionnaire(dossier["id"])
    token = case.look_along_token()
    office_name = f"Hypotheekhuis {case.office.partner_id}"
    # The office portal opens /look-along in a new tab and hands the token over with
    # postMessage (web/src/auth/look-along.tsx); this page plays the office portal.
    office_page = browse.page("/login")
    with office_page.context.expect_page() as opened:
        office_page.evaluate("""token => {
            const tab = window.open('/look-along', '_blank')
            window.addEventListener('message', (event) => {
                if (event.source === tab && event.data.type === 'kluis:look-along-ready')
                    tab.postMessage({type: 'kluis:look-along-token', token}, location.origin)
            })
        }""", token)
    page = opened.value
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    banner = page.get_by_role("note", name="Meekijksessie")
    expect(banner).to_contain_text(f"U kijkt mee namens {office_name}.")
    expect(banner).to_contain_text("kunt niets wijzigen")
    assert_accessible(page)
    screenshot(page, "look-along-desktop")
    page.goto(browse.origin + f"/dossiers/{dossier['id']}?tab=messages")
    expect(banner).to_be_visible()
    page.get_by_role("button", name="Welkom").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("Hallo Jan.")
    expect(page.get_by_role("link", name="Nieuw bericht")).to_have_count(0)
    expect(page.get_by_role("link", name="Beantwoorden")).to_have_count(0)
    page.get_by_role("tab", name=re.compile("^Verzoeken")).click()
    expect(page.get_by_role("tabpanel")).to_contain_text("Loonstrook")
    expect(page.get_by_role("button", name=re.compile("aanleveren"))).to_have_count(0)
    page.goto(browse.origin + f"/questionnaires/{questionnaire['id']}")
    expect(page.get_by_text("Dit zijn de antwoorden tot nu toe.")).to_be_visible()
    expect(page.get_by_role("button", name="Volgende")).to_have_count(0)
    page.goto(browse.origin + f"/dossiers/{dossier['id']}/messages/new")
    expect(page.get_by_text("In een meekijksessie kunt u geen berichten versturen.")).to_be_visible()
    expect(page.get_by_role("button", name="Versturen")).to_have_count(0)
    nav(page, "Mijn gegevens")
    expect(page.get_by_role("button", name=re.compile("Opslaan|aanzetten"))).to_have_count(0)
    expect(page.get_by_role("radio", name="English")).to_be_disabled()
    assert case.portal.get(f"/dossiers/{dossier['id']}/messages").json()["items"][0]["read"] \
        is False  # looking along marks nothing read
    audit = case.portal.get("/me/audit").json()["items"]
    assert any(entry["action"] == "look_along" for entry in audit)
