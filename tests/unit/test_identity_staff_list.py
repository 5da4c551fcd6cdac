"""An office's staff list (staff_list.py): sorted by name in the service (names are
sealed), each member's registration read for the whole page at once."""

from services.common.context import Principal
from services.common.db import utcnow
from services.common.paging import Pager
from services.identity import accounts, staff_list
from services.identity.models import Device, Membership, Registration

PAGER = Pager(b"p" * 32)
OWNER = Principal(account_id="owner", kind="staff", offices={"o1": "owner"})


def member(uow, name, role="staff", office="o1"):
    account = accounts.create_account(uow, "staff", f"{name.lower()}@kantoor.nl", name)
    uow.session.add(
        Membership(
            id=f"m-{account.id}", account_id=account.id, office_id=office, role=role,
            created_at=utcnow(),
        )
    )  # fmt: skip
    return account


def test_members_by_name_a_page_at_a_time_with_their_registration(identity_db):
    with identity_db.unit_of_work() as uow:
        zoe, anna, karel = (member(uow, n) for n in ("Zoë", "Anna", "Karel"))
        member(uow, "Elders", office="o2")
        now = utcnow()
        uow.session.add(
            Device(
                id="d1", account_id=zoe.id, public_key="k", name="iPhone", platform="ios",
                os_version="17", app_version="3", created_at=now,
            )
        )  # fmt: skip
        uow.session.add(
            Registration(
                id="r1", status="awaiting_approval", display_name="Anna", attempts_left=3,
                public_key="k", device_name="Pixel", platform="android", os_version="14",
                app_version="3", account_id=anna.id, office_id="o1", role="staff",
                created_at=now,
            )
        )  # fmt: skip
    seen, cursor = [], None
    while True:
        with identity_db.unit_of_work() as uow:
            page = staff_list.list_staff(uow, PAGER, OWNER, "o1", limit=2, cursor=cursor)
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [(p["name"], p["email"], p["registration"]) for p in seen] == [
        ("Anna", "anna@kantoor.nl", "pending"),
        ("Karel", "karel@kantoor.nl", "not_registered"),
        ("Zoë", "zoë@kantoor.nl", "registered"),
    ]
    assert [p["person_id"] for p in seen] == [anna.id, karel.id, zoe.id]
