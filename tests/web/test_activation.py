"""Activation from the real invitation e-mails (Maildir), in Dutch and in English: the
token leaves the address bar at once, the password rules show before typing and follow
it, the server's refusal stands next to the field, the first login lands on Mijn
gegevens."""
import re

from playwright.sync_api import expect

from tests.systems import text_of

from .conftest import PHONE, assert_accessible, no_sideways_scroll, screenshot
from .scenario import Case


def link_in(message, path):
    match = re.search(rf"(https?://\S+{path}\?token=[A-Za-z0-9_-]+\S*)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def test_a_client_activates_from_the_emails_with_the_sms_code(browse, kluis):
    case = Case(kluis, mobile="+31612345678")
    case.invite()
    first = kluis.mail.wait_for(case.email)[0]
    page = browse.page(path="/", viewport=PHONE)
    page.goto(link_in(first, "/activate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Account activeren")
    assert "token" not in page.url  # taken out of the address bar at once
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(case.email)
    page.get_by_role("button", name="Verstuur").click()
    expect(page.get_by_role("status").filter(has_text="Kijk in uw e-mail")).to_be_visible()

    second = kluis.mail.wait_for(case.email, count=2)[1]
    assert link_in(second, "/set-password").endswith("&sms=1")
    page.goto(link_in(second, "/set-password"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kies uw wachtwoord")
    assert "token" not in page.url and "sms=1" in page.url
    rules = page.get_by_role("list", name="Eisen aan het wachtwoord")
    expect(rules.get_by_role("listitem")).to_have_count(3)  # shown before typing
    expect(rules).to_contain_text("Minstens 8 tekens. (nog niet voldaan)")
    password = page.get_by_label("Wachtwoord", exact=True)
    password.fill("kort")
    expect(rules).to_contain_text("Minstens 8 tekens. (nog niet voldaan)")
    password.fill("Wachtwoord1")  # meets the three rules, but everybody uses it
    expect(rules).to_contain_text("Minstens 8 tekens. (voldaan)")
    expect(rules).to_contain_text("Minstens één hoofdletter. (voldaan)")
    expect(rules).to_contain_text("Minstens één cijfer. (voldaan)")
    page.get_by_label("Herhaal wachtwoord").fill("Wachtwoord1")
    page.get_by_label("SMS-code").fill(kluis.sms_code("+31612345678"))
    assert no_sideways_scroll(page)
    browse.watch_of(page).expect_failure(422)
    page.get_by_role("button", name="Instellen wachtwoord").click()
    field_error = page.locator("#password-error")
    expect(field_error).to_contain_text("niet sterk genoeg")
    expect(field_error).to_contain_text("Geen wachtwoord dat veel mensen gebruiken.")
    expect(page.get_by_role("alert")).to_contain_text("Er is iets niet goed gegaan")
    expect(page.get_by_label("SMS-code")).not_to_have_value("")  # nothing typed is lost
    assert_accessible(page)
    screenshot(page, "activation-error-phone")

    password.fill("Dorpsstraat-12")
    page.get_by_label("Herhaal wachtwoord").fill("Dorpsstraat-12")
    page.get_by_role("button", name="Instellen wachtwoord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")
    expect(page.get_by_text("Welkom bij Kluis")).to_be_visible()
    assert page.evaluate("() => localStorage.length") == 0  # the token is not kept there
    assert_accessible(page)
    assert kluis.login(case.email, "Dorpsstraat-12")


def test_a_link_without_the_sms_hint_asks_for_the_code_when_the_server_wants_it(browse, kluis):
    case = Case(kluis, mobile="+31612340000")
    case.invite()
    token = link_in(kluis.mail.wait_for(case.email)[0], "/activate").split("token=")[1]
    assert kluis.client().post("/activation", json={"token": token, "email": case.email}
                               ).status_code == 202
    link = link_in(kluis.mail.wait_for(case.email, count=2)[1], "/set-password")
    page = browse.page("/")
    page.goto(link.replace("&sms=1", ""))  # an older link, or one copied in part
    expect(page.get_by_label("SMS-code")).to_have_count(0)
    page.get_by_label("Wachtwoord", exact=True).fill("Dorpsstraat-12")
    page.get_by_label("Herhaal wachtwoord").fill("Dorpsstraat-12")
    browse.watch_of(page).expect_failure(422)
    page.get_by_role("button", name="Instellen wachtwoord").click()
    expect(page.get_by_label("SMS-code")).to_be_visible()
    expect(page.locator("#sms-code-error")).to_contain_text("De code klopt niet")
    page.get_by_label("SMS-code").fill(kluis.sms_code("+31612340000"))
    page.get_by_role("button", name="Instellen wachtwoord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")


def test_activation_in_english_and_a_used_link(browse, kluis):
    case = Case(kluis, name="Emma Clark", language="en")
    case.invite()
    first = kluis.mail.wait_for(case.email)[0]
    page = browse.page(path="/login", locale="en-GB")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.goto(link_in(first, "/activate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate your account")
    browse.watch_of(page).expect_failure(400)
    page.get_by_label("E-mail address").fill("someone-else@voorbeeld.nl")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("This link does not work.")
    page.goto(link_in(first, "/activate"))
    page.get_by_label("E-mail address").fill(case.email)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").filter(has_text="Check your e-mail")).to_be_visible()
    second = kluis.mail.wait_for(case.email, count=2)[1]
    page.goto(link_in(second, "/set-password"))
    expect(page.get_by_label("SMS code")).to_have_count(0)  # no mobile, no text message
    page.get_by_label("Password", exact=True).fill("Sunny-Garden-7")
    page.get_by_label("Repeat password").fill("Sunny-Garden-8")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#password-repeat-error")).to_have_text(
        "The two passwords are not the same. Type the same password twice.")
    page.get_by_label("Repeat password").fill("Sunny-Garden-7")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My details")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("Files")

    again = browse.page(path="/", locale="en-GB")
    again.goto(link_in(second, "/set-password"))
    browse.watch_of(again).expect_failure(410)
    again.get_by_label("Password", exact=True).fill("Sunny-Garden-9")
    again.get_by_label("Repeat password").fill("Sunny-Garden-9")
    again.get_by_role("button", name="Set password").click()
    expect(again.get_by_role("alert")).to_contain_text("This link has already been used.")
