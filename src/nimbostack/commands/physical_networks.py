"""Physical networks and their traffic types: create, list, update, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Domain, PhysicalNetwork, TrafficType, Zone
from nimbostack.services import physical_networks
from nimbostack.views.infra import physical_network_view, traffic_type_view

NETWORK_ID = Param(
    "id", ParamType.UUID, "The physical network", required=True, entity=PhysicalNetwork, related="listPhysicalNetworks"
)
LABEL_PARAMS = (
    Param("xennetworklabel", ParamType.STRING, "Network label of the traffic on XenServer hosts"),
    Param("kvmnetworklabel", ParamType.STRING, "Network label of the traffic on KVM hosts"),
    Param("vmwarenetworklabel", ParamType.STRING, "Network label of the traffic on VMware hosts"),
    Param("hypervnetworklabel", ParamType.STRING, "Network label of the traffic on Hyper-V hosts"),
    Param("ovm3networklabel", ParamType.STRING, "Network label of the traffic on OVM3 hosts"),
)


def _labels(call: Call) -> dict[str, str | None]:
    return {
        "xen_label": call.arg("xennetworklabel"),
        "kvm_label": call.arg("kvmnetworklabel"),
        "vmware_label": call.arg("vmwarenetworklabel"),
        "hyperv_label": call.arg("hypervnetworklabel"),
        "ovm3_label": call.arg("ovm3networklabel"),
    }


def _created(call: Call, model: Any) -> Any:
    """The row the synchronous create step made; its uuid travels to the job as `id`."""
    return call.db.scalars(select(model).where(model.uuid == call.raw["id"])).one()


def _create_network(call: Call) -> str:
    spec = physical_networks.NewNetwork(
        name=call.arg("name"),
        vlan=call.arg("vlan"),
        isolation_methods=call.arg("isolationmethods"),
        broadcast_domain_range=call.arg("broadcastdomainrange"),
        network_speed=call.arg("networkspeed"),
        tags=call.arg("tags"),
        domain=call.arg("domainid"),
    )
    return physical_networks.create(call.db, call.caller, call.arg("zoneid"), spec, call.now).uuid


@command(
    "createPhysicalNetwork",
    description="Creates a physical network in a disabled zone, with CloudStack's default service providers.",
    params=[
        Param("zoneid", ParamType.UUID, "Zone of the network", required=True, entity=Zone, related="listZones"),
        Param("name", ParamType.STRING, "Name of the physical network", required=True),
        Param("vlan", ParamType.STRING, "Guest VLAN ranges, such as 100-199,300-310"),
        Param("isolationmethods", ParamType.LIST, "Isolation method (one), such as VLAN, VXLAN or GRE"),
        Param("broadcastdomainrange", ParamType.STRING, "ZONE (Advanced zones) or POD (Basic zones)"),
        Param("networkspeed", ParamType.STRING, "Speed of the network, such as 10G"),
        Param("tags", ParamType.LIST, "Tag of the network (one)"),
        Param("domainid", ParamType.UUID, "Domain owning the network", entity=Domain, related="listDomains"),
    ],
    kind=Kind.OBJECT,
    key="physicalnetwork",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="PhysicalNetwork",
    create=_create_network,
)
def create_physical_network(call: Call) -> dict[str, Any]:
    return physical_network_view(call.db, _created(call, PhysicalNetwork))


@command(
    "listPhysicalNetworks",
    description="Lists physical networks.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this network", entity=PhysicalNetwork, related="listPhysicalNetworks"),
        Param("name", ParamType.STRING, "Only networks whose name contains this"),
        Param("zoneid", ParamType.UUID, "Only networks of this zone", entity=Zone, related="listZones"),
    ],
    kind=Kind.LIST,
    key="physicalnetwork",
    roles=ADMIN_ONLY,
)
def list_physical_networks(call: Call) -> Listing:
    stmt = select(PhysicalNetwork).where(PhysicalNetwork.removed.is_(None), keyword_filter(call, PhysicalNetwork.name))
    if call.has("id"):
        stmt = stmt.where(PhysicalNetwork.id == call.arg("id").id)
    if call.has("name"):
        stmt = stmt.where(PhysicalNetwork.name.contains(call.arg("name"), autoescape=True))
    if call.has("zoneid"):
        stmt = stmt.where(PhysicalNetwork.zone_id == call.arg("zoneid").id)
    rows, count = fetch(call, stmt, PhysicalNetwork.id)
    return Listing([physical_network_view(call.db, n) for n in rows], count)


@command(
    "updatePhysicalNetwork",
    description="Enables or disables a physical network, or changes its VLAN ranges, tag or speed.",
    params=[
        NETWORK_ID,
        Param("state", ParamType.STRING, "Enabled or Disabled"),
        Param("vlan", ParamType.STRING, "Guest VLAN ranges; they replace the current ones"),
        Param("tags", ParamType.LIST, "Tag of the network (one)"),
        Param("networkspeed", ParamType.STRING, "Speed of the network"),
    ],
    kind=Kind.OBJECT,
    key="physicalnetwork",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="PhysicalNetwork",
    instance_param="id",
)
def update_physical_network(call: Call) -> dict[str, Any]:
    network = physical_networks.update(
        call.db,
        call.caller,
        call.arg("id"),
        network_speed=call.arg("networkspeed"),
        tags=call.arg("tags"),
        vlan=call.arg("vlan"),
        state=call.arg("state"),
        now=call.now,
    )
    return physical_network_view(call.db, network)


@command(
    "deletePhysicalNetwork",
    description="Deletes a physical network with its providers, traffic types and IP ranges.",
    params=[NETWORK_ID],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="PhysicalNetwork",
    instance_param="id",
)
def delete_physical_network(call: Call) -> Success:
    physical_networks.delete(call.db, call.caller, call.arg("id"), call.now)
    return Success()


def _add_traffic(call: Call) -> str:
    row = physical_networks.add_traffic_type(
        call.db,
        call.caller,
        call.arg("physicalnetworkid"),
        call.arg("traffictype"),
        _labels(call),
        call.arg("vlan"),
        call.arg("isolationmethod"),
        call.now,
    )
    return row.uuid


@command(
    "addTrafficType",
    description="Lets a physical network carry Guest, Management, Public or Storage traffic.",
    params=[
        Param(
            "physicalnetworkid",
            ParamType.UUID,
            "The physical network",
            required=True,
            entity=PhysicalNetwork,
            related="listPhysicalNetworks",
        ),
        Param("traffictype", ParamType.STRING, "Guest, Management, Public or Storage", required=True),
        *LABEL_PARAMS,
        Param("vlan", ParamType.STRING, "VLAN of the traffic, for Management and Storage"),
        Param("isolationmethod", ParamType.STRING, "Isolation method of the traffic, such as vlan or vxlan"),
    ],
    kind=Kind.OBJECT,
    key="traffictype",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="TrafficType",
    create=_add_traffic,
)
def add_traffic_type(call: Call) -> dict[str, Any]:
    row = _created(call, TrafficType)
    return traffic_type_view(row, _network_of(call, row))


def _network_of(call: Call, row: TrafficType) -> PhysicalNetwork:
    network = call.db.get(PhysicalNetwork, row.physical_network_id)
    assert network is not None
    return network


@command(
    "listTrafficTypes",
    description="Lists the traffic types a physical network carries.",
    params=[
        *LIST_PARAMS,
        Param(
            "physicalnetworkid",
            ParamType.UUID,
            "The physical network",
            required=True,
            entity=PhysicalNetwork,
            related="listPhysicalNetworks",
        ),
    ],
    kind=Kind.LIST,
    key="traffictype",
    roles=ADMIN_ONLY,
)
def list_traffic_types(call: Call) -> Listing:
    network = physical_networks.live(call.arg("physicalnetworkid"))
    stmt = select(TrafficType).where(
        TrafficType.physical_network_id == network.id, keyword_filter(call, TrafficType.traffic_type)
    )
    rows, count = fetch(call, stmt, TrafficType.id)
    return Listing([traffic_type_view(r, network) for r in rows], count)


TRAFFIC_ID = Param("id", ParamType.UUID, "The traffic type", required=True, entity=TrafficType)


@command(
    "updateTrafficType",
    description="Changes the hypervisor network labels of a traffic type; an empty label clears it.",
    params=[TRAFFIC_ID, *LABEL_PARAMS],
    kind=Kind.OBJECT,
    key="traffictype",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="TrafficType",
    instance_param="id",
)
def update_traffic_type(call: Call) -> dict[str, Any]:
    row = physical_networks.update_traffic_type(call.db, call.caller, call.arg("id"), _labels(call), call.now)
    return traffic_type_view(row, _network_of(call, row))


@command(
    "deleteTrafficType",
    description="Stops a physical network carrying a traffic type.",
    params=[TRAFFIC_ID],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="TrafficType",
    instance_param="id",
)
def delete_traffic_type(call: Call) -> Success:
    physical_networks.delete_traffic_type(call.db, call.caller, call.arg("id"), call.now)
    return Success()
