"""Capacity of hosts and primary storage under overprovisioning, and race-free reservation of it.

Placement (issue #5) asks `host_capacity` / `pool_capacity` what is free and then calls `reserve_host`
or `reserve_pool` inside its own transaction. A reservation is one conditional UPDATE that only adds
to the allocated figure while it stays within the overprovisioned total, so two servers reserving the
last capacity at the same time can never both succeed: the database serialises the two UPDATEs and the
second one re-checks the condition against the first one's result.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from nimbostack.db.models import Host, StoragePool
from nimbostack.services import settings
from nimbostack.services.settings_catalog import BY_NAME

CPU_FACTOR = "cpu.overprovisioning.factor"
MEM_FACTOR = "mem.overprovisioning.factor"
STORAGE_FACTOR = "storage.overprovisioning.factor"
# Only shared pools are overprovisioned in CloudStack; local disks are handed out at their real size.
OVERPROVISIONED_POOL_TYPES = ("NetworkFilesystem", "VMFS", "PreSetup", "DatastoreCluster", "RBD", "SMB", "Gluster")


def _as_factor(text: str | None, name: str) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        value = float(str(BY_NAME[name].default))
    return value if value > 0 else 1.0


def cpu_factor(db: Session, cluster_id: int | None) -> float:
    return _as_factor(settings.raw_value(db, CPU_FACTOR, cluster_id=cluster_id), CPU_FACTOR)


def mem_factor(db: Session, cluster_id: int | None) -> float:
    return _as_factor(settings.raw_value(db, MEM_FACTOR, cluster_id=cluster_id), MEM_FACTOR)


def storage_factor(db: Session, pool: StoragePool) -> float:
    if pool.pool_type not in OVERPROVISIONED_POOL_TYPES:
        return 1.0
    # The pool's cluster and zone are given so the settings service need not look them up.
    value = settings.raw_value(db, STORAGE_FACTOR, pool_id=pool.id, cluster_id=pool.cluster_id, zone_id=pool.zone_id)
    return _as_factor(value, STORAGE_FACTOR)


class Factors:
    """Factors looked up once per cluster or pool, for list answers that show many of them."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self._cache: dict[tuple[str, int | None], float] = {}

    def cpu(self, cluster_id: int | None) -> float:
        key = (CPU_FACTOR, cluster_id)
        if key not in self._cache:
            self._cache[key] = cpu_factor(self.db, cluster_id)
        return self._cache[key]

    def mem(self, cluster_id: int | None) -> float:
        key = (MEM_FACTOR, cluster_id)
        if key not in self._cache:
            self._cache[key] = mem_factor(self.db, cluster_id)
        return self._cache[key]

    def storage(self, pool: StoragePool) -> float:
        key = (STORAGE_FACTOR, pool.id)
        if key not in self._cache:
            self._cache[key] = storage_factor(self.db, pool)
        return self._cache[key]


@dataclass(frozen=True)
class HostCapacity:
    """A host's CPU (MHz) and memory (bytes): real, overprovisioned, allocated and free."""

    cpu_factor: float
    mem_factor: float
    cpu_total: int
    cpu_capacity: int
    cpu_allocated: int
    memory_total: int
    memory_capacity: int
    memory_allocated: int

    @property
    def cpu_free(self) -> int:
        return max(self.cpu_capacity - self.cpu_allocated, 0)

    @property
    def memory_free(self) -> int:
        return max(self.memory_capacity - self.memory_allocated, 0)


@dataclass(frozen=True)
class PoolCapacity:
    """A primary storage pool's bytes: real, overprovisioned, allocated to volumes, used and free."""

    factor: float
    total: int
    capacity: int
    allocated: int
    used: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.allocated, 0)


def host_capacity(db: Session, host: Host, factors: Factors | None = None) -> HostCapacity:
    factors = factors or Factors(db)
    cpu_f, mem_f = factors.cpu(host.cluster_id), factors.mem(host.cluster_id)
    cpu_total = host.cpu_cores * host.cpu_speed
    return HostCapacity(
        cpu_factor=cpu_f,
        mem_factor=mem_f,
        cpu_total=cpu_total,
        cpu_capacity=int(cpu_total * cpu_f),
        cpu_allocated=host.cpu_allocated,
        memory_total=host.memory_bytes,
        memory_capacity=int(host.memory_bytes * mem_f),
        memory_allocated=host.memory_allocated,
    )


def pool_capacity(db: Session, pool: StoragePool, factors: Factors | None = None) -> PoolCapacity:
    factor = (factors or Factors(db)).storage(pool)
    return PoolCapacity(
        factor=factor,
        total=pool.capacity_bytes,
        capacity=int(pool.capacity_bytes * factor),
        allocated=pool.allocated_bytes,
        used=pool.used_bytes,
    )


def reserve_host(db: Session, host: Host, cpu_mhz: int, memory_bytes: int) -> bool:
    """Add to the host's allocated CPU and memory if both still fit; False (and nothing changed) if not."""
    if cpu_mhz < 0 or memory_bytes < 0:
        raise ValueError("a reservation is never negative")
    cpu_f, mem_f = cpu_factor(db, host.cluster_id), mem_factor(db, host.cluster_id)
    won = db.execute(
        update(Host)
        .where(
            Host.id == host.id,
            Host.removed.is_(None),
            Host.cpu_allocated + cpu_mhz <= Host.cpu_cores * Host.cpu_speed * cpu_f,
            Host.memory_allocated + memory_bytes <= Host.memory_bytes * mem_f,
        )
        .values(cpu_allocated=Host.cpu_allocated + cpu_mhz, memory_allocated=Host.memory_allocated + memory_bytes)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    db.expire(host, ["cpu_allocated", "memory_allocated"])
    return bool(won)


def release_host(db: Session, host: Host, cpu_mhz: int, memory_bytes: int) -> None:
    """Give back what a reservation took; never below zero."""
    db.execute(
        update(Host)
        .where(Host.id == host.id)
        .values(
            cpu_allocated=case((Host.cpu_allocated > cpu_mhz, Host.cpu_allocated - cpu_mhz), else_=0),
            memory_allocated=case(
                (Host.memory_allocated > memory_bytes, Host.memory_allocated - memory_bytes), else_=0
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.expire(host, ["cpu_allocated", "memory_allocated"])


def reserve_pool(db: Session, pool: StoragePool, size_bytes: int) -> bool:
    """Add to the pool's allocated bytes if they still fit under its overprovisioned size."""
    if size_bytes < 0:
        raise ValueError("a reservation is never negative")
    factor = storage_factor(db, pool)
    won = db.execute(
        update(StoragePool)
        .where(
            StoragePool.id == pool.id,
            StoragePool.removed.is_(None),
            StoragePool.allocated_bytes + size_bytes <= StoragePool.capacity_bytes * factor,
        )
        .values(allocated_bytes=StoragePool.allocated_bytes + size_bytes)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    db.expire(pool, ["allocated_bytes"])
    return bool(won)


def release_pool(db: Session, pool: StoragePool, size_bytes: int) -> None:
    db.execute(
        update(StoragePool)
        .where(StoragePool.id == pool.id)
        .values(
            allocated_bytes=case(
                (StoragePool.allocated_bytes > size_bytes, StoragePool.allocated_bytes - size_bytes), else_=0
            )
        )
        .execution_options(synchronize_session=False)
    )
    db.expire(pool, ["allocated_bytes"])
