"""Directory users as listLdapUsers, searchLdap and importLdapUsers see them.

A domain's users are the entries of its `ldap.user.object` under `ldap.basedn`; in a linked domain only
the members of its linked groups and the entries under its linked OUs (CloudStack puts every linked name
in one memberOf filter, which never matches an OU; we search OUs from the OU instead). Entries disabled
in Active Directory are left out. A directory that cannot be reached lists nobody, as in CloudStack.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import parse_dn
from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, ErrorCode
from nimbostack.db.models import Domain, User
from nimbostack.services.ldap import directory
from nimbostack.services.ldap.links import LinkType, links_of
from nimbostack.services.ldap.options import LdapOptions, options_for, servers_for

log = logging.getLogger(__name__)

# Usernames per IN (...) query when matching directory users with CloudStack users.
_CHUNK = 500


class UserFilter(StrEnum):
    """listLdapUsers' `userfilter`: which directory users already known to CloudStack are left out."""

    NO_FILTER = "NoFilter"
    LOCAL_DOMAIN = "LocalDomain"
    ANY_DOMAIN = "AnyDomain"
    POTENTIAL_IMPORT = "PotentialImport"

    @classmethod
    def parse(cls, userfilter: str | None, listtype: str | None) -> UserFilter:
        """`userfilter` (any case), else the deprecated `listtype`: `all` (the default) or anything else."""
        if userfilter is None:
            return cls.NO_FILTER if listtype in (None, "all") else cls.ANY_DOMAIN
        for member in cls:
            if member.value.lower() == userfilter.lower():
                return member
        raise ApiError(ErrorCode.PARAM_ERROR, f"{userfilter} is not a legal 'UserFilter' value")


@dataclass(frozen=True)
class Listed:
    """A directory user as answered: its entry, where it sits below the base DN, and the source of the
    CloudStack user of the same name (empty when there is none; None when the answer does not say)."""

    entry: directory.DirectoryUser
    location: str
    conflicting_source: str | None = None


def location(dn: str, base_dn: str | None) -> str:
    """The entry's place below the base DN, OUs by name (`uid=x,ou=eng,ou=lab,<base>` is `eng,lab`).

    CloudStack's `domain` field strips `cn=<cn>,`, the base DN and every `ou=` from the DN, which leaves
    `uid=x,...` in for entries not named by cn; we drop the entry's own name whatever its attribute.
    """
    try:
        rdns = [(name, value) for name, value, _ in parse_dn(dn)][1:]
        base = [(name.lower(), value.lower()) for name, value, _ in parse_dn(base_dn)] if base_dn else []
    except LDAPException:
        return ""
    if base and [(n.lower(), v.lower()) for n, v in rdns[-len(base) :]] == base:
        rdns = rdns[: -len(base)]
    return ",".join(value if name.lower() == "ou" else f"{name}={value}" for name, value in rdns)


def _refused_base(exc: directory.BaseDnMissing) -> ApiError:
    # CloudStack throws IllegalArgumentException here: 431.
    return ApiError(ErrorCode.PARAM_ERROR, str(exc))


def directory_users(db: Session, domain: Domain | None) -> tuple[list[directory.DirectoryUser], LdapOptions]:
    """A domain's directory users (the global directory's for None), sorted by username."""
    options = options_for(db, domain)
    links = links_of(db, domain.id) if domain is not None else []
    groups = [link.name for link in links if link.type == LinkType.GROUP]
    ous = [link.name for link in links if link.type == LinkType.OU]
    found: list[directory.DirectoryUser] = []
    try:
        with directory.service_connection(servers_for(db, domain.id if domain else None), options) as conn:
            if not links or groups:
                found += directory.search_users(conn, options, groups=groups)
            for ou in ous:
                found += directory.search_users(conn, options, base=ou)
    except directory.BaseDnMissing as exc:
        raise _refused_base(exc) from None
    except (directory.DirectoryError, LDAPException) as exc:
        log.info("LDAP users of domain %s not listed: %s", domain.uuid if domain else "(global)", exc)
        return [], options
    unique = {user.dn.lower(): user for user in found}
    return sorted(unique.values(), key=lambda u: str(u.username)), options


def group_users(db: Session, domain: Domain | None, group: str) -> tuple[list[directory.DirectoryUser], LdapOptions]:
    """The members of the group with common name `group`, from the domain's directory (global for None)."""
    options = options_for(db, domain)
    try:
        with directory.service_connection(servers_for(db, domain.id if domain else None), options) as conn:
            return directory.group_members(conn, options, group), options
    except directory.BaseDnMissing as exc:
        raise _refused_base(exc) from None
    except (directory.DirectoryError, LDAPException) as exc:
        log.info("Members of LDAP group %r not listed: %s", group, exc)
        return [], options


def search(db: Session, query: str) -> list[Listed]:
    """searchLdap: global directory users whose username contains `query` (taken literally)."""
    options = options_for(db, None)
    try:
        with directory.service_connection(servers_for(db, None), options) as conn:
            found = directory.search_users(conn, options, f"*{escape_filter_chars(query)}*")
    except directory.BaseDnMissing as exc:
        raise _refused_base(exc) from None
    except (directory.DirectoryError, LDAPException) as exc:
        log.info("LDAP search for %r failed: %s", query, exc)
        return []
    return [Listed(user, location(user.dn, options.base_dn)) for user in found]


def source_label(user: User) -> str:
    """The user's source as listUsers shows it."""
    source = user.source.lower()
    return "native" if source == "unknown" else source


def filtered(
    db: Session,
    caller: Caller,
    domain: Domain | None,
    how: UserFilter,
    users: Sequence[directory.DirectoryUser],
    options: LdapOptions,
) -> list[Listed]:
    """listLdapUsers' answer: `users` without those the filter leaves out, each with the source of the
    CloudStack user of the same name (one in the listed domain first).

    NoFilter keeps everyone; LocalDomain and PotentialImport leave out users already imported from LDAP
    into the listed domain (the caller's when no domainid is given); AnyDomain leaves out users imported
    from LDAP into any domain the caller can see. The users compared come from the listed domain's
    subtree (NoFilter), the caller's subtree (AnyDomain) or the listed domain alone (the others).
    """
    own = db.get(Domain, caller.domain_id)
    current = domain or own
    assert own is not None and current is not None
    scope, recursive = {
        UserFilter.NO_FILTER: (current, True),
        UserFilter.ANY_DOMAIN: (own, True),
    }.get(how, (current, False))
    known = _known_users(db, scope, recursive, [str(u.username) for u in users])
    answer = []
    for user in users:
        matches = known.get(str(user.username), [])
        here = [u for u in matches if u.domain_id == current.id]
        imported = [u for u in (matches if how is UserFilter.ANY_DOMAIN else here) if u.source.upper() == "LDAP"]
        if how is not UserFilter.NO_FILTER and imported:
            continue
        shown = here[0] if here else matches[0] if matches else None
        answer.append(Listed(user, location(user.dn, options.base_dn), source_label(shown) if shown else ""))
    return answer


def _known_users(db: Session, scope: Domain, recursive: bool, names: list[str]) -> dict[str, list[User]]:
    """Live CloudStack users with one of `names` (exactly: some databases compare without case) in `scope`."""
    by_name: dict[str, list[User]] = defaultdict(list)
    where = Domain.path.startswith(scope.path) if recursive else Domain.id == scope.id
    for start in range(0, len(names), _CHUNK):
        chunk = names[start : start + _CHUNK]
        wanted = set(chunk)
        rows = db.scalars(
            select(User)
            .join(Domain, User.domain_id == Domain.id)
            .where(User.removed.is_(None), User.username.in_(chunk), where)
            .order_by(User.id)
        ).unique()
        for row in rows:
            if row.username in wanted:
                by_name[row.username].append(row)
    return by_name
