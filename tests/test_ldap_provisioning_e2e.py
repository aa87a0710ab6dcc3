"""LDAP provisioning through the API against real OpenLDAP servers: directory users listed, searched and
imported; domains and accounts linked to groups and OUs; and the logins of linked domains, which create,
move, disable and enable users as the directory says."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.clients import ApiFailure, SessionClient
from tests.support.ldap import (
    AD_BASE_DN,
    AD_GROUP,
    BASE_DN,
    CLOUD_GROUP,
    ENGINEERING_OU,
    OPS_GROUP,
    PEOPLE_OU,
    READER_DN,
    READER_PASSWORD,
    SlapdServer,
)
from tests.support.server import RunningServer

ALICE_DN = f"uid=alice,{PEOPLE_OU}"
ALICE = {
    "username": "alice",
    "firstname": "Alice",
    "lastname": "Adams",
    "email": "alice@example.org",
    "principal": ALICE_DN,
    "domain": "people",
}


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _error(call: Any, **params: Any) -> tuple[int, str]:
    with pytest.raises(CloudStackApiException) as failure:
        call(**params)
    return failure.value.error["errorcode"], failure.value.error["errortext"]


def _admin_cs_of(server: RunningServer) -> CloudStack:
    client = SessionClient(server.url, "admin", "password")
    try:
        keys = client("registerUserKeys", id=client.login["userid"])["userkeys"]
    finally:
        client.close()
    return CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.2)


def _configure(cs: CloudStack, domain_id: str | None = None, **values: str) -> None:
    values = {"ldap.basedn": BASE_DN, "ldap.bind.principal": READER_DN, "ldap.bind.password": READER_PASSWORD} | values
    scope = {"domainid": domain_id} if domain_id else {}
    for name, value in values.items():
        cs.updateConfiguration(name=name, value=value, **scope)


def _ldap_domain(cs: CloudStack, port: int, **values: str) -> dict[str, Any]:
    """A new domain with its own LDAP settings and one server."""
    domain = cs.createDomain(name=_name("ldap"))["domain"]
    _configure(cs, domain["id"], **values)
    cs.addLdapConfiguration(hostname="127.0.0.1", port=port, domainid=domain["id"])
    return dict(domain)


def _login(server: RunningServer, username: str, password: str, domain: dict[str, Any] | None) -> SessionClient:
    return SessionClient(server.url, username, password, domain=f"/{domain['name']}" if domain else "/")


def _login_refused(server: RunningServer, username: str, password: str, domain: dict[str, Any]) -> str:
    with pytest.raises(ApiFailure) as refused:
        _login(server, username, password, domain)
    assert refused.value.status == 531, refused.value.body
    return refused.value.text


def _bad_credentials(text: str, username: str) -> bool:
    return text.startswith(f"Failed to authenticate user {username} in domain ") and text.endswith(
        "; please provide valid credentials"
    )


def _user(cs: CloudStack, domain: dict[str, Any], username: str) -> dict[str, Any]:
    [user] = cs.listUsers(domainid=domain["id"], username=username)["user"]
    return dict(user)


def _usernames(answer: dict[str, Any]) -> list[str]:
    return [u["username"] for u in answer.get("LdapUser", [])]


def _membership(slapd: SlapdServer, change: str, group: str, member: str = ALICE_DN) -> None:
    """Add (`add`) or remove (`delete`) a member of a group in the directory itself."""
    slapd.modify(f"dn: {group}\nchangetype: modify\n{change}: uniqueMember\nuniqueMember: {member}\n")


def test_first_login_in_a_domain_linked_to_a_group_creates_the_users_account(
    server: RunningServer, admin: SessionClient, admin_cs: CloudStack, slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, slapd.port)
    reply = admin.raw("linkDomainToLdap", domainid=domain["id"], type="group", ldapdomain=CLOUD_GROUP, accounttype=0)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "linkdomaintoldapresponse": {
            "LinkDomainToLdap": {
                "domainid": domain["id"],
                "name": CLOUD_GROUP,
                "ldapdomain": CLOUD_GROUP,
                "type": "GROUP",
                "accounttype": 0,
            }
        }
    }
    assert admin_cs.listAccounts(domainid=domain["id"]) == {}

    session = _login(server, "alice", "alice-pw", domain)
    [account] = session("listAccounts")["account"]
    assert (account["name"], account["accounttype"], account["roletype"]) == ("alice", 0, "User")
    [user] = account["user"]
    assert (user["username"], user["usersource"], user["email"]) == ("alice", "ldap", "alice@example.org")
    session.close()
    # The second login finds the user made by the first.
    _login(server, "alice", "alice-pw", domain).close()
    assert [a["name"] for a in admin_cs.listAccounts(domainid=domain["id"])["account"]] == ["alice"]

    # bob is in the directory but not in the group; erin is in the group but gives a wrong password.
    assert _bad_credentials(_login_refused(server, "bob", "bob-pw", domain), "bob")
    assert _bad_credentials(_login_refused(server, "erin", "wrong-pw", domain), "erin")
    assert [a["name"] for a in admin_cs.listAccounts(domainid=domain["id"])["account"]] == ["alice"]
    _login(server, "erin", "erin-pw", domain).close()
    assert _user(admin_cs, domain, "erin")["account"] == "erin"


def test_a_domain_linked_to_an_ou_imports_its_users_with_the_links_account_type(
    server: RunningServer, admin_cs: CloudStack, slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, slapd.port)
    # `name` is the deprecated spelling of `ldapdomain`.
    linked = admin_cs.linkDomainToLdap(domainid=domain["id"], type="OU", name=ENGINEERING_OU, accounttype=2)
    assert linked["LinkDomainToLdap"]["ldapdomain"] == ENGINEERING_OU
    session = _login(server, "erin", "erin-pw", domain)
    [account] = admin_cs.listAccounts(domainid=domain["id"])["account"]
    assert (account["name"], account["accounttype"], account["roletype"]) == ("erin", 2, "DomainAdmin")
    # A domain admin made this way administers the linked domain.
    assert session("listDomains", id=domain["id"])["domain"][0]["id"] == domain["id"]
    session.close()
    # alice lives in another OU.
    assert _bad_credentials(_login_refused(server, "alice", "alice-pw", domain), "alice")


def test_link_refusals_and_unlinking(admin: SessionClient, admin_cs: CloudStack, slapd: SlapdServer) -> None:
    bare = admin_cs.createDomain(name=_name("ldap"))["domain"]
    code, text = _error(
        admin_cs.linkDomainToLdap, domainid=bare["id"], type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0
    )
    assert code == 431 and text.startswith("can not link a domain (with id = ")
    assert text.endswith(" unless a basedn (null) is configured for it.")

    domain = _ldap_domain(admin_cs, slapd.port)
    link = admin_cs.linkDomainToLdap
    assert _error(link, domainid=domain["id"], type="POSIX", ldapdomain=CLOUD_GROUP, accounttype=0) == (
        431,
        "No enum constant org.apache.cloudstack.ldap.LdapManager.LinkType.POSIX",
    )
    assert _error(link, domainid=domain["id"], type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=1) == (
        431,
        "accountype should be either 0(normal user) or 2(domain admin)",
    )
    assert _error(link, domainid=domain["id"], type="GROUP", accounttype=0) == (
        431,
        "ldapDomain cannot be empty, please supply a GROUP or OU name",
    )
    link_account = admin_cs.linkAccountToLdap
    assert _error(link_account, domainid=domain["id"], account="team", ldapdomain=CLOUD_GROUP, accounttype=0) == (
        431,
        "type cannot be null. It should either be GROUP or OU",
    )
    assert _error(link_account, domainid=domain["id"], account="team", type="GROUP", ldapdomain=CLOUD_GROUP) == (
        431,
        "Either account type or role ID must be given",
    )

    # `admin` makes that directory user of the group a domain admin at once; one outside the group is skipped.
    linked = link(domainid=domain["id"], type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0, admin="alice")
    [alice] = admin_cs.listAccounts(domainid=domain["id"], name="alice")["account"]
    assert linked["LinkDomainToLdap"]["accountid"] == alice["id"] and alice["accounttype"] == 2
    relinked = link(domainid=domain["id"], type="GROUP", ldapdomain=OPS_GROUP, accounttype=0, admin="alice")
    assert "accountid" not in relinked["LinkDomainToLdap"] and relinked["LinkDomainToLdap"]["ldapdomain"] == OPS_GROUP

    # A domain is linked as a whole or account by account, not both.
    code, text = _error(
        link_account, domainid=domain["id"], account="team", type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0
    )
    assert code == 530 and "for autoimport" in text
    assert admin_cs.listAccounts(domainid=domain["id"], name="team") == {}

    unlinked = admin.raw("unlinkDomainFromLdap", domainid=domain["id"]).json()["unlinkdomainfromldapresponse"]
    assert unlinked == {"success": True, "displaytext": "Domain unlinked from LDAP successfully"}
    again = admin.raw("unlinkDomainFromLdap", domainid=domain["id"]).json()["unlinkdomainfromldapresponse"]
    assert again == {"success": False, "displaytext": "Failed to unlink domain from LDAP"}

    team = link_account(domainid=domain["id"], account="team", type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0)
    code, text = _error(link, domainid=domain["id"], type="GROUP", ldapdomain=OPS_GROUP, accounttype=0)
    assert code == 530 and "linked to ldap groups" in text
    # Removing the linked account removes its link, and the domain can be linked as a whole again.
    admin_cs.deleteAccount(id=team["linkAccountToLdap"]["accountid"], fetch_result=True)
    assert link(domainid=domain["id"], type="GROUP", ldapdomain=OPS_GROUP, accounttype=0)["LinkDomainToLdap"]


def test_a_user_removed_from_the_linked_group_can_no_longer_log_in_and_is_disabled(
    server: RunningServer, admin_cs: CloudStack, private_slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, private_slapd.port)
    admin_cs.linkDomainToLdap(domainid=domain["id"], type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0)
    session = _login(server, "alice", "alice-pw", domain)
    assert session.raw("listAccounts").status_code == 200

    _membership(private_slapd, "delete", CLOUD_GROUP)
    assert _bad_credentials(_login_refused(server, "alice", "alice-pw", domain), "alice")
    assert _user(admin_cs, domain, "alice")["state"] == "disabled"
    # Disabling ended the session she had.
    assert session.raw("listAccounts").status_code == 401
    session.close()

    # Back in the group, her next login enables her again (automatic import does).
    _membership(private_slapd, "add", CLOUD_GROUP)
    _login(server, "alice", "alice-pw", domain).close()
    assert _user(admin_cs, domain, "alice")["state"] == "enabled"


def test_linked_accounts_follow_the_users_group(
    server: RunningServer, admin: SessionClient, admin_cs: CloudStack, private_slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, private_slapd.port)
    reply = admin.raw(
        "linkAccountToLdap",
        domainid=domain["id"],
        account="cloud-team",
        type="GROUP",
        ldapdomain=CLOUD_GROUP,
        accounttype=0,
    )
    [team] = admin_cs.listAccounts(domainid=domain["id"], name="cloud-team")["account"]
    assert reply.json() == {
        "linkaccounttoldapresponse": {
            "linkAccountToLdap": {
                "domainid": domain["id"],
                "ldapdomain": CLOUD_GROUP,
                "type": "GROUP",
                "accounttype": 0,
                "accountid": team["id"],
                "account": "cloud-team",
            }
        }
    }
    admin_cs.linkAccountToLdap(
        domainid=domain["id"], account="ops-team", type="GROUP", ldapdomain=OPS_GROUP, accounttype=0
    )
    # One group feeds one account.
    code, text = _error(
        admin_cs.linkAccountToLdap,
        domainid=domain["id"],
        account="other",
        type="GROUP",
        ldapdomain=CLOUD_GROUP,
        accounttype=0,
    )
    assert code == 530 and text.startswith(f"group {CLOUD_GROUP} is mapped to account ")
    assert admin_cs.listAccounts(domainid=domain["id"], name="other") == {}

    _login(server, "alice", "alice-pw", domain).close()
    _login(server, "bob", "bob-pw", domain).close()
    assert _user(admin_cs, domain, "alice")["account"] == "cloud-team"
    assert _user(admin_cs, domain, "bob")["account"] == "ops-team"

    # Moved to the other group in the directory, alice moves to its account at her next login.
    _membership(private_slapd, "delete", CLOUD_GROUP)
    _membership(private_slapd, "add", OPS_GROUP)
    session = _login(server, "alice", "alice-pw", domain)
    assert [a["name"] for a in session("listAccounts")["account"]] == ["ops-team"]
    session.close()
    assert _user(admin_cs, domain, "alice")["account"] == "ops-team"

    # In two linked groups she is refused and disabled; back in one, she stays disabled until an admin acts.
    _membership(private_slapd, "add", CLOUD_GROUP)
    assert _bad_credentials(_login_refused(server, "alice", "alice-pw", domain), "alice")
    alice = _user(admin_cs, domain, "alice")
    assert alice["state"] == "disabled"
    _membership(private_slapd, "delete", CLOUD_GROUP)
    assert "is disabled/locked" in _login_refused(server, "alice", "alice-pw", domain)
    admin_cs.enableUser(id=alice["id"])
    _login(server, "alice", "alice-pw", domain).close()

    # In no linked group: refused and disabled.
    _membership(private_slapd, "delete", OPS_GROUP)
    assert _bad_credentials(_login_refused(server, "alice", "alice-pw", domain), "alice")
    assert _user(admin_cs, domain, "alice")["state"] == "disabled"


def test_an_entry_disabled_in_active_directory_disables_the_linked_user(
    server: RunningServer, admin_cs: CloudStack, private_slapd: SlapdServer
) -> None:
    ad = {"ldap.provider": "microsoftad", "ldap.basedn": AD_BASE_DN, "ldap.nested.groups.enable": "false"}
    domain = _ldap_domain(admin_cs, private_slapd.port, **ad)
    admin_cs.linkDomainToLdap(domainid=domain["id"], type="GROUP", ldapdomain=AD_GROUP, accounttype=0)
    _login(server, "carol", "carol-pw", domain).close()
    assert _user(admin_cs, domain, "carol")["usersource"] == "ldap"
    private_slapd.modify(
        f"dn: cn=carol,{AD_BASE_DN}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n"
    )
    assert _bad_credentials(_login_refused(server, "carol", "carol-pw", domain), "carol")
    assert _user(admin_cs, domain, "carol")["state"] == "disabled"


def test_an_unreachable_directory_refuses_logins_cleanly_and_disables_linked_users(
    server: RunningServer, admin_cs: CloudStack, private_slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, private_slapd.port)
    admin_cs.linkDomainToLdap(domainid=domain["id"], type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0)
    _login(server, "alice", "alice-pw", domain).close()

    private_slapd.stop()
    assert _bad_credentials(_login_refused(server, "alice", "alice-pw", domain), "alice")
    assert _bad_credentials(_login_refused(server, "erin", "erin-pw", domain), "erin")
    # As in CloudStack, a linked domain's user is disabled when the directory cannot vouch for it.
    assert _user(admin_cs, domain, "alice")["state"] == "disabled"
    assert [a["name"] for a in admin_cs.listAccounts(domainid=domain["id"])["account"]] == ["alice"]

    private_slapd.start()
    _login(server, "alice", "alice-pw", domain).close()
    assert _user(admin_cs, domain, "alice")["state"] == "enabled"


def test_import_users_of_a_domain_and_of_a_group(
    admin: SessionClient, admin_cs: CloudStack, slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, slapd.port)
    assert _error(admin_cs.importLdapUsers, domainid=domain["id"]) == (
        431,
        "Both account type and role ID are not provided",
    )
    # alice exists already (a native user): the import refreshes her names and e-mail address.
    admin_cs.createAccount(
        username="alice",
        password="Pw-12345",
        email="old@example.org",
        firstname="Old",
        lastname="Name",
        accounttype=0,
        domainid=domain["id"],
    )
    reply = admin.raw("importLdapUsers", domainid=domain["id"], accounttype=0, timezone="Europe/Berlin")
    bob = {"username": "bob", "firstname": "Bob", "lastname": "Brown", "principal": f"uid=bob,{PEOPLE_OU}"}
    erin = {
        "username": "erin",
        "firstname": "Erin",
        "lastname": "Evans",
        "email": "erin@example.org",
        "principal": f"uid=erin,{ENGINEERING_OU}",
        "domain": "engineering",
    }
    assert reply.json() == {"ldapuserresponse": {"count": 3, "LdapUser": [ALICE, bob | {"domain": "people"}, erin]}}
    users = {u["username"]: u for u in admin_cs.listUsers(domainid=domain["id"])["user"]}
    assert sorted(users) == ["alice", "bob", "erin"]
    assert (users["alice"]["firstname"], users["alice"]["email"], users["alice"]["usersource"]) == (
        "Alice",
        "alice@example.org",
        "native",
    )
    assert (users["bob"]["usersource"], users["bob"]["account"], users["bob"]["timezone"]) == (
        "ldap",
        "bob",
        "Europe/Berlin",
    )
    assert "email" not in users["bob"]

    # A group's members, all in one named account.
    team_domain = _ldap_domain(admin_cs, slapd.port)
    imported = admin_cs.importLdapUsers(domainid=team_domain["id"], group="cloud", account="cloud-users", accounttype=0)
    assert _usernames(imported) == ["alice", "erin"]
    [account] = admin_cs.listAccounts(domainid=team_domain["id"])["account"]
    assert account["name"] == "cloud-users" and sorted(u["username"] for u in account["user"]) == ["alice", "erin"]
    assert admin_cs.importLdapUsers(domainid=team_domain["id"], group="nosuchgroup", accounttype=0) == {}


def test_global_directory_search_and_import_into_domains_named_after_ous_and_groups(
    private_server: RunningServer, slapd: SlapdServer
) -> None:
    cs = _admin_cs_of(private_server)
    _configure(cs)
    cs.addLdapConfiguration(hostname="127.0.0.1", port=slapd.port)

    assert _usernames(cs.searchLdap(query="e")) == ["alice", "erin"]
    found = cs.searchLdap(query="lic")
    assert found == {"count": 1, "LdapUser": [ALICE]}
    # The query is taken literally: filter syntax in it matches nothing.
    for query in ("*", ")(uid=*", "al*"):
        assert cs.searchLdap(query=query) == {}

    imported = cs.importLdapUsers(accounttype=0)
    assert _usernames(imported) == ["alice", "bob", "erin"]
    domains = {d["name"]: d for d in cs.listDomains(listall=True)["domain"]}
    assert domains["people"]["parentdomainname"] == "ROOT" and domains["people"]["networkdomain"] == "people"
    people = cs.listAccounts(domainid=domains["people"]["id"])["account"]
    assert sorted(a["name"] for a in people) == ["alice", "bob"]
    assert [a["name"] for a in cs.listAccounts(domainid=domains["engineering"]["id"])["account"]] == ["erin"]

    assert _usernames(cs.importLdapUsers(group="cloud", roleid=cs.listRoles(name="User")["role"][0]["id"])) == [
        "alice",
        "erin",
    ]
    cloud = next(d for d in cs.listDomains(listall=True)["domain"] if d["name"] == "cloud")
    assert sorted(a["name"] for a in cs.listAccounts(domainid=cloud["id"])["account"]) == ["alice", "erin"]


def test_list_ldap_users_with_each_filter(private_server: RunningServer, slapd: SlapdServer) -> None:
    cs = _admin_cs_of(private_server)
    domain = _ldap_domain(cs, slapd.port)
    other = _ldap_domain(cs, slapd.port)
    cs.ldapCreateAccount(username="alice", accounttype=0, domainid=domain["id"])
    cs.createAccount(
        username="bob",
        password="Pw-12345",
        email="bob@example.org",
        firstname="Bob",
        lastname="Brown",
        accounttype=0,
        domainid=domain["id"],
    )
    cs.ldapCreateAccount(username="erin", accounttype=0, domainid=other["id"])

    def listed(where: dict[str, Any], **params: Any) -> dict[str, str]:
        answer = cs.listLdapUsers(domainid=where["id"], **params)
        return {u["username"]: u["conflictingusersource"] for u in answer.get("LdapUser", [])}

    everyone = {"alice": "ldap", "bob": "native", "erin": ""}
    assert listed(domain) == everyone
    assert listed(domain, userfilter="NoFilter") == everyone == listed(domain, listtype="all")
    assert listed(domain, userfilter="LocalDomain") == {"bob": "native", "erin": ""}
    assert listed(domain, userfilter="potentialimport") == {"bob": "native", "erin": ""}
    assert listed(domain, userfilter="AnyDomain") == {"bob": "native"} == listed(domain, listtype="new")
    # LocalDomain compares with the listed domain's users only.
    assert listed(other, userfilter="LocalDomain") == {"alice": "", "bob": ""}
    assert _error(cs.listLdapUsers, domainid=domain["id"], userfilter="Everyone") == (
        431,
        "Everyone is not a legal 'UserFilter' value",
    )
    first = cs.listLdapUsers(domainid=domain["id"], page=1, pagesize=2)
    assert first["count"] == 3 and first["LdapUser"] == [
        ALICE | {"conflictingusersource": "ldap"},
        first["LdapUser"][1],
    ]
    assert _usernames(cs.listLdapUsers(domainid=domain["id"], page=2, pagesize=2)) == ["erin"]

    # A linked domain lists the group's members; PotentialImport shows who its logins would still import.
    linked = _ldap_domain(cs, slapd.port)
    cs.linkDomainToLdap(domainid=linked["id"], type="GROUP", ldapdomain=CLOUD_GROUP, accounttype=0)
    assert listed(linked, userfilter="PotentialImport") == {"alice": "", "erin": ""}
    _login(private_server, "alice", "alice-pw", linked).close()
    assert listed(linked, userfilter="PotentialImport") == {"erin": ""}
    assert listed(linked) == {"alice": "ldap", "erin": ""}
