"""LDAP through the API against real OpenLDAP servers: configurations, ldapCreateAccount, logins, fail-over,
Active Directory attribute names, LDAPS and StartTLS."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.clients import ApiFailure, SessionClient
from tests.support.ldap import AD_BASE_DN, AD_GROUP, BASE_DN, READER_DN, READER_PASSWORD, SlapdServer, TlsFiles
from tests.support.server import RunningServer, free_port

JAVA_INVALID_VALUE = "com.cloud.exception.InvalidParameterValueException: "
BIND_FAILED = JAVA_INVALID_VALUE + "Unable to bind to the given LDAP server"
BAD_TRUSTSTORE = JAVA_INVALID_VALUE + "Invalid truststore or truststore password"


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
    """Set ldap.* settings for a domain (or globally); the bind principal and base DN unless overridden."""
    values = {"ldap.basedn": BASE_DN, "ldap.bind.principal": READER_DN, "ldap.bind.password": READER_PASSWORD} | values
    scope = {"domainid": domain_id} if domain_id else {}
    for name, value in values.items():
        cs.updateConfiguration(name=name, value=value, **scope)


def _ldap_domain(cs: CloudStack, *ports: int, host: str = "127.0.0.1", **values: str) -> dict[str, Any]:
    """A new domain with its own LDAP settings and servers."""
    domain = cs.createDomain(name=_name("ldap"))["domain"]
    _configure(cs, domain["id"], **values)
    for port in ports:
        cs.addLdapConfiguration(hostname=host, port=port, domainid=domain["id"])
    return dict(domain)


def _login(server: RunningServer, username: str, password: str, domain: dict[str, Any] | None) -> SessionClient:
    return SessionClient(server.url, username, password, domain=f"/{domain['name']}" if domain else "/")


def _login_refused(server: RunningServer, username: str, password: str, domain: dict[str, Any] | None) -> str:
    with pytest.raises(ApiFailure) as refused:
        _login(server, username, password, domain)
    assert refused.value.status == 531, refused.value.body
    return refused.value.text


def _assert_bad_credentials(text: str, username: str) -> None:
    assert text.startswith(f"Failed to authenticate user {username} in domain ")
    assert text.endswith("; please provide valid credentials")


def test_configurations_are_added_listed_and_deleted_as_cloudstack_answers(
    admin: SessionClient, admin_cs: CloudStack, slapd: SlapdServer
) -> None:
    domain = admin_cs.createDomain(name=_name("ldap"))["domain"]
    _configure(admin_cs, domain["id"])
    added = admin.raw("addLdapConfiguration", hostname="127.0.0.1", port=slapd.port, domainid=domain["id"])
    assert added.status_code == 200
    entry = added.json()["ldapconfigurationresponse"]["LdapAddConfiguration"]
    assert entry["hostname"] == "127.0.0.1" and entry["port"] == slapd.port and entry["domainid"] == domain["id"]

    assert _error(admin_cs.addLdapConfiguration, hostname="127.0.0.1", port=slapd.port, domainid=domain["id"]) == (
        530,
        JAVA_INVALID_VALUE + "Duplicate configuration",
    )
    listed = admin.raw("listLdapConfigurations", domainid=domain["id"]).json()["ldapconfigurationresponse"]
    assert listed == {"count": 1, "LdapConfiguration": [entry]}
    assert [c["id"] for c in admin_cs.listLdapConfigurations(id=entry["id"])["LdapConfiguration"]] == [entry["id"]]
    # Without domainid only global servers are listed; listall adds every domain's.
    assert entry["id"] not in [c["id"] for c in admin_cs.listLdapConfigurations().get("LdapConfiguration", [])]
    assert entry["id"] in [c["id"] for c in admin_cs.listLdapConfigurations(listall=True)["LdapConfiguration"]]

    assert _error(admin_cs.deleteLdapConfiguration, domainid=domain["id"]) == (
        530,
        JAVA_INVALID_VALUE + "Either id or hostname must be specified",
    )
    assert _error(admin_cs.deleteLdapConfiguration, hostname="nohost", domainid=domain["id"]) == (
        530,
        JAVA_INVALID_VALUE + "Cannot find configuration with hostname nohost",
    )
    deleted = admin.raw("deleteLdapConfiguration", hostname="127.0.0.1", port=slapd.port, domainid=domain["id"])
    assert deleted.json()["ldapconfigurationresponse"]["LdapDeleteConfiguration"] == entry
    assert admin.raw("listLdapConfigurations", domainid=domain["id"]).json() == {"ldapconfigurationresponse": {}}


def test_a_server_is_saved_only_after_a_bind_as_the_principal_works(admin_cs: CloudStack, slapd: SlapdServer) -> None:
    wrong_password = admin_cs.createDomain(name=_name("ldap"))["domain"]
    _configure(admin_cs, wrong_password["id"], **{"ldap.bind.password": "not-the-password"})
    assert _error(
        admin_cs.addLdapConfiguration, hostname="127.0.0.1", port=slapd.port, domainid=wrong_password["id"]
    ) == (
        530,
        BIND_FAILED,
    )
    nobody_listens = admin_cs.createDomain(name=_name("ldap"))["domain"]
    _configure(admin_cs, nobody_listens["id"])
    closed_port = free_port()
    for port in (70000, 0):  # out of range; 0 means 389, where nothing listens here
        assert _error(
            admin_cs.addLdapConfiguration, hostname="127.0.0.1", port=port, domainid=nobody_listens["id"]
        ) == (
            530,
            BIND_FAILED,
        )
    assert _error(
        admin_cs.addLdapConfiguration, hostname="127.0.0.1", port=closed_port, domainid=nobody_listens["id"]
    ) == (
        530,
        BIND_FAILED,
    )
    for domain in (wrong_password, nobody_listens):
        assert admin_cs.listLdapConfigurations(domainid=domain["id"]) == {}


def test_ldap_settings_have_cloudstack_names_defaults_and_domain_scope(admin_cs: CloudStack) -> None:
    found = {c["name"]: c for c in admin_cs.listConfigurations(keyword="ldap.")["configuration"]}
    defaults = {name: found[name].get("defaultvalue") for name in found}
    assert defaults["ldap.username.attribute"] == "uid" and defaults["ldap.user.object"] == "inetOrgPerson"
    assert defaults["ldap.email.attribute"] == "mail" and defaults["ldap.firstname.attribute"] == "givenname"
    assert defaults["ldap.group.object"] == "groupOfUniqueNames" and defaults["ldap.provider"] == "openldap"
    assert defaults["ldap.read.timeout"] == "1000" and defaults["ldap.nested.groups.enable"] == "true"
    assert found["ldap.bind.password"]["category"] == "Secure" and found["ldap.basedn"].get("defaultvalue") is None
    domain = admin_cs.createDomain(name=_name("ldap"))["domain"]
    _configure(admin_cs, domain["id"])
    scoped = admin_cs.listConfigurations(name="ldap.bind.password", domainid=domain["id"])["configuration"][0]
    assert scoped["scope"] == "domain" and scoped["value"] == "*****"
    assert (
        admin_cs.listConfigurations(name="ldap.basedn", domainid=domain["id"])["configuration"][0]["value"] == BASE_DN
    )


def test_ldap_user_is_created_from_the_directory_and_logs_in_with_its_password(
    server: RunningServer, admin: SessionClient, admin_cs: CloudStack, slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, slapd.port)
    reply = admin.raw("ldapCreateAccount", username="alice", accounttype=0, domainid=domain["id"])
    account = reply.json()["createaccountresponse"]["account"]
    user = account["user"][0]
    assert (account["name"], account["domainid"], user["usersource"]) == ("alice", domain["id"], "ldap")
    assert (user["email"], user["firstname"], user["lastname"]) == ("alice@example.org", "Alice", "Adams")

    session = _login(server, "alice", "alice-pw", domain)
    assert session.login["username"] == "alice"
    assert [a["name"] for a in session("listAccounts")["account"]] == ["alice"]
    session.close()
    _assert_bad_credentials(_login_refused(server, "alice", "wrong-pw", domain), "alice")
    # The user's random CloudStack password is never a way in: only the directory decides.
    _assert_bad_credentials(_login_refused(server, "alice", "", domain), "alice")

    # Entries anywhere under the base DN are found, and a named existing account gets the new user.
    erin = admin_cs.ldapCreateAccount(username="erin", account="alice", accounttype=0, domainid=domain["id"])
    assert sorted(u["username"] for u in erin["account"]["user"]) == ["alice", "erin"]
    _login(server, "erin", "erin-pw", domain).close()


def test_ldap_create_account_refusals(admin_cs: CloudStack, slapd: SlapdServer) -> None:
    domain = _ldap_domain(admin_cs, slapd.port)
    create = admin_cs.ldapCreateAccount
    assert _error(create, username="alice", domainid=domain["id"]) == (
        431,
        "Both account type and role ID are not provided",
    )
    assert _error(create, username="bob", accounttype=0, domainid=domain["id"]) == (
        534,
        "bob has no email address set within LDAP",
    )
    assert _error(create, username="nobody", accounttype=0, domainid=domain["id"]) == (
        534,
        "No LDAP user exists with the username of nobody",
    )
    # Filter syntax in a name matches nothing: unescaped, `al*` would find alice and `*)(uid=*` everyone.
    for name in ("*)(uid=*", "al*", "alice)(uid=alice"):
        assert _error(create, username=name, accounttype=0, domainid=domain["id"]) == (
            534,
            f"No LDAP user exists with the username of {name}",
        )
    assert admin_cs.listAccounts(domainid=domain["id"]) == {}


def test_injection_username_cannot_log_in(server: RunningServer, admin_cs: CloudStack, slapd: SlapdServer) -> None:
    domain = _ldap_domain(admin_cs, slapd.port)
    admin_cs.ldapCreateAccount(username="alice", accounttype=0, domainid=domain["id"])
    for name in ("*)(uid=*", "*"):
        _assert_bad_credentials(_login_refused(server, name, "alice-pw", domain), name)
    _login(server, "alice", "alice-pw", domain).close()


def test_global_servers_serve_domains_without_their_own_and_failures_count_toward_lockout(
    private_server: RunningServer, slapd: SlapdServer
) -> None:
    cs = _admin_cs_of(private_server)
    _configure(cs)
    cs.addLdapConfiguration(hostname="127.0.0.1", port=slapd.port)
    cs.updateConfiguration(name="incorrect.login.attempts.allowed", value="2")
    # No domainid: the account goes to ROOT, and the global servers are asked.
    user = cs.ldapCreateAccount(username="alice", accounttype=0)["account"]["user"][0]
    _login(private_server, "alice", "alice-pw", None).close()
    for _ in range(2):
        _assert_bad_credentials(_login_refused(private_server, "alice", "wrong-pw", None), "alice")
    assert "is disabled/locked" in _login_refused(private_server, "alice", "alice-pw", None)
    assert cs.listUsers(id=user["id"])["user"][0]["state"] == "disabled"


def test_logins_fail_over_to_the_next_server_and_fail_cleanly_when_none_answers(
    private_server: RunningServer, slapd_pair: tuple[SlapdServer, SlapdServer]
) -> None:
    first, second = slapd_pair
    cs = _admin_cs_of(private_server)
    cs.updateConfiguration(name="incorrect.login.attempts.allowed", value="3")
    domain = _ldap_domain(cs, first.port, second.port)
    user = cs.ldapCreateAccount(username="alice", accounttype=0, domainid=domain["id"])["account"]["user"][0]
    _login(private_server, "alice", "alice-pw", domain).close()

    first.stop()
    session = _login(private_server, "alice", "alice-pw", domain)
    assert session("listAccounts")["account"][0]["name"] == "alice"
    session.close()
    _assert_bad_credentials(_login_refused(private_server, "alice", "wrong-pw", domain), "alice")

    second.stop()
    for _ in range(2):
        _assert_bad_credentials(_login_refused(private_server, "alice", "alice-pw", domain), "alice")
    # Three failures in a row (one wrong password, two with no server up) disable the user.
    assert cs.listUsers(id=user["id"])["user"][0]["state"] == "disabled"
    assert _error(cs.ldapCreateAccount, username="erin", accounttype=0, domainid=domain["id"]) == (
        534,
        "No LDAP user exists with the username of erin",
    )


def test_microsoft_ad_provider_uses_ad_attribute_names(
    server: RunningServer, admin_cs: CloudStack, slapd: SlapdServer
) -> None:
    domain = _ldap_domain(admin_cs, slapd.port, **{"ldap.provider": "microsoftad", "ldap.basedn": AD_BASE_DN})
    carol = admin_cs.ldapCreateAccount(username="carol", accounttype=0, domainid=domain["id"])["account"]["user"][0]
    assert (carol["email"], carol["firstname"], carol["lastname"]) == ("carol@example.org", "Carol", "Clark")
    _login(server, "carol", "carol-pw", domain).close()
    # userAccountControl 514 has the ACCOUNTDISABLE bit: such an entry is not offered.
    assert _error(admin_cs.ldapCreateAccount, username="dave", accounttype=0, domainid=domain["id"]) == (
        534,
        "No LDAP user exists with the username of dave",
    )
    # An account disabled in the directory after its user was created can no longer log in.
    admin_cs.ldapCreateAccount(username="gina", accounttype=0, domainid=domain["id"])
    _login(server, "gina", "gina-pw", domain).close()
    slapd.modify(
        f"dn: cn=gina,{AD_BASE_DN}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n"
    )
    _assert_bad_credentials(_login_refused(server, "gina", "gina-pw", domain), "gina")

    # Only members of the principal group are found; memberOf is the membership attribute.
    for name, value in (("ldap.search.group.principle", AD_GROUP), ("ldap.nested.groups.enable", "false")):
        admin_cs.updateConfiguration(name=name, value=value, domainid=domain["id"])
    assert _error(admin_cs.ldapCreateAccount, username="frank", accounttype=0, domainid=domain["id"]) == (
        534,
        "No LDAP user exists with the username of frank",
    )
    _login(server, "carol", "carol-pw", domain).close()


def test_ldaps_and_starttls_check_the_server_against_the_truststore(
    server: RunningServer, admin_cs: CloudStack, slapd_tls: SlapdServer, tls_files: TlsFiles, other_ca: TlsFiles
) -> None:
    ldaps = _ldap_domain(admin_cs, slapd_tls.ldaps_port, host="localhost", **{"ldap.truststore": str(tls_files.ca)})
    admin_cs.ldapCreateAccount(username="alice", accounttype=0, domainid=ldaps["id"])
    _login(server, "alice", "alice-pw", ldaps).close()

    starttls = _ldap_domain(
        admin_cs, slapd_tls.port, **{"ldap.truststore": str(tls_files.ca), "ldap.starttls.enable": "true"}
    )
    admin_cs.ldapCreateAccount(username="erin", accounttype=0, domainid=starttls["id"])
    _login(server, "erin", "erin-pw", starttls).close()

    refusals = [
        ({}, slapd_tls.port, BIND_FAILED),  # plain LDAP: the server demands TLS
        ({}, slapd_tls.ldaps_port, BIND_FAILED),  # no truststore: plain LDAP to the LDAPS port
        ({"ldap.truststore": str(other_ca.ca)}, slapd_tls.ldaps_port, BIND_FAILED),
        ({"ldap.truststore": str(other_ca.ca), "ldap.starttls.enable": "true"}, slapd_tls.port, BIND_FAILED),
        ({"ldap.truststore": "/nonexistent/ca.pem"}, slapd_tls.ldaps_port, BAD_TRUSTSTORE),
    ]
    for values, port, text in refusals:
        domain = _ldap_domain(admin_cs, **values)
        assert _error(admin_cs.addLdapConfiguration, hostname="localhost", port=port, domainid=domain["id"]) == (
            530,
            text,
        )
