"""The LDAP password checker of the login chain.

It answers only for users whose source is LDAP, and only when LDAP servers exist for the user's domain
(or globally). In a domain not linked to the directory, the user's entry is found with the domain's bind
principal, then the typed password is checked by binding as that entry. Every failure (wrong password,
no single matching entry, an entry disabled in Active Directory, no server reachable, a setting the
directory rejects) is a plain "no": the login fails with the usual text and counts toward the lockout,
and never becomes a server error.

In a linked domain (linkDomainToLdap, linkAccountToLdap) services/ldap/logins.py decides instead: it may
create the user at its first login (`provision`), and enables, disables or moves users as the directory
says.
"""

from __future__ import annotations

import logging
from datetime import datetime

from ldap3.core.exceptions import LDAPException
from sqlalchemy.orm import Session

from nimbostack.db.models import Domain, User
from nimbostack.runtime import utc_now
from nimbostack.services.ldap import directory, logins
from nimbostack.services.ldap.options import options_for, servers_for

log = logging.getLogger(__name__)


def check(db: Session, user: User, password: str) -> bool | None:
    if user.source.upper() != "LDAP":
        return None
    endpoints = servers_for(db, user.domain_id)
    if not endpoints:
        return None
    if logins.is_linked(db, user.domain_id):
        # The checker interface carries no clock; the time only dates the events of these changes.
        return logins.check(db, user, password, utc_now())
    options = options_for(db, db.get(Domain, user.domain_id))
    try:
        with directory.service_connection(endpoints, options) as conn:
            entry = directory.find_user(conn, options, user.username)
        if entry is None:
            log.info("LDAP login of %r: no single matching directory entry", user.username)
            return False
        if entry.disabled:
            log.info("LDAP login of %r: the directory account %s is disabled", user.username, entry.dn)
            return False
        return directory.password_accepted(endpoints, options, entry.dn, password)
    except (directory.DirectoryError, LDAPException) as exc:
        log.warning("LDAP login of %r failed: %s", user.username, exc)
        return False


def provision(db: Session, username: str, password: str, domain: Domain, now: datetime) -> User | None:
    """A first login in a linked domain: the new user once the directory accepted it, else None."""
    if not servers_for(db, domain.id):
        return None
    return logins.provision(db, username, password, domain, now)
