"""The async-job record as queryAsyncJobResult and listAsyncJobs answer it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.db.models import Account, AsyncJob, Domain, User
from nimbostack.views.identity import display_path


def job_views(db: Session, jobs: Sequence[AsyncJob]) -> list[dict[str, Any]]:
    user_ids = {j.user_id for j in jobs}
    account_ids = {j.account_id for j in jobs}
    users = {u.id: u.uuid for u in db.scalars(select(User).where(User.id.in_(user_ids))).unique()}
    accounts = {a.id: a for a in db.scalars(select(Account).where(Account.id.in_(account_ids))).unique()}
    return [_job_view(j, users.get(j.user_id), accounts.get(j.account_id)) for j in jobs]


def job_view(db: Session, job: AsyncJob) -> dict[str, Any]:
    return job_views(db, [job])[0]


def _job_view(job: AsyncJob, user_uuid: str | None, account: Account | None) -> dict[str, Any]:
    domain: Domain | None = account.domain if account else None
    view: dict[str, Any] = {
        "accountid": account.uuid if account else None,
        "account": account.name if account else None,
        "domainid": domain.uuid if domain else None,
        "domainpath": display_path(domain) if domain else None,
        "userid": user_uuid,
        "cmd": job.command,
        "jobstatus": job.status,
        "jobprocstatus": job.proc_status,
        "jobresultcode": job.result_code,
        "jobresulttype": job.result_type,
        "jobresult": json.loads(job.result) if job.result else None,
        "jobinstancetype": job.instance_type,
        "jobinstanceid": job.instance_uuid,
        "created": job.created,
        "completed": job.completed,
        "jobid": job.uuid,
    }
    return view
