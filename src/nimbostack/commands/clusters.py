"""addCluster, listClusters, updateCluster, deleteCluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Cluster, Pod, Zone
from nimbostack.services import capacity, capacity_report, clusters
from nimbostack.services.live import live
from nimbostack.views.hosts import capacity_view, cluster_view


@command(
    "addCluster",
    description="Adds a cluster of hosts of one hypervisor type to a pod.",
    params=[
        Param("clustername", ParamType.STRING, "Name of the cluster", required=True),
        Param("clustertype", ParamType.STRING, "CloudManaged or ExternalManaged", required=True),
        Param("hypervisor", ParamType.STRING, "Hypervisor of the cluster's hosts (Simulator)", required=True),
        Param("zoneid", ParamType.UUID, "Zone of the cluster", required=True, entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Pod of the cluster", required=True, entity=Pod, related="listPods"),
        Param("allocationstate", ParamType.STRING, "Enabled (the default) or Disabled"),
        Param("arch", ParamType.STRING, "CPU architecture of the hosts: x86_64 or aarch64", since="4.20"),
        Param("url", ParamType.STRING, "URL of an externally managed cluster (not used by the simulator)"),
        Param("username", ParamType.STRING, "User name for an externally managed cluster"),
        Param("password", ParamType.STRING, "Password for an externally managed cluster", secret=True),
    ],
    kind=Kind.LIST,
    key="cluster",
    roles=ADMIN_ONLY,
)
def add_cluster(call: Call) -> Listing:
    cluster = clusters.add(
        call.db,
        call.caller,
        zone=live(call.arg("zoneid"), "zone"),
        pod=live(call.arg("podid"), "pod"),
        name=call.arg("clustername"),
        hypervisor=call.arg("hypervisor"),
        cluster_type=call.arg("clustertype"),
        state=call.arg("allocationstate"),
        arch=call.arg("arch"),
        now=call.now,
    )
    return Listing([cluster_view(call.db, cluster, capacity.Factors(call.db))], 1)


@command(
    "listClusters",
    description="Lists clusters.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this cluster", entity=Cluster, related="listClusters"),
        Param("name", ParamType.STRING, "Only the clusters with this name"),
        Param("zoneid", ParamType.UUID, "Only clusters of this zone", entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Only clusters of this pod", entity=Pod, related="listPods"),
        Param("hypervisor", ParamType.STRING, "Only clusters of this hypervisor"),
        Param("clustertype", ParamType.STRING, "Only clusters of this type"),
        Param("allocationstate", ParamType.STRING, "Only Enabled or Disabled clusters"),
        Param("managedstate", ParamType.STRING, "Only Managed or Unmanaged clusters"),
        Param("arch", ParamType.STRING, "Only clusters of this CPU architecture", since="4.20"),
        Param("showcapacities", ParamType.BOOLEAN, "Include the cluster's capacity figures"),
    ],
    kind=Kind.LIST,
    key="cluster",
    roles=ADMIN_ONLY,
)
def list_clusters(call: Call) -> Listing:
    stmt = select(Cluster).where(Cluster.removed.is_(None), keyword_filter(call, Cluster.name))
    filters: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "id": lambda v: Cluster.id == v.id,
        "name": lambda v: Cluster.name == v,
        "zoneid": lambda v: Cluster.zone_id == v.id,
        "podid": lambda v: Cluster.pod_id == v.id,
        "hypervisor": lambda v: Cluster.hypervisor.ilike(v),
        "clustertype": lambda v: Cluster.cluster_type == v,
        "allocationstate": lambda v: Cluster.allocation_state == v,
        "managedstate": lambda v: Cluster.managed_state == v,
        "arch": lambda v: Cluster.arch == v,
    }
    for name, condition in filters.items():
        if call.has(name):
            stmt = stmt.where(condition(call.arg(name)))
    rows, count = fetch(call, stmt, Cluster.id)
    factors = capacity.Factors(call.db)
    items = []
    for cluster in rows:
        figures = None
        if call.arg("showcapacities"):
            report = capacity_report.report(
                call.db, zone_id=cluster.zone_id, pod_id=cluster.pod_id, cluster_id=cluster.id
            )
            figures = [capacity_view(call.db, r) for r in report]
        items.append(cluster_view(call.db, cluster, factors, figures))
    return Listing(items, count)


@command(
    "updateCluster",
    description="Renames a cluster or changes its type, hypervisor, allocation or managed state.",
    params=[
        Param("id", ParamType.UUID, "The cluster", required=True, entity=Cluster, related="listClusters"),
        Param("clustername", ParamType.STRING, "New name"),
        Param("clustertype", ParamType.STRING, "CloudManaged or ExternalManaged"),
        Param("hypervisor", ParamType.STRING, "Hypervisor of the cluster's hosts"),
        Param("allocationstate", ParamType.STRING, "Enabled or Disabled"),
        Param("managedstate", ParamType.STRING, "Managed or Unmanaged"),
        Param("arch", ParamType.STRING, "CPU architecture: x86_64 or aarch64", since="4.20"),
    ],
    kind=Kind.OBJECT,
    key="cluster",
    roles=ADMIN_ONLY,
)
def update_cluster(call: Call) -> dict[str, Any]:
    cluster = clusters.update(
        call.db,
        live(call.arg("id"), "cluster"),
        name=call.arg("clustername"),
        hypervisor=call.arg("hypervisor"),
        cluster_type=call.arg("clustertype"),
        state=call.arg("allocationstate"),
        managed_state=call.arg("managedstate"),
        arch=call.arg("arch"),
    )
    return cluster_view(call.db, cluster, capacity.Factors(call.db))


@command(
    "deleteCluster",
    description="Deletes a cluster that no longer holds hosts or storage pools.",
    params=[Param("id", ParamType.UUID, "The cluster", required=True, entity=Cluster, related="listClusters")],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_cluster(call: Call) -> Success:
    clusters.delete(call.db, live(call.arg("id"), "cluster"), call.now)
    return Success()
