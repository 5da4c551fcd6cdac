"""The audit trail's export (routes/audit.py)."""

from marshmallow import Schema, fields


class AuditExport(Schema):
    """A signed audit trail (services/common/audit_chain.py verifies it)."""

    format = fields.String(required=True, metadata={"enum": ["kluis-audit-export/1"]})
    scope = fields.Dict(required=True)
    exported_at = fields.String(required=True)
    streams = fields.List(fields.Dict(), required=True)
    signature = fields.String(required=True)


class AuditCheckpointRound(Schema):
    """The streams each service signed a checkpoint of (those that moved)."""

    signed = fields.Dict(
        keys=fields.String(metadata={"enum": ["identity", "dossier"]}),
        values=fields.Integer(),
        required=True,
    )


__all__ = ["AuditCheckpointRound", "AuditExport"]
