"""Nothing the system accepted is lost: services killed (SIGKILL) while messages are
in flight get them once they are back, and each e-mail is sent once."""

import signal
import time

import eventlet


def _forgot(kluis, address):
    return (
        kluis.client()
        .post("/auth/password/forgot", json={"email": address}, timeout=60)
        .status_code
    )


def _wait_for_each(kluis, addresses, timeout=90):
    for address in addresses:
        kluis.mail.wait_for(address, timeout=timeout)


def _message_ids(kluis, addresses):
    return [m["Message-ID"] for a in addresses for m in kluis.mail.messages(a)]


def _delivery_log(kluis, addresses):
    items = kluis.admin().get("/admin/notifications?limit=200").json()["items"]
    return {n["recipient"]: n["status"] for n in items if n["recipient"] in addresses}


def _wait_all_delivered(kluis, addresses, timeout=60):
    deadline = time.monotonic() + timeout
    while set(_delivery_log(kluis, addresses).values()) != {"delivered"}:
        assert time.monotonic() < deadline, _delivery_log(kluis, addresses)
        time.sleep(0.2)


def _kill_notify_once_mail_flows(kluis, addresses, stop_signal):
    kluis.system.stop("notify", signal.SIGKILL)
    try:
        assert all(_forgot(kluis, address) == 202 for address in addresses)
        kluis.system.start("notify")
        deadline = time.monotonic() + 60
        while not any(kluis.mail.messages(a) for a in addresses):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        kluis.system.stop("notify", stop_signal)  # somewhere in the backlog
    finally:
        if "notify" not in kluis.system.processes:
            kluis.system.start("notify")


def test_notify_restarted_mid_delivery_sends_each_mail_exactly_once(kluis):
    addresses = [kluis.create_client() for _ in range(30)]
    _kill_notify_once_mail_flows(kluis, addresses, signal.SIGTERM)
    _wait_for_each(kluis, addresses)
    _wait_all_delivered(kluis, addresses)
    ids = _message_ids(kluis, addresses)
    assert len(ids) == len(set(ids)) == len(addresses)


def test_notify_killed_mid_delivery_loses_nothing(kluis):
    addresses = [kluis.create_client() for _ in range(30)]
    _kill_notify_once_mail_flows(kluis, addresses, signal.SIGKILL)
    _wait_for_each(kluis, addresses)
    _wait_all_delivered(kluis, addresses)
    ids = _message_ids(kluis, addresses)
    # Killed outright, the one delivery in progress may have been accepted by the SMTP
    # server without notify learning it: it is sent again (same Message-ID), never lost.
    assert len(addresses) <= len(ids) <= len(addresses) + 1
    ids_by_address = {a: {m["Message-ID"] for m in kluis.mail.messages(a)} for a in addresses}
    assert all(len(one) == 1 for one in ids_by_address.values()), ids_by_address
    assert len(set(ids)) == len(addresses)


def test_requests_accepted_before_identity_was_killed_are_all_carried_out(kluis):
    addresses = [kluis.create_client() for _ in range(20)]
    pool = eventlet.GreenPool(20)
    answers = {}

    def ask(address):
        answers[address] = _forgot(kluis, address)

    for address in addresses:
        pool.spawn_n(ask, address)
    deadline = time.monotonic() + 30
    while sum(1 for code in answers.values() if code == 202) < 3:
        assert time.monotonic() < deadline
        eventlet.sleep(0.005)
    kluis.system.stop("identity", signal.SIGKILL)
    try:
        pool.waitall()
    finally:
        kluis.system.start("identity")
        kluis.system.wait_healthy(60)
    accepted = [a for a, code in answers.items() if code == 202]
    assert len(accepted) >= 3
    # The others got 503/504: their outcome is unknown to the caller (identity may have
    # committed before it died); what was answered 202 must be carried out.
    assert all(code in (202, 503, 504) for code in answers.values())
    _wait_for_each(kluis, accepted)
