"""Fixtures for the device tests: the demo campus, unique topic roots on the shared broker, private brokers,
fresh SQLite files and private PostgreSQL schemas."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.registry import sync_campus

ROOT = Path(__file__).resolve().parents[2]
DEMO_CAMPUS = ROOT / "autovolt" / "demo" / "campus.yaml"
SHARED_BROKER = "mqtt://127.0.0.1:1883"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def campus():
    return load_campus_file(DEMO_CAMPUS)


@pytest.fixture
def prefix() -> str:
    """A topic root of our own on the shared broker, so parallel runs never see each other's messages."""
    return f"test-{uuid.uuid4().hex[:10]}/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PrivateBroker:
    """A Mosquitto of our own on a free port; optional password file and on-disk persistence."""

    workdir: Path
    users: dict[str, str] = field(default_factory=dict)
    persistence: bool = False
    tls: tuple[Path, Path] | None = None  # (certificate, key): the listener speaks TLS only
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, user: str | None = None, password: str | None = None) -> str:
        auth = f"{user}:{password}@" if user else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{auth}127.0.0.1:{self.port}"

    def _config(self) -> Path:
        lines = [f"listener {self.port} 127.0.0.1"]
        if self.tls:
            lines += [f"certfile {self.tls[0]}", f"keyfile {self.tls[1]}"]
        lines += [f"persistence {'true' if self.persistence else 'false'}",
                 f"persistence_location {self.workdir}/", "log_dest none"]
        if os.geteuid() == 0:
            lines.append("user root")  # as root, mosquitto would switch to a user that cannot read our files
        if self.users:
            pwfile = self.workdir / "passwd"
            if not pwfile.exists():
                first = True
                for user, password in self.users.items():
                    args = ["mosquitto_passwd", "-b"] + (["-c"] if first else []) + [str(pwfile), user, password]
                    subprocess.run(args, check=True, capture_output=True)
                    first = False
                pwfile.chmod(0o600)
            lines += ["allow_anonymous false", f"password_file {pwfile}"]
        else:
            lines.append("allow_anonymous true")
        conf = self.workdir / "mosquitto.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def start(self) -> None:
        self.process = subprocess.Popen(["mosquitto", "-c", str(self._config())], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("private mosquitto exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private mosquitto did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: mosquitto saves its persistence file
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_broker(tmp_path):
    if shutil.which("mosquitto") is None:
        pytest.skip("mosquitto is not installed")
    brokers: list[PrivateBroker] = []

    def make(**kwargs) -> PrivateBroker:
        broker = PrivateBroker(tmp_path / f"broker{len(brokers)}", **kwargs)
        broker.workdir.mkdir()
        broker.start()
        brokers.append(broker)
        return broker

    yield make
    for broker in brokers:
        broker.stop()


@pytest.fixture
def tls_files(tmp_path):
    """A throw-away CA and a server certificate for 127.0.0.1: (ca.pem, server.pem, server.key)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    d = tmp_path / "tls"
    d.mkdir()

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=autovolt-test-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.pem", "-days", "2", "-extfile", "san.ext")
    return d / "ca.pem", d / "server.pem", d / "server.key"


def _prepare(url: str, campus) -> str:
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return url


@pytest.fixture
def sqlite_url(tmp_path, campus) -> str:
    return _prepare(f"sqlite:///{tmp_path / 'autovolt.db'}", campus)


@pytest.fixture
def pg_url(campus):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - environment without PostgreSQL
        pytest.skip(f"PostgreSQL not available: {type(exc).__name__}")
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    try:
        yield _prepare(url, campus)
    finally:
        from store.db import get_engine
        get_engine(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temp dir, trust auth) that a test can stop and start."""

    workdir: Path
    port: int = field(default_factory=free_port)

    def _run(self, *args: str) -> None:
        # initdb and pg_ctl refuse to run as root: run them as the postgres user then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres?connect_timeout=3"

    def init(self) -> None:
        self.workdir.mkdir(mode=0o755)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.workdir / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.workdir / "data"), "-w", "-l", str(self.workdir / "log"), "-o",
                  f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.workdir / "data"), "-w", "-m", "fast", "stop")


@pytest.fixture
def private_postgres():
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="autovolt-pg-"))  # not under pytest's 0700 tmp: the postgres user reads it
    base.chmod(0o755)
    cluster = PrivatePostgres(base / "cluster")
    cluster.init()
    cluster.start()
    yield cluster
    with contextlib.suppress(Exception):
        cluster.stop()
    shutil.rmtree(base, ignore_errors=True)
