"""Response objects for zones and the rest of the infrastructure tree."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.db.models import (
    Account,
    Domain,
    NetworkServiceProvider,
    PhysicalNetwork,
    Pod,
    TrafficType,
    VirtualRouterElement,
    VlanIpRange,
    Zone,
)
from nimbostack.services import network_providers
from nimbostack.services.zones import Capacity
from nimbostack.views.identity import display_path

Entity = dict[str, Any]


def zone_view(db: Session, zone: Zone, caller: Caller, capacities: Sequence[Capacity] | None = None) -> Entity:
    domain = db.get(Domain, zone.domain_id) if zone.domain_id is not None else None
    view: Entity = {
        "id": zone.uuid,
        "name": zone.name,
        "description": zone.description,
        "networktype": zone.network_type,
        "allocationstate": zone.allocation_state,
        "securitygroupsenabled": zone.security_group_enabled,
        "localstorageenabled": zone.local_storage_enabled,
        "zonetoken": None,
        "dhcpprovider": "VirtualRouter",
        "domain": zone.network_domain,
        "domainid": domain.uuid if domain else None,
        "domainname": domain.name if domain else None,
        "type": "Core",
        "tags": [],
    }
    if caller.is_root_admin:
        # DNS and guest CIDR are infrastructure details CloudStack shows to admins only.
        view.update(
            dns1=zone.dns1,
            dns2=zone.dns2,
            internaldns1=zone.internal_dns1,
            internaldns2=zone.internal_dns2,
            ip6dns1=zone.ip6_dns1,
            ip6dns2=zone.ip6_dns2,
            guestcidraddress=zone.guest_cidr,
        )
    else:
        view.update(dns1=zone.dns1, dns2=zone.dns2, ip6dns1=zone.ip6_dns1, ip6dns2=zone.ip6_dns2)
    if capacities is not None:
        view["capacity"] = [capacity_view(c, zone) for c in capacities]
    return view


def percent(used: int, total: int) -> str:
    """CloudStack's `##.##` format: at most two decimals, no trailing zeros."""
    if not total:
        return "0"
    return f"{used / total * 100:.2f}".rstrip("0").rstrip(".")


def capacity_view(capacity: Capacity, zone: Zone) -> Entity:
    return {
        "type": capacity.type,
        "name": capacity.name,
        "zoneid": zone.uuid,
        "zonename": zone.name,
        "capacityused": capacity.used,
        "capacitytotal": capacity.total,
        "percentused": percent(capacity.used, capacity.total),
    }


def physical_network_view(db: Session, network: PhysicalNetwork) -> Entity:
    domain = db.get(Domain, network.domain_id) if network.domain_id is not None else None
    return {
        "id": network.uuid,
        "name": network.name,
        "zoneid": network.zone.uuid,
        "zonename": network.zone.name,
        "state": network.state,
        "broadcastdomainrange": network.broadcast_domain_range,
        "isolationmethods": network.isolation_methods,
        "vlan": network.vlan,
        "networkspeed": network.network_speed,
        "tags": network.tags,
        "domainid": domain.uuid if domain is not None else None,
    }


def traffic_type_view(row: TrafficType, network: PhysicalNetwork) -> Entity:
    return {
        "id": row.uuid,
        "traffictype": row.traffic_type,
        "physicalnetworkid": network.uuid,
        "xennetworklabel": row.xen_label,
        "kvmnetworklabel": row.kvm_label,
        "vmwarenetworklabel": row.vmware_label,
        "hypervnetworklabel": row.hyperv_label,
        "ovm3networklabel": row.ovm3_label,
    }


def provider_view(db: Session, provider: NetworkServiceProvider) -> Entity:
    network = db.get(PhysicalNetwork, provider.physical_network_id)
    destination = (
        db.get(PhysicalNetwork, provider.destination_physical_network_id)
        if provider.destination_physical_network_id
        else None
    )
    return {
        "id": provider.uuid,
        "name": provider.name,
        "physicalnetworkid": network.uuid if network is not None else None,
        "destinationphysicalnetworkid": destination.uuid if destination is not None else None,
        "state": provider.state,
        "servicelist": network_providers.services_of(provider),
        "canenableindividualservice": network_providers.kind_of(provider).individual,
    }


def element_view(db: Session, element: VirtualRouterElement) -> Entity:
    provider = db.get(NetworkServiceProvider, element.nsp_id)
    return {
        "id": element.uuid,
        "nspid": provider.uuid if provider is not None else None,
        "enabled": element.enabled,
    }


def vlan_range_view(db: Session, ip_range: VlanIpRange) -> Entity:
    zone = db.get(Zone, ip_range.zone_id)
    pod = db.get(Pod, ip_range.pod_id) if ip_range.pod_id is not None else None
    network = db.get(PhysicalNetwork, ip_range.physical_network_id) if ip_range.physical_network_id else None
    view: Entity = {
        "id": ip_range.uuid,
        "forvirtualnetwork": ip_range.for_virtual_network,
        "zoneid": zone.uuid if zone is not None else None,
        "vlan": ip_range.vlan,
        "gateway": ip_range.gateway,
        "netmask": ip_range.netmask,
        "cidr": _cidr(ip_range.gateway, ip_range.netmask),
        "startip": ip_range.start_ip,
        "endip": ip_range.end_ip,
        "ip6gateway": ip_range.ip6_gateway,
        "ip6cidr": ip_range.ip6_cidr,
        "startipv6": ip_range.start_ipv6,
        "endipv6": ip_range.end_ipv6,
        "podid": pod.uuid if pod is not None else None,
        "podname": pod.name if pod is not None else None,
        "physicalnetworkid": network.uuid if network is not None else None,
        "forsystemvms": ip_range.for_system_vms,
        "description": ip_range.description,
    }
    account = db.get(Account, ip_range.account_id) if ip_range.account_id is not None else None
    domain_id = account.domain_id if account is not None else ip_range.domain_id
    domain = db.get(Domain, domain_id) if domain_id is not None else None
    if account is not None:
        view["account"] = account.name
    if domain is not None:
        view.update(domainid=domain.uuid, domain=domain.name, domainpath=display_path(domain))
    return view


def _cidr(gateway: str | None, netmask: str | None) -> str | None:
    if not gateway or not netmask:
        return None
    try:
        return str(ipaddress.ip_network(f"{gateway}/{netmask}", strict=False))
    except ValueError:
        return None
