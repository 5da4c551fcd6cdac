"""Keyset paging in the service, in SQL: a list costs a page, however long it grows.

A service hands `Pager.page` its own query (authorization filters already in it), the
order (sort columns, not null, the last one unique: the id as a tie-breaker) and the
caller's `limit` and `cursor`. The page is read with `WHERE (key, id) < (the last row's
key, id) ORDER BY key DESC, id DESC LIMIT limit+1` (`>` and ASC for an ascending
list), which an index on (filter columns, key, id) answers by a seek, walked forwards or
backwards, not by counting past the rows of earlier pages; rows added between two pages
are neither repeated nor skipped (offset paging does both).

Every column of an order runs the same way, the id too: the index then serves the whole
order, also through thousands of rows with one moment. A mixed order (`key DESC, id
ASC`) cannot be walked on such an index: the database sorts every row of a tie first
(a page of 20 among 100,000 rows of one moment took 540 ms instead of 17 ms).

The cursor is opaque: the last row's sort key as JSON, encrypted and authenticated
(AES-256-GCM, the list's `scope`, its name and filters, as associated data) under a key
derived from the one the service holds, base64url. Encrypted, not only signed: a sort
key can be a person's name, and a cursor travels in URLs (access logs, proxies). A
cursor the client edited, or one from another list or key, is refused: ValidationFailed
on `cursor`.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nameko.extensions import DependencyProvider
from sqlalchemy import bindparam, tuple_

from .db import UTCDateTime
from .errors import ValidationFailed
from .files import secret_key
from .settings import kluis_var

MAX_LIMIT = 200
KEY_DIR = "keys"
BAD_CURSOR = {"cursor": ["Not a valid value."]}  # the details of a refused cursor


def asc(column):
    return (column, "asc")


def desc(column):
    return (column, "desc")


MAX_CURSOR_LENGTH = 2048  # a sort key is a few values; anything longer is not ours
MAX_KEPT_STATEMENTS = 1000  # paged forms of statements built once: a few per list


def name_order(name):
    """The sort key of a person's name in a list sorted in the service (the names are
    sealed: the database cannot sort them): without case or accents, as a reader expects
    and as the database's collation did ("de Vries" before "Émile" before "Zwart")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Pager:
    def __init__(self, key: bytes):
        self.key = key
        # The cursors' own key, derived: the configured key is never used twice.
        self._cipher = AESGCM(hmac.new(key, b"kluis list cursors", hashlib.sha256).digest())
        self._statements = {}  # (id(query), after, order) -> (query, its paged statement)

    @classmethod
    def from_config(cls, config, service):
        """PAGING_KEY (base64 of 32 bytes) from the service's config; empty: the key in
        $KLUIS_VAR/keys/<service>-paging.key, made on first use (shared by the
        service's processes on one machine)."""
        path = kluis_var() / KEY_DIR / f"{service}-paging.key"
        key = secret_key(config.get("PAGING_KEY"), "PAGING_KEY", path)
        return cls(key)

    def page(self, session, query, order, limit, cursor, scope, params=None):
        """-> (rows, next_cursor). `query`: a select of what the page shows (one
        entity: rows are entities; several: tuples); `order`: [asc(col), ...] or
        [desc(col), ...], one direction, the last column unique; `scope`: a text naming
        the list and its filters. `params`: the values of `query`'s bound parameters,
        when `query` is a statement built once (kept, not built per call): then its
        paged forms are built once too (a list read on every page load: building and
        keying a statement cost more than running it)."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed({"limit": [f"Must be between 1 and {MAX_LIMIT}."]})
        if len({direction for _column, direction in order}) != 1:
            raise ValueError("a paged order runs one way: every column asc, or every desc")
        columns = [column for column, _direction in order]
        values = self._read(cursor, scope, columns) if cursor else None
        statement = self._paged(query, order, values is not None, params is not None)
        bound = {**(params or {}), "_limit": limit + 1}
        bound.update({f"_after_{i}": value for i, value in enumerate(values or ())})
        width = len(query.column_descriptions)
        rows = session.execute(statement, bound).all()
        shown = [row[0] if width == 1 else tuple(row[:width]) for row in rows[:limit]]
        next_cursor = self._write(rows[limit - 1][width:], scope) if len(rows) > limit else None
        return shown, next_cursor

    def page_in_memory(self, items, sort_key, limit, cursor, scope):
        """-> (items, next_cursor): a page of `items` already read, in ascending
        `sort_key(item)` order (a tuple of JSON values, the last unique): for a list
        whose order the database cannot know, as one sorted by a sealed name
        (services/common/sealed_columns.py). The same contract and cursor as `page`:
        the cursor is the last shown item's sort key, sealed; rows added between two
        pages are neither repeated nor skipped. For a list the service reads whole anyway
        (one office's staff or clients), never for one that grows without bound."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed({"limit": [f"Must be between 1 and {MAX_LIMIT}."]})
        keyed = sorted(((tuple(sort_key(item)), item) for item in items), key=lambda p: p[0])
        if cursor:
            after = tuple(self._open(cursor, scope, None))
            try:
                keyed = [(key, item) for key, item in keyed if key > after]
            except TypeError:  # a sort key of another shape
                raise ValidationFailed(BAD_CURSOR) from None
        shown = keyed[:limit]
        next_cursor = self._write(shown[-1][0], scope) if len(keyed) > limit else None
        return [item for _key, item in shown], next_cursor

    def _paged(self, query, order, after, keep):
        """`query` with the keyset condition (when `after`), the sort key's columns, the
        order and a bound LIMIT; kept per query (`keep`), order and `after`."""
        key = (id(query), after, tuple((id(column), d) for column, d in order))
        kept = self._statements.get(key) if keep else None
        if kept is not None and kept[0] is query:
            return kept[1]
        columns = [column for column, _direction in order]
        paged = query.where(_after(order)) if after else query
        sort = [column.desc() if d == "desc" else column.asc() for column, d in order]
        statement = paged.add_columns(*columns).order_by(*sort).limit(bindparam("_limit"))
        if keep:
            if len(self._statements) >= MAX_KEPT_STATEMENTS:
                self._statements.clear()
            self._statements[key] = (query, statement)  # the query kept: its id stays its
        return statement

    def _write(self, values, scope):
        payload = json.dumps(
            [v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":")
        ).encode()
        nonce = os.urandom(12)
        sealed = nonce + self._cipher.encrypt(nonce, payload, scope.encode())
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def _read(self, cursor, scope, columns):
        values = self._open(cursor, scope, len(columns))
        try:
            return [
                datetime.fromisoformat(v) if isinstance(c.type, UTCDateTime) else v
                for c, v in zip(columns, values, strict=True)
            ]
        except (ValueError, TypeError):
            raise ValidationFailed(BAD_CURSOR) from None

    def _open(self, cursor, scope, width):
        """-> the sort key a cursor carries (a list of `width` values; any width when
        None); ValidationFailed for anything this pager did not write for `scope`."""
        try:
            text = str(cursor)
            if len(text) > MAX_CURSOR_LENGTH:
                raise ValueError
            sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            payload = self._cipher.decrypt(sealed[:12], sealed[12:], scope.encode())
            values = json.loads(payload)
            if not isinstance(values, list) or width not in (None, len(values)):
                raise ValueError
            return values
        except (ValueError, TypeError, binascii.Error, InvalidTag):
            raise ValidationFailed(BAD_CURSOR) from None


class Paging(DependencyProvider):
    """A service's Pager (class attribute `paging = Paging()`), keyed once at setup."""

    def setup(self):
        self.pager = Pager.from_config(self.container.config, self.container.service_name)

    def get_dependency(self, worker_ctx):
        return self.pager


def _after(order):
    """Rows strictly after the cursor's values (bound parameters `_after_0`, ...) in
    `order`, as one row-value comparison: `(a, b) < (x, y)` for a descending order.
    SQLite and PostgreSQL both seek an index on (filter columns, a, b) to the first such
    row; the equivalent `a < x OR (a = x AND b < y)` is answered on SQLite by scanning
    from `a <= x`, through every earlier row of a tie."""
    columns = [column for column, _direction in order]
    bound = tuple_(
        *[bindparam(f"_after_{i}", type_=column.type) for i, column in enumerate(columns)]
    )
    return tuple_(*columns) < bound if order[0][1] == "desc" else tuple_(*columns) > bound
