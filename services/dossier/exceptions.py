"""Errors dossier raises across the bus (their module path is part of the wire contract)."""
from services.common.errors import KluisError


class PartnerIdTaken(KluisError):
    code = "partner_id_taken"
