"""Logins in a domain linked to the directory, as CloudStack's LdapAuthenticator handles them.

- Automatic import (the domain linked as a whole to a GROUP or OU): the user's entry is looked for inside
  the group or OU. A user found there whose password the directory accepts gets, at the first login, an
  account of its own (named after the username, of the link's account type and that type's default role);
  an existing user disabled in CloudStack is enabled again.
- Account sync (accounts linked to groups): the user's groups among the linked ones must be exactly one.
  A user found there whose password the directory accepts is created in that group's account at the first
  login, or moved to it when its group changed. A user disabled this way stays disabled until an
  administrator enables it.

Whatever takes access away happens at any attempt: an existing user that is not found (not in the group,
OU or any linked group, in several linked groups, or no directory server answers) or whose entry is
disabled in Active Directory is disabled in CloudStack, and the login fails. What grants access (creating,
enabling, moving a user) happens only after the directory accepted the password. CloudStack creates and
moves sync users before the password check; we do not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ldap3.core.exceptions import LDAPException
from ldap3.utils.dn import parse_dn
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nimbostack.api import sessions
from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError
from nimbostack.auth.identity import caller_for
from nimbostack.db.models import Account, Domain, LdapTrustMap, User
from nimbostack.services import accounts, events
from nimbostack.services.ldap import directory
from nimbostack.services.ldap.accounts import add_to, new_user, open_account
from nimbostack.services.ldap.links import domain_link, find_linked, links_of
from nimbostack.services.ldap.options import Endpoint, LdapOptions, options_for, servers_for

log = logging.getLogger(__name__)

SYSTEM_USER_ID = 1


@dataclass(frozen=True)
class _Admission:
    """A user the linked directory lets in: its entry and, for account sync, the account of its one linked
    group (None in a domain linked as a whole)."""

    entry: directory.DirectoryUser
    account: Account | None
    options: LdapOptions
    endpoints: list[Endpoint]

    def password_accepted(self, password: str) -> bool:
        try:
            return directory.password_accepted(self.endpoints, self.options, self.entry.dn, password)
        except (directory.DirectoryError, LDAPException) as exc:
            log.warning("LDAP bind as %s failed: %s", self.entry.dn, exc)
            return False


def is_linked(db: Session, domain_id: int) -> bool:
    return bool(links_of(db, domain_id))


def check(db: Session, user: User, password: str, now: datetime) -> bool:
    """The login check of an existing LDAP user of a linked domain, with its side effects."""
    admission = _admit(db, user.account.domain, user.username, links_of(db, user.domain_id))
    if admission is None:
        _disable(db, user, now)
        return False
    accepted = admission.password_accepted(password)
    if not accepted:
        return False
    if admission.account is None and user.state == "disabled":
        _set_state(db, user, "enabled", "enabling", now)
    elif admission.account is not None and user.account_id != admission.account.id:
        _move(db, user, admission.account, now)
    return True


def provision(db: Session, username: str, password: str, domain: Domain, now: datetime) -> User | None:
    """The user of a first login in a linked domain, created once the directory accepted the password;
    None when the domain is not linked or the user may not come in."""
    links = links_of(db, domain.id)
    if not links:
        return None
    admission = _admit(db, domain, username, links)
    if admission is None or not admission.password_accepted(password):
        return None
    caller = _system(db)
    user = new_user(username, admission.entry, None)
    try:
        if admission.account is not None:
            return add_to(db, caller, admission.account, user, now)
        link = domain_link(links)
        assert link is not None
        role, account_type = accounts.resolve_role(db, caller, None, link.account_type)
        account = open_account(
            db, caller, name=username, domain=domain, role=role, account_type=account_type, user=user, now=now
        )
    except ApiError as exc:
        # The checks run before anything is written, so a refusal leaves nothing behind.
        log.warning("LDAP user %r of domain %s not created at login: %s", username, domain.uuid, exc.text)
        return None
    except IntegrityError:
        # The same first login, made at the same moment by another request, won the unique keys.
        db.rollback()
        log.info("LDAP user %r of domain %s was created meanwhile by another login", username, domain.uuid)
        return None
    log.info("LDAP user %r imported into domain %s at its first login", username, domain.uuid)
    return db.scalars(select(User).where(User.account_id == account.id, User.username == username)).one()


def _admit(db: Session, domain: Domain, username: str, links: list[LdapTrustMap]) -> _Admission | None:
    """None when the user may not come in: not found, disabled, not in exactly one linked group, or no
    directory server answers."""
    options, endpoints = options_for(db, domain), servers_for(db, domain.id)
    link = domain_link(links)
    try:
        with directory.service_connection(endpoints, options) as conn:
            entry = _find(conn, options, username, links, link)
    except (directory.DirectoryError, LDAPException) as exc:
        log.warning("LDAP login of %r in domain %s: directory lookup failed: %s", username, domain.uuid, exc)
        return None
    if entry is None or entry.disabled:
        log.info("LDAP login of %r in domain %s: no enabled entry in the linked directory", username, domain.uuid)
        return None
    if link is not None:
        return _Admission(entry, None, options, endpoints)
    account = _synced_account(db, domain, username, entry, links)
    return _Admission(entry, account, options, endpoints) if account is not None else None


def _find(
    conn: Any, options: LdapOptions, username: str, links: list[LdapTrustMap], link: LdapTrustMap | None
) -> directory.DirectoryUser | None:
    if link is not None:
        return find_linked(conn, options, username, link.type, link.name)
    return directory.find_user(conn, options, username, groups=[item.name for item in links])


def _synced_account(
    db: Session, domain: Domain, username: str, entry: directory.DirectoryUser, links: list[LdapTrustMap]
) -> Account | None:
    memberships = {_dn_key(group) for group in entry.memberships}
    matches = [link for link in links if _dn_key(link.name) in memberships]
    if len(matches) != 1:
        log.info("LDAP login of %r in domain %s: in %d linked groups, not one", username, domain.uuid, len(matches))
        return None
    account = db.get(Account, matches[0].account_id)
    if account is None or account.removed is not None:
        log.error("LDAP group %s of domain %s is linked to no live account", matches[0].name, domain.uuid)
        return None
    return account


def _dn_key(dn: str) -> str:
    """A DN compared the way directories compare them: attribute names and values without case or spaces."""
    try:
        return ",".join(f"{name.strip()}={value.strip()}" for name, value, _ in parse_dn(dn)).lower()
    except LDAPException:
        return dn.strip().lower()


def _system(db: Session) -> Caller:
    """Changes made by a login are the system's doing (events need an actor)."""
    system = db.get(User, SYSTEM_USER_ID)
    assert system is not None
    return caller_for(system)


def _set_state(db: Session, user: User, state: str, verb: str, now: datetime) -> None:
    # Imported here: services.users imports the authenticator chain, which imports this module.
    from nimbostack.services import users as user_service

    user_service.set_state(db, _system(db), user, state, verb, now)


def _disable(db: Session, user: User, now: datetime) -> None:
    if user.state != "enabled":
        return
    log.info("LDAP user %r of domain %s disabled: the directory no longer lets it in", user.username, user.domain_id)
    _set_state(db, user, "disabled", "disabling", now)


def _move(db: Session, user: User, account: Account, now: datetime) -> None:
    """Move the user to the account of its new group; its sessions carried the old account's rights."""
    old = user.account
    user.account_id, user.account = account.id, account
    sessions.end_for_user(db, user.id)
    log.info("LDAP user %r moved from account %s to %s", user.username, old.name, account.name)
    events.record(
        db,
        _system(db),
        "USER.MOVE",
        f"User {user.username} moved from account {old.name} to account {account.name}",
        now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=user.username,
        account_id=account.id,
        domain_id=user.domain_id,
    )
