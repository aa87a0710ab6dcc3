"""createPod, listPods, updatePod, deletePod."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Pod, Zone
from nimbostack.services import capacity_report, pods
from nimbostack.services.live import live
from nimbostack.views.hosts import capacity_view, pod_view

RANGE_PARAMS = (
    Param("gateway", ParamType.STRING, "Gateway of the pod's management network"),
    Param("netmask", ParamType.STRING, "Netmask of the pod's management network"),
    Param("startip", ParamType.STRING, "First management address for hosts and system VMs"),
    Param("endip", ParamType.STRING, "Last management address; the subnet's last usable address when left out"),
    Param("allocationstate", ParamType.STRING, "Enabled or Disabled"),
)


@command(
    "createPod",
    description="Creates a pod: a rack of hosts sharing one management network in a zone.",
    params=[
        Param("name", ParamType.STRING, "Name of the pod", required=True),
        Param("zoneid", ParamType.UUID, "Zone of the pod", required=True, entity=Zone, related="listZones"),
        *RANGE_PARAMS,
        Param("storageaccessgroups", ParamType.LIST, "Storage access groups (accepted, not used)"),
    ],
    kind=Kind.OBJECT,
    key="pod",
    roles=ADMIN_ONLY,
)
def create_pod(call: Call) -> dict[str, Any]:
    pod = pods.create(
        call.db,
        call.caller,
        zone=live(call.arg("zoneid"), "zone"),
        name=call.arg("name"),
        gateway=call.arg("gateway"),
        netmask=call.arg("netmask"),
        start_ip=call.arg("startip"),
        end_ip=call.arg("endip"),
        state=call.arg("allocationstate"),
        now=call.now,
    )
    return pod_view(call.db, pod)


@command(
    "listPods",
    description="Lists pods.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this pod", entity=Pod, related="listPods"),
        Param("name", ParamType.STRING, "Only the pods with this name"),
        Param("zoneid", ParamType.UUID, "Only pods of this zone", entity=Zone, related="listZones"),
        Param("allocationstate", ParamType.STRING, "Only Enabled or Disabled pods"),
        Param("showcapacities", ParamType.BOOLEAN, "Include the pod's capacity figures"),
        Param("storageaccessgroup", ParamType.STRING, "Storage access group (accepted, not used)"),
    ],
    kind=Kind.LIST,
    key="pod",
    roles=ADMIN_ONLY,
)
def list_pods(call: Call) -> Listing:
    stmt = select(Pod).where(Pod.removed.is_(None), keyword_filter(call, Pod.name))
    if call.has("id"):
        stmt = stmt.where(Pod.id == call.arg("id").id)
    if call.has("name"):
        stmt = stmt.where(Pod.name == call.arg("name"))
    if call.has("zoneid"):
        stmt = stmt.where(Pod.zone_id == call.arg("zoneid").id)
    if call.has("allocationstate"):
        stmt = stmt.where(Pod.allocation_state == call.arg("allocationstate"))
    rows, count = fetch(call, stmt, Pod.id)
    items = []
    for pod in rows:
        figures = None
        if call.arg("showcapacities"):
            report = capacity_report.report(call.db, zone_id=pod.zone_id, pod_id=pod.id)
            figures = [capacity_view(call.db, r) for r in report]
        items.append(pod_view(call.db, pod, figures))
    return Listing(items, count)


@command(
    "updatePod",
    description="Renames a pod, changes its management network or enables and disables it.",
    params=[
        Param("id", ParamType.UUID, "The pod", required=True, entity=Pod, related="listPods"),
        Param("name", ParamType.STRING, "New name"),
        *RANGE_PARAMS,
    ],
    kind=Kind.OBJECT,
    key="pod",
    roles=ADMIN_ONLY,
)
def update_pod(call: Call) -> dict[str, Any]:
    pod = pods.update(
        call.db,
        call.caller,
        live(call.arg("id"), "pod"),
        name=call.arg("name"),
        gateway=call.arg("gateway"),
        netmask=call.arg("netmask"),
        start_ip=call.arg("startip"),
        end_ip=call.arg("endip"),
        state=call.arg("allocationstate"),
        now=call.now,
    )
    return pod_view(call.db, pod)


@command(
    "deletePod",
    description="Deletes a pod that no longer holds clusters or hosts.",
    params=[Param("id", ParamType.UUID, "The pod", required=True, entity=Pod, related="listPods")],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_pod(call: Call) -> Success:
    pods.delete(call.db, call.caller, live(call.arg("id"), "pod"), call.now)
    return Success()
