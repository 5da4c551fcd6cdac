"""Error texts in the caller's language (nl, en), by error code. The field messages of
validation errors are in gateway/field_messages.py."""

ERRORS = {
    "validation_error": ("De invoer is niet geldig.", "The input is not valid."),
    "invalid_token": ("Deze link is niet geldig.", "This link is not valid."),
    "unauthenticated": ("U bent niet ingelogd.", "You are not signed in."),
    "session_expired": (
        "Uw sessie is verlopen. Log opnieuw in.",
        "Your session has expired. Please sign in again.",
    ),
    "invalid_credentials": (
        "Het e-mailadres of wachtwoord klopt niet.",
        "The e-mail address or password is not correct.",
    ),
    "invalid_code": ("De code klopt niet of is verlopen.", "The code is wrong or has expired."),
    "invalid_signature": (
        "De handtekening van het apparaat klopt niet.",
        "The device signature is not valid.",
    ),
    "registration_locked": (
        "Deze registratie is geblokkeerd. Begin opnieuw.",
        "This registration is locked. Please start again.",
    ),
    "client_version_unsupported": (
        "Deze versie van de app wordt niet meer ondersteund. Werk de app bij.",
        "This version of the app is no longer supported. Please update the app.",
    ),
    "partner_id_taken": (
        "Er is al een kantoor met dit partner-ID.",
        "An office with this partner ID already exists.",
    ),
    "email_in_use": (
        "Dit e-mailadres hoort bij een ander soort account.",
        "This e-mail address belongs to another kind of account.",
    ),
    "already_member": (
        "Deze persoon werkt al voor dit kantoor.",
        "This person already works for this office.",
    ),
    "last_owner": (
        "Een kantoor houdt minstens één eigenaar.",
        "An office keeps at least one owner.",
    ),
    "client_exists": (
        "Dit kantoor heeft al een klant met dit e-mailadres.",
        "This office already has a client with this e-mail address.",
    ),
    "contact_locked": (
        "E-mailadres en mobiel nummer liggen vast sinds de klant zijn account heeft geactiveerd.",
        "E-mail address and mobile are fixed since the client activated the account.",
    ),
    "invitation_already_accepted": (
        "De klant heeft de uitnodiging al geaccepteerd.",
        "The client has already accepted the invitation.",
    ),
    "dossier_number_taken": (
        "Dit kantoor heeft al een dossier met dit nummer.",
        "This office already has a dossier with this number.",
    ),
    "not_invited": (
        "Deze klant heeft (nog) geen portaalaccount.",
        "This client has no portal account (yet).",
    ),
    "company_required": (
        "U beheert meer dan één bedrijf: kies het bedrijf.",
        "You manage more than one company: choose the company.",
    ),
    "wrong_state": ("Dit kan niet in de huidige stap.", "This is not possible at this step."),
    "role_address_not_allowed": (
        "Gebruik een persoonlijk e-mailadres, geen gedeelde mailbox.",
        "Use a personal e-mail address, not a shared mailbox.",
    ),
    "invalid_mobile": ("Dit is geen geldig mobiel nummer.", "This is not a valid mobile number."),
    "unknown_combination": (
        "Deze combinatie van partner-ID en gegevens is niet bekend.",
        "This combination of partner ID and details is not known.",
    ),
    "webhook_url_not_https": (
        "Een webhook moet een https://-adres zijn (zonder gebruikersnaam of #-deel).",
        "A webhook must be an https:// address (without user name or # part).",
    ),
    "webhook_address_forbidden": (
        "Dit adres is niet toegestaan: geen privé-, lokaal of gereserveerd adres.",
        "This address is not allowed: no private, local or reserved address.",
    ),
    "unknown_webhook_event": (
        "Een of meer gebeurtenissen bestaan niet voor webhooks.",
        "One or more events do not exist for webhooks.",
    ),
    "too_many_webhooks": (
        "Dit kantoor heeft al het maximale aantal webhooks (10).",
        "This office already has the most webhooks allowed (10).",
    ),
    "forbidden": ("U heeft geen toegang tot deze actie.", "You may not do this."),
    "scope_missing": (
        "Deze API-sleutel heeft geen toegang tot deze actie (scope ontbreekt).",
        "This API key may not do this (a scope is missing).",
    ),
    "unknown_scope": (
        "Een of meer scopes bestaan niet voor API-sleutels.",
        "One or more scopes do not exist for API keys.",
    ),
    "expiry_out_of_range": (
        "Een API-sleutel verloopt in de toekomst en hooguit 2 jaar vooruit.",
        "An API key expires in the future and at most 2 years ahead.",
    ),
    "too_many_api_keys": (
        "Dit kantoor heeft al het maximale aantal API-sleutels (20).",
        "This office already has the most API keys allowed (20).",
    ),
    "read_only_session": (
        "In deze meekijksessie kunt u niets wijzigen.",
        "This look-along session cannot change anything.",
    ),
    "not_found": ("Niet gevonden.", "Not found."),
    "method_not_allowed": (
        "Deze methode is hier niet toegestaan.",
        "This method is not allowed here.",
    ),
    "conflict": ("Dit botst met de huidige toestand.", "This conflicts with the current state."),
    "token_expired": (
        "Deze link is verlopen. Vraag een nieuwe aan.",
        "This link has expired. Please ask for a new one.",
    ),
    "token_used": ("Deze link is al gebruikt.", "This link has already been used."),
    "login_refused": (
        "Deze inlogpoging is in de app geweigerd.",
        "This sign-in was refused in the app.",
    ),
    "export_gone": (
        "Dit bestand met uw gegevens is al gedownload of verlopen. Vraag een nieuw aan.",
        "This file with your data was downloaded already or has expired. Ask for a new one.",
    ),
    "request_too_large": ("Het verzoek is te groot.", "The request is too large."),
    "file_too_large": ("Het bestand is te groot.", "The file is too large."),
    "pdf_encrypted": (
        "Deze pdf is met een wachtwoord beveiligd. Stuur de pdf zonder "
        "wachtwoord; geldverstrekkers accepteren beveiligde bestanden niet.",
        "This PDF is protected with a password. Please send it without one; "
        "lenders do not accept protected files.",
    ),
    "virus_found": (
        "In dit bestand is een virus gevonden. Het is niet opgeslagen.",
        "A virus was found in this file. It was not stored.",
    ),
    "scan_failed": (
        "Het bestand kon niet op virussen worden gecontroleerd en is niet "
        "opgeslagen. Probeer het later opnieuw.",
        "The file could not be checked for viruses and was not stored. Please try again later.",
    ),
    "blob_damaged": (
        "Dit bestand is beschadigd en kan niet worden geleverd. Neem contact op met uw kantoor.",
        "This file is damaged and cannot be delivered. Please contact your office.",
    ),
    "blob_shredded": (
        "Dit bestand is gewist: de bewaartermijn is voorbij en het kan niet meer worden geopend.",
        "This file was erased: its retention period has ended and it can no longer be opened.",
    ),
    "client_erased": (
        "De gegevens van deze klant zijn gewist: de bewaartermijn is voorbij.",
        "This client's data was erased: the retention period has ended.",
    ),
    "upload_expired": (
        "Deze upload is verlopen of al gebruikt. Begin opnieuw.",
        "This upload has expired or was already used. Please start again.",
    ),
    "hdn_message_invalid": (
        "Het HDN-bericht is niet geldig; details.element noemt het element.",
        "The HDN message is not valid; details.element names the element.",
    ),
    "hdn_version_unsupported": (
        "Deze versie van het HDN-bericht wordt niet ondersteund (details.element).",
        "This version of the HDN message is not supported (details.element).",
    ),
    "hdn_application_mismatch": (
        "Dit HDN-bericht hoort bij een andere aanvraag dan dit dossier (details.element).",
        "This HDN message belongs to another application than this dossier (details.element).",
    ),
    "request_closed": (
        "Dit verzoek is al goedgekeurd; er kan niets meer bij.",
        "This request was already approved; nothing more can be added.",
    ),
    "request_not_uploaded": (
        "Er is nog niets aangeleverd om te beoordelen.",
        "Nothing has been delivered yet to review.",
    ),
    "document_signed": (
        "Dit document is ondertekend (of ter ondertekening aangeboden en "
        "ondertekend) en kan niet meer veranderen.",
        "This document was signed (or signed from) and can no longer change.",
    ),
    "signer_has_no_account": (
        "Deze klant heeft nog geen actief Kluis-account om te "
        "ondertekenen. Nodig de klant eerst uit.",
        "This client has no active Kluis account to sign with yet. Please invite them first.",
    ),
    "invalid_signer": (
        "Alleen een klant van dit dossier kan ondertekenen.",
        "Only a client of this dossier can sign.",
    ),
    "not_a_pdf": ("Alleen een pdf kan worden ondertekend.", "Only a PDF can be signed."),
    "already_signed": ("Dit document is al ondertekend.", "This document was already signed."),
    "signing_request_closed": (
        "Dit verzoek tot ondertekening is verlopen of ingetrokken.",
        "This signing request has expired or was withdrawn.",
    ),
    "name_mismatch": (
        "De naam komt niet overeen met de naam van de ondertekenaar.",
        "The name does not match the signer's name.",
    ),
    "agreement_required": (
        "Vink aan dat u akkoord gaat om te ondertekenen.",
        "Please tick that you agree, to sign.",
    ),
    "document_changed": (
        "Het document is veranderd sinds het werd aangeboden; vraag het "
        "kantoor om een nieuw verzoek.",
        "The document changed since it was offered; please ask the office for a new request.",
    ),
    "visibility_fixed": (
        "Wat voor een verzoek is aangeleverd, houdt zijn zichtbaarheid: "
        "dat van de klant blijft zichtbaar, dat van de geldverstrekker "
        "verborgen.",
        "What was delivered for a request keeps its visibility: the "
        "client's stays visible, the lender's hidden.",
    ),
    "unsupported_media_type": (
        "Dit type inhoud wordt niet ondersteund. Bestanden: pdf, "
        "foto (JPEG, PNG, HEIC), Word, Excel of platte tekst.",
        "This type of content is not supported. Files: PDF, photo "
        "(JPEG, PNG, HEIC), Word, Excel or plain text.",
    ),
    "questionnaire_completed": (
        "Deze vragenlijst is al afgerond en kan niet meer veranderen.",
        "This questionnaire has been completed and can no longer change.",
    ),
    "questionnaire_incomplete": (
        "Nog niet alle verplichte vragen zijn beantwoord.",
        "Not every required question has been answered yet.",
    ),
    "questionnaire_too_large": (
        "Deze vragenlijst is te groot om als pdf vast te leggen. "
        "Maak de antwoorden korter, met minder regels.",
        "This questionnaire is too large to be recorded as a PDF. "
        "Please shorten the answers, with fewer lines.",
    ),
    "pdf_too_complex": (
        "Deze pdf is te ingewikkeld om te controleren (te veel "
        "handtekeningvelden of onderdelen, of de controle duurde te lang).",
        "This PDF is too complex to check (too many signature fields or "
        "parts, or the check took too long).",
    ),
    "weak_password": ("Het wachtwoord is niet sterk genoeg.", "The password is not strong enough."),
    "wrong_password": ("Het wachtwoord klopt niet.", "The password is not correct."),
    "rate_limited": (
        "Te veel verzoeken. Probeer het later opnieuw.",
        "Too many requests. Please try again later.",
    ),
    "too_many_connections": (
        "Te veel open verbindingen vanaf uw adres. Probeer het later opnieuw.",
        "Too many open connections from your address. Please try again later.",
    ),
    "uploads_busy": (
        "Er worden nu te veel bestanden tegelijk geüpload. Probeer het over enkele "
        "seconden opnieuw.",
        "Too many files are being uploaded at the moment. Please try again in a few seconds.",
    ),
    "request_timeout": (
        "Het verzoek kwam niet op tijd binnen. Probeer het opnieuw.",
        "The request did not arrive in time. Please try again.",
    ),
    "internal_error": ("Interne serverfout.", "Internal server error."),
    "service_unavailable": (
        "De dienst is tijdelijk niet beschikbaar.",
        "The service is temporarily unavailable.",
    ),
    "service_timeout": ("De dienst reageert niet op tijd.", "The service did not answer in time."),
}

# Texts for an error whose cause says more than its code: the error class names one as
# its `message_key` and keeps the code and status of the contract.
PRECISE_ERRORS = {
    "json_required": (
        "Stuur de inhoud als JSON, met de kop 'Content-Type: application/json'.",
        "Send the body as JSON, with the header 'Content-Type: application/json'.",
    ),
    "xml_required": (
        "Stuur het bericht als XML, met de kop 'Content-Type: application/xml'.",
        "Send the message as XML, with the header 'Content-Type: application/xml'.",
    ),
    "multipart_required": (
        "Stuur een bestand als multipart/form-data, in het veld 'file'.",
        "Send a file as multipart/form-data, in the field 'file'.",
    ),
}


def error_message(code, language, message_key=None):
    nl, en = PRECISE_ERRORS.get(message_key) or ERRORS.get(
        code, ERRORS["validation_error"] if code else ERRORS["internal_error"]
    )
    return nl if language == "nl" else en
