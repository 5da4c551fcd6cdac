"""The gateway's settings (gateway/settings.py): the defaults of docs/api.md "Running",
read once from the environment, a wrong value refused at start with its name."""

import os
import subprocess
import sys
from pathlib import Path

from gateway.settings import GatewayConfig, GatewaySettings
from services.common.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_are_the_documented_ones():
    assert read_settings(GatewaySettings, {}) == GatewaySettings(
        rpc_timeout_s=10,
        principal_cache_ttl_s=60,
        max_upload_bytes=50 * 1024 * 1024,
        verify_max_bytes=25 * 1024 * 1024,
        verify_timeout_s=20,
        web_dir=None,
    )
    assert read_settings(GatewayConfig, {}).health_cache_s == 2.0


def test_each_variable_sets_its_setting():
    read = read_settings(
        GatewaySettings,
        {"RPC_TIMEOUT_S": "3", "MAX_UPLOAD_BYTES": "1024", "KLUIS_WEB_DIR": "/srv/web"},
    )
    assert (read.rpc_timeout_s, read.max_upload_bytes, read.web_dir) == (3, 1024, "/srv/web")
    assert read_settings(GatewayConfig, {"HEALTH_CACHE_S": 0}).health_cache_s == 0.0


def _import_gateway(**env):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import gateway.service; import gateway.settings as s; "
            "print(s.SETTINGS.rpc_timeout_s, s.SETTINGS.verify_timeout_s)",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_gateway_reads_the_environment_when_imported():
    done = _import_gateway(RPC_TIMEOUT_S="4", VERIFY_TIMEOUT_S="")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4", "20"]


def test_a_wrong_value_stops_the_gateway_naming_the_variable():
    done = _import_gateway(RPC_TIMEOUT_S="soon")
    assert done.returncode != 0
    assert "RPC_TIMEOUT_S: expected int, got 'soon'" in done.stderr
