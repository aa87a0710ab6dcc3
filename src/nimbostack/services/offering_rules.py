"""Rules shared by service and disk offerings: scope to domains and zones, tags, storage and IOPS checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import invalid_value
from nimbostack.db.models import Domain, Zone
from nimbostack.services import settings

STORAGE_TYPES = ("shared", "local")
PROVISIONING_TYPES = ("thin", "sparse", "fat")


def parse_ids(text: str | None) -> list[int]:
    """ ",3,7," -> [3, 7]; None (public / every zone) -> []."""
    return [int(part) for part in (text or "").split(",") if part.strip()]


def wrap_ids(ids: Iterable[int]) -> str | None:
    """[3, 7] -> ",3,7,"; nothing -> None (public / every zone)."""
    unique = sorted(set(ids))
    return "," + ",".join(str(i) for i in unique) + "," if unique else None


def scope_match(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """Rows open to everyone (NULL) or restricted to one of `ids`."""
    return or_(column.is_(None), *(column.like(f"%,{i},%") for i in ids))


def top_domains(domains: Sequence[Domain]) -> list[Domain]:
    """Drop domains whose ancestor is also listed: offering to a parent already covers its children."""
    return [d for d in domains if not any(o.id != d.id and d.path.startswith(o.path) for o in domains)]


def related_domain_ids(db: Session, caller: Caller, recursive: bool = False) -> list[int]:
    """The caller's domain and its ancestors (plus its subtree when recursive): who may use an offering."""
    parts = [p for p in caller.domain_path.split("/") if p]
    paths = ["/" + "".join(f"{p}/" for p in parts[:i]) for i in range(len(parts) + 1)]
    cond: ColumnElement[bool] = Domain.path.in_(paths)
    if recursive:
        cond = or_(cond, Domain.path.startswith(caller.domain_path))
    return list(db.scalars(select(Domain.id).where(cond, Domain.removed.is_(None))))


def check_storage_type(value: str | None) -> str:
    if value is None:
        return "shared"
    if value.lower() not in STORAGE_TYPES:
        raise invalid_value(f"Invalid storage type {value} specified, valid types are: 'local' and 'shared'")
    return value.lower()


def check_provisioning_type(value: str | None) -> str:
    if value is None:
        return "thin"
    if value.lower() not in PROVISIONING_TYPES:
        raise invalid_value(f"Invalid provisioning type {value}; valid types are thin, sparse and fat")
    return value.lower()


def clean_tags(tags: str | None) -> str | None:
    """ "a, b,,c" -> "a,b,c"; blank -> None."""
    if tags is None:
        return None
    parts = [t.strip() for t in tags.split(",") if t.strip()]
    return ",".join(parts) or None


def check_iops(customized: bool | None, min_iops: int | None, max_iops: int | None) -> tuple[int | None, int | None]:
    """Fixed IOPS are kept only when customizediops is false, as CloudStack does."""
    if customized is None or customized:
        return None, None
    if min_iops is None and max_iops is None:
        return 0, 0
    if min_iops is None or min_iops <= 0:
        raise invalid_value("The min IOPS must be greater than 0.")
    max_iops = max_iops or 0
    if min_iops > max_iops:
        raise invalid_value("The min IOPS must be less than or equal to the max IOPS.")
    return min_iops, max_iops


def check_disk_size(db: Session, gib: int | None, what: str = "disk") -> None:
    largest = settings.get_int(db, "storage.max.volume.size")
    if gib is not None and gib > largest:
        raise invalid_value(f"The maximum size for a {what} is {largest} GB.")


def check_admin_scope(caller: Caller, domains: Sequence[Domain], kind: str, verb: str = "create") -> None:
    """Domain admins may only manage offerings restricted to domains in their own subtree."""
    if caller.is_root_admin or caller.is_system:
        return
    if not domains:
        raise invalid_value(f"Unable to {verb} public {kind} by admin: {caller.username} because it is domain-admin")
    for domain in domains:
        if not domain.path.startswith(caller.domain_path):
            raise invalid_value(
                f"Unable to {verb} {kind} by another domain-admin: {caller.username} for domain: {domain.uuid}"
            )


def domains_of(db: Session, text: str | None) -> list[Domain]:
    ids = parse_ids(text)
    return list(db.scalars(select(Domain).where(Domain.id.in_(ids)))) if ids else []


def parse_scope_text(db: Session, value: str, model: Any, everyone: str) -> list[Any]:
    """updateXxxOffering's domainid/zoneid: comma-separated uuids, or `public` / `all` for no restriction."""
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) == 1 and items[0].lower() == everyone:
        return []
    rows = []
    for item in items:
        row = db.scalars(select(model).where(model.uuid == item.lower(), model.removed.is_(None))).first()
        if row is None:
            noun = "domain" if model is Domain else "zone"
            raise invalid_value(f"Failed to update offering because invalid {noun} has been specified.")
        rows.append(row)
    return rows


@dataclass
class OfferingChanges:
    """What updateServiceOffering / updateDiskOffering may change; None leaves a field as it is."""

    name: str | None = None
    display_text: str | None = None
    sort_key: int | None = None
    state: str | None = None
    tags: str | None = None  # storage tags
    host_tags: str | None = None
    display_offering: bool | None = None
    domains: list[Domain] | None = None
    zones: list[Zone] | None = None


def check_state(value: str) -> str:
    for known in ("Active", "Inactive"):
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value(f"Invalid state {value}; valid states are Active and Inactive")


def check_admin_update(db: Session, caller: Caller, current: str | None, changes: OfferingChanges, kind: str) -> None:
    if caller.is_root_admin or caller.is_system:
        return
    if changes.zones is not None:
        raise invalid_value(f"Unable to update zone(s) for {kind} by admin: {caller.username} as it is domain-admin")
    existing = domains_of(db, current)
    if not existing:
        raise invalid_value(f"Unable to update public {kind} by user: {caller.username} because it is domain-admin")
    if changes.domains is not None:
        check_admin_scope(caller, changes.domains, kind, "update")


def state_filter(column: Any, value: str | None) -> ColumnElement[bool]:
    """The `state` list filter: Active by default, `all` for both."""
    if value is None or not value.strip():
        return column == "Active"  # type: ignore[no-any-return]
    if value.strip().lower() == "all":
        return true()
    return column == check_state(value)  # type: ignore[no-any-return]
