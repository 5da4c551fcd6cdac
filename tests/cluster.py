"""A three-node RabbitMQ 3.10 cluster of the test's own on this machine, beside (never
touching) the machine's broker: own node names (kluis-<id>-c1@localhost ...), AMQP and
Erlang distribution ports, data, log and config under a temp folder, its own Erlang
cookie (HOME points at the temp folder, so neither root's nor the rabbitmq user's
cookie is read or written), no plugins (so no management listener to clash with
:15672). The nodes register their names with the machine's epmd (port 4369), which
serves any number of nodes; distinct names keep them apart from rabbit@<host>. (Where
no epmd runs yet, the first node starts one on 127.0.0.1 that outlives the test, as any
Erlang node's does.)

    with rabbit_cluster() as cluster:
        cluster.amqp_uri()          # "amqp://...@127.0.0.1:p1/;amqp://...:p2/;..."
        cluster.stop_node(0)        # as a node failing: the others carry on

Durable queues Kluis declares (rpc-*, evt-*, *.commands) are classic mirrored on all
nodes through a policy (ha-mode all, ha-sync-mode automatic): docs/operations.md,
"RabbitMQ cluster". Whatever happens, the nodes are stopped and the folder removed."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from deploy.processes import free_port

RABBIT_BIN = Path(os.environ.get("KLUIS_RABBIT_BIN", "/usr/lib/rabbitmq/bin"))
# What Kluis declares durable: RPC queues, event handler queues, command queues.
MIRROR_PATTERN = r"^(rpc-|evt-)|\.commands$"
MIRROR_POLICY = '{"ha-mode":"all","ha-sync-mode":"automatic"}'


def rabbit_available():
    return (RABBIT_BIN / "rabbitmq-server").exists() and (RABBIT_BIN / "rabbitmqctl").exists()


class Node:
    def __init__(self, base, name, index):
        self.name = f"{name}-c{index + 1}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self.dir = base / f"c{index + 1}"
        self.process = None

    def env(self, home):
        (self.dir / "log").mkdir(parents=True, exist_ok=True)
        config = self.dir / "rabbitmq.conf"
        # Loopback only; guest may log in from there (the default, said out loud).
        config.write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n"
            "cluster_partition_handling = pause_minority\n"
        )
        plugins = self.dir / "enabled_plugins"
        plugins.write_text("[].\n")
        return {
            **os.environ,
            "HOME": str(home),
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_CONFIG_FILE": str(config),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.dir / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(self.dir / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_PID_FILE": str(self.dir / "pid"),
            "RABBITMQ_LOGS": str(self.dir / "log" / "rabbit.log"),
            # Loopback only, as the machine's broker (its rabbitmq-env.conf, which
            # RABBITMQ_CONF_ENV_FILE above keeps out): epmd, if this node has to
            # start it, and the distribution port.
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"


class RabbitCluster:
    def __init__(self, base, size=3):
        self.base = base
        self.home = base / "home"
        self.home.mkdir()
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(uuid.uuid4().hex.upper())
        cookie.chmod(0o400)
        name = f"kluis-{uuid.uuid4().hex[:6]}"
        self.nodes = [Node(base, name, i) for i in range(size)]
        self.envs = [node.env(self.home) for node in self.nodes]

    def ctl(self, node, *args, timeout=120, check=True):
        """rabbitmqctl against `node` (an index) with the cluster's cookie: -> its output;
        None when it fails and not `check`."""
        result = subprocess.run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.nodes[node].name, *args],
            env=self.envs[node],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode and not check:
            return None
        if result.returncode:
            raise RuntimeError(
                f"rabbitmqctl {' '.join(args)} on {self.nodes[node].name}: "
                f"{result.stdout}{result.stderr}\n{self.log_tail(node)}"
            )
        return result.stdout

    def log_tail(self, node, chars=3000):
        logs = sorted((self.nodes[node].dir / "log").glob("*"))
        return "\n".join(p.read_text(errors="replace")[-chars:] for p in logs if p.is_file())

    def start_node(self, i):
        node = self.nodes[i]
        with open(node.dir / "log" / "console.log", "ab") as console:
            node.process = subprocess.Popen(
                [str(RABBIT_BIN / "rabbitmq-server")],
                env=self.envs[i],
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=str(node.dir),
            )
        # await_startup fails at once while the node has not registered with epmd yet.
        deadline = time.monotonic() + 120
        while self.ctl(i, "await_startup", "--timeout", "60", timeout=90, check=False) is None:
            if node.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{node.name} did not start (exit code "
                    f"{node.process.poll()}):\n{self.log_tail(i)}"
                )
            time.sleep(0.5)

    def start(self):
        for i in range(len(self.nodes)):
            self.start_node(i)
        for i in range(1, len(self.nodes)):
            self.ctl(i, "stop_app")
            self.ctl(i, "join_cluster", self.nodes[0].name)
            self.ctl(i, "start_app")
        self.ctl(
            0, "set_policy", "--apply-to", "queues", "kluis-mirrored", MIRROR_PATTERN, MIRROR_POLICY
        )

    def start_stopped_nodes(self):
        """Starts again every node a test stopped or killed (it rejoins the cluster it
        remembers): a test that needs the whole cluster does not depend on the order."""
        for i, node in enumerate(self.nodes):
            if node.process is None or node.process.poll() is not None:
                self.start_node(i)

    def running_nodes(self, via=0):
        """The names of the running cluster members, as node `via` sees them."""
        status = json.loads(self.ctl(via, "cluster_status", "--formatter", "json"))
        return sorted(status["running_nodes"])

    def unsynchronised(self, via=0, wanted=None):
        """-> {queue: synchronised mirrors} of each durable mirrored queue with fewer
        than one on every other running node (a transient one, as a gateway's broadcast
        queue, lives and dies with its node). A node stopped as an operator stops it
        (rabbitmqctl stop) hands a queue it leads only to a mirror in sync (RabbitMQ's
        default ha-promote-on-shutdown when-synced); otherwise the queue waits for it.
        `wanted`: the mirrors each should have (default: one on every other running node)."""
        if wanted is None:
            wanted = len(self.running_nodes(via)) - 1
        rows = json.loads(
            self.ctl(via, "list_queues", "name", "durable", "policy", "synchronised_slave_pids",
                     "--formatter", "json")
        )  # fmt: skip
        return {
            row["name"]: len(row["synchronised_slave_pids"] or [])
            for row in rows
            if row["policy"] == "kluis-mirrored"
            and row["durable"]
            and len(row["synchronised_slave_pids"] or []) < wanted
        }

    def wait_in_sync(self, timeout=60):
        """Until every mirrored queue has a synchronised mirror on every other node."""
        deadline = time.monotonic() + timeout
        wanted = len(self.running_nodes()) - 1  # the members do not change meanwhile
        while behind := self.unsynchronised(wanted=wanted):
            assert time.monotonic() < deadline, f"mirrors not in sync: {behind}"
            time.sleep(0.2)

    def stop_node(self, i, timeout=60):
        """Stops node `i` as an operator would (rabbitmqctl stop); killed if it hangs."""
        node = self.nodes[i]
        if node.process is None or node.process.poll() is not None:
            return
        self.ctl(i, "stop", timeout=timeout, check=False)
        try:
            node.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(node.process.pid, signal.SIGKILL)
            node.process.wait(10)

    def kill_node(self, i):
        """Ends node `i` at once (SIGKILL to its process group), as a crash would."""
        node = self.nodes[i]
        if node.process is not None and node.process.poll() is None:
            os.killpg(node.process.pid, signal.SIGKILL)
            node.process.wait(10)

    def stop_all(self):
        for i in reversed(range(len(self.nodes))):
            try:
                self.stop_node(i)
            except Exception:  # noqa: BLE001 — never leave a node behind
                self.kill_node(i)
        for node in self.nodes:
            if node.process is not None:
                try:
                    os.killpg(node.process.pid, signal.SIGKILL)  # erl children, if any
                except ProcessLookupError:
                    pass

    def amqp_uri(self, vhost="", first=0):
        """All nodes' URIs separated by ';' (kombu's failover list), node `first` first."""
        order = self.nodes[first:] + self.nodes[:first]
        return ";".join(node.uri() + vhost for node in order)


@contextmanager
def rabbit_cluster(size=3):
    """A started, joined, mirrored cluster of `size` nodes (RabbitCluster); stopped and
    its folder removed on the way out, whatever happened."""
    base = Path(tempfile.mkdtemp(prefix="kluis-rabbit-"))
    cluster = None
    try:
        cluster = RabbitCluster(base, size)
        cluster.start()
        yield cluster
    finally:
        if cluster is not None:
            cluster.stop_all()
        shutil.rmtree(base, ignore_errors=True)
