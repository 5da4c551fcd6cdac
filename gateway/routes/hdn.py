"""HDN document requests (documents): a lender's DA message, in XML, becomes or updates
the dossier's document requests (services/documents/hdn_import.py; the mapping is in
docs/integrations.md "HDN documentaanvraag (DA)")."""

from marshmallow import Schema, fields

from services.documents.exceptions import HdnMessageInvalid

from ..http import RequestTooLarge, UnsupportedMediaType, route
from ..schemas import RequestOut

XML_TYPES = ("application/xml", "text/xml")
MAX_DA_BYTES = 256 * 1024  # documents refuses more too (services/documents/hdn_da.py)


class XmlRequired(UnsupportedMediaType):
    """The DA route's body sent as something other than XML."""

    message_key = "xml_required"


class HdnImportOut(Schema):
    application_number = fields.String(metadata={"description": "AanvraagVolgNr"})
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    requests = fields.List(fields.Nested(RequestOut))


@route(
    "POST",
    "/dossiers/<dossier_id>/hdn/da",
    raw_body=XML_TYPES,
    tag="documents",
    changes_access=False,
    responses={
        200: ("imported: each item a request, made or updated", HdnImportOut),
        422: (
            "hdn_message_invalid | hdn_version_unsupported | hdn_application_mismatch: "
            "details.element names the element",
            None,
        ),
    },
)
def import_hdn_da(call, dossier_id):
    """Staff: an HDN document request (DA message) for the dossier, as XML. The first
    DA ties the dossier to its AanvraagVolgNr; each item becomes or updates a document
    request; the same DA twice changes nothing; the client hears by e-mail what changed
    for the items they see."""
    xml = _xml_body(call.request)
    return 200, call.services.documents.import_hdn_da(dossier_id, xml)


def _xml_body(request):
    """The body as text: XML, UTF-8, at most MAX_DA_BYTES (also when sent chunked)."""
    if request.mimetype not in XML_TYPES:
        raise XmlRequired()
    if (request.content_length or 0) > MAX_DA_BYTES:
        raise RequestTooLarge()
    raw = request.environ["wsgi.input"].read(MAX_DA_BYTES + 1)
    if len(raw) > MAX_DA_BYTES:
        raise RequestTooLarge()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HdnMessageInvalid({"element": "DA", "line": None})
