"""Capacity summed per zone, pod or cluster, by CloudStack's capacity type numbers (listCapacity).

Types reported: 0 memory, 1 CPU (MHz), 2 primary storage used, 3 primary storage allocated, 5 pod
management addresses, 6 secondary storage. Hosts count while they are enabled; memory, CPU and
allocated storage totals include the overprovisioning factors, as CloudStack's do.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.db.models import Host, ImageStore, Pod, StoragePool
from nimbostack.services.capacity import Factors
from nimbostack.services.pods import host_addresses

MEMORY, CPU, STORAGE, STORAGE_ALLOCATED, PRIVATE_IP, SECONDARY_STORAGE = 0, 1, 2, 3, 5, 6
NAMES = {
    MEMORY: "MEMORY",
    CPU: "CPU",
    STORAGE: "STORAGE",
    STORAGE_ALLOCATED: "STORAGE_ALLOCATED",
    PRIVATE_IP: "PRIVATE_IP",
    SECONDARY_STORAGE: "SECONDARY_STORAGE",
}
ZONE, POD, CLUSTER = "zone", "pod", "cluster"
Key = tuple[int, int | None, int | None, int]  # zone, pod, cluster, type


@dataclass
class Row:
    type: int
    zone_id: int
    pod_id: int | None
    cluster_id: int | None
    total: int = 0
    used: int = 0
    allocated: int = 0

    @property
    def percent(self) -> float:
        return self.used / self.total * 100 if self.total else 0.0


@dataclass
class Filter:
    zone_id: int | None = None
    pod_id: int | None = None
    cluster_id: int | None = None
    types: set[int] | None = None
    rows: dict[Key, Row] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return CLUSTER if self.cluster_id else POD if self.pod_id else ZONE

    def admits(self, zone_id: int, pod_id: int | None, cluster_id: int | None) -> bool:
        return (
            (self.zone_id is None or zone_id == self.zone_id)
            and (self.pod_id is None or pod_id == self.pod_id)
            and (self.cluster_id is None or cluster_id == self.cluster_id)
        )

    def add(
        self,
        kind: int,
        zone_id: int,
        pod_id: int | None,
        cluster_id: int | None,
        total: int,
        used: int,
        allocated: int | None = None,
    ) -> None:
        if self.types is not None and kind not in self.types:
            return
        if not self.admits(zone_id, pod_id, cluster_id):
            return
        # Figures below the reporting level (a zone-wide pool at pod level) have no place to go.
        if (self.level != ZONE and pod_id is None) or (self.level == CLUSTER and cluster_id is None):
            return
        pod = pod_id if self.level != ZONE else None
        cluster = cluster_id if self.level == CLUSTER else None
        row = self.rows.setdefault((zone_id, pod, cluster, kind), Row(kind, zone_id, pod, cluster))
        row.total += total
        row.used += used
        row.allocated += used if allocated is None else allocated


def report(
    db: Session,
    *,
    zone_id: int | None = None,
    pod_id: int | None = None,
    cluster_id: int | None = None,
    types: Iterable[int] | None = None,
) -> list[Row]:
    """One row per (place, type) with a non-zero total, ordered by zone, pod, cluster and type."""
    wanted = Filter(zone_id, pod_id, cluster_id, set(types) if types is not None else None)
    factors = Factors(db)
    _hosts(db, wanted, factors)
    _pools(db, wanted, factors)
    _addresses(db, wanted)
    _image_stores(db, wanted)
    rows = [r for r in wanted.rows.values() if r.total > 0]
    return sorted(rows, key=lambda r: (r.zone_id, r.pod_id or 0, r.cluster_id or 0, r.type))


def _hosts(db: Session, wanted: Filter, factors: Factors) -> None:
    stmt = select(Host).where(Host.removed.is_(None), Host.type == "Routing", Host.resource_state == "Enabled")
    for host in db.scalars(stmt):
        cpu = int(host.cpu_cores * host.cpu_speed * factors.cpu(host.cluster_id))
        memory = int(host.memory_bytes * factors.mem(host.cluster_id))
        wanted.add(CPU, host.zone_id, host.pod_id, host.cluster_id, cpu, host.cpu_allocated)
        wanted.add(MEMORY, host.zone_id, host.pod_id, host.cluster_id, memory, host.memory_allocated)


def _pools(db: Session, wanted: Filter, factors: Factors) -> None:
    for pool in db.scalars(select(StoragePool).where(StoragePool.removed.is_(None))):
        place = (pool.zone_id, pool.pod_id, pool.cluster_id)
        wanted.add(STORAGE, *place, pool.capacity_bytes, pool.used_bytes, pool.allocated_bytes)
        overprovisioned = int(pool.capacity_bytes * factors.storage(pool))
        wanted.add(STORAGE_ALLOCATED, *place, overprovisioned, pool.allocated_bytes)


def _addresses(db: Session, wanted: Filter) -> None:
    if wanted.level == CLUSTER:
        return
    for pod in db.scalars(select(Pod).where(Pod.removed.is_(None))):
        if not pod.start_ip or not pod.end_ip:
            continue
        size = int(ipaddress.IPv4Address(pod.end_ip)) - int(ipaddress.IPv4Address(pod.start_ip)) + 1
        wanted.add(PRIVATE_IP, pod.zone_id, pod.id, None, size, len(host_addresses(db, pod)))


def _image_stores(db: Session, wanted: Filter) -> None:
    if wanted.level != ZONE:
        return
    for store in db.scalars(select(ImageStore).where(ImageStore.removed.is_(None))):
        if store.zone_id is not None:
            wanted.add(SECONDARY_STORAGE, store.zone_id, None, None, store.total_bytes, store.used_bytes)
