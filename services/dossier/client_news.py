"""News for a client by e-mail (a new document, a rejected delivery, a new message):
one `send_notification` command per activated portal account of the dossier's client,
in that account's language, through the outbox of the caller's unit of work."""

from sqlalchemy import select

from services.notify.events import SendNotification

from .clients import by_name
from .models import Client, Dossier, Office


def notify_client(uow, event, template, data, public_url):
    """`event` names the dossier (`client_id`, `dossier_id`): an event of ours or of
    another service. `account_id` lets notify apply that account's preferences. Data
    always carries name, office, dossier_number and portal_url, plus `data`."""
    client = uow.session.get(Client, event["client_id"])
    dossier = uow.session.get(Dossier, event["dossier_id"])
    if client is None or dossier is None:
        raise LookupError(f"{event.get('event_type')} for an unknown client or dossier")
    office = uow.session.get(Office, dossier.office_id)
    for person in portal_accounts(uow, client):
        uow.send(
            "notify",
            SendNotification(
                template=template,
                language=person.language,
                to={"email": person.email},
                account_id=person.account_id,
                data={
                    "name": person.name,
                    "office": office.name,
                    "dossier_number": dossier.number,
                    "portal_url": public_url,
                    **data,
                },
            ),
        )


def portal_accounts(uow, client):
    """The client's activated portal accounts: its own and, for a company, those of its
    extra accounts (who see the company's dossiers). Without one nobody could act on
    the news, so nobody gets it."""
    extras = uow.session.scalars(select(Client).where(Client.parent_id == client.id)).all()
    people = [client] + sorted(extras, key=by_name)
    return [p for p in people if p.account_id and p.invitation_status == "accepted"]
