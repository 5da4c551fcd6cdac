"""docs/api.md "Portal invitation, activation, unlink, look-along" (the rest), products and
mortgage applications, the second sign-in step, audit, home. Through HTTP."""

import time

from services.identity import totp

from .conftest import unique_email
from .staff_app import Office
from .test_clients import _client, activate


def test_unlink_ends_the_portal_account_at_once_and_inviting_again_works(kluis, office, staff):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "U-1", "description": "Aankoop"}
    ).json()
    portal = activate(kluis, staff, client)
    assert portal.get("/dossiers").status_code == 200
    assert staff.post(f"/clients/{client['id']}/unlink").status_code == 204
    assert portal.get("/dossiers").status_code == 401
    assert (
        kluis.client()
        .post("/auth/login", json={"email": client["email"], "password": "Mijn-Kluis-2026"})
        .status_code
        == 401
    )
    assert staff.get(f"/dossiers/{dossier['id']}").status_code == 200  # records stay
    assert staff.get(f"/clients/{client['id']}/invitation").json()["status"] == "not_invited"
    assert staff.post(f"/clients/{client['id']}/unlink").status_code == 409
    again = activate(kluis, staff, client, password="Weer-Terug-2027")
    assert [d["id"] for d in again.get("/dossiers").json()["items"]] == [dossier["id"]]


def test_look_along_sees_what_the_client_sees_and_changes_nothing(kluis, office, staff):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "L-1", "description": "X"}
    ).json()
    assert staff.post(f"/clients/{client['id']}/look-along").status_code == 409  # no account
    portal = activate(kluis, staff, client)
    response = staff.post(f"/clients/{client['id']}/look-along")
    assert response.status_code == 200
    looking = kluis.client(response.json()["token"])
    assert looking.get("/dossiers").json() == portal.get("/dossiers").json()
    assert looking.get("/me").json()["id"] == portal.get("/me").json()["id"]
    for method, path, body in (
        ("PATCH", "/me", {"language": "en"}),
        ("PUT", f"/me/consents/{office.id}", {"shared": False}),
        ("POST", "/me/2fa/sms", {"mobile": "0612345678"}),
        ("POST", "/me/accounts", {"name": "X", "email": unique_email()}),
    ):
        refused = looking.request(method, path, json=body)
        assert refused.status_code == 403, path
        assert refused.json()["error"] == "read_only_session"
    assert portal.get("/me/consents").json()["items"][0]["shared"] is True
    trail = portal.get("/me/audit").json()["items"]
    looks = [e for e in trail if e["action"] == "look_along"]
    assert len(looks) == 1 and looks[0]["actor"]["kind"] == "staff"
    assert (
        any(
            e["action"] == "dossier_viewed (look-along)" and e["actor"]["kind"] == "staff"
            for e in trail
        )
        is False
    )  # the list view is not a view of one dossier
    looking.get(f"/dossiers/{dossier['id']}")
    viewed = [
        e
        for e in portal.get("/me/audit").json()["items"]
        if e["action"] == "dossier_viewed (look-along)"
    ]
    assert len(viewed) == 1 and viewed[0]["actor"]["kind"] == "staff"
    dossier_trail = staff.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
    assert "look_along" in [e["action"] for e in dossier_trail]
    assert looking.post("/auth/logout").status_code == 204
    outsider_office = Office(kluis, office.admin)
    _app, outsider = outsider_office.staffed("owner")
    assert outsider.post(f"/clients/{client['id']}/look-along").status_code == 404


def test_a_company_adds_extra_accounts_that_see_its_dossiers(kluis, office, staff):
    company = _client(staff, office, type="company", name="Bakkerij de Korenschoof BV")
    dossier = staff.post(
        f"/clients/{company['id']}/dossiers", json={"number": "BV-1", "description": "Bedrijfspand"}
    ).json()
    main = activate(kluis, staff, company)
    extra_email = unique_email("medewerker")
    added = main.post("/me/accounts", json={"name": "Piet Bakker", "email": extra_email})
    assert added.status_code == 201 and added.json()["invitation"] == "sent"
    extra = activate(kluis, staff, {**added.json(), "email": extra_email}, invited=True)
    assert [d["id"] for d in extra.get("/dossiers").json()["items"]] == [dossier["id"]]
    assert extra.get(f"/dossiers/{dossier['id']}").status_code == 200
    listed = main.get("/me/accounts").json()["items"]
    assert [a["email"] for a in listed] == [extra_email]
    assert main.get(f"/me/accounts/{added.json()['id']}").json()["name"] == "Piet Bakker"
    assert extra.get("/me/accounts").status_code == 403  # not the main account
    person = activate(kluis, staff, _client(staff, office))
    assert (
        person.post("/me/accounts", json={"name": "X", "email": unique_email()}).status_code == 403
    )
    assert main.delete(f"/me/accounts/{added.json()['id']}").status_code == 204
    assert extra.get("/dossiers").status_code == 401
    assert main.get(f"/me/accounts/{added.json()['id']}").status_code == 404
    listed = [c["id"] for c in staff.get("/clients").json()["items"]]
    assert company["id"] in listed and added.json()["id"] not in listed


def test_sms_second_step_with_a_single_use_recovery_code(kluis, office, staff):
    client = _client(staff, office)
    portal = activate(kluis, staff, client)
    mobile = "+31655556666"
    assert portal.post("/me/2fa/sms", json={"mobile": "06-5555 6666"}).status_code == 202
    assert (
        portal.post(
            "/me/2fa/sms/confirm",
            json={"code": "000000" if kluis.sms_code(mobile) != "000000" else "111111"},
        ).status_code
        == 422
    )
    confirmed = portal.post("/me/2fa/sms/confirm", json={"code": kluis.sms_code(mobile)})
    recovery = confirmed.json()["recovery_code"]
    login = (
        kluis.client()
        .post("/auth/login", json={"email": client["email"], "password": "Mijn-Kluis-2026"})
        .json()
    )
    assert login["two_factor_required"] is True and "token" not in login
    wrong = kluis.client().post(
        "/auth/login/2fa", json={"challenge_id": login["challenge_id"], "code": "123456"}
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_code"
    signed_in = kluis.client().post(
        "/auth/login/2fa",
        json={"challenge_id": login["challenge_id"], "code": kluis.sms_code(mobile, 2)},
    )
    assert signed_in.status_code == 200 and signed_in.json()["token"]
    second = (
        kluis.client()
        .post("/auth/login", json={"email": client["email"], "password": "Mijn-Kluis-2026"})
        .json()
    )
    by_recovery = kluis.client().post(
        "/auth/login/2fa",
        json={"challenge_id": second["challenge_id"], "recovery_code": recovery.lower()},
    )
    assert by_recovery.status_code == 200
    third = (
        kluis.client()
        .post("/auth/login", json={"email": client["email"], "password": "Mijn-Kluis-2026"})
        .json()
    )
    reused = kluis.client().post(
        "/auth/login/2fa", json={"challenge_id": third["challenge_id"], "recovery_code": recovery}
    )
    assert reused.status_code == 401
    assert (
        kluis.client(by_recovery.json()["token"])
        .delete("/me/2fa", json={"password": "Mijn-Kluis-2026"})
        .status_code
        == 204
    )
    assert (
        "token"
        in kluis.client()
        .post("/auth/login", json={"email": client["email"], "password": "Mijn-Kluis-2026"})
        .json()
    )


def test_totp_second_step_for_admins(kluis):
    address = unique_email("beheer")
    with kluis.rpc(kluis.admin_principal()) as rpc:
        rpc.identity.create_account("admin", address, "Tweede beheerder", "nl", "Beheer-Twee-2026")
    admin = kluis.client(kluis.login(address, "Beheer-Twee-2026"))
    enrol = admin.post("/me/2fa/totp").json()
    assert enrol["otpauth_uri"].startswith("otpauth://totp/") and enrol["secret"]
    step = int(time.time()) // 30
    codes = admin.post(
        "/me/2fa/totp/confirm", json={"code": totp.code_at(enrol["secret"], step)}
    ).json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    login = (
        kluis.client()
        .post("/auth/login", json={"email": address, "password": "Beheer-Twee-2026"})
        .json()
    )
    assert login["two_factor_required"] is True
    ok = kluis.client().post(
        "/auth/login/2fa",
        json={
            "challenge_id": login["challenge_id"],
            "code": totp.code_at(enrol["secret"], step + 1),
        },
    )  # the confirming code is spent
    assert ok.status_code == 200
    client = kluis.client(kluis.login(kluis.create_client(), "Klant-Wachtwoord-7"))
    assert client.post("/me/2fa/totp").status_code == 403


def test_products_and_running_mortgage_applications(kluis, office, staff):
    client = _client(staff, office)
    product = staff.post(
        f"/clients/{client['id']}/products",
        json={
            "kind": "life_insurance",
            "provider": "Verzekeraar NV",
            "amount_cents": 2500000,
            "start_date": "2026-01-01",
        },
    )
    assert product.status_code == 201 and product.json()["start_date"] == "2026-01-01"
    assert staff.post(f"/clients/{client['id']}/products", json={"kind": "auto"}).status_code == 400
    assert [p["kind"] for p in staff.get(f"/clients/{client['id']}/products").json()["items"]] == [
        "life_insurance"
    ]
    opened = office.admin.post(
        f"/clients/{client['id']}/mortgage-applications",
        json={"amount_cents": 32500000, "lender": "Kluis Bank"},
    )
    assert opened.status_code == 201 and opened.json()["status"] == "running"
    assert (
        staff.post(
            f"/clients/{client['id']}/mortgage-applications", json={"amount_cents": "veel"}
        ).status_code
        == 400
    )
    running = [a["id"] for a in staff.get("/mortgage-applications").json()["items"]]
    assert opened.json()["id"] in running
    approved = staff.patch(
        f"/mortgage-applications/{opened.json()['id']}", json={"status": "approved"}
    )
    assert approved.json()["status"] == "approved"
    assert opened.json()["id"] not in [
        a["id"] for a in staff.get("/mortgage-applications").json()["items"]
    ]
    assert opened.json()["id"] in [
        a["id"] for a in staff.get("/mortgage-applications?status=approved").json()["items"]
    ]
    outsider_office = Office(kluis, office.admin)
    _app, outsider = outsider_office.staffed("owner")
    assert outsider.get(f"/clients/{client['id']}/products").status_code == 404
    assert opened.json()["id"] not in [
        a["id"] for a in outsider.get("/mortgage-applications?status=all").json()["items"]
    ]


def test_the_audit_trail_and_the_home_page(kluis, office, staff):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "A-1", "description": "Audit"}
    ).json()
    staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "A-2", "description": "Gesloten", "status": "closed"},
    )
    for _ in range(3):  # one viewing: a session's views count once per AUDIT_VIEW_INTERVAL_S
        staff.get(f"/dossiers/{dossier['id']}")
    trail = staff.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
    assert [e["action"] for e in trail][:2] == ["dossier_viewed", "dossier_opened"]
    assert trail[0]["actor"]["kind"] == "staff" and trail[0]["at"]
    portal = activate(kluis, staff, client)
    assert portal.get("/home").json() == {"dossiers": {"in_progress": 1, "total": 2}, "actions": 0}
    assert portal.get("/actions").json() == {"items": [], "next_cursor": None}
    assert staff.get("/home").status_code == 403
    assert portal.get(f"/dossiers/{dossier['id']}/audit").status_code == 403
    own = {e["action"] for e in portal.get("/me/audit").json()["items"]}
    assert {"client_created", "dossier_opened", "invitation_sent", "invitation_accepted"} <= own


def test_notification_preferences_default_on_and_change(kluis, office, staff):
    portal = activate(kluis, staff, _client(staff, office))
    assert portal.get("/me/notification-preferences").json() == {
        "new_documents": True,
        "questionnaires": True,
        "messages": True,
    }
    changed = portal.put("/me/notification-preferences", json={"messages": False})
    assert changed.json() == {"new_documents": True, "questionnaires": True, "messages": False}
    assert portal.put("/me/notification-preferences", json={"messages": "nee"}).status_code == 400
    assert portal.put("/me/notification-preferences", json={"sms": True}).status_code == 400
    assert portal.get("/me/notification-preferences").json()["messages"] is False
    assert staff.get("/me/notification-preferences").status_code == 403
