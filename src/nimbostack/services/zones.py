"""Zone rules: naming, network type, DNS and guest CIDR checks, enabling."""

from __future__ import annotations

import ipaddress
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import invalid_value
from nimbostack.db.models import Domain, Zone
from nimbostack.services import events

NETWORK_TYPES = ("Basic", "Advanced")
ALLOCATION_STATES = ("Enabled", "Disabled")


def check_ip(value: str | None, what: str) -> None:
    if value is None:
        return
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise invalid_value(f"Please specify a valid IP address for {what}: {value}") from None


def check_cidr(value: str | None) -> None:
    if value is None:
        return
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise invalid_value(f"Please enter a valid guest cidr: {value}") from None
    if net.version != 4:
        raise invalid_value(f"Please enter a valid IPv4 guest cidr: {value}")


def network_type(value: str) -> str:
    for known in NETWORK_TYPES:
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value(f"Invalid network type {value}; valid types are Basic and Advanced")


def allocation_state(value: str) -> str:
    for known in ALLOCATION_STATES:
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value(f"Invalid allocation state {value}; valid states are Enabled and Disabled")


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
    for value, what in (
        (dns1, "dns1"),
        (dns2, "dns2"),
        (internal_dns1, "internaldns1"),
        (internal_dns2, "internaldns2"),
        (ip6_dns1, "ip6dns1"),
        (ip6_dns2, "ip6dns2"),
    ):
        check_ip(value, what)
    if kind == "Advanced":
        check_cidr(guest_cidr)
    if db.scalar(select(func.count()).where(Zone.name == name, Zone.removed.is_(None))):
        raise invalid_value(f"A zone with name {name} already exists")
    zone = Zone(
        name=name,
        network_type=kind,
        dns1=dns1,
        dns2=dns2,
        internal_dns1=internal_dns1,
        internal_dns2=internal_dns2,
        ip6_dns1=ip6_dns1,
        ip6_dns2=ip6_dns2,
        guest_cidr=guest_cidr if kind == "Advanced" else None,
        network_domain=network_domain,
        domain_id=domain.id if domain is not None else None,
        allocation_state=allocation_state(state) if state else "Disabled",
        security_group_enabled=security_groups or kind == "Basic",
        local_storage_enabled=local_storage,
        created=now,
    )
    db.add(zone)
    db.flush()
    events.record(
        db,
        caller,
        "ZONE.CREATE",
        f"Successfully created zone {name}",
        now,
        resource_type="Zone",
        resource_uuid=zone.uuid,
        resource_name=name,
    )
    return zone
