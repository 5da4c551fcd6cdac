"""An example of each JSON request body, by its schema: shown in the OpenAPI document
(`requestBody.content.application/json.example`) and sent as is by the contract test's
examples phase (tests/e2e/test_contract.py). Each is valid for its schema
(tests/unit/test_gateway_openapi_examples.py); ids name nothing that exists."""

from . import schemas as s

ID = "0b7f5e1c-3d2a-4c8e-9f61-2a7d4b9c8e10"
OTHER_ID = "5d0c2b7e-8a41-4f3b-b6d9-71e2c4a9f035"
# base64 of 64 bytes (an Ed25519 signature's size) and of 32 (a public key's)
SIGNATURE = "A" * 86 + "=="
PUBLIC_KEY = "q8hY2kGZ7Vf0m3yXc1Jt6n0bRrU4eWl9sA5dPzQ1oKI="
TOKEN = "Yk3q9ZpW7tRr2vLx8uNc4sJd6fHa1gQe0mB5oCiT"
PASSWORD = "paarden-batterij-nietje-correct"

EXAMPLES = {
    s.LoginBody: {"email": "anna.devries@example.nl", "password": PASSWORD},
    s.ForgotBody: {"email": "anna.devries@example.nl"},
    s.ResetBody: {"token": TOKEN, "password": PASSWORD},
    s.DeviceIdBody: {"device_id": ID},
    s.DeviceLoginBody: {"device_id": ID, "challenge": "c2f1d4e8a9b7", "signature": SIGNATURE},
    s.AppLoginLookupBody: {"device_id": ID, "pairing_code": "K7PX9M2Q", "signature": SIGNATURE},
    s.AppLoginApproveBody: {"device_id": ID, "signature": SIGNATURE},
    s.AppLoginClaimBody: {"poll_secret": TOKEN},
    s.ClientBody: {
        "type": "person",
        "name": "Anna de Vries",
        "email": "anna.devries@example.nl",
        "mobile": "+31612345678",
        "language": "nl",
    },
    s.ClientPatch: {"name": "Anna de Vries-Jansen", "language": "en"},
    s.ConsentBody: {"shared": True},
    s.WebhookBody: {
        "url": "https://elements.example.nl/kluis/webhooks",
        "events": ["document_uploaded", "request_reviewed"],
    },
    s.ActivationBody: {"token": TOKEN, "email": "anna.devries@example.nl"},
    s.ActivationCompleteBody: {"token": TOKEN, "password": PASSWORD},
    s.ProductBody: {
        "kind": "mortgage",
        "provider": "Hypotheekbank",
        "number": "HB-2024-0042",
        "amount_cents": 32500000,
        "start_date": "2024-03-01",
    },
    s.ApplicationBody: {"amount_cents": 41000000, "lender": "Hypotheekbank"},
    s.ApplicationPatch: {"status": "approved"},
    s.DocumentPatch: {"public": True},
    s.RequestBody: {
        "title": "Loonstrook van maart",
        "description": "De laatste loonstrook, als PDF.",
        "deliver_by": "client",
        "due_date": "2030-04-15",
    },
    s.ReviewBody: {"decision": "reject", "reason": "De pagina's zijn onleesbaar."},
    s.DossierBody: {"number": "2024-017", "description": "Hypotheek Dorpsstraat 12"},
    s.DossierPatch: {"status": "closed"},
    s.Preferences: {"new_documents": True, "questionnaires": True, "messages": False},
    s.MePatch: {"language": "en"},
    s.ActiveOfficeBody: {"office_id": ID},
    s.MessageBody: {"subject": "Taxatierapport", "body": "Het rapport staat bij de documenten."},
    s.ReplyBody: {"body": "Dank u, ik kijk ernaar.", "attachment_ids": [OTHER_ID]},
    s.OfficeBody: {"partner_id": "advies-utrecht", "name": "Advies Utrecht", "city": "Utrecht"},
    s.StaffBody: {"name": "Bram Jansen", "email": "bram@advies-utrecht.example", "role": "staff"},
    s.StaffLinkConfirmBody: {"token": TOKEN},
    s.StaffPatch: {"role": "staff_manager"},
    s.ExtraAccountBody: {
        "name": "Carla Bakker",
        "email": "carla@bakker-bv.example",
        "language": "nl",
    },
    s.TemplateBody: {
        "title": "Intake hypotheek",
        "pages": [
            {
                "title": "Uw situatie",
                "questions": [
                    {"key": "income", "label": "Bruto jaarinkomen", "type": "number"},
                    {
                        "key": "household",
                        "label": "Huishouden",
                        "type": "choice",
                        "required": True,
                        "options": ["alleen", "samen"],
                    },
                ],
            }
        ],
    },
    s.AssignBody: {"template_id": ID},
    s.PageAnswersBody: {"answers": {"income": 54000, "household": "samen"}},
    s.RegistrationBody: {
        "device": {
            "public_key": PUBLIC_KEY,
            "name": "iPhone van Anna",
            "platform": "ios",
            "os_version": "17.4",
            "app_version": "2.3.1",
        }
    },
    s.IdentifyBody: {"partner_id": "advies-utrecht", "email": "anna.devries@example.nl"},
    s.CodeBody: {"code": "482913"},
    s.SignatureBody: {"signature": SIGNATURE},
    s.RejectBody: {"reason": "Onbekende aanvraag"},
    s.SecondStepBody: {"challenge_id": ID, "code": "482913"},
    s.MobileBody: {"mobile": "+31612345678"},
    s.PasswordBody: {"password": PASSWORD},
    s.SigningOffer: {"signer_id": ID},
    s.SignBody: {"full_name": "Anna de Vries", "agree": True},
    s.ApiKeyBody: {
        "name": "Elements",
        "scopes": ["clients:read", "dossiers:read", "documents:write"],
    },
}
