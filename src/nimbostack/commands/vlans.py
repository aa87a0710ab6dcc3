"""createVlanIpRange, listVlanIpRanges, deleteVlanIpRange: public and guest address ranges."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter, named_account
from nimbostack.db.models import Domain, PhysicalNetwork, Pod, VlanIpRange, Zone
from nimbostack.services import vlans
from nimbostack.views.infra import vlan_range_view

ZONE = Param("zoneid", ParamType.UUID, "Zone of the range", entity=Zone, related="listZones")
POD = Param("podid", ParamType.UUID, "Pod of a Basic zone guest range", entity=Pod, related="listPods")
PHYSICAL_NETWORK = Param(
    "physicalnetworkid",
    ParamType.UUID,
    "Physical network of the range",
    entity=PhysicalNetwork,
    related="listPhysicalNetworks",
)
RANGE_ID = Param("id", ParamType.UUID, "The IP range", entity=VlanIpRange, related="listVlanIpRanges")


@command(
    "createVlanIpRange",
    description="Adds a public IP range (or a pod's guest range in a Basic zone), optionally dedicated.",
    params=[
        ZONE,
        POD,
        PHYSICAL_NETWORK,
        Param("vlan", ParamType.STRING, "VLAN id, or untagged"),
        Param("gateway", ParamType.STRING, "Gateway of the range"),
        Param("netmask", ParamType.STRING, "Netmask of the range"),
        Param("startip", ParamType.STRING, "First address"),
        Param("endip", ParamType.STRING, "Last address; the first when left out"),
        Param("forvirtualnetwork", ParamType.BOOLEAN, "true (the default) for public, false for direct guest"),
        Param("forsystemvms", ParamType.BOOLEAN, "Reserve the range for system VMs", since="4.12"),
        Param("account", ParamType.STRING, "Dedicate the range to this account; use with domainid"),
        Param("domainid", ParamType.UUID, "Dedicate the range to this domain", entity=Domain, related="listDomains"),
        Param("ip6gateway", ParamType.STRING, "IPv6 gateway"),
        Param("ip6cidr", ParamType.STRING, "IPv6 CIDR, /64 or larger"),
        Param("startipv6", ParamType.STRING, "First IPv6 address"),
        Param("endipv6", ParamType.STRING, "Last IPv6 address"),
    ],
    kind=Kind.OBJECT,
    key="vlan",
    roles=ADMIN_ONLY,
)
def create_vlan_ip_range(call: Call) -> dict[str, Any]:
    forvirtual = call.arg("forvirtualnetwork")
    spec = vlans.NewRange(
        zone=call.arg("zoneid"),
        pod=call.arg("podid"),
        physical_network=call.arg("physicalnetworkid"),
        vlan=call.arg("vlan"),
        gateway=call.arg("gateway"),
        netmask=call.arg("netmask"),
        start_ip=call.arg("startip"),
        end_ip=call.arg("endip"),
        for_virtual_network=True if forvirtual is None else bool(forvirtual),
        for_system_vms=bool(call.arg("forsystemvms")),
        account_name=call.arg("account"),
        domain=call.arg("domainid"),
        ip6_gateway=call.arg("ip6gateway"),
        ip6_cidr=call.arg("ip6cidr"),
        start_ipv6=call.arg("startipv6"),
        end_ipv6=call.arg("endipv6"),
    )
    ip_range = vlans.create(call.db, call.caller, spec, call.now)
    return vlan_range_view(call.db, ip_range)


@command(
    "listVlanIpRanges",
    description="Lists public and guest IP ranges.",
    params=[
        *LIST_PARAMS,
        RANGE_ID,
        ZONE,
        POD,
        PHYSICAL_NETWORK,
        Param("vlan", ParamType.STRING, "Only ranges on this VLAN"),
        Param("forvirtualnetwork", ParamType.BOOLEAN, "Only public (true) or direct (false) ranges"),
        Param("account", ParamType.STRING, "Only ranges dedicated to this account; use with domainid"),
        Param("domainid", ParamType.UUID, "Only ranges dedicated to this domain", entity=Domain, related="listDomains"),
    ],
    kind=Kind.LIST,
    key="vlaniprange",
    roles=ADMIN_ONLY,
)
def list_vlan_ip_ranges(call: Call) -> Listing:
    stmt = select(VlanIpRange).where(VlanIpRange.removed.is_(None), keyword_filter(call, VlanIpRange.vlan))
    if call.has("id"):
        stmt = stmt.where(VlanIpRange.id == call.arg("id").id)
    if call.has("zoneid"):
        stmt = stmt.where(VlanIpRange.zone_id == call.arg("zoneid").id)
    if call.has("podid"):
        stmt = stmt.where(VlanIpRange.pod_id == call.arg("podid").id)
    if call.has("physicalnetworkid"):
        stmt = stmt.where(VlanIpRange.physical_network_id == call.arg("physicalnetworkid").id)
    if call.has("vlan"):
        stmt = stmt.where(VlanIpRange.vlan == vlans.vlan_uri(call.arg("vlan")))
    if call.has("forvirtualnetwork"):
        stmt = stmt.where(VlanIpRange.for_virtual_network.is_(call.arg("forvirtualnetwork")))
    account = named_account(call)
    if account is not None:
        stmt = stmt.where(VlanIpRange.account_id == account.id)
    elif call.has("domainid"):
        stmt = stmt.where(VlanIpRange.domain_id == call.arg("domainid").id)
    rows, count = fetch(call, stmt, VlanIpRange.id)
    return Listing([vlan_range_view(call.db, r) for r in rows], count)


@command(
    "deleteVlanIpRange",
    description="Deletes an IP range none of whose addresses is in use.",
    params=[Param("id", ParamType.UUID, "The IP range", required=True, entity=VlanIpRange, related="listVlanIpRanges")],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_vlan_ip_range(call: Call) -> Success:
    vlans.delete(call.db, call.caller, call.arg("id"), call.now)
    return Success()
