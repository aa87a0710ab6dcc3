"""createDiskOffering, listDiskOfferings, updateDiskOffering, deleteDiskOffering."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMINS, ALL_ROLES
from nimbostack.commands.offerings import (
    IOPS_PARAMS,
    SCOPE_PARAMS,
    UPDATE_PARAMS,
    by_sort_key,
    domain_scope,
    map_arg,
    offering_changes,
)
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import DiskOffering, Domain, Zone
from nimbostack.services import disk_offerings
from nimbostack.services.offering_rules import check_storage_type, scope_match, state_filter
from nimbostack.views.catalog import disk_offering_view

OFFERING_ID = Param("id", ParamType.UUID, "The disk offering's ID", required=True, entity=DiskOffering)


@command(
    "createDiskOffering",
    description="Creates a disk offering: a fixed size or one the user picks, with optional IOPS and tags.",
    params=[
        Param("name", ParamType.STRING, "Name of the offering", required=True),
        Param("displaytext", ParamType.STRING, "Text shown to users", required=True, length=4096),
        Param("disksize", ParamType.LONG, "Size in GB; leave out for a custom-size offering"),
        Param("customized", ParamType.BOOLEAN, "Users choose the size"),
        Param("tags", ParamType.STRING, "Storage tags the disk needs", length=4096),
        Param("storagetype", ParamType.STRING, "shared (default) or local"),
        Param("provisioningtype", ParamType.STRING, "thin (default), sparse or fat"),
        Param("displayoffering", ParamType.BOOLEAN, "Show the offering to users (default true)"),
        Param("details", ParamType.MAP, "Extra details stored with the offering"),
        *IOPS_PARAMS,
        *SCOPE_PARAMS,
    ],
    kind=Kind.OBJECT,
    key="diskoffering",
    roles=ADMINS,
)
def create_disk_offering(call: Call) -> dict[str, Any]:
    spec = disk_offerings.DiskOfferingSpec(
        name=call.arg("name"),
        display_text=call.arg("displaytext"),
        disk_size=call.arg("disksize"),
        customized=call.arg("customized"),
        customized_iops=call.arg("customizediops"),
        min_iops=call.arg("miniops"),
        max_iops=call.arg("maxiops"),
        tags=call.arg("tags"),
        storage_type=call.arg("storagetype"),
        provisioning_type=call.arg("provisioningtype"),
        display_offering=call.arg("displayoffering"),
        domains=call.arg("domainid") or [],
        zones=call.arg("zoneid") or [],
        details=map_arg(call, "details"),
    )
    offering = disk_offerings.create_disk_offering(call.db, call.caller, spec, call.now)
    return disk_offering_view(call.db, offering)


@command(
    "listDiskOfferings",
    description="Lists disk offerings the caller may use.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this offering", entity=DiskOffering, related="listDiskOfferings"),
        Param("name", ParamType.STRING, "Only offerings with this name"),
        Param("domainid", ParamType.UUID, "Only offerings of this domain", entity=Domain, related="listDomains"),
        Param("isrecursive", ParamType.BOOLEAN, "Also offerings of the caller's subdomains (admins)"),
        Param("zoneid", ParamType.UUID, "Only offerings available in this zone", entity=Zone, related="listZones"),
        Param("state", ParamType.STRING, "Active (default), Inactive or all", since="4.19"),
        Param("storagetype", ParamType.STRING, "Only shared or local offerings"),
        Param("account", ParamType.STRING, "Accepted for compatibility"),
        Param("listall", ParamType.BOOLEAN, "Accepted for compatibility"),
        Param("volumeid", ParamType.STRING, "Accepted for compatibility"),
        Param("virtualmachineid", ParamType.STRING, "Accepted for compatibility"),
    ],
    kind=Kind.LIST,
    key="diskoffering",
    roles=ALL_ROLES,
)
def list_disk_offerings(call: Call) -> Listing:
    model = DiskOffering
    stmt = select(model).where(
        model.removed.is_(None),
        model.compute_only.is_(False),
        state_filter(model.state, call.arg("state")),
        keyword_filter(call, model.name, model.display_text),
        domain_scope(call, model.domain_ids, "disk offering"),
    )
    if not call.caller.is_root_admin:
        stmt = stmt.where(model.display_offering.is_(True))
    if call.has("id"):
        stmt = stmt.where(model.id == call.arg("id").id)
    if call.has("name"):
        stmt = stmt.where(model.name == call.arg("name"))
    if call.has("zoneid"):
        stmt = stmt.where(scope_match(model.zone_ids, [call.arg("zoneid").id]))
    if call.has("storagetype"):
        stmt = stmt.where(model.storage_type == check_storage_type(call.arg("storagetype")))
    rows, count = fetch(call, stmt.order_by(by_sort_key(call, model.sort_key)), model.id)
    return Listing([disk_offering_view(call.db, o) for o in rows], count)


@command(
    "updateDiskOffering",
    description="Renames a disk offering or changes its text, order, visibility, tags, state or scope.",
    params=[
        OFFERING_ID,
        *UPDATE_PARAMS,
        Param("displayoffering", ParamType.BOOLEAN, "Show the offering to users"),
        Param("tags", ParamType.STRING, "New storage tags; empty clears them", length=4096),
    ],
    kind=Kind.OBJECT,
    key="diskoffering",
    roles=ADMINS,
)
def update_disk_offering(call: Call) -> dict[str, Any]:
    offering: DiskOffering = call.arg("id")
    changed = disk_offerings.update_disk_offering(call.db, call.caller, offering, offering_changes(call), call.now)
    return disk_offering_view(call.db, changed)


@command(
    "deleteDiskOffering",
    description="Deletes a disk offering (it stays listed with state=all as Inactive).",
    params=[OFFERING_ID],
    kind=Kind.SUCCESS,
    roles=ADMINS,
)
def delete_disk_offering(call: Call) -> Success:
    disk_offerings.delete_disk_offering(call.db, call.caller, call.arg("id"), call.now)
    return Success()
