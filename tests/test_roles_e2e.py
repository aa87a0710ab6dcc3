"""Roles and their rules, end to end: rules written through the API decide what a user's keys may call."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.server import RunningServer


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _refused(call: Callable[..., Any], **params: Any) -> dict[str, Any]:
    with pytest.raises(CloudStackApiException) as failure:
        call(**params)
    return dict(failure.value.error)


def _role(admin_cs: CloudStack, role_type: str = "User", **params: Any) -> dict[str, Any]:
    return dict(admin_cs.createRole(name=_name("role"), type=role_type, **params)["role"])


def _account(admin_cs: CloudStack, **params: Any) -> dict[str, Any]:
    username = _name("u")
    return dict(
        admin_cs.createAccount(
            username=username,
            password="S3cret!pw",
            email=f"{username}@example.org",
            firstname="Ann",
            lastname="Lee",
            **params,
        )["account"]
    )


def _client(server: RunningServer, admin_cs: CloudStack, account: dict[str, Any]) -> CloudStack:
    keys = admin_cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    return CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.2)


def _allow(admin_cs: CloudStack, role: dict[str, Any], rule: str, permission: str = "allow") -> str:
    made = admin_cs.createRolePermission(roleid=role["id"], rule=rule, permission=permission)["rolepermission"]
    return str(made["id"])


def _rules(admin_cs: CloudStack, role: dict[str, Any]) -> list[tuple[str, str]]:
    listed = admin_cs.listRolePermissions(roleid=role["id"]).get("rolepermission", [])
    return [(r["rule"], r["permission"]) for r in listed]


def _api_names(client: CloudStack) -> set[str]:
    return {api["name"] for api in client.listApis()["api"]}


def _not_available(api: str, account: dict[str, Any]) -> str:
    return f"The API [{api}] does not exist or is not available for the account {account['name']}."


def _default_role(admin_cs: CloudStack, name: str) -> dict[str, Any]:
    (role,) = admin_cs.listRoles(name=name)["role"]
    return dict(role)


def test_deny_rule_takes_an_api_away_from_a_custom_role(server: RunningServer, admin_cs: CloudStack) -> None:
    role = _role(admin_cs, description="front desk")
    assert (role["type"], role["description"], role["isdefault"], role["state"]) == (
        "User",
        "front desk",
        False,
        "ENABLED",
    )
    account = _account(admin_cs, roleid=role["id"])
    assert (account["roleid"], account["roletype"], account["accounttype"]) == (role["id"], "User", 0)
    user = _client(server, admin_cs, account)
    assert [a["id"] for a in user.listAccounts()["account"]] == [account["id"]]
    assert "listAccounts" in _api_names(user)

    made = admin_cs.createRolePermission(
        roleid=role["id"], rule="listAccounts", permission="deny", description="no peeking"
    )["rolepermission"]
    assert (made["roleid"], made["rolename"], made["rule"], made["permission"], made["description"]) == (
        role["id"],
        role["name"],
        "listAccounts",
        "deny",
        "no peeking",
    )

    error = _refused(user.listAccounts)
    assert error["errorcode"] == 432
    assert error["errortext"] == _not_available("listAccounts", account)
    names = _api_names(user)
    assert "listAccounts" not in names and "listApis" in names


def test_first_matching_rule_wins_and_reordering_changes_the_outcome(
    server: RunningServer, admin_cs: CloudStack
) -> None:
    role = _role(admin_cs)
    account = _account(admin_cs, roleid=role["id"])
    user = _client(server, admin_cs, account)
    deny = _allow(admin_cs, role, "listAccounts", "deny")
    allow = _allow(admin_cs, role, "list*")
    assert _rules(admin_cs, role) == [("listAccounts", "deny"), ("list*", "allow")]
    assert _refused(user.listAccounts)["errorcode"] == 432

    assert admin_cs.updateRolePermission(roleid=role["id"], ruleorder=f"{allow},{deny}")["success"] is True
    assert _rules(admin_cs, role) == [("list*", "allow"), ("listAccounts", "deny")]
    assert [a["id"] for a in user.listAccounts()["account"]] == [account["id"]]

    # Flipping the first rule to deny refuses every list call, including ones a User may make by default.
    assert admin_cs.updateRolePermission(roleid=role["id"], ruleid=allow, permission="deny")["success"] is True
    assert _rules(admin_cs, role) == [("list*", "deny"), ("listAccounts", "deny")]
    assert _refused(user.listApis)["errortext"] == _not_available("listApis", account)

    assert admin_cs.deleteRolePermission(id=allow)["success"] is True
    assert admin_cs.deleteRolePermission(id=deny)["success"] is True
    assert _rules(admin_cs, role) == []
    assert [a["id"] for a in user.listAccounts()["account"]] == [account["id"]]


def test_allow_wildcard_before_catch_all_deny_lets_only_list_calls_through(
    server: RunningServer, admin_cs: CloudStack
) -> None:
    role = _role(admin_cs)
    account = _account(admin_cs, roleid=role["id"])
    user = _client(server, admin_cs, account)
    _allow(admin_cs, role, "list*")
    _allow(admin_cs, role, "*", "deny")

    assert [a["id"] for a in user.listAccounts()["account"]] == [account["id"]]
    names = _api_names(user)
    assert "listAccounts" in names and "listUsers" in names
    assert all(name.startswith("list") for name in names)
    error = _refused(user.registerUserKeys, id=account["user"][0]["id"])
    assert (error["errorcode"], error["errortext"]) == (432, _not_available("registerUserKeys", account))
    assert _refused(user.updateUser, id=account["user"][0]["id"], firstname="Bob")["errorcode"] == 432


def test_rule_and_role_errors_leave_nothing_behind(server: RunningServer, admin_cs: CloudStack) -> None:
    role = _role(admin_cs)
    _allow(admin_cs, role, "listUsers")

    bad_rule = _refused(admin_cs.createRolePermission, roleid=role["id"], rule="list-*", permission="allow")
    assert bad_rule["errorcode"] == 431
    assert bad_rule["errortext"] == "Only API names and wildcards are allowed, invalid rule provided: list-*"
    for spelling in ("listUsers", "LISTUSERS"):
        twice = _refused(admin_cs.createRolePermission, roleid=role["id"], rule=spelling, permission="deny")
        assert (twice["errorcode"], twice["errortext"]) == (531, f"Rule already exists for the role: {role['name']}")
    bad_permission = _refused(admin_cs.createRolePermission, roleid=role["id"], rule="listZones", permission="maybe")
    assert bad_permission["errorcode"] == 431
    assert bad_permission["errortext"] == "Values for permission parameter should be: allow or deny"
    assert _rules(admin_cs, role) == [("listUsers", "allow")]

    extra = _allow(admin_cs, role, "listZones")
    partial = _refused(admin_cs.updateRolePermission, roleid=role["id"], ruleorder=extra)
    assert partial["errorcode"] == 530 and "aborted re-ordering of rules" in partial["errortext"]
    assert _rules(admin_cs, role) == [("listUsers", "allow"), ("listZones", "allow")]

    neither = _refused(admin_cs.createRole, name=_name("role"))
    assert (neither["errorcode"], neither["errortext"]) == (431, "Neither role type nor role ID is provided")
    both = _refused(admin_cs.createRole, name=_name("role"), type="User", roleid=role["id"])
    assert both["errortext"] == "Both role type and role ID should not be specified"
    assert _refused(admin_cs.createRole, name=_name("role"), type="Boss")["errortext"] == "Invalid role type provided"
    same = _refused(admin_cs.createRole, name=role["name"], type="User")
    assert same["errorcode"] == 431
    assert admin_cs.listRoles(name=role["name"])["count"] == 1


def test_default_roles_and_roles_in_use_are_protected(admin_cs: CloudStack) -> None:
    user_role = _default_role(admin_cs, "User")
    assert user_role["isdefault"] is True
    undeletable = _refused(admin_cs.deleteRole, id=user_role["id"])
    assert (undeletable["errorcode"], undeletable["errortext"]) == (531, "Default roles cannot be deleted")
    unchangeable = _refused(admin_cs.updateRole, id=user_role["id"], description="mine now")
    assert unchangeable["errortext"].startswith("Default roles cannot be updated")

    role = _role(admin_cs)
    account = _account(admin_cs, roleid=role["id"])
    in_use = _refused(admin_cs.deleteRole, id=role["id"])
    assert (in_use["errorcode"], in_use["errortext"]) == (
        531,
        "Found accounts that have role in use, won't allow to delete role",
    )
    retype = _refused(admin_cs.updateRole, id=role["id"], type="DomainAdmin")
    assert retype["errortext"] == "Found accounts that have role in use, won't allow to change role type"
    renamed = admin_cs.updateRole(id=role["id"], name=role["name"] + "x", description="renamed")["role"]
    assert (renamed["name"], renamed["description"], renamed["type"]) == (role["name"] + "x", "renamed", "User")

    assert admin_cs.deleteAccount(id=account["id"], fetch_result=True)["success"] is True
    assert admin_cs.deleteRole(id=role["id"])["success"] is True
    assert admin_cs.listRoles(id=role["id"]) == {}
    gone = _refused(admin_cs.createRolePermission, roleid=role["id"], rule="listZones", permission="allow")
    assert (gone["errorcode"], gone["errortext"]) == (431, "Invalid role id provided")


def test_cloned_role_copies_type_and_rules_in_order(admin_cs: CloudStack) -> None:
    source = _role(admin_cs, role_type="DomainAdmin")
    for rule, permission in (("listAccounts", "deny"), ("list*", "allow"), ("*", "deny")):
        _allow(admin_cs, source, rule, permission)
    clone = dict(admin_cs.createRole(name=_name("copy"), roleid=source["id"], description="copy")["role"])
    assert (clone["type"], clone["description"]) == ("DomainAdmin", "copy")
    assert (
        _rules(admin_cs, clone)
        == _rules(admin_cs, source)
        == [
            ("listAccounts", "deny"),
            ("list*", "allow"),
            ("*", "deny"),
        ]
    )


def test_read_only_user_role_can_list_but_nothing_else(server: RunningServer, admin_cs: CloudStack) -> None:
    role = _default_role(admin_cs, "Read-Only User - Default")
    assert (role["type"], role["isdefault"]) == ("User", True)
    assert _rules(admin_cs, role)[-1] == ("*", "deny")
    account = _account(admin_cs, roleid=role["id"])
    user = _client(server, admin_cs, account)

    assert [a["id"] for a in user.listAccounts()["account"]] == [account["id"]]
    error = _refused(user.registerUserKeys, id=account["user"][0]["id"])
    assert (error["errorcode"], error["errortext"]) == (432, _not_available("registerUserKeys", account))
    assert "registerUserKeys" not in _api_names(user)

    locked = _refused(admin_cs.createRolePermission, roleid=role["id"], rule="registerUserKeys", permission="allow")
    assert (locked["errorcode"], locked["errortext"]) == (531, "Role permission cannot be added for Default roles")


def test_list_roles_hides_admin_and_private_roles_from_other_callers(
    server: RunningServer, admin_cs: CloudStack
) -> None:
    private = _role(admin_cs, ispublic=False)
    assert private["ispublic"] is False
    every = {r["id"]: r for r in admin_cs.listRoles()["role"]}
    assert private["id"] in every and any(r["type"] == "Admin" for r in every.values())

    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    boss = _client(server, admin_cs, _account(admin_cs, accounttype=2, domainid=domain["id"]))
    seen = boss.listRoles()["role"]
    assert seen and all(r["type"] != "Admin" and r["ispublic"] for r in seen)
    assert private["id"] not in {r["id"] for r in seen}
    assert boss.listRoles(type="Admin") == {}
    assert _refused(boss.createRole, name=_name("role"), type="User")["errorcode"] == 432

    plain = _account(admin_cs, accounttype=0, domainid=domain["id"])
    refused = _refused(_client(server, admin_cs, plain).listRoles)
    assert (refused["errorcode"], refused["errortext"]) == (432, _not_available("listRoles", plain))


def test_disabled_role_cannot_be_given_to_new_accounts(admin_cs: CloudStack) -> None:
    role = _role(admin_cs)
    assert admin_cs.disableRole(id=role["id"])["success"] is True
    assert admin_cs.listRoles(id=role["id"])["role"][0]["state"] == "DISABLED"
    assert role["id"] in {r["id"] for r in admin_cs.listRoles(state="disabled")["role"]}
    again = _refused(admin_cs.disableRole, id=role["id"])
    assert (again["errorcode"], again["errortext"]) == (531, "Role is already DISABLED")
    assert _refused(_account, admin_cs=admin_cs, roleid=role["id"])["errorcode"] == 431

    assert admin_cs.enableRole(id=role["id"])["success"] is True
    assert _account(admin_cs, roleid=role["id"])["roleid"] == role["id"]
