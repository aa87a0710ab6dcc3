"""`nimbostack serve --workers N`: API requests answered by N processes, jobs and the integration port once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cs import CloudStack

from tests.support.clients import SessionClient
from tests.support.server import RunningServer, drop_database, free_port, fresh_database

BASE_DB_URL = os.environ.get("NIMBOSTACK_DB_URL") or None


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[RunningServer]:
    db_url, name = fresh_database(BASE_DB_URL)
    running = RunningServer(data_dir=tmp_path / "server", db_url=db_url, extra_env={"NIMBOSTACK_WORKERS": "2"})
    running.start()
    try:
        yield running
    finally:
        running.stop()
        drop_database(BASE_DB_URL, name)


def _workers_of(pid: int) -> list[int]:
    """Child processes running uvicorn workers (multiprocessing's spawn), not its resource tracker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if parent == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="counts worker processes through /proc")
def test_two_worker_processes_share_sessions_keys_and_jobs(two_workers: RunningServer) -> None:
    assert two_workers.proc is not None
    assert len(_workers_of(two_workers.proc.pid)) == 2
    admin = SessionClient(two_workers.url, "admin", "password")
    # Sessions are rows: every worker knows this one, whichever answers.
    assert all(admin("listAccounts", listall=True)["count"] >= 1 for _ in range(20))
    keys = admin("registerUserKeys", id=admin.login["userid"])["userkeys"]
    cs = CloudStack(endpoint=two_workers.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.1)
    domain = cs.createDomain(name=f"w{uuid.uuid4().hex[:8]}")["domain"]
    # The job is queued by a worker and run by the main process's job runner.
    assert cs.deleteDomain(id=domain["id"], fetch_result=True)["success"] is True
    assert cs.listDomains(id=domain["id"]) == {}
    admin.close()


def test_integration_port_is_served_once_beside_the_workers(two_workers: RunningServer) -> None:
    admin = SessionClient(two_workers.url, "admin", "password")
    port = free_port()
    admin("updateConfiguration", name="integration.api.port", value=str(port))
    admin.close()
    two_workers.restart()
    integration_url = f"http://127.0.0.1:{port}/client/api"
    _wait_for(integration_url)
    system = CloudStack(endpoint=integration_url)
    assert system.listDomains(name="ROOT")["domain"][0]["path"] == "ROOT"
    assert httpx.get(two_workers.url, params={"command": "listAccounts", "response": "json"}).status_code == 401


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_bad_worker_count_is_refused_before_starting(tmp_path: Path, value: str) -> None:
    env = {**os.environ, "NIMBOSTACK_DATA_DIR": str(tmp_path), "NIMBOSTACK_WORKERS": value}
    done = subprocess.run(
        [sys.executable, "-m", "nimbostack.cli", "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "--workers must be a whole number of at least 1" in done.stderr
    assert not (tmp_path / "nimbostack.db").exists()
