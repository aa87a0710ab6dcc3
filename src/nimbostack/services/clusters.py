"""Cluster rules: hypervisor and type, placement in a pod, renaming, and what blocks deletion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from nimbostack import hypervisor as hv
from nimbostack.api.context import Caller
from nimbostack.api.errors import internal, invalid_value
from nimbostack.db.models import Cluster, Host, Pod, StoragePool, Zone
from nimbostack.services.pods import allocation_state

CLUSTER_TYPES = ("CloudManaged", "ExternalManaged")
MANAGED_STATES = ("Managed", "Unmanaged")
ARCHES = ("x86_64", "aarch64")


def hypervisor_type(name: str | None) -> str:
    """CloudStack's name of a hypervisor we have a driver for; 431 for unknown or unsupported ones."""
    if not name or not name.strip():
        raise invalid_value("Please specify a hypervisor")
    known = hv.canonical(name)
    if known is None:
        raise invalid_value(f"Unable to resolve {name} to a supported hypervisor type")
    if known not in hv.SUPPORTED:
        raise invalid_value(f"Could not find corresponding resource manager for {name}")
    return known


def _cluster_type(value: str | None) -> str:
    if not value:
        return "CloudManaged"
    if value not in CLUSTER_TYPES:
        raise invalid_value(f"Unable to resolve {value} to a supported type")
    return value


def _arch(value: str | None) -> str:
    if not value:
        return "x86_64"
    for known in ARCHES:
        if known == value.strip().lower():
            return known
    raise invalid_value(f"Invalid arch type {value}; valid types are {', '.join(ARCHES)}")


def _check_name_free(db: Session, pod: Pod, name: str) -> None:
    taken = db.scalar(
        select(func.count()).where(Cluster.pod_id == pod.id, Cluster.name == name, Cluster.removed.is_(None))
    )
    if taken:
        raise internal(f"Unable to create cluster {name} in pod and data center with specified ids")


def add(
    db: Session,
    caller: Caller,
    *,
    zone: Zone,
    pod: Pod,
    name: str,
    hypervisor: str,
    cluster_type: str | None = None,
    state: str | None = None,
    arch: str | None = None,
    now: datetime,
) -> Cluster:
    if pod.zone_id != zone.id:
        raise invalid_value(f"Pod with specified id doesn't belong to the zone {zone.name}")
    if not name.strip():
        raise invalid_value("Please specify cluster name")
    kind = hypervisor_type(hypervisor)
    ctype = _cluster_type(cluster_type)
    cstate = allocation_state(state) if state else "Enabled"
    _check_name_free(db, pod, name)
    cluster = Cluster(
        zone_id=zone.id,
        pod_id=pod.id,
        name=name,
        hypervisor=kind,
        cluster_type=ctype,
        allocation_state=cstate,
        managed_state="Managed",
        arch=_arch(arch),
        created=now,
    )
    db.add(cluster)
    db.flush()
    return cluster


def update(
    db: Session,
    cluster: Cluster,
    *,
    name: str | None = None,
    hypervisor: str | None = None,
    cluster_type: str | None = None,
    state: str | None = None,
    managed_state: str | None = None,
    arch: str | None = None,
) -> Cluster:
    if name and name.strip() and name != cluster.name:
        _check_name_free(db, cluster.pod, name)
        cluster.name = name
    if hypervisor:
        cluster.hypervisor = hypervisor_type(hypervisor)
    if cluster_type:
        cluster.cluster_type = _cluster_type(cluster_type)
    if state:
        cluster.allocation_state = allocation_state(state)
    if managed_state:
        if managed_state not in MANAGED_STATES:
            raise invalid_value(f"Unable to resolve Managed State '{managed_state}' to a supported state")
        cluster.managed_state = managed_state
    if arch:
        wanted = _arch(arch)
        present = db.scalars(
            select(distinct(Host.arch)).where(Host.cluster_id == cluster.id, Host.removed.is_(None))
        ).all()
        if any(a != wanted for a in present):
            raise invalid_value(f"Cluster has host(s) present with arch type(s): {' '.join(sorted(present))}")
        cluster.arch = wanted
    return cluster


def delete(db: Session, cluster: Cluster, now: datetime) -> None:
    hosts = db.scalar(select(func.count()).where(Host.cluster_id == cluster.id, Host.removed.is_(None)))
    if hosts:
        raise internal(f"Cluster: {cluster.uuid} cannot be removed. Cluster still has hosts")
    pools = db.scalar(select(func.count()).where(StoragePool.cluster_id == cluster.id, StoragePool.removed.is_(None)))
    if pools:
        raise internal(f"Cluster: {cluster.name} cannot be removed. Cluster still has storage pools")
    cluster.mark_removed(now)
