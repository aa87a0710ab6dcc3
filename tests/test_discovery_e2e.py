"""listApis and listCapabilities through the real server: what clients generate their bindings from.

The response declarations must name exactly the keys our answers carry, so these tests call the real
commands and compare; a view that gains or loses a field without its declaration fails here.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

import nimbostack.commands  # noqa: F401 - fills the registry
from nimbostack.api.registry import all_commands
from nimbostack.auth.types import RoleType
from nimbostack.views.fields import response_fields
from tests.support.clients import ApiFailure, SessionClient
from tests.support.declared import api as _api
from tests.support.declared import assert_declared as _assert_declared
from tests.support.declared import assert_union_declared as _assert_union_declared
from tests.support.reference import SAMPLES
from tests.support.server import RunningServer

NOT_FOUND = "Api Discovery plugin was unable to find an api by that name or process any apis"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _new_account(cs: CloudStack, domain_id: str, **extra: Any) -> dict[str, Any]:
    username = _name("u")
    account: dict[str, Any] = cs.createAccount(
        username=username,
        password="S3cret!pw",
        email=f"{username}@example.org",
        firstname="Ann",
        lastname="Lee",
        accounttype=0,
        domainid=domain_id,
        **extra,
    )["account"]
    return account


def test_admin_sees_every_registered_command(admin: SessionClient) -> None:
    listed = admin("listApis")
    names = [a["name"] for a in listed["api"]]
    assert set(names) == {c.name for c in all_commands()}
    assert listed["count"] == len(names)
    for api in listed["api"]:
        assert api["response"], api["name"]
        for param in api["params"]:
            assert isinstance(param["length"], int) and param["type"]
            assert param.get("related", "x") != "" and param.get("since", "x") != ""


def test_plain_user_does_not_see_admin_commands(server: RunningServer, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    keys = admin_cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    user_cs = CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"])

    names = {a["name"] for a in user_cs.listApis()["api"]}
    assert names == {c.name for c in all_commands() if RoleType.USER in c.roles}
    assert "createDomain" not in names and "listAccounts" in names
    with pytest.raises(CloudStackApiException) as hidden:
        user_cs.listApis(name="createDomain")
    assert hidden.value.error["errorcode"] == 530
    assert hidden.value.error["errortext"] == NOT_FOUND


def test_unknown_api_name_gives_discovery_error(admin: SessionClient) -> None:
    with pytest.raises(ApiFailure) as failure:
        admin("listApis", name="listNothingAtAll")
    assert failure.value.status == 530
    assert failure.value.text == NOT_FOUND


def test_list_accounts_declaration_matches_a_real_answer(admin: SessionClient, admin_cs: CloudStack) -> None:
    api = _api(admin, "listAccounts")
    assert api["isasync"] is False and "since" not in api
    params = {p["name"]: p for p in api["params"]}
    assert params["id"]["type"] == "uuid" and params["id"]["related"] == "listAccounts"
    assert params["domainid"]["type"] == "uuid" and params["domainid"]["related"] == "listDomains"
    assert params["listall"]["type"] == "boolean" and params["page"]["type"] == "integer"
    assert params["details"]["type"] == "list" and params["apikeyaccess"]["since"] == "4.20.1.0"
    assert all(p["length"] == 255 and p["required"] is False for p in params.values())
    assert "related" not in params["name"] and "since" not in params["name"]
    create = {p["name"]: p for p in _api(admin, "createAccount")["params"]}
    assert create["accountdetails"]["type"] == "map" and create["username"]["required"] is True

    # Every optional field filled in, so the real answer carries every key the view can emit.
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    made = _new_account(
        admin_cs, domain["id"], networkdomain="eng.example.org", timezone="Europe/Berlin", accountdetails={"k": "v"}
    )
    admin_cs.registerUserKeys(id=made["user"][0]["id"])
    answer = admin("listAccounts", id=made["id"])["account"][0]
    assert answer["accountdetails"] == {"k": "v"}
    _assert_declared(api["response"], answer)
    users = next(f for f in api["response"] if f["name"] == "user")
    assert {f["name"] for f in users["response"]} == set(answer["user"][0])


def test_related_names_the_commands_answering_the_same_object(admin: SessionClient) -> None:
    related = set(_api(admin, "listAccounts")["related"].split(","))
    assert {"createAccount", "updateAccount", "disableAccount", "enableAccount", "lockAccount"} <= related
    assert "listAccounts" not in related and "listUsers" not in related
    assert "related" not in _api(admin, "deleteUser")
    assert _api(admin, "queryAsyncJobResult")["related"] == "listAsyncJobs"
    assert set(_api(admin, "updateConfiguration")["related"].split(",")) == {"listConfigurations", "resetConfiguration"}


def test_domain_and_user_keys_declarations_match_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    parent = admin_cs.createDomain(name=_name("p"))["domain"]
    domain = admin_cs.createDomain(name=_name("d"), parentdomainid=parent["id"], networkdomain="d.example.org")
    admin_cs.createDomain(name=_name("c"), parentdomainid=domain["domain"]["id"])
    listed = admin("listDomains", id=domain["domain"]["id"])["domain"][0]
    _assert_declared(_api(admin, "listDomains")["response"], listed)

    account = _new_account(admin_cs, parent["id"])
    user_id = account["user"][0]["id"]
    admin_cs.registerUserKeys(id=user_id)
    admin_cs.updateUser(id=user_id, apikeyaccess="Enabled")
    keys = admin("getUserKeys", id=user_id)["userkeys"]
    _assert_declared(_api(admin, "getUserKeys")["response"], keys)


def test_role_and_rule_declarations_match_real_answers(admin: SessionClient) -> None:
    role = admin("createRole", name=_name("r"), type="User", description="testers")["role"]
    admin("createRolePermission", roleid=role["id"], rule="list*", permission="allow", description="reads")
    listed = admin("listRoles", id=role["id"])["role"][0]
    _assert_declared(_api(admin, "listRoles")["response"], listed)
    rules = admin("listRolePermissions", roleid=role["id"])["rolepermission"]
    _assert_declared(_api(admin, "listRolePermissions")["response"], rules[0])


def test_settings_and_events_declarations_match_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    _new_account(admin_cs, domain["id"])  # so that events of several types exist
    settings = admin("listConfigurations", pagesize=-1)["configuration"]
    scoped = admin("listConfigurations", domainid=domain["id"], pagesize=-1)
    _assert_union_declared(_api(admin, "listConfigurations")["response"], settings + scoped["configuration"])
    groups = admin("listConfigurationGroups")["configurationgroup"]
    _assert_union_declared(_api(admin, "listConfigurationGroups")["response"], groups)

    events = admin("listEvents", listall=True, pagesize=-1)["event"]
    declared = {f["name"]: f for f in _api(admin, "listEvents")["response"]}
    # parentid is declared but never sent: we record finished actions only, which have no parent event.
    _assert_union_declared([f for n, f in declared.items() if n != "parentid"], events)
    types = admin("listEventTypes")["eventtype"]
    _assert_union_declared(_api(admin, "listEventTypes")["response"], types)


def test_job_record_declaration_matches_query_async_job_result(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    job_id = admin("disableAccount", id=account["id"], lock=False)["jobid"]
    deadline = time.monotonic() + 30
    record = admin("queryAsyncJobResult", jobid=job_id)
    while record["jobstatus"] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
        record = admin("queryAsyncJobResult", jobid=job_id)
    assert record["jobstatus"] == 1
    _assert_declared(_api(admin, "queryAsyncJobResult")["response"], record)
    listed = admin("listAsyncJobs", listall=True)["asyncjobs"]
    _assert_declared(_api(admin, "listAsyncJobs")["response"], next(j for j in listed if j["jobid"] == job_id))


def test_capabilities_have_the_recorded_shape(admin: SessionClient) -> None:
    sample = json.loads((SAMPLES / "ConfigurationService.json").read_text())
    recorded = sample["listCapabilities"]["listcapabilitiesresponse"]["capability"]
    ours = admin("listCapabilities")["capability"]
    assert set(recorded) <= set(ours)
    for key, value in recorded.items():
        assert type(ours[key]) is type(value), key
    assert ours["supportELB"] in {"true", "false"} and re.match(r"^\d+\.\d+\.\d+\.\d+$", ours["cloudstackversion"])
    _assert_declared(_api(admin, "listCapabilities")["response"], ours)


def test_list_apis_describes_itself(admin: SessionClient) -> None:
    api = _api(admin, "listApis")
    assert api["since"] == "4.1.0"
    declared = {f["name"]: f for f in api["response"]}
    assert set(api) <= set(declared)
    assert declared["params"]["type"] == "set"
    assert {f["name"] for f in declared["params"]["response"]} >= set().union(*(p.keys() for p in api["params"]))
    assert {f["name"]: f["type"] for f in declared["params"]["response"]}["length"] == "int"


@pytest.mark.sqlite_only
def test_every_registered_command_declares_its_response_fields() -> None:
    missing = [c.name for c in all_commands() if not response_fields(c)]
    assert missing == []
