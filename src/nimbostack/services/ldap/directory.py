"""Talking to directory servers with ldap3: fail-over, TLS, the user search and the password check.

Servers are tried in their configured order. A server that cannot be reached, does not answer within
`ldap.read.timeout`, or fails the TLS handshake is skipped for the next one; a server that answers
and refuses the credentials ends the attempt (another replica would refuse them too).
"""

from __future__ import annotations

import logging
import os
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ldap3 import ANONYMOUS, BASE, NONE, SIMPLE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPCommunicationError, LDAPException, LDAPStartTLSError
from ldap3.utils.conv import escape_filter_chars

from nimbostack.services.ldap.options import ACCOUNT_CONTROL, AD_DISABLED_BIT, COMMON_NAME, Endpoint, LdapOptions

log = logging.getLogger(__name__)

# Bind results that say "this server cannot serve now" (busy, unavailable) rather than "wrong password".
_TRY_NEXT_RESULTS = {51, 52}


class DirectoryError(Exception):
    """Any failure to get an answer from the directory."""


class DirectoryUnavailable(DirectoryError):
    """No configured server could be reached (or none is configured)."""


class BindRefused(DirectoryError):
    """A server answered and refused the credentials."""


class TruststoreInvalid(DirectoryError):
    """`ldap.truststore` names no readable CA file."""


class BaseDnMissing(DirectoryError):
    """`ldap.basedn` is not set, so there is nowhere to search."""


@dataclass(frozen=True)
class DirectoryUser:
    dn: str
    username: str | None
    email: str | None
    firstname: str | None
    lastname: str | None
    disabled: bool
    memberships: tuple[str, ...]


def _tls(options: LdapOptions) -> Tls | None:
    if not options.use_tls:
        return None
    if options.truststore and not os.path.isfile(options.truststore):
        raise TruststoreInvalid(f"CA file {options.truststore} not found")
    try:
        # version None: ldap3 builds the context with ssl.create_default_context, then checks the host name.
        return Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=options.truststore or None)
    except LDAPException as exc:
        raise TruststoreInvalid(str(exc)) from exc


def _server(endpoint: Endpoint, options: LdapOptions, tls: Tls | None) -> Server:
    return Server(
        endpoint.host,
        port=endpoint.port,
        use_ssl=options.use_ldaps,
        tls=tls,
        connect_timeout=options.timeout_seconds,
        get_info=NONE,
    )


def _open(endpoint: Endpoint, options: LdapOptions, tls: Tls | None, user: str | None, password: str | None) -> Any:
    """A bound connection to one server; DirectoryUnavailable when it is down, BindRefused when it says no."""
    anonymous = user is None and password is None
    try:
        conn = Connection(
            _server(endpoint, options, tls),
            user=user,
            password=password,
            authentication=ANONYMOUS if anonymous else SIMPLE,
            receive_timeout=options.receive_timeout_seconds,
            read_only=True,
            auto_referrals=False,
            raise_exceptions=False,
        )
    except LDAPException as exc:
        # A host or port ldap3 cannot use (out of range, malformed) is a server nobody can reach.
        raise DirectoryUnavailable(f"{endpoint.host}:{endpoint.port}: {exc}") from exc
    try:
        conn.open()
        if options.starttls and not conn.start_tls():
            raise DirectoryUnavailable(f"StartTLS refused by {endpoint.host}:{endpoint.port}")
        bound = conn.bind()
    except (LDAPCommunicationError, LDAPStartTLSError, ssl.SSLError, OSError) as exc:
        close(conn)
        raise DirectoryUnavailable(f"{endpoint.host}:{endpoint.port}: {exc}") from exc
    except LDAPException as exc:
        # ldap3 refuses some credentials itself (a simple bind without password, for one).
        close(conn)
        raise BindRefused(str(exc)) from exc
    if not bound:
        code, text = conn.result.get("result"), conn.result.get("description")
        close(conn)
        if code in _TRY_NEXT_RESULTS:
            raise DirectoryUnavailable(f"{endpoint.host}:{endpoint.port}: {text}")
        raise BindRefused(f"{endpoint.host}:{endpoint.port}: {text}")
    return conn


def close(conn: Any) -> None:
    """Unbind, ignoring a connection the server or a failed handshake already broke."""
    try:
        conn.unbind()
    except (LDAPException, OSError) as exc:
        log.debug("LDAP unbind failed: %s", exc)


def connect(endpoints: Sequence[Endpoint], options: LdapOptions, user: str | None, password: str | None) -> Any:
    """Bind to the first server that answers; raises DirectoryUnavailable when none does."""
    tls = _tls(options)
    failures: list[str] = []
    for endpoint in endpoints:
        try:
            return _open(endpoint, options, tls, user, password)
        except DirectoryUnavailable as exc:
            log.info("LDAP server unavailable, trying the next one: %s", exc)
            failures.append(str(exc))
    raise DirectoryUnavailable("; ".join(failures) or "no LDAP server is configured")


@contextmanager
def service_connection(endpoints: Sequence[Endpoint], options: LdapOptions) -> Iterator[Any]:
    """A connection bound as `ldap.bind.principal` (anonymous when no principal and password are set)."""
    conn = connect(endpoints, options, options.bind_principal, options.bind_password)
    try:
        yield conn
    finally:
        close(conn)


def _filter(options: LdapOptions, name_assertion: str, groups: Sequence[str] = ()) -> str:
    """`(&(objectClass=..)(<username attr>=<assertion>)[(|(<memberof>=<group>)..)][(<memberof>=<principle>)])`.

    `name_assertion` is already escaped (it may carry wildcards the caller added); every other value is
    escaped here.
    """
    member_of = options.membership_filter_attribute
    parts = [
        f"(objectClass={escape_filter_chars(options.user_object)})",
        f"({options.username_attribute}={name_assertion})",
    ]
    if groups:
        parts.append("(|" + "".join(f"({member_of}={escape_filter_chars(g)})" for g in groups) + ")")
    if options.search_group:
        parts.append(f"({member_of}={escape_filter_chars(options.search_group)})")
    return "(&" + "".join(parts) + ")"


def user_filter(options: LdapOptions, username: str, groups: Sequence[str] = ()) -> str:
    """The filter for one username (escaped), optionally only among members of one of `groups`."""
    return _filter(options, escape_filter_chars(username), groups)


def _require_base(options: LdapOptions) -> str:
    if not options.base_dn:
        raise BaseDnMissing(f"ldap basedn is not configured (for domain: {options.domain_id})")
    return options.base_dn


def _entries(conn: Any) -> list[dict[str, Any]]:
    return [item for item in conn.response or [] if item.get("type") == "searchResEntry"]


def find_user(
    conn: Any, options: LdapOptions, username: str, *, base: str | None = None, groups: Sequence[str] = ()
) -> DirectoryUser | None:
    """The one entry for `username` under `base` (ldap.basedn by default), among members of one of `groups`
    when given; None when there is none or more than one."""
    search_base = _require_base(options) if base is None else base
    try:
        conn.search(
            search_base,
            user_filter(options, username, groups),
            search_scope=SUBTREE,
            attributes=options.returned_attributes(),
            size_limit=2,
        )
    except LDAPCommunicationError as exc:
        raise DirectoryUnavailable(str(exc)) from exc
    entries = _entries(conn)
    if len(entries) != 1:
        return None
    return _user_of(entries[0], options)


def search_users(
    conn: Any, options: LdapOptions, name_assertion: str = "*", *, base: str | None = None, groups: Sequence[str] = ()
) -> list[DirectoryUser]:
    """Every enabled entry whose username matches `name_assertion` (escaped by the caller), in pages of
    `ldap.request.page.size`, sorted by username. Entries without a username are left out."""
    search_base = _require_base(options) if base is None else base
    try:
        found = conn.extend.standard.paged_search(
            search_base,
            _filter(options, name_assertion, groups),
            search_scope=SUBTREE,
            attributes=options.returned_attributes(),
            paged_size=max(options.page_size, 1),
            generator=False,
        )
    except LDAPCommunicationError as exc:
        raise DirectoryUnavailable(str(exc)) from exc
    users = [_user_of(item, options) for item in found or [] if item.get("type") == "searchResEntry"]
    return sorted((u for u in users if u.username and not u.disabled), key=lambda u: str(u.username))


def group_members(conn: Any, options: LdapOptions, group: str) -> list[DirectoryUser]:
    """The user entries listed by the group whose common name is `group`, sorted by username. Members that
    are not user entries or cannot be read are skipped; the principle group does not apply."""
    group_filter = (
        f"(&(objectClass={escape_filter_chars(options.group_object)})({COMMON_NAME}={escape_filter_chars(group)}))"
    )
    member_attribute = options.group_member_attribute
    try:
        conn.search(_require_base(options), group_filter, search_scope=SUBTREE, attributes=[member_attribute])
        entries = _entries(conn)
        member_dns = _all(entries[0].get("attributes") or {}, member_attribute) if entries else []
        users = [user for user in (_user_at(conn, options, dn) for dn in member_dns) if user is not None]
    except LDAPCommunicationError as exc:
        raise DirectoryUnavailable(str(exc)) from exc
    return sorted(users, key=lambda u: str(u.username))


def _user_at(conn: Any, options: LdapOptions, dn: str) -> DirectoryUser | None:
    user_class = f"(objectClass={escape_filter_chars(options.user_object)})"
    try:
        conn.search(dn, user_class, search_scope=BASE, attributes=options.returned_attributes())
    except LDAPCommunicationError:
        raise
    except LDAPException as exc:
        # A member value that is not a valid DN spoils only itself.
        log.info("LDAP group member %r skipped: %s", dn, exc)
        return None
    entries = _entries(conn)
    user = _user_of(entries[0], options) if entries else None
    return user if user is not None and user.username else None


def _user_of(entry: dict[str, Any], options: LdapOptions) -> DirectoryUser:
    attributes = entry.get("attributes") or {}
    control = _first(attributes, ACCOUNT_CONTROL)
    disabled = options.is_ad and control is not None and control.isdigit() and bool(int(control) & AD_DISABLED_BIT)
    member_of = "memberOf" if options.is_ad else options.memberof_attribute
    return DirectoryUser(
        dn=str(entry["dn"]),
        username=_first(attributes, options.username_attribute),
        email=_first(attributes, options.email_attribute),
        firstname=_first(attributes, options.firstname_attribute),
        lastname=_first(attributes, options.lastname_attribute),
        disabled=disabled,
        memberships=tuple(_all(attributes, member_of)),
    )


def _all(attributes: Any, name: str) -> list[str]:
    value = attributes.get(name) if name else None
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _first(attributes: Any, name: str) -> str | None:
    values = _all(attributes, name)
    return values[0] if values else None


def password_accepted(endpoints: Sequence[Endpoint], options: LdapOptions, dn: str, password: str) -> bool:
    """Whether the directory accepts `password` for `dn` (a bind as that entry, on the first server up)."""
    # An empty password would be an unauthenticated bind, which servers accept: never a valid login.
    if not password:
        return False
    try:
        conn = connect(endpoints, options, dn, password)
    except BindRefused:
        return False
    close(conn)
    return True
