"""Service (compute) offerings: validation as CloudStack does it, domain/zone scope, and the seeded defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import invalid_value
from nimbostack.db.models import DiskOffering, Domain, ServiceOffering, Zone
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
from nimbostack.services.ostypes import seed_os_types

INT_MAX = 2**31 - 1
# systemvmtype values as CloudStack names them (VirtualMachine.Type, lower-cased).
SYSTEM_VM_TYPES = ("domainrouter", "consoleproxy", "secondarystoragevm", "internalloadbalancervm")


# --- service offerings ----------------------------------------------------------------------------------


@dataclass
class ServiceOfferingSpec:
    name: str
    display_text: str
    cpu_number: int | None = None
    cpu_speed: int | None = None
    memory: int | None = None
    customized: bool | None = None
    min_cpu: int | None = None
    max_cpu: int | None = None
    min_memory: int | None = None
    max_memory: int | None = None
    offer_ha: bool = False
    limit_cpu_use: bool = False
    is_volatile: bool = False
    host_tags: str | None = None
    storage_tags: str | None = None
    storage_type: str | None = None
    provisioning_type: str | None = None
    is_system: bool = False
    system_vm_type: str | None = None
    network_rate: int | None = None
    root_disk_size: int | None = None
    dynamic_scaling: bool = True
    customized_iops: bool | None = None
    min_iops: int | None = None
    max_iops: int | None = None
    disk_offering: DiskOffering | None = None
    domains: list[Domain] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)


def _check_compute(spec: ServiceOfferingSpec) -> bool:
    """CPU and memory rules; answers whether the offering is customized."""
    name = spec.name
    customized = bool(spec.customized) or spec.cpu_number is None or spec.memory is None
    if customized:
        if spec.cpu_number is not None or spec.memory is not None:
            raise invalid_value("For creating a custom compute offering cpu and memory all should be null")
        limits = (spec.min_cpu, spec.max_cpu, spec.min_memory, spec.max_memory)
        if any(v is None for v in limits) and any(v is not None for v in limits):
            raise invalid_value(
                "For creating a custom compute offering min/max cpu and min/max memory should all be null or all "
                "specified"
            )
        if spec.min_cpu is not None and spec.max_cpu is not None and (spec.min_cpu <= 0 or spec.max_cpu <= 0):
            raise invalid_value(
                f"Failed to create service offering {name}: specify the minimum or minimum cpu number value "
                f"between 1 and {INT_MAX}"
            )
        if spec.min_memory is not None and spec.min_memory < 32:
            raise invalid_value(
                f"Failed to create service offering {name}: specify the memory value between 32 and {INT_MAX} MB"
            )
        if spec.cpu_speed is not None and spec.cpu_speed < 0:
            raise invalid_value(
                f"Failed to create service offering {name}: specify the cpu speed value between 0 and {INT_MAX}"
            )
        return True
    if spec.cpu_number is not None and spec.cpu_number <= 0:
        raise invalid_value(
            f"Failed to create service offering {name}: specify the cpu number value between 1 and {INT_MAX}"
        )
    if spec.cpu_speed is None or spec.cpu_speed < 0:
        raise invalid_value(
            f"Failed to create service offering {name}: specify the cpu speed value between 0 and {INT_MAX}"
        )
    if spec.memory is not None and spec.memory < 32:
        raise invalid_value(
            f"Failed to create service offering {name}: specify the memory value between 32 and {INT_MAX} MB"
        )
    return False


def _check_system(spec: ServiceOfferingSpec) -> str | None:
    if not spec.is_system:
        return None
    vm_type = (spec.system_vm_type or "domainrouter").lower()
    if vm_type not in SYSTEM_VM_TYPES:
        raise invalid_value("Invalid systemVmType. Supported types are: DomainRouter, ConsoleProxy, SecondaryStorageVm")
    if spec.customized_iops is not None:
        raise invalid_value("Customized IOPS is not a valid parameter for a system VM.")
    return vm_type


def create_service_offering(db: Session, caller: Caller, spec: ServiceOfferingSpec, now: datetime) -> ServiceOffering:
    name = spec.name
    if not name:
        raise invalid_value("Failed to create service offering: specify the name that has non-zero length")
    if not spec.display_text:
        raise invalid_value(
            f"Failed to create service offering {name}: specify the display text that has non-zero length"
        )
    customized = _check_compute(spec)
    storage_type = check_storage_type(spec.storage_type)
    if storage_type == "local" and spec.offer_ha:
        raise invalid_value("HA offering with local storage is not supported. ")
    vm_type = _check_system(spec)
    if spec.network_rate is not None:
        if vm_type not in (None, "domainrouter"):
            raise invalid_value(
                'Network rate can be specified only for non-System offering and system offerings having "domainrouter" '
                "systemvmtype"
            )
        if spec.network_rate < 0:
            raise invalid_value(f"Failed to create service offering {name}: specify the network rate value more than 0")
    if spec.disk_offering is not None and (spec.disk_offering.compute_only or spec.disk_offering.state != "Active"):
        raise invalid_value("Please specify a valid disk offering.")
    min_iops, max_iops = check_iops(spec.customized_iops, spec.min_iops, spec.max_iops)
    if spec.root_disk_size is not None and spec.root_disk_size <= 0:
        raise invalid_value(f"The Root disk size is of {spec.root_disk_size} GB but it must be greater than 0.")
    check_disk_size(db, spec.root_disk_size, "disk")
    domains = top_domains(spec.domains)
    check_admin_scope(caller, domains, "service offering")
    details = dict(spec.details)
    if customized and spec.min_cpu is not None:
        details.update(
            mincpunumber=str(spec.min_cpu),
            maxcpunumber=str(spec.max_cpu),
            minmemory=str(spec.min_memory),
            maxmemory=str(spec.max_memory),
        )
    disk = {"customizediops": spec.customized_iops, "miniops": min_iops, "maxiops": max_iops}
    offering = ServiceOffering(
        name=name,
        display_text=spec.display_text,
        cpu_number=spec.cpu_number,
        cpu_speed=spec.cpu_speed,
        memory=spec.memory,
        customized=customized,
        offer_ha=spec.offer_ha,
        limit_cpu_use=spec.limit_cpu_use,
        is_volatile=spec.is_volatile,
        host_tag=clean_tags(spec.host_tags),
        storage_tags=clean_tags(spec.storage_tags),
        storage_type=storage_type,
        provisioning_type=check_provisioning_type(spec.provisioning_type),
        network_rate=spec.network_rate,
        is_system=spec.is_system,
        system_vm_type=vm_type,
        dynamic_scaling_enabled=spec.dynamic_scaling,
        root_disk_size=spec.root_disk_size,
        disk_offering_id=spec.disk_offering.id if spec.disk_offering else None,
        domain_ids=wrap_ids(d.id for d in domains),
        zone_ids=wrap_ids(z.id for z in spec.zones),
        details=json.dumps({"details": details, "disk": {k: v for k, v in disk.items() if v is not None}}),
        created=now,
    )
    db.add(offering)
    db.flush()
    _event(db, caller, "SERVICE.OFFERING.CREATE", f"Successfully created service offering {name}", offering, now)
    return offering


def update_service_offering(
    db: Session, caller: Caller, offering: ServiceOffering, changes: OfferingChanges, now: datetime
) -> ServiceOffering:
    check_admin_update(db, caller, offering.domain_ids, changes, "service offering")
    if changes.name is not None:
        offering.name = changes.name
    if changes.display_text is not None:
        offering.display_text = changes.display_text
    if changes.sort_key is not None:
        offering.sort_key = changes.sort_key
    if changes.state is not None:
        offering.state = check_state(changes.state)
    if changes.host_tags is not None:
        offering.host_tag = clean_tags(changes.host_tags)
    if changes.tags is not None:
        offering.storage_tags = clean_tags(changes.tags)
    if changes.domains is not None:
        offering.domain_ids = wrap_ids(d.id for d in top_domains(changes.domains))
    if changes.zones is not None:
        offering.zone_ids = wrap_ids(z.id for z in changes.zones)
    db.flush()
    _event(db, caller, "SERVICE.OFFERING.EDIT", f"Successfully updated service offering {offering.name}", offering, now)
    return offering


def delete_service_offering(db: Session, caller: Caller, offering: ServiceOffering, now: datetime) -> None:
    """CloudStack keeps the row and marks it Inactive; listServiceOfferings state=all still shows it."""
    if offering.default_use:
        raise invalid_value(
            f"The system service offering [{offering.display_text}] is marked for default use and cannot be deleted"
        )
    if not (caller.is_root_admin or caller.is_system):
        existing = domains_of(db, offering.domain_ids)
        if not existing:
            raise invalid_value(
                f"Unable to delete public service offering: {offering.name} by admin: {caller.username} because it "
                "is domain-admin"
            )
        check_admin_scope(caller, existing, "service offering", "delete")
    offering.state = "Inactive"
    _event(
        db, caller, "SERVICE.OFFERING.DELETE", f"Successfully deleted service offering {offering.name}", offering, now
    )


def _event(db: Session, caller: Caller, kind: str, text: str, row: Any, now: datetime) -> None:
    resource = "ServiceOffering" if isinstance(row, ServiceOffering) else "DiskOffering"
    events.record(db, caller, kind, text, now, resource_type=resource, resource_uuid=row.uuid, resource_name=row.name)


# --- CloudStack's seeded catalogue ------------------------------------------------------------------------

# (name, cpus, MHz, MiB, offer HA, systemvmtype): the system VM offerings and their " - Local Storage" twins.
_SYSTEM_OFFERINGS = (
    ("System Offering For Software Router", 1, 500, 256, True, "domainrouter"),
    ("System Offering For Console Proxy", 1, 500, 1024, False, "consoleproxy"),
    ("System Offering For Secondary Storage VM", 1, 500, 512, False, "secondarystoragevm"),
    ("System Offering For Internal LB VM", 1, 256, 256, False, "internalloadbalancervm"),
    ("System Offering For Elastic LB VM", 1, 128, 128, False, "elasticloadbalancervm"),
)
# (name, display text, GiB; 0 = custom). "Large" twice: CloudStack's first-start code seeds it twice.
_DISK_OFFERINGS = (
    ("Small", "Small Disk, 5 GB", 5),
    ("Medium", "Medium Disk, 20 GB", 20),
    ("Large", "Large Disk, 100 GB", 100),
    ("Large", "Large Disk, 100 GB", 100),
    ("Custom", "Custom Disk", 0),
)


def seed_catalog(db: Session, now: datetime) -> None:
    """CloudStack's first-start offerings and the OS list; offerings only into an empty catalogue."""
    seed_os_types(db, now)
    if db.scalar(select(func.count()).select_from(ServiceOffering)) or db.scalar(
        select(func.count()).select_from(DiskOffering).where(DiskOffering.compute_only == false())
    ):
        return
    for name, mib, mhz in (("Small Instance", 512, 500), ("Medium Instance", 1024, 1000)):
        db.add(
            ServiceOffering(
                name=name, display_text=name, cpu_number=1, cpu_speed=mhz, memory=mib, details=None, created=now
            )
        )
    for name, cpus, mhz, mib, ha, vm_type in _SYSTEM_OFFERINGS:
        for suffix, storage in (("", "shared"), (" - Local Storage", "local")):
            db.add(
                ServiceOffering(
                    name=name + suffix,
                    display_text=name + suffix,
                    cpu_number=cpus,
                    cpu_speed=mhz,
                    memory=mib,
                    offer_ha=ha and storage == "shared",
                    storage_type=storage,
                    is_system=True,
                    system_vm_type=vm_type,
                    default_use=True,
                    created=now,
                )
            )
    for name, text, gib in _DISK_OFFERINGS:
        db.add(DiskOffering(name=name, display_text=text, disk_size=gib * 1024**3, customized=gib == 0, created=now))
    db.flush()
