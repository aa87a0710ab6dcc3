"""listAccounts and listUsers filters, paging counts and embedded users; which API keys are let in.

Each test works in a domain of its own, so the answers are exactly the objects it made.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.clients import signed_get
from tests.support.server import RunningServer


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _account(cs: CloudStack, domain_id: str, account_type: int = 0, **extra: Any) -> dict[str, Any]:
    username = _name("u")
    return dict(
        cs.createAccount(
            username=username,
            password="S3cret!pw",
            email=f"{username}@example.org",
            firstname="Ann",
            lastname="Lee",
            accounttype=account_type,
            domainid=domain_id,
            **extra,
        )["account"]
    )


def _ids(answer: dict[str, Any], key: str) -> set[str]:
    return {item["id"] for item in answer.get(key, [])}


@pytest.fixture
def tree(admin_cs: CloudStack) -> dict[str, Any]:
    """A domain with a child domain: a user and a domain admin on top, a user in the child."""
    top = admin_cs.createDomain(name=_name("top"))["domain"]
    child = admin_cs.createDomain(name=_name("kid"), parentdomainid=top["id"])["domain"]
    return {
        "top": top,
        "child": child,
        "user": _account(admin_cs, top["id"]),
        "boss": _account(admin_cs, top["id"], account_type=2),
        "kid": _account(admin_cs, child["id"]),
    }


def test_list_accounts_filters(admin_cs: CloudStack, tree: dict[str, Any]) -> None:
    top, user, boss, kid = tree["top"]["id"], tree["user"], tree["boss"], tree["kid"]
    everyone = {user["id"], boss["id"], kid["id"]}
    assert _ids(admin_cs.listAccounts(domainid=top), "account") == {user["id"], boss["id"]}
    assert _ids(admin_cs.listAccounts(domainid=top, isrecursive=True), "account") == everyone
    assert _ids(admin_cs.listAccounts(account=user["name"], domainid=top), "account") == {user["id"]}
    assert _ids(admin_cs.listAccounts(domainid=top, isrecursive=True, accounttype=2), "account") == {boss["id"]}
    assert _ids(admin_cs.listAccounts(listall=True, keyword=kid["name"][2:]), "account") == {kid["id"]}
    assert _ids(admin_cs.listAccounts(listall=True, name=user["name"]), "account") == {user["id"]}
    assert _ids(admin_cs.listAccounts(listall=True, roleid=boss["roleid"], domainid=top), "account") == {boss["id"]}
    assert _ids(admin_cs.listAccounts(domainid=top, isrecursive=True, iscleanuprequired=False), "account") == everyone

    admin_cs.disableAccount(id=user["id"], lock=False, fetch_result=True)
    assert _ids(admin_cs.listAccounts(domainid=top, isrecursive=True, state="Disabled"), "account") == {user["id"]}
    assert _ids(admin_cs.listAccounts(domainid=top, isrecursive=True, state="enabled"), "account") == {
        boss["id"],
        kid["id"],
    }

    admin_cs.updateAccount(id=kid["id"], apikeyaccess="Disabled")
    scope = {"domainid": top, "isrecursive": True}
    assert _ids(admin_cs.listAccounts(apikeyaccess="Disabled", **scope), "account") == {kid["id"]}
    assert _ids(admin_cs.listAccounts(apikeyaccess="Inherit", **scope), "account") == {user["id"], boss["id"]}
    assert admin_cs.listAccounts(apikeyaccess="Enabled", **scope) == {}
    with pytest.raises(CloudStackApiException) as bad:
        admin_cs.listAccounts(apikeyaccess="sometimes", **scope)
    assert bad.value.error["errorcode"] == 431
    assert bad.value.error["errortext"] == "ApiKeyAccess value can only be Enabled/Disabled/Inherit"


def test_listed_accounts_show_their_details_and_live_users(admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    plain = _account(admin_cs, domain["id"])
    detailed = _account(admin_cs, domain["id"], accountdetails={"tier": "gold"})
    second = admin_cs.createUser(
        account=plain["name"],
        domainid=domain["id"],
        username=_name("x"),
        password="Pw-12345",
        email="x@example.org",
        firstname="X",
        lastname="Y",
    )["user"]
    gone = admin_cs.createUser(
        account=plain["name"],
        domainid=domain["id"],
        username=_name("g"),
        password="Pw-12345",
        email="g@example.org",
        firstname="G",
        lastname="H",
    )["user"]
    admin_cs.deleteUser(id=gone["id"])

    listed = {a["id"]: a for a in admin_cs.listAccounts(domainid=domain["id"])["account"]}
    assert listed[detailed["id"]]["accountdetails"] == {"tier": "gold"}
    assert "accountdetails" not in listed[plain["id"]]
    users = listed[plain["id"]]["user"]
    assert [u["id"] for u in users] == [plain["user"][0]["id"], second["id"]]
    for user in users:
        assert (user["account"], user["accountid"], user["domainid"], user["domain"]) == (
            plain["name"],
            plain["id"],
            domain["id"],
            domain["name"],
        )
        assert (user["roleid"], user["roletype"], user["rolename"]) == (
            plain["roleid"],
            plain["roletype"],
            plain["rolename"],
        )
    # The listing shows the same account as the create answer did.
    assert {k: v for k, v in listed[detailed["id"]].items() if k != "user"} == {
        k: v for k, v in detailed.items() if k != "user"
    }


@pytest.mark.parametrize("command,key", [("listAccounts", "account"), ("listUsers", "user")])
def test_count_is_the_total_on_every_page(admin_cs: CloudStack, command: str, key: str) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    made = [_account(admin_cs, domain["id"]) for _ in range(3)]
    ids = [a["id"] if key == "account" else a["user"][0]["id"] for a in made]
    listing = getattr(admin_cs, command)

    def page(number: int, size: int) -> dict[str, Any]:
        return dict(listing(domainid=domain["id"], page=number, pagesize=size))

    assert page(1, 2) == {"count": 3, key: page(1, 2)[key]} and [x["id"] for x in page(1, 2)[key]] == ids[:2]
    assert page(2, 2)["count"] == 3 and [x["id"] for x in page(2, 2)[key]] == ids[2:]
    assert page(3, 2) == {"count": 3}
    assert page(1, 3)["count"] == 3 and len(page(1, 3)[key]) == 3
    assert page(2, 3) == {"count": 3}
    assert listing(domainid=domain["id"], name=_name("none"), username=_name("none")) == {}


def test_list_users_filters(admin_cs: CloudStack, tree: dict[str, Any]) -> None:
    top = tree["top"]["id"]
    user, boss, kid = (tree[k]["user"][0] for k in ("user", "boss", "kid"))
    scope = {"domainid": top, "isrecursive": True}
    everyone = {user["id"], boss["id"], kid["id"]}
    assert _ids(admin_cs.listUsers(domainid=top), "user") == {user["id"], boss["id"]}
    assert _ids(admin_cs.listUsers(**scope), "user") == everyone
    assert _ids(admin_cs.listUsers(username=kid["username"], **scope), "user") == {kid["id"]}
    assert _ids(admin_cs.listUsers(keyword=boss["email"], **scope), "user") == {boss["id"]}
    assert _ids(admin_cs.listUsers(accounttype=2, **scope), "user") == {boss["id"]}
    assert _ids(admin_cs.listUsers(usersource="native", **scope), "user") == everyone
    assert admin_cs.listUsers(usersource="ldap", **scope) == {}
    assert _ids(admin_cs.listUsers(account=tree["kid"]["name"], domainid=tree["child"]["id"]), "user") == {kid["id"]}

    admin_cs.disableUser(id=kid["id"], fetch_result=True)
    assert _ids(admin_cs.listUsers(state="Disabled", **scope), "user") == {kid["id"]}
    admin_cs.updateUser(id=user["id"], apikeyaccess="Enabled")
    assert _ids(admin_cs.listUsers(apikeyaccess="Enabled", **scope), "user") == {user["id"]}
    assert _ids(admin_cs.listUsers(apikeyaccess="Inherit", **scope), "user") == {boss["id"], kid["id"]}


def test_user_lists_only_itself_and_domain_admin_its_subtree(
    server: RunningServer, admin_cs: CloudStack, tree: dict[str, Any]
) -> None:
    user, boss, kid = (tree[k]["user"][0] for k in ("user", "boss", "kid"))
    user_keys = admin_cs.registerUserKeys(id=user["id"])["userkeys"]
    user_cs = CloudStack(endpoint=server.url, key=user_keys["apikey"], secret=user_keys["secretkey"])
    assert _ids(user_cs.listUsers(listall=True), "user") == {user["id"]}
    with pytest.raises(CloudStackApiException) as refused:
        user_cs.listUsers(id=boss["id"])
    assert refused.value.error["errorcode"] == 531

    boss_keys = admin_cs.registerUserKeys(id=boss["id"])["userkeys"]
    boss_cs = CloudStack(endpoint=server.url, key=boss_keys["apikey"], secret=boss_keys["secretkey"])
    assert _ids(boss_cs.listUsers(listall=True), "user") == {user["id"], boss["id"], kid["id"]}
    assert _ids(boss_cs.listUsers(), "user") == {boss["id"]}
    listed = boss_cs.listAccounts(listall=True)["account"]
    assert {a["id"] for a in listed} == {tree["user"]["id"], tree["boss"]["id"], tree["kid"]["id"]}
    # Seen from the domain admin, only users of domains below its own are in a child domain.
    child_flags = {u["id"]: u["iscallerchilddomain"] for a in listed for u in a["user"]}
    assert child_flags == {user["id"]: False, boss["id"]: False, kid["id"]: True}


def test_api_key_access_user_flag_then_account_flag_then_domain_setting(
    server: RunningServer, admin_cs: CloudStack
) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _account(admin_cs, domain["id"])
    user_id = account["user"][0]["id"]
    keys = admin_cs.registerUserKeys(id=user_id)["userkeys"]

    def status() -> int:
        return signed_get(server.url, keys["apikey"], keys["secretkey"], "listAccounts").status_code

    assert status() == 200
    admin_cs.updateConfiguration(name="api.key.access", value="false", domainid=domain["id"])
    assert status() == 401
    admin_cs.updateAccount(id=account["id"], apikeyaccess="Enabled")
    assert status() == 200
    admin_cs.updateUser(id=user_id, apikeyaccess="Disabled")
    assert status() == 401
    admin_cs.updateUser(id=user_id, apikeyaccess="Enabled")
    admin_cs.updateAccount(id=account["id"], apikeyaccess="Disabled")
    assert status() == 200
    admin_cs.disableAccount(id=account["id"], lock=False, fetch_result=True)
    assert status() == 401
    admin_cs.enableAccount(id=account["id"])
    assert status() == 200
