"""Pod rules: the management network (gateway, netmask, address range), naming, and what blocks deletion."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import internal, invalid_value
from nimbostack.db.models import Cluster, Host, Pod, VlanIpRange, Zone
from nimbostack.services import events

IPv4 = ipaddress.IPv4Address
ALLOCATION_STATES = ("Enabled", "Disabled")


def allocation_state(value: str) -> str:
    """Pods and clusters take CloudStack's Grouping.AllocationState names (matched exactly, as valueOf does)."""
    if value not in ALLOCATION_STATES:
        raise invalid_value(f"Unable to resolve Allocation State '{value}' to a supported state")
    return value


@dataclass(frozen=True)
class PodNetwork:
    gateway: str
    netmask: str
    start_ip: str
    end_ip: str

    @property
    def cidr(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(f"{self.gateway}/{self.netmask}", strict=False)


def _ip(value: str | None) -> IPv4 | None:
    try:
        return IPv4(value) if value else None
    except ValueError:
        return None


def cidr_of(pod: Pod) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{pod.gateway}/{pod.netmask}", strict=False)


def _check_netmask(netmask: str | None) -> None:
    try:
        ipaddress.IPv4Network(f"0.0.0.0/{netmask}")
    except ValueError:
        raise invalid_value("The netmask is invalid") from None


def _check_range(net: PodNetwork, name: str) -> None:
    """CloudStack's checkIpRange, then the gateway checks, in its order and with its texts."""
    try:
        cidr = net.cidr
    except ValueError:
        raise invalid_value(f"Please enter a valid CIDR for pod: {name}") from None
    start, end = _ip(net.start_ip), _ip(net.end_ip)
    if start is None:
        raise invalid_value("The start address of the IP range is not a valid IP address.")
    if end is None:
        raise invalid_value("The end address of the IP range is not a valid IP address.")
    if start not in cidr:
        raise invalid_value("The start address of the IP range is not in the CIDR subnet.")
    if end not in cidr:
        raise invalid_value("The end address of the IP range is not in the CIDR subnet.")
    if start > end:
        raise invalid_value("The start IP address must have a lower value than the end IP address.")
    gateway = IPv4(net.gateway)
    if start <= gateway <= end:
        raise invalid_value("The gateway shouldn't overlap start/end ip addresses")


def _check_public_overlap(db: Session, zone: Zone, net: PodNetwork) -> None:
    start, end = int(IPv4(net.start_ip)), int(IPv4(net.end_ip))
    clash = db.scalars(
        select(VlanIpRange).where(
            VlanIpRange.zone_id == zone.id,
            VlanIpRange.removed.is_(None),
            VlanIpRange.start_num <= end,
            VlanIpRange.end_num >= start,
        )
    ).first()
    if clash is not None and clash.start_num is not None:
        first = IPv4(max(start, clash.start_num))
        raise invalid_value(f"The Start IP and endIP address range overlap with Public IP :{first}")


def _check_subnets(db: Session, zone: Zone, net: PodNetwork, skip_pod_id: int | None) -> None:
    """A pod's subnet may not be the zone's guest network nor another pod's (compared at the wider mask)."""
    mine = net.cidr
    if zone.guest_cidr:
        guest = ipaddress.IPv4Network(zone.guest_cidr, strict=False)
        if mine.overlaps(guest):
            raise invalid_value(
                "The subnet of the pod you are adding conflicts with the subnet of the Guest IP Network. "
                "Please specify a different CIDR."
            )
    others = db.scalars(select(Pod).where(Pod.zone_id == zone.id, Pod.removed.is_(None))).all()
    for other in others:
        if other.id != skip_pod_id and mine.overlaps(cidr_of(other)):
            raise invalid_value(
                f"The subnet of the pod you are adding conflicts with the subnet of pod {other.name} in zone "
                f"{zone.name}. Please specify a different CIDR."
            )


def _validate(db: Session, zone: Zone, name: str, net: PodNetwork, skip_pod_id: int | None) -> None:
    _check_range(net, name)
    _check_public_overlap(db, zone, net)
    _check_subnets(db, zone, net, skip_pod_id)


def _check_name_free(db: Session, zone: Zone, name: str) -> None:
    taken = db.scalar(select(func.count()).where(Pod.zone_id == zone.id, Pod.name == name, Pod.removed.is_(None)))
    if taken:
        raise invalid_value(
            f"A pod with name: {name} already exists in zone {zone.uuid}. Please specify a different pod name."
        )


def create(
    db: Session,
    caller: Caller,
    *,
    zone: Zone,
    name: str,
    gateway: str | None,
    netmask: str | None,
    start_ip: str | None,
    end_ip: str | None,
    state: str | None,
    now: datetime,
) -> Pod:
    if _ip(gateway) is None:
        raise invalid_value("The gateway is invalid")
    _check_netmask(netmask)
    assert gateway is not None and netmask is not None
    cidr = ipaddress.IPv4Network(f"{gateway}/{netmask}", strict=False)
    if start_ip and not end_ip and _ip(start_ip) is not None:
        # CloudStack's default end: the last usable address of the pod's subnet.
        end_ip = str(cidr.broadcast_address - 1)
    _check_name_free(db, zone, name)
    net = PodNetwork(gateway, netmask, start_ip or "", end_ip or "")
    _validate(db, zone, name, net, None)
    pod = Pod(
        zone_id=zone.id,
        name=name,
        gateway=gateway,
        netmask=netmask,
        start_ip=net.start_ip,
        end_ip=net.end_ip,
        allocation_state=allocation_state(state) if state else "Enabled",
        created=now,
    )
    db.add(pod)
    db.flush()
    events.record(
        db,
        caller,
        "POD.CREATE",
        f"Successfully created pod {name}",
        now,
        resource_type="Pod",
        resource_uuid=pod.uuid,
        resource_name=name,
    )
    return pod


def host_addresses(db: Session, pod: Pod) -> list[IPv4]:
    """Management addresses in use by the pod's live hosts."""
    stmt = select(Host.private_ip).where(Host.pod_id == pod.id, Host.removed.is_(None), Host.private_ip.is_not(None))
    return [ip for ip in (_ip(v) for v in db.scalars(stmt).all()) if ip is not None]


def update(
    db: Session,
    caller: Caller,
    pod: Pod,
    *,
    name: str | None,
    gateway: str | None,
    netmask: str | None,
    start_ip: str | None,
    end_ip: str | None,
    state: str | None,
    now: datetime,
) -> Pod:
    zone = pod.zone
    net = PodNetwork(
        gateway or pod.gateway, netmask or pod.netmask, start_ip or pod.start_ip or "", end_ip or pod.end_ip or ""
    )
    if _ip(net.gateway) is None:
        raise invalid_value("The gateway is invalid")
    _check_netmask(net.netmask)
    if name and name != pod.name:
        _check_name_free(db, zone, name)
    _validate(db, zone, name or pod.name, net, pod.id)
    if host_addresses(db, pod) and _shrinks(pod, net):
        raise internal(
            "The specified pod has allocated private IP addresses, so its IP address range can be extended only"
        )
    pod.name = name or pod.name
    pod.gateway, pod.netmask, pod.start_ip, pod.end_ip = net.gateway, net.netmask, net.start_ip, net.end_ip
    if state:
        pod.allocation_state = allocation_state(state)
    events.record(
        db,
        caller,
        "POD.EDIT",
        f"Successfully updated pod {pod.name}",
        now,
        resource_type="Pod",
        resource_uuid=pod.uuid,
        resource_name=pod.name,
    )
    return pod


def _shrinks(pod: Pod, net: PodNetwork) -> bool:
    old_start, old_end = _ip(pod.start_ip), _ip(pod.end_ip)
    new_start, new_end = IPv4(net.start_ip), IPv4(net.end_ip)
    narrower = net.cidr.prefixlen > cidr_of(pod).prefixlen
    return narrower or (old_start is not None and new_start > old_start) or (old_end is not None and new_end < old_end)


def delete(db: Session, caller: Caller, pod: Pod, now: datetime) -> None:
    """CloudStack's checkIfPodIsDeletable: allocated addresses, servers, then clusters block deletion."""
    if host_addresses(db, pod):
        raise internal("There are private IP addresses allocated for this pod")
    live_hosts = db.scalar(select(func.count()).where(Host.pod_id == pod.id, Host.removed.is_(None)))
    if live_hosts:
        raise internal("The pod cannot be deleted because there are servers running in this pod")
    clusters = db.scalar(select(func.count()).where(Cluster.pod_id == pod.id, Cluster.removed.is_(None)))
    if clusters:
        raise internal("The pod cannot be deleted because there are clusters in this pod")
    # Address ranges dedicated to the pod go with it, as in CloudStack.
    for vlan in db.scalars(select(VlanIpRange).where(VlanIpRange.pod_id == pod.id, VlanIpRange.removed.is_(None))):
        vlan.mark_removed(now)
    pod.mark_removed(now)
    events.record(
        db,
        caller,
        "POD.DELETE",
        f"Successfully deleted pod {pod.name}",
        now,
        resource_type="Pod",
        resource_uuid=pod.uuid,
        resource_name=pod.name,
    )


def next_free_address(db: Session, pod: Pod) -> str | None:
    """The lowest address of the pod's range no live host uses (None when the range is full)."""
    start, end = _ip(pod.start_ip), _ip(pod.end_ip)
    if start is None or end is None:
        return None
    used = {int(ip) for ip in host_addresses(db, pod)}
    for number in range(int(start), int(end) + 1):
        if number not in used:
            return str(IPv4(number))
    return None
