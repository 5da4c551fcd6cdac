"""A staff member's phone: a real Ed25519 key, and the steps of docs/api.md's app
registration and sign-in, driven through HTTP."""

import base64
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.systems import SourceAddress, code_in, text_of, unique_email

CODE_SUBJECT = "Uw code voor de Kluis-app"
STAFF_ADDED = "heeft u toegevoegd aan Kluis"


def b64(raw):
    return base64.b64encode(raw).decode()


def from_address(client, address):
    """The client, its requests sent from `address` (any of 127.0.0.0/8 reaches the
    system on 127.0.0.1): another source address as far as the system can tell."""
    client.session.mount("http://", SourceAddress(address))
    return client


class App:
    def __init__(self, kluis, platform="ios", os_version="17.4", app_version="3.2.0", source=None):
        self.kluis = kluis
        self.key = Ed25519PrivateKey.generate()
        self.public_key = b64(
            self.key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )
        self.device = {
            "public_key": self.public_key,
            "name": "iPhone van test",
            "platform": platform,
            "os_version": os_version,
            "app_version": app_version,
        }
        self.client = kluis.client() if source is None else from_address(kluis.client(), source)
        self.registration_id = None
        self.device_id = None

    def sign(self, text):
        return b64(self.key.sign(text.encode()))

    def start(self):
        response = self.client.post("/registrations", json={"device": self.device})
        if response.status_code == 201:
            self.registration_id = response.json()["id"]
        return response

    def identify(self, partner_id, **contact):
        return self.client.post(
            f"/registrations/{self.registration_id}/identify",
            json={"partner_id": partner_id, **contact},
        )

    def verify(self, code):
        return self.client.post(
            f"/registrations/{self.registration_id}/verify", json={"code": code}
        )

    def state(self):
        return self.client.get(f"/registrations/{self.registration_id}").json()

    def complete(self, signature=None):
        challenge = self.state().get("challenge", "")
        response = self.client.post(
            f"/registrations/{self.registration_id}/complete",
            json={"signature": signature or self.sign(challenge)},
        )
        if response.status_code == 200:
            self.device_id = response.json()["device_id"]
        return response

    def login(self):
        challenge = self.client.post(
            "/auth/device/challenge", json={"device_id": self.device_id}
        ).json()["challenge"]
        return self.client.post(
            "/auth/device/login",
            json={
                "device_id": self.device_id,
                "challenge": challenge,
                "signature": self.sign(challenge),
            },
        )

    def code_from_mail(self, email_address, count=1):
        """The code of the `count`-th code e-mail (a person added as staff also gets an
        e-mail about it, without a code)."""
        return code_in(
            text_of(
                self.kluis.mail.wait_for(email_address, count=count, subject=CODE_SUBJECT)[
                    count - 1
                ]
            )
        )


class Office:
    """An office made by the admin, with helpers to staff it."""

    def __init__(self, kluis, admin):
        self.kluis = kluis
        self.admin = admin
        self.partner_id = "DP-" + uuid.uuid4().hex[:8].upper()
        response = admin.post(
            "/offices",
            json={
                "partner_id": self.partner_id,
                "name": f"Hypotheekhuis {self.partner_id}",
                "city": "Utrecht",
            },
        )
        assert response.status_code == 201, response.text
        self.id = response.json()["id"]

    def add(self, by, role, email_address=None, name="Anna de Vries", mobile=None):
        email_address = email_address or unique_email("adviseur")
        response = by.post(
            f"/offices/{self.id}/staff",
            json={"name": name, "email": email_address, "mobile": mobile, "role": role},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def register(self, person, approver, count=1):
        """The whole app registration of a recorded person. -> (app, signed-in client)."""
        app = App(self.kluis)
        assert app.start().status_code == 201
        assert app.identify(self.partner_id, email=person["email"]).status_code == 200
        assert app.verify(app.code_from_mail(person["email"], count)).status_code == 200
        pending = approver.post(f"/registrations/{app.registration_id}/approve")
        assert pending.status_code == 204, pending.text
        response = app.complete()
        assert response.status_code == 200, response.text
        return app, self.kluis.client(response.json()["token"])

    def staffed(self, role, approver_client=None, **person):
        """Record and register a person with `role`, approved by the right approver."""
        person = self.add(approver_client or self.admin, role, **person)
        return self.register(person, approver_client or self.admin)
