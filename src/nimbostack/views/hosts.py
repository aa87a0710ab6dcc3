"""Response objects for pods, clusters, hosts, storage pools, image stores, capacity and simulator mocks."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nimbostack.db.models import Cluster, Host, ImageStore, ManagementServer, Pod, SimulatorFault, StoragePool, Zone
from nimbostack.services import capacity, capacity_report
from nimbostack.services.pods import cidr_of

Entity = dict[str, Any]
# The events a host in state Up accepts, as CloudStack lists them for one.
UP_EVENTS = (
    "StartAgentRebalance; AgentConnected; ManagementServerDown; PingTimeout; ShutdownRequested; HostDown; "
    "AgentDisconnected; Ping; Remove"
)


def decimal(value: float) -> str:
    """Java's DecimalFormat("#.##"): at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def percent(part: int, whole: int) -> str:
    return decimal(part / whole * 100 if whole else 0.0) + "%"


def ratio(value: float) -> str:
    """A factor as CloudStack prints Float values: always with a decimal point."""
    return str(float(value))


def _names(db: Session, zone_id: int | None, pod_id: int | None, cluster_id: int | None) -> Entity:
    zone = db.get(Zone, zone_id) if zone_id else None
    pod = db.get(Pod, pod_id) if pod_id else None
    cluster = db.get(Cluster, cluster_id) if cluster_id else None
    return {
        "zoneid": zone.uuid if zone else None,
        "zonename": zone.name if zone else None,
        "podid": pod.uuid if pod else None,
        "podname": pod.name if pod else None,
        "clusterid": cluster.uuid if cluster else None,
        "clustername": cluster.name if cluster else None,
    }


def pod_view(db: Session, pod: Pod, capacities: list[Entity] | None = None) -> Entity:
    zone = pod.zone
    cidr = cidr_of(pod)
    starts, ends = [pod.start_ip] if pod.start_ip else [], [pod.end_ip] if pod.end_ip else []
    view: Entity = {
        "id": pod.uuid,
        "name": pod.name,
        "zoneid": zone.uuid,
        "zonename": zone.name,
        "gateway": pod.gateway,
        "netmask": pod.netmask,
        "startip": starts,
        "endip": ends,
        "forsystemvms": ["0"] * len(starts),
        "vlanid": [pod.vlan or "untagged"] * len(starts),
        "ipranges": [
            {
                "startip": pod.start_ip,
                "endip": pod.end_ip,
                "gateway": pod.gateway,
                "cidr": str(cidr),
                "forsystemvms": "0",
                "vlanid": pod.vlan or "untagged",
            }
        ]
        if starts
        else [],
        "allocationstate": pod.allocation_state,
        "hasannotations": False,
    }
    if capacities is not None:
        view["capacity"] = capacities
    return view


def cluster_view(
    db: Session, cluster: Cluster, factors: capacity.Factors, capacities: list[Entity] | None = None
) -> Entity:
    cpu, mem = ratio(factors.cpu(cluster.id)), ratio(factors.mem(cluster.id))
    view: Entity = {
        "id": cluster.uuid,
        "name": cluster.name,
        **{k: v for k, v in _names(db, cluster.zone_id, cluster.pod_id, None).items() if not k.startswith("cluster")},
        "hypervisortype": cluster.hypervisor,
        "clustertype": cluster.cluster_type,
        "allocationstate": cluster.allocation_state,
        "managedstate": cluster.managed_state,
        "arch": cluster.arch,
        "cpuovercommitratio": cpu,
        "memoryovercommitratio": mem,
        "resourcedetails": {"cpuOvercommitRatio": cpu, "memoryOvercommitRatio": mem},
        "hasannotations": False,
    }
    if capacities is not None:
        view["capacity"] = capacities
    return view


def host_view(db: Session, host: Host, factors: capacity.Factors) -> Entity:
    cap = capacity.host_capacity(db, host, factors)
    cluster = db.get(Cluster, host.cluster_id) if host.cluster_id else None
    server = db.get(ManagementServer, host.management_server_id) if host.management_server_id else None
    cpu_allocated = percent(cap.cpu_allocated, cap.cpu_capacity)
    view: Entity = {
        "id": host.uuid,
        "name": host.name,
        "state": host.status,
        "resourcestate": host.resource_state,
        "type": host.type,
        "ipaddress": host.private_ip,
        **_names(db, host.zone_id, host.pod_id, host.cluster_id),
        "clustertype": cluster.cluster_type if cluster else None,
        "hypervisor": host.hypervisor,
        "hypervisorversion": host.hypervisor_version,
        "version": host.version,
        "arch": host.arch,
        "capabilities": "hvm",
        "cpusockets": host.cpu_sockets,
        "cpunumber": host.cpu_cores,
        "cpuspeed": host.cpu_speed,
        "cpuallocated": cpu_allocated,
        "cpuallocatedvalue": cap.cpu_allocated,
        "cpuallocatedpercentage": cpu_allocated,
        "cpuallocatedwithoverprovisioning": cpu_allocated,
        "cpuwithoverprovisioning": decimal(cap.cpu_total * cap.cpu_factor),
        "cpuused": "0%",
        "cpuloadaverage": 0.0,
        "memorytotal": cap.memory_total,
        "memorywithoverprovisioning": decimal(cap.memory_total * cap.mem_factor),
        "memoryallocated": cap.memory_allocated,
        "memoryallocatedbytes": cap.memory_allocated,
        "memoryallocatedpercentage": percent(cap.memory_allocated, cap.memory_capacity),
        "memoryused": 0,
        "networkkbsread": 0,
        "networkkbswrite": 0,
        "hosttags": host.host_tags,
        "explicithosttags": host.host_tags,
        "istagarule": False,
        "hahost": False,
        "hostha": {"haenable": False, "hastate": "Disabled"},
        "outofbandmanagement": {"enabled": False, "powerstate": "Disabled"},
        "islocalstorageactive": False,
        "encryptionsupported": False,
        "instanceconversionsupported": False,
        "ueficapability": False,
        "hasannotations": False,
        "events": UP_EVENTS if host.status == "Up" else None,
        "lastpinged": host.last_pinged,
        "managementserverid": server.uuid if server else None,
        "managementservername": server.name if server else None,
        "created": host.created,
        "removed": host.removed,
    }
    return view


def pool_view(db: Session, pool: StoragePool, factors: capacity.Factors) -> Entity:
    cap = capacity.pool_capacity(db, pool, factors)
    return {
        "id": pool.uuid,
        "name": pool.name,
        **_names(db, pool.zone_id, pool.pod_id, pool.cluster_id),
        "ipaddress": pool.host_address,
        "path": pool.path,
        "created": pool.created,
        "type": pool.pool_type,
        "scope": pool.scope,
        "state": pool.status,
        "provider": pool.provider,
        "hypervisor": pool.hypervisor if pool.scope == "ZONE" else None,
        "disksizetotal": cap.total,
        "disksizeallocated": cap.allocated,
        "disksizeused": cap.used,
        "overprovisionfactor": ratio(cap.factor),
        "capacityiops": pool.capacity_iops,
        "tags": pool.tags,
        "istagarule": False,
        "managed": False,
        "storagecapabilities": {"VOLUME_SNAPSHOT_QUIESCEVM": "false"},
        "hasannotations": False,
    }


def image_store_view(db: Session, store: ImageStore) -> Entity:
    zone = db.get(Zone, store.zone_id) if store.zone_id else None
    return {
        "id": store.uuid,
        "name": store.name,
        "zoneid": zone.uuid if zone else None,
        "zonename": zone.name if zone else None,
        "url": store.url,
        "protocol": store.protocol,
        "providername": store.provider,
        "scope": store.scope,
        "readonly": store.readonly,
        "disksizetotal": store.total_bytes,
        "disksizeused": store.used_bytes,
        "hasannotations": False,
    }


def mock_view(db: Session, fault: SimulatorFault) -> Entity:
    """CloudStack's MockResponse: the mock's own id is a number; scopes are answered as UUIDs here."""
    names = _names(db, fault.zone_id, fault.pod_id, fault.cluster_id)
    host = db.get(Host, fault.host_id) if fault.host_id else None
    return {
        "id": fault.id,
        "zoneid": names["zoneid"],
        "podid": names["podid"],
        "clusterid": names["clusterid"],
        "hostid": host.uuid if host else None,
        "name": fault.operation,
        "vmname": fault.vm_name,
        "count": fault.remaining if fault.remaining >= 0 else None,
    }


def capacity_view(db: Session, row: capacity_report.Row) -> Entity:
    return {
        "type": row.type,
        "name": capacity_report.NAMES.get(row.type),
        **_names(db, row.zone_id, row.pod_id, row.cluster_id),
        "capacitytotal": row.total,
        "capacityused": row.used,
        "capacityallocated": row.allocated,
        "percentused": decimal(row.percent),
    }
