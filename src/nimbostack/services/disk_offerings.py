"""Disk offerings: fixed or custom size, IOPS, storage tags, domain and zone scope."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import invalid_value
from nimbostack.db.models import DiskOffering, Domain, Zone
from nimbostack.services import events
from nimbostack.services.offering_rules import (
    OfferingChanges,
    check_admin_scope,
    check_admin_update,
    check_disk_size,
    check_iops,
    check_provisioning_type,
    check_state,
    check_storage_type,
    clean_tags,
    domains_of,
    top_domains,
    wrap_ids,
)

GIB = 1024**3


@dataclass
class DiskOfferingSpec:
    name: str
    display_text: str
    disk_size: int | None = None  # GiB
    customized: bool | None = None
    customized_iops: bool | None = None
    min_iops: int | None = None
    max_iops: int | None = None
    tags: str | None = None
    storage_type: str | None = None
    provisioning_type: str | None = None
    display_offering: bool | None = None
    domains: list[Domain] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)


def create_disk_offering(db: Session, caller: Caller, spec: DiskOfferingSpec, now: datetime) -> DiskOffering:
    customized = bool(spec.customized)
    if not customized and spec.disk_size is None:
        raise invalid_value("Disksize is required for a non-customized disk offering")
    if customized and spec.disk_size is not None:
        raise invalid_value("Disksize is not allowed for a customized disk offering")
    storage_type = check_storage_type(spec.storage_type)
    if spec.disk_size is not None and spec.disk_size <= 0:
        raise invalid_value("Please specify a disk size of at least 1 GB.")
    check_disk_size(db, spec.disk_size)
    provisioning = check_provisioning_type(spec.provisioning_type)
    min_iops, max_iops = check_iops(spec.customized_iops, spec.min_iops, spec.max_iops)
    domains = top_domains(spec.domains)
    check_admin_scope(caller, domains, "disk offering")
    offering = DiskOffering(
        name=spec.name,
        display_text=spec.display_text,
        disk_size=(spec.disk_size or 0) * GIB,
        customized=customized or not spec.disk_size,
        customized_iops=spec.customized_iops,
        min_iops=min_iops,
        max_iops=max_iops,
        tags=clean_tags(spec.tags),
        storage_type=storage_type,
        provisioning_type=provisioning,
        display_offering=True if spec.display_offering is None else spec.display_offering,
        domain_ids=wrap_ids(d.id for d in domains),
        zone_ids=wrap_ids(z.id for z in spec.zones),
        details=json.dumps(spec.details) if spec.details else None,
        created=now,
    )
    db.add(offering)
    db.flush()
    _event(db, caller, "DISK.OFFERING.CREATE", f"Successfully created disk offering {offering.name}", offering, now)
    return offering


def update_disk_offering(
    db: Session, caller: Caller, offering: DiskOffering, changes: OfferingChanges, now: datetime
) -> DiskOffering:
    check_admin_update(db, caller, offering.domain_ids, changes, "disk offering")
    if changes.name is not None:
        offering.name = changes.name
    if changes.display_text is not None:
        offering.display_text = changes.display_text
    if changes.sort_key is not None:
        offering.sort_key = changes.sort_key
    if changes.display_offering is not None:
        offering.display_offering = changes.display_offering
    if changes.state is not None:
        offering.state = check_state(changes.state)
    if changes.tags is not None:
        offering.tags = clean_tags(changes.tags)
    if changes.domains is not None:
        offering.domain_ids = wrap_ids(d.id for d in top_domains(changes.domains))
    if changes.zones is not None:
        offering.zone_ids = wrap_ids(z.id for z in changes.zones)
    db.flush()
    _event(db, caller, "DISK.OFFERING.EDIT", f"Successfully updated disk offering {offering.name}", offering, now)
    return offering


def delete_disk_offering(db: Session, caller: Caller, offering: DiskOffering, now: datetime) -> None:
    """Kept and marked Inactive, as CloudStack does; listDiskOfferings state=all still shows it."""
    if not (caller.is_root_admin or caller.is_system):
        existing = domains_of(db, offering.domain_ids)
        if not existing:
            raise invalid_value(
                f"Unable to delete public disk offering: {offering.name} by admin: {caller.username} because it is "
                "domain-admin"
            )
        check_admin_scope(caller, existing, "disk offering", "delete")
    offering.state = "Inactive"
    _event(db, caller, "DISK.OFFERING.DELETE", f"Successfully deleted disk offering {offering.name}", offering, now)


def _event(db: Session, caller: Caller, kind: str, text: str, row: DiskOffering, now: datetime) -> None:
    events.record(
        db, caller, kind, text, now, resource_type="DiskOffering", resource_uuid=row.uuid, resource_name=row.name
    )
