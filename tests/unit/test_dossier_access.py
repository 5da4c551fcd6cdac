"""dossier/access.py over a real (in-memory) dossier database: for a table of
principals (staff of one, the other and both offices, clients, a company's main and
extra account, look-along sessions, the admin), the Python predicate and both SQL forms
of the rule show exactly the expected client records, and the lists built on it
(dossiers, tasks, applications, clients) agree. The parent_id case: staff see a company,
never its extra accounts, in single reads and in every list alike."""

import pytest
from sqlalchemy import select

from services.common.context import Principal
from services.common.db import utcnow
from services.common.errors import NotFound
from services.common.paging import Pager
from services.dossier import access, clients, dossiers, portfolio, tasks
from services.dossier.models import Client, Dossier, MortgageApplication, Office, Task, metadata

from .conftest import Database

PAGER = Pager(b"k" * 32)
# id: (office, shared, account, parent)
CLIENTS = {
    "ann": ("office-a", True, "acc-ann", None),
    "ann-at-b": ("office-b", False, "acc-ann", None),  # Ann at B, not sharing with B
    "shy": ("office-a", False, "acc-shy", None),
    "co": ("office-a", True, "acc-co", None),  # a company, its main account acc-co
    "co-extra": ("office-a", True, "acc-x", "co"),  # an extra account of the company
    "bob-b": ("office-b", True, "acc-bob", None),
}
STAFF_A = Principal(account_id="staff-a", kind="staff", offices={"office-a": "staff"})
STAFF_B = Principal(account_id="staff-b", kind="staff", offices={"office-b": "owner"})
STAFF_AB = Principal(
    account_id="staff-ab", kind="staff", offices={"office-a": "staff", "office-b": "staff"}
)


def client(account, scope=None):
    return Principal(
        account_id=account,
        kind="client",
        scope_office_id=scope,
        looked_along_by="staff-a" if scope else None,
    )


CASES = [
    ("staff of A", STAFF_A, {"ann", "co"}),
    ("staff of B", STAFF_B, {"bob-b"}),
    ("staff of A and B", STAFF_AB, {"ann", "co", "bob-b"}),
    ("Ann", client("acc-ann"), {"ann", "ann-at-b"}),
    ("Ann looked along by A", client("acc-ann", "office-a"), {"ann"}),
    ("Ann looked along by B (no consent)", client("acc-ann", "office-b"), set()),
    ("a client who does not share", client("acc-shy"), {"shy"}),
    ("the company's main account", client("acc-co"), {"co"}),
    ("the company's extra account", client("acc-x"), {"co-extra", "co"}),
    ("the extra account looked along by A", client("acc-x", "office-a"), {"co-extra", "co"}),
    ("a stranger", client("acc-nobody"), set()),
    ("the admin", Principal(account_id="admin", kind="admin"), set()),
]


@pytest.fixture
def db():
    database = Database(metadata, "dossier")
    now = utcnow()
    with database.unit_of_work() as uow:
        for office in ("office-a", "office-b"):
            uow.session.add(
                Office(
                    id=office,
                    partner_id=office,
                    name=f"Kantoor {office}",
                    city="Utrecht",
                    created_at=now,
                )
            )
        uow.session.flush()
        for client_id, (office, shared, account, parent) in CLIENTS.items():
            uow.session.add(
                Client(
                    id=client_id,
                    office_id=office,
                    type="person",
                    name=client_id,
                    email=f"{client_id}@voorbeeld.nl",
                    language="nl",
                    shared=shared,
                    account_id=account,
                    parent_id=parent,
                    invitation_status="accepted",
                    created_by="x",
                    created_at=now,
                )
            )
            uow.session.flush()
            _records_of(uow, client_id, office, now)
    yield database
    database.engine.dispose()


def _records_of(uow, client_id, office, now):
    """A dossier, a task and a mortgage application per client record: even one on an
    extra account, which only the admin can make (an application for any client)."""
    uow.session.add(
        Dossier(
            id=f"d-{client_id}",
            office_id=office,
            client_id=client_id,
            number=f"D-{client_id}",
            description="Hypotheek",
            status="in_progress",
            created_by="x",
            created_at=now,
            updated_at=now,
        )
    )
    uow.session.add(
        Task(
            id=f"t-{client_id}",
            type="review_upload",
            office_id=office,
            dossier_id=f"d-{client_id}",
            client_id=client_id,
            request_id=f"r-{client_id}",
            status="open",
            created_at=now,
            last_upload_at=now,
        )
    )
    uow.session.add(
        MortgageApplication(
            id=f"m-{client_id}",
            client_id=client_id,
            office_id=office,
            amount_cents=1,
            status="running",
            created_by="admin",
            created_at=now,
            updated_at=now,
        )
    )


def run(db, use_case, *args):
    with db.unit_of_work() as uow:
        return use_case(uow, *args)


@pytest.mark.parametrize("who, principal, expected", CASES, ids=[c[0] for c in CASES])
def test_the_predicate_and_both_clauses_show_the_same_clients(db, who, principal, expected):
    with db.unit_of_work() as uow:
        everyone = uow.session.scalars(select(Client)).all()
        by_predicate = {c.id for c in everyone if access.can_see(uow, principal, c)}
        by_clause = set(
            uow.session.scalars(select(Client.id).where(access.client_clause(uow, principal)))
        )
        values = access.rule_values(uow, principal) or {}
        by_kept_rule = set(
            uow.session.scalars(select(Client.id).where(access.client_rule(principal.kind)), values)
        )
    assert by_predicate == by_clause == by_kept_rule == expected


@pytest.mark.parametrize("who, principal, expected", CASES, ids=[c[0] for c in CASES])
def test_single_reads_and_dossier_ids_follow_the_rule(db, who, principal, expected):
    for client_id in CLIENTS:
        if client_id in expected:
            assert run(db, access.visible_client, principal, client_id).id == client_id
            assert run(db, access.visible_dossier, principal, f"d-{client_id}")[1].id == client_id
        else:
            with pytest.raises(NotFound):
                run(db, access.visible_client, principal, client_id)
            with pytest.raises(NotFound):
                run(db, access.visible_dossier, principal, f"d-{client_id}")
    dossier_ids = {f"d-{c}" for c in expected}
    assert set(run(db, access.visible_dossier_ids, principal)) == dossier_ids


STAFF_CASES = [case for case in CASES if case[1].kind == "staff"]


@pytest.mark.parametrize("who, principal, expected", STAFF_CASES, ids=[c[0] for c in STAFF_CASES])
def test_every_staff_list_shows_the_records_of_the_visible_clients_only(
    db, who, principal, expected
):
    """The parent_id case: the application on the company's extra account is in no
    staff list (list_dossiers and list_applications showed it before)."""

    def ids(page):
        return {item["id"] for item in page["items"]}

    with db.unit_of_work() as uow:
        assert ids(clients.list_clients(uow, PAGER, principal, limit=200)) == expected
        assert ids(dossiers.list_dossiers(uow, PAGER, principal, status="all", limit=200)) == {
            f"d-{c}" for c in expected
        }
        assert ids(tasks.list_tasks(uow, PAGER, principal, status="all", limit=200)) == {
            f"t-{c}" for c in expected
        }
        assert ids(portfolio.list_applications(uow, PAGER, principal, status="all", limit=200)) == {
            f"m-{c}" for c in expected
        }


def test_a_client_lists_the_applications_of_their_own_records_and_their_company(db):
    with db.unit_of_work() as uow:
        page = portfolio.list_applications(uow, PAGER, client("acc-x"), status="all")
    assert {item["id"] for item in page["items"]} == {"m-co", "m-co-extra"}
