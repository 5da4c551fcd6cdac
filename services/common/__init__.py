"""The small shared kernel of the Kluis services: errors, the event envelope, the
principal carried in the RPC context, the database with its outbox and inbox, RPC
with timeouts, and log redaction. No domain models live here."""
