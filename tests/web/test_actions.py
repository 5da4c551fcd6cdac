"""Acties and what they lead to: document requests (upload with progress, a rejection
with its reason, delivering again, approved ones under Afgerond), a questionnaire page
by page that resumes where it was left, and signing with the evidence afterwards."""
import re

from playwright.sync_api import expect

from tests import samples

from .conftest import PHONE, assert_accessible, no_sideways_scroll, screenshot
from .test_dossiers import client_with_a_dossier, signed_in, tab
from .test_login import log_in, nav


def choose_file(page, button, path):
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(path))


def test_a_request_delivered_rejected_with_a_reason_and_delivered_again(browse, kluis, tmp_path):
    case, dossier = client_with_a_dossier(kluis)
    payslip = case.request(dossier["id"], "Loonstrook", description="De laatste van dit jaar",
                           due_date="2026-12-31")
    case.request(dossier["id"], "Kopie paspoort")
    page = signed_in(browse, case, viewport=PHONE)
    nav(page, "Acties")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acties")
    item = page.get_by_role("listitem").filter(has_text="Loonstrook")
    expect(item).to_contain_text("Nog aanleveren")
    expect(item).to_contain_text("graag vóór 31 december 2026")
    assert_accessible(page)
    item.get_by_role("link", name="Aanleveren Loonstrook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier 2026-014")
    expect(tab(page, "Verzoeken")).to_have_attribute("aria-selected", "true")
    expect(tab(page, "Verzoeken")).to_have_text("Verzoeken (2) 2 te doen")
    request = page.get_by_role("tabpanel").get_by_role("listitem").filter(has_text="Loonstrook")

    (tmp_path / "plaatje.gif").write_bytes(samples.gif())
    choose_file(page, request.get_by_role("button", name="Bestand aanleveren Loonstrook"),
                tmp_path / "plaatje.gif")
    expect(request.get_by_role("alert")).to_contain_text("plaatje.gif is niet geüpload.")
    expect(request.get_by_role("alert")).to_contain_text("Dit soort bestand kan niet.")

    (tmp_path / "loonstrook.pdf").write_bytes(samples.pdf("Loonstrook november"))
    choose_file(page, request.get_by_role("button", name="Bestand aanleveren Loonstrook"),
                tmp_path / "loonstrook.pdf")
    expect(request.get_by_role("status").filter(has_text="loonstrook.pdf is aangeleverd.")).to_be_visible()
    expect(request).to_contain_text("Aangeleverd, wordt beoordeeld")
    assert no_sideways_scroll(page)
    screenshot(page, "requests-phone")

    case.review(payslip["id"], "reject", reason="Dit is de loonstrook van vorig jaar")
    nav(page, "Acties")
    item = page.get_by_role("listitem").filter(has_text="Loonstrook")
    expect(item).to_contain_text("Afgekeurd: Dit is de loonstrook van vorig jaar")
    item.get_by_role("link", name="Aanleveren Loonstrook").click()
    request = page.get_by_role("tabpanel").get_by_role("listitem").filter(has_text="Loonstrook")
    expect(request).to_contain_text("Afgekeurd: Dit is de loonstrook van vorig jaar")
    choose_file(page, request.get_by_role("button", name="Opnieuw aanleveren Loonstrook"),
                tmp_path / "loonstrook.pdf")
    expect(request).to_contain_text("Aangeleverd, wordt beoordeeld")
    case.review(payslip["id"], "approve")
    page.reload()
    done = page.get_by_role("heading", name="Afgerond")
    expect(done).to_be_visible()
    expect(page.locator("h3:has-text('Afgerond') + ul")).to_contain_text("Loonstrook")
    expect(page.locator("h3:has-text('Afgerond') + ul")).to_contain_text("Goedgekeurd")
    assert_accessible(page)
    tab(page, "Door mij aangeleverd").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("loonstrook.pdf")


def test_a_questionnaire_page_by_page_resumed_completed_and_printable(browse, kluis):
    case, dossier = client_with_a_dossier(kluis)
    questionnaire = case.questionnaire(dossier["id"], title="Uw situatie")
    page = signed_in(browse, case)
    nav(page, "Acties")
    page.get_by_role("link", name="Invullen Uw situatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw situatie")
    expect(page.get_by_text("Pagina 1 van 2")).to_be_visible()
    page.get_by_role("button", name="Volgende").click()  # nothing answered yet
    expect(page.get_by_role("alert")).to_contain_text('Beantwoord de vraag "Geboortedatum".')
    expect(page.get_by_role("alert")).to_contain_text('Beantwoord de vraag "Heeft u een partner?".')
    assert_accessible(page)
    birth = page.get_by_label("Geboortedatum")
    assert birth.get_attribute("type") == "date"
    birth.fill("1984-03-21")
    partner = page.get_by_role("radiogroup", name="Heeft u een partner?")
    partner.get_by_role("radio", name="Ja").check()
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    saved = case.portal.get(f"/questionnaires/{questionnaire['id']}").json()["answers"]
    assert saved == {"birth_date": "1984-03-21", "partner": True}

    page.reload()  # a reload resumes on the page after the saved one
    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    page.get_by_label("Bruto jaarinkomen in euro").fill("56000")
    page.get_by_role("radiogroup", name="Soort dienstverband").get_by_role(
        "radio", name="Vast").check()
    page.get_by_label("Opmerkingen").fill("Ik begin in maart bij een nieuwe werkgever.")
    page.get_by_role("button", name="Vorige").click()
    expect(page.get_by_label("Geboortedatum")).to_have_value("1984-03-21")
    expect(partner.get_by_role("radio", name="Ja")).to_be_checked()
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_label("Opmerkingen")).to_have_value("Ik begin in maart bij een nieuwe werkgever.")
    page.get_by_role("button", name="Voltooien").click()
    expect(page.get_by_role("status").filter(has_text="De vragenlijst is afgerond")).to_be_visible()
    answers = page.locator("dl").first
    expect(answers).to_contain_text("21 maart 1984")
    expect(page.locator("dl").nth(1)).to_contain_text("56.000")
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")  # the print stylesheet: the answers only
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    expect(page.get_by_role("navigation")).to_be_hidden()
    expect(page.get_by_text("Vast")).to_be_visible()
    screenshot(page, "questionnaire-print")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Door mij aangeleverd").click()
    expect(tab(page, "Door mij aangeleverd")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_contain_text(re.compile(r"\.pdf"))
    expect(page.get_by_role("navigation").get_by_role("link", name="Acties")).to_have_text("Acties")


def test_signing_with_name_and_tick_then_the_signed_pdf_and_evidence(browse, kluis):
    case, dossier = client_with_a_dossier(kluis, name="Jan Jansen")
    request = case.offer_for_signing(dossier["id"], title="Koopovereenkomst")
    page = signed_in(browse, case)
    nav(page, "Acties")
    page.get_by_role("link", name="Ondertekenen Koopovereenkomst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digitaal ondertekenen")
    expect(page.get_by_text("Te ondertekenen vóór")).to_be_visible()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Document openen").click()
    assert opened.value.url.startswith("blob:" + browse.origin)
    opened.value.close()
    assert_accessible(page)
    page.get_by_role("button", name="Ondertekenen").click()
    expect(page.locator("#full-name-error")).to_have_text("Typ uw volledige naam.")
    expect(page.locator("#agree-error")).to_contain_text("Vink aan")
    page.get_by_label(re.compile("naam")).fill("Piet Jansen")
    page.get_by_role("checkbox", name=re.compile("akkoord")).check()
    browse.watch_of(page).expect_failure(422)
    page.get_by_role("button", name="Ondertekenen").click()
    expect(page.locator("#full-name-error")).to_have_text(
        "De naam komt niet overeen met de naam van de ondertekenaar.")
    page.get_by_label(re.compile("naam")).fill("jan  jansen")
    page.get_by_role("button", name="Ondertekenen").click()
    expect(page.get_by_role("status").filter(has_text="U heeft het document ondertekend.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Ondertekend op"))).to_be_visible()
    evidence = page.get_by_role("region", name="Bewijs van ondertekening")
    expect(evidence).to_contain_text("Jan Jansen")
    expect(evidence).to_contain_text("password")
    signed = case.portal.get(f"/signing-requests/{request['id']}").json()
    expect(evidence).to_contain_text(case.portal.get(
        f"/signing-requests/{request['id']}/evidence").json()["signed_document_sha256"])
    with page.expect_download() as download:
        page.get_by_role("button", name="Ondertekend document downloaden").click()
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    verdict = kluis.client().post("/signatures/verify", files={"file": ("s.pdf", content)})
    assert verdict.json()["valid"] is True and verdict.json()["signed_by"] == "Jan Jansen"
    assert signed["status"] == "signed"
    assert_accessible(page)
    screenshot(page, "signed-desktop")
    nav(page, "Acties")
    expect(page.get_by_text("U hoeft nu niets te doen.")).to_be_visible()


def test_products_and_applications_in_words(browse, kluis):
    case, _dossier = client_with_a_dossier(kluis)
    case.product(kind="mortgage", provider="Rabobank", number="HYP-88", amount_cents=32500000,
                 start_date="2021-05-01")
    case.product(kind="life_insurance", provider="Nationale-Nederlanden", number="OVL-12")
    case.application(41000000, lender="ING", status="approved")
    case.application(12000000)
    page = signed_in(browse, case, viewport=PHONE)
    page.get_by_role("link", name="Mijn producten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn producten")
    applications = page.get_by_role("region", name="Hypotheekaanvragen")
    approved = applications.get_by_role("listitem").filter(has_text="410.000")
    expect(approved).to_contain_text("Goedgekeurd")
    expect(approved).to_contain_text("geldverstrekker ING")
    expect(approved).to_contain_text("laatst gewijzigd op")
    expect(applications.get_by_role("listitem").filter(has_text="120.000")).to_contain_text("Lopend")
    products = page.get_by_role("table", name="Lopende producten")
    expect(products).to_contain_text("Hypotheek")
    expect(products).to_contain_text("Rabobank")
    expect(products).to_contain_text("325.000")
    expect(products).to_contain_text("1 mei 2021")
    expect(products).to_contain_text("Levensverzekering")
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "products-phone")
    other, _ = client_with_a_dossier(kluis)
    other_page = browse.page("/login")
    log_in(other_page, other.email)
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Home")
    other_page.goto(browse.origin + "/products")
    expect(other_page.get_by_text("Er zijn nog geen producten bekend.")).to_be_visible()
    expect(other_page.get_by_text("Er lopen geen hypotheekaanvragen.")).to_be_visible()
