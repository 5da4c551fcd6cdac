"""The signer's personal fields in signing (issue #18, docs/privacy.md), on a migrated
database of each backend: the database holds the signer's name, e-mail address and
evidence only sealed under the key of their client record; `erase_signer` destroys that
key and blanks them, idempotently, while the facts about the document stay; copies of
the sealed values made before no longer open."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from services.common.db import utcnow
from services.common.field_sealing import FieldKeyShredded
from services.common.migrate import upgrade
from services.common.sealed_columns import key_for_owner
from services.common.unit_of_work import unit_of_work
from services.signing import erasure, offers, signature
from services.signing.models import SignerFieldKey, SigningRequest, metadata
from services.signing.platform_key import load_or_create, verify_seal

from .test_signing_rules import SEALING, SIGNER, _offer

PERSONAL = ("Jan Jansen", "jan jansen", "jan@voorbeeld.nl", "10.0.0.1", "password", "Koopakte")


@pytest.fixture
def signing_db(make_db_url, engines):
    url = make_db_url("signing")
    upgrade("signing", url)
    engine = engines(url)
    return engine, lambda: unit_of_work(engine, "signing", metadata.tables["outbox"], SEALING)


def _signed(uow_factory, tmp_path):
    """A request offered to Jan and signed by him (the flow's steps without the PDF):
    -> its id."""
    request_id = _offer(uow_factory)
    with uow_factory() as uow:
        attempt = signature.begin(uow, SIGNER, request_id, "jan jansen", True)
    identity = load_or_create(tmp_path, None, None, None)
    evidence = signature.evidence_of(attempt, SIGNER, identity)
    with uow_factory() as uow:
        signature.finish(
            uow, SIGNER, request_id, attempt["attempt"], evidence, "doc-2", "cd" * 32, identity
        )
    return request_id


def _raw_rows(engine):
    with engine.connect() as raw:
        return [
            dict(row._mapping)
            for row in raw.execute(text("SELECT * FROM signing_requests ORDER BY created_at"))
        ]


def test_the_database_holds_the_signers_fields_sealed(signing_db, tmp_path):
    engine, uow_factory = signing_db
    request_id = _signed(uow_factory, tmp_path)
    (row,) = _raw_rows(engine)
    for column in ("title", "signer_name", "signer_email", "evidence"):
        assert row[column].startswith("s1."), column
    assert not any(value in str(row) for value in PERSONAL)
    with uow_factory() as uow:
        item = uow.session.get(SigningRequest, request_id)
        assert (item.signer_name, item.signer_email) == ("Jan Jansen", "jan@voorbeeld.nl")
        assert item.title == "Koopakte"
        view = signature.evidence_view(item)
        assert view["ip"] == "10.0.0.1" and view["signer"]["name"] == "Jan Jansen"
        assert view["seal"] and view["evidence"]["signed_document_sha256"] == "cd" * 32
        # the evidence opened from its sealed JSON is exactly what the platform sealed
        identity = load_or_create(tmp_path, None, None, None)
        assert verify_seal(identity, view["evidence"], view["seal"])
        assert signature.issued(uow, "cd" * 32)["signer"] == "Jan Jansen"
        assert offers.describe(item)["signer"]["name"] == "Jan Jansen"


def test_erasing_the_signer_destroys_the_key_and_keeps_the_facts(signing_db, tmp_path):
    engine, uow_factory = signing_db
    signed_id = _signed(uow_factory, tmp_path)
    pending_id = _offer(uow_factory, ttl=timedelta(days=1))
    before = {row["id"]: row for row in _raw_rows(engine)}

    with uow_factory() as uow:
        assert erasure.erase_signer(uow, "cli-1") == {"key_destroyed": True, "requests": 2}
    with uow_factory() as uow:  # again: nothing left to do
        assert erasure.erase_signer(uow, "cli-1") == {"key_destroyed": False, "requests": 0}

    after = {row["id"]: row for row in _raw_rows(engine)}
    assert not any(value in str(after) for value in PERSONAL)
    signed = after[signed_id]
    assert (signed["title"], signed["signer_name"], signed["signer_email"]) == ("", "", "")
    assert signed["evidence"] is None and signed["seal"] is None
    for column in ("status", "document_sha256", "signed_document_sha256", "created_at"):
        assert signed[column] == before[signed_id][column], column
    assert signed["closed_at"] == before[signed_id]["closed_at"]
    assert after[pending_id]["status"] == "expired" and after[pending_id]["closed_at"]
    with engine.connect() as raw:
        assert raw.execute(text("SELECT wrapped FROM signer_field_keys")).scalar() is None

    with uow_factory() as uow:
        item = uow.session.get(SigningRequest, signed_id)
        view = signature.evidence_view(item)
        assert view["signer"] is None and view["ip"] is None and view["seal"] is None
        assert view["document_sha256"] == "ab" * 32
        assert view["signed_document_sha256"] == "cd" * 32
        issued = signature.issued(uow, "cd" * 32)
        assert issued["signer"] is None and issued["original_sha256"] == "ab" * 32
        assert offers.describe(item)["status"] == "signed"
        with pytest.raises(FieldKeyShredded):
            key_for_owner(uow.session, SignerFieldKey, "cli-1")

    # The sealed values copied aside before (a backup) put back: they no longer open.
    with engine.begin() as raw:
        raw.execute(
            text(
                "UPDATE signing_requests SET signer_name = :n, signer_email = :e, "
                "evidence = :v WHERE id = :id"
            ),
            {
                "n": before[signed_id]["signer_name"],
                "e": before[signed_id]["signer_email"],
                "v": before[signed_id]["evidence"],
                "id": signed_id,
            },
        )
    with uow_factory() as uow:
        item = uow.session.get(SigningRequest, signed_id)
        assert (item.signer_name, item.signer_email, item.evidence) == ("", "", None)


def test_an_erased_signer_gets_no_reminder_and_nothing_new_is_sealed(signing_db):
    engine, uow_factory = signing_db
    request_id = _offer(uow_factory, ttl=timedelta(days=1))
    with uow_factory() as uow:
        erasure.erase_signer(uow, "cli-1")
    with uow_factory() as uow:
        assert offers.expire_and_remind(uow, timedelta(days=3), "http://portaal") == (0, 0)
        assert uow.session.get(SigningRequest, request_id).status == "expired"
    with pytest.raises(FieldKeyShredded):
        _offer(uow_factory)


def test_two_first_writes_for_one_signer_share_the_key_made_first(signing_db, backend):
    """Two transactions that both found no key for the client (two offers at once): the
    second one's insert meets the first one's key and uses it instead of failing."""
    from services.common.sealed_columns import _insert_key

    if backend == "sqlite":
        pytest.skip("SQLite writes one transaction at a time: two first writes never meet")
    engine, uow_factory = signing_db
    with uow_factory() as late:
        late.session.connection()  # its transaction is open before the other commits
        request_id = _offer(uow_factory)  # made, and committed, the client's key
        key, kek_id, wrapped = SEALING["field_keyring"].new_key()
        row = _insert_key(late.session, SignerFieldKey, key.id, "cli-1", kek_id, wrapped)
        assert row.id != key.id  # the first one's
        late.session.add(
            SigningRequest(
                **{
                    c: getattr(late.session.get(SigningRequest, request_id), c)
                    for c in ("document_id", "dossier_id", "office_id", "title")
                },
                id="second",
                document_sha256="ef" * 32,
                signer_client_id="cli-1",
                signer_account_id="acc-jan",
                signer_name="Jan Jansen",
                signer_email="jan@voorbeeld.nl",
                language="nl",
                office_name="Kantoor A",
                dossier_number="D-1",
                status="pending",
                created_by="staff-a",
                created_at=utcnow(),
                expires_at=utcnow(),
            )
        )
    with uow_factory() as uow:
        assert uow.session.get(SigningRequest, "second").signer_name == "Jan Jansen"
    with engine.connect() as raw:
        assert raw.execute(text("SELECT count(*) FROM signer_field_keys")).scalar() == 1
