"""addLdapConfiguration, listLdapConfigurations, deleteLdapConfiguration, ldapCreateAccount.

CloudStack wraps the three configuration answers in `ldapconfigurationresponse` and ldapCreateAccount's
in `createaccountresponse` (its UI reads those names), so the commands declare their wrappers.
"""

from __future__ import annotations

from typing import Any

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_domain
from nimbostack.auth.types import ADMIN_ONLY, ADMINS_AND_RESOURCE
from nimbostack.commands.accounts import details_of
from nimbostack.db.listing import LIST_PARAMS, fetch
from nimbostack.db.models import Domain, LdapConfiguration, Role
from nimbostack.services.ldap import accounts as ldap_accounts
from nimbostack.services.ldap import servers
from nimbostack.views.identity import account_view
from nimbostack.views.ldap import LDAP_CONFIGURATION_FIELDS, ldap_configuration_view

CONFIGURATION_WRAPPER = "ldapconfigurationresponse"
LINKED_DOMAIN = Param("domainid", ParamType.UUID, "Domain the server serves", entity=Domain, related="listDomains")
CONFIGURATION_ID = Param(
    "id", ParamType.UUID, "ID of the LDAP server entry", entity=LdapConfiguration, related="listLdapConfigurations"
)


@command(
    "addLdapConfiguration",
    description="Adds an LDAP server for a domain, or for every domain without its own, after a test bind.",
    params=[
        Param("hostname", ParamType.STRING, "Host name or address of the LDAP server", required=True),
        Param("port", ParamType.INTEGER, "Port of the LDAP server; 0 or less means 389", required=True),
        LINKED_DOMAIN,
    ],
    kind=Kind.OBJECT,
    key="LdapAddConfiguration",
    roles=ADMIN_ONLY,
    since="4.2.0",
    response_fields=LDAP_CONFIGURATION_FIELDS,
    wrapper=CONFIGURATION_WRAPPER,
)
def add_ldap_configuration(call: Call) -> dict[str, Any]:
    row = servers.add(call.db, call.arg("hostname"), call.arg("port"), call.arg("domainid"), call.now)
    return ldap_configuration_view(call.db, row, call.caller)


@command(
    "listLdapConfigurations",
    description="Lists LDAP servers: the global ones, a domain's, or all of them with listall.",
    params=[
        *LIST_PARAMS,
        Param("hostname", ParamType.STRING, "Only servers with this host name"),
        Param("port", ParamType.INTEGER, "Only servers on this port"),
        LINKED_DOMAIN,
        Param("id", ParamType.UUID, "Only this entry (other filters are then ignored)", entity=LdapConfiguration),
        Param("listall", ParamType.BOOLEAN, "Without domainid, list the servers of every domain too", since="4.13.2"),
    ],
    kind=Kind.LIST,
    key="LdapConfiguration",
    roles=ADMINS_AND_RESOURCE,
    since="4.2.0",
    response_fields=LDAP_CONFIGURATION_FIELDS,
    wrapper=CONFIGURATION_WRAPPER,
)
def list_ldap_configurations(call: Call) -> Listing:
    domain: Domain | None = call.arg("domainid")
    if domain is not None:
        check_domain(call.caller, domain)
    row: LdapConfiguration | None = call.arg("id")
    stmt = servers.search(
        row.id if row is not None else None,
        call.arg("hostname"),
        call.arg("port") or 0,
        domain.id if domain is not None else None,
        bool(call.arg("listall")),
    )
    word = call.arg("keyword")
    if word:
        stmt = stmt.where(LdapConfiguration.hostname.ilike(f"%{word}%"))
    rows, count = fetch(call, stmt, LdapConfiguration.id)
    return Listing([ldap_configuration_view(call.db, r, call.caller) for r in rows], count)


@command(
    "deleteLdapConfiguration",
    description="Removes an LDAP server, given by id or by host name (with port and domain).",
    params=[
        CONFIGURATION_ID,
        Param("hostname", ParamType.STRING, "Host name of the server to remove"),
        Param("port", ParamType.INTEGER, "Port of the server to remove"),
        LINKED_DOMAIN,
    ],
    kind=Kind.OBJECT,
    key="LdapDeleteConfiguration",
    roles=ADMIN_ONLY,
    since="4.2.0",
    response_fields=LDAP_CONFIGURATION_FIELDS,
    wrapper=CONFIGURATION_WRAPPER,
)
def delete_ldap_configuration(call: Call) -> dict[str, Any]:
    row = servers.delete(call.db, call.arg("id"), call.arg("hostname"), call.arg("port") or 0, call.arg("domainid"))
    return ldap_configuration_view(call.db, row, call.caller)


@command(
    "ldapCreateAccount",
    description="Creates a user (and its account, unless it exists) from a directory entry; the directory "
    "checks its password.",
    params=[
        Param(
            "username", ParamType.STRING, "Login name, as the directory's username attribute holds it", required=True
        ),
        Param("account", ParamType.STRING, "Account to create or add the user to; the username when left out"),
        Param("accounttype", ParamType.INTEGER, "0 user, 1 root admin, 2 domain admin; or give roleid"),
        Param("roleid", ParamType.UUID, "Role of a new account", entity=Role, related="listRoles"),
        Param(
            "domainid",
            ParamType.UUID,
            "Domain of the account and whose LDAP servers are asked; ROOT (and the global servers) when left out",
            entity=Domain,
            related="listDomains",
        ),
        Param("timezone", ParamType.STRING, "Time zone of the user, such as Europe/Berlin"),
        Param("networkdomain", ParamType.STRING, "DNS suffix for the account's networks"),
        Param("accountdetails", ParamType.MAP, "Details to store with a new account"),
        Param("accountid", ParamType.STRING, "UUID to give a new account"),
        Param("userid", ParamType.STRING, "UUID to give the user"),
    ],
    kind=Kind.OBJECT,
    key="account",
    roles=ADMINS_AND_RESOURCE,
    since="4.2.0",
    wrapper="createaccountresponse",
)
def ldap_create_account(call: Call) -> dict[str, Any]:
    new = ldap_accounts.NewLdapAccount(
        username=call.arg("username"),
        account_name=call.arg("account"),
        domain=call.arg("domainid"),
        role=call.arg("roleid"),
        account_type=call.arg("accounttype"),
        timezone=call.arg("timezone"),
        network_domain=call.arg("networkdomain"),
        details=details_of(call),
        account_uuid=call.arg("accountid"),
        user_uuid=call.arg("userid"),
    )
    account = ldap_accounts.create(call.db, call.caller, new, call.now)
    return account_view(call.db, account, call.caller)
