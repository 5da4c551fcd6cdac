"""Who signing is told to erase at the end of retention (docs/privacy.md "Bewaren en
wissen", issue #18): the client, and each extra account of a company, current or
removed earlier (known by the audit trail alone then); clients erased before dossier
told signing (client_retention.signer_erased_at empty) are found for the timer's
catch-up; and removing an extra account destroys its field key."""

from datetime import datetime, timedelta

from sqlalchemy import select, text

from services.common.context import Principal
from services.common.migrate import upgrade
from services.dossier import accounts, retention
from services.dossier.models import Client, ClientFieldKey, ClientRetention

from .test_dossier_sealed_fields import NOW, Store

OWNER = Principal(account_id="company-account", kind="client")


def _database(make_db_url, engines):
    url = make_db_url("dossier")
    upgrade("dossier", url)
    engine = engines(url)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO offices (id, partner_id, name, city, created_at)"
                " VALUES ('office-1', 'P1', 'Kantoor', 'Utrecht', :now)"
            ),
            {"now": NOW},
        )
    store = Store(engine)
    with store.unit_of_work() as uow:
        uow.session.add(
            Client(
                id="company-1",
                office_id="office-1",
                type="company",
                name="Bakkerij BV",
                email="bv@voorbeeld.nl",
                language="nl",
                shared=True,
                invitation_status="accepted",
                account_id=OWNER.account_id,
                created_by="staff-1",
                created_at=retention.utcnow(),
            )
        )
    return engine, store


def _key(uow, owner_id):
    return uow.session.scalars(
        select(ClientFieldKey.wrapped).where(ClientFieldKey.owner_id == owner_id)
    ).one()


def test_every_extra_account_ever_added_is_a_signer_to_erase(make_db_url, engines):
    engine, store = _database(make_db_url, engines)
    with store.unit_of_work() as uow:
        kept = accounts.add_extra_account(uow, OWNER, "Kees", "kees@voorbeeld.nl").id
        gone = accounts.add_extra_account(uow, OWNER, "Greet", "greet@voorbeeld.nl").id
    with store.unit_of_work() as uow:
        assert _key(uow, gone) is not None  # it had a key
        accounts.remove_extra_account(uow, OWNER, gone)
    with store.unit_of_work() as uow:
        assert uow.session.get(Client, gone) is None
        assert _key(uow, gone) is None  # destroyed
        assert _key(uow, kept) is not None
        signers = retention.signer_ids(uow, "company-1")
    assert signers[0] == "company-1"
    assert sorted(signers[1:]) == sorted([kept, gone])


def test_clients_erased_before_signing_was_told_are_caught_up(make_db_url, engines):
    engine, store = _database(make_db_url, engines)
    with engine.begin() as db:  # erased by an earlier release: signing never heard of it
        db.execute(
            text(
                "INSERT INTO client_retention (client_id, office_id, ended_at, ended_by,"
                " erase_at, erased_at) VALUES ('company-1', 'office-1', :now, 'staff-1',"
                " :now, :now)"
            ),
            {"now": NOW},
        )
    with store.unit_of_work() as uow:
        assert [id_ for _, id_ in retention.signers_pending(uow)] == ["company-1"]
        retention.signers_erased(uow, "company-1")
    with store.unit_of_work() as uow:
        assert retention.signers_pending(uow) == []
        row = uow.session.scalars(select(ClientRetention)).one()
        assert row.signer_erased_at is not None


def test_a_round_reads_past_a_full_batch_of_clients_that_stay_due(
    make_db_url, engines, monkeypatch
):
    """Clients whose erasure keeps failing stay due; a round must still reach those
    after them (it read only the first 50 before: 50 failing clients held up all the
    others for good)."""
    from types import SimpleNamespace

    from services.dossier.retention_entrypoints import RetentionEntrypoints

    engine, store = _database(make_db_url, engines)
    ids = [f"client-{n}" for n in range(5)]
    with store.unit_of_work() as uow:
        for client_id in ids:
            uow.session.add(
                Client(
                    id=client_id,
                    office_id="office-1",
                    type="person",
                    name="Piet",
                    email=f"{client_id}@voorbeeld.nl",
                    language="nl",
                    shared=True,
                    invitation_status="accepted",
                    created_by="staff-1",
                    created_at=retention.utcnow(),
                )
            )
    with engine.begin() as db:
        for n, client_id in enumerate(ids):
            db.execute(
                text(
                    "INSERT INTO client_retention (client_id, office_id, ended_at, ended_by,"
                    " erase_at) VALUES (:id, 'office-1', :now, 'staff-1', :due)"
                ),
                # two share a moment: the client id orders them
                {"id": client_id, "now": NOW, "due": _days_before_now(n // 2)},
            )
    monkeypatch.setattr(retention, "ROUND_BATCH", 2)
    service = SimpleNamespace(store=store)
    every = list(RetentionEntrypoints._each(service, retention.due_for_erasure))
    assert sorted(every) == ids and len(every) == 5  # each once, none left behind
    with store.unit_of_work() as uow:  # the oldest first
        assert [id_ for _, id_ in retention.due_for_erasure(uow)][:1] == ["client-4"]


def _days_before_now(days):
    moment = datetime.fromisoformat(NOW) - timedelta(days=days)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
