"""Domain rules: placement in the tree, naming, deletion with or without cleanup."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, ErrorCode, internal, invalid_value, permission_denied
from nimbostack.auth.access import check_domain
from nimbostack.db.models import Account, Domain, LdapTrustMap
from nimbostack.services import events

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)
NETWORK_DOMAIN_TEXT = (
    "Invalid network domain. Total length should not exceed 190 chars. Each domain label must be between 1 "
    "and 63 characters long. It can contain ASCII letters 'a' through 'z', the digits '0' through '9', and "
    "the hyphen ('-'); it cannot start or end with \"-\"."
)


def check_network_domain(value: str | None) -> None:
    if value is None or value == "":
        return
    if len(value) > 190 or not all(_LABEL.match(label) for label in value.split(".")):
        raise invalid_value(NETWORK_DOMAIN_TEXT)


def create(
    db: Session,
    caller: Caller,
    name: str,
    parent: Domain | None,
    network_domain: str | None,
    forced_uuid: str | None,
    now: datetime,
) -> Domain:
    parent = parent or db.get(Domain, 1)
    assert parent is not None
    if parent.removed is not None:
        raise invalid_value(f"Unable to create domain {name}, parent domain {parent.uuid} not found.")
    check_domain(caller, parent)
    if parent.state != "Active":
        raise internal(f"The domain cannot be created as the parent domain {parent.name} is being deleted")
    if not name.strip() or "/" in name:
        raise invalid_value("Domain name must not be empty or contain '/'")
    check_network_domain(network_domain)
    path = f"{parent.path}{name}/"
    if db.scalar(select(func.count()).where(Domain.path == path, Domain.removed.is_(None))):
        raise invalid_value(f"Domain with name [{name}] already exists for the parent with ID [{parent.uuid}].")
    domain = Domain(
        name=name,
        parent_id=parent.id,
        path=path,
        level=parent.level + 1,
        network_domain=network_domain or None,
        created=now,
    )
    if forced_uuid:
        if db.scalar(select(func.count()).where(Domain.uuid == forced_uuid)):
            raise invalid_value(f"Domain with uuid {forced_uuid} already exists")
        domain.uuid = forced_uuid
    db.add(domain)
    db.flush()
    domain.parent = parent
    events.record(
        db,
        caller,
        "DOMAIN.CREATE",
        f"Successfully created domain {name}",
        now,
        resource_type="Domain",
        resource_uuid=domain.uuid,
        resource_name=name,
    )
    return domain


def update_domain(
    db: Session, caller: Caller, domain: Domain, name: str | None, network_domain: str | None, now: datetime
) -> Domain:
    _require_live(domain)
    check_domain(caller, domain)
    if domain.id == 1 and name and name != domain.name:
        raise invalid_value("ROOT domain can not be edited with a new name")
    check_network_domain(network_domain)
    if name and name != domain.name:
        if "/" in name:
            raise invalid_value("Domain name must not contain '/'")
        parent = domain.parent
        assert parent is not None
        new_path = f"{parent.path}{name}/"
        if db.scalar(select(func.count()).where(Domain.path == new_path, Domain.removed.is_(None))):
            raise invalid_value(f"Domain with name [{name}] already exists for the parent with ID [{parent.uuid}].")
        _rename_subtree(db, domain.path, new_path)
        domain.name = name
    if network_domain is not None:
        domain.network_domain = network_domain or None
    events.record(
        db,
        caller,
        "DOMAIN.UPDATE",
        f"Successfully updated domain {domain.name}",
        now,
        resource_type="Domain",
        resource_uuid=domain.uuid,
        resource_name=domain.name,
    )
    return domain


def _rename_subtree(db: Session, old_path: str, new_path: str) -> None:
    for row in db.scalars(select(Domain).where(Domain.path.startswith(old_path), Domain.removed.is_(None))):
        row.path = new_path + row.path[len(old_path) :]


def delete(db: Session, caller: Caller, domain: Domain, cleanup: bool, now: datetime) -> None:
    """Remove a domain. With cleanup its subdomains and accounts go too; without, they must not exist."""
    if domain.removed is not None:
        raise invalid_value(f"Failed to delete domain {domain.uuid}, domain not found")
    if domain.id == 1:
        raise permission_denied("Can't delete ROOT domain")
    check_domain(caller, domain)
    if caller.domain_id == domain.id or caller.domain_path.startswith(domain.path):
        raise permission_denied("Can't delete the caller's own domain or one of its parents")
    subtree = list(
        db.scalars(
            select(Domain)
            .where(Domain.path.startswith(domain.path), Domain.removed.is_(None))
            .order_by(Domain.level.desc())
        )
    )
    accounts = list(
        db.scalars(select(Account).where(Account.domain_id.in_([d.id for d in subtree]), Account.removed.is_(None)))
    )
    if not cleanup and (len(subtree) > 1 or accounts):
        raise ApiError(
            ErrorCode.INTERNAL_ERROR,
            f"Delete failed on domain {domain.name} (id: {domain.uuid}); Please make sure all users and sub "
            "domains have been removed from the domain before deleting",
        )
    from nimbostack.services import accounts as account_service

    for account in accounts:
        account_service.remove(db, caller, account, now)
    db.execute(sql_delete(LdapTrustMap).where(LdapTrustMap.domain_id.in_([d.id for d in subtree])))
    for row in subtree:
        row.state = "Inactive"
        row.mark_removed(now)
    events.record(
        db,
        caller,
        "DOMAIN.DELETE",
        f"Successfully deleted domain {domain.name}",
        now,
        resource_type="Domain",
        resource_uuid=domain.uuid,
        resource_name=domain.name,
    )


def _require_live(domain: Domain) -> None:
    if domain.removed is not None:
        raise invalid_value(f"Unable to find domain by id {domain.uuid}")
