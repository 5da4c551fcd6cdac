"""The portal's packaging: every npm dependency pinned, the lock file free of download
addresses (every machine writes the same one), nothing of the build committed."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def test_npm_dependencies_are_pinned_and_locked_without_registry_addresses():
    package = json.loads((WEB / "package.json").read_text())
    wanted = {**package["dependencies"], **package["devDependencies"]}
    assert wanted and all(version[0].isdigit() for version in wanted.values()), wanted
    lock = json.loads((WEB / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    for path, entry in lock["packages"].items():
        assert "resolved" not in entry, path
        assert (
            path == "" or entry.get("integrity", "").startswith("sha512-") or entry.get("link")
        ), path
    assert "omit-lockfile-registry-resolved=true" in (WEB / ".npmrc").read_text()


def test_the_build_and_node_modules_stay_out_of_git():
    tracked = subprocess.run(
        ["git", "ls-files", "web"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked and not [f for f in tracked if f.startswith(("web/dist/", "web/node_modules/"))]
