"""createZone, listZones, updateZone, deleteZone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY, ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Domain, Zone
from nimbostack.services import zones
from nimbostack.views.infra import zone_view


@command(
    "createZone",
    description="Creates a zone: the top of the infrastructure tree, Basic or Advanced networking.",
    params=[
        Param("name", ParamType.STRING, "Name of the zone", required=True),
        Param("networktype", ParamType.STRING, "Basic or Advanced", required=True),
        Param("dns1", ParamType.STRING, "First DNS server for guests", required=True),
        Param("internaldns1", ParamType.STRING, "First DNS server for system VMs", required=True),
        Param("dns2", ParamType.STRING, "Second DNS server for guests"),
        Param("internaldns2", ParamType.STRING, "Second DNS server for system VMs"),
        Param("ip6dns1", ParamType.STRING, "First IPv6 DNS server", since="4.3"),
        Param("ip6dns2", ParamType.STRING, "Second IPv6 DNS server", since="4.3"),
        Param("guestcidraddress", ParamType.STRING, "Default guest CIDR of isolated networks (Advanced)"),
        Param("domain", ParamType.STRING, "DNS suffix of guest networks in the zone"),
        Param("domainid", ParamType.UUID, "Dedicate the zone to this domain", entity=Domain, related="listDomains"),
        Param("allocationstate", ParamType.STRING, "Enabled or Disabled (the default)"),
        Param("securitygroupenabled", ParamType.BOOLEAN, "Use security groups for guest isolation"),
        Param("localstorageenabled", ParamType.BOOLEAN, "Allow local storage on hosts"),
    ],
    kind=Kind.OBJECT,
    key="zone",
    roles=ADMIN_ONLY,
)
def create_zone(call: Call) -> dict[str, Any]:
    zone = zones.create(
        call.db,
        call.caller,
        name=call.arg("name"),
        net_type=call.arg("networktype"),
        dns1=call.arg("dns1"),
        internal_dns1=call.arg("internaldns1"),
        dns2=call.arg("dns2"),
        internal_dns2=call.arg("internaldns2"),
        ip6_dns1=call.arg("ip6dns1"),
        ip6_dns2=call.arg("ip6dns2"),
        guest_cidr=call.arg("guestcidraddress"),
        network_domain=call.arg("domain"),
        domain=call.arg("domainid"),
        state=call.arg("allocationstate"),
        security_groups=bool(call.arg("securitygroupenabled")),
        local_storage=bool(call.arg("localstorageenabled")),
        now=call.now,
    )
    return zone_view(call.db, zone, call.caller)


@command(
    "listZones",
    description="Lists zones; users see enabled zones open to them.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this zone", entity=Zone, related="listZones"),
        Param("ids", ParamType.LIST, "Only these zones", item_type=ParamType.UUID, entity=Zone, since="4.19.0"),
        Param("name", ParamType.STRING, "Only the zone with this name"),
        Param("networktype", ParamType.STRING, "Only Basic or Advanced zones"),
        Param("available", ParamType.BOOLEAN, "Only zones the caller can deploy in"),
        Param("domainid", ParamType.UUID, "Only zones dedicated to this domain", entity=Domain, related="listDomains"),
        Param("showcapacities", ParamType.BOOLEAN, "Include capacity figures"),
        Param("showicon", ParamType.BOOLEAN, "Include icons"),
    ],
    kind=Kind.LIST,
    key="zone",
    roles=ALL_ROLES,
)
def list_zones(call: Call) -> Listing:
    caller = call.caller
    stmt = select(Zone).where(Zone.removed.is_(None), keyword_filter(call, Zone.name, Zone.description))
    if call.has("id"):
        stmt = stmt.where(Zone.id == call.arg("id").id)
    if call.has("ids"):
        stmt = stmt.where(Zone.id.in_([z.id for z in call.arg("ids")]))
    if call.has("name"):
        stmt = stmt.where(Zone.name == call.arg("name"))
    if call.has("networktype"):
        stmt = stmt.where(Zone.network_type == zones.network_type(call.arg("networktype")))
    if call.has("domainid"):
        stmt = stmt.where(Zone.domain_id == call.arg("domainid").id)
    if not caller.is_root_admin or call.arg("available"):
        stmt = stmt.where(Zone.allocation_state == "Enabled")
    if not caller.is_root_admin:
        # A dedicated zone is open to its domain's subtree only.
        open_domains = select(Domain.id).where(Domain.path.in_(_ancestor_paths(caller.domain_path)))
        stmt = stmt.where(Zone.domain_id.is_(None) | Zone.domain_id.in_(open_domains))
    rows, count = fetch(call, stmt, Zone.id)
    # Capacity figures are infrastructure details; only root admins get them.
    with_capacity = bool(call.arg("showcapacities")) and caller.is_root_admin
    return Listing(
        [zone_view(call.db, z, caller, zones.capacities(call.db, z) if with_capacity else None) for z in rows],
        count,
    )


@command(
    "updateZone",
    description="Changes a zone's name, DNS servers, guest CIDR, network domain or allocation state.",
    params=[
        Param("id", ParamType.UUID, "The zone", required=True, entity=Zone, related="listZones"),
        Param("name", ParamType.STRING, "New name"),
        Param("dns1", ParamType.STRING, "First DNS server for guests"),
        Param("dns2", ParamType.STRING, "Second DNS server for guests"),
        Param("internaldns1", ParamType.STRING, "First DNS server for system VMs"),
        Param("internaldns2", ParamType.STRING, "Second DNS server for system VMs"),
        Param("ip6dns1", ParamType.STRING, "First IPv6 DNS server", since="4.3"),
        Param("ip6dns2", ParamType.STRING, "Second IPv6 DNS server", since="4.3"),
        Param("guestcidraddress", ParamType.STRING, "Default guest CIDR of isolated networks"),
        Param("domain", ParamType.STRING, "DNS suffix of guest networks; empty clears it"),
        Param("allocationstate", ParamType.STRING, "Enabled or Disabled"),
        Param("ispublic", ParamType.BOOLEAN, "true ends the zone's dedication to a domain"),
        Param("localstorageenabled", ParamType.BOOLEAN, "Allow local storage on hosts"),
    ],
    kind=Kind.OBJECT,
    key="zone",
    roles=ADMIN_ONLY,
)
def update_zone(call: Call) -> dict[str, Any]:
    changes = zones.ZoneChanges(
        name=call.arg("name"),
        dns1=call.arg("dns1"),
        dns2=call.arg("dns2"),
        internal_dns1=call.arg("internaldns1"),
        internal_dns2=call.arg("internaldns2"),
        ip6_dns1=call.arg("ip6dns1"),
        ip6_dns2=call.arg("ip6dns2"),
        guest_cidr=call.arg("guestcidraddress"),
        network_domain=call.arg("domain"),
        state=call.arg("allocationstate"),
        make_public=bool(call.arg("ispublic")),
        local_storage=call.arg("localstorageenabled"),
    )
    zone = zones.update(call.db, call.caller, call.arg("id"), changes, call.now)
    return zone_view(call.db, zone, call.caller)


@command(
    "deleteZone",
    description="Deletes an empty zone: no hosts, pods, physical networks, pools or image stores left in it.",
    params=[Param("id", ParamType.UUID, "The zone", required=True, entity=Zone, related="listZones")],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_zone(call: Call) -> Success:
    zones.delete(call.db, call.caller, call.arg("id"), call.now)
    return Success()


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "".join(f"{p}/" for p in parts[:i]) for i in range(len(parts) + 1)]
