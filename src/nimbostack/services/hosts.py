"""Host rules: adding through a hypervisor driver, enabling and disabling, maintenance, and deletion.

Host `status` is the management server's view of the hypervisor (Up, Down, Alert); `resource_state`
is the operator's (Enabled, Disabled, PrepareForMaintenance, Maintenance, ErrorInMaintenance...).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nimbostack import CLOUDSTACK_VERSION
from nimbostack import hypervisor as hv
from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, internal, invalid_value
from nimbostack.db.models import Cluster, Host, Pod, Zone
from nimbostack.hypervisor.driver import HypervisorDriver, HypervisorError, Placement, PowerState
from nimbostack.services import clusters, events, pods

MAINTENANCE_STATES = ("PrepareForMaintenance", "ErrorInPrepareForMaintenance", "ErrorInMaintenance", "Maintenance")
# ResourceState.canAttemptMaintenance
MAINTAINABLE_STATES = ("Enabled", "Disabled", "ErrorInMaintenance", "ErrorInPrepareForMaintenance")
DELETABLE_STATES = ("Maintenance", "Degraded")


def driver_of(db: Session, host: Host) -> HypervisorDriver:
    driver = hv.driver_for(db, host.hypervisor)
    if driver is None:
        raise internal(f"Could not find corresponding resource manager for {host.hypervisor}")
    return driver


def keep_hypervisor_outcome(db: Session) -> None:
    """Commit before failing the call: what the hypervisor did (a used-up fault) happened either way."""
    db.commit()


def _tags(values: list[str] | None) -> str | None:
    if not values:
        return None
    unique = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    return ",".join(unique) or None


def _given_cluster(db: Session, pod: Pod, cluster: Cluster | None, name: str | None, kind: str) -> Cluster | None:
    """The cluster the host goes to when it is known already; None when addHost may have to make it."""
    if cluster is not None and name:
        raise invalid_value("Can't specify cluster by both id and name")
    if cluster is None:
        cluster = db.scalars(
            select(Cluster).where(Cluster.pod_id == pod.id, Cluster.name == name, Cluster.removed.is_(None))
        ).first()
        if cluster is None:
            return None
    if cluster.pod_id != pod.id:
        raise invalid_value(f"Cluster {cluster.uuid} doesn't belong to the pod {pod.uuid}")
    if cluster.hypervisor != kind:
        raise invalid_value(
            f"Can't add host whose hypervisor type is: {kind} into cluster: {cluster.name} whose hypervisor "
            f"type is: {cluster.hypervisor}"
        )
    return cluster


def add(
    db: Session,
    caller: Caller,
    *,
    zone: Zone,
    pod: Pod,
    cluster: Cluster | None,
    cluster_name: str | None,
    hypervisor: str,
    url: str,
    host_tags: list[str] | None,
    state: str | None,
    server_id: int | None,
    now: datetime,
) -> Host:
    if pod.zone_id != zone.id:
        raise invalid_value(
            f"Pod with specified pod {pod.uuid} doesn't belong to the zone with specified zone {zone.uuid}"
        )
    kind = hv.canonical(hypervisor)
    if kind is None or kind not in hv.SUPPORTED:
        raise internal(f"Do not support HypervisorType {hypervisor} for {url}")
    resource_state = "Enabled"
    if state:
        resource_state = pods.allocation_state(state)
    existing = db.scalars(select(Host).where(Host.url == url, Host.removed.is_(None))).first()
    if existing is not None:
        raise invalid_value(
            f"A host with URL '{url}' already exists (id: {existing.uuid}). Remove it before adding again."
        )
    # Without a cluster CloudStack makes a standalone one named after the URL.
    cluster_name = cluster_name or (None if cluster else f"Standalone-{url}")
    target = _given_cluster(db, pod, cluster, cluster_name, kind)
    driver = hv.driver_for(db, kind)
    assert driver is not None
    try:
        facts = driver.describe_host(url, Placement(zone.id, pod.id, target.id if target else None))
    except HypervisorError as err:
        keep_hypervisor_outcome(db)  # nothing else is written yet
        raise internal(f"Unable to add the host: {err}") from err
    if target is None:
        assert cluster_name is not None
        target = clusters.add(db, caller, zone=zone, pod=pod, name=cluster_name, hypervisor=kind, now=now)
    host = Host(
        name=facts.name,
        type="Routing",
        status="Up",
        resource_state=resource_state,
        zone_id=zone.id,
        pod_id=pod.id,
        cluster_id=target.id,
        hypervisor=kind,
        hypervisor_version=facts.hypervisor_version,
        url=url,
        private_ip=pods.next_free_address(db, pod),
        cpu_sockets=facts.cpu_sockets,
        cpu_cores=facts.cpu_cores,
        cpu_speed=facts.cpu_speed_mhz,
        memory_bytes=facts.memory_bytes,
        cpu_allocated=0,
        memory_allocated=0,
        host_tags=_tags(host_tags),
        arch=facts.arch,
        version=CLOUDSTACK_VERSION,
        management_server_id=server_id,
        last_pinged=now,
        created=now,
    )
    db.add(host)
    try:
        db.flush()
    except IntegrityError:
        # Another server added this URL or took this address between our check and our insert.
        raise ApiError(
            ErrorCode.INTERNAL_ERROR,
            f"Unable to add the host: {url} was being added at the same time; please retry",
            CsErrorCode.CONCURRENT_OPERATION,
        ) from None
    return host


def update(db: Session, host: Host, *, allocation: str | None, name: str | None, host_tags: list[str] | None) -> Host:
    if allocation:
        event = allocation.strip()
        if event not in ("Enable", "Disable"):
            raise invalid_value(f"Invalid allocation state: {allocation}, only Enable/Disable are allowed")
        wanted = event + "d"
        if host.resource_state != wanted:
            if host.resource_state not in ("Enabled", "Disabled"):
                raise internal(
                    f"No next resource state found for current state = {host.resource_state} event = {event}"
                )
            host.resource_state = wanted
    if name and name.strip():
        host.name = name.strip()
    if host_tags is not None:
        host.host_tags = _tags(host_tags)
    return host


def delete(db: Session, host: Host, *, forced: bool, now: datetime) -> None:
    if host.resource_state not in DELETABLE_STATES and not forced:
        raise internal(
            f"Host {host.uuid} cannot be deleted as it is not in maintenance mode. Either put the host into "
            "maintenance or perform a forced deletion."
        )
    host.mark_removed(now)


def prepare_maintenance(db: Session, caller: Caller, host: Host, now: datetime) -> Host:
    if host.resource_state not in MAINTAINABLE_STATES:
        raise internal(f"Host is already in state {host.resource_state}. Cannot recall for maintenance until resolved.")
    busy = db.scalar(
        select(func.count()).where(
            Host.cluster_id == host.cluster_id,
            Host.id != host.id,
            Host.removed.is_(None),
            Host.resource_state.in_(("PrepareForMaintenance", "ErrorInPrepareForMaintenance")),
        )
    )
    if busy:
        cluster = db.get(Cluster, host.cluster_id)
        raise internal(
            "There are other servers attempting migrations for maintenance. Found hosts in PrepareForMaintenance "
            f"OR ErrorInPrepareForMaintenance STATUS in cluster {cluster.name if cluster else host.cluster_id}"
        )
    driver = driver_of(db, host)
    try:
        driver.prepare_maintenance(host)
    except HypervisorError as err:
        # As in CloudStack, a refused MaintainCommand leaves the host's state as it was.
        keep_hypervisor_outcome(db)
        raise internal(f"Unable to prepare for maintenance host {host.name}: {err}") from err
    running = [name for name, power in driver.vm_power_states(host).items() if power is PowerState.ON]
    # Guests would have to be migrated away first; until placement can do that they keep the host in error.
    host.resource_state = "ErrorInMaintenance" if running else "Maintenance"
    events.record(
        db,
        caller,
        "MAINTENANCE.PREPARE",
        f"completed maintenance for host {host.name}",
        now,
        resource_type="Host",
        resource_uuid=host.uuid,
        resource_name=host.name,
    )
    return host


def cancel_maintenance(db: Session, caller: Caller, host: Host, now: datetime) -> Host:
    if host.resource_state not in MAINTENANCE_STATES:
        raise internal(
            f"Cannot perform cancelMaintenance when resource state is {host.resource_state}, host: {host.name}"
        )
    try:
        driver_of(db, host).cancel_maintenance(host)
    except HypervisorError as err:
        keep_hypervisor_outcome(db)
        raise internal(f"Internal error cancelling maintenance: {err}") from err
    host.resource_state = "Enabled"
    events.record(
        db,
        caller,
        "MAINTENANCE.CANCEL",
        f"canceled maintenance for host {host.name}",
        now,
        resource_type="Host",
        resource_uuid=host.uuid,
        resource_name=host.name,
    )
    return host


def refresh_status(db: Session, host: Host, now: datetime) -> Host:
    """Ask the hypervisor how the host is (what CloudStack's ping does) and record the answer."""
    host.status = driver_of(db, host).host_status(host).value
    host.last_pinged = now
    return host
