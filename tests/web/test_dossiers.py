"""Home, the dossier list, a dossier's tabs with their counts, downloads that mark a
document downloaded, and messages both ways with attachments."""
import re

from playwright.sync_api import expect

from tests import samples

from .conftest import PHONE, assert_accessible, no_sideways_scroll, screenshot
from .scenario import Case
from .test_login import log_in, nav


def client_with_a_dossier(kluis, **fields):
    case = Case(kluis, **fields)
    case.activate()
    case.login_api()
    dossier = case.dossier(number="2026-014", description="Hypotheek Dorpsstraat 12")
    return case, dossier


def signed_in(browse, case, **options):
    page = browse.page("/login", **options)
    english = options.get("locale", "nl-NL").startswith("en")
    log_in(page, case.email, english=english)
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    return page


def tab(page, name):
    return page.get_by_role("tab", name=re.compile(f"^{name}"))


def test_home_and_dossiers_with_search_and_status_filter(browse, kluis):
    case, dossier = client_with_a_dossier(kluis)
    case.dossier(number="2025-007", description="Verbouwing zolder")
    closed = case.dossier(number="2024-001", description="Oversluiten")
    case.staff.patch(f"/dossiers/{closed['id']}", json={"status": "closed"})
    case.questionnaire(dossier["id"])
    page = signed_in(browse, case)
    cards = page.get_by_role("main").get_by_role("listitem")
    expect(cards.filter(has_text="Dossiers")).to_contain_text("2 lopend, 3 in totaal")
    expect(cards.filter(has_text="Acties")).to_contain_text("1 actie wacht op u")
    expect(page.get_by_role("navigation").get_by_role("link", name="Acties")).to_contain_text("1")
    assert_accessible(page)
    screenshot(page, "home-desktop")

    nav(page, "Dossiers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers")
    expect(page.get_by_role("link", name=re.compile("^Dossier "))).to_have_count(2)  # in progress
    page.get_by_label("Zoeken").fill("zolder")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name=re.compile("^Dossier "))).to_have_text(["Dossier 2025-007"])
    page.get_by_label("Zoeken").fill("")
    page.get_by_label("Status").select_option(label="Afgesloten")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name=re.compile("^Dossier "))).to_have_text(["Dossier 2024-001"])
    page.get_by_label("Status").select_option(label="Alle")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name=re.compile("^Dossier "))).to_have_count(3)
    assert_accessible(page)


def test_tabs_carry_counts_and_a_download_marks_the_document(browse, kluis):
    case, dossier = client_with_a_dossier(kluis)
    case.document(dossier["id"], "Offerte hypotheek")
    case.document(dossier["id"], "Taxatierapport")
    case.document(dossier["id"], "Interne notitie", public=False)
    case.document(dossier["id"], "Brief over uw aanvraag", category="correspondence")
    case.message(dossier["id"], "Welkom", "Hier delen we de stukken.")
    page = signed_in(browse, case, viewport=PHONE)
    nav(page, "Dossiers")
    row = page.get_by_role("listitem").filter(has_text="Dossier 2026-014")
    expect(row).to_contain_text("4 nieuw")
    row.get_by_role("link", name="Dossier 2026-014").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier 2026-014")
    expect(tab(page, "Correspondentie")).to_have_text("Correspondentie (1) 1 nieuw")
    expect(tab(page, "Documenten")).to_have_text("Documenten (2) 2 nieuw")
    expect(tab(page, "Door mij aangeleverd")).to_have_text("Door mij aangeleverd (0)")
    expect(tab(page, "Berichten")).to_have_text("Berichten (1) 1 nieuw")
    expect(page.get_by_role("tab", name=re.compile("^Verzoeken"))).to_have_count(0)  # none
    assert no_sideways_scroll(page)

    tab(page, "Documenten").click()
    panel = page.get_by_role("tabpanel")
    offer = panel.get_by_role("listitem").filter(has_text="Offerte hypotheek")
    expect(offer).to_contain_text("Niet gedownload")
    expect(panel).not_to_contain_text("Interne notitie")  # not public: not shown
    assert_accessible(page)
    screenshot(page, "dossier-documents-phone")
    with page.expect_download() as download:
        offer.get_by_role("button", name="Downloaden Offerte hypotheek").click()
    assert download.value.suggested_filename == "Offerte hypotheek.pdf"
    assert open(download.value.path(), "rb").read() == samples.pdf("Offerte hypotheek")
    expect(offer).to_contain_text("Gedownload")
    expect(offer).not_to_contain_text("Niet gedownload")
    expect(tab(page, "Documenten")).to_have_text("Documenten (2) 1 nieuw")
    listed = case.portal.get(f"/dossiers/{dossier['id']}/documents?category=document").json()
    assert {d["title"]: d["downloaded"] for d in listed["items"]} == {
        "Offerte hypotheek": True, "Taxatierapport": False}


def test_messages_read_on_click_reply_and_attachments(browse, kluis, tmp_path):
    case, dossier = client_with_a_dossier(kluis)
    case.message(dossier["id"], "Welkom bij Kluis", "Beste Jan,\nhier delen we de stukken.")
    page = signed_in(browse, case)
    page.goto(browse.origin + f"/dossiers/{dossier['id']}?tab=messages")
    expect(tab(page, "Berichten")).to_have_text("Berichten (1) 1 nieuw")
    message = page.get_by_role("listitem").filter(has_text="Welkom bij Kluis")
    expect(message).to_contain_text("Ontvangen")
    expect(message).to_contain_text("Ongelezen")
    message.get_by_role("button", name="Welkom bij Kluis").click()
    expect(message).to_contain_text("hier delen we de stukken.")
    expect(message).not_to_contain_text("Ongelezen")
    expect(tab(page, "Berichten")).to_have_text("Berichten (1)")
    assert case.staff.get(f"/dossiers/{dossier['id']}/messages").json()["items"][0]["read"]

    message.get_by_role("link", name="Beantwoorden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bericht beantwoorden")
    expect(page.get_by_label("Onderwerp")).to_have_count(0)  # a reply keeps the subject
    page.get_by_label("Bericht").fill("Dank u, ik kijk ernaar.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status").filter(has_text="Uw bericht is verstuurd.")).to_be_visible()
    expect(tab(page, "Berichten")).to_have_text("Berichten (2)")
    reply = page.get_by_role("listitem").filter(has_text="Re: Welkom bij Kluis")
    expect(reply).to_contain_text("Verzonden")

    page.get_by_role("link", name="Nieuw bericht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw bericht")
    page.get_by_role("button", name="Versturen").click()  # both required
    expect(page.locator("#subject-error")).to_have_text("Vul een onderwerp in.")
    expect(page.locator("#body-error")).to_have_text("Schrijf uw bericht.")
    page.get_by_label("Onderwerp").fill("Mijn loonstroken")
    body = page.get_by_label("Bericht")
    body.fill("x" * 501)
    expect(body).to_have_value("x" * 500)  # the counter stops at 500
    expect(page.locator("#body-counter")).to_have_text("U heeft het maximum van 500 tekens bereikt.")
    body.fill("Hierbij mijn loonstroken van januari en februari.")
    expect(page.locator("#body-counter")).to_have_text("49 van 500 tekens")

    page.get_by_role("button", name="Bijlagen toevoegen").click()
    dialog = page.get_by_role("dialog", name="Bijlagen")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    files = {"januari.pdf": samples.pdf("Loonstrook januari"),
             "februari.png": samples.png(), "plaatje.gif": samples.gif(),
             "leeg.txt": b""}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    big = tmp_path / "groot.pdf"
    with open(big, "wb") as handle:  # one byte over the server's limit, checked here first
        handle.truncate(50 * 1024 * 1024 + 1)
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Bestanden kiezen").click()
    chooser.value.set_files([str(tmp_path / n) for n in files] + [str(big)])
    rows = dialog.get_by_role("list", name="Bijlagen bij dit bericht").get_by_role("listitem")
    expect(rows.filter(has_text="januari.pdf")).to_contain_text("Klaar")
    expect(rows.filter(has_text="februari.png")).to_contain_text("Klaar")
    expect(rows.filter(has_text="plaatje.gif")).to_contain_text("Dit soort bestand kan niet.")
    expect(rows.filter(has_text="groot.pdf")).to_contain_text("Het bestand is te groot: hooguit 50 MB.")
    expect(rows.filter(has_text="leeg.txt")).to_contain_text("Het bestand is leeg.")
    for name in ("plaatje.gif", "groot.pdf", "leeg.txt", "februari.png"):
        rows.filter(has_text=name).get_by_role("button", name=f"Verwijderen {name}").click()
    expect(rows).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "attachments-dialog-desktop")
    dialog.get_by_role("button", name="Klaar").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status").filter(has_text="Uw bericht is verstuurd.")).to_be_visible()
    sent = [m for m in case.staff.get(f"/dossiers/{dossier['id']}/messages").json()["items"]
            if m["subject"] == "Mijn loonstroken"]
    assert [a["name"] for a in sent[0]["attachments"]] == ["januari.pdf"]
    tab(page, "Door mij aangeleverd").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("januari.pdf")


def test_a_lost_connection_keeps_what_was_typed_and_offers_a_retry(browse, kluis):
    case, dossier = client_with_a_dossier(kluis)
    page = signed_in(browse, case)
    page.goto(browse.origin + f"/dossiers/{dossier['id']}/messages/new")
    page.get_by_label("Onderwerp").fill("Over de taxatie")
    page.get_by_label("Bericht").fill("Wanneer komt de taxateur?")
    page.context.set_offline(True)
    browse.watch_of(page).expect_failure("ERR_INTERNET_DISCONNECTED")
    page.get_by_role("button", name="Versturen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Kluis is niet bereikbaar")
    expect(page.get_by_label("Onderwerp")).to_have_value("Over de taxatie")
    expect(page.get_by_label("Bericht")).to_have_value("Wanneer komt de taxateur?")
    page.context.set_offline(False)
    summary.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.get_by_role("status").filter(has_text="Uw bericht is verstuurd.")).to_be_visible()
    sent = case.staff.get(f"/dossiers/{dossier['id']}/messages").json()["items"]
    assert [m["subject"] for m in sent] == ["Over de taxatie"]
