"""Shared fixtures: a real server per test session, admin clients (session, cs, keys)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cs import CloudStack

from tests.support.clients import SessionClient
from tests.support.server import RunningServer, drop_database, fresh_database

BASE_DB_URL = os.environ.get("NIMBOSTACK_DB_URL") or None

# The private OpenLDAP server fixtures (slapd, slapd_pair, slapd_tls).
pytest_plugins = ["tests.support.ldap"]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _run_server(tmp_path_factory.mktemp("server"))


def _run_server(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    db_url, name = fresh_database(BASE_DB_URL)
    running = RunningServer(data_dir=data_dir, db_url=db_url, extra_env=extra_env or {})
    running.start()
    try:
        yield running
    finally:
        running.stop()
        drop_database(BASE_DB_URL, name)


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A server of the test's own, for tests that restart it or change global settings."""
    yield from _run_server(tmp_path / "server")


@pytest.fixture(scope="session")
def admin(server: RunningServer) -> Iterator[SessionClient]:
    client = SessionClient(server.url, "admin", "password")
    yield client
    client.close()


@pytest.fixture(scope="session")
def admin_keys(admin: SessionClient) -> tuple[str, str]:
    keys = admin("registerUserKeys", id=admin.login["userid"])["userkeys"]
    return keys["apikey"], keys["secretkey"]


@pytest.fixture(scope="session")
def admin_cs(server: RunningServer, admin_keys: tuple[str, str]) -> CloudStack:
    key, secret = admin_keys
    return CloudStack(endpoint=server.url, key=key, secret=secret, poll_interval=0.2)
