"""The scale-out mode as real processes on loopback: API and worker processes, and private
PostgreSQL and RabbitMQ servers to restart, for the demo, the load bench and the fault tests.

Every process is started in its own process group on a free loopback port, every wait is
bounded, and ``close()`` (or leaving the ``with`` block) stops what was started, even after
an error. Shared servers on this machine are never stopped: the restart faults run against
private ones (``PrivatePostgres``, ``PrivateRabbitmq``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]


class Unavailable(RuntimeError):
    """A binary or service this set-up needs is missing on this machine."""


def free_port() -> int:
    """A TCP port free on loopback just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


def wait_until(check: Callable[[], bool], within: float, what: str, step: float = 0.1) -> None:
    """Poll ``check`` until it holds; raise after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {within:.0f}s")
        time.sleep(step)


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes (0 once it is gone)."""
    try:
        process = psutil.Process(pid)
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


@dataclass
class Service:
    """One started process (and its children, in its own process group)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss(self) -> int:
        return tree_rss(self.process.pid)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole group: a crash, not a stop."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self, within: float = 20) -> None:
        """SIGTERM the group (a clean stop); SIGKILL what is left after ``within`` seconds."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=within)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # children left behind, if any
        self.process.wait(timeout=15)


@dataclass
class Cluster:
    """API and worker processes of one deployment, configured by ``env`` (GTPPTPPO_*)."""

    env: dict[str, str]
    workdir: Path
    services: list[Service] = field(default_factory=list)

    def _spawn(self, name: str, argv: list[str], port: int | None = None) -> Service:
        log = self.workdir / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                argv,
                env={**os.environ, **self.env},
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopped or killed with its children
            )
        service = Service(name, process, log, port)
        self.services.append(service)
        return service

    def start_api(self, *, module: str = "gtpptppo_api.cli", ready_within: float = 60) -> Service:
        """``gtpptppo serve`` on a free port (``module``: a variant with the same CLI)."""
        port = free_port()
        name = f"api{sum(s.name.startswith('api') for s in self.services) + 1}"
        service = self._spawn(
            name,
            [sys.executable, "-m", module, "serve", "--host", "127.0.0.1", "--port", str(port)],
            port,
        )
        self.wait_ready(service, ready_within)
        return service

    def wait_ready(self, service: Service, within: float = 60) -> None:
        def ready() -> bool:
            if not service.alive():
                raise RuntimeError(f"{service.name} exited:\n{service.output()[-3000:]}")
            try:
                return httpx.get(f"{service.url}/openapi.json", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, within, f"{service.name} answering on {service.url}", step=0.2)

    def start_worker(self, *, threads: int = 4) -> Service:
        """``gtpptppo worker`` with one worker process (Dramatiq forks it)."""
        name = f"worker{sum(s.name.startswith('worker') for s in self.services) + 1}"
        argv = [sys.executable, "-m", "gtpptppo_api.cli", "worker", "--processes", "1"]
        return self._spawn(name, [*argv, "--threads", str(threads)])

    @property
    def apis(self) -> list[Service]:
        return [s for s in self.services if s.port is not None and s.alive()]

    def rss(self) -> dict[str, int]:
        return {s.name: s.rss() for s in self.services if s.alive()}

    def close(self) -> None:
        for service in reversed(self.services):
            with contextlib.suppress(Exception):
                service.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else argv


class PrivatePostgres:
    """A PostgreSQL server of this set-up's own (initdb in a temporary folder), to restart.

    Run as the ``postgres`` user when this process is root (PostgreSQL refuses root).
    """

    def __init__(self) -> None:
        found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_key)
        if not found and shutil.which("pg_ctl") is None:
            raise Unavailable("pg_ctl/initdb not found (/usr/lib/postgresql/*/bin)")
        self.bin = Path(found[-1]).parent if found else Path(str(shutil.which("pg_ctl"))).parent
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise Unavailable("running as root and there is no postgres user") from exc
            self.user = "postgres"
        self.base = Path(tempfile.mkdtemp(prefix="gtpptppo-pg-"))
        if self.user:
            shutil.chown(self.base, self.user)
        self.data = self.base / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run(["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"])

    def _run(self, argv: list[str], timeout: float = 120) -> None:
        command = _as_user(self.user, [str(self.bin / argv[0]), *argv[1:]])
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {result.stdout}\n{result.stderr}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c max_connections=200"
        )
        self._run(
            [
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.base / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean stop; ``immediate``: as if the server crashed (WAL replayed)."""
        self._run(["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _version_key(path: str) -> int:
    part = Path(path).parents[1].name
    return int(part) if part.isdigit() else 0


RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")


class PrivateRabbitmq:
    """A RabbitMQ node of this set-up's own (its own name, ports, data and cookie), to restart."""

    def __init__(self) -> None:
        server = RABBITMQ_BIN / "rabbitmq-server"
        if not server.exists():
            found = shutil.which("rabbitmq-server")
            if found is None:
                raise Unavailable("rabbitmq-server not found")
            server = Path(found)
        self.server = server
        self.ctl = server.parent / "rabbitmqctl"
        self.base = Path(tempfile.mkdtemp(prefix="gtpptppo-rabbitmq-"))
        for folder in ("home", "mnesia", "log"):
            (self.base / folder).mkdir()
        (self.base / "enabled_plugins").write_text("[].\n")
        self.port = free_port()
        self.node = f"gtpptppo_{uuid.uuid4().hex[:8]}@localhost"
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        self.env = {
            **os.environ,
            "HOME": str(self.base / "home"),  # the Erlang cookie of this node
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "no-config"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, within: float = 90) -> None:
        with (self.base / "server.out").open("ab") as out:
            self.process = subprocess.Popen(
                [str(self.server)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = self.process

        def up() -> bool:
            if process.poll() is not None:
                said = (self.base / "server.out").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"rabbitmq-server exited:\n{said}")
            return port_open(self.port)

        wait_until(up, within, f"RabbitMQ node {self.node}", step=0.25)

    def stop(self) -> None:
        """A clean stop of the node (``rabbitmqctl stop``); durable queues stay on disk."""
        if self.process is None:
            return
        subprocess.run(
            [str(self.ctl), "-n", self.node, "stop"],
            env=self.env,
            capture_output=True,
            timeout=90,
            check=False,
        )
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def workdir(prefix: str = "gtpptppo-cluster-") -> Iterator[Path]:
    """A temporary folder for the processes' logs, removed at the end."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
