"""Builds the web portal (web/ -> web/dist) when its sources changed.

`npm ci` runs when the lock file changed since the last install, `npm run build` when
any source did (a hash of them is kept in web/dist/.sources). Used by `make run` (the
supervisor) and by the browser tests, so both serve what the sources say.

`python -m deploy.web` builds once and says what it did."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
DIST = WEB / "dist"
SOURCES = (
    "index.html",
    "api-docs.html",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "vite.config.ts",
    "src",
    "public",
)
NO_NODE = (
    "kluis: the web portal needs Node.js 20 and npm to build: install them "
    "(Debian: `apt-get install -y nodejs npm`, or https://nodejs.org) and run again."
)


class BuildFailed(SystemExit):
    pass


def sources_hash(web=WEB):
    digest = hashlib.sha256()
    for name in SOURCES:
        path = web / name
        files = (
            sorted(p for p in path.rglob("*") if p.is_file())
            if path.is_dir()
            else [path]
            if path.is_file()
            else []
        )
        for file in files:
            digest.update(str(file.relative_to(web)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def up_to_date(web=WEB):
    stamp = web / "dist" / ".sources"
    return (
        stamp.is_file()
        and (web / "dist" / "index.html").is_file()
        and stamp.read_text().strip() == sources_hash(web)
    )


def build(web=WEB, quiet=True):
    """Builds when needed. -> True when it built, False when the build was current.
    Raises BuildFailed with one line to show when Node.js is missing or a step fails."""
    if up_to_date(web):
        return False
    if not (shutil.which("node") and shutil.which("npm")):
        raise BuildFailed(NO_NODE)
    lock = web / "package-lock.json"
    installed = web / "node_modules" / ".package-lock.json"
    stamp = web / "node_modules" / ".kluis-lock"
    lock_hash = hashlib.sha256(lock.read_bytes()).hexdigest()
    if not (installed.is_file() and stamp.is_file() and stamp.read_text() == lock_hash):
        _npm(web, ["ci", "--no-audit", "--no-fund"], quiet)
        stamp.write_text(lock_hash)
    _npm(web, ["run", "build"], quiet)
    (web / "dist" / ".sources").write_text(sources_hash(web))
    return True


def _npm(web, args, quiet):
    result = subprocess.run(["npm", *args], cwd=web, capture_output=quiet, text=True)
    if result.returncode != 0:
        output = ((result.stdout or "") + (result.stderr or ""))[-3000:] if quiet else ""
        raise BuildFailed(f"kluis: `npm {' '.join(args)}` in web/ failed:\n{output}")


def main():
    try:
        built = build(quiet=False)
    except BuildFailed as failure:
        print(failure, file=sys.stderr)
        return 2
    print("kluis: portal built into web/dist" if built else "kluis: portal is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
