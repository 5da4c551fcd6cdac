"""The client's rights over their data (AVG; docs/privacy.md): access and portability
(art. 15 and 20), an export of everything the client can see, prepared and kept by
documents (services/documents/export_entrypoints.py), which checks that the caller is
the client themself."""

from ..http import route
from ..schemas import ExportOut
from ..schemas.common import Raw
from ..uploads import send_file

ZIP_FILE = Raw("application/zip")
NOT_THE_CLIENT = (
    "read_only_session (a look-along session) or forbidden (anyone but the client)",
    None,
)


@route(
    "POST",
    "/me/export",
    tag="privacy",
    changes_access=False,
    responses={
        202: ("being prepared; an e-mail says when it is ready", ExportOut),
        403: NOT_THE_CLIENT,
        429: ("rate_limited: one request per EXPORT_MIN_INTERVAL_S (details.retry_after_s)", None),
    },
)
def request_export(call):
    """The client: a ZIP of their data and documents, prepared in the background.

    JSON of their data and the files of every document they may see. While one is
    being prepared, a second request answers that one."""
    return 202, call.services.documents.request_my_export()


@route(
    "GET",
    "/me/export",
    tag="privacy",
    responses={
        200: ("the latest export", ExportOut),
        403: NOT_THE_CLIENT,
        404: ("no export was asked for", None),
    },
)
def get_export(call):
    """The client: preparing, ready, downloaded (once only), expired or failed."""
    return 200, call.services.documents.describe_my_export()


@route(
    "GET",
    "/me/export/content",
    tag="privacy",
    responses={
        200: ("the ZIP, streamed; downloadable once", ZIP_FILE),
        403: NOT_THE_CLIENT,
        404: ("none is ready (none asked for, still preparing, or failed)", None),
        410: ("export_gone: downloaded already, or expired", None),
    },
)
def download_export(call):
    """The client, once: the ZIP, streamed; then it is `downloaded`.

    The download is audited (GET /me/audit); a second one answers 410 export_gone."""
    return send_file(call, call.services.documents.open_my_export_download())
