"""deploy/k8s: every overlay renders, every object is a valid Kubernetes object, checkov
passes (but for the commented skip list in deploy/k8s/checkov.yaml), and what Kluis needs
of its manifests holds: non-root read-only containers, probes, a PodDisruptionBudget per
Deployment, HPAs for the gateway and documents, secrets by reference only, each part with
only its own Secret and broker account, metrics reachable from the monitoring namespace
only, readiness by the broker consumer. No cluster needed.

Rendering uses `kubectl kustomize` (or `kustomize build`) when one is installed, else the
test is skipped with the reason. checkov's pins conflict with ours (it pins boto3), so it
lives in its own virtual environment, `.venv-k8s` (`make k8s-check-venv`; `make test`
makes it first); CHECKOV names its executable, and a missing one skips that test only.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from kubernetes import client

from services.common.alive import problem

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(p.name for p in (K8S / "overlays").iterdir() if p.is_dir())
SERVICES = ("identity", "dossier", "documents", "notify", "signing")
PARTS = ("gateway",) + SERVICES
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEYS?$|ACCESS_KEY", re.I)
URL_WITH_PASSWORD = re.compile(r"://[^/@\s]*:[^/@\s]*@")


def kustomize_command():
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    pytest.skip("neither kubectl nor kustomize is installed: deploy/k8s is not rendered")


def render(overlay):
    done = subprocess.run(
        kustomize_command() + [str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request):
    return request.param, render(request.param)


def model_name(obj):
    version = obj["apiVersion"].rsplit("/", 1)[-1]
    return version[0].upper() + version[1:] + obj["kind"]


def as_model(obj):
    """`obj` as the kubernetes client's model; AssertionError for a field the model does
    not know (the client drops those silently) or a value of the wrong type."""
    api = client.ApiClient()
    name = model_name(obj)
    assert hasattr(client, name), f"no model {name} for {obj['kind']} {obj['apiVersion']}"
    model = api._ApiClient__deserialize(obj, name)
    back = api.sanitize_for_serialization(model)
    assert back == obj, (
        f"{obj['kind']}/{obj['metadata']['name']}: "
        f"fields lost or changed in {name}: {_diff(obj, back)}"
    )
    return model


def _diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key not in b:
                return f"{path}/{key} unknown"
            found = _diff(a[key], b[key], f"{path}/{key}")
            if found:
                return found
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = _diff(x, y, f"{path}/{i}")
            if found:
                return found
    elif a != b:
        return f"{path}: {a!r} became {b!r}"
    return None


def by_kind(objects, kind):
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_specs(objects):
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]


def containers(spec):
    return spec.get("initContainers", []) + spec["containers"]


def test_every_overlay_is_there():
    assert {"production", "small"} <= set(OVERLAYS)


def test_every_object_is_a_valid_kubernetes_object(rendered):
    _overlay, objects = rendered
    for obj in objects:
        as_model(obj)
        assert obj["metadata"].get("namespace") == "kluis", obj["metadata"]["name"]


def test_the_model_check_refuses_an_unknown_field():
    deployment = by_kind(render("small"), "Deployment")["kluis-gateway"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readOnlyRootFilesystem"] = True
    with pytest.raises(AssertionError, match="readOnlyRootFilesystem unknown"):
        as_model(deployment)


def test_one_deployment_per_part_with_probes_resources_and_a_budget(rendered):
    _overlay, objects = rendered
    deployments = by_kind(objects, "Deployment")
    assert set(deployments) == {f"kluis-{part}" for part in PARTS}
    budgets = by_kind(objects, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [
            b
            for b in budgets.values()
            if b["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(covering) == 1, f"{name}: PodDisruptionBudgets {covering}"
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container.get("readinessProbe") and container.get("livenessProbe"), name
            for probe in (container["readinessProbe"], container["livenessProbe"]):
                assert probe.get("exec", {}).get("command") not in (["true"], ["/bin/true"])
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), name
            assert {"cpu", "memory"} <= set(resources["limits"]), name
    gateway = deployments["kluis-gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/api/v1/health"
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/api/v1/health/live"


def test_the_exec_probes_find_their_own_part_alive(rendered, tmp_path):
    """An exec probe runs services.common.alive for the part the container runs: given
    that container's command as PID 1, the check passes."""
    _overlay, objects = rendered
    for name, deployment in by_kind(objects, "Deployment").items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        for probe in (container["readinessProbe"], container["livenessProbe"]):
            if "exec" in probe:
                command = probe["exec"]["command"]
                assert command[:3] == ["python", "-m", "services.common.alive"], name
                proc = tmp_path / name
                proc.mkdir(exist_ok=True)
                (proc / "cmdline").write_bytes(
                    b"\0".join(a.encode() for a in container["command"]) + b"\0"
                )
                (proc / "status").write_text("Name:\tpython\nState:\tS (sleeping)\n")
                assert problem(command[3], proc) is None, name
                assert command[3] == name.removeprefix("kluis-")


def test_the_gateway_and_documents_scale_on_their_own(rendered):
    _overlay, objects = rendered
    targets = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in by_kind(objects, "HorizontalPodAutoscaler").values()
    }
    assert targets == {"kluis-gateway", "kluis-documents"}
    for name in targets:  # else every apply would reset what the HPA chose
        assert "replicas" not in by_kind(objects, "Deployment")[name]["spec"], name


def test_every_container_is_non_root_and_read_only(rendered):
    _overlay, objects = rendered
    for name, spec in pod_specs(objects):
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec.get("automountServiceAccountToken") is False, name
        for container in containers(spec):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, (name, container["name"])
            assert context["runAsUser"] != 0, (name, container["name"])
            assert context["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert context["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert context["capabilities"]["drop"] == ["ALL"], (name, container["name"])


def test_no_secret_is_written_in_the_manifests(rendered):
    _overlay, objects = rendered
    assert not by_kind(objects, "Secret"), "Secrets are the operator's, not in the repo"
    literals = []
    for config in by_kind(objects, "ConfigMap").values():
        literals += list(config.get("data", {}).items())
    for _name, spec in pod_specs(objects):
        for container in containers(spec):
            literals += [(e["name"], e["value"]) for e in container.get("env", []) if "value" in e]
    for key, value in literals:
        assert not SECRET_NAME.search(key) or key.endswith("_DIR"), (key, value)
        assert not URL_WITH_PASSWORD.search(value), key


def secret_references(spec):
    refs = set()
    for container in containers(spec):
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                refs.add((ref["name"], ref["key"]))
        for source in container.get("envFrom", []):
            assert "secretRef" not in source, "a whole Secret in the environment"
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            items = volume["secret"].get("items")
            refs |= (
                {(volume["secret"]["secretName"], i["key"]) for i in items}
                if items
                else {(volume["secret"]["secretName"], "*")}
            )
    return refs


def test_each_part_reads_only_its_own_secrets():
    objects = render("production")
    for name, spec in pod_specs(objects):
        part = name.removeprefix("kluis-")
        if part == "broker-accounts":  # the admin's: test_the_broker_accounts_job_...
            continue
        if part == "migrate":  # each service's database URL, one container each; no broker
            for container in containers(spec):
                service = container["name"].rsplit("-", 1)[-1]
                names = {n for n, _k in secret_references({"containers": [container]})}
                assert names <= {f"kluis-{service}", "kluis-identity"}, container["name"]
            continue
        allowed = {(f"kluis-amqp-{part}", "uri")}
        own = {f"kluis-{part}"} | ({"kluis-signing-platform"} if part == "signing" else set())
        own |= {"kluis-audit-key"} if part in ("identity", "dossier") else set()
        refs = secret_references(spec)
        assert {(n, k) for n, k in refs if n.startswith("kluis-amqp")} == allowed, name
        assert {n for n, _k in refs if not n.startswith("kluis-amqp")} <= own, name


def effective_env(objects, container):
    """The container's environment: its ConfigMaps (envFrom) overlaid by its own `env`."""
    config_maps = by_kind(objects, "ConfigMap")
    env = {}
    for source in container.get("envFrom", []):
        env.update(config_maps[source["configMapRef"]["name"]].get("data", {}))
    for entry in container.get("env", []):
        env[entry["name"]] = entry.get("value", entry.get("valueFrom"))
    return env


def test_each_part_connects_with_its_own_broker_account(rendered):
    """Every part's AMQP_URI is its own account's (Secret kluis-amqp-<part>, deploy/
    broker_accounts.py) and no container but the set-up's holds another part's; the parts
    do not declare other parts' queues (their accounts may not: KLUIS_DECLARE_QUEUES=0)."""
    _overlay, objects = rendered
    deployments = by_kind(objects, "Deployment")
    for name, deployment in deployments.items():
        part = name.removeprefix("kluis-")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        env = effective_env(objects, container)
        assert env["AMQP_URI"] == {"secretKeyRef": {"name": f"kluis-amqp-{part}", "key": "uri"}}
        assert env.get("KLUIS_DECLARE_QUEUES") == "0", name
    for name, spec in pod_specs(objects):
        brokers = {n for n, _k in secret_references(spec) if n.startswith("kluis-amqp")}
        if name == "kluis-broker-accounts":
            continue
        assert brokers <= {f"kluis-amqp-{name.removeprefix('kluis-')}"}, (name, brokers)


def test_the_broker_accounts_job_sets_up_every_part_as_the_admin(rendered):
    """The Job runs deploy.broker_accounts with the admin's credentials and every part's
    password (the key `password` of its Secret; the part reads only `uri`), by reference."""
    from deploy.broker_accounts import PARTS as ACCOUNT_PARTS

    _overlay, objects = rendered
    job = by_kind(objects, "Job")["kluis-broker-accounts"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "deploy.broker_accounts"]
    env = effective_env(objects, container)
    for variable in ("AMQP_URI", "RABBITMQ_ADMIN_USER", "RABBITMQ_ADMIN_PASSWORD"):
        assert env[variable]["secretKeyRef"]["name"] == "kluis-amqp-admin", variable
    passwords = {
        name.removeprefix("KLUIS_BROKER_PASSWORD_").lower(): value["secretKeyRef"]
        for name, value in env.items()
        if name.startswith("KLUIS_BROKER_PASSWORD_")
    }
    assert set(passwords) == set(ACCOUNT_PARTS) == set(PARTS)
    for part, ref in passwords.items():
        assert ref == {"name": f"kluis-amqp-{part}", "key": "password"}
    assert job["spec"]["template"]["spec"]["volumes"][0]["name"] == "var"  # KLUIS_VAR


def selects(selector, labels):
    """Kubernetes' label selector: matchLabels and matchExpressions (In, NotIn, Exists)."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = (
            expression["key"],
            expression["operator"],
            expression.get("values", []),
        )
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def test_every_part_serves_metrics_to_the_monitoring_namespace_only(rendered):
    """<PART>_METRICS_ADDRESS on a named port `metrics`, the scrape annotations, JSON logs,
    and the NetworkPolicies: the metrics port reachable from the monitoring namespace only."""
    from services.common.metrics import parse_address

    _overlay, objects = rendered
    policies = by_kind(objects, "NetworkPolicy").values()
    for name, deployment in by_kind(objects, "Deployment").items():
        part = name.removeprefix("kluis-")
        template = deployment["spec"]["template"]
        container = template["spec"]["containers"][0]
        env = effective_env(objects, container)
        _host, port = parse_address(env[f"{part.upper()}_METRICS_ADDRESS"])
        assert {"name": "metrics", "containerPort": port, "protocol": "TCP"} in container[
            "ports"
        ], name
        annotations = template["metadata"].get("annotations", {})
        assert annotations.get("prometheus.io/scrape") == "true", name
        assert annotations.get("prometheus.io/port") == str(port), name
        assert annotations.get("prometheus.io/path") == "/metrics", name
        assert env.get("LOG_FORMAT") == "json", name

        labels = template["metadata"]["labels"]
        covering = [p for p in policies if selects(p["spec"]["podSelector"], labels)]
        assert covering and all("Ingress" in p["spec"]["policyTypes"] for p in covering)
        sources = []  # who may reach the metrics port, over every policy of the pod
        for policy in covering:
            for rule in policy["spec"].get("ingress", []):
                ports = rule.get("ports")
                if ports is None or any(p.get("port") in (port, "metrics") for p in ports):
                    sources += rule.get("from") or [{"anyone": True}]
        assert sources, f"{name}: nothing may scrape the metrics port"
        for source in sources:
            assert set(source) == {"namespaceSelector"}, (name, source)
            assert source["namespaceSelector"].get("matchLabels"), (name, source)


def test_the_services_are_ready_when_they_consume_and_alive_by_a_process_check(rendered):
    """Readiness: the part's own metrics listener says whether it consumes from the
    broker (GET /ready, services.common.metrics); liveness stays the process check, so a
    broker outage takes pods out of their Services but restarts none."""
    _overlay, objects = rendered
    for name, deployment in by_kind(objects, "Deployment").items():
        if name == "kluis-gateway":
            continue  # ready on /api/v1/health, which asks every service
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "metrics"}
        assert container["livenessProbe"]["exec"]["command"][:3] == [
            "python",
            "-m",
            "services.common.alive",
        ], name


def test_every_secret_key_is_documented():
    """docs/deploy.md lists every Secret and key that the manifests reference."""
    docs = (ROOT / "docs" / "deploy.md").read_text()
    refs = set()
    for _name, spec in pod_specs(render("production")):
        refs |= secret_references(spec)
    assert refs
    for name, key in refs:
        assert f"`{name}`" in docs, name
        if key != "*":
            assert f"`{key}`" in docs, (name, key)


def checkov_executable():
    named = os.environ.get("CHECKOV")
    if named:
        assert Path(named).is_file(), f"CHECKOV={named} does not exist"
        return named
    default = ROOT / ".venv-k8s" / "bin" / "checkov"
    if not default.is_file():
        pytest.skip("checkov is not installed: `make k8s-check-venv` (make test does it)")
    return str(default)


def test_checkov_passes_but_for_the_commented_skip_list(rendered, tmp_path):
    overlay, objects = rendered
    settings_file = K8S / "checkov.yaml"
    skipped = yaml.safe_load(settings_file.read_text())["skip-check"]
    assert len(skipped) <= 3, "the skip list stays short"
    text = settings_file.read_text()
    for check in skipped:  # a comment says why, just above each
        before = text.split(f"- {check}")[0].rstrip().splitlines()[-1]
        assert before.strip().startswith("#"), check
    (tmp_path / f"{overlay}.yaml").write_text(yaml.safe_dump_all(objects))
    done = subprocess.run(
        [
            checkov_executable(),
            "--config-file",
            str(settings_file),
            "--directory",
            str(tmp_path),
            "--framework",
            "kubernetes",
            "--output",
            "json",
            "--quiet",
            "--compact",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    assert done.stdout.strip(), done.stderr
    report = json.loads(done.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [
        (c["check_id"], c["resource"])
        for r in reports
        for c in r.get("results", {}).get("failed_checks", [])
    ]
    assert failed == []
    assert done.returncode == 0, done.stderr
    passed = sum(r.get("summary", {}).get("passed", 0) for r in reports)
    assert passed > 100, "checkov saw the manifests"


def test_the_keys_every_replica_shares_come_from_configuration(tmp_path, monkeypatch):
    """What the manifests rely on: with the principal key and public keys mounted (openssl's
    PEM, as docs/deploy.md makes them), PAGING_KEY, BLOB_KEYS and the FIELD_* keys set, a service makes no key
    of its own, and writes nothing to the mounts or to its per-pod KLUIS_VAR."""
    from services.common import principal_keys
    from services.common.field_sealing import FieldKeyring
    from services.common.paging import Pager
    from services.documents.sealing import Keyring

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    private, public, var = tmp_path / "principal", tmp_path / "public", tmp_path / "var"
    for folder in (private, public, var):
        folder.mkdir()
    for service in SERVICES:
        subprocess.run(
            [
                "openssl",
                "genpkey",
                "-algorithm",
                "ed25519",
                "-out",
                str(private / f"principal-{service}.key"),
            ],
            check=True,
        )
        subprocess.run(
            [
                "openssl",
                "pkey",
                "-in",
                str(private / f"principal-{service}.key"),
                "-pubout",
                "-out",
                str(public / f"principal-{service}.pub"),
            ],
            check=True,
        )
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    monkeypatch.setenv("PRINCIPAL_KEY_DIR", str(private))
    monkeypatch.setenv("PRINCIPAL_PUBLIC_KEY_DIR", str(public))
    monkeypatch.setenv("KLUIS_VAR", str(var))
    monkeypatch.setattr(principal_keys, "_private", {})
    monkeypatch.setattr(principal_keys, "_public", {})

    signed = principal_keys.private_key("identity").sign(b"x")
    principal_keys.public_key("identity").verify(signed, b"x")
    Pager.from_config({"PAGING_KEY": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="}, "dossier")
    Keyring.from_config("k1:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=", "", var)
    key = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="
    FieldKeyring.from_settings(f"k1:{key}", "", key, var)

    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
