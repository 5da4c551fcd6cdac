"""The signing request's state rules on a real (migrated) signing database: an attempt
under way blocks withdrawal, a withdrawn or superseded attempt cannot finish, a crashed
attempt does not keep a request alive past its time, a look-along session sees only
its office's requests."""

import base64
from datetime import timedelta

import pytest

from services.common.context import Principal
from services.common.db import make_engine, utcnow
from services.common.errors import NotFound
from services.common.field_sealing import FieldKeyring
from services.common.migrate import upgrade
from services.common.paging import Pager
from services.common.sealed_columns import KEYRING
from services.common.unit_of_work import unit_of_work
from services.signing import access, offers, signature
from services.signing.exceptions import SigningInProgress, SigningRequestClosed
from services.signing.models import SigningRequest, metadata

SIGNER = Principal(
    account_id="acc-jan",
    kind="client",
    source_ip="10.0.0.1",
    user_agent="test",
    auth_method="password",
)
STAFF = Principal(account_id="staff-a", kind="staff", offices={"office-a": "owner"})
PAGER = Pager(b"k" * 32)
# signing's field keys (the signer's fields are sealed): as config, and as a keyring
FIELD_CONFIG = {
    "FIELD_KEYS": "t1:" + base64.b64encode(b"f" * 32).decode(),
    "FIELD_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
}
RING = FieldKeyring({"t1": b"f" * 32}, "t1", b"i" * 32)
SEALING = {KEYRING: RING}


@pytest.fixture
def uow_factory(tmp_path):
    url = f"sqlite:///{tmp_path / 'signing.db'}"
    upgrade("signing", url)
    engine = make_engine(url)
    return lambda: unit_of_work(engine, "signing", metadata.tables["outbox"], SEALING)


def _offer(uow_factory, ttl=timedelta(days=1)):
    document = {
        "id": "doc-1",
        "dossier_id": "dos-1",
        "office_id": "office-a",
        "title": "Koopakte",
        "sha256": "ab" * 32,
    }
    signer = {
        "client_id": "cli-1",
        "account_id": "acc-jan",
        "name": "Jan Jansen",
        "email": "jan@voorbeeld.nl",
        "language": "nl",
        "office_name": "Kantoor A",
        "dossier_number": "D-1",
    }
    with uow_factory() as uow:
        return offers.offer(uow, STAFF, document, signer, ttl, "http://portaal")["id"]


def _begin(uow_factory, request_id):
    with uow_factory() as uow:
        return signature.begin(uow, SIGNER, request_id, "jan jansen", True)


def test_no_withdrawal_while_the_signer_is_signing(uow_factory):
    request_id = _offer(uow_factory)
    _begin(uow_factory, request_id)
    with pytest.raises(SigningInProgress), uow_factory() as uow:
        offers.withdraw(uow, STAFF, request_id)


def test_a_superseded_attempt_cannot_finish(uow_factory):
    request_id = _offer(uow_factory)
    first = _begin(uow_factory, request_id)
    with uow_factory() as uow:  # the first attempt died long ago; a second one starts
        uow.session.get(SigningRequest, request_id).signing_started_at -= timedelta(hours=1)
    second = _begin(uow_factory, request_id)
    with pytest.raises(SigningRequestClosed), uow_factory() as uow:
        signature.finish(
            uow,
            SIGNER,
            request_id,
            first["attempt"],
            {"signed_at": "x"},
            "doc-2",
            "cd" * 32,
            identity=None,
        )
    assert second["attempt"] != first["attempt"]


def test_a_crashed_attempt_does_not_keep_a_request_alive(uow_factory):
    request_id = _offer(uow_factory, ttl=timedelta(seconds=1))
    with uow_factory() as uow:
        item = uow.session.get(SigningRequest, request_id)
        item.signing_started_at = utcnow() - timedelta(hours=1)
        item.expires_at = utcnow() - timedelta(seconds=1)
    with uow_factory() as uow:
        offers.expire_and_remind(uow, timedelta(days=3), "http://portaal")
    with uow_factory() as uow:
        assert uow.session.get(SigningRequest, request_id).status == "expired"


def test_look_along_sees_only_its_office(uow_factory):
    request_id = _offer(uow_factory)
    elsewhere = Principal(
        account_id="acc-jan",
        kind="client",
        read_only=True,
        looked_along_by="staff-b",
        scope_office_id="office-b",
    )
    with uow_factory() as uow:
        assert offers.list_for(uow, PAGER, elsewhere)["items"] == []
        assert offers.pending_actions(uow, PAGER, elsewhere)["items"] == []
        assert offers.count_pending(uow, elsewhere) == 0
        assert offers.list_for(uow, PAGER, SIGNER)["items"][0]["id"] == request_id
        assert offers.pending_actions(uow, PAGER, SIGNER)["items"][0]["id"] == request_id
        assert offers.count_pending(uow, SIGNER) == 1
        with pytest.raises(NotFound):
            access.visible_request(uow, elsewhere, request_id)
        assert access.visible_request(uow, SIGNER, request_id).id == request_id
