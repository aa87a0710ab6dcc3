"""Start the real `nimbostack serve` in a subprocess on a free port with a fresh data dir and database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nimbostack.db.engine import normalise_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database(base_url: str | None) -> tuple[str | None, str | None]:
    """A new empty database on the server of `base_url` (None: SQLite in the data dir). Returns (url, name)."""
    if not base_url:
        return None, None
    url = make_url(normalise_url(base_url))
    name = "nimbostack_t_" + uuid.uuid4().hex[:12]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def drop_database(base_url: str | None, name: str | None) -> None:
    if not base_url or not name:
        return
    engine = create_engine(make_url(normalise_url(base_url)), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        else:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    engine.dispose()


@dataclass
class RunningServer:
    data_dir: Path
    db_url: str | None
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    # Most tests build their own zones and count things, so servers start as an empty cloud unless asked.
    sandbox: bool = False
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/client/api"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self, timeout: float = 30.0) -> None:
        env = dict(os.environ)
        env.pop("NIMBOSTACK_DB_URL", None)
        env.pop("NIMBOSTACK_NO_SANDBOX", None)
        if not self.sandbox:
            env["NIMBOSTACK_NO_SANDBOX"] = "1"
        env.update(
            NIMBOSTACK_HOST="127.0.0.1",
            NIMBOSTACK_PORT=str(self.port),
            NIMBOSTACK_DATA_DIR=str(self.data_dir),
            **self.extra_env,
        )
        if self.db_url:
            env["NIMBOSTACK_DB_URL"] = self.db_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child process owns it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nimbostack.cli", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_path.read_text()}")
            try:
                httpx.get(self.url, timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log_path.read_text()}")

    def stop(self, *, kill: bool = False) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self, *, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.start()
