"""addHost, listHosts, updateHost, deleteHost, prepareHostForMaintenance, cancelHostMaintenance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Cluster, Host, ManagementServer, Pod, Zone
from nimbostack.services import capacity, hosts
from nimbostack.services.live import live, live_or_none
from nimbostack.views.hosts import host_view


@command(
    "addHost",
    description="Adds a host to a cluster; the hypervisor driver reports its CPU and memory.",
    params=[
        Param("zoneid", ParamType.UUID, "Zone of the host", required=True, entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Pod of the host", required=True, entity=Pod, related="listPods"),
        Param("hypervisor", ParamType.STRING, "Hypervisor of the host (Simulator)", required=True),
        Param("url", ParamType.STRING, "Where the host is, e.g. http://sim/c0/h0", required=True),
        Param("clusterid", ParamType.UUID, "Cluster of the host", entity=Cluster, related="listClusters"),
        Param("clustername", ParamType.STRING, "Cluster of the host by name; made when it does not exist"),
        Param("username", ParamType.STRING, "User name on the host (not used by the simulator)"),
        Param("password", ParamType.STRING, "Password on the host (not used by the simulator)", secret=True),
        Param("hosttags", ParamType.LIST, "Tags of the host", item_type=ParamType.STRING),
        Param("allocationstate", ParamType.STRING, "Enabled (the default) or Disabled"),
    ],
    kind=Kind.LIST,
    key="host",
    roles=ADMIN_ONLY,
)
def add_host(call: Call) -> Listing:
    host = hosts.add(
        call.db,
        call.caller,
        zone=live(call.arg("zoneid"), "zone"),
        pod=live(call.arg("podid"), "pod"),
        cluster=live_or_none(call.arg("clusterid"), "cluster"),
        cluster_name=call.arg("clustername"),
        hypervisor=call.arg("hypervisor"),
        url=call.arg("url"),
        host_tags=call.arg("hosttags"),
        state=call.arg("allocationstate"),
        server_id=call.runtime.server_id,
        now=call.now,
    )
    # CloudStack answers addHost with a one-item list.
    return Listing([host_view(call.db, host, capacity.Factors(call.db))], 1)


@command(
    "listHosts",
    description="Lists hosts with their state and capacity.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this host", entity=Host, related="listHosts"),
        Param("name", ParamType.STRING, "Only the host with this name"),
        Param("zoneid", ParamType.UUID, "Only hosts of this zone", entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Only hosts of this pod", entity=Pod, related="listPods"),
        Param("clusterid", ParamType.UUID, "Only hosts of this cluster", entity=Cluster, related="listClusters"),
        Param("type", ParamType.STRING, "Only hosts of this type (Routing)"),
        Param("state", ParamType.STRING, "Only hosts in this state (Up, Down, Alert...)"),
        Param("resourcestate", ParamType.STRING, "Only hosts in this resource state (Enabled, Maintenance...)"),
        Param("hypervisor", ParamType.STRING, "Only hosts of this hypervisor"),
        Param("version", ParamType.STRING, "Only hosts of this agent version"),
        Param("arch", ParamType.STRING, "Only hosts of this CPU architecture", since="4.20"),
        Param("hahost", ParamType.BOOLEAN, "Only hosts reserved for HA (none are)"),
        Param(
            "managementserverid",
            ParamType.UUID,
            "Only hosts managed by this management server",
            entity=ManagementServer,
        ),
        Param("details", ParamType.LIST, "Which details to include (all, capacity, events, stats, min)"),
    ],
    kind=Kind.LIST,
    key="host",
    roles=ADMIN_ONLY,
)
def list_hosts(call: Call) -> Listing:
    stmt = select(Host).where(Host.removed.is_(None), keyword_filter(call, Host.name))
    filters: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "id": lambda v: Host.id == v.id,
        "name": lambda v: Host.name == v,
        "zoneid": lambda v: Host.zone_id == v.id,
        "podid": lambda v: Host.pod_id == v.id,
        "clusterid": lambda v: Host.cluster_id == v.id,
        "type": lambda v: Host.type.ilike(v),
        "state": lambda v: Host.status.ilike(v),
        "resourcestate": lambda v: Host.resource_state.ilike(v),
        "hypervisor": lambda v: Host.hypervisor.ilike(v),
        "version": lambda v: Host.version == v,
        "arch": lambda v: Host.arch == v,
        "managementserverid": lambda v: Host.management_server_id == v.id,
    }
    for name, condition in filters.items():
        if call.has(name):
            stmt = stmt.where(condition(call.arg(name)))
    if call.arg("hahost"):
        stmt = stmt.where(Host.id.is_(None))
    rows, count = fetch(call, stmt, Host.id)
    factors = capacity.Factors(call.db)
    return Listing([host_view(call.db, h, factors) for h in rows], count)


@command(
    "updateHost",
    description="Enables or disables a host for new instances, renames it or sets its tags.",
    params=[
        Param("id", ParamType.UUID, "The host", required=True, entity=Host, related="listHosts"),
        Param("allocationstate", ParamType.STRING, "Enable or Disable"),
        Param("hosttags", ParamType.LIST, "New tags of the host (an empty value clears them)"),
        Param("name", ParamType.STRING, "New name"),
        Param("annotation", ParamType.STRING, "Why the host is changed (accepted, not stored)"),
    ],
    kind=Kind.OBJECT,
    key="host",
    roles=ADMIN_ONLY,
)
def update_host(call: Call) -> dict[str, Any]:
    host = hosts.update(
        call.db,
        live(call.arg("id"), "host"),
        allocation=call.arg("allocationstate"),
        name=call.arg("name"),
        host_tags=call.arg("hosttags"),
    )
    return host_view(call.db, host, capacity.Factors(call.db))


@command(
    "deleteHost",
    description="Deletes a host; it must be in maintenance unless forced.",
    params=[
        Param("id", ParamType.UUID, "The host", required=True, entity=Host, related="listHosts"),
        Param("forced", ParamType.BOOLEAN, "Delete the host even when it is not in maintenance"),
        Param("forcedestroylocalstorage", ParamType.BOOLEAN, "Also destroy local storage (there is none)"),
    ],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_host(call: Call) -> Success:
    hosts.delete(call.db, live(call.arg("id"), "host"), forced=bool(call.arg("forced")), now=call.now)
    return Success()


@command(
    "prepareHostForMaintenance",
    description="Puts a host into maintenance through its hypervisor; simulator faults apply.",
    params=[Param("id", ParamType.UUID, "The host", required=True, entity=Host, related="listHosts")],
    kind=Kind.OBJECT,
    key="host",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="Host",
    instance_param="id",
)
def prepare_host_for_maintenance(call: Call) -> dict[str, Any]:
    host = hosts.prepare_maintenance(call.db, call.caller, live(call.arg("id"), "host"), call.now)
    return host_view(call.db, host, capacity.Factors(call.db))


@command(
    "cancelHostMaintenance",
    description="Takes a host out of maintenance and enables it again.",
    params=[Param("id", ParamType.UUID, "The host", required=True, entity=Host, related="listHosts")],
    kind=Kind.OBJECT,
    key="host",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="Host",
    instance_param="id",
)
def cancel_host_maintenance(call: Call) -> dict[str, Any]:
    host = hosts.cancel_maintenance(call.db, call.caller, live(call.arg("id"), "host"), call.now)
    return host_view(call.db, host, capacity.Factors(call.db))
