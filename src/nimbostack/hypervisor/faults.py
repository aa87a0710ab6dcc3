"""Configured simulator faults: which one applies to a call, and using it up.

A fault names an operation (CloudStack's agent command name where one exists, e.g. MaintainCommand,
StartCommand) and a scope: any of zone, pod, cluster, host and VM name, unset meaning "any". The most
specific live fault wins, the oldest among equals; `remaining` counts the calls it still applies to
(-1: every call until removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from nimbostack.db.models import SimulatorFault

# Operation names the simulator checks. CloudStack's agent commands, except the two marked ours.
READY = "ReadyCommand"  # a host is added
CHECK_HEALTH = "CheckHealthCommand"  # a host's status is checked
MAINTAIN = "MaintainCommand"
CANCEL_MAINTENANCE = "CancelMaintenanceCommand"  # ours: CloudStack sends no agent command here
MODIFY_POOL = "ModifyStoragePoolCommand"
START = "StartCommand"
STOP = "StopCommand"
REBOOT = "RebootCommand"
PREPARE_MIGRATION = "PrepareForMigrationCommand"
MIGRATE = "MigrateCommand"
CREATE_VOLUME = "CreateCommand"
DELETE_VOLUME = "DeleteCommand"
ATTACH_VOLUME = "AttachCommand"
DETACH_VOLUME = "DettachCommand"  # sic: CloudStack's spelling

OPERATIONS = (
    READY,
    CHECK_HEALTH,
    MAINTAIN,
    CANCEL_MAINTENANCE,
    MODIFY_POOL,
    START,
    STOP,
    REBOOT,
    PREPARE_MIGRATION,
    MIGRATE,
    CREATE_VOLUME,
    DELETE_VOLUME,
    ATTACH_VOLUME,
    DETACH_VOLUME,
)


@dataclass(frozen=True)
class Target:
    """What a call acts on, as fault scopes see it."""

    zone_id: int | None = None
    pod_id: int | None = None
    cluster_id: int | None = None
    host_id: int | None = None
    vm_name: str | None = None


def _matches(column: Any, value: int | str | None) -> ColumnElement[bool]:
    # A fault's unset scope column matches any call; a set one only calls on that very place.
    if value is None:
        return column.is_(None)  # type: ignore[no-any-return]
    return or_(column.is_(None), column == value)


def _specificity(fault: SimulatorFault) -> tuple[int, int]:
    scopes = (fault.zone_id, fault.pod_id, fault.cluster_id, fault.host_id, fault.vm_name)
    return (sum(1 for s in scopes if s is not None), -fault.id)


def find(db: Session, operation: str, target: Target) -> SimulatorFault | None:
    """The live fault that applies to this call, if any."""
    stmt = select(SimulatorFault).where(
        func.lower(SimulatorFault.operation) == operation.lower(),
        SimulatorFault.remaining != 0,
        _matches(SimulatorFault.zone_id, target.zone_id),
        _matches(SimulatorFault.pod_id, target.pod_id),
        _matches(SimulatorFault.cluster_id, target.cluster_id),
        _matches(SimulatorFault.host_id, target.host_id),
        _matches(SimulatorFault.vm_name, target.vm_name),
    )
    candidates = list(db.scalars(stmt).all())
    return max(candidates, key=_specificity) if candidates else None


def use(db: Session, fault: SimulatorFault) -> bool:
    """Count one call against the fault; False when another call took its last use first."""
    if fault.remaining < 0:
        return True
    taken = db.execute(
        update(SimulatorFault)
        .where(SimulatorFault.id == fault.id, SimulatorFault.remaining > 0)
        .values(remaining=SimulatorFault.remaining - 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    db.expire(fault)
    return bool(taken)


def take(db: Session, operation: str, target: Target) -> SimulatorFault | None:
    """Find the applying fault and use it up once; None when no fault applies (any more)."""
    for _ in range(3):
        fault = find(db, operation, target)
        if fault is None:
            return None
        if use(db, fault):
            return fault
    return None
