"""listLdapUsers, searchLdap, importLdapUsers, linkDomainToLdap, linkAccountToLdap, unlinkDomainFromLdap.

The three user commands answer in CloudStack's `ldapuserresponse` wrapper with `LdapUser` items; the
link commands in the usual `<command>response`, under `LinkDomainToLdap` and `linkAccountToLdap`.
"""

from __future__ import annotations

from typing import Any

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_domain
from nimbostack.auth.types import ADMINS_AND_RESOURCE
from nimbostack.commands.accounts import details_of
from nimbostack.db.listing import LIST_PARAMS, page_of
from nimbostack.db.models import Domain, Role
from nimbostack.services.ldap import imports, links, listing
from nimbostack.views.fields import SUCCESS
from nimbostack.views.ldap import (
    LDAP_USER_FIELDS,
    LINK_ACCOUNT_FIELDS,
    LINK_DOMAIN_FIELDS,
    ldap_user_view,
    link_account_view,
    link_domain_view,
)

USER_WRAPPER = "ldapuserresponse"
USER_KEY = "LdapUser"
ACCOUNT_TYPE = Param("accounttype", ParamType.INTEGER, "0 user, 1 root admin, 2 domain admin; or give roleid")
ROLE = Param("roleid", ParamType.UUID, "Role of new accounts", entity=Role, related="listRoles")
LINK_TYPE = "GROUP or OU"
ADMIN = Param("admin", ParamType.STRING, "Username of a directory user of the group or OU to make domain admin")


def _page(call: Call, items: list[listing.Listed]) -> Listing:
    """The directory answers everything at once; keyword and paging apply here."""
    word = (call.arg("keyword") or "").lower()
    if word:
        items = [item for item in items if word in str(item.entry.username).lower()]
    page = page_of(call)
    end = None if page.limit is None else page.offset + page.limit
    return Listing([ldap_user_view(item) for item in items[page.offset : end]], len(items))


@command(
    "listLdapUsers",
    description="Lists the users of a domain's directory (the global one without domainid), leaving out "
    "those the user filter names.",
    params=[
        *LIST_PARAMS,
        Param("domainid", ParamType.UUID, "Domain whose directory is listed", entity=Domain, related="listDomains"),
        Param(
            "userfilter",
            ParamType.STRING,
            "NoFilter (everyone), LocalDomain or PotentialImport (not those imported into the domain), AnyDomain "
            "(not those imported into any domain)",
            since="4.13",
        ),
        Param("listtype", ParamType.STRING, "Deprecated: all is NoFilter, anything else AnyDomain"),
    ],
    kind=Kind.LIST,
    key=USER_KEY,
    roles=ADMINS_AND_RESOURCE,
    since="4.2.0",
    response_fields=LDAP_USER_FIELDS,
    wrapper=USER_WRAPPER,
)
def list_ldap_users(call: Call) -> Listing:
    domain: Domain | None = call.arg("domainid")
    if domain is not None:
        check_domain(call.caller, domain)
    how = listing.UserFilter.parse(call.arg("userfilter"), call.arg("listtype"))
    users, options = listing.directory_users(call.db, domain)
    return _page(call, listing.filtered(call.db, call.caller, domain, how, users, options))


@command(
    "searchLdap",
    description="Searches the global directory for users whose username contains the query.",
    params=[*LIST_PARAMS, Param("query", ParamType.STRING, "Text the username contains", required=True)],
    kind=Kind.LIST,
    key=USER_KEY,
    roles=ADMINS_AND_RESOURCE,
    since="4.2.0",
    response_fields=LDAP_USER_FIELDS,
    wrapper=USER_WRAPPER,
)
def search_ldap(call: Call) -> Listing:
    return _page(call, listing.search(call.db, call.arg("query")))


@command(
    "importLdapUsers",
    description="Creates CloudStack users for a domain's directory users, or a group's members, and updates "
    "those that exist.",
    params=[
        *LIST_PARAMS,
        Param("timezone", ParamType.STRING, "Time zone of new users, such as Europe/Berlin"),
        ACCOUNT_TYPE,
        ROLE,
        Param("accountdetails", ParamType.MAP, "Details to store with new accounts"),
        Param(
            "domainid",
            ParamType.UUID,
            "Domain to import into; without it, a domain named after the group or the user's OU",
            entity=Domain,
            related="listDomains",
        ),
        Param("group", ParamType.STRING, "Common name of the group whose members are imported; all users without it"),
        Param("account", ParamType.STRING, "Account of the imported users; each user's own (its username) without it"),
    ],
    kind=Kind.LIST,
    key=USER_KEY,
    roles=ADMINS_AND_RESOURCE,
    since="4.3.0",
    response_fields=LDAP_USER_FIELDS,
    wrapper=USER_WRAPPER,
)
def import_ldap_users(call: Call) -> Listing:
    request = imports.ImportRequest(
        domain=call.arg("domainid"),
        group=call.arg("group"),
        account_name=call.arg("account"),
        role=call.arg("roleid"),
        account_type=call.arg("accounttype"),
        timezone=call.arg("timezone"),
        details=details_of(call),
    )
    imported = imports.import_users(call.db, call.caller, request, call.now)
    return Listing([ldap_user_view(item) for item in imported], len(imported))


@command(
    "linkDomainToLdap",
    description="Links a domain to a directory group or OU: its users get an account at their first login.",
    params=[
        Param("domainid", ParamType.UUID, "Domain to link", required=True, entity=Domain, related="listDomains"),
        Param("type", ParamType.STRING, LINK_TYPE, required=True),
        Param("ldapdomain", ParamType.STRING, "DN of the group or OU"),
        Param("name", ParamType.STRING, "Deprecated name of ldapdomain"),
        ADMIN,
        Param("accounttype", ParamType.INTEGER, "Type of the accounts made: 0 user, 2 domain admin", required=True),
    ],
    kind=Kind.OBJECT,
    key="LinkDomainToLdap",
    roles=ADMINS_AND_RESOURCE,
    since="4.6.0",
    response_fields=LINK_DOMAIN_FIELDS,
)
def link_domain_to_ldap(call: Call) -> dict[str, Any]:
    linked = links.link_domain(
        call.db,
        call.caller,
        call.arg("domainid"),
        call.arg("type"),
        call.arg("ldapdomain") if call.has("ldapdomain") else call.arg("name"),
        call.arg("accounttype"),
        call.arg("admin"),
        call.now,
    )
    return link_domain_view(linked)


@command(
    "linkAccountToLdap",
    description="Links an account (created when missing) to a directory group: the group's users land in it at login.",
    params=[
        Param("domainid", ParamType.UUID, "Domain of the account", required=True, entity=Domain, related="listDomains"),
        Param("type", ParamType.STRING, LINK_TYPE),
        Param("ldapdomain", ParamType.STRING, "DN of the group", required=True),
        Param("account", ParamType.STRING, "Name of the account", required=True),
        ADMIN,
        ACCOUNT_TYPE,
        Param("roleid", ParamType.UUID, "Role of a new account", entity=Role, related="listRoles", since="4.20.0"),
    ],
    kind=Kind.OBJECT,
    key="linkAccountToLdap",
    roles=ADMINS_AND_RESOURCE,
    since="4.11.0",
    response_fields=LINK_ACCOUNT_FIELDS,
)
def link_account_to_ldap(call: Call) -> dict[str, Any]:
    new = links.AccountLink(
        domain=call.arg("domainid"),
        account_name=call.arg("account"),
        link_type=call.arg("type"),
        name=call.arg("ldapdomain"),
        role=call.arg("roleid"),
        account_type=call.arg("accounttype"),
        admin=call.arg("admin"),
    )
    return link_account_view(links.link_account(call.db, call.caller, new, call.now))


@command(
    "unlinkDomainFromLdap",
    description="Removes the link of a domain to a directory group or OU.",
    params=[Param("domainid", ParamType.UUID, "Domain to unlink", required=True, entity=Domain, related="listDomains")],
    kind=Kind.FLAT,
    roles=ADMINS_AND_RESOURCE,
    since="4.23.0",
    # CloudStack's SuccessResponse, whose `success` may be false here.
    response_fields=SUCCESS,
)
def unlink_domain_from_ldap(call: Call) -> dict[str, Any]:
    if links.unlink_domain(call.db, call.caller, call.arg("domainid")):
        return {"success": True, "displaytext": "Domain unlinked from LDAP successfully"}
    return {"success": False, "displaytext": "Failed to unlink domain from LDAP"}
