"""Least privilege on the broker: one RabbitMQ user per part of Kluis, allowed only its
own queues and the exchanges it must use (docs/operations.md "Broker accounts").

`python -m deploy.broker_accounts [--rotate] [--remove]`, with the broker admin's
credentials in RABBITMQ_ADMIN_USER / RABBITMQ_ADMIN_PASSWORD, the broker and vhost from
AMQP_URI (its user part is not used) and the management API at RABBITMQ_MANAGEMENT_URL
(default http://<AMQP host>:15672). Through the management HTTP API it creates the vhost
if absent and the users `kluis-<part>` (`kluis-<vhost>-<part>` on a vhost other than
"/"), each with a strong random password, sets each user's permissions on the vhost,
and declares the queues with the admin's account (services.common.topology: that
account is the one allowed to declare every part's queues ahead of time). The passwords
are kept in $KLUIS_VAR/broker-accounts.json (mode 0600, for the system's user only) and
reused on a rerun; `--rotate` gives every user a new one, KLUIS_BROKER_PASSWORD_<PART>
sets one. It prints each part's AMQP URI with the password masked, never the password.
`--remove` deletes the users again (the vhost stays).
What each part may do: deploy/broker_permissions.py."""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from deploy.broker_permissions import permissions
from services.common.settings import DEFAULT_AMQP_URI, SERVICE_CLASSES

PARTS = tuple(SERVICE_CLASSES) + ("gateway",)
STORE_NAME = "broker-accounts.json"
TIMEOUT_S = 10


class SetupError(Exception):
    """Anything that stops the set-up, with a message for the operator."""


def user_name(part, vhost):
    return f"kluis-{part}" if vhost in ("", "/") else f"kluis-{vhost}-{part}"


class Management:
    """The few calls of RabbitMQ's management HTTP API that the set-up needs."""

    def __init__(self, url, user, password):
        self.url = url.rstrip("/") + "/api"
        self.auth = (user, password)

    def _call(self, method, path, body=None, allow=()):
        try:
            response = requests.request(
                method, self.url + path, json=body, auth=self.auth, timeout=TIMEOUT_S
            )
        except requests.RequestException as exc:
            raise SetupError(
                f"the management API at {self.url} does not answer ({type(exc).__name__})"
            ) from None
        if response.status_code in (401, 403):
            raise SetupError(
                f"the management API refused the admin's credentials "
                f"({response.status_code}); the admin needs the tag "
                f"`administrator`"
            )
        if response.status_code >= 400 and response.status_code not in allow:
            raise SetupError(
                f"{method} {path.split('/')[1]} failed: {response.status_code} "
                f"{response.text[:200]}"
            )
        return response

    def ensure_vhost(self, vhost, admin):
        path = "/vhosts/" + quote(vhost, safe="")
        if self._call("GET", path, allow=(404,)).status_code == 404:
            self._call("PUT", path)
            self.set_permissions(vhost, admin, {"configure": ".*", "write": ".*", "read": ".*"})

    def put_user(self, user, password):
        self._call("PUT", "/users/" + quote(user, safe=""), {"password": password, "tags": ""})

    def delete_user(self, user):
        self._call("DELETE", "/users/" + quote(user, safe=""), allow=(404,))

    def set_permissions(self, vhost, user, rules):
        path = f"{quote(vhost, safe='')}/{quote(user, safe='')}"
        self._call(
            "PUT",
            "/permissions/" + path,
            {name: rules[name] for name in ("configure", "write", "read")},
        )
        if "topics" in rules:  # exactly these: none left from an older version
            for topic in rules["topics"]:  # first the new (a PUT replaces per exchange)...
                self._call("PUT", "/topic-permissions/" + path, topic)
            wanted = {topic["exchange"] for topic in rules["topics"]}
            for old in self._call("GET", "/topic-permissions/" + path, allow=(404,)).json():
                if old.get("exchange") not in wanted:  # ...then the stale: never none at all
                    self._call(
                        "DELETE",
                        "/topic-permissions/" + path + "/" + quote(old["exchange"], safe=""),
                        allow=(404,),
                    )


def _read_store(path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        raise SetupError(f"{path} is not JSON; remove it and run again with --rotate") from None


def _write_store(path, data):
    """Atomically, readable by the system's user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # A new file, 0600 before the first byte: a stale one (a crash) is removed, never
    # reused with its mode or its links.
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # the umask may take bits away, never add them: exactly 0600
    with os.fdopen(fd, "w") as file:
        json.dump(data, file, indent=1)
    os.replace(temporary, path)


def with_user(amqp_uri, user, password):
    """`amqp_uri` (broker and vhost) with another user; each node of a failover list
    ("a;b;c", a RabbitMQ cluster's nodes) alike."""
    if ";" in amqp_uri:
        return ";".join(with_user(one, user, password) for one in amqp_uri.split(";"))
    parts = urlsplit(amqp_uri)
    host = parts.hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else "")))


def masked(uri):
    """`uri` with its password as ***; each of a failover list (kombu's "a;b;c", the
    nodes of a RabbitMQ cluster) on its own. Also what `make run` prints."""
    if ";" in uri:
        return ";".join(masked(one) for one in uri.split(";"))
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    return urlunsplit(
        parts._replace(
            netloc=parts.netloc.split("@", 1)[0].split(":")[0]
            + ":***@"
            + parts.netloc.rsplit("@", 1)[1]
        )
    )


def vhost_of(amqp_uri):
    path = urlsplit(amqp_uri.split(";")[0]).path  # a failover list's nodes share it
    return unquote(path[1:]) if len(path) > 1 else "/"


class Admin:
    """The broker admin's credentials, from the environment: -> None when not given."""

    def __init__(self, env):
        self.passwords = {
            name: env[name]
            for name in self.secret_names(env)
            if name.startswith("KLUIS_BROKER_PASSWORD_")
        }
        self.user = env.get("RABBITMQ_ADMIN_USER") or ""
        self.password = env.get("RABBITMQ_ADMIN_PASSWORD") or ""
        self.amqp_uri = env.get("AMQP_URI") or DEFAULT_AMQP_URI
        host = urlsplit(self.amqp_uri.split(";")[0]).hostname or "127.0.0.1"
        self.management_url = env.get("RABBITMQ_MANAGEMENT_URL") or f"http://{host}:15672"
        self.vhost = vhost_of(self.amqp_uri)

    @staticmethod
    def secret_names(env):
        """The variables in `env` that only the set-up may see."""
        return [
            name
            for name in env
            if name in ("RABBITMQ_ADMIN_USER", "RABBITMQ_ADMIN_PASSWORD")
            or name.startswith("KLUIS_BROKER_PASSWORD_")
        ]

    @classmethod
    def from_env(cls, env):
        admin = cls(env)
        if bool(admin.user) != bool(admin.password):
            raise SetupError("set both RABBITMQ_ADMIN_USER and RABBITMQ_ADMIN_PASSWORD, or neither")
        return admin if admin.user else None

    @property
    def env(self):
        """The variables that give these credentials to the set-up command."""
        return {
            "RABBITMQ_ADMIN_USER": self.user,
            "RABBITMQ_ADMIN_PASSWORD": self.password,
            "RABBITMQ_MANAGEMENT_URL": self.management_url,
            **self.passwords,
        }

    @property
    def setup_uri(self):
        """The admin's own AMQP URI on the vhost, for declaring the queues."""
        return with_user(self.amqp_uri, self.user, self.password)


def set_up(admin, var, env=None, rotate=False):
    """Create (or bring up to date) the users and their permissions, declare the
    queues as the admin. -> {part: its AMQP URI}. Idempotent: a rerun keeps the users
    and their passwords unless `rotate`."""
    env = os.environ if env is None else env
    store_path = Path(var) / STORE_NAME
    store = _read_store(store_path)
    kept = store.get(admin.vhost, {}) if not rotate else {}
    api = Management(admin.management_url, admin.user, admin.password)
    api.ensure_vhost(admin.vhost, admin.user)
    accounts = {}
    for part in PARTS:
        password = (
            env.get(f"KLUIS_BROKER_PASSWORD_{part.upper()}")
            or kept.get(part)
            or secrets.token_urlsafe(32)
        )
        user = user_name(part, admin.vhost)
        api.put_user(user, password)
        api.set_permissions(admin.vhost, user, permissions(part))
        accounts[part] = password
    store[admin.vhost] = accounts
    _write_store(store_path, store)
    from services.common.topology import declare_all

    declare_all(admin.setup_uri)
    return part_uris(admin, var)


def part_uris(admin, var):
    """-> {part: its AMQP URI}, from the passwords the set-up kept."""
    accounts = _read_store(Path(var) / STORE_NAME).get(admin.vhost)
    if not accounts or set(accounts) != set(PARTS):
        raise SetupError(
            f"no accounts for vhost {admin.vhost} in {Path(var) / STORE_NAME}; "
            "run `python -m deploy.broker_accounts`"
        )
    return {
        part: with_user(admin.amqp_uri, user_name(part, admin.vhost), accounts[part])
        for part in PARTS
    }


def remove(admin, var):
    """Delete the parts' users of the admin's vhost and forget their passwords."""
    api = Management(admin.management_url, admin.user, admin.password)
    for part in PARTS:
        api.delete_user(user_name(part, admin.vhost))
    store_path = Path(var) / STORE_NAME
    store = _read_store(store_path)
    if store.pop(admin.vhost, None) is not None:
        _write_store(store_path, store)


def main(argv=None):
    from services.common.settings import kluis_var

    parser = argparse.ArgumentParser(
        prog="python -m deploy.broker_accounts", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rotate", action="store_true", help="give every user a new password")
    parser.add_argument("--remove", action="store_true", help="delete the users")
    args = parser.parse_args(argv)
    try:
        admin = Admin.from_env(os.environ)
        if admin is None:
            raise SetupError("set RABBITMQ_ADMIN_USER and RABBITMQ_ADMIN_PASSWORD")
        if args.remove:
            remove(admin, kluis_var())
            print(f"removed the users of vhost {admin.vhost}")
            return 0
        uris = set_up(admin, kluis_var(), rotate=args.rotate)
    except SetupError as error:
        print(f"kluis: broker accounts: {error}", file=sys.stderr)
        return 2
    for part, uri in uris.items():
        print(f"{part}: {masked(uri)}")
    print(f"passwords kept in {kluis_var() / STORE_NAME} (mode 0600)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
