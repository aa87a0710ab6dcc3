"""Start-up rules: default credentials only on loopback, configured admin password, durable sessions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.clients import SessionClient
from tests.support.server import RunningServer, free_port


def test_refuses_public_address_with_default_admin_password(tmp_path: Path) -> None:
    env = dict(
        os.environ, NIMBOSTACK_HOST="0.0.0.0", NIMBOSTACK_PORT=str(free_port()), NIMBOSTACK_DATA_DIR=str(tmp_path)
    )
    env.pop("NIMBOSTACK_ADMIN_PASSWORD", None)
    env.pop("NIMBOSTACK_DB_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "nimbostack.cli", "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "NIMBOSTACK_ADMIN_PASSWORD" in done.stderr


def test_configured_admin_password_replaces_the_default(tmp_path: Path) -> None:
    running = RunningServer(data_dir=tmp_path, db_url=None, extra_env={"NIMBOSTACK_ADMIN_PASSWORD": "Adm1n-Secret"})
    running.start()
    try:
        refused = httpx.post(
            running.url, data={"command": "login", "username": "admin", "password": "password", "response": "json"}
        )
        assert refused.status_code == 531
        assert refused.json()["loginresponse"]["errortext"].startswith("Failed to authenticate user admin")
        client = SessionClient(running.url, "admin", "Adm1n-Secret")
        assert client.login["type"] == "1"
        client.close()
    finally:
        running.stop()


def test_session_survives_restart_and_is_shared_by_a_second_server(private_server: RunningServer) -> None:
    client = SessionClient(private_server.url, "admin", "password")
    assert client("listDomains")["count"] == 1
    private_server.restart()
    client.url = private_server.url
    assert client("listDomains")["count"] == 1, "the session must survive a restart"

    db_url = private_server.db_url or f"sqlite:///{(private_server.data_dir / 'nimbostack.db').resolve()}"
    second = RunningServer(data_dir=private_server.data_dir.parent / "second", db_url=db_url)
    second.start()
    try:
        client.url = second.url
        listed = client("listUsers", listall=True)
        assert [u["username"] for u in listed["user"]] == ["admin"]
    finally:
        second.stop()
