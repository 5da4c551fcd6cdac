"""What a client's export holds: their data exactly as the API shows it to them, and the
files of the documents they may see (AVG art. 15 and 20).

It is gathered in the background, long after the client's request, with a principal
that identity signs for that client on documents's asking (`sign_export_principal`):
read-only, without a session, renewed before it expires. Every service therefore
applies its own rules to it, as to the client's own calls: nothing the client may not
see can get in, and no rule is written twice. Only reads that change nothing are
used (lists and descriptions: no viewing is audited, nothing is marked read or
downloaded)."""

import time

from sqlalchemy import select

from services.common.context import CONTEXT_KEY, verify

from . import checklist, library
from .models import Document

PAGE = 200
RENEW_BEFORE_S = 20  # a principal this close to its expiry is renewed first


def all_pages(method, **kwargs):
    """Every item of a paged RPC list."""
    items, cursor = [], None
    while True:
        page = method(limit=PAGE, cursor=cursor, **kwargs)
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


class AsClient:
    """The calls of this worker carry a principal of `account_id` (the worker context's
    principal, read by every RPC proxy at call time)."""

    def __init__(self, worker_ctx, identity_as_service, account_id):
        self.worker_ctx, self.identity = worker_ctx, identity_as_service
        self.account_id, self.principal = account_id, None

    def renew(self):
        """-> the principal, signed anew when it is about to expire."""
        if self.principal is None or self.principal.expires_at - time.time() < RENEW_BEFORE_S:
            signed = self.identity.sign_export_principal(self.account_id)
            self.worker_ctx.data[CONTEXT_KEY] = signed
            self.principal = verify(signed)
            if self.principal is None or self.principal.account_id != self.account_id:
                raise RuntimeError("identity's export principal did not verify")
        return self.principal


def gather(client, services, local):
    """-> (records, files): `records` {name: JSON-able} for data/<name>.json, `files`
    [(path in the ZIP, blob name)]. `services` has the RPC proxies identity, dossier and
    signing (calling as the client); `local` documents's own `store` and `paging`."""
    client.renew()
    records = {"profile": services.identity.describe_me()}
    client.renew()
    records["consents"] = all_pages(services.dossier.list_my_consents)
    records["products"] = all_pages(services.dossier.list_my_products)
    files = []
    records["dossiers"] = []
    for dossier in all_pages(services.dossier.list_dossiers, status="all"):
        client.renew()
        records["dossiers"].append(_dossier(client, services, local, dossier, files))
    client.renew()
    records["signatures"] = _signatures(services.signing)
    client.renew()
    records["audit"] = all_pages(services.dossier.my_audit)
    return records, files


def _dossier(client, services, local, dossier, files):
    """One dossier with what the client sees in it; its documents' files join `files`."""
    access = services.dossier.check_dossier_access(dossier["id"])
    questionnaires = all_pages(services.dossier.list_questionnaires, dossier_id=dossier["id"])
    documents = _documents(local, access, client.principal)
    for document in documents:
        path = f"documents/{dossier['number']}/{document['id']}/{document['name']}"
        files.append((_safe_path(path), document.pop("blob_name")))
        document["file"] = _safe_path(path)
    return {
        **dossier,
        "documents": documents,
        "requests": _requests(local, access),
        "messages": all_pages(services.dossier.list_messages, dossier_id=dossier["id"]),
        "questionnaires": [services.dossier.get_questionnaire(q["id"]) for q in questionnaires],
    }


def _documents(local, access, principal):
    """The dossier's documents as the client's own list describes them (library's),
    each with its blob's name."""
    items = _local_pages(local, library.list_documents, principal, access, None)
    with local.store.unit_of_work() as uow:
        names = dict(
            uow.session.execute(
                select(Document.id, Document.blob_name).where(
                    Document.id.in_([d["id"] for d in items])
                )
            ).all()
        )
    return [{**item, "blob_name": names[item["id"]]} for item in items]


def _requests(local, access):
    """The dossier's requests as the client's own list describes them (checklist's)."""
    return _local_pages(local, checklist.list_requests, access, None)


def _local_pages(local, use_case, *args):
    items, cursor = [], None
    while True:
        with local.store.unit_of_work() as uow:
            page = use_case(uow, local.paging, *args, PAGE, cursor)
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def _signatures(signing):
    """The client's signing requests; a signed one with its evidence."""
    requests = all_pages(signing.list_signing_requests)
    for request in requests:
        if request.get("status") == "signed":
            request["evidence"] = signing.signing_evidence(request["id"])
    return requests


def _safe_path(path):
    """A name inside the ZIP: no absolute path, no `..`, no backslash (a hostile file
    name must not point outside the folder it is unpacked into)."""
    parts = [p for p in path.replace("\\", "_").split("/") if p not in ("", ".", "..")]
    return "/".join(part[:150] for part in parts)
