"""Settings (list/update/reset, scopes, effects on the server) and events, through the real `cs` client."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.clients import ApiFailure, SessionClient
from tests.support.server import RunningServer


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _new_account(cs: CloudStack, domain_id: str, password: str = "S3cret!pw") -> dict[str, Any]:
    username = _name("u")
    return dict(
        cs.createAccount(
            username=username,
            password=password,
            email=f"{username}@example.org",
            firstname="Ann",
            lastname="Lee",
            accounttype=0,
            domainid=domain_id,
        )["account"]
    )


def _user_cs(server: RunningServer, admin_cs: CloudStack, account: dict[str, Any]) -> CloudStack:
    keys = admin_cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    return CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"])


def _admin_cs_of(server: RunningServer) -> CloudStack:
    client = SessionClient(server.url, "admin", "password")
    try:
        keys = client("registerUserKeys", id=client.login["userid"])["userkeys"]
    finally:
        client.close()
    return CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.2)


def _error(call: Any, **params: Any) -> tuple[int, str]:
    with pytest.raises(CloudStackApiException) as failure:
        call(**params)
    return failure.value.error["errorcode"], failure.value.error["errortext"]


def _one_setting(cs: CloudStack, name: str, **scope: str) -> dict[str, Any]:
    found = [c for c in cs.listConfigurations(name=name, **scope)["configuration"] if c["name"] == name]
    assert len(found) == 1
    return dict(found[0])


def test_list_configurations_describes_each_setting(admin_cs: CloudStack) -> None:
    page = _one_setting(admin_cs, "default.page.size")
    assert page["value"] == "500" and page["defaultvalue"] == "500"
    assert page["category"] == "Advanced" and page["type"] == "Number" and page["isdynamic"] is True
    assert (page["group"], page["subgroup"]) == ("Miscellaneous", "Others")
    assert page["displaytext"] == "Default page size" and "scope" not in page

    listed = admin_cs.listConfigurations(name="password.policy")
    names = {c["name"] for c in listed["configuration"]}
    assert "password.policy.minimum.length" in names and listed["count"] == len(names) == 7

    purge = _one_setting(admin_cs, "event.purge.interval")
    assert purge["parent"] == "event.purge.delay" and (purge["group"], purge["subgroup"]) == (
        "Management Server",
        "Events",
    )
    locations = _one_setting(admin_cs, "api.sessionkey.check.locations")
    assert locations["type"] == "Select" and "ParameterOnly" in locations["options"].split(",")
    assert _one_setting(admin_cs, "integration.api.port")["isdynamic"] is False

    security = admin_cs.listConfigurations(group="Management Server", subgroup="Security")["configuration"]
    assert {c["subgroup"] for c in security} == {"Security"}
    assert "user.authenticators.order" in {c["name"] for c in security}
    system = admin_cs.listConfigurations(category="System")["configuration"]
    assert [c["name"] for c in system] == ["api.key.access"]


def test_list_configuration_errors(admin_cs: CloudStack) -> None:
    code, text = _error(admin_cs.listConfigurations, subgroup="Security")
    assert (code, text) == (431, "Configuration group name must be specified with the subgroup name")
    assert _error(admin_cs.listConfigurations, group="Nope") == (431, "Invalid configuration group: Nope")
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    code, text = _error(admin_cs.listConfigurations, domainid=domain["id"], accountid=account["id"])
    assert (code, text) == (431, "cannot handle multiple IDs, provide only one ID corresponding to the scope")
    # A zone id that names no zone is refused rather than ignored.
    zone = str(uuid.uuid4())
    code, text = _error(admin_cs.listConfigurations, zoneid=zone)
    assert code == 431 and f"Invalid parameter zoneid value={zone}" in text


def test_configuration_groups_come_in_precedence_order(admin_cs: CloudStack) -> None:
    groups = admin_cs.listConfigurationGroups()["configurationgroup"]
    assert groups[0]["name"] == "Access" and groups[-1]["name"] == "Miscellaneous"
    assert [g["precedence"] for g in groups] == sorted(g["precedence"] for g in groups)
    access = admin_cs.listConfigurationGroups(group="Access")["configurationgroup"]
    assert len(access) == 1
    assert [s["name"] for s in access[0]["subgroup"]] == ["Account", "Domain", "Project", "LDAP", "SAML"]


def test_update_configuration_refuses_bad_input(admin: SessionClient, admin_cs: CloudStack) -> None:
    update = admin_cs.updateConfiguration
    assert _error(update, name="no.such.setting", value="1") == (
        431,
        "Config parameter with name no.such.setting doesn't exist",
    )
    assert _error(update, name="enforce.post.requests.and.timestamps", value="yes") == (
        431,
        "Please enter either 'true' or 'false'.",
    )
    assert _error(update, name="incorrect.login.attempts.allowed", value="many") == (
        431,
        "There was error in trying to parse value: many. Please enter a valid integer value for parameter "
        "incorrect.login.attempts.allowed",
    )
    assert _error(update, name="default.page.size", value="1.5") == (
        431,
        "There was error in trying to parse value: 1.5. Please enter a valid long value for parameter "
        "default.page.size",
    )
    assert _error(update, name="session.timeout", value="0") == (
        431,
        "Please enter a positive value for the configuration parameter:session.timeout",
    )
    assert _error(update, name="dynamic.apichecker.enabled", value="false") == (
        431,
        "Restricted configuration update not allowed",
    )
    assert _error(update, name="api.sessionkey.cookie.samesite", value="Sideways") == (
        431,
        "The provided value is not a valid value for this configuration "
        "(Options are: [Lax,Strict,NoneAndSecure,Null]).",
    )
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    assert _error(update, name="default.page.size", value="20", domainid=domain["id"]) == (
        431,
        "Invalid scope id provided for the parameter default.page.size",
    )
    assert _error(update, name="password.policy.minimum.length", value="8", accountid=account["id"]) == (
        431,
        "Invalid scope id provided for the parameter password.policy.minimum.length",
    )
    assert _error(
        update, name="password.policy.minimum.length", value="8", accountid=account["id"], domainid=domain["id"]
    ) == (431, "cannot handle multiple IDs, provide only one ID corresponding to the scope")
    with pytest.raises(ApiFailure) as empty:
        admin("updateConfiguration", name="", value="1")
    assert (empty.value.status, empty.value.text) == (431, "Empty configuration name provided")
    # Nothing above changed anything.
    assert _one_setting(admin_cs, "default.page.size")["value"] == "500"
    assert _one_setting(admin_cs, "enforce.post.requests.and.timestamps")["value"] == "false"


def test_settings_are_for_root_admins_only(server: RunningServer, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    user_cs = _user_cs(server, admin_cs, _new_account(admin_cs, domain["id"]))
    code, _ = _error(user_cs.listConfigurations)
    assert code == 432
    code, _ = _error(user_cs.updateConfiguration, name="default.page.size", value="1")
    assert code == 432


def test_domain_value_overrides_global_password_policy(server: RunningServer, admin_cs: CloudStack) -> None:
    strict = admin_cs.createDomain(name=_name("strict"))["domain"]
    lax = admin_cs.createDomain(name=_name("lax"))["domain"]
    name = "password.policy.minimum.length"
    changed = admin_cs.updateConfiguration(name=name, value="12", domainid=strict["id"])["configuration"]
    assert (changed["value"], changed["scope"]) == ("12", "domain")
    assert _one_setting(admin_cs, name, domainid=strict["id"])["value"] == "12"
    assert _one_setting(admin_cs, name, domainid=lax["id"])["value"] == "0"
    assert _one_setting(admin_cs, name)["value"] == "0"

    code, text = _error(
        admin_cs.createAccount,
        username=_name("u"),
        password="Short-1",
        email="a@example.org",
        firstname="A",
        lastname="B",
        accounttype=0,
        domainid=strict["id"],
    )
    assert (code, text) == (431, "User password should contain at least 12 characters.")
    _new_account(admin_cs, lax["id"], password="Short-1")
    member = _new_account(admin_cs, strict["id"], password="Long-enough-pw-1")
    code, text = _error(admin_cs.updateUser, id=member["user"][0]["id"], password="Short-2")
    assert (code, text) == (431, "User password should contain at least 12 characters.")

    reset = admin_cs.resetConfiguration(name=name, domainid=strict["id"])["configuration"]
    assert (reset["value"], reset["scope"]) == ("0", "Domain")
    admin_cs.updateUser(id=member["user"][0]["id"], password="Short-2")


def test_update_and_reset_a_global_setting(private_server: RunningServer) -> None:
    cs = _admin_cs_of(private_server)
    domain = cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(cs, domain["id"])
    changed = cs.updateConfiguration(name="incorrect.login.attempts.allowed", value=" 2 ")["configuration"]
    assert changed["value"] == "2" and "scope" not in changed
    assert _one_setting(cs, "incorrect.login.attempts.allowed")["value"] == "2"

    username = account["user"][0]["username"]
    for _ in range(2):
        with pytest.raises(ApiFailure):
            SessionClient(private_server.url, username, "wrong-password", domain=f"/{domain['name']}")
    with pytest.raises(ApiFailure) as locked:
        SessionClient(private_server.url, username, "S3cret!pw", domain=f"/{domain['name']}")
    assert "is disabled/locked" in locked.value.text
    assert cs.listUsers(id=account["user"][0]["id"])["user"][0]["state"] == "disabled"

    reset = cs.resetConfiguration(name="incorrect.login.attempts.allowed")["configuration"]
    assert reset["value"] == "5" and "scope" not in reset
    edits = cs.listEvents(type="CONFIGURATION.VALUE.EDIT")["event"]
    assert len(edits) == 2 and all("incorrect.login.attempts.allowed" in e["description"] for e in edits)

    # A setting read only at start may be changed; listConfigurations says a restart applies it.
    port = cs.updateConfiguration(name="integration.api.port", value="0")["configuration"]
    assert port["isdynamic"] is False and port["value"] == "0"


def test_lower_page_size_caps_list_pages(private_server: RunningServer) -> None:
    cs = _admin_cs_of(private_server)
    for _ in range(3):
        cs.createDomain(name=_name("d"))
    assert cs.updateConfiguration(name="default.page.size", value="2")["configuration"]["value"] == "2"
    code, text = _error(cs.listDomains, listall=True, page=1, pagesize=3)
    assert (code, text) == (431, "Page size can't exceed max allowed page size value: 2")
    capped = cs.listDomains(listall=True)
    assert capped["count"] == 4 and len(capped["domain"]) == 2
    cs.resetConfiguration(name="default.page.size")
    assert len(cs.listDomains(listall=True, page=1, pagesize=3)["domain"]) == 3


def test_samesite_setting_shapes_the_sessionkey_cookie(private_server: RunningServer) -> None:
    cs = _admin_cs_of(private_server)

    def sessionkey_cookie() -> str:
        reply = httpx.post(private_server.url, data={"command": "login", "username": "admin", "password": "password"})
        return next(c for c in reply.headers.get_list("set-cookie") if c.startswith("sessionkey="))

    assert "SameSite=Lax" in sessionkey_cookie()
    cs.updateConfiguration(name="api.sessionkey.cookie.samesite", value="NoneAndSecure")
    assert "SameSite=None; Secure" in sessionkey_cookie()


def test_create_account_records_events_each_owner_sees(server: RunningServer, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    account = _new_account(admin_cs, domain["id"])
    other = _new_account(admin_cs, domain["id"])
    user_id = account["user"][0]["id"]

    made = admin_cs.listEvents(type="DOMAIN.CREATE", resourcetype="Domain", resourceid=domain["id"])["event"]
    assert len(made) == 1
    assert made[0]["account"] == "admin" and made[0]["username"] == "admin" and made[0]["domainpath"] == "ROOT"
    assert (made[0]["resourcename"], made[0]["level"], made[0]["state"]) == (domain["name"], "INFO", "Completed")

    # The new account's events belong to it: the admin sees them only when it asks for more than its own.
    query = {"type": "ACCOUNT.CREATE", "resourcetype": "Account", "resourceid": account["id"]}
    assert admin_cs.listEvents(**query) == {}
    created = admin_cs.listEvents(listall=True, **query)["event"]
    assert len(created) == 1 and created[0]["account"] == account["name"]
    assert created[0]["domainid"] == domain["id"] and created[0]["domainpath"] == f"ROOT/{domain['name']}"
    added = admin_cs.listEvents(listall=True, type="USER.CREATE", resourcetype="User", resourceid=user_id)["event"]
    assert [e["resourcename"] for e in added] == [account["user"][0]["username"]]

    user_cs = _user_cs(server, admin_cs, account)
    own = user_cs.listEvents()["event"]
    assert {"ACCOUNT.CREATE", "USER.CREATE", "REGISTER.USER.KEY"} <= {e["type"] for e in own}
    assert {e["account"] for e in own} == {account["name"]}
    assert {e["account"] for e in user_cs.listEvents(listall=True)["event"]} == {account["name"]}
    stamps = [e["created"] for e in own]
    assert stamps == sorted(stamps, reverse=True)
    code, _ = _error(user_cs.listEvents, resourcetype="Account", resourceid=other["id"])
    assert code == 531
    names = {t["name"] for t in user_cs.listEventTypes()["eventtype"]}
    assert {"ACCOUNT.CREATE", "USER.CREATE", "DOMAIN.CREATE", "CONFIGURATION.VALUE.EDIT"} <= names


def test_list_events_filters_and_errors(admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    assert admin_cs.listEvents(archived=True) == {}
    assert admin_cs.listEvents(type="DOMAIN.CREATE", keyword=domain["name"])["count"] == 1
    assert admin_cs.listEvents(type="DOMAIN.CREATE", startdate="2000-01-01", enddate="2000-12-31") == {}
    assert _error(admin_cs.listEvents, resourceid=domain["id"]) == (
        431,
        "resourceid parameter must be used with resourcetype parameter",
    )
    assert _error(admin_cs.listEvents, resourcetype="domain") == (431, "Invalid resourcetype")
    assert _error(admin_cs.listEvents, resourcetype="Domain", resourceid="not-an-id") == (431, "Invalid resourceid")
    assert _error(admin_cs.listEvents, resourcetype="VirtualMachine", resourceid=str(uuid.uuid4())) == (
        431,
        "Invalid resourceid",
    )
    assert _error(admin_cs.listEvents, state="Done") == (431, "Invalid state specified: Done")
