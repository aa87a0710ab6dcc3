"""Host and pool capacity under overprovisioning, and reservations that cannot overcommit.

Reservations are what placing instances and volumes will call, and no command places them yet, so these
call the capacity service directly on rows written to a test database (tests/support/infra_db.py). Totals
as the API reports them are tested through it in tests/test_zones_e2e.py and tests/test_hosts_e2e.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nimbostack.db.engine import Database
from nimbostack.db.models import ConfigValue, Host, StoragePool
from nimbostack.services import capacity
from tests.support import infra_db

GIB = 1024**3


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    yield from infra_db.database(tmp_path)


def _set(database: Database, name: str, value: str, scope: str = "global", scope_id: int = 0) -> None:
    with database.session() as db:
        db.add(ConfigValue(name=name, scope=scope, scope_id=scope_id, value=value, updated=infra_db.NOW))


def test_reservations_fit_until_the_host_is_full_and_release_gives_back(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1", cores=2, speed=1000, memory=2 * GIB)
    with database.session() as db:
        host = db.get(Host, host_id)
        assert host is not None
        assert capacity.reserve_host(db, host, 1500, GIB)
        assert not capacity.reserve_host(db, host, 600, 0)  # 2100 MHz > 2000
        assert not capacity.reserve_host(db, host, 0, GIB + 1)
        assert capacity.reserve_host(db, host, 500, GIB)
        full = capacity.host_capacity(db, host)
        assert (full.cpu_free, full.memory_free) == (0, 0)
        capacity.release_host(db, host, 500, GIB)
        assert capacity.host_capacity(db, host).cpu_free == 500
        capacity.release_host(db, host, 99999, 99 * GIB)
        assert (host.cpu_allocated, host.memory_allocated) == (0, 0)


def test_overprovisioning_factors_scale_what_can_be_handed_out(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1", cores=2, speed=1000, memory=2 * GIB)
    pool_id = infra_db.pool(database, where, "p1", 100 * GIB)
    _set(database, "cpu.overprovisioning.factor", "2.0")
    _set(database, "mem.overprovisioning.factor", "1.5", "cluster", where.cluster_id)
    with database.session() as db:
        host = db.get(Host, host_id)
        pool = db.get(StoragePool, pool_id)
        assert host is not None and pool is not None
        figures = capacity.host_capacity(db, host)
        assert (figures.cpu_total, figures.cpu_capacity) == (2000, 4000)
        assert (figures.memory_total, figures.memory_capacity) == (2 * GIB, 3 * GIB)
        assert capacity.reserve_host(db, host, 4000, 3 * GIB)
        assert not capacity.reserve_host(db, host, 1, 0)
        # storage.overprovisioning.factor defaults to 2 for shared (NFS) pools
        assert capacity.pool_capacity(db, pool).capacity == 200 * GIB
        assert capacity.reserve_pool(db, pool, 150 * GIB)
        assert not capacity.reserve_pool(db, pool, 51 * GIB)
        assert capacity.pool_capacity(db, pool).free == 50 * GIB


def _race(database: Database, attempt: Callable[[Session], bool]) -> list[bool]:
    """Run the same reservation in two sessions at once; each thread holds its own transaction."""
    barrier = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with database.session() as db:
                barrier.wait()
                results.append(attempt(db))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_concurrent_reservations_for_the_last_host_capacity_one_wins(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1", cores=1, speed=1000, memory=GIB)

    def reserve(db: Session) -> bool:
        host = db.get(Host, host_id)
        assert host is not None
        return capacity.reserve_host(db, host, 1000, GIB)

    assert sorted(_race(database, reserve)) == [False, True]
    with database.session() as db:
        host = db.get(Host, host_id)
        assert host is not None
        assert (host.cpu_allocated, host.memory_allocated) == (1000, GIB)


def test_two_concurrent_reservations_for_the_last_pool_space_one_wins(database: Database) -> None:
    where = infra_db.place(database)
    pool_id = infra_db.pool(database, where, "p1", 10 * GIB)

    def reserve(db: Session) -> bool:
        pool = db.get(StoragePool, pool_id)
        assert pool is not None
        return capacity.reserve_pool(db, pool, 15 * GIB)

    assert sorted(_race(database, reserve)) == [False, True]
    with database.session() as db:
        pool = db.get(StoragePool, pool_id)
        assert pool is not None and pool.allocated_bytes == 15 * GIB
