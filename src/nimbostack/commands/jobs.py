"""queryAsyncJobResult and listAsyncJobs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.errors import invalid_value
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_account
from nimbostack.auth.types import ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, SCOPE_PARAMS, fetch, owner_filter
from nimbostack.db.models import Account, AsyncJob, ManagementServer
from nimbostack.views.jobs import job_view, job_views


@command(
    "queryAsyncJobResult",
    description="Reports the status and, once finished, the result of an async job.",
    params=[Param("jobid", ParamType.UUID, "The job's ID", required=True, entity=AsyncJob, related="listAsyncJobs")],
    kind=Kind.FLAT,
    roles=ALL_ROLES,
)
def query_async_job_result(call: Call) -> dict[str, Any]:
    job: AsyncJob = call.arg("jobid")
    account = call.db.get(Account, job.account_id)
    if account is None:
        raise invalid_value(f"Unable to find job by id {job.uuid}")
    check_account(call.caller, account)
    return job_view(call.db, job)


@command(
    "listAsyncJobs",
    description="Lists async jobs of the accounts the caller may see.",
    params=[
        *LIST_PARAMS,
        *SCOPE_PARAMS,
        Param("startdate", ParamType.DATE, "Only jobs created at or after this date"),
        Param(
            "managementserverid",
            ParamType.UUID,
            "Only jobs run by this management server",
            since="4.19",
            entity=ManagementServer,
        ),
    ],
    kind=Kind.LIST,
    key="asyncjobs",
    roles=ALL_ROLES,
)
def list_async_jobs(call: Call) -> Listing:
    stmt = select(AsyncJob).where(owner_filter(call, AsyncJob.account_id))
    if call.has("startdate"):
        stmt = stmt.where(AsyncJob.created >= call.arg("startdate"))
    server: ManagementServer | None = call.arg("managementserverid")
    if server is not None:
        stmt = stmt.where(AsyncJob.server_id == server.id)
    if call.arg("keyword"):
        stmt = stmt.where(AsyncJob.command.ilike(f"%{call.arg('keyword')}%"))
    rows, count = fetch(call, stmt, AsyncJob.id)
    return Listing(job_views(call.db, rows), count)
