"""What an office has set up for a client before the client opens the portal: built
through the HTTP API as the office would (staff registered with a real device key),
so that the browser tests start from a real state."""
import time
import uuid

from tests import samples
from tests.e2e.staff_app import Office
from tests.systems import CLIENT_PASSWORD, link_token, unique_email


class Case:
    """An office with a registered owner, and one client of it."""

    def __init__(self, kluis, name="Jan Jansen", language="nl", mobile=None, kind="person"):
        self.kluis = kluis
        self.office = Office(kluis, kluis.admin())
        self.staff = self.office.staffed("owner")[1]
        self.email = unique_email()
        body = {"type": kind, "name": name, "email": self.email, "language": language}
        if mobile:
            body["mobile"] = mobile
        response = self.staff.post(f"/offices/{self.office.id}/clients", json=body)
        assert response.status_code == 201, response.text
        self.client = response.json()
        self.name = name
        self.password = CLIENT_PASSWORD
        self.portal = None  # the client's own API session, once activated

    # -- the portal account --------------------------------------------------------------
    def invite(self):
        """E-mail 1 goes out; -> its activation token."""
        before = len(self.kluis.mail.messages(self.email))
        assert self.staff.post(f"/clients/{self.client['id']}/invitation").status_code == 202
        return link_token(self.kluis.mail.wait_for(self.email, count=before + 1)[before])

    def activate(self):
        """The whole activation through the API (for tests about other journeys)."""
        from tests.e2e.test_clients import activate
        self.portal = activate(self.kluis, self.staff, self.client, password=self.password)
        return self.portal

    def login_api(self):
        self.portal = self.kluis.client(self.kluis.login(self.email, self.password))
        return self.portal

    # -- what the office puts in a dossier -----------------------------------------------
    def dossier(self, number=None, description="Hypotheek Dorpsstraat 12"):
        number = number or f"D-{uuid.uuid4().hex[:6].upper()}"
        response = self.staff.post(f"/clients/{self.client['id']}/dossiers",
                                   json={"number": number, "description": description})
        assert response.status_code == 201, response.text
        return response.json()

    def document(self, dossier_id, title, category="document", public=True, content=None,
                 name=None):
        files = {"file": (name or f"{title}.pdf", content or samples.pdf(title),
                          "application/octet-stream")}
        response = self.staff.post(f"/dossiers/{dossier_id}/documents", files=files, data={
            "category": category, "public": "true" if public else "false", "title": title})
        assert response.status_code == 201, response.text
        self.until_dossier_knows(dossier_id, response.json()["id"])
        return response.json()

    def until_dossier_knows(self, dossier_id, document_id, timeout=10):
        """The dossier's counts per tab include a document once dossier took its upload
        event (about a second later): its audit entry, written in the same transaction,
        shows that it has, without reading (and auditing a view of) the dossier."""
        deadline = time.monotonic() + timeout
        while not any(e["object"]["id"] == document_id for e in self.staff.get(
                f"/dossiers/{dossier_id}/audit").json()["items"]):
            assert time.monotonic() < deadline, f"dossier did not hear of {document_id}"
            time.sleep(0.05)

    def request(self, dossier_id, title, description=None, due_date=None):
        response = self.staff.post(f"/dossiers/{dossier_id}/requests", json={
            "title": title, "description": description, "deliver_by": "client",
            "due_date": due_date})
        assert response.status_code == 201, response.text
        return response.json()

    def review(self, request_id, decision, reason=None):
        response = self.staff.post(f"/requests/{request_id}/review",
                                   json={"decision": decision, "reason": reason})
        assert response.status_code == 200, response.text
        return response.json()

    def message(self, dossier_id, subject, body):
        response = self.staff.post(f"/dossiers/{dossier_id}/messages",
                                   json={"subject": subject, "body": body})
        assert response.status_code == 201, response.text
        return response.json()

    def questionnaire(self, dossier_id, title="Uw situatie"):
        template = self.staff.post("/questionnaire-templates", json={"title": title, "pages": [
            {"title": "Over u", "questions": [
                {"key": "birth_date", "label": "Geboortedatum", "type": "date", "required": True},
                {"key": "partner", "label": "Heeft u een partner?", "type": "yes_no",
                 "required": True}]},
            {"title": "Wonen en werk", "questions": [
                {"key": "income", "label": "Bruto jaarinkomen in euro", "type": "number",
                 "required": True},
                {"key": "contract", "label": "Soort dienstverband", "type": "choice",
                 "required": True, "options": ["Vast", "Tijdelijk", "Zelfstandig"]},
                {"key": "remarks", "label": "Opmerkingen", "type": "text",
                 "required": False}]}]})
        assert template.status_code == 201, template.text
        response = self.staff.post(f"/dossiers/{dossier_id}/questionnaires",
                                   json={"template_id": template.json()["id"]})
        assert response.status_code == 201, response.text
        return response.json()

    def offer_for_signing(self, dossier_id, title="Koopovereenkomst"):
        document = self.document(dossier_id, title, public=False)
        response = self.staff.post(f"/documents/{document['id']}/signing-requests",
                                   json={"signer_id": self.client["id"]})
        assert response.status_code == 201, response.text
        return response.json()

    def product(self, **fields):
        response = self.staff.post(f"/clients/{self.client['id']}/products", json=fields)
        assert response.status_code == 201, response.text
        return response.json()

    def application(self, amount_cents, lender=None, status=None):
        body = {"amount_cents": amount_cents, **({"lender": lender} if lender else {})}
        response = self.staff.post(f"/clients/{self.client['id']}/mortgage-applications",
                                   json=body)
        assert response.status_code == 201, response.text
        application = response.json()
        if status:
            changed = self.staff.patch(f"/mortgage-applications/{application['id']}",
                                       json={"status": status})
            assert changed.status_code == 200, changed.text
        return application

    def look_along_token(self):
        response = self.staff.post(f"/clients/{self.client['id']}/look-along")
        assert response.status_code == 200, response.text
        return response.json()["token"]
