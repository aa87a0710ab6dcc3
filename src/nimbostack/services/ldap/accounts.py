"""CloudStack users (source LDAP) made from directory entries: ldapCreateAccount, and the helpers that
importLdapUsers and the login flows of linked domains share."""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from ldap3.core.exceptions import LDAPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value, permission_denied
from nimbostack.auth.access import check_account, check_domain
from nimbostack.db.models import Account, Domain, Role, User
from nimbostack.services import accounts, passwords
from nimbostack.services.ldap import directory
from nimbostack.services.ldap.options import options_for, servers_for

log = logging.getLogger(__name__)

ROOT_DOMAIN_ID = 1
SOURCE = "LDAP"


@dataclass(frozen=True)
class NewLdapAccount:
    username: str
    account_name: str | None
    domain: Domain | None
    role: Role | None
    account_type: int | None
    timezone: str | None
    network_domain: str | None
    details: dict[str, str]
    account_uuid: str | None
    user_uuid: str | None


def _unavailable(text: str) -> ApiError:
    return ApiError(ErrorCode.RESOURCE_UNAVAILABLE_ERROR, text)


def lookup(db: Session, domain: Domain | None, username: str) -> directory.DirectoryUser | None:
    """The directory entry for `username`, through the domain's servers (the global ones for None).

    A disabled Active Directory account counts as absent, as CloudStack's user search leaves it out.
    """
    options = options_for(db, domain)
    try:
        with directory.service_connection(servers_for(db, domain.id if domain else None), options) as conn:
            found = directory.find_user(conn, options, username)
    except directory.BaseDnMissing as exc:
        raise invalid_value(str(exc)) from None
    except (directory.DirectoryError, LDAPException) as exc:
        log.info("LDAP lookup of %r failed: %s", username, exc)
        return None
    return None if found is None or found.disabled else found


def create(db: Session, caller: Caller, new: NewLdapAccount, now: datetime) -> Account:
    """The account (created unless one of that name exists in the domain) holding the new LDAP user."""
    if new.role is None and new.account_type is None:
        raise ApiError(ErrorCode.PARAM_ERROR, "Both account type and role ID are not provided")
    if new.domain is not None:
        # Before the directory is asked, so that its answers say nothing about a domain out of reach.
        check_domain(caller, new.domain)
    entry = lookup(db, new.domain, new.username)
    if entry is None:
        raise _unavailable(f"No LDAP user exists with the username of {new.username}")
    for value, label in ((entry.email, "email address"), (entry.firstname, "firstname"), (entry.lastname, "lastname")):
        if value is None:
            raise _unavailable(f"{new.username} has no {label} set within LDAP")
    domain = new.domain or db.get(Domain, ROOT_DOMAIN_ID)
    assert domain is not None
    user = new_user(new.username, entry, new.timezone, new.user_uuid)
    name = new.account_name or new.username
    existing = live_account(db, domain, name)
    if existing is not None:
        add_to(db, caller, existing, user, now)
        return existing
    role, account_type = accounts.resolve_role(db, caller, new.role, new.account_type)
    return open_account(
        db,
        caller,
        name=name,
        domain=domain,
        role=role,
        account_type=account_type,
        user=user,
        network_domain=new.network_domain,
        details=new.details,
        account_uuid=new.account_uuid,
        now=now,
    )


def new_user(
    username: str, entry: directory.DirectoryUser, timezone: str | None, uuid: str | None = None
) -> accounts.NewUser:
    """The user to create for `entry`. Its password is random: nobody logs in with it (the directory checks
    passwords), it only fills the column."""
    return accounts.NewUser(
        username=username,
        password=base64.b64encode(secrets.token_bytes(20)).decode(),
        email=entry.email,
        firstname=entry.firstname or "",
        lastname=entry.lastname or "",
        timezone=timezone,
        uuid=uuid,
        source=SOURCE,
    )


def live_account(db: Session, domain: Domain, name: str) -> Account | None:
    return db.scalars(
        select(Account).where(Account.domain_id == domain.id, Account.name == name, Account.removed.is_(None))
    ).first()


def open_account(
    db: Session,
    caller: Caller,
    *,
    name: str,
    domain: Domain,
    role: Role,
    account_type: int,
    user: accounts.NewUser,
    now: datetime,
    network_domain: str | None = None,
    details: dict[str, str] | None = None,
    account_uuid: str | None = None,
) -> Account:
    """A new account holding `user` as its first user."""
    return accounts.create(
        db,
        caller,
        name=name,
        domain=domain,
        role=role,
        account_type=account_type,
        network_domain=network_domain,
        details=details or {},
        user=user,
        password_hash=passwords.hash_new(db, user.password),
        account_uuid=account_uuid,
        now=now,
    )


def add_to(db: Session, caller: Caller, account: Account, user: accounts.NewUser, now: datetime) -> User:
    """`user` added to an existing account."""
    check_account(caller, account)
    if account.id == accounts.SYSTEM_ACCOUNT_ID:
        raise permission_denied(f"Account: {account.name} is a system account, can't add a user to it")
    accounts.check_username_free(db, user.username, account.domain)
    return accounts.add_user(db, caller, account, user, passwords.hash_new(db, user.password), now)
