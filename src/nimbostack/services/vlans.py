"""Public and guest IP ranges (CloudStack's VLAN IP ranges): validation, overlap rules, dedication."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, invalid_value
from nimbostack.db.models import Account, Domain, PhysicalNetwork, Pod, TrafficType, VlanIpRange, Zone
from nimbostack.services import events, zones
from nimbostack.services.physical_networks import parse_vnets, split_list

UNTAGGED = "vlan://untagged"
SYSTEM_ACCOUNT_ID = 1
IP6_MAX_PREFIX = 64


@dataclass
class NewRange:
    """createVlanIpRange's parameters, resolved to rows where they name one."""

    zone: Zone | None = None
    pod: Pod | None = None
    physical_network: PhysicalNetwork | None = None
    vlan: str | None = None
    gateway: str | None = None
    netmask: str | None = None
    start_ip: str | None = None
    end_ip: str | None = None
    for_virtual_network: bool = True
    for_system_vms: bool = False
    account_name: str | None = None
    domain: Domain | None = None
    ip6_gateway: str | None = None
    ip6_cidr: str | None = None
    start_ipv6: str | None = None
    end_ipv6: str | None = None


def vlan_uri(value: str | None) -> str | None:
    if not value:
        return None
    return value if value.startswith("vlan://") else f"vlan://{value}"


def _tag_ids(uri: str) -> tuple[int, int] | None:
    low, _, high = uri.removeprefix("vlan://").partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return None
    return int(low), int(high or low)


def tags_overlap(a: str, b: str) -> bool:
    ids_a, ids_b = _tag_ids(a), _tag_ids(b)
    if ids_a is None or ids_b is None:
        return a.lower() == b.lower()
    return ids_a[0] <= ids_b[1] and ids_b[0] <= ids_a[1]


def is_netmask(value: str) -> bool:
    if not zones.is_ipv4(value):
        return False
    bits = int(ipaddress.IPv4Address(value))
    inverse = ~bits & 0xFFFFFFFF
    return bits != 0 and inverse & (inverse + 1) == 0


def create(db: Session, caller: Caller, spec: NewRange, now: datetime) -> VlanIpRange:
    if spec.for_system_vms and spec.account_name:
        raise invalid_value("Account name should not be provided when ForSystemVMs is enabled")
    ipv4, ipv6 = spec.start_ip is not None, spec.ip6_cidr is not None
    if not ipv4 and not ipv6:
        raise invalid_value("StartIP or IPv6 CIDR is missing in the parameters!")
    end_ip = spec.end_ip or spec.start_ip
    end_ipv6 = spec.end_ipv6 or spec.start_ipv6
    ip6_net = _ip6_network(spec.ip6_cidr) if ipv6 else None
    owner, domain = _owner(db, caller, spec)
    zone = _zone_of(spec)
    network = _physical_network(db, zone, spec)
    if zone.security_group_enabled and zone.network_type != "Basic" and spec.for_virtual_network:
        raise invalid_value("Can't add virtual ip range into a zone with security group enabled")
    if zone.network_type == "Advanced" and not spec.for_virtual_network:
        # Direct ranges belong to a shared guest network, and networks do not exist yet.
        raise invalid_value("Nework id is required for Direct vlan creation ")
    if ipv6 and (spec.ip6_gateway is None or spec.ip6_cidr is None):
        raise invalid_value("Gateway, netmask and zoneId have to be passed in for virtual and direct untagged networks")
    _check_pod(zone, spec)
    tag = vlan_uri(spec.vlan)
    if tag is None and spec.for_virtual_network:
        raise invalid_value("Unable to determine vlan id or untagged vlan for public network")
    tag = tag or UNTAGGED
    if (owner is not None or domain is not None) and zone.network_type != "Advanced":
        raise invalid_value("Vlan owner can be defined only in the zone of type Advanced")
    # Two ranges created at once in one zone must not both pass the overlap checks.
    zones.lock(db, zone.id)
    bounds: tuple[int, int] | None = None
    if ipv4:
        bounds = _check_ipv4(db, zone, network, spec, tag, str(spec.start_ip), str(end_ip))
    if ipv6:
        assert ip6_net is not None
        _check_ipv6(db, zone, spec, ip6_net, tag, end_ipv6)
    if tag != UNTAGGED and _in_vnets(network, tag):
        raise invalid_value(
            f"The VLAN tag {tag} is already being used for dynamic vlan allocation for the guest network in zone "
            f"{zone.name}"
        )
    if bounds is not None:
        _check_pod_ranges(db, zone, bounds)
    ip_range = VlanIpRange(
        zone_id=zone.id,
        pod_id=spec.pod.id if spec.pod is not None else None,
        physical_network_id=network.id,
        vlan=tag,
        gateway=spec.gateway if ipv4 else None,
        netmask=spec.netmask if ipv4 else None,
        start_ip=spec.start_ip if ipv4 else None,
        end_ip=end_ip if ipv4 else None,
        start_num=bounds[0] if bounds else None,
        end_num=bounds[1] if bounds else None,
        ip6_gateway=spec.ip6_gateway if ipv6 else None,
        ip6_cidr=spec.ip6_cidr if ipv6 else None,
        start_ipv6=spec.start_ipv6 if ipv6 else None,
        end_ipv6=end_ipv6 if ipv6 else None,
        for_virtual_network=spec.for_virtual_network,
        for_system_vms=spec.for_system_vms,
        account_id=owner.id if owner is not None else None,
        # A range for system VMs is never dedicated to a domain.
        domain_id=domain.id if domain is not None and not spec.for_system_vms else None,
        created=now,
    )
    db.add(ip_range)
    db.flush()
    text = f"Created IP range {ip_range.start_ip or ip_range.start_ipv6 or ip_range.ip6_cidr} in zone {zone.name}"
    _event(db, caller, "VLAN.IP.RANGE.CREATE", text, ip_range, now)
    return ip_range


def _ip6_network(cidr: str | None) -> ipaddress.IPv6Network:
    try:
        net = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        raise invalid_value("Please specify a valid IPv6 CIDR") from None
    if not isinstance(net, ipaddress.IPv6Network):
        raise invalid_value("Please specify a valid IPv6 CIDR")
    if net.prefixlen > IP6_MAX_PREFIX:
        raise invalid_value(f"For IPv6 range, prefix must be /{IP6_MAX_PREFIX} or less")
    return net


def _owner(db: Session, caller: Caller, spec: NewRange) -> tuple[Account | None, Domain | None]:
    if not spec.account_name:
        return None, spec.domain
    domain_id = spec.domain.id if spec.domain is not None else caller.domain_id
    account = db.scalars(
        select(Account).where(
            Account.name == spec.account_name, Account.domain_id == domain_id, Account.removed.is_(None)
        )
    ).first()
    if account is None:
        raise invalid_value("Please specify a valid account.")
    # A range "dedicated" to the system account is an ordinary shared range.
    return (None, None) if account.id == SYSTEM_ACCOUNT_ID else (account, None)


def _zone_of(spec: NewRange) -> Zone:
    zone = spec.zone
    if zone is None and spec.physical_network is not None:
        zone = spec.physical_network.zone
    if zone is None and spec.pod is not None:
        zone = spec.pod.zone
    if zone is None:
        raise invalid_value("Please specify a valid zone.")
    if zone.removed is not None:
        raise invalid_value(f"Unable to find zone by id {zone.uuid}")
    return zone


def _physical_network(db: Session, zone: Zone, spec: NewRange) -> PhysicalNetwork:
    network = spec.physical_network
    if network is not None:
        if network.removed is not None:
            raise invalid_value(f"Unable to find Physical Network with id={network.uuid}")
        if network.zone_id != zone.id:
            raise invalid_value(f"Physical Network id={network.uuid} doesn't belong to zone id={zone.uuid}")
        return network
    if spec.for_virtual_network:
        return _default_network(db, zone, "Public")
    if zone.network_type == "Basic" or zone.security_group_enabled:
        return _default_network(db, zone, "Guest")
    raise invalid_value("Physical Network Id is null, please provide the Network id for Direct vlan creation ")


def _default_network(db: Session, zone: Zone, traffic: str) -> PhysicalNetwork:
    stmt = (
        select(PhysicalNetwork)
        .join(TrafficType, TrafficType.physical_network_id == PhysicalNetwork.id)
        .where(
            PhysicalNetwork.zone_id == zone.id,
            PhysicalNetwork.removed.is_(None),
            TrafficType.traffic_type == traffic,
        )
    )
    found: list[PhysicalNetwork] = list(db.scalars(stmt).unique().all())
    if not found:
        raise ApiError(
            ErrorCode.PARAM_ERROR,
            f"Unable to find the default physical network with traffic={traffic} in the specified zone id",
            CsErrorCode.INVALID_PARAMETER_VALUE,
            uuids=[(zone.uuid, "zoneId")],
        )
    if len(found) > 1:
        raise invalid_value(f"More than one physical networks exist in zone id={zone.uuid} with traffic type={traffic}")
    return found[0]


def _check_pod(zone: Zone, spec: NewRange) -> None:
    pod = spec.pod
    if pod is None:
        return
    if pod.removed is not None:
        raise invalid_value("Please specify a valid pod.")
    if pod.zone_id != zone.id:
        raise invalid_value(f"Pod id={pod.uuid} doesn't belong to zone id={zone.uuid}")
    if zone.network_type != "Basic" or spec.for_virtual_network:
        raise invalid_value("Pod id can be specified only for the networks of type Guest in zone of type Basic")


def _check_ipv4(
    db: Session, zone: Zone, network: PhysicalNetwork, spec: NewRange, tag: str, start: str, end: str
) -> tuple[int, int]:
    gateway, netmask = spec.gateway or "", spec.netmask or ""
    if not zones.is_ipv4(gateway):
        raise invalid_value("Please specify a valid gateway")
    if not is_netmask(netmask):
        raise invalid_value("Please specify a valid netmask")
    cidr = ipaddress.IPv4Network(f"{gateway}/{netmask}", strict=False)
    if not all(zones.is_ipv4(ip) and ipaddress.IPv4Address(ip) in cidr for ip in (start, end)):
        raise invalid_value("Please specify a valid IP range or valid netmask or valid gateway")
    if zone.guest_cidr and tag != UNTAGGED and _in_vnets(network, tag):
        guest = ipaddress.ip_network(zone.guest_cidr, strict=False)
        if cidr.overlaps(guest):
            raise invalid_value(
                f"The new IP range you have specified has  overlapped with the guest network in zone: {zone.name}"
                "along with existing Vlan also. Please specify a different gateway/netmask"
            )
    low, high = int(ipaddress.IPv4Address(start)), int(ipaddress.IPv4Address(end))
    if low > high:
        raise invalid_value("Please specify a valid IP range.")
    point_to_point = cidr.prefixlen == 31
    if not point_to_point and low <= int(ipaddress.IPv4Address(gateway)) <= high:
        raise invalid_value("The gateway ip should not be the part of the ip range being added.")
    _check_zone_overlap(db, zone, spec, tag, cidr, (low, high), point_to_point)
    return low, high


def _check_zone_overlap(
    db: Session,
    zone: Zone,
    spec: NewRange,
    tag: str,
    cidr: ipaddress.IPv4Network,
    bounds: tuple[int, int],
    point_to_point: bool,
) -> None:
    """CloudStack's rules for a new range whose subnet meets an existing range of the zone."""
    in_zone = (VlanIpRange.zone_id == zone.id, VlanIpRange.removed.is_(None))
    clashing = set(
        db.scalars(
            select(VlanIpRange.id).where(*in_zone, VlanIpRange.start_num <= bounds[1], VlanIpRange.end_num >= bounds[0])
        )
    )
    others = db.scalars(
        select(VlanIpRange).where(*in_zone, VlanIpRange.gateway.is_not(None)).order_by(VlanIpRange.id)
    ).all()
    for other in others:
        other_cidr = ipaddress.ip_network(f"{other.gateway}/{other.netmask}", strict=False)
        if not cidr.overlaps(other_cidr):
            continue
        if tag == UNTAGGED or tags_overlap(tag, other.vlan):
            if spec.gateway != other.gateway or spec.netmask != other.netmask:
                raise invalid_value(
                    f"The IP range has already been added with gateway {other.gateway} ,and netmask {other.netmask}, "
                    "Please specify the gateway/netmask if you want to extend ip range"
                )
            if not point_to_point and other.id in clashing:
                raise invalid_value(
                    "The IP range already has IPs that overlap with the new range. Please specify a different start "
                    "IP/end IP."
                )
        elif spec.for_virtual_network or other.for_virtual_network:
            raise invalid_value(
                f"The IP range with tag: {other.vlan} in zone {zone.name} has overlapped with the subnet. Please "
                "specify a different gateway/netmask."
            )


def _check_ipv6(db: Session, zone: Zone, spec: NewRange, net: ipaddress.IPv6Network, tag: str, end: str | None) -> None:
    if not zones.is_ipv6(str(spec.ip6_gateway)):
        raise invalid_value("Please specify a valid IPv6 gateway")
    new = _ip6_span(net, spec.start_ipv6, end)
    others = db.scalars(
        select(VlanIpRange)
        .where(VlanIpRange.zone_id == zone.id, VlanIpRange.removed.is_(None), VlanIpRange.ip6_gateway.is_not(None))
        .order_by(VlanIpRange.id)
    ).all()
    for other in others:
        other_net = ipaddress.ip_network(str(other.ip6_cidr), strict=False)
        span = _ip6_span(other_net, other.start_ipv6, other.end_ipv6)
        if new[0] <= span[1] and span[0] <= new[1]:
            raise invalid_value(
                f"The IPv6 range with tag: {other.vlan} already has IPs that overlap with the new range."
            )
        if tags_overlap(tag, other.vlan) and spec.ip6_gateway != other.ip6_gateway:
            raise invalid_value(
                f"The IP range with tag: {other.vlan} has already been added with gateway {other.ip6_gateway}. "
                "Please specify a different tag."
            )


def _ip6_span(
    net: ipaddress.IPv4Network | ipaddress.IPv6Network, start: str | None, end: str | None
) -> tuple[int, int]:
    if start and zones.is_ipv6(start):
        last = end if end and zones.is_ipv6(end) else start
        return int(ipaddress.IPv6Address(start)), int(ipaddress.IPv6Address(last))
    return int(net.network_address), int(net.broadcast_address)


def _in_vnets(network: PhysicalNetwork, tag: str) -> bool:
    ids = _tag_ids(tag)
    if ids is None or not network.vlan:
        return False
    pairs = parse_vnets(network.vlan, split_list(network.isolation_methods))
    return any(low <= ids[1] and ids[0] <= high for low, high in pairs)


def _check_pod_ranges(db: Session, zone: Zone, bounds: tuple[int, int]) -> None:
    """Public and guest addresses must not reuse a pod's management range."""
    pods = db.execute(select(Pod.start_ip, Pod.end_ip).where(Pod.zone_id == zone.id, Pod.removed.is_(None)))
    for start, end in pods:
        if not (start and end and zones.is_ipv4(start) and zones.is_ipv4(end)):
            continue
        low, high = int(ipaddress.IPv4Address(start)), int(ipaddress.IPv4Address(end))
        if low <= bounds[1] and bounds[0] <= high:
            raise invalid_value(f"The Start IP and EndIP address range overlap with private IP :{start}:{end}")


def delete(db: Session, caller: Caller, ip_range: VlanIpRange, now: datetime) -> None:
    if ip_range.removed is not None:
        raise invalid_value("Please specify a valid IP range id.")
    # Nothing hands out addresses from a range yet, so no address can be in use.
    ip_range.mark_removed(now)
    db.flush()
    _event(
        db, caller, "VLAN.IP.RANGE.DELETE", f"Deleted IP range {ip_range.start_ip or ip_range.ip6_cidr}", ip_range, now
    )


def _event(db: Session, caller: Caller, kind: str, text: str, ip_range: VlanIpRange, now: datetime) -> None:
    events.record(db, caller, kind, text, now, resource_type="Vlan", resource_uuid=ip_range.uuid)
