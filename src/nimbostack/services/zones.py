"""Zone rules: naming, network type, DNS and guest CIDR checks, enabling, deletion."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, internal, invalid_value
from nimbostack.db.models import (
    Domain,
    Host,
    ImageStore,
    PhysicalNetwork,
    Pod,
    StoragePool,
    TrafficType,
    VlanIpRange,
    Zone,
)
from nimbostack.services import capacity, events

NETWORK_TYPES = ("Basic", "Advanced")
ALLOCATION_STATES = ("Enabled", "Disabled")
# RFC 1918 blocks: CloudStack only takes a private guest CIDR for a zone.
PRIVATE_BLOCKS = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
BAD_DOMAIN_TEXT = (
    "Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 "
    "characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); "
    'can\'t start or end with "-"'
)
DUPLICATE_NAME_TEXT = "A zone with that name already exists. Please specify a unique zone name."


def is_ipv4(value: str) -> bool:
    try:
        return ipaddress.ip_address(value).version == 4
    except ValueError:
        return False


def is_ipv6(value: str) -> bool:
    try:
        return ipaddress.ip_address(value).version == 6
    except ValueError:
        return False


def check_dns(values: dict[str, str | None]) -> None:
    """DNS servers by CloudStack's labels (DNS1, internal DNS1, IP6 DNS1...); an empty string is allowed."""
    for label, value in values.items():
        if not value:
            continue
        if label.startswith("IP6"):
            if not is_ipv6(value):
                raise invalid_value(f"Please enter a valid IPv6 address for {label}")
        elif not is_ipv4(value):
            raise invalid_value(f"Please enter a valid IP address for {label}")


def check_guest_cidr(value: str | None) -> None:
    if value is None:
        return
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise invalid_value("Please enter a valid guest cidr") from None
    private = isinstance(net, ipaddress.IPv4Network) and any(net.subnet_of(block) for block in PRIVATE_BLOCKS)
    if "/" not in value or not private:
        raise invalid_value("Please enter a valid guest cidr")


def check_network_domain(value: str | None) -> None:
    if not value:
        return
    if len(value) > 190 or not all(_LABEL.match(label) for label in value.split(".")):
        raise invalid_value(BAD_DOMAIN_TEXT)


def network_type(value: str) -> str:
    for known in NETWORK_TYPES:
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value("Invalid zone type; only Advanced and Basic values are supported")


def allocation_state(value: str) -> str:
    for known in ALLOCATION_STATES:
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value(f"Unable to resolve Allocation State '{value}' to a supported state")


def _name_taken(db: Session, name: str) -> bool:
    return bool(db.scalar(select(func.count()).where(Zone.name == name, Zone.removed.is_(None))))


def create(
    db: Session,
    caller: Caller,
    *,
    name: str,
    net_type: str,
    dns1: str,
    internal_dns1: str,
    dns2: str | None = None,
    internal_dns2: str | None = None,
    ip6_dns1: str | None = None,
    ip6_dns2: str | None = None,
    guest_cidr: str | None = None,
    network_domain: str | None = None,
    domain: Domain | None = None,
    state: str | None = None,
    security_groups: bool = False,
    local_storage: bool = False,
    now: datetime,
) -> Zone:
    kind = network_type(net_type)
    if kind == "Basic" and guest_cidr is not None:
        raise invalid_value("guestCidrAddress parameter is not supported for Basic zone")
    check_guest_cidr(guest_cidr)
    check_network_domain(network_domain)
    if _name_taken(db, name):
        raise invalid_value(DUPLICATE_NAME_TEXT)
    check_dns(
        {
            "DNS1": dns1,
            "DNS2": dns2,
            "internal DNS1": internal_dns1,
            "internal DNS2": internal_dns2,
            "IP6 DNS1": ip6_dns1,
            "IP6 DNS2": ip6_dns2,
        }
    )
    zone = Zone(
        name=name,
        network_type=kind,
        dns1=dns1,
        dns2=dns2,
        internal_dns1=internal_dns1,
        internal_dns2=internal_dns2,
        ip6_dns1=ip6_dns1,
        ip6_dns2=ip6_dns2,
        guest_cidr=guest_cidr,
        network_domain=network_domain,
        domain_id=domain.id if domain is not None else None,
        allocation_state=allocation_state(state) if state else "Disabled",
        security_group_enabled=security_groups or kind == "Basic",
        local_storage_enabled=local_storage,
        created=now,
    )
    db.add(zone)
    db.flush()
    _event(db, caller, "ZONE.CREATE", f"Successfully created zone {name}", zone, now)
    return zone


@dataclass
class ZoneChanges:
    """updateZone's optional fields; None leaves a value as it is."""

    name: str | None = None
    dns1: str | None = None
    dns2: str | None = None
    internal_dns1: str | None = None
    internal_dns2: str | None = None
    ip6_dns1: str | None = None
    ip6_dns2: str | None = None
    guest_cidr: str | None = None
    network_domain: str | None = None
    state: str | None = None
    make_public: bool = False
    local_storage: bool | None = None


def update(db: Session, caller: Caller, zone: Zone, changes: ZoneChanges, now: datetime) -> Zone:
    live(zone)
    check_guest_cidr(changes.guest_cidr)
    check_network_domain(changes.network_domain)
    name = changes.name or zone.name
    if name != zone.name and _name_taken(db, name):
        raise invalid_value(DUPLICATE_NAME_TEXT)
    dns = {
        "DNS1": _keep(changes.dns1, zone.dns1),
        "DNS2": _keep(changes.dns2, zone.dns2),
        "internal DNS1": _keep(changes.internal_dns1, zone.internal_dns1),
        "internal DNS2": _keep(changes.internal_dns2, zone.internal_dns2),
        "IP6 DNS1": _keep(changes.ip6_dns1, zone.ip6_dns1),
        "IP6 DNS2": _keep(changes.ip6_dns2, zone.ip6_dns2),
    }
    check_dns(dns)
    state = allocation_state(changes.state) if changes.state else None
    zone.name = name
    zone.dns1, zone.dns2 = dns["DNS1"], dns["DNS2"]
    zone.internal_dns1, zone.internal_dns2 = dns["internal DNS1"], dns["internal DNS2"]
    zone.ip6_dns1, zone.ip6_dns2 = dns["IP6 DNS1"], dns["IP6 DNS2"]
    zone.guest_cidr = _keep(changes.guest_cidr, zone.guest_cidr)
    if changes.local_storage is not None:
        zone.local_storage_enabled = changes.local_storage
    if changes.network_domain is not None:
        zone.network_domain = changes.network_domain or None
    if state == "Enabled" and zone.allocation_state != "Enabled":
        _ready_to_enable(db, zone)
    if state is not None:
        zone.allocation_state = state
    if changes.make_public:
        # A dedicated zone can be opened to everyone; not the other way round.
        zone.domain_id = None
    db.flush()
    _event(db, caller, "ZONE.EDIT", f"Successfully edited zone {zone.name}", zone, now)
    return zone


def _keep(new: str | None, old: str | None) -> str | None:
    """An unset parameter keeps the stored value."""
    return old if new is None else new


def _ready_to_enable(db: Session, zone: Zone) -> None:
    """A zone needs a Management network (and Public unless it isolates by security groups) to be enabled."""
    management = _network_with_traffic(db, zone, "Management")
    if zone.network_type == "Advanced" and not zone.security_group_enabled:
        _network_with_traffic(db, zone, "Public")
    has_storage = db.scalar(select(func.count()).select_from(_traffic_query(zone, "Storage").subquery()))
    if not has_storage:
        # Without a Storage network, storage traffic rides on the Management network with its labels.
        mgmt = db.scalars(
            select(TrafficType).where(
                TrafficType.physical_network_id == management.id, TrafficType.traffic_type == "Management"
            )
        ).one()
        db.add(
            TrafficType(
                physical_network_id=management.id,
                traffic_type="Storage",
                kvm_label=mgmt.kvm_label,
                xen_label=mgmt.xen_label,
                vmware_label=mgmt.vmware_label,
                hyperv_label=mgmt.hyperv_label,
                ovm3_label=mgmt.ovm3_label,
                vlan=mgmt.vlan,
            )
        )


def _traffic_query(zone: Zone, traffic: str) -> Select[Any]:
    return (
        select(PhysicalNetwork)
        .join(TrafficType, TrafficType.physical_network_id == PhysicalNetwork.id)
        .where(
            PhysicalNetwork.zone_id == zone.id,
            PhysicalNetwork.removed.is_(None),
            TrafficType.traffic_type == traffic,
        )
    )


def _network_with_traffic(db: Session, zone: Zone, traffic: str) -> PhysicalNetwork:
    networks: list[PhysicalNetwork] = list(db.scalars(_traffic_query(zone, traffic)).all())
    if not networks:
        raise ApiError(
            ErrorCode.PARAM_ERROR,
            "Cannot enable this Zone since: Unable to find the default physical network with "
            f"traffic={traffic} in the specified zone id",
            CsErrorCode.INVALID_PARAMETER_VALUE,
            uuids=[(zone.uuid, "zoneId")],
        )
    if len(networks) > 1:
        raise invalid_value(
            f"Cannot enable this Zone since: More than one physical networks exist in zone id={zone.uuid} "
            f"with traffic type={traffic}"
        )
    return networks[0]


def delete(db: Session, caller: Caller, zone: Zone, now: datetime) -> None:
    live(zone)
    for model, what in (
        (Host, "there are servers in this zone."),
        (Pod, "there are pods in this zone."),
        (PhysicalNetwork, "there are physical networks in this zone."),
        (StoragePool, "there are primary storages in this zone."),
        (ImageStore, "there are Secondary storages in this zone"),
    ):
        count = db.scalar(select(func.count()).where(model.zone_id == zone.id, model.removed.is_(None)))
        if count:
            raise internal(f"The zone cannot be deleted because {what}")
    for vlan in db.scalars(select(VlanIpRange).where(VlanIpRange.zone_id == zone.id, VlanIpRange.removed.is_(None))):
        vlan.mark_removed(now)
    zone.mark_removed(now)
    db.flush()
    _event(db, caller, "ZONE.DELETE", f"Successfully deleted zone {zone.name}", zone, now)


@dataclass(frozen=True)
class Capacity:
    """One capacity figure of a zone, as CloudStack's capacity types count it."""

    type: int
    name: str
    used: int
    total: int


def _sums(db: Session, *columns: Any, where: Any) -> list[int]:
    row = db.execute(select(*(func.coalesce(func.sum(c), 0) for c in columns)).where(*where)).one()
    return [int(v) for v in row]


def capacities(db: Session, zone: Zone) -> list[Capacity]:
    """CPU, memory and storage of the zone's hosts and pools (overprovisioned), plus address and VLAN counts."""
    factors = capacity.Factors(db)
    hosts = [
        capacity.host_capacity(db, h, factors)
        for h in db.scalars(select(Host).where(Host.zone_id == zone.id, Host.removed.is_(None), Host.type == "Routing"))
    ]
    pools = db.scalars(select(StoragePool).where(StoragePool.zone_id == zone.id, StoragePool.removed.is_(None)))
    shared: list[capacity.PoolCapacity] = []
    local: list[capacity.PoolCapacity] = []
    for pool in pools:
        (local if pool.scope == "HOST" else shared).append(capacity.pool_capacity(db, pool, factors))
    cores = _sums(db, Host.cpu_cores, where=(Host.zone_id == zone.id, Host.removed.is_(None), Host.type == "Routing"))
    images = _sums(
        db,
        ImageStore.total_bytes,
        ImageStore.used_bytes,
        where=(ImageStore.zone_id == zone.id, ImageStore.removed.is_(None)),
    )
    ranges = (VlanIpRange.zone_id == zone.id, VlanIpRange.removed.is_(None), VlanIpRange.start_num.is_not(None))
    size = VlanIpRange.end_num - VlanIpRange.start_num + 1
    public = _sums(db, size, where=(*ranges, VlanIpRange.for_virtual_network.is_(True)))[0]
    direct = _sums(db, size, where=(*ranges, VlanIpRange.for_virtual_network.is_(False)))[0]
    figures = (
        (0, sum(h.memory_allocated for h in hosts), sum(h.memory_capacity for h in hosts)),
        (1, sum(h.cpu_allocated for h in hosts), sum(h.cpu_capacity for h in hosts)),
        (2, sum(p.used for p in shared), sum(p.total for p in shared)),
        (3, sum(p.allocated for p in shared), sum(p.capacity for p in shared)),
        (4, 0, public),
        (5, 0, _private_addresses(db, zone)),
        (6, images[1], images[0]),
        (7, 0, _vnet_count(db, zone)),
        (8, 0, direct),
        (9, sum(p.used for p in local), sum(p.total for p in local)),
        (90, 0, cores[0]),
    )
    return [Capacity(kind, CAPACITY_NAMES[kind], used, total) for kind, used, total in figures]


CAPACITY_NAMES = {
    0: "MEMORY",
    1: "CPU",
    2: "STORAGE",
    3: "STORAGE_ALLOCATED",
    4: "VIRTUAL_NETWORK_PUBLIC_IP",
    5: "PRIVATE_IP",
    6: "SECONDARY_STORAGE",
    7: "VLAN",
    8: "DIRECT_ATTACHED_PUBLIC_IP",
    9: "LOCAL_STORAGE",
    90: "CPU_CORE",
}


def _private_addresses(db: Session, zone: Zone) -> int:
    total = 0
    pods = db.execute(select(Pod.start_ip, Pod.end_ip).where(Pod.zone_id == zone.id, Pod.removed.is_(None)))
    for start, end in pods:
        if start and is_ipv4(start) and end and is_ipv4(end):
            total += max(0, int(ipaddress.ip_address(end)) - int(ipaddress.ip_address(start)) + 1)
    return total


def _vnet_count(db: Session, zone: Zone) -> int:
    total = 0
    for text in db.scalars(
        select(PhysicalNetwork.vlan).where(PhysicalNetwork.zone_id == zone.id, PhysicalNetwork.removed.is_(None))
    ):
        for part in (text or "").split(","):
            low, _, high = part.partition("-")
            if low.strip().isdigit() and high.strip().isdigit():
                total += int(high) - int(low) + 1
    return total


def lock(db: Session, zone_id: int) -> None:
    """Queue changes that check a zone's contents before adding to it (FOR UPDATE; SQLite writers queue anyway)."""
    db.execute(select(Zone.id).where(Zone.id == zone_id).with_for_update())


def live(zone: Zone) -> Zone:
    """A removed zone still resolves by UUID; commands that act on it refuse it as CloudStack does."""
    if zone.removed is not None:
        raise invalid_value(f"A zone with ID: {zone.uuid} does not exist.")
    return zone


def _event(db: Session, caller: Caller, kind: str, text: str, zone: Zone, now: datetime) -> None:
    events.record(db, caller, kind, text, now, resource_type="Zone", resource_uuid=zone.uuid, resource_name=zone.name)
