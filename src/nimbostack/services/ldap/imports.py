"""importLdapUsers: CloudStack users (source LDAP) for every directory user of a domain, or of one group.

Each user goes into the account named `account` (its username when left out) of the target domain,
which is created when missing; a user that already exists in the domain gets its names and e-mail
address from the directory. Without `domainid` the target domain is a child of ROOT named after the
group, or else after the user's OU (letters, digits and `_` only, at most 190 characters), created when
missing; a user with neither goes to ROOT. A user CloudStack refuses with an invalid-value error (a name
taken by another account, say) is skipped and left out of the answer; anything else ends the import.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode
from nimbostack.auth.access import check_account, check_domain
from nimbostack.db.models import Domain, Role, User
from nimbostack.services import accounts, domains, events
from nimbostack.services.ldap import directory
from nimbostack.services.ldap.accounts import ROOT_DOMAIN_ID, add_to, live_account, new_user, open_account
from nimbostack.services.ldap.listing import Listed, directory_users, group_users, location

log = logging.getLogger(__name__)

# CloudStack keeps word characters of the group or OU name, and at most this many.
_DOMAIN_NAME_LENGTH = 190
_NOT_WORD = re.compile(r"\W", re.ASCII)


@dataclass(frozen=True)
class ImportRequest:
    domain: Domain | None
    group: str | None
    account_name: str | None
    role: Role | None
    account_type: int | None
    timezone: str | None
    details: dict[str, str]


def import_users(db: Session, caller: Caller, request: ImportRequest, now: datetime) -> list[Listed]:
    """The users imported or updated, in the directory's order."""
    if request.role is None and request.account_type is None:
        raise ApiError(ErrorCode.PARAM_ERROR, "Both account type and role ID are not provided")
    if request.domain is not None:
        check_domain(caller, request.domain)
    role, account_type = accounts.resolve_role(db, caller, request.role, request.account_type)
    if request.group:
        entries, options = group_users(db, request.domain, request.group)
    else:
        entries, options = directory_users(db, request.domain)
    shared = request.domain
    if shared is None and request.group and entries:
        shared = _domain_named(db, caller, request.group, now)
    imported = []
    for entry in entries:
        where = location(entry.dn, options.base_dn)
        domain = shared or _domain_named(db, caller, where, now) or db.get(Domain, ROOT_DOMAIN_ID)
        assert domain is not None
        try:
            _import(db, caller, request, entry, domain, role, account_type, now)
        except ApiError as exc:
            if exc.cs_code is not CsErrorCode.INVALID_PARAMETER_VALUE:
                raise
            log.error("Failed to import LDAP user %r: %s", entry.username, exc.text)
            continue
        imported.append(Listed(entry, where))
    return imported


def _domain_named(db: Session, caller: Caller, name: str, now: datetime) -> Domain | None:
    """The child of ROOT named after a group or OU, created when missing; None for a name without letters."""
    clean = _NOT_WORD.sub("", name)[:_DOMAIN_NAME_LENGTH]
    if not clean:
        return None
    existing = db.scalars(
        select(Domain).where(Domain.parent_id == ROOT_DOMAIN_ID, Domain.name == clean, Domain.removed.is_(None))
    ).first()
    if existing is not None:
        return existing
    root = db.get(Domain, ROOT_DOMAIN_ID)
    try:
        domains.check_network_domain(clean)
        network_domain: str | None = clean
    except ApiError:
        # CloudStack names the network domain after the domain; `_` is not allowed there.
        network_domain = None
    log.info("Creating domain %r for imported LDAP users", clean)
    return domains.create(db, caller, clean, root, network_domain, None, now)


def _import(
    db: Session,
    caller: Caller,
    request: ImportRequest,
    entry: directory.DirectoryUser,
    domain: Domain,
    role: Role,
    account_type: int,
    now: datetime,
) -> None:
    username = str(entry.username)
    name = request.account_name or username
    account = live_account(db, domain, name)
    if account is None:
        open_account(
            db,
            caller,
            name=name,
            domain=domain,
            role=role,
            account_type=account_type,
            user=new_user(username, entry, request.timezone),
            network_domain=domain.network_domain,
            details=request.details,
            now=now,
        )
        return
    existing = db.scalars(
        select(User).where(User.domain_id == domain.id, User.username == username, User.removed.is_(None))
    ).first()
    if existing is None:
        add_to(db, caller, account, new_user(username, entry, request.timezone), now)
        return
    _update(db, caller, existing, entry, now)


def _update(db: Session, caller: Caller, user: User, entry: directory.DirectoryUser, now: datetime) -> None:
    """Names and e-mail address as the directory has them now (values it lacks are kept)."""
    check_account(caller, user.account)
    for field, value in (("firstname", entry.firstname), ("lastname", entry.lastname), ("email", entry.email)):
        if value is not None:
            setattr(user, field, value)
    events.record(
        db,
        caller,
        "USER.UPDATE",
        f"Successfully updated user {user.username}",
        now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=user.username,
        account_id=user.account_id,
        domain_id=user.domain_id,
    )
