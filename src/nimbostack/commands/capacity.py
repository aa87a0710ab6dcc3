"""listCapacity, listHypervisors and listHypervisorCapabilities."""

from __future__ import annotations

import uuid

from sqlalchemy import distinct, select

from nimbostack import hypervisor as hv
from nimbostack.api.context import Call
from nimbostack.api.errors import invalid_value
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Entity, Listing
from nimbostack.auth.types import ADMIN_ONLY, ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, page_of
from nimbostack.db.models import Cluster, Pod, Zone
from nimbostack.services import capacity_report
from nimbostack.views.hosts import capacity_view

# What the simulator can do, answered as a hypervisor_capabilities row would be. The id is fixed so
# clients can pass it back.
SIMULATOR_CAPABILITIES: Entity = {
    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "nimbostack:hypervisor-capabilities:Simulator:default")),
    "hypervisor": "Simulator",
    "hypervisorversion": "default",
    "maxguestslimit": 50,
    "maxdatavolumeslimit": 6,
    "maxhostspercluster": 1000,
    "securitygroupenabled": True,
    "storagemotionenabled": False,
    "vmsnapshotenabled": True,
}


def _page(call: Call, items: list[Entity]) -> Listing:
    page = page_of(call)
    end = None if page.limit is None else page.offset + page.limit
    return Listing(items[page.offset : end], len(items))


@command(
    "listCapacity",
    description="Lists total and used capacity per zone (or per pod or cluster) by capacity type.",
    params=[
        *LIST_PARAMS,
        Param("zoneid", ParamType.UUID, "Only this zone", entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Figures per pod, for this pod", entity=Pod, related="listPods"),
        Param(
            "clusterid", ParamType.UUID, "Figures per cluster, for this cluster", entity=Cluster, related="listClusters"
        ),
        Param(
            "type",
            ParamType.INTEGER,
            "Only this type: 0 memory, 1 CPU, 2 storage, 3 allocated storage, "
            "5 management addresses, 6 secondary storage",
        ),
        Param("sortby", ParamType.STRING, "usage: most used first"),
        Param("fetchlatest", ParamType.BOOLEAN, "Recompute now (figures are always current here)"),
        Param("tag", ParamType.STRING, "Only capacity with this tag (accepted, not used)"),
    ],
    kind=Kind.LIST,
    key="capacity",
    roles=ADMIN_ONLY,
)
def list_capacity(call: Call) -> Listing:
    sort = call.arg("sortby")
    if sort and sort.lower() != "usage":
        raise invalid_value("Only value supported for sortBy parameter is : usage")
    rows = capacity_report.report(
        call.db,
        zone_id=call.arg("zoneid").id if call.has("zoneid") else None,
        pod_id=call.arg("podid").id if call.has("podid") else None,
        cluster_id=call.arg("clusterid").id if call.has("clusterid") else None,
        types=[call.arg("type")] if call.has("type") else None,
    )
    if sort:
        rows.sort(key=lambda r: r.percent, reverse=True)
    return _page(call, [capacity_view(call.db, r) for r in rows])


@command(
    "listHypervisors",
    description="Lists the hypervisors this cloud can run, or those of a zone's clusters.",
    params=[
        Param("zoneid", ParamType.UUID, "Only hypervisors of this zone's clusters", entity=Zone, related="listZones")
    ],
    kind=Kind.LIST,
    key="hypervisor",
    roles=ALL_ROLES,
)
def list_hypervisors(call: Call) -> Listing:
    if call.has("zoneid"):
        stmt = select(distinct(Cluster.hypervisor)).where(
            Cluster.zone_id == call.arg("zoneid").id, Cluster.removed.is_(None)
        )
        names = sorted(call.db.scalars(stmt).all())
    else:
        names = list(hv.SUPPORTED)
    return Listing([{"name": name} for name in names], len(names))


@command(
    "listHypervisorCapabilities",
    description="Lists what each supported hypervisor version can do.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this capability row"),
        Param("hypervisor", ParamType.STRING, "Only this hypervisor"),
    ],
    kind=Kind.LIST,
    key="hypervisorCapabilities",
    roles=ADMIN_ONLY,
)
def list_hypervisor_capabilities(call: Call) -> Listing:
    rows = [SIMULATOR_CAPABILITIES]
    if call.has("id"):
        rows = [r for r in rows if r["id"] == call.arg("id")]
    if call.has("hypervisor"):
        rows = [r for r in rows if str(r["hypervisor"]).lower() == call.arg("hypervisor").lower()]
    if call.arg("keyword"):
        rows = [r for r in rows if call.arg("keyword").lower() in str(r["hypervisor"]).lower()]
    return _page(call, [dict(r) for r in rows])
