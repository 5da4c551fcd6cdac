"""The client's start page: counts of open work, the open work itself (from each service
that owns some) and the e-mail news preferences."""

from services.common.errors import ValidationFailed
from services.common.paging import BAD_CURSOR

from ..http import route
from ..schemas import Home, ItemList, ListQuery, Preferences


@route("GET", "/home", tag="portal", responses={200: ("the client's start page counts", Home)})
def home(call):
    """The open actions are counted by the service that owns each kind."""
    mine = call.services.dossier.client_home()  # dossiers, and open questionnaires
    return 200, {
        "dossiers": mine["dossiers"],
        "actions": mine["actions"]
        + call.services.documents.count_client_open_requests()
        + call.services.signing.count_pending_signatures(),
    }


# The client's open work, from each service that owns some, one after the other: open
# questionnaires (dossier), document requests (documents), signatures (signing); each
# paged by its service, oldest first.
ACTION_SOURCES = (
    ("dossier", "client_actions"),
    ("documents", "client_open_requests"),
    ("signing", "pending_signatures"),
)


@route(
    "GET",
    "/actions",
    query=ListQuery,
    tag="portal",
    responses={
        200: (
            "open work for the client: questionnaires, then document "
            "requests, then signatures, each oldest first",
            ItemList,
        )
    },
)
def actions(call):
    """A page of the sources in turn: the cursor is `<source>:<that service's cursor>`
    (signed by that service, which refuses an edited one); the gateway only chains."""
    first, cursor = _actions_cursor(call.query.get("cursor"))
    limit, items = call.query["limit"], []
    for part in range(first, len(ACTION_SOURCES)):
        room = limit - len(items)
        found = _action_source(call, part)(limit=max(room, 1), cursor=cursor)
        if room == 0:  # the page is full: is there more?
            if found["items"]:
                return 200, {"items": items, "next_cursor": f"{part}:"}
            continue
        items += found["items"]
        if found["next_cursor"]:
            return 200, {"items": items, "next_cursor": f"{part}:{found['next_cursor']}"}
        cursor = None
    return 200, {"items": items, "next_cursor": None}


def _action_source(call, part):
    service, method = ACTION_SOURCES[part]
    return getattr(getattr(call.services, service), method)


def _actions_cursor(text):
    """-> (the source to start at, its service's cursor or None)."""
    if not text:
        return 0, None
    part, colon, cursor = text.partition(":")
    if not colon or part not in {str(n) for n in range(len(ACTION_SOURCES))}:
        raise ValidationFailed(BAD_CURSOR)
    return int(part), cursor or None


@route(
    "GET",
    "/me/notification-preferences",
    tag="portal",
    responses={200: ("news by e-mail, per topic (default all true)", Preferences)},
)
def get_preferences(call):
    return 200, call.services.notify.get_my_preferences()


@route(
    "PUT",
    "/me/notification-preferences",
    body=Preferences,
    tag="portal",
    changes_access=False,
    responses={200: ("the preferences now", Preferences)},
)
def put_preferences(call):
    """Security messages (codes, resets, lockouts, activation) are always sent."""
    return 200, call.services.notify.set_my_preferences(call.body)
