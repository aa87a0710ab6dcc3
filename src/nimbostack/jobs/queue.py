"""Creating, claiming, completing and expiring job rows. All coordination goes through the database."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from nimbostack.api.context import Caller
from nimbostack.db.models import AsyncJob

STATUS_PENDING, STATUS_SUCCEEDED, STATUS_FAILED, STATUS_CANCELLED = 0, 1, 2, 3
RESTART_TEXT = "job cancelled because of management server restart or shutdown"


def enqueue(
    db: Session,
    caller: Caller,
    command: str,
    raw_params: dict[str, str],
    now: datetime,
    server_id: int | None,
    *,
    instance_type: str | None = None,
    instance_uuid: str | None = None,
) -> AsyncJob:
    job = AsyncJob(
        user_id=caller.user_id,
        account_id=caller.account_id,
        domain_id=caller.domain_id,
        command=command,
        params=json.dumps(raw_params),
        instance_type=instance_type,
        instance_uuid=instance_uuid,
        sync_key=f"{instance_type}:{instance_uuid}" if instance_type and instance_uuid else None,
        status=STATUS_PENDING,
        created=now,
        server_id=server_id,
    )
    db.add(job)
    db.flush()
    return job


def claim_next(db: Session, server_id: int, now: datetime) -> AsyncJob | None:
    """Take the oldest runnable job: pending, not started, and first in its object's queue.

    The claim is a conditional UPDATE, so two servers racing for one job cannot both win. It also
    requires the job to be still pending: a job another server's start-up has just failed is not run.
    """
    earlier = aliased(AsyncJob)
    blocked = exists().where(
        and_(earlier.sync_key == AsyncJob.sync_key, earlier.status == STATUS_PENDING, earlier.id < AsyncJob.id)
    )
    candidates = db.scalars(
        select(AsyncJob.id)
        .where(AsyncJob.status == STATUS_PENDING, AsyncJob.started.is_(None), ~blocked)
        .order_by(AsyncJob.id)
        .limit(8)
    ).all()
    for job_id in candidates:
        won = db.execute(
            update(AsyncJob)
            .where(AsyncJob.id == job_id, AsyncJob.status == STATUS_PENDING, AsyncJob.started.is_(None))
            .values(started=now, server_id=server_id)
        ).rowcount  # type: ignore[attr-defined]
        db.commit()
        if won:
            return db.get(AsyncJob, job_id)
    return None


def complete(job: AsyncJob, now: datetime, result: dict[str, Any]) -> None:
    job.status = STATUS_SUCCEEDED
    job.result_code = 0
    job.result_type = "object"
    job.result = json.dumps(result, default=str)
    job.completed = now


def fail(job: AsyncJob, now: datetime, code: int, text: str) -> None:
    job.status = STATUS_FAILED
    job.result_code = code
    job.result_type = "object"
    job.result = json.dumps({"errorcode": code, "errortext": text})
    job.completed = now


def fail_orphans(db: Session, server_id: int, now: datetime) -> int:
    """At start: jobs this server owned when it stopped cannot be resumed; fail them with 530."""
    body = json.dumps({"errorcode": 530, "errortext": RESTART_TEXT})
    result = db.execute(
        update(AsyncJob)
        .where(AsyncJob.status == STATUS_PENDING, AsyncJob.server_id == server_id)
        .values(status=STATUS_FAILED, result_code=530, result_type="object", result=body, completed=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_expired(db: Session, now: datetime, keep_minutes: int) -> int:
    """Delete finished jobs completed more than `keep_minutes` ago; pending jobs are never purged."""
    cutoff = now - timedelta(minutes=keep_minutes)
    result = db.execute(delete(AsyncJob).where(AsyncJob.status != STATUS_PENDING, AsyncJob.completed < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
