"""Response objects for LDAP servers (LdapConfiguration, LdapAddConfiguration, LdapDeleteConfiguration),
directory users (LdapUser) and links (LinkDomainToLdap, linkAccountToLdap)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.registry import ResponseField
from nimbostack.db.models import Domain, LdapConfiguration
from nimbostack.services.ldap.links import Linked
from nimbostack.services.ldap.listing import Listed

LDAP_CONFIGURATION_FIELDS: tuple[ResponseField, ...] = (
    ResponseField("id", "string", "ID of the LDAP server entry"),
    ResponseField("hostname", "string", "Host name of the LDAP server (shown to root admins only)"),
    # CloudStack's field is a primitive int, hence `int`; other callers see 0 in it.
    ResponseField("port", "int", "Port of the LDAP server (shown to root admins only)"),
    ResponseField("domainid", "string", "Domain the server serves; empty for a server of every domain"),
)


def ldap_configuration_view(db: Session, row: LdapConfiguration, caller: Caller) -> dict[str, Any]:
    """Host and port are for root admins; others learn only that a server exists (and its domain)."""
    domain = db.get(Domain, row.domain_id) if row.domain_id is not None else None
    root = caller.is_root_admin or caller.is_system
    return {
        "id": row.uuid,
        "hostname": row.hostname if root else None,
        "port": row.port if root else 0,
        "domainid": domain.uuid if domain is not None else None,
    }


LDAP_USER_FIELDS: tuple[ResponseField, ...] = (
    ResponseField("username", "string", "Login name (the username attribute)"),
    ResponseField("firstname", "string", "First name"),
    ResponseField("lastname", "string", "Last name"),
    ResponseField("email", "string", "E-mail address"),
    ResponseField("principal", "string", "DN of the directory entry"),
    ResponseField("domain", "string", "Where the entry sits below the base DN (its OUs)"),
    ResponseField(
        "conflictingusersource", "string", "Source of the CloudStack user of the same name; empty when there is none"
    ),
)


def ldap_user_view(listed: Listed) -> dict[str, Any]:
    entry = listed.entry
    return {
        "username": entry.username,
        "firstname": entry.firstname,
        "lastname": entry.lastname,
        "email": entry.email,
        "principal": entry.dn,
        "domain": listed.location,
        "conflictingusersource": listed.conflicting_source,
    }


_LINK_FIELDS: tuple[ResponseField, ...] = (
    ResponseField("domainid", "string", "ID of the linked domain"),
    ResponseField("ldapdomain", "string", "DN of the linked group or OU"),
    ResponseField("type", "string", "GROUP or OU"),
    ResponseField("accounttype", "int", "Type of the accounts made for its users"),
    ResponseField("accountid", "string", "ID of the linked account, or of the domain admin account made for `admin`"),
)
LINK_DOMAIN_FIELDS = (*_LINK_FIELDS, ResponseField("name", "string", "Same as ldapdomain (deprecated)"))
LINK_ACCOUNT_FIELDS = (*_LINK_FIELDS, ResponseField("account", "string", "Name of the linked account"))


def link_domain_view(linked: Linked) -> dict[str, Any]:
    link = linked.link
    return {
        "domainid": linked.domain.uuid,
        "name": link.name,
        "ldapdomain": link.name,
        "type": link.type,
        "accounttype": link.account_type,
        "accountid": linked.admin.uuid if linked.admin is not None else None,
    }


def link_account_view(linked: Linked) -> dict[str, Any]:
    link, account = linked.link, linked.account
    assert account is not None
    shown = linked.admin or account
    return {
        "domainid": linked.domain.uuid,
        "ldapdomain": link.name,
        "type": link.type,
        "accounttype": link.account_type,
        "accountid": shown.uuid,
        "account": account.name,
    }
