"""Who may see or change what in identity, written once. identity owns the accounts,
the offices' memberships (who works where, in which role), the requests to link a
person to another office, the app registrations and the bound devices:

- an account: its owner sees and changes it (profile, language, active office, devices,
  second step); the admin (the lender) also lists sign-ins and creates accounts (the
  entrypoints say so: `caller.require("admin")`);
- an office's staff, its open link requests and its audit trail: the admin and the
  office's owners and staff managers (`sees_staff_of`); anyone else gets NotFound;
- giving or taking away a role at an office (add, change, remove, link): the admin
  owners only, owners every role, staff managers none above their own (`may_manage`);
- linking a person who works elsewhere at once, without asking them: the admin, or a
  caller who manages them at one of their offices (`may_link_at_once`);
- registrations of an office: the admin and anyone who works there see them
  (`sees_registrations_of`); who approves one depends on its role (APPROVED_BY, the one
  definition behind `may_approve`, the approver's queue `approvable_roles` and the
  query of whom to tell, `approvers`);
- a device: its own account only (`sees_device` for one, `own_devices` in SQL);
- the second step: a client texts codes (sms), the admin uses an app (totp).

Office roles are read fresh (`offices_of`): a change counts on the next request."""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.orm import Session

from services.common.context import Principal
from services.common.errors import NotFound

from .models import Account, Device, Membership

ROLES = ("owner", "staff_manager", "staff")
MANAGERS = ("owner", "staff_manager")  # see an office's staff; manage up to their own role
_RANK = {"staff": 1, "staff_manager": 2, "owner": 3}

# Who approves a registration for a role at its office: "admin" is the lender's admin,
# the others are roles at that office.
APPROVED_BY: dict[str, tuple[str, ...]] = {
    "owner": ("admin",),
    "staff_manager": ("owner",),
    "staff": ("owner", "staff_manager"),
}

# The second step each kind of account sets up.
SECOND_STEP = {"client": "sms", "admin": "totp"}


def offices_of(session: Session, account_id: str) -> dict[str, str]:
    """{office_id: role} of an account, read fresh: a change counts on the next request."""
    return dict(session.execute(_OFFICES_OF, {"account_id": account_id}).tuples().all())


_OFFICES_OF = select(Membership.office_id, Membership.role).where(
    Membership.account_id == bindparam("account_id")
)


def works_at(session: Session, principal: Principal, office_id: str) -> None:
    """NotFound unless the caller works at the office now (their active office)."""
    if office_id not in offices_of(session, principal.account_id):
        raise NotFound()


# -- an office's staff --------------------------------------------------------------------
def sees_staff_of(principal: Principal, office_id: str) -> bool:
    return principal.is_admin or principal.offices.get(office_id) in MANAGERS


def require_sees_staff(principal: Principal, office_id: str) -> None:
    if not sees_staff_of(principal, office_id):
        raise NotFound()


def may_manage(principal: Principal, office_id: str, *roles: str) -> bool:
    """May the principal give or take away each of `roles` at this office? The admin
    manages owners only; owners everything; staff managers nothing above their own role."""
    if principal.is_admin:
        return all(role == "owner" for role in roles)
    own = principal.offices.get(office_id)
    if own not in MANAGERS:
        return False
    return all(_RANK[role] <= _RANK[own] for role in roles)


def may_link_at_once(session: Session, principal: Principal, account_id: str) -> bool:
    """The admin always; else a caller who manages the person at one of their offices."""
    if principal.is_admin:
        return True
    return any(
        may_manage(principal, office_id, role)
        for office_id, role in offices_of(session, account_id).items()
    )


# -- registrations ------------------------------------------------------------------------
def sees_registrations_of(principal: Principal, office_id: str | None) -> bool:
    return principal.is_admin or office_id in principal.offices


def require_sees_registrations(principal: Principal, office_id: str | None) -> None:
    if not sees_registrations_of(principal, office_id):
        raise NotFound()


def may_approve(principal: Principal, office_id: str, requested_role: str) -> bool:
    """APPROVED_BY for one approver: owner -> the admin; staff_manager -> the office's
    owner; staff -> the office's owner or a staff_manager."""
    approved_by = APPROVED_BY.get(requested_role, ())
    if principal.is_admin:
        return "admin" in approved_by
    return principal.offices.get(office_id) in approved_by


def approvable_roles(principal: Principal, office_id: str) -> list[str]:
    """The roles whose registrations at the office the principal may approve."""
    return [role for role in ROLES if may_approve(principal, office_id, role)]


def approvers(office_id: str, role: str) -> Select[tuple[Account]]:
    """APPROVED_BY in SQL: the accounts that may approve a registration for `role` at
    the office."""
    approved_by = APPROVED_BY[role]
    if "admin" in approved_by:
        return select(Account).where(Account.kind == "admin")
    return (
        select(Account)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office_id, Membership.role.in_(approved_by))
    )


# -- devices and the second step ----------------------------------------------------------
def sees_device(principal: Principal, device: Device | None) -> bool:
    """A bound device of the caller's own account."""
    return (
        device is not None
        and device.revoked_at is None
        and device.account_id == principal.account_id
    )


def own_devices(principal: Principal) -> ColumnElement[bool]:
    """`sees_device` in SQL."""
    return and_(Device.account_id == principal.account_id, Device.revoked_at.is_(None))


def may_set_up_second_step(principal: Principal, method: Any) -> bool:
    return SECOND_STEP.get(principal.kind) == method
