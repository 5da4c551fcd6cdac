"""KLUIS_SCALE (docs/operations.md "Supervision and replicas"): several instances of a
part under `make run`; gateway instances share one port, documents's blob endpoints
sit behind a choice per request, with another tried when one refuses."""

import hashlib
import signal
import subprocess
import sys

import pytest

from deploy.processes import ROOT
from tests import samples

from .conftest import Client, Kluis, start_system
from .staff_app import Office
from .test_clients import _client
from .test_documents import upload


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, vhosts):
    system = start_system(tmp_path_factory, vhosts, "scaled", KLUIS_SCALE="gateway=2,documents=2")
    yield Kluis(system)
    system.stop_all()


def _lines(kluis, name, text):
    log = kluis.system.log_dir / f"{name}.log"
    return sum(text in line for line in log.read_text(errors="replace").splitlines())


def test_two_gateways_share_the_port_and_two_documents_share_the_bytes(scaled):
    assert {"gateway", "gateway-2", "documents", "documents-2"} <= set(scaled.system.processes)
    office = Office(scaled, scaled.admin())
    staff = office.staffed("owner")[1]
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "D-1", "description": "Replica's"}
    ).json()
    token = staff.session.headers["Authorization"].split(" ", 1)[1]
    for number in range(12):  # a connection of its own each: the kernel picks a gateway
        content = samples.pdf(f"Stuk {number}")
        response = upload(Client(scaled.base_url, token), dossier["id"], content)
        assert response.status_code == 201, response.text
        got = Client(scaled.base_url, token).get(f"/documents/{response.json()['id']}/content")
        assert (
            got.status_code == 200
            and hashlib.sha256(got.content).hexdigest() == response.json()["sha256"]
        )
    for name in ("gateway", "gateway-2"):
        assert _lines(scaled, name, '/documents HTTP/1.1" 201') > 0, name
    for name in ("documents", "documents-2"):
        assert _lines(scaled, name, "PUT /blobs/") > 0, name

    scaled.system.stop("documents-2", signal.SIGKILL)  # refuses: the other one answers
    for _ in range(4):
        response = upload(Client(scaled.base_url, token), dossier["id"], samples.pdf("Na"))
        assert response.status_code == 201, response.text
        got = Client(scaled.base_url, token).get(f"/documents/{response.json()['id']}/content")
        assert got.status_code == 200


@pytest.mark.parametrize("value", ["gateway", "gateway=0", "web=2", "gateway=2,gateway=3"])
def test_a_bad_kluis_scale_is_one_clear_line(tmp_path, value):
    result = subprocess.run(
        [sys.executable, "-m", "deploy.supervisor"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "KLUIS_VAR": str(tmp_path), "KLUIS_SCALE": value},
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kluis: KLUIS_SCALE="), result.stderr
    assert "is not part=n" in lines[0]
