"""The tamper-evident audit trail (docs/privacy.md "Audit trail"): the platform's public
key, and the signed exports that `make audit-verify` checks offline with it."""

from werkzeug.wrappers import Response

from ..http import json_response, route
from ..schemas import AuditCheckpointRound, AuditExport, Raw
from .privacy import NOT_THE_CLIENT

PEM = Raw("application/x-pem-file")


@route(
    "GET",
    "/audit/public-key",
    auth=False,
    tag="audit",
    responses={200: ("the PEM of the Ed25519 key that signs audit checkpoints", PEM)},
)
def public_key(call):
    """The key that signs audit checkpoints and exports: all a verifier needs."""
    pem = call.services.dossier.audit_public_key()
    return Response(pem, status=200, mimetype="application/x-pem-file")


@route(
    "POST",
    "/audit/checkpoints",
    tag="audit",
    changes_access=False,
    responses={200: ("how many streams each service signed now", AuditCheckpointRound)},
)
def checkpoints(call):
    """Admin: sign a checkpoint now of every stream that moved since its last one, in
    identity and in dossier (as their hourly timers do); each checks the caller."""
    signed = {
        name: getattr(call.services, name).checkpoint_audit()["signed"]
        for name in ("identity", "dossier")
    }
    return 200, {"signed": signed}


def _download(document, name):
    return json_response(
        200, document, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@route(
    "GET",
    "/dossiers/<dossier_id>/audit/export",
    tag="audit",
    responses={200: ("the dossier's trail, signed (a download)", AuditExport)},
)
def dossier_export(call, dossier_id):
    """Staff who see the dossier: its whole trail as a signed file."""
    document = call.services.dossier.export_dossier_audit(dossier_id)
    return _download(document, f"audit-dossier-{dossier_id}.json")


@route(
    "GET",
    "/me/audit/export",
    tag="audit",
    responses={
        200: ("the trail of the client's own data, signed (a download)", AuditExport),
        403: NOT_THE_CLIENT,
    },
)
def my_export(call):
    """The client themself: the trail of their own data as a signed file."""
    return _download(call.services.dossier.export_my_audit(), "audit-my-data.json")
