"""The job queue against a real database: racing claimers, per-object order, expiry and the housekeeping tick."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nimbostack.api.context import Caller
from nimbostack.auth.types import AccountType, RoleType
from nimbostack.db import migrate
from nimbostack.db.engine import Database
from nimbostack.db.models import AsyncJob, ManagementServer
from nimbostack.jobs import queue
from nimbostack.jobs.runner import JobRunner
from nimbostack.runtime import Runtime, ServerOptions
from tests.support.server import drop_database, fresh_database

BASE_DB_URL = os.environ.get("NIMBOSTACK_DB_URL") or None
NOW = datetime(2024, 5, 1, 12, 0, 0)
CALLER = Caller(
    user_id=2,
    user_uuid="u",
    username="admin",
    account_id=2,
    account_uuid="a",
    account_name="admin",
    account_type=AccountType.ADMIN,
    domain_id=1,
    domain_uuid="d",
    domain_path="/",
    role_id=1,
    role_type=RoleType.ADMIN,
)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: SQLite in tmp_path, or a new database on NIMBOSTACK_DB_URL's server."""
    url, name = fresh_database(BASE_DB_URL)
    url = url or f"sqlite:///{(tmp_path / 'jobs.db').resolve()}"
    database = Database(url)
    migrate.upgrade(database.engine)
    database.dispose()
    yield url
    drop_database(BASE_DB_URL, name)


def _enqueue(database: Database, sync_keys: list[str | None]) -> list[int]:
    with database.session() as db:
        jobs = [
            queue.enqueue(db, CALLER, "disableUser", {}, NOW, 1, instance_type="User" if k else None, instance_uuid=k)
            for k in sync_keys
        ]
        return [j.id for j in jobs]


def test_racing_claimers_take_each_job_once_and_keep_per_object_order(db_url: str) -> None:
    keys: list[str | None] = [None if i % 3 == 0 else f"obj-{i % 7}" for i in range(150)]
    setup = Database(db_url)
    ids = _enqueue(setup, keys)
    claims: list[tuple[int, int]] = []  # (job id, server id) in the order claims were won
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def claimer(server_id: int) -> None:
        # Each claimer has its own engine and pool, like a separate management server.
        database = Database(db_url)
        deadline = time.monotonic() + 120
        try:
            start.wait()
            while time.monotonic() < deadline:
                with database.session() as db:
                    job = queue.claim_next(db, server_id, NOW)
                    if job is None:
                        pending = db.scalar(select(func.count()).where(AsyncJob.status == queue.STATUS_PENDING))
                        if not pending:
                            return
                        continue
                    with lock:
                        claims.append((job.id, server_id))
                    queue.complete(job, NOW, {"success": True})
        except BaseException as err:  # surfaced by the assertion below
            errors.append(err)
        finally:
            database.dispose()

    threads = [threading.Thread(target=claimer, args=(sid,)) for sid in (101, 102)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    claimed = [job_id for job_id, _ in claims]
    assert len(claimed) == len(set(claimed)), "a job was claimed twice"
    assert sorted(claimed) == ids
    with setup.session() as db:
        rows = {j.id: j for j in db.scalars(select(AsyncJob))}
    assert {j.status for j in rows.values()} == {queue.STATUS_SUCCEEDED}
    assert all(rows[job_id].server_id == server_id for job_id, server_id in claims)
    for key in {k for k in keys if k}:
        same_object = [job_id for job_id in claimed if rows[job_id].sync_key == f"User:{key}"]
        assert same_object == sorted(same_object), f"jobs of {key} ran out of creation order"
    setup.dispose()


def test_a_job_waits_for_earlier_jobs_on_its_object(db_url: str) -> None:
    database = Database(db_url)
    first, second, other = _enqueue(database, ["x", "x", "y"])
    with database.session() as db:
        running = queue.claim_next(db, 1, NOW)
        assert running is not None and running.id == first
        nxt = queue.claim_next(db, 1, NOW)
        assert nxt is not None and nxt.id == other, "the second job on x must wait for the first"
        assert queue.claim_next(db, 1, NOW) is None
        queue.complete(running, NOW, {"success": True})
    with database.session() as db:
        after = queue.claim_next(db, 1, NOW)
        assert after is not None and after.id == second
    database.dispose()


def test_jobs_failed_at_start_are_not_claimed(db_url: str) -> None:
    database = Database(db_url)
    mine, theirs = _enqueue(database, [None, None])
    with database.session() as db:
        db.get(AsyncJob, theirs).server_id = 2  # type: ignore[union-attr]
    with database.session() as db:
        assert queue.fail_orphans(db, 1, NOW) == 1
    with database.session() as db:
        job = db.get(AsyncJob, mine)
        assert job is not None and (job.status, job.result_code) == (queue.STATUS_FAILED, 530)
        claimed = queue.claim_next(db, 3, NOW)
        assert claimed is not None and claimed.id == theirs
        assert queue.claim_next(db, 3, NOW) is None
    database.dispose()


def _finished_job(db_url: str, completed: datetime | None, status: int) -> int:
    database = Database(db_url)
    with database.session() as db:
        job = queue.enqueue(db, CALLER, "deleteAccount", {}, NOW - timedelta(days=5), 1)
        job.status, job.completed = status, completed
        job_id = job.id
    database.dispose()
    return job_id


def _remaining(db_url: str) -> set[int]:
    database = Database(db_url)
    with database.session() as db:
        found = set(db.scalars(select(AsyncJob.id)))
    database.dispose()
    return found


def test_purge_expired_removes_only_finished_jobs_older_than_the_limit(db_url: str) -> None:
    old_ok = _finished_job(db_url, NOW - timedelta(hours=2), queue.STATUS_SUCCEEDED)
    old_failed = _finished_job(db_url, NOW - timedelta(hours=2), queue.STATUS_FAILED)
    recent = _finished_job(db_url, NOW - timedelta(minutes=10), queue.STATUS_SUCCEEDED)
    pending = _finished_job(db_url, None, queue.STATUS_PENDING)
    database = Database(db_url)
    with database.session() as db:
        assert queue.purge_expired(db, NOW, 60) == 2
    assert _remaining(db_url) == {recent, pending}
    assert old_ok not in _remaining(db_url) and old_failed not in _remaining(db_url)
    with database.session() as db:
        assert queue.purge_expired(db, NOW, 5) == 1
    assert _remaining(db_url) == {pending}
    database.dispose()


def test_housekeeping_tick_heartbeats_and_purges_with_the_configured_age(db_url: str) -> None:
    # job.expire.minutes defaults to 1440: a job finished two days ago goes, one finished an hour ago stays.
    stale = _finished_job(db_url, NOW - timedelta(days=2), queue.STATUS_SUCCEEDED)
    fresh = _finished_job(db_url, NOW - timedelta(hours=1), queue.STATUS_SUCCEEDED)
    runtime = Runtime(ServerOptions(db_url=db_url), clock=lambda: NOW)
    with runtime.database.session() as db:
        row = ManagementServer(
            name="tick-test", started=NOW - timedelta(days=1), last_heartbeat=NOW - timedelta(days=1)
        )
        db.add(row)
        db.flush()
        runtime.server_id = row.id
    JobRunner(runtime, workers=0).tick()
    assert _remaining(db_url) == {fresh}
    assert stale not in _remaining(db_url)
    with runtime.database.session() as db:
        row = db.get(ManagementServer, runtime.server_id)
        assert row is not None and row.last_heartbeat == NOW
    runtime.database.dispose()
