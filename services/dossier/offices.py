"""The offices (partner ID, name, city): their use cases over a unit of work."""

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.paging import asc

from .events import OfficeCreated
from .exceptions import PartnerIdTaken
from .models import Office


def normalise_partner_id(partner_id):
    return partner_id.strip().upper()


def create_office(uow, actor, partner_id, name, city, label=None):
    partner_id = normalise_partner_id(partner_id)
    if uow.session.scalar(select(Office.id).where(Office.partner_id == partner_id)):
        raise PartnerIdTaken({"partner_id": partner_id})
    office = Office(
        id=new_id(),
        partner_id=partner_id,
        name=name.strip(),
        city=city.strip(),
        label=label,
        created_at=utcnow(),
    )
    uow.session.add(office)
    uow.session.flush()
    uow.emit(OfficeCreated(office_id=office.id, partner_id=partner_id), actor=actor)
    return describe(office)


def list_offices(uow, office_ids=None):
    """All offices, or those with the given ids; ordered by name."""
    query = select(Office).order_by(Office.name, Office.id)
    if office_ids is not None:
        query = query.where(Office.id.in_(list(office_ids)))
    return [describe(o) for o in uow.session.scalars(query)]


def page_offices(uow, pager, office_ids=None, limit=50, cursor=None):
    """A page of all offices, or of those with the given ids, by name (ix_offices_name)."""
    query = select(Office)
    if office_ids is not None:
        query = query.where(Office.id.in_(list(office_ids)))
    offices, next_cursor = pager.page(
        uow.session,
        query,
        [asc(Office.name), asc(Office.id)],
        limit,
        cursor,
        scope="offices:" + ("all" if office_ids is None else ",".join(sorted(office_ids))),
    )
    return {"items": [describe(o) for o in offices], "next_cursor": next_cursor}


def find_by_partner_id(uow, partner_id):
    office = uow.session.scalar(
        select(Office).where(Office.partner_id == normalise_partner_id(partner_id))
    )
    return describe(office) if office else None


def describe(office):
    return {
        "id": office.id,
        "partner_id": office.partner_id,
        "name": office.name,
        "city": office.city,
        "label": office.label,
        "created_at": office.created_at.isoformat(),
    }
