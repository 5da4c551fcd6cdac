"""The app registration (device binding), as the app sees it: start, then (after
registration_code.py's identify and verify, and the office's approval in
registration_approval.py) complete, which binds the device. The registration id is the
app's handle on its own registration; each step checks the state it needs."""

from services.common.db import new_id, utcnow
from services.common.errors import NotFound
from services.common.schemas import load

from . import access, domain
from .events import DeviceBound
from .exceptions import ClientVersionUnsupported, InvalidSignature, WrongState
from .models import Account, Device, Registration
from .schemas import NewRegistration
from .sessions import open_session
from .staff import record


def start(uow, device, minimums, source_ip):
    """device: {public_key, name, platform, os_version, app_version}; minimums: {ios,
    android, app} minimum versions (empty: none)."""
    platform_minimum = minimums.get(device["platform"])
    if not (
        domain.version_supported(device["os_version"], platform_minimum)
        and domain.version_supported(device["app_version"], minimums.get("app"))
    ):
        raise ClientVersionUnsupported(
            {"minimum": {"os": platform_minimum or None, "app": minimums.get("app") or None}}
        )
    public_key = load(NewRegistration(), {"device": device})["device"]["public_key"]
    registration = Registration(
        id=new_id(),
        status="started",
        display_name=domain.PLACEHOLDER_NAME,
        attempts_left=domain.REGISTRATION_ATTEMPTS,
        public_key=public_key,
        device_name=device["name"],
        platform=device["platform"],
        os_version=device["os_version"],
        app_version=device["app_version"],
        code_attempts=0,
        source_ip=source_ip,
        created_at=utcnow(),
    )
    uow.session.add(registration)
    return describe(registration)


def describe(registration):
    answer = {
        "id": registration.id,
        "status": registration.status,
        "display_name": registration.display_name,
        "attempts_left": registration.attempts_left,
    }
    if registration.status == "approved":
        answer["challenge"] = registration.challenge
    return answer


def describe_by_id(uow, registration_id):
    return describe(find(uow, registration_id))


def remove(uow, registration_id):
    """The unfinished placeholder goes; the person may start over (the miss limits per
    source address and partner ID still hold: they are kept apart, in rate buckets)."""
    registration = find(uow, registration_id)
    if registration.status == "completed":
        raise WrongState({"status": registration.status})
    uow.session.delete(registration)


def complete(uow, clock, registration_id, signature, source_ip, user_agent):
    """Bind the device: the signature over the challenge proves the registering device
    holds the key. -> {device_id, token, ...}; InvalidSignature for a wrong signature."""
    registration = find(uow, registration_id, lock=True)
    still_there = registration.office_id in access.offices_of(uow.session, registration.account_id)
    if registration.status != "approved" or not still_there:
        raise WrongState({"status": registration.status})
    if not domain.signature_valid(registration.public_key, signature, registration.challenge):
        raise InvalidSignature()
    device = _bind(uow, registration)
    account = uow.session.get(Account, registration.account_id)
    uow.emit(DeviceBound(account_id=account.id, device_id=device.id), actor=account.id)
    record(uow, account.id, "device_bound", "device", device.id, registration.office_id)
    session = open_session(
        uow, clock, account, "device", source_ip, user_agent, device_id=device.id
    )
    return {"device_id": device.id, **session}


def _bind(uow, registration):
    """The registration's device, bound to its account; the registration is done."""
    now = utcnow()
    device = Device(
        id=new_id(),
        account_id=registration.account_id,
        public_key=registration.public_key,
        name=registration.device_name,
        platform=registration.platform,
        os_version=registration.os_version,
        app_version=registration.app_version,
        created_at=now,
        last_used_at=now,
    )
    uow.session.add(device)
    registration.status, registration.challenge = "completed", None
    return device


def find(uow, registration_id, lock=False):
    """`lock`: hold the row until commit, so that concurrent steps on one registration
    (two approvals, two completes, parallel guesses) run one after the other."""
    registration = uow.session.get(Registration, registration_id, with_for_update=lock)
    if registration is None:
        raise NotFound()
    return registration
