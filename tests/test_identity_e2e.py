"""Provisioning through the API with the real `cs` client: domains, accounts, users, keys, scope."""

from __future__ import annotations

import uuid

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.server import RunningServer


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _new_account(cs: CloudStack, domain_id: str, account_type: int = 0) -> dict:
    username = _name("u")
    return cs.createAccount(
        username=username,
        password="S3cret!pw",
        email=f"{username}@example.org",
        firstname="Ann",
        lastname="Lee",
        accounttype=account_type,
        domainid=domain_id,
    )["account"]


def _keys_for(cs: CloudStack, account: dict) -> tuple[str, str]:
    keys = cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    return keys["apikey"], keys["secretkey"]


def test_create_domain_account_user_and_list_them(admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    assert domain["path"] == f"ROOT/{domain['name']}"
    assert domain["parentdomainname"] == "ROOT"
    account = _new_account(admin_cs, domain["id"])
    assert account["domainid"] == domain["id"]
    assert account["roletype"] == "User" and account["accounttype"] == 0
    extra = admin_cs.createUser(
        account=account["name"],
        domainid=domain["id"],
        username=_name("x"),
        password="Pw-12345",
        email="x@example.org",
        firstname="X",
        lastname="Y",
    )["user"]
    listed = admin_cs.listUsers(domainid=domain["id"], listall=True)["user"]
    assert {u["id"] for u in listed} == {account["user"][0]["id"], extra["id"]}
    found = admin_cs.listAccounts(id=account["id"])["account"]
    assert [a["name"] for a in found] == [account["name"]]


def test_new_user_with_keys_sees_only_its_own_account(server: RunningServer, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    mine = _new_account(admin_cs, domain["id"])
    other = _new_account(admin_cs, domain["id"])
    key, secret = _keys_for(admin_cs, mine)
    user_cs = CloudStack(endpoint=server.url, key=key, secret=secret)
    accounts = user_cs.listAccounts(listall=True)["account"]
    assert [a["id"] for a in accounts] == [mine["id"]]
    with pytest.raises(CloudStackApiException) as failure:
        user_cs.listAccounts(id=other["id"])
    assert failure.value.error["errorcode"] == 531
    with pytest.raises(CloudStackApiException) as refused:
        user_cs.createDomain(name="nope")
    assert refused.value.error["errorcode"] == 432


def test_domain_admin_is_confined_to_its_subtree(server: RunningServer, admin_cs: CloudStack) -> None:
    top = admin_cs.createDomain(name=_name("top"))["domain"]
    child = admin_cs.createDomain(name=_name("kid"), parentdomainid=top["id"])["domain"]
    outside = admin_cs.createDomain(name=_name("out"))["domain"]
    boss = _new_account(admin_cs, top["id"], account_type=2)
    key, secret = _keys_for(admin_cs, boss)
    boss_cs = CloudStack(endpoint=server.url, key=key, secret=secret, poll_interval=0.2)

    made = boss_cs.createAccount(
        username=_name("c"),
        password="Pw-12345",
        email="c@example.org",
        firstname="C",
        lastname="D",
        accounttype=0,
        domainid=child["id"],
    )["account"]
    assert made["domainpath"].endswith(child["name"])
    seen = {d["id"] for d in boss_cs.listDomains(listall=True)["domain"]}
    assert seen == {top["id"], child["id"]}
    with pytest.raises(CloudStackApiException) as denied:
        boss_cs.createAccount(
            username=_name("z"),
            password="Pw-12345",
            email="z@example.org",
            firstname="Z",
            lastname="Z",
            accounttype=0,
            domainid=outside["id"],
        )
    assert denied.value.error["errorcode"] == 531
    listed = {a["id"] for a in boss_cs.listAccounts(listall=True)["account"]}
    assert made["id"] in listed and boss["id"] in listed
    assert all(a["domainid"] in {top["id"], child["id"]} for a in boss_cs.listAccounts(listall=True)["account"])


def test_delete_account_runs_as_async_job(admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    result = admin_cs.deleteAccount(id=account["id"], fetch_result=True)
    assert result["success"] is True
    assert admin_cs.listAccounts(id=account["id"]) == {}
    done = admin_cs.deleteDomain(id=domain["id"], fetch_result=True)
    assert done["success"] is True
