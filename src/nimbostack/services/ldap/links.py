"""Domains and accounts linked to a directory group or OU (the ldap_trust_map rows).

A domain is linked either as a whole (linkDomainToLdap: the users of one GROUP or OU get an account of
their own at their first login) or account by account (linkAccountToLdap: each group feeds one account).
The two cannot be mixed in one domain: the login flow would not know which one applies.

CloudStack answers these commands' argument refusals as 431 (IllegalArgumentException) and its own
consistency refusals as 530; the texts are CloudStack's, internal ids included.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from ldap3.core.exceptions import LDAPException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, ErrorCode, internal, invalid_value
from nimbostack.auth.access import check_domain
from nimbostack.auth.types import AccountType
from nimbostack.db.models import Account, Domain, LdapTrustMap, Role
from nimbostack.db.models.ldap import DOMAIN_LEVEL
from nimbostack.services import accounts, events
from nimbostack.services.ldap import directory
from nimbostack.services.ldap.accounts import ROOT_DOMAIN_ID, live_account, new_user, open_account
from nimbostack.services.ldap.options import LdapOptions, options_for, servers_for

log = logging.getLogger(__name__)

_LINKABLE_TYPES = (AccountType.NORMAL, AccountType.DOMAIN_ADMIN)


class LinkType(StrEnum):
    GROUP = "GROUP"
    OU = "OU"


@dataclass(frozen=True)
class Linked:
    """A link as the commands answer it, with the account a link of accounts (or `admin`) made."""

    link: LdapTrustMap
    domain: Domain
    account: Account | None
    admin: Account | None


def _refused(text: str) -> ApiError:
    """CloudStack's argument checks throw IllegalArgumentException: 431 without an exception code."""
    return ApiError(ErrorCode.PARAM_ERROR, text)


def links_of(db: Session, domain_id: int) -> list[LdapTrustMap]:
    return list(db.scalars(select(LdapTrustMap).where(LdapTrustMap.domain_id == domain_id).order_by(LdapTrustMap.id)))


def domain_link(links: list[LdapTrustMap]) -> LdapTrustMap | None:
    """The link of a domain linked as a whole, when that is how it is linked."""
    return links[0] if len(links) == 1 and links[0].account_id == DOMAIN_LEVEL else None


def find_linked(
    conn: Any, options: LdapOptions, username: str, link_type: str, name: str
) -> directory.DirectoryUser | None:
    """`username`'s entry inside a linked OU (searched from it) or group (a member of it)."""
    if link_type == LinkType.OU:
        return directory.find_user(conn, options, username, base=name)
    return directory.find_user(conn, options, username, groups=[name])


def _parse_type(text: str | None) -> LinkType:
    if text is None:
        raise _refused("type cannot be null. It should either be GROUP or OU")
    try:
        return LinkType(text.upper())
    except ValueError:
        raise _refused(f"No enum constant org.apache.cloudstack.ldap.LdapManager.LinkType.{text.upper()}") from None


def link_domain(
    db: Session,
    caller: Caller,
    domain: Domain,
    link_type: str,
    name: str | None,
    account_type: int,
    admin: str | None,
    now: datetime,
) -> Linked:
    """Link the whole domain; a domain linked as a whole before gets the new link instead."""
    check_domain(caller, domain)
    if options_for(db, domain).base_dn is None:
        raise _refused(f"can not link a domain (with id = {domain.id}) unless a basedn (null) is configured for it.")
    if not name:
        raise _refused("ldapDomain cannot be empty, please supply a GROUP or OU name")
    if account_type not in _LINKABLE_TYPES:
        raise _refused("accountype should be either 0(normal user) or 2(domain admin)")
    kind = _parse_type(link_type)
    existing = links_of(db, domain.id)
    if any(link.account_id != DOMAIN_LEVEL for link in existing):
        raise internal(
            f"accounts of the current domain ({domain.id}) are linked to ldap groups; unlink them before linking "
            "the domain"
        )
    link = existing[0] if existing else LdapTrustMap(domain_id=domain.id, account_id=DOMAIN_LEVEL)
    link.type, link.name, link.account_type = kind.value, name, account_type
    _save(db, link, f"the current domain ({domain.id}) is already linked to ldap")
    log.info("Linked domain %s to LDAP %s %s (account type %s)", domain.uuid, kind.value, name, account_type)
    return Linked(link, domain, None, _admin_account(db, caller, domain, kind, name, admin, now))


def unlink_domain(db: Session, caller: Caller, domain: Domain) -> bool:
    """Remove the domain's own link; False when it has none."""
    check_domain(caller, domain)
    link = db.scalars(
        select(LdapTrustMap).where(LdapTrustMap.domain_id == domain.id, LdapTrustMap.account_id == DOMAIN_LEVEL)
    ).first()
    if link is None:
        return False
    db.delete(link)
    db.flush()
    log.info("Unlinked domain %s from LDAP %s %s", domain.uuid, link.type, link.name)
    return True


@dataclass(frozen=True)
class AccountLink:
    domain: Domain
    account_name: str | None
    link_type: str | None
    name: str | None
    role: Role | None
    account_type: int | None
    admin: str | None


def link_account(db: Session, caller: Caller, new: AccountLink, now: datetime) -> Linked:
    """Link one account (made, without users, when it does not exist) to a group or OU."""
    domain = new.domain
    check_domain(caller, domain)
    if options_for(db, domain).base_dn is None:
        raise _refused("can not link an account to ldap in a domain for which no basdn is configured")
    if not new.account_name:
        raise _refused("accountName cannot be empty.")
    if not new.name:
        raise _refused("ldapDomain cannot be empty, please supply a GROUP or OU name")
    if new.link_type is None:
        raise _refused("type cannot be null. It should either be GROUP or OU")
    if new.account_type is None and new.role is None:
        raise _refused("Either account type or role ID must be given")
    kind = _parse_type(new.link_type)
    role, account_type = accounts.resolve_role(db, caller, new.role, new.account_type)
    account = live_account(db, domain, new.account_name) or _empty_account(
        db, caller, domain, new.account_name, role, account_type, now
    )
    _clear_for(db, domain, new.name, account)
    link = LdapTrustMap(domain_id=domain.id, account_id=account.id)
    link.type, link.name, link.account_type = kind.value, new.name, account_type
    _save(db, link, f"group {new.name} is already mapped in the current domain ({domain.id})")
    log.info("Linked account %s to LDAP %s %s", account.uuid, kind.value, new.name)
    return Linked(link, domain, account, _admin_account(db, caller, domain, kind, new.name, new.admin, now))


def _clear_for(db: Session, domain: Domain, name: str, account: Account) -> None:
    """Make room for linking `account` to `name`: its own old link goes; the name may not be in use."""
    for link in links_of(db, domain.id):
        if link.account_id == DOMAIN_LEVEL:
            if link.name == name:
                raise internal(
                    f"group {name} is mapped to the current domain ({domain.id}) for autoimport and can not be used "
                    "for autosync"
                )
            raise internal(f"the current domain ({domain.id}) is linked to ldap for autoimport; unlink it first")
        if link.account_id == account.id:
            log.warning(
                "Account %s was linked to LDAP %s %s; the new link replaces it", account.uuid, link.type, link.name
            )
            db.delete(link)
        elif link.name == name:
            # Links of removed accounts are removed with them, so the holder is live.
            raise internal(
                f"group {name} is mapped to account {link.account_id} in the current domain ({domain.id}), delete the "
                "old map before mapping a new account to the same group."
            )
    db.flush()


def _save(db: Session, link: LdapTrustMap, clash: str) -> None:
    db.add(link)
    try:
        db.flush()
    except IntegrityError:
        # A twin written meanwhile by another request; the unique keys decide.
        db.rollback()
        raise internal(clash) from None


def _empty_account(
    db: Session, caller: Caller, domain: Domain, name: str, role: Role, account_type: int, now: datetime
) -> Account:
    """An account without users, as linkAccountToLdap makes: its users arrive at their first login."""
    if domain.removed is not None or domain.state != "Active":
        raise internal(f"The account cannot be created as domain {domain.name} is being deleted")
    if account_type == AccountType.ADMIN and domain.id != ROOT_DOMAIN_ID:
        raise invalid_value(
            f"Invalid account type {account_type} given for an account in domain {domain.name}; unable to "
            "create user of admin role type in non-ROOT domain."
        )
    account = Account(name=name, type=account_type, role_id=role.id, domain_id=domain.id, created=now)
    db.add(account)
    db.flush()
    account.domain, account.role = domain, role
    events.record(
        db,
        caller,
        "ACCOUNT.CREATE",
        f"Successfully created account {name}",
        now,
        resource_type="Account",
        resource_uuid=account.uuid,
        resource_name=name,
        account_id=account.id,
        domain_id=domain.id,
    )
    return account


def _admin_account(
    db: Session, caller: Caller, domain: Domain, kind: LinkType, name: str, admin: str | None, now: datetime
) -> Account | None:
    """`admin`'s domain-admin account, made from its entry inside the linked group or OU.

    As in CloudStack, this is a convenience: an admin that is not found, is disabled, already has an account
    of that name, or cannot be created is only logged, and the link stands.
    """
    if not admin:
        return None
    options = options_for(db, domain)
    try:
        with directory.service_connection(servers_for(db, domain.id), options) as conn:
            entry = find_linked(conn, options, admin, kind, name)
    except (directory.DirectoryError, LDAPException) as exc:
        log.info("LDAP admin %r of domain %s not looked up: %s", admin, domain.uuid, exc)
        return None
    if entry is None or entry.disabled:
        log.info("LDAP admin %r is not an enabled entry of %s %s", admin, kind.value, name)
        return None
    if live_account(db, domain, admin) is not None:
        log.info("An account named %r already exists in domain %s", admin, domain.uuid)
        return None
    role = db.get(Role, AccountType.DOMAIN_ADMIN.role_type.default_role_id)
    assert role is not None
    try:
        return open_account(
            db,
            caller,
            name=admin,
            domain=domain,
            role=role,
            account_type=AccountType.DOMAIN_ADMIN,
            user=new_user(admin, entry, None),
            now=now,
        )
    except ApiError as exc:
        # accounts.create checks everything before it writes, so a refusal leaves nothing behind.
        log.info("LDAP admin %r of domain %s not created: %s", admin, domain.uuid, exc.text)
        return None
