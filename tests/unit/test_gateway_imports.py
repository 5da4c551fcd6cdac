"""The gateway knows the services only by their clients: what it may import from
services/ is the shared code (services.common), a service's client module (how bytes
reach it), its exceptions (its answers) and its events (the facts it announces, which the
gateway's principal cache hears). Verifying a signature, for one, is signing's
work behind its verify endpoint, not code the gateway runs itself."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Constants the gateway publishes as they are (GET /limits): documents's file types and
# uploads at once. Nothing else of a service's inside.
PUBLISHED = {"services.documents.inspection", "services.documents.uploads"}


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.count(".") == 1:  # from services.<name> import <module>
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
            else:
                yield node.module


def allowed(module):
    parts = module.split(".")
    if parts[0] != "services" or module in PUBLISHED:
        return True
    return parts[1:2] == ["common"] or (
        len(parts) == 3 and parts[2] in ("client", "exceptions", "events")
    )


def test_the_gateway_imports_only_shared_code_clients_and_exceptions_from_services():
    found = {
        (str(path.relative_to(ROOT)), module)
        for path in sorted((ROOT / "gateway").rglob("*.py"))
        for module in imported_modules(path)
    }
    assert any(module == "services.signing.client" for _, module in found)  # it does look
    assert [(path, module) for path, module in sorted(found) if not allowed(module)] == []


def test_the_rule_refuses_what_a_service_keeps_inside():
    assert not allowed("services.signing.pades")
    assert not allowed("services.signing.verification")
    assert allowed("services.signing.client") and allowed("services.common.errors")
