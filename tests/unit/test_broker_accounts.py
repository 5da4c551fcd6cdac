"""The broker accounts' permissions (deploy.broker_permissions) against the code they must
allow: the commands each service sends, the queue names nameko gives."""

import os
import re
import stat
from pathlib import Path

from deploy.broker_accounts import PARTS, _write_store, masked, vhost_of, with_user
from deploy.broker_permissions import COMMANDS_SENT, UUID, permissions

ROOT = Path(__file__).resolve().parents[2]


def test_the_commands_each_service_sends_are_the_ones_allowed():
    sent = {}
    for path in (ROOT / "services").glob("*/*.py"):
        for target in re.findall(r"\.send\(\s*\"(\w+)\"", path.read_text()):
            sent.setdefault(path.parent.name, set()).add(target)
    assert sent == {part: set(targets) for part, targets in COMMANDS_SENT.items()}


def test_permissions_match_exact_names_only():
    identity, gateway = permissions("identity"), permissions("gateway")
    reply = "rpc.reply-identity-0b0f9a0e-6e0c-4a4e-9a55-0e5c7a3f2d11"
    assert re.fullmatch(UUID, reply[-36:])
    for rules in (identity[name] for name in ("configure", "write", "read")):
        assert re.search(rules, reply) and not re.search(rules, "rpc-identity-x")
        assert not re.search(rules, "rpc-dossier")
    # a sender publishes to kluis.commands; it neither declares, binds nor reads
    # notify's queue, nor reads the (direct, unrestricted by topic) exchange
    assert re.search(identity["write"], "kluis.commands")
    for name in ("configure", "write", "read"):
        assert not re.search(identity[name], "notify.commands"), name
    assert not re.search(identity["read"], "kluis.commands")
    assert not re.search(identity["configure"], "kluis.commands")
    notify = permissions("notify")
    assert all(re.search(notify[name], "notify.commands") for name in ("configure", "read"))
    broadcast = "evt-identity-session_revoked--gateway.forget_principals-" + "a" * 32
    assert all(re.search(gateway[name], broadcast) for name in ("configure", "write", "read"))
    for name in (
        "rpc-identity",
        "notify.commands",
        "kluis.commands",
        "identity.events",
        "evt-identity-account_activated--dossier.handle_account_activated",
    ):
        assert not re.search(
            gateway["configure"] if "events" not in name else gateway["write"], name
        ), name
    assert not re.search(gateway["read"], "rpc-identity")


def test_uris_carry_the_users_password_and_show_it_masked():
    uri = with_user("amqp://guest:guest@rabbit:5673/kluis%2Fprod", "kluis-notify", "s3cr/t")
    assert uri == "amqp://kluis-notify:s3cr%2Ft@rabbit:5673/kluis%2Fprod"
    assert masked(uri) == "amqp://kluis-notify:***@rabbit:5673/kluis%2Fprod"
    assert PARTS[-1] == "gateway"


def test_a_failover_list_keeps_every_node_with_the_parts_user():
    """AMQP_URI listing a cluster's nodes (docs/operations.md "RabbitMQ cluster"): each
    part's URI lists them all, with its own user, and shows no password."""
    nodes = "amqp://admin:a@r1:5672/kluis;amqp://admin:a@r2:5672/kluis;amqp://admin:a@r3/kluis"
    uri = with_user(nodes, "kluis-notify", "s3cr/t")
    assert uri == (
        "amqp://kluis-notify:s3cr%2Ft@r1:5672/kluis;"
        "amqp://kluis-notify:s3cr%2Ft@r2:5672/kluis;amqp://kluis-notify:s3cr%2Ft@r3/kluis"
    )
    assert "s3cr" not in masked(uri) and masked(uri).count(":***@") == 3
    assert vhost_of(nodes) == "kluis"


def test_the_store_is_written_to_a_new_file_that_is_0600_from_the_start(tmp_path):
    """A temporary file left behind (a crash; here a link to a file anybody may read) is
    never written into: the passwords go to a new file, 0600 before the first byte."""
    store = tmp_path / "broker-accounts.json"
    readable = tmp_path / "readable"
    readable.write_text("")
    readable.chmod(0o644)
    os.link(readable, store.with_suffix(".tmp"))
    _write_store(store, {"gateway": "s3cret-password"})
    assert readable.read_text() == ""
    assert stat.S_IMODE(readable.stat().st_mode) == 0o644
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert "s3cret-password" in store.read_text()


def test_dossier_may_call_signing_to_erase_a_signer():
    """The end of retention (dossier's erase_due_clients) calls signing.erase_signer: the
    call is allowed by dossier's topic permissions, derived from its proxies."""
    (rpc, *_events) = permissions("dossier")["topics"]
    assert rpc["exchange"] == "nameko-rpc"
    assert re.search(rpc["write"], "signing.erase_signer")
    assert re.search(rpc["write"], "documents.shred_client")
    assert not re.search(permissions("notify")["topics"][0]["write"], "signing.erase_signer")
