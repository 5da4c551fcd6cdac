"""The public facts of offices (id, partner ID, name, city: dossier's `lookup_offices`),
kept in the gateway: `GET /me` names the caller's offices on every page load (and the
offices routes look an office up before they act on it), and an
office's facts never change once it is created (dossier has no rename and no delete), so
each office is asked for once per gateway process. Should offices become editable, an
event from dossier must drop the entry (as principals.py does for principals)."""

MAX_ENTRIES = 10_000

_facts = {}  # office_id -> dossier's facts


def lookup(dossier, office_ids):
    """-> {office_id: facts} for those of `office_ids` that exist; `dossier` is the
    worker's RPC proxy, asked only for offices not yet known here."""
    found = {i: _facts[i] for i in office_ids if i in _facts}
    missing = [i for i in dict.fromkeys(office_ids) if i not in found]
    if missing:  # the RPC yields: another request may clear the cache meanwhile
        fetched = {office["id"]: office for office in dossier.lookup_offices(office_ids=missing)}
        if len(_facts) + len(fetched) > MAX_ENTRIES:
            _facts.clear()
        _facts.update(fetched)
        found.update(fetched)
    return found
