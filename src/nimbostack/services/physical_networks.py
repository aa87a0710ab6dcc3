"""Physical networks, their guest VLAN (vnet) ranges and their traffic types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, internal, invalid_value, permission_denied
from nimbostack.db.models import Domain, PhysicalNetwork, TrafficType, VlanIpRange, Zone
from nimbostack.services import events, network_providers, zones

# Highest id each isolation method allows (VLAN ids are 12 bits, GRE keys 32 bits, VXLAN VNIs 24 bits less one).
VNET_LIMITS = {"GRE": 4294967295, "VXLAN": 16777214}
VLAN_MAX = 4095
TRAFFIC_TYPES = ("Public", "Guest", "Storage", "Management")
# Traffic that only one physical network of a zone may carry.
ZONE_UNIQUE_TRAFFIC = ("Public", "Storage", "Management")
LABELS = ("xen_label", "kvm_label", "vmware_label", "hyperv_label", "ovm3_label")


def missing_network(network: PhysicalNetwork) -> ApiError:
    return ApiError(
        ErrorCode.PARAM_ERROR,
        "Physical Network with specified id doesn't exist in the system",
        CsErrorCode.INVALID_PARAMETER_VALUE,
        uuids=[(network.uuid, "physicalNetworkId")],
    )


def live(network: PhysicalNetwork) -> PhysicalNetwork:
    if network.removed is not None:
        raise missing_network(network)
    return network


def split_list(text: str | None) -> list[str]:
    return [item for item in (text or "").split(",") if item]


# --- guest VLAN ranges -------------------------------------------------------------------------------------------


def parse_vnets(text: str, isolation_methods: list[str]) -> list[tuple[int, int]]:
    """`"500-599,700-700"` as pairs, with CloudStack's checks and texts (Java split semantics kept)."""
    methods = [m.upper() for m in isolation_methods]
    highest = next((VNET_LIMITS[m] for m in ("GRE", "VXLAN") if m in methods), VLAN_MAX)
    bounds = f" between 0 and {highest}"
    pairs: list[tuple[int, int]] = []
    for part in _java_split(text, ","):
        bits = _java_split(part, "-")
        if bits == [""]:
            return pairs
        if len(bits) < 2:
            raise invalid_value(
                "Please provide valid vnet range. vnet range should be a comma separated list of vlan ranges. "
                "example 500-500,600-601" + bounds
            )
        try:
            start, end = int(bits[0]), int(bits[1])
        except ValueError:
            raise invalid_value(
                "Please provide valid vnet range. The vnet range should be a comma separated list example "
                "2001-2012,3000-3005." + bounds
            ) from None
        if start < 0 or end > highest:
            raise invalid_value("Vnet range has to be" + bounds)
        if start > end:
            raise invalid_value(
                "Vnet range has to be" + bounds + " and start range should be lesser than or equal to stop range"
            )
        pairs.append((start, end))
    return pairs


def _java_split(text: str, sep: str) -> list[str]:
    """str.split as Java does it: trailing empty pieces dropped, but "" stays [""]."""
    if text == "":
        return [""]
    pieces = text.split(sep)
    while pieces and pieces[-1] == "":
        pieces.pop()
    return pieces


def vnet_string(pairs: list[tuple[int, int]]) -> str | None:
    """Sorted ranges with overlapping and adjacent ones merged, as CloudStack stores and shows them."""
    merged: list[list[int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return ",".join(f"{a}-{b}" for a, b in merged) or None


def checked_vnets(db: Session, zone_id: int, own_id: int | None, text: str, methods: list[str]) -> str | None:
    """Validate a vnet range text for a network of the zone and answer its stored form."""
    pairs = parse_vnets(text, methods)
    if "VXLAN" in (m.upper() for m in methods):
        _check_unique_vni(db, zone_id, own_id, pairs)
    return vnet_string(pairs)


def _check_unique_vni(db: Session, zone_id: int, own_id: int | None, pairs: list[tuple[int, int]]) -> None:
    """VXLAN ids are unique across a zone, not only within one physical network."""
    stmt = select(PhysicalNetwork).where(PhysicalNetwork.zone_id == zone_id, PhysicalNetwork.removed.is_(None))
    if own_id is not None:
        stmt = stmt.where(PhysicalNetwork.id != own_id)
    others = db.scalars(stmt).all()
    taken = [pair for other in others for pair in parse_vnets(other.vlan or "", ["VXLAN"])]
    for start, end in pairs:
        for vni in (start, end):
            if any(low <= vni <= high for low, high in taken):
                raise invalid_value(
                    f"VNI {vni} already exists on another network in zone, please specify a unique range"
                )


# --- physical networks -------------------------------------------------------------------------------------------


@dataclass
class NewNetwork:
    name: str
    vlan: str | None = None
    isolation_methods: list[str] | None = None
    broadcast_domain_range: str | None = None
    network_speed: str | None = None
    tags: list[str] | None = None
    domain: Domain | None = None


def create(db: Session, caller: Caller, zone: Zone, spec: NewNetwork, now: datetime) -> PhysicalNetwork:
    if zone.removed is not None:
        raise invalid_value("Please specify a valid zone.")
    if zone.allocation_state == "Enabled":
        raise permission_denied(
            f"Cannot create PhysicalNetwork since the Zone is currently enabled, zone Id: {zone.uuid}"
        )
    basic = zone.network_type == "Basic"
    zones.lock(db, zone.id)
    if basic and _count(db, PhysicalNetwork.zone_id == zone.id):
        raise internal(
            f"Cannot add the physical network to basic zone id: {zone.uuid}, there is a physical network already "
            "existing in this basic Zone"
        )
    if spec.tags and len(spec.tags) > 1:
        raise invalid_value("Only one tag can be specified for a physical network at this time")
    methods = spec.isolation_methods or []
    if len(methods) > 1:
        raise invalid_value("Only one isolationMethod can be specified for a physical network at this time")
    if spec.vlan is not None and basic:
        raise invalid_value("Can't add vnet range to the physical network in the Basic zone")
    broadcast = _broadcast_range(spec.broadcast_domain_range, basic)
    vnets = checked_vnets(db, zone.id, None, spec.vlan, methods) if spec.vlan else None
    if _count(db, PhysicalNetwork.zone_id == zone.id, PhysicalNetwork.name == spec.name):
        raise invalid_value(f"A physical network with name {spec.name} already exists in zone {zone.name}")
    network = PhysicalNetwork(
        zone_id=zone.id,
        zone=zone,
        name=spec.name,
        vlan=vnets,
        isolation_methods=",".join(methods) or None,
        broadcast_domain_range=broadcast,
        network_speed=spec.network_speed,
        tags=",".join(spec.tags or []) or None,
        domain_id=spec.domain.id if spec.domain is not None else None,
        state="Disabled",
        created=now,
    )
    db.add(network)
    db.flush()
    network_providers.add_defaults(db, network)
    _event(db, caller, "PHYSICAL.NETWORK.CREATE", "Created physical network", network, now)
    return network


def _broadcast_range(value: str | None, basic: bool) -> str:
    if not value:
        return "POD" if basic else "ZONE"
    upper = value.upper()
    if upper not in ("POD", "ZONE"):
        raise invalid_value(f"Unable to resolve broadcastDomainRange '{value}' to a supported value {{Pod or Zone}}")
    if basic and upper != "POD":
        raise invalid_value("Basic zone can have broadcast domain type of value POD only")
    if not basic and upper != "ZONE":
        raise invalid_value("Advance zone can have broadcast domain type of value ZONE only")
    return upper


def _count(db: Session, *where: ColumnElement[bool]) -> int:
    return int(
        db.scalar(select(func.count()).select_from(PhysicalNetwork).where(PhysicalNetwork.removed.is_(None), *where))
        or 0
    )


def update(
    db: Session,
    caller: Caller,
    network: PhysicalNetwork,
    *,
    network_speed: str | None,
    tags: list[str] | None,
    vlan: str | None,
    state: str | None,
    now: datetime,
) -> PhysicalNetwork:
    live(network)
    if vlan is not None and network.zone.network_type == "Basic":
        raise invalid_value("Can't add vnet range to the physical network in the Basic zone")
    if tags is not None and len(tags) > 1:
        raise invalid_value("Unable to support more than one tag on network yet")
    if state and state not in ("Enabled", "Disabled"):
        raise invalid_value(f"Unable to resolve state '{state}' to a supported value {{Enabled or Disabled}}")
    if state:
        network.state = state
    if tags is not None:
        network.tags = ",".join(tags) or None
    if network_speed is not None:
        network.network_speed = network_speed
    if vlan is not None:
        # The given ranges replace the old ones; nothing allocates guest VLANs yet, so none are in use.
        network.vlan = checked_vnets(db, network.zone_id, network.id, vlan, split_list(network.isolation_methods))
    db.flush()
    _event(db, caller, "PHYSICAL.NETWORK.UPDATE", "Updated physical network", network, now)
    return network


def delete(db: Session, caller: Caller, network: PhysicalNetwork, now: datetime) -> None:
    live(network)
    network.state = "Disabled"
    ranges = select(VlanIpRange).where(VlanIpRange.physical_network_id == network.id, VlanIpRange.removed.is_(None))
    for ip_range in db.scalars(ranges):
        ip_range.mark_removed(now)
    network_providers.remove_all(db, network, now)
    for traffic in db.scalars(select(TrafficType).where(TrafficType.physical_network_id == network.id)):
        db.delete(traffic)
    network.mark_removed(now)
    db.flush()
    _event(db, caller, "PHYSICAL.NETWORK.DELETE", "Deleted physical network", network, now)


# --- traffic types -----------------------------------------------------------------------------------------------


def traffic_type_name(value: str) -> str:
    for known in TRAFFIC_TYPES:
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value(f"Unable to resolve trafficType '{value}' to a supported value")


def add_traffic_type(
    db: Session,
    caller: Caller,
    network: PhysicalNetwork,
    traffic: str,
    labels: dict[str, str | None],
    vlan: str | None,
    isolation_method: str | None,
    now: datetime,
) -> TrafficType:
    if network.removed is not None:
        raise invalid_value(f"Physical Network id={network.uuid}doesn't exist in the system")
    kind = traffic_type_name(traffic)
    zones.lock(db, network.zone_id)
    on_network = select(func.count()).where(
        TrafficType.physical_network_id == network.id, TrafficType.traffic_type == kind
    )
    if db.scalar(on_network):
        raise internal(f"This physical network already supports the traffic type: {kind}")
    carriers = _zone_networks_with(db, network.zone_id, kind)
    if kind in ZONE_UNIQUE_TRAFFIC and carriers:
        raise internal(
            "Fail to add the traffic type to physical network because Zone already has a physical network with "
            f"this traffic type: {kind}"
        )
    if not network.tags and any(not other.tags for other in carriers):
        # Without tags CloudStack could not tell which network carries the traffic.
        raise internal(f"There are more than 1 physical network without tags in the zone= {network.zone.uuid}")
    row = TrafficType(physical_network_id=network.id, traffic_type=kind, vlan=vlan, isolation_method=isolation_method)
    for label in LABELS:
        setattr(row, label, labels.get(label))
    db.add(row)
    db.flush()
    _traffic_event(db, caller, "TRAFFIC.TYPE.CREATE", f"Added {kind} traffic", row, network, now)
    return row


def _zone_networks_with(db: Session, zone_id: int, kind: str) -> list[PhysicalNetwork]:
    stmt = (
        select(PhysicalNetwork)
        .join(TrafficType, TrafficType.physical_network_id == PhysicalNetwork.id)
        .where(PhysicalNetwork.zone_id == zone_id, PhysicalNetwork.removed.is_(None), TrafficType.traffic_type == kind)
    )
    return list(db.scalars(stmt).unique().all())


def update_traffic_type(
    db: Session, caller: Caller, row: TrafficType, labels: dict[str, str | None], now: datetime
) -> TrafficType:
    for label, value in labels.items():
        if value is not None:
            # An empty label clears it.
            setattr(row, label, value or None)
    db.flush()
    network = db.get(PhysicalNetwork, row.physical_network_id)
    assert network is not None
    _traffic_event(db, caller, "TRAFFIC.TYPE.UPDATE", f"Updated {row.traffic_type} traffic", row, network, now)
    return row


def delete_traffic_type(db: Session, caller: Caller, row: TrafficType, now: datetime) -> None:
    network = db.get(PhysicalNetwork, row.physical_network_id)
    assert network is not None
    db.delete(row)
    db.flush()
    _traffic_event(db, caller, "TRAFFIC.TYPE.DELETE", f"Deleted {row.traffic_type} traffic", row, network, now)


def _event(db: Session, caller: Caller, kind: str, text: str, network: PhysicalNetwork, now: datetime) -> None:
    events.record(
        db,
        caller,
        kind,
        f"{text} {network.name} in zone {network.zone.name}",
        now,
        resource_type="PhysicalNetwork",
        resource_uuid=network.uuid,
        resource_name=network.name,
    )


def _traffic_event(
    db: Session, caller: Caller, kind: str, text: str, row: TrafficType, network: PhysicalNetwork, now: datetime
) -> None:
    events.record(
        db,
        caller,
        kind,
        f"{text} on physical network {network.name}",
        now,
        resource_type="TrafficType",
        resource_uuid=row.uuid,
        resource_name=row.traffic_type,
    )
