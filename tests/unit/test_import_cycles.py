"""No import cycle inside a service: every import between the modules of one service,
late ones inside functions included, read from the source (nothing is imported)."""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"


def modules(service):
    return {
        path.stem: path for path in (SERVICES / service).glob("*.py") if path.stem != "__init__"
    }


def imported(path, service, names):
    """The modules of `service` that the module at `path` imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1 or base.startswith(f"services.{service}"):
                base = base.removeprefix(f"services.{service}").lstrip(".")
                found |= {base.split(".")[0]} if base else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[:2] == ["services", service] and len(parts) > 2:
                    found.add(parts[2])
    return found & set(names)


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan), or a module that
    imports itself."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def service_graph(service):
    names = modules(service)
    return {name: imported(path, service, names) for name, path in names.items()}


def test_the_finder_sees_a_late_import_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    "service", sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())
)
def test_no_import_cycle_inside_a_service(service):
    assert cycles(service_graph(service)) == []
