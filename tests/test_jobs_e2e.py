"""Async jobs through the real server: job records, failures, ordering, listing, restarts and expiry."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException
from lxml import etree

from tests.support.clients import ApiFailure, SessionClient
from tests.support.reference import SAMPLES
from tests.support.server import RunningServer

CS_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$")
RESTART_TEXT = "job cancelled because of management server restart or shutdown"
WAIT_SECONDS = 60.0


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _new_account(cs: CloudStack, domain_id: str, account_type: int = 0) -> dict[str, Any]:
    username = _name("u")
    account: dict[str, Any] = cs.createAccount(
        username=username,
        password="S3cret!pw",
        email=f"{username}@example.org",
        firstname="Ann",
        lastname="Lee",
        accounttype=account_type,
        domainid=domain_id,
    )["account"]
    return account


def _client_for(server: RunningServer, cs: CloudStack, account: dict[str, Any]) -> CloudStack:
    keys = cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    return CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.2)


def _wait_until(probe: Callable[[], Any], what: str) -> Any:
    """Poll until `probe` returns something truthy; a generous deadline only guards against a hang."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def _finished(client: SessionClient, jobid: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        job = client("queryAsyncJobResult", jobid=jobid)
        return job if job["jobstatus"] != 0 else None

    result: dict[str, Any] = _wait_until(probe, f"job {jobid}")
    return result


def _date(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")


def _admin_account_id(admin: SessionClient) -> str:
    return str(admin("listAccounts", name="admin")["account"][0]["id"])


def test_delete_account_job_record(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    accepted = admin("deleteAccount", id=account["id"])
    assert list(accepted) == ["jobid"]
    job = _finished(admin, accepted["jobid"])
    assert job["jobid"] == accepted["jobid"]
    assert (job["jobstatus"], job["jobresultcode"], job["jobresulttype"]) == (1, 0, "object")
    assert job["jobresult"] == {"success": True}
    assert job["jobinstancetype"] == "Account" and job["jobinstanceid"] == account["id"]
    assert "deleteaccount" in job["cmd"].lower()
    assert job["userid"] == admin.login["userid"]
    assert job["accountid"] == _admin_account_id(admin)
    assert CS_DATE.match(job["created"]) and CS_DATE.match(job["completed"])
    assert _date(job["created"]) <= _date(job["completed"])
    assert admin_cs.listAccounts(id=account["id"]) == {}


def test_disable_user_job_carries_the_user_like_cloudstack(
    server: RunningServer, admin: SessionClient, admin_cs: CloudStack
) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    user = _new_account(admin_cs, domain["id"])["user"][0]
    job = _finished(admin, admin("disableUser", id=user["id"])["jobid"])
    sample = json.loads((SAMPLES / "UserService.json").read_text())["disableUser"]["disableResponse"]
    assert set(sample) <= set(job), set(sample) - set(job)
    assert set(sample["jobresult"]["user"]) <= set(job["jobresult"]["user"])
    assert (job["jobstatus"], job["jobresultcode"], job["jobresulttype"]) == (1, 0, "object")
    assert job["jobresult"]["user"]["id"] == user["id"]
    assert job["jobresult"]["user"]["state"] == "disabled"
    assert (job["jobinstancetype"], job["jobinstanceid"]) == ("User", user["id"])
    assert "disableuser" in job["cmd"].lower()
    assert admin_cs.listUsers(id=user["id"], listall=True)["user"][0]["state"] == "disabled"

    # In XML the result object sits inside <jobresult>, under its own name.
    reply = admin.http.get(
        server.url, params={"command": "queryAsyncJobResult", "jobid": job["jobid"], "sessionkey": admin.session_key}
    )
    root = etree.fromstring(reply.content)
    assert root.tag == "queryasyncjobresultresponse"
    assert root.findtext("jobresult/user/state") == "disabled"
    assert root.findtext("jobstatus") == "1"


def test_failed_job_reports_the_error_and_changes_nothing(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    job = _finished(admin, admin("deleteDomain", id=domain["id"])["jobid"])
    assert (job["jobstatus"], job["jobresultcode"], job["jobresulttype"]) == (2, 530, "object")
    assert set(job["jobresult"]) == {"errorcode", "errortext"}
    assert job["jobresult"]["errorcode"] == 530
    assert job["jobresult"]["errortext"].startswith(f"Delete failed on domain {domain['name']} (id: {domain['id']})")
    assert CS_DATE.match(job["completed"])
    assert [d["id"] for d in admin_cs.listDomains(id=domain["id"])["domain"]] == [domain["id"]]
    still = admin_cs.listAccounts(id=account["id"])["account"][0]
    assert still["state"] == "enabled"


def test_invalid_value_inside_a_job_gives_431(admin: SessionClient) -> None:
    own = _admin_account_id(admin)
    job = _finished(admin, admin("deleteAccount", id=own)["jobid"])
    assert (job["jobstatus"], job["jobresultcode"]) == (2, 431)
    assert job["jobresult"]["errorcode"] == 431
    assert job["jobresult"]["errortext"].startswith("Deletion of your own account is not allowed")
    assert set(job["jobresult"]) == {"errorcode", "errortext"}
    assert admin("listAccounts", id=own)["account"][0]["state"] == "enabled"


def test_cs_client_raises_the_job_error(admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    _new_account(admin_cs, domain["id"])
    with pytest.raises(CloudStackApiException) as failure:
        admin_cs.deleteDomain(id=domain["id"], fetch_result=True)
    assert failure.value.error["errorcode"] == 530
    assert failure.value.error["errortext"].startswith("Delete failed on domain")


def test_jobs_on_one_object_run_in_creation_order(private_server: RunningServer) -> None:
    # Queue everything on a server without workers, then let a second server on the same database run
    # the whole backlog with several workers: only per-object ordering keeps the sequence intact.
    private_server.extra_env["NIMBOSTACK_JOB_WORKERS"] = "0"
    private_server.restart()
    admin = SessionClient(private_server.url, "admin", "password")
    domain = admin("createDomain", name=_name("d"))["domain"]
    username = _name("u")
    account = admin(
        "createAccount",
        username=username,
        password="S3cret!pw",
        email=f"{username}@example.org",
        firstname="A",
        lastname="B",
        accounttype=0,
        domainid=domain["id"],
    )["account"]
    locks = [i % 2 == 0 for i in range(12)]
    jobids = [admin("disableAccount", id=account["id"], lock=lock)["jobid"] for lock in locks]
    jobids.append(admin("deleteAccount", id=account["id"])["jobid"])
    # Queued behind the delete, so they must find the account gone.
    late = [admin("disableAccount", id=account["id"], lock=True)["jobid"] for _ in range(6)]
    jobids += late
    assert {admin("queryAsyncJobResult", jobid=j)["jobstatus"] for j in jobids} == {0}

    worker = RunningServer(data_dir=private_server.data_dir.parent / "worker", db_url=_db_url(private_server))
    worker.start()
    try:
        jobs = [_finished(admin, jobid) for jobid in jobids]
    finally:
        worker.stop()
    for lock, job in zip(locks, jobs, strict=False):
        assert job["jobstatus"] == 1, job
        assert job["jobresult"]["account"]["state"] == ("locked" if lock else "disabled")
    assert jobs[len(locks)]["jobresult"] == {"success": True}
    assert [(j["jobstatus"], j["jobresultcode"]) for j in jobs[-len(late) :]] == [(2, 431)] * len(late)
    assert {(j["jobinstancetype"], j["jobinstanceid"]) for j in jobs} == {("Account", account["id"])}
    completed = [_date(j["completed"]) for j in jobs]
    assert completed == sorted(completed)
    listed = [j["jobid"] for j in admin("listAsyncJobs")["asyncjobs"] if j["jobinstanceid"] == account["id"]]
    assert listed == jobids
    assert admin("listAccounts", id=account["id"]) == {}
    admin.close()


def _db_url(server: RunningServer) -> str:
    return server.db_url or f"sqlite:///{(server.data_dir / 'nimbostack.db').resolve()}"


def test_list_async_jobs_scope_and_order(server: RunningServer, admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    boss = _client_for(server, admin_cs, _new_account(admin_cs, domain["id"], account_type=2))
    # A user role that may also disable users: a normal user with async jobs of its own.
    role = admin_cs.createRole(name=_name("r"), type="User")["role"]
    admin_cs.createRolePermission(roleid=role["id"], rule="disableUser", permission="allow")
    username = _name("p")
    plain_account = admin_cs.createAccount(
        username=username,
        password="S3cret!pw",
        email=f"{username}@example.org",
        firstname="P",
        lastname="Q",
        roleid=role["id"],
        domainid=domain["id"],
    )["account"]
    plain = _client_for(server, admin_cs, plain_account)
    colleague = admin_cs.createUser(
        account=plain_account["name"],
        domainid=domain["id"],
        username=_name("c"),
        password="S3cret!pw",
        email="c@example.org",
        firstname="C",
        lastname="D",
    )["user"]
    victim = _new_account(admin_cs, domain["id"])

    plain_jobs, boss_jobs = [], []
    for _ in range(2):
        plain_jobs.append(plain.disableUser(id=colleague["id"])["jobid"])
        boss_jobs.append(boss.disableAccount(id=victim["id"], lock=False)["jobid"])
    admin_job = admin_cs.disableAccount(id=victim["id"], lock=True)["jobid"]
    for jobid in [*plain_jobs, *boss_jobs, admin_job]:
        assert _finished(admin, jobid)["jobstatus"] == 1
    in_domain = [plain_jobs[0], boss_jobs[0], plain_jobs[1], boss_jobs[1]]

    def listed(client: CloudStack, **params: Any) -> list[str]:
        return [j["jobid"] for j in client.listAsyncJobs(**params).get("asyncjobs", [])]

    assert listed(plain) == plain_jobs
    assert listed(plain, listall=True) == plain_jobs, "listall does not widen a normal user's view"
    assert listed(boss) == boss_jobs, "without listall a domain admin sees its own account's jobs"
    assert listed(boss, listall=True) == in_domain, "with listall: its subtree's jobs, oldest first"
    admin_all = listed(admin_cs, listall=True)
    assert [j for j in admin_all if j in {*in_domain, admin_job}] == [*in_domain, admin_job]
    own = listed(admin_cs)
    assert admin_job in own and not set(in_domain) & set(own)
    mine = admin_cs.listAsyncJobs(listall=True, keyword="disableUser")["asyncjobs"]
    assert {j["cmd"] for j in mine} == {"disableUser"}

    with pytest.raises(CloudStackApiException) as denied:
        plain.queryAsyncJobResult(jobid=boss_jobs[0])
    assert denied.value.error["errorcode"] == 531
    assert boss.queryAsyncJobResult(jobid=plain_jobs[0])["jobresult"]["user"]["id"] == colleague["id"]
    with pytest.raises(CloudStackApiException) as unknown:
        admin_cs.queryAsyncJobResult(jobid=str(uuid.uuid4()))
    assert unknown.value.error["errorcode"] == 431


def test_list_async_jobs_startdate(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    first = _finished(admin, admin("disableAccount", id=account["id"], lock=False)["jobid"])
    time.sleep(1.1)  # dates carry whole seconds: let the clock move on so the two jobs are told apart
    second = _finished(admin, admin("disableAccount", id=account["id"], lock=True)["jobid"])
    assert _date(second["created"]) > _date(first["created"])
    since = _date(second["created"]).strftime("%Y-%m-%d %H:%M:%S")
    found = [j["jobid"] for j in admin("listAsyncJobs", startdate=since).get("asyncjobs", [])]
    assert second["jobid"] in found and first["jobid"] not in found
    found = [j["jobid"] for j in admin("listAsyncJobs", startdate="2999-01-01").get("asyncjobs", [])]
    assert found == []
    with pytest.raises(ApiFailure) as bad:
        admin("listAsyncJobs", startdate="yesterday")
    assert bad.value.status == 431


@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "sigkill"])
def test_pending_jobs_fail_after_restart_and_finished_ones_keep_results(
    private_server: RunningServer, kill: bool
) -> None:
    admin = SessionClient(private_server.url, "admin", "password")
    domain = admin("createDomain", name=_name("d"))["domain"]

    def account() -> dict[str, Any]:
        username = _name("u")
        made: dict[str, Any] = admin(
            "createAccount",
            username=username,
            password="S3cret!pw",
            email=f"{username}@example.org",
            firstname="A",
            lastname="B",
            accounttype=0,
            domainid=domain["id"],
        )["account"]
        return made

    gone, kept, user_owner = account(), account(), account()
    done = _finished(admin, admin("deleteAccount", id=gone["id"])["jobid"])
    assert done["jobstatus"] == 1

    private_server.extra_env["NIMBOSTACK_JOB_WORKERS"] = "0"
    private_server.restart()
    admin.url = private_server.url
    user_id = user_owner["user"][0]["id"]
    pending = [admin("deleteAccount", id=kept["id"])["jobid"], admin("disableUser", id=user_id)["jobid"]]
    time.sleep(1.0)  # room for a worker that should not exist to pick them up
    for jobid in pending:
        job = admin("queryAsyncJobResult", jobid=jobid)
        assert (job["jobstatus"], job["jobresultcode"]) == (0, 0)
        assert "jobresult" not in job and "completed" not in job and "jobresulttype" not in job

    private_server.stop(kill=kill)
    del private_server.extra_env["NIMBOSTACK_JOB_WORKERS"]
    private_server.start()
    for jobid in pending:
        job = admin("queryAsyncJobResult", jobid=jobid)
        assert (job["jobstatus"], job["jobresultcode"], job["jobresulttype"]) == (2, 530, "object")
        assert job["jobresult"] == {"errorcode": 530, "errortext": RESTART_TEXT}
        assert CS_DATE.match(job["completed"])
    assert admin("listAccounts", id=kept["id"])["account"][0]["state"] == "enabled"
    assert admin("listUsers", id=user_id, listall=True)["user"][0]["state"] == "enabled"
    assert admin("queryAsyncJobResult", jobid=done["jobid"]) == done

    # The restarted server runs new jobs again.
    again = _finished(admin, admin("disableUser", id=user_id)["jobid"])
    assert again["jobresult"]["user"]["state"] == "disabled"
    admin.close()


def test_finished_jobs_expire_after_job_expire_minutes(private_server: RunningServer) -> None:
    private_server.extra_env["NIMBOSTACK_JOB_HOUSEKEEPING_SECONDS"] = "0.5"
    private_server.restart()
    admin = SessionClient(private_server.url, "admin", "password")
    domain = admin("createDomain", name=_name("d"))["domain"]
    job = _finished(admin, admin("deleteDomain", id=domain["id"])["jobid"])
    time.sleep(2.0)  # several housekeeping rounds under the default of 1440 minutes
    assert admin("queryAsyncJobResult", jobid=job["jobid"]) == job

    admin("updateConfiguration", name="job.expire.minutes", value="0")

    def purged() -> bool:
        reply = admin.raw("queryAsyncJobResult", jobid=job["jobid"])
        return reply.status_code == 431

    _wait_until(purged, "the finished job to be purged")
    assert job["jobid"] not in [j["jobid"] for j in admin("listAsyncJobs").get("asyncjobs", [])]
    admin.close()
