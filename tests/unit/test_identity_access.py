"""identity's access rules (services/identity/access.py): who approves a registration is
one definition, APPROVED_BY, read both as a predicate (`may_approve`) and as the query of
whom to tell (`approvers`); the two name the same people."""

import pytest
from sqlalchemy import select

from services.common.context import Principal
from services.common.db import new_id, utcnow
from services.identity import access
from services.identity.models import Account, Device, Membership

PEOPLE = {  # name: (kind, {office: role})
    "admin": ("admin", {}),
    "owner": ("staff", {"o1": "owner"}),
    "manager": ("staff", {"o1": "staff_manager"}),
    "staff": ("staff", {"o1": "staff"}),
    "owner elsewhere": ("staff", {"o2": "owner"}),
    "client": ("client", {}),
}


@pytest.fixture
def people(identity_db):
    """{name: account id} of PEOPLE, with their memberships."""
    ids = {}
    with identity_db.unit_of_work() as uow:
        for name, (kind, offices) in PEOPLE.items():
            account = Account(
                id=new_id(),
                kind=kind,
                email=f"{name.replace(' ', '.')}@kantoor.nl",
                name=name,
                language="nl",
                failed_logins=0,
                created_at=utcnow(),
            )
            uow.session.add(account)
            for office_id, role in offices.items():
                uow.session.add(
                    Membership(
                        id=new_id(),
                        account_id=account.id,
                        office_id=office_id,
                        role=role,
                        created_at=utcnow(),
                    )
                )
            ids[name] = account.id
    return ids


@pytest.mark.parametrize("role", access.ROLES)
def test_whom_to_tell_is_who_may_approve(identity_db, people, role):
    with identity_db.unit_of_work() as uow:
        told = {a.name for a in uow.session.scalars(access.approvers("o1", role))}
    may = {
        name
        for name, (kind, offices) in PEOPLE.items()
        if access.may_approve(Principal(people[name], kind, offices=offices), "o1", role)
    }
    assert told == may and told  # somebody approves every role


def test_the_approvers_queue_lists_the_roles_they_may_approve():
    assert access.approvable_roles(Principal("a", "admin"), "o1") == ["owner"]
    owner = Principal("p", "staff", offices={"o1": "owner"})
    assert access.approvable_roles(owner, "o1") == ["staff_manager", "staff"]
    assert access.approvable_roles(owner, "o2") == []


def test_a_device_is_seen_by_its_own_account_only_while_bound(identity_db, people):
    own = Principal(people["staff"], "staff", offices={"o1": "staff"})
    other = Principal(people["owner"], "staff", offices={"o1": "owner"})
    with identity_db.unit_of_work() as uow:
        device = Device(
            id=new_id(),
            account_id=own.account_id,
            public_key="k",
            name="telefoon",
            platform="ios",
            os_version="17",
            app_version="1",
            created_at=utcnow(),
        )
        uow.session.add(device)
        uow.session.flush()
        listed = select(Device.id).where(access.own_devices(own))
        assert uow.session.scalars(listed).all() == [device.id]
        assert access.sees_device(own, device) and not access.sees_device(other, device)
        device.revoked_at = utcnow()
        uow.session.flush()
        assert not access.sees_device(own, device)
        assert uow.session.scalars(listed).all() == []
