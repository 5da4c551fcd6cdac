"""Reading an HDN document request (DA message) safely: no DTD, no entities, no network,
nothing outside the message; every element Kluis uses is checked, and a refusal names
the element (HdnMessageInvalid, HdnVersionUnsupported). The mapping is in
docs/integrations.md "HDN documentaanvraag (DA)"; the codes in hdn_codes.py.

    <DA>
      <BerichtVersie>1.0</BerichtVersie>
      <AanvraagVolgNr>HDN-2026-004711</AanvraagVolgNr>
      <Document>
        <DocumentKenmerk>DK-1</DocumentKenmerk>
        <SoortDocument>001</SoortDocument>
        <SoortDocumentOmsch>Salarisstrook van de laatste maand</SoortDocumentOmsch>
        <DocumentStatus>01</DocumentStatus>
        <OpgevraagdViaBronJN>N</OpgevraagdViaBronJN>
        <AanleverendePartij>Klant</AanleverendePartij>   (optional; Klant|Geldverstrekker)
        <Toelichting>...</Toelichting>                   (optional: the lender's reason)
      </Document>
      ...
    </DA>"""

import re

from lxml import etree

from .exceptions import HdnMessageInvalid, HdnVersionUnsupported
from .hdn_codes import DELIVERERS, DOCUMENT_KINDS, DOCUMENT_STATUSES, SUPPORTED_VERSIONS

MAX_DA_BYTES = 256 * 1024
MAX_ITEMS = 200
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
_CODE = re.compile(r"^\d{1,5}$")
_PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_da(xml):
    """The DA message `xml` (str or bytes) -> {version, application_number, items:
    [{key, code, name, description, status, lender_status, reason, from_source,
    deliver_by, document_type}]}."""
    root = _root_of(xml)
    if _local(root) != "DA":
        raise HdnMessageInvalid({"element": "DA", "line": root.sourceline})
    version = _text(root, "BerichtVersie", required=True)
    if version not in SUPPORTED_VERSIONS:
        raise HdnVersionUnsupported({"element": "BerichtVersie"})
    number = _text(root, "AanvraagVolgNr", required=True, pattern=_KEY)
    documents = [child for child in root if _local(child) == "Document"]
    if not documents or len(documents) > MAX_ITEMS:
        raise HdnMessageInvalid({"element": "Document", "line": root.sourceline})
    items = [_item(document) for document in documents]
    keys = [item["key"] for item in items]
    if len(set(keys)) != len(keys):
        raise HdnMessageInvalid({"element": "DocumentKenmerk", "line": None})
    return {"version": version, "application_number": number, "items": items}


def _root_of(xml):
    raw = xml.encode() if isinstance(xml, str) else bytes(xml or b"")
    if not raw.strip() or len(raw) > MAX_DA_BYTES:
        raise HdnMessageInvalid({"element": "DA", "line": None})
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise HdnMessageInvalid({"element": "DOCTYPE", "line": None})  # no DTD, ever
    try:
        root = etree.fromstring(raw, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as error:
        raise HdnMessageInvalid({"element": "DA", "line": error.lineno})
    if root.getroottree().docinfo.doctype:
        raise HdnMessageInvalid({"element": "DOCTYPE", "line": None})
    return root


def _item(document):
    code = _text(document, "SoortDocument", required=True, pattern=_CODE)
    status_code = _text(document, "DocumentStatus", required=True)
    if status_code not in DOCUMENT_STATUSES:
        raise HdnMessageInvalid({"element": "DocumentStatus", "line": document.sourceline})
    name, document_type = DOCUMENT_KINDS.get(code, (None, None))
    description = _text(document, "SoortDocumentOmsch", limit=200)
    return {
        "key": _text(document, "DocumentKenmerk", required=True, pattern=_KEY),
        "code": code,
        "name": name or description or f"Document {code}",
        "description": description,
        "status": status_code,
        "lender_status": DOCUMENT_STATUSES[status_code],
        "reason": _text(document, "Toelichting", limit=1000),
        "from_source": _choice(document, "OpgevraagdViaBronJN", {"J": True, "N": False}, False),
        "deliver_by": _choice(document, "AanleverendePartij", DELIVERERS, "client"),
        "document_type": document_type,
    }


def _choice(parent, name, choices, default):
    value = _text(parent, name)
    if value is None:
        return default
    if value not in choices:
        raise HdnMessageInvalid({"element": name, "line": parent.sourceline})
    return choices[value]


def _text(parent, name, required=False, pattern=None, limit=40):
    """The text of `parent`'s one child `name` (any namespace), trimmed; None when
    absent or empty and not required."""
    found = [child for child in parent if _local(child) == name]
    if len(found) > 1 or (required and not found):
        raise HdnMessageInvalid({"element": name, "line": parent.sourceline})
    if not found or len(found[0]):  # absent, or has child elements instead of text
        if found:
            raise HdnMessageInvalid({"element": name, "line": found[0].sourceline})
        return None
    value = " ".join((found[0].text or "").split())
    bad = (pattern is not None and value and not pattern.match(value)) or len(value) > limit
    if bad or (required and not value):
        raise HdnMessageInvalid({"element": name, "line": found[0].sourceline})
    return value or None


def _local(element):
    if not isinstance(element.tag, str):
        return ""
    return etree.QName(element).localname
