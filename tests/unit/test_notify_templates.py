"""notify's templates: every one in Dutch and English, strict about missing values."""

from pathlib import Path

import pytest
from jinja2.exceptions import UndefinedError

from services.notify import templates
from services.notify.exceptions import UnknownTemplate
from services.notify.templates import render, template_names

# Every value any template uses (see services/notify/templates/*/*.txt).
DATA = {
    "name": "Jan de Vries",
    "minutes": 15,
    "code": "482913",
    "office": "Hypotheekhuis Noord",
    "reason": "Onbekend toestel",
    "days": 14,
    "hours": 24,
    "with_sms": True,
    "activation_url": "https://kluis.example/activate?token=inv123",
    "password_url": "https://kluis.example/set-password?token=pw123",
    "title": "Loonstrook mei",
    "dossier_number": "2026-017",
    "expires_on": "1 december 2026",
    "portal_url": "https://kluis.example/dossiers/2026-017",
    "forgot_url": "https://kluis.example/forgot-password",
    "reset_url": "https://kluis.example/reset-password?token=abc123XYZ",
    "person": "Anna de Vries",
    "role": "staff",
    "partner_id": "DP-1234",
    "app_url": "https://kluis.example/app",
    "confirm_url": "https://kluis.example/staff-link?token=lnk123",
    "url": "https://erp.example.nl/kluis/hooks",
    "event_type": "document_uploaded",
    "error": "http 500",
    "changes": [
        {"title": "Loonstrook", "status": "rejected", "informational": False},
        {"title": "Aanslag IB", "status": "approved", "informational": True},
    ],
}
EXPECTED = {
    "account_locked",
    "password_changed",
    "password_reset",
    "registration_code",
    "registration_approved",
    "registration_rejected",
    "client_invitation",
    "activation_password",
    "activation_code",
    "activation_confirmed",
    "login_code",
    "new_document",
    "request_rejected",
    "new_message",
    "new_questionnaire",
    "signing_request",
    "signing_reminder",
    "staff_added",
    "registration_waiting",
    "staff_link_requested",
    "link_request",
    "export_ready",
    "webhook_paused",
    "requests_updated",
}
SHORT = {"registration_code", "activation_code", "login_code"}  # also sent by SMS: no greeting


def test_the_templates_the_services_send_exist():
    assert set(template_names()) >= EXPECTED


def test_every_language_has_the_same_templates():
    folder = Path(templates.__file__).with_name("templates")
    names = {
        language: {p.stem for p in (folder / language).glob("*.txt")}
        for language in templates.LANGUAGES
    }
    assert names["nl"] == names["en"] == set(template_names())


@pytest.mark.parametrize("language", templates.LANGUAGES)
@pytest.mark.parametrize("name", template_names())
def test_every_template_renders_a_subject_and_a_body(name, language):
    subject, body = render(name, language, DATA)
    assert subject.strip() and "\n" not in subject
    assert not subject.startswith("Subject:")
    assert body.strip() and not body.startswith("Subject:")
    assert (DATA["code"] if name in SHORT else DATA["name"]) in body


@pytest.mark.parametrize("name", template_names())
def test_dutch_and_english_texts_differ(name):
    nl_subject, nl_body = render(name, "nl", DATA)
    en_subject, en_body = render(name, "en", DATA)
    assert nl_subject != en_subject
    assert nl_body != en_body


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_links_and_minutes_are_written_into_the_mail_unchanged(language):
    _, reset_body = render("password_reset", language, DATA)
    assert DATA["reset_url"] in reset_body
    _, locked_body = render("account_locked", language, DATA)
    assert DATA["forgot_url"] in locked_body and "15" in locked_body


def test_plain_text_mail_is_not_html_escaped():
    url = "https://kluis.example/reset-password?token=a&lang=nl"
    _, body = render("password_reset", "en", {**DATA, "reset_url": url})
    assert url in body and "&amp;" not in body


@pytest.mark.parametrize("language", ["fr", "", None, "NL"])
def test_unknown_language_falls_back_to_dutch(language):
    assert render("password_changed", language, DATA) == render("password_changed", "nl", DATA)


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_a_missing_value_raises_instead_of_rendering_blank(language):
    with pytest.raises(UndefinedError):
        render("password_reset", language, {"name": "Jan", "minutes": 60})


@pytest.mark.parametrize("name", ["no_such_template", "../en/password_reset", ""])
def test_unknown_template_raises(name):
    with pytest.raises(UnknownTemplate):
        render(name, "nl", DATA)


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_a_code_is_the_only_six_digit_number_in_its_text(language):
    import re

    subject, body = render("registration_code", language, {**DATA, "office": "Kantoor 123456"})
    assert re.findall(r"(?<!\d)\d{6}(?!\d)", subject + " " + body) == [DATA["code"]]


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_a_rejection_says_why_only_when_there_is_a_reason(language):
    _, with_reason = render("registration_rejected", language, DATA)
    _, without = render("registration_rejected", language, {**DATA, "reason": ""})
    assert DATA["reason"] in with_reason and DATA["reason"] not in without


@pytest.mark.parametrize("language", templates.LANGUAGES)
@pytest.mark.parametrize("name", template_names())
def test_the_html_part_escapes_every_value(name, language):
    hostile = {
        key: (f"<b>{value}</b>" if isinstance(value, str) else value) for key, value in DATA.items()
    }
    html = templates.render_html(name, language, hostile)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.startswith("<!doctype html>") and f'lang="{language}"' in html


def test_links_in_the_html_part_are_clickable_and_escaped():
    html = templates.render_html(
        "password_reset", "en", {**DATA, "reset_url": "https://k.example/r?token=a&b=1"}
    )
    assert '<a href="https://k.example/r?token=a&amp;b=1">' in html


def test_values_cannot_break_the_subject_or_smuggle_links():
    data = templates.clean(
        {
            **DATA,
            "office": "Kantoor\r\nBcc: x@evil.example",
            "title": "https://evil.example/login",
            "dossier_number": None,
        }
    )
    subject, body = render("new_message", "en", data)
    assert "\n" not in subject and "\r" not in subject
    assert subject == "New message from Kantoor Bcc: x@evil.example: https://evil.example/login"
    html = templates.render_html("new_message", "en", data)
    assert '<a href="https://evil.example/login">' not in html  # a value, not our link
    assert '<a href="https://kluis.example/dossiers/2026-017">' in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_added_says_the_office_its_partner_id_and_where_the_app_is(language):
    subject, body = render("staff_added", language, {**DATA, "role": "staff_manager"})
    assert "Hypotheekhuis Noord" in subject
    assert "DP-1234" in body and "https://kluis.example/app" in body
    assert ("personeelsbeheerder" if language == "nl" else "staff manager") in body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_link_requested_names_the_office_and_the_link_to_confirm(language):
    subject, body = render("staff_link_requested", language, {**DATA, "role": "owner"})
    assert "Hypotheekhuis Noord" in subject
    assert "DP-1234" in body and "https://kluis.example/staff-link?token=lnk123" in body
    assert ("eigenaar" if language == "nl" else "owner") in body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_registration_waiting_names_the_person_and_the_office(language):
    _subject, body = render("registration_waiting", language, {**DATA, "role": "owner"})
    assert "Anna de Vries" in body and "Hypotheekhuis Noord" in body
    assert ("eigenaar" if language == "nl" else "owner") in body
