"""Signed principals (services/common/context.py): what a service believes of the
`nameko.principal` header. No I/O: the keys are made here and put where the services
look them up."""

import base64
import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.common import principal_keys
from services.common.context import Caller, CallerProvider, Principal, put_principal, sign, verify
from services.common.errors import Forbidden, Unauthenticated

NOW = 1_900_000_000
STAFF = Principal(
    account_id="staff-a", kind="staff", session_id="s-1", offices={"office-a": "owner"}
)


@pytest.fixture
def keys(monkeypatch):
    made = {name: ed25519.Ed25519PrivateKey.generate() for name in ("identity", "dossier")}
    for name, key in made.items():
        monkeypatch.setitem(principal_keys._public, name, key.public_key())
    monkeypatch.setitem(principal_keys._public, "signing", None)  # not published yet
    return made


def signed(principal, keys, issuer="identity", ttl_s=60, now=NOW):
    return sign(principal, issuer, ttl_s, now=now, key=keys[issuer])


def test_a_principal_signed_by_identity_is_believed_until_it_expires(keys):
    token = signed(STAFF, keys)
    assert token.expires_at == NOW + 60
    believed = verify(token.signed, now=NOW + 59)
    assert believed == STAFF and believed.session_id == "s-1"
    assert verify(token.signed, now=NOW + 60) is None


def test_plain_json_and_garbage_are_not_believed(keys):
    for raw in (STAFF.to_json(), None, "", "p1.", "p1.x.y", "p1.a.b.c", 42, "p1." + "A" * 20000):
        assert verify(raw, now=NOW) is None


def test_an_altered_payload_or_signature_is_not_believed(keys):
    _, payload, signature = signed(STAFF, keys).signed.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["offices"] = {"office-b": "owner"}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert verify(f"p1.{forged}.{signature}", now=NOW) is None
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    assert verify(f"p1.{payload}.{flipped}", now=NOW) is None


def test_another_key_cannot_sign_for_identity(keys):
    stranger = ed25519.Ed25519PrivateKey.generate()
    token = sign(STAFF, "identity", 60, now=NOW, key=stranger)
    assert verify(token.signed, now=NOW) is None


def test_a_service_vouches_only_for_itself_and_never_for_people(keys):
    dossier = Principal(account_id="dossier", kind="service")
    assert verify(signed(dossier, keys, "dossier").signed, now=NOW) == dossier
    as_signing = Principal(account_id="signing", kind="service")
    assert verify(signed(as_signing, keys, "dossier").signed, now=NOW) is None
    assert verify(signed(STAFF, keys, "dossier").signed, now=NOW) is None
    admin = Principal(account_id="dossier", kind="admin")
    assert verify(signed(admin, keys, "dossier").signed, now=NOW) is None


def test_an_unknown_or_unpublished_signer_is_not_believed(keys):
    fake = ed25519.Ed25519PrivateKey.generate()
    for issuer in ("signing", "mallory"):
        token = sign(Principal(account_id=issuer, kind="service"), issuer, 60, now=NOW, key=fake)
        assert verify(token.signed, now=NOW) is None


def test_caller_refuses_what_it_does_not_believe_as_unauthenticated(keys):
    caller = Caller(verify(STAFF.to_json()), "nl")
    with pytest.raises(Unauthenticated):
        caller.require("staff")


def test_require_service_names_the_services_that_may_call(keys):
    dossier = Caller(Principal(account_id="dossier", kind="service"), "nl")
    assert dossier.require_service("dossier").account_id == "dossier"
    with pytest.raises(Forbidden):
        dossier.require_service("signing")
    with pytest.raises(Forbidden):
        Caller(STAFF, "nl").require_service("dossier")
    with pytest.raises(Unauthenticated):
        Caller(None, "nl").require_service("dossier")


class _Worker:
    def __init__(self):
        self.data = {}


def test_the_gateway_forwards_the_signed_form_and_the_request_beside_it(keys):
    token = replace(
        sign(STAFF, "identity", 60, key=keys["identity"]),
        source_ip="203.0.113.9",
        user_agent="pytest",
    )
    worker = _Worker()
    put_principal(worker, token, "en")
    assert worker.data["principal"] == token.signed
    caller = CallerProvider().get_dependency(worker)
    assert caller.principal == replace(STAFF, source_ip="203.0.113.9", user_agent="pytest")
    assert caller.language == "en"
