"""The OpenAPI document against the running system: Schemathesis (`--checks all`) sends
what the document allows, and what it forbids, as staff and as a client, and checks
every answer against the document (status codes, content types, response schemas,
refusal of invalid input, acceptance of valid input). A field a service adds to an
answer, a status a route gained or an input the gateway wrongly accepts fails here.

A well-formed request can still be refused for what the document cannot know (a token
that only an e-mail holds, a password that does not meet the rules, a cursor not made
by the server): such a refusal is documented on its route, and Schemathesis is told
that those documented answers are fine for valid input (`expected_statuses`)."""

import json
import os
import subprocess
import sys

import pytest

from gateway.openapi import DEFAULT_ERRORS

from .conftest import CLIENT_PASSWORD, Kluis, start_system
from .staff_app import Office

# Enough to cover every operation in each phase and stay within a few minutes.
EXAMPLES = os.environ.get("KLUIS_CONTRACT_EXAMPLES", "6")
SEED = os.environ.get("KLUIS_CONTRACT_SEED", "20261130")
# Signing out would end the session the rest of the run needs. /docs is a page for people
# (tests/web/test_api_reference.py), 503 where the portal was not built.
EXCLUDED_PATHS = ["/auth/logout", "/docs"]
SCHEMATHESIS_DEFAULT = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
# Schemathesis expects what a POST created to be found by the operations below it. A
# registration that the app started is not the approver's to see (404) until its
# person identified with the approver's office and verified the code; an app login is
# found only with the poll_secret that the browser which started it got (the check is
# off on both ends of that link: a run failed with it off on the token's end only).
NOT_THE_CALLERS_TO_SEE = [
    "registrations_approve",
    "registrations_reject",
    "auth_start_app_login",
    "auth_app_login_token",
]


@pytest.fixture(scope="module")
def contract_kluis(tmp_path_factory, vhosts):
    """A system of its own: the fuzzer's writes and spent limits stay out of the
    other tests."""
    system = start_system(tmp_path_factory, vhosts, "contract")
    yield Kluis(system)
    system.stop_all()


def expected_statuses(document):
    """operationId -> the statuses a schema-valid request may get: Schemathesis's own
    list plus each answer the operation documents for itself (not the defaults every
    route of its kind has, such as 400 validation_error)."""
    expected = {}
    for operations in document["paths"].values():
        for operation in operations.values():
            own = sorted(
                status
                for status, response in operation["responses"].items()
                if response["description"] != DEFAULT_ERRORS.get(int(status))
            )
            expected[operation["operationId"]] = SCHEMATHESIS_DEFAULT + own
    return expected


def write_config(path, document):
    lines = []
    for operation_id, statuses in expected_statuses(document).items():
        lines += [
            "[[operations]]",
            f"include-operation-id = {json.dumps(operation_id)}",
            "[operations.checks.positive_data_acceptance]",
            f"expected-statuses = {json.dumps(statuses)}",
            "",
        ]
        if operation_id in NOT_THE_CALLERS_TO_SEE:
            lines[-1:] = ["[operations.checks.ensure_resource_availability]", "enabled = false", ""]
    path.write_text("\n".join(lines))
    return path


def schemathesis(kluis, token, config, report):
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{kluis.base_url}/openapi.json",
        "--checks",
        "all",
        "-H",
        f"Authorization: Bearer {token}",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "2",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    for path in EXCLUDED_PATHS:
        command += ["--exclude-path", path]
    # In the report's folder: Schemathesis keeps a cache in its working directory.
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=report.parent)


def sessions(kluis):
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    client = kluis.login(kluis.create_client(), CLIENT_PASSWORD)
    return {"staff": staff.session.headers["Authorization"].split()[1], "client": client}


@pytest.mark.parametrize("role", ["staff", "client"])
def test_the_running_system_keeps_its_openapi_document(contract_kluis, tmp_path, role):
    document = contract_kluis.client().get("/openapi.json").json()
    config = write_config(tmp_path / "schemathesis.toml", document)
    token = sessions(contract_kluis)[role]
    result = schemathesis(contract_kluis, token, config, tmp_path / "junit.xml")
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
