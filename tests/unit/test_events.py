"""Events as code (services/common/events.py): each service declares what it emits in its
events.py; every emit goes through a declaration, and the wire format (event type names,
payload keys) is the one the services emitted before the declarations existed."""

import ast
import dataclasses
import importlib
import json
import pathlib
import types
import typing

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.events import Command, Event, declared_in, event
from services.common.plumbing import plumbing_tables
from services.common.unit_of_work import COMMAND_EXCHANGE, unit_of_work
from services.documents.events import DocumentVisibilityChanged
from services.identity.events import SecondFactorChanged, SessionRevoked
from services.notify.events import SendNotification

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ("identity", "dossier", "documents", "signing", "notify")
ACTOR = ("actor_kind", "looked_along_by")  # documents: who acted, besides `actor`

# The payload keys of each event as emitted before the declarations (sessions_revoked: one
# of two keys). Stored outbox rows and other instances still use them.
WIRE = {
    "identity": {
        "account_created": {"account_id", "kind"},
        "account_activated": {"account_id"},
        "account_language_changed": {"account_id", "language"},
        "account_locked": {"account_id", "locked_until", "source_ip"},
        "account_removed": {"account_id"},
        "session_revoked": {"reason", "session_id", "account_id"},
        "second_factor_changed": {"account_id", "method"},
        "device_bound": {"account_id", "device_id"},
        "device_unbound": {"account_id", "device_id"},
        "membership_changed": {"account_id", "office_id", "change", "role"},
        "registration_requested": {"registration_id", "office_id", "role"},
        "registration_approved": {"registration_id", "account_id", "office_id", "role"},
        "registration_rejected": {"registration_id", "account_id", "office_id"},
    },
    "dossier": {
        "office_created": {"office_id", "partner_id"},
        "client_created": {"client_id", "office_id"},
        "client_invited": {"client_id", "office_id"},
        "client_unlinked": {"client_id", "office_id", "account_id"},
        "invitation_accepted": {"client_id", "office_id", "account_id"},
        "consent_changed": {"account_id", "office_id", "shared"},
        "dossier_opened": {"dossier_id", "client_id", "office_id"},
        "message_posted": {
            "message_id",
            "dossier_id",
            "office_id",
            "client_id",
            "thread_id",
            "reply_to",
            "sender_kind",
            "attachment_ids",
        },
        "questionnaire_assigned": {
            "questionnaire_id",
            "dossier_id",
            "client_id",
            "office_id",
            "title",
        },
        "questionnaire_completed": {
            "questionnaire_id",
            "dossier_id",
            "client_id",
            "office_id",
            "document_id",
        },
    },
    "documents": {
        "document_uploaded": {
            "document_id",
            "dossier_id",
            "office_id",
            "client_id",
            "request_id",
            "category",
            "name",
            "public",
            "client_visible",
            *ACTOR,
        },
        "document_published": {"document_id", "dossier_id", "office_id", "client_id", "title"},
        "export_downloaded": {"export_id", "account_id"},
        "document_downloaded": {
            "document_id",
            "dossier_id",
            "office_id",
            "client_id",
            "client_visible",
            *ACTOR,
        },
        "document_visibility_changed": {
            "document_id",
            "dossier_id",
            "office_id",
            "client_id",
            "public",
            "client_visible",
            "category",
            "uploaded_by",
            *ACTOR,
        },
        "request_created": {
            "request_id",
            "dossier_id",
            "office_id",
            "client_id",
            "title",
            "deliver_by",
            "client_visible",
            *ACTOR,
        },
        "request_reviewed": {
            "request_id",
            "dossier_id",
            "office_id",
            "client_id",
            "title",
            "deliver_by",
            "decision",
            "reason",
            "client_visible",
            *ACTOR,
        },
        "requests_updated_by_lender": {
            "request_ids",
            "dossier_id",
            "office_id",
            "client_id",
            "changes",
            "actor_kind",
            "looked_along_by",
        },
    },
    "signing": {
        "signature_requested": {
            "signing_request_id",
            "document_id",
            "dossier_id",
            "office_id",
            "signer_client_id",
        },
        "document_signed": {
            "signing_request_id",
            "document_id",
            "signed_document_id",
            "dossier_id",
            "office_id",
        },
        "signature_withdrawn": {"signing_request_id", "dossier_id", "office_id"},
        "signature_expired": {"signing_request_id", "dossier_id", "office_id"},
    },
    "notify": {
        "notification_sent": {"notification_id", "template", "channel", "status", "attempts"},
        "notification_failed": {"notification_id", "template", "channel", "status", "attempts"},
        # a command, sent to notify by the others
        "send_notification": {"template", "language", "to", "data", "account_id"},
        "forget_recipients": {"emails", "mobiles"},
    },
}


def declarations(service):
    return declared_in(importlib.import_module(f"services.{service}.events"))


ALL = [(service, cls) for service in SERVICES for cls in declarations(service)]

SAMPLES = {
    str: "a-value",
    int: 3,
    bool: True,
    list[str]: ["one", "two"],
    dict: {"email": "ann@example.nl"},
    list[dict]: [{"title": "Salarisstrook", "lender_status": "to_deliver"}],
}


def sample(cls):
    """An instance of `cls` with a value of its type in every field."""
    hints = typing.get_type_hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        arms = [arm for arm in typing.get_args(hint) if arm is not type(None)]
        values[field.name] = SAMPLES[
            arms[0] if typing.get_origin(hint) in (typing.Union, types.UnionType) else hint
        ]
    return cls(**values)


@pytest.fixture
def engine():
    metadata = sa.MetaData()
    plumbing_tables(metadata)
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    engine.outbox = metadata.tables["outbox"]
    yield engine
    engine.dispose()


def outbox_rows(engine):
    with Session(engine) as session:
        return session.execute(sa.select(engine.outbox)).all()


@pytest.mark.parametrize("service,cls", ALL, ids=[cls.event_type for _, cls in ALL])
def test_every_declared_event_round_trips_through_the_outbox(engine, service, cls):
    made = sample(cls)
    with unit_of_work(engine, "sender", engine.outbox) as uow:
        if issubclass(cls, Command):
            uow.send(service, made)
        else:
            uow.emit(made, actor="account-1")
    (row,) = outbox_rows(engine)
    message = json.loads(row.payload)
    assert (row.exchange, row.routing_key) == (
        (COMMAND_EXCHANGE.name, service)
        if issubclass(cls, Command)
        else ("sender.events", cls.event_type)
    )
    assert cls.load(message) is message
    assert cls.from_payload(message) == made
    assert set(message) - set(cls.envelope) == WIRE[service][cls.event_type]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_declares_the_events_of_the_wire_format(service):
    names = [cls.event_type for cls in declarations(service)]
    assert len(names) == len(set(names))
    assert set(names) == set(WIRE[service])


def calls_of(method):
    """(path, call) of every `….<method>(...)` in services/ and gateway/."""
    for folder in ("services", "gateway"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == method
                ):
                    yield path.relative_to(ROOT), node


def called(call):
    """The name a call calls: `Made` of `Made(...)` and of `events.Made(...)`."""
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def test_every_emit_passes_a_declared_event_and_no_bare_name():
    """The event types the code emits are the declared ones, each by its class."""
    declared = {cls.__name__: cls.event_type for _, cls in ALL if not issubclass(cls, Command)}
    made = set()
    for path, call in calls_of("emit"):
        if path.as_posix() == "services/common/unit_of_work.py":
            continue
        where = f"{path}:{call.lineno}"
        assert len(call.args) == 1, where
        assert not isinstance(call.args[0], ast.Constant), f"{where}: a bare event name"
        assert [k.arg for k in call.keywords] in ([], ["actor"]), where
        classes = {
            called(node)
            for node in ast.walk(call.args[0])
            if isinstance(node, ast.Call) and called(node) in declared
        }
        assert classes, f"{where}: no declared event"
        made |= {declared[name] for name in classes}
    assert made == set(declared.values())


def test_every_command_sent_is_a_declared_one_by_its_class():
    declared = {
        cls.__name__: (service, cls.event_type) for service, cls in ALL if issubclass(cls, Command)
    }
    sent = set()
    for path, call in calls_of("send"):
        if getattr(call.func.value, "id", None) != "uow":
            continue  # not a unit of work's send (a socket's, say)
        where = f"{path}:{call.lineno}"
        assert not isinstance(call.args[1], ast.Constant), f"{where}: a bare command name"
        assert call.keywords == [], where
        target, made = call.args[0].value, called(call.args[1])
        assert declared[made][0] == target, where
        sent.add(made)
    assert sent == set(declared)


def test_a_bare_name_or_a_wrong_field_fails_before_the_outbox_row(engine):
    with unit_of_work(engine, "identity", engine.outbox) as uow:
        with pytest.raises(TypeError, match="declared Event"):
            uow.emit("session_revoked", actor=None)
        with pytest.raises(TypeError, match="reason"):
            uow.emit(SessionRevoked(account_id="account-1"))
        with pytest.raises(TypeError, match="unexpected keyword argument 'why'"):
            uow.emit(SessionRevoked(account_id="account-1", reason="logout", why="x"))
        with pytest.raises(TypeError, match="session_revoked.reason: int"):
            uow.emit(SessionRevoked(account_id="account-1", reason=3))
        with pytest.raises(TypeError, match="declared Command"):
            uow.send("notify", "send_notification")
        with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'to'"):
            uow.send("notify", SendNotification(template="login_code", language="nl"))
        with pytest.raises(TypeError, match="declared Event"):
            uow.emit(SendNotification(template="login_code", language="nl", to={}))
    assert outbox_rows(engine) == []


def test_a_field_absent_unless_given_is_left_out_and_none_is_kept_otherwise():
    assert SessionRevoked(session_id="s-1", reason="logout").payload() == {
        "reason": "logout",
        "session_id": "s-1",
    }
    assert SendNotification(template="t", language=None, to={}, account_id=None).payload() == {
        "template": "t",
        "language": None,
        "to": {},
        "account_id": None,
    }
    assert SecondFactorChanged(account_id="a-1", method=None).payload() == {
        "account_id": "a-1",
        "method": None,
    }


def test_load_refuses_another_type_or_a_missing_field_and_reads_older_messages():
    message = {
        "event_id": "e-1",
        "event_type": "document_visibility_changed",
        "occurred_at": "2026-01-01T00:00:00+00:00",
        "actor": "a-1",
        "document_id": "d-1",
        "dossier_id": "x-1",
        "office_id": "o-1",
        "client_id": "c-1",
        "public": True,
        "client_visible": True,
        "actor_kind": "staff",
        "looked_along_by": None,
    }
    assert DocumentVisibilityChanged.load(message) is message  # from before category
    with pytest.raises(TypeError, match="is not 'session_revoked'"):
        SessionRevoked.load(message)
    with pytest.raises(TypeError, match="'public' is missing"):
        DocumentVisibilityChanged.load({k: v for k, v in message.items() if k != "public"})
    with pytest.raises(TypeError, match="public: str"):
        DocumentVisibilityChanged.load({**message, "public": "yes"})


def test_a_declaration_may_not_take_an_envelope_key():
    with pytest.raises(TypeError, match="taken"):

        @event("thing_done")
        class ThingDone(Event):
            """Clashes."""

            actor: str | None
