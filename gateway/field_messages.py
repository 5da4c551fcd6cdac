"""The field messages of validation errors in Dutch: marshmallow writes them in English
(and services write theirs in the same words, services/common/schemas.py)."""

FIELD_MESSAGES = {
    # questionnaires (services/dossier/questionnaire_rules.py and gateway/schemas/questionnaires.py)
    "Use 1 to 40 characters: a-z, 0-9 or _.": "Gebruik 1 tot 40 tekens: a-z, 0-9 of _.",
    "This key is already used in this questionnaire.": "Deze sleutel komt al voor in deze vragenlijst.",
    "Must be one of: text, number, date, yes_no, choice.": "Moet een van deze zijn: text, number, date, yes_no, choice.",
    "A choice question needs options.": "Een keuzevraag heeft opties nodig.",
    "Only a choice question has options.": "Alleen een keuzevraag heeft opties.",
    "Options must be unique.": "Opties moeten verschillend zijn.",
    "Not a question on this page.": "Geen vraag op deze pagina.",
    "Must be one of the options.": "Moet een van de opties zijn.",
    "Required when you work for several offices.": "Verplicht als u voor meerdere kantoren werkt.",
    "Not a valid list.": "Geen geldige lijst.",
    "Not a valid mapping type.": "Geen geldig object.",
    "Longer than maximum length 2000.": "Hooguit 2000 tekens.",
    "Length must be between 1 and 20.": "Tussen 1 en 20.",
    "Length must be between 1 and 30.": "Tussen 1 en 30.",
    "Length must be between 1 and 50.": "Tussen 1 en 50.",
    "Length must be between 1 and 40.": "Gebruik 1 tot 40 tekens.",
    "Length must be between 1 and 300.": "Gebruik 1 tot 300 tekens.",
    "Missing data for required field.": "Dit veld is verplicht.",
    "Unknown field.": "Onbekend veld.",
    "Field may not be null.": "Dit veld mag niet leeg zijn.",
    "Not a valid string.": "Geen geldige tekst.",
    "Not a valid email address.": "Geen geldig e-mailadres.",
    "Not a valid boolean.": "Geen geldige ja/nee-waarde.",
    "Not a valid integer.": "Geen geldig geheel getal.",
    "Not a valid number.": "Geen geldig getal.",
    "Not a valid date.": "Geen geldige datum.",
    "Invalid input type.": "Ongeldig type invoer.",
    "Invalid JSON.": "Ongeldige JSON.",
    "Expected a JSON object.": "Een JSON-object verwacht.",
    "Shorter than minimum length 1.": "Dit veld mag niet leeg zijn.",
    "Must be one of: nl, en.": "Moet een van deze zijn: nl, en.",
    "Not a valid value.": "Geen geldige waarde.",
    "Too long.": "Te lang.",
    "Not a valid version.": "Geen geldig versienummer.",
    "Not a valid partner ID.": "Geen geldig partner-ID.",
    "Not a valid code.": "Geen geldige code.",
    "Must be one of: person, company.": "Moet een van deze zijn: person, company.",
    "Must be one of: in_progress, closed.": "Moet een van deze zijn: in_progress, closed.",
    "Must be one of: in_progress, closed, all.": "Moet een van deze zijn: in_progress, closed, all.",
    "Give either code or recovery_code.": "Geef een code of een herstelcode, niet beide.",
    "Must be one of: mortgage, life_insurance.": "Moet een van deze zijn: mortgage, life_insurance.",
    "Give either email or mobile.": "Geef een e-mailadres of een mobiel nummer, niet beide.",
    "Give language or name.": "Geef een taal of een naam.",
    "Not a valid Ed25519 public key.": "Geen geldige Ed25519-sleutel.",
    "Must be one of: ios, android.": "Moet een van deze zijn: ios, android.",
    "Must be one of: owner, staff_manager, staff.": "Moet een van deze zijn: owner, staff_manager, staff.",
    "Length must be between 1 and 200.": "Gebruik 1 tot 200 tekens.",
    "Length must be between 1 and 500.": "Gebruik 1 tot 500 tekens.",
    "Longer than maximum length 10.": "Hooguit 10.",
    "At most 10.": "Hooguit 10.",
    "At most 10 attachment ids.": "Hooguit 10 bijlagen.",
}


def field_messages(details, language):
    """Translate marshmallow's field messages (nested dicts and lists) into Dutch."""
    if language != "nl":
        return details
    if isinstance(details, dict):
        return {key: field_messages(value, language) for key, value in details.items()}
    if isinstance(details, list):
        return [field_messages(value, language) for value in details]
    if isinstance(details, str):
        return FIELD_MESSAGES.get(details, details)
    return details
