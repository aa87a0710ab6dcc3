"""Primary storage pool rules: scope (cluster or zone), URL forms, mounting through a host, maintenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack import hypervisor as hv
from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, internal, invalid_value
from nimbostack.db.models import Cluster, Host, Pod, StoragePool, Zone
from nimbostack.hypervisor.driver import HypervisorDriver, HypervisorError
from nimbostack.services.hosts import keep_hypervisor_outcome

SCOPES = ("CLUSTER", "ZONE")
# URL scheme -> CloudStack's StoragePoolType for the kinds of shared storage we accept.
POOL_TYPES = {
    "nfs": "NetworkFilesystem",
    "cifs": "SMB",
    "sharedmountpoint": "SharedMountPoint",
    "presetup": "PreSetup",
    "rbd": "RBD",
    "gluster": "Gluster",
    "clvm": "CLVM",
}
ZONE_WIDE_HYPERVISORS = ("KVM", "VMware", "Hyperv", "LXC", "Any", "Simulator")


@dataclass(frozen=True)
class PoolUrl:
    pool_type: str
    host: str
    path: str


def failed(text: str) -> ApiError:
    """CloudStack wraps whatever stops a pool being added in this one message (530)."""
    return internal(f"Failed to add data store: {text}")


def parse_url(url: str) -> PoolUrl:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        raise invalid_value(f"scheme is null {url}, add nfs:// (or cifs://) as a prefix")
    host, path = parts.hostname or "", unquote(parts.path)
    if scheme == "nfs" and (not host.strip() or not path.strip()):
        raise invalid_value("host or path is null, should be nfs://hostname/path")
    if scheme not in POOL_TYPES:
        raise failed(f"Unable to figure out the scheme for URI: {parts.scheme}")
    return PoolUrl(POOL_TYPES[scheme], host, path)


def _scope(value: str | None) -> str:
    if not value:
        return "CLUSTER"
    if value.upper() not in SCOPES:
        raise invalid_value(f"invalid scope for pool {value}")
    return value.upper()


def _connecting_host(db: Session, cluster: Cluster) -> Host:
    host = db.scalars(
        select(Host)
        .where(
            Host.cluster_id == cluster.id,
            Host.removed.is_(None),
            Host.status == "Up",
            Host.resource_state == "Enabled",
        )
        .order_by(Host.id)
    ).first()
    if host is None:
        raise failed(f"No host up to associate a storage pool with in cluster: {cluster.name}")
    return host


def create(
    db: Session,
    caller: Caller,
    *,
    zone: Zone,
    pod: Pod | None,
    cluster: Cluster | None,
    name: str,
    url: str,
    scope: str | None,
    hypervisor: str | None,
    tags: str | None,
    capacity_bytes: int | None,
    capacity_iops: int | None,
    now: datetime,
) -> StoragePool:
    where = _scope(scope)
    if where == "CLUSTER":
        if cluster is None:
            raise invalid_value("cluster id can't be null, if scope is cluster")
        if pod is None:
            raise invalid_value("Cluster id requires pod id")
        if pod.zone_id != zone.id or cluster.zone_id != zone.id:
            raise invalid_value(f"Cluster {cluster.name} does not belong to zone {zone.name}")
        if cluster.pod_id != pod.id:
            raise invalid_value(f"Cluster {cluster.name} does not belong to pod {pod.name}")
        kind = cluster.hypervisor
    else:
        pod = cluster = None
        if not hypervisor:
            raise invalid_value(
                "Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage."
            )
        known = hv.canonical(hypervisor) or ("Any" if hypervisor.lower() == "any" else None)
        if known is None:
            raise invalid_value(f"invalid hypervisor type {hypervisor}")
        if known not in ZONE_WIDE_HYPERVISORS:
            raise invalid_value(f"Zone wide storage pool is not supported for hypervisor type {hypervisor}")
        kind = known
    driver = hv.driver_for(db, kind)
    if driver is None:
        raise invalid_value(f"Could not find corresponding resource manager for {kind}")
    if capacity_bytes is not None and capacity_bytes <= 0:
        raise failed("'capacityBytes' must be greater than 0.")
    if capacity_iops is not None and capacity_iops <= 0:
        raise failed("'capacityIops' must be greater than 0.")
    target = parse_url(url)
    _check_unique(db, zone, name, target)
    pool = StoragePool(
        name=name,
        zone_id=zone.id,
        pod_id=pod.id if pod else None,
        cluster_id=cluster.id if cluster else None,
        scope=where,
        pool_type=target.pool_type,
        url=url,
        host_address=target.host,
        path=target.path,
        provider="DefaultPrimary",
        hypervisor=kind,
        capacity_bytes=0,
        used_bytes=0,
        allocated_bytes=0,
        capacity_iops=capacity_iops,
        tags=tags or None,
        status="Up",
        created=now,
    )
    _mount(db, driver, pool, cluster, capacity_bytes)
    db.add(pool)
    db.flush()
    return pool


def _check_unique(db: Session, zone: Zone, name: str, target: PoolUrl) -> None:
    same_name = db.scalar(
        select(func.count()).where(
            StoragePool.zone_id == zone.id, StoragePool.name == name, StoragePool.removed.is_(None)
        )
    )
    if same_name:
        raise invalid_value(f"A storage pool with name {name} already exists in zone {zone.name}")
    same_path = db.scalars(
        select(StoragePool).where(
            StoragePool.host_address == target.host, StoragePool.path == target.path, StoragePool.removed.is_(None)
        )
    ).first()
    if same_path is not None and target.pool_type != "SharedMountPoint":
        pod = db.get(Pod, same_path.pod_id) if same_path.pod_id else None
        raise failed(f"Storage pool {target.path} already in use by another pod (id={pod.uuid if pod else None})")


def _mount(db: Session, driver: HypervisorDriver, pool: StoragePool, cluster: Cluster | None, size: int | None) -> None:
    """Have a host of the cluster mount the (not yet stored) pool and report its size, as CloudStack does."""
    host = _connecting_host(db, cluster) if cluster is not None else None
    try:
        facts = driver.connect_pool(pool, host)
    except HypervisorError as err:
        keep_hypervisor_outcome(db)
        raise failed(f"Can not create storage pool through host {host.name if host else '-'} due to {err}") from err
    pool.capacity_bytes = size if size is not None else facts.capacity_bytes
    pool.used_bytes = facts.used_bytes


def update(
    db: Session,
    pool: StoragePool,
    *,
    name: str | None,
    tags: list[str] | None,
    capacity_bytes: int | None,
    capacity_iops: int | None,
    enabled: bool | None,
) -> StoragePool:
    if name and name.strip() and name != pool.name:
        clash = db.scalar(
            select(func.count()).where(
                StoragePool.zone_id == pool.zone_id, StoragePool.name == name, StoragePool.removed.is_(None)
            )
        )
        if clash:
            raise invalid_value(f"A storage pool with name {name} already exists in this zone")
        pool.name = name
    if tags is not None:
        pool.tags = ",".join(dict.fromkeys(t.strip() for t in tags if t.strip())) or None
    if capacity_bytes is not None:
        if capacity_bytes <= 0:
            raise invalid_value("'capacityBytes' must be greater than 0.")
        pool.capacity_bytes = capacity_bytes
    if capacity_iops is not None:
        pool.capacity_iops = capacity_iops
    if enabled is True:
        if pool.status != "Disabled":
            raise invalid_value(
                f"Primary storage with id {pool.uuid} cannot be enabled. Storage pool state : {pool.status}"
            )
        pool.status = "Up"
    elif enabled is False:
        if pool.status != "Up":
            raise invalid_value(
                f"Primary storage with id {pool.uuid} cannot be disabled. Storage pool state : {pool.status}"
            )
        pool.status = "Disabled"
    return pool


def enable_maintenance(db: Session, pool: StoragePool) -> StoragePool:
    if pool.status not in ("Up", "Disabled", "ErrorInMaintenance"):
        raise invalid_value(
            f"Primary storage with id {pool.uuid} is not ready for migration, as the status is:{pool.status}"
        )
    # Guests whose disks live here would be stopped or moved first; there are none to move yet (issue #5).
    pool.status = "Maintenance"
    return pool


def cancel_maintenance(db: Session, pool: StoragePool) -> StoragePool:
    if pool.status not in ("Maintenance", "ErrorInMaintenance", "PrepareForMaintenance"):
        raise ApiError(
            ErrorCode.RESOURCE_UNAVAILABLE_ERROR,
            f"Primary storage with id {pool.uuid} is not ready to complete migration, as the status is:{pool.status}",
            CsErrorCode.RESOURCE_UNAVAILABLE,
        )
    pool.status = "Up"
    return pool


def delete(db: Session, pool: StoragePool, *, forced: bool, now: datetime) -> None:
    if pool.status != "Maintenance":
        raise invalid_value(f"Unable to delete storage due to it is not in Maintenance state, id: {pool.uuid}")
    if pool.allocated_bytes > 0 and not forced:
        raise internal(f"Cannot delete pool {pool.name} as there are associated volumes for this pool")
    pool.mark_removed(now)
