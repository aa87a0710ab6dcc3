"""The ldap_configuration rows: add (after a test bind), find, delete.

CloudStack answers these commands' refusals as an internal error whose text is the Java exception's
toString(), class name included; clients see exactly that, so we give the same text.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ldap3.core.exceptions import LDAPException
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nimbostack.api.errors import ApiError, ErrorCode
from nimbostack.db.models import Domain, LdapConfiguration
from nimbostack.services.ldap import directory
from nimbostack.services.ldap.options import Endpoint, options_for

log = logging.getLogger(__name__)

DEFAULT_PORT = 389
_INVALID_VALUE = "com.cloud.exception.InvalidParameterValueException: "


def refused(text: str) -> ApiError:
    """An InvalidParameterValueException re-thrown by the LDAP commands as a 530 ServerApiException."""
    return ApiError(ErrorCode.INTERNAL_ERROR, _INVALID_VALUE + text)


def add(db: Session, hostname: str, port: int, domain: Domain | None, now: datetime) -> LdapConfiguration:
    """Save a server once a bind as the domain's `ldap.bind.principal` worked on it."""
    if port <= 0:
        port = DEFAULT_PORT
    domain_id = domain.id if domain is not None else None
    if find(db, hostname, port, domain_id) is not None:
        raise refused("Duplicate configuration")
    options = options_for(db, domain)
    try:
        with directory.service_connection([Endpoint(hostname, port)], options):
            pass
    except directory.TruststoreInvalid as exc:
        log.info("LDAP server %s:%s refused: %s", hostname, port, exc)
        raise refused("Invalid truststore or truststore password") from None
    except (directory.DirectoryError, LDAPException) as exc:
        log.info("LDAP server %s:%s refused: %s", hostname, port, exc)
        raise refused("Unable to bind to the given LDAP server") from None
    row = LdapConfiguration(hostname=hostname, port=port, domain_id=domain_id, domain_key=domain_id or 0, created=now)
    db.add(row)
    try:
        db.flush()
    except IntegrityError:
        # A twin added meanwhile by another request: the unique key decides. Nothing else was written.
        db.rollback()
        raise refused("Duplicate configuration") from None
    log.info("Added LDAP server ldap://%s:%s%s", hostname, port, "" if domain is None else f" for domain {domain_id}")
    return row


def _matching(hostname: str | None, port: int, domain_id: int | None, list_all: bool) -> Select[Any]:
    """CloudStack's search: a domain's rows, or every row with listall, else the global ones."""
    stmt = select(LdapConfiguration)
    if domain_id is not None:
        stmt = stmt.where(LdapConfiguration.domain_id == domain_id)
    elif not list_all:
        stmt = stmt.where(LdapConfiguration.domain_id.is_(None))
    if hostname is not None:
        stmt = stmt.where(LdapConfiguration.hostname == hostname)
    if port > 0:
        stmt = stmt.where(LdapConfiguration.port == port)
    return stmt


def find(db: Session, hostname: str, port: int, domain_id: int | None) -> LdapConfiguration | None:
    return db.scalars(_matching(hostname, port, domain_id, False).order_by(LdapConfiguration.id)).first()


def search(row_id: int | None, hostname: str | None, port: int, domain_id: int | None, list_all: bool) -> Select[Any]:
    """listLdapConfigurations' query: an id alone decides; otherwise as `_matching`."""
    if row_id is not None:
        return select(LdapConfiguration).where(LdapConfiguration.id == row_id)
    return _matching(hostname, port, domain_id, list_all)


def delete(
    db: Session, row: LdapConfiguration | None, hostname: str | None, port: int, domain: Domain | None
) -> LdapConfiguration:
    """Remove the row given by id, or the one matching hostname (+ port, + domain)."""
    if row is None:
        if not hostname:
            raise refused("Either id or hostname must be specified")
        row = find(db, hostname, port, domain.id if domain is not None else None)
        if row is None:
            raise refused(f"Cannot find configuration with hostname {hostname}")
    db.delete(row)
    db.flush()
    log.info("Removed LDAP server %s:%s", row.hostname, row.port)
    return row
