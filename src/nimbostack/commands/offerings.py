"""createServiceOffering, listServiceOfferings, updateServiceOffering, deleteServiceOffering."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, true

from nimbostack.api.context import Call
from nimbostack.api.errors import invalid_value, permission_denied
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMINS, ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import DiskOffering, Domain, ServiceOffering, Zone
from nimbostack.services import offerings
from nimbostack.services.offering_rules import (
    OfferingChanges,
    check_storage_type,
    parse_scope_text,
    related_domain_ids,
    scope_match,
    state_filter,
)
from nimbostack.services.settings import get_bool
from nimbostack.views.catalog import service_offering_view

SCOPE_PARAMS = (
    Param("domainid", ParamType.LIST, "Domains the offering is restricted to", item_type=ParamType.UUID, entity=Domain),
    Param("zoneid", ParamType.LIST, "Zones the offering is restricted to", item_type=ParamType.UUID, entity=Zone),
)
IOPS_PARAMS = (
    Param("customizediops", ParamType.BOOLEAN, "Whether the user chooses the IOPS"),
    Param("miniops", ParamType.LONG, "Minimum IOPS"),
    Param("maxiops", ParamType.LONG, "Maximum IOPS"),
)
OFFERING_ID = Param("id", ParamType.UUID, "The offering's ID", required=True, entity=ServiceOffering)


def map_arg(call: Call, name: str) -> dict[str, str]:
    """`name[0].key=k&name[0].value=v` or `name[0].k=v`, as a plain dict."""
    out: dict[str, str] = {}
    for item in call.arg(name) or []:
        if set(item) >= {"key", "value"}:
            out[item["key"]] = item["value"]
        else:
            out.update(item)
    return out


def by_sort_key(call: Call, column: Any) -> Any:
    """sortkey.algorithm: ascending sort keys when true; ties keep creation order (fetch adds the id)."""
    return column.asc() if get_bool(call.db, "sortkey.algorithm") else column.desc()


@command(
    "createServiceOffering",
    description="Creates a compute offering: fixed or custom CPU and memory, storage, HA and tags.",
    params=[
        Param("name", ParamType.STRING, "Name of the offering", required=True),
        Param("displaytext", ParamType.STRING, "Text shown to users", required=True, length=4096),
        Param("cpunumber", ParamType.INTEGER, "Number of CPU cores; leave out for a custom offering"),
        Param("cpuspeed", ParamType.INTEGER, "CPU speed in MHz"),
        Param("memory", ParamType.INTEGER, "Memory in MB; leave out for a custom offering"),
        Param("customized", ParamType.BOOLEAN, "Users choose CPU and memory at deployment", since="4.13"),
        Param("mincpunumber", ParamType.INTEGER, "Fewest CPU cores of a custom offering", since="4.13"),
        Param("maxcpunumber", ParamType.INTEGER, "Most CPU cores of a custom offering", since="4.13"),
        Param("minmemory", ParamType.INTEGER, "Least memory (MB) of a custom offering", since="4.13"),
        Param("maxmemory", ParamType.INTEGER, "Most memory (MB) of a custom offering", since="4.13"),
        Param("offerha", ParamType.BOOLEAN, "Restart instances elsewhere when their host fails"),
        Param("limitcpuuse", ParamType.BOOLEAN, "Cap CPU use at the offered speed"),
        Param("isvolatile", ParamType.BOOLEAN, "Reset the root disk on every reboot"),
        Param("hosttags", ParamType.STRING, "Host tags the instance needs"),
        Param("tags", ParamType.STRING, "Storage tags the root disk needs"),
        Param("storagetype", ParamType.STRING, "shared (default) or local"),
        Param("provisioningtype", ParamType.STRING, "thin (default), sparse or fat"),
        Param("issystem", ParamType.BOOLEAN, "An offering for system VMs"),
        Param(
            "systemvmtype", ParamType.STRING, "domainrouter, consoleproxy, secondarystoragevm or internalloadbalancervm"
        ),
        Param("networkrate", ParamType.INTEGER, "Network rate in Mb/s"),
        Param("rootdisksize", ParamType.LONG, "Root disk size in GB", since="4.15"),
        Param("dynamicscalingenabled", ParamType.BOOLEAN, "Instances may be scaled while running", since="4.16"),
        Param("diskofferingid", ParamType.UUID, "Use this disk offering for the root disk", entity=DiskOffering),
        Param("serviceofferingdetails", ParamType.MAP, "Extra details stored with the offering"),
        *IOPS_PARAMS,
        *SCOPE_PARAMS,
    ],
    kind=Kind.OBJECT,
    key="serviceoffering",
    roles=ADMINS,
)
def create_service_offering(call: Call) -> dict[str, Any]:
    spec = offerings.ServiceOfferingSpec(
        name=call.arg("name"),
        display_text=call.arg("displaytext"),
        cpu_number=call.arg("cpunumber"),
        cpu_speed=call.arg("cpuspeed"),
        memory=call.arg("memory"),
        customized=call.arg("customized"),
        min_cpu=call.arg("mincpunumber"),
        max_cpu=call.arg("maxcpunumber"),
        min_memory=call.arg("minmemory"),
        max_memory=call.arg("maxmemory"),
        offer_ha=bool(call.arg("offerha")),
        limit_cpu_use=bool(call.arg("limitcpuuse")),
        is_volatile=bool(call.arg("isvolatile")),
        host_tags=call.arg("hosttags"),
        storage_tags=call.arg("tags"),
        storage_type=call.arg("storagetype"),
        provisioning_type=call.arg("provisioningtype"),
        is_system=bool(call.arg("issystem")),
        system_vm_type=call.arg("systemvmtype"),
        network_rate=call.arg("networkrate"),
        root_disk_size=call.arg("rootdisksize"),
        dynamic_scaling=call.arg("dynamicscalingenabled", True),
        customized_iops=call.arg("customizediops"),
        min_iops=call.arg("miniops"),
        max_iops=call.arg("maxiops"),
        disk_offering=call.arg("diskofferingid"),
        domains=call.arg("domainid") or [],
        zones=call.arg("zoneid") or [],
        details=map_arg(call, "serviceofferingdetails"),
    )
    offering = offerings.create_service_offering(call.db, call.caller, spec, call.now)
    return service_offering_view(call.db, offering)


@command(
    "listServiceOfferings",
    description="Lists compute offerings the caller may use; system offerings for root admins only.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this offering", entity=ServiceOffering, related="listServiceOfferings"),
        Param("name", ParamType.STRING, "Only offerings with this name"),
        Param("domainid", ParamType.UUID, "Only offerings of this domain", entity=Domain, related="listDomains"),
        Param("isrecursive", ParamType.BOOLEAN, "Also offerings of the caller's subdomains (admins)"),
        Param("issystem", ParamType.BOOLEAN, "System VM offerings instead of instance offerings"),
        Param("systemvmtype", ParamType.STRING, "Only system offerings of this system VM type"),
        Param("zoneid", ParamType.UUID, "Only offerings available in this zone", entity=Zone, related="listZones"),
        Param("state", ParamType.STRING, "Active (default), Inactive or all", since="4.19"),
        Param("storagetype", ParamType.STRING, "Only shared or local offerings"),
        Param("cpunumber", ParamType.INTEGER, "Only offerings that can give this many cores"),
        Param("memory", ParamType.INTEGER, "Only offerings that can give this much memory (MB)"),
        Param("cpuspeed", ParamType.INTEGER, "Only offerings at least this fast"),
        Param("virtualmachineid", ParamType.STRING, "Accepted for compatibility"),
        Param("account", ParamType.STRING, "Accepted for compatibility"),
        Param("listall", ParamType.BOOLEAN, "Accepted for compatibility"),
    ],
    kind=Kind.LIST,
    key="serviceoffering",
    roles=ALL_ROLES,
)
def list_service_offerings(call: Call) -> Listing:
    caller = call.caller
    is_system = bool(call.arg("issystem"))
    if is_system and not caller.is_root_admin:
        raise invalid_value("Only ROOT admins can access system's offering")
    if call.arg("isrecursive") and not (caller.is_root_admin or caller.is_domain_admin):
        raise invalid_value("Only ROOT admins and Domain admins can list service offerings with isrecursive=true")
    model = ServiceOffering
    stmt = select(model).where(
        model.removed.is_(None),
        model.is_system == is_system,
        state_filter(model.state, call.arg("state")),
        keyword_filter(call, model.name, model.display_text),
    )
    stmt = stmt.where(domain_scope(call, model.domain_ids, "service offering"))
    if call.has("id"):
        stmt = stmt.where(model.id == call.arg("id").id)
    if call.has("name"):
        stmt = stmt.where(model.name == call.arg("name"))
    if call.has("systemvmtype"):
        stmt = stmt.where(model.system_vm_type == call.arg("systemvmtype").lower())
    if call.has("zoneid"):
        stmt = stmt.where(scope_match(model.zone_ids, [call.arg("zoneid").id]))
    if call.has("storagetype"):
        stmt = stmt.where(model.storage_type == check_storage_type(call.arg("storagetype")))
    if call.has("cpunumber"):
        stmt = stmt.where(model.cpu_number.is_(None) | (model.cpu_number >= call.arg("cpunumber")))
    if call.has("memory"):
        stmt = stmt.where(model.memory.is_(None) | (model.memory >= call.arg("memory")))
    if call.has("cpuspeed"):
        stmt = stmt.where(model.cpu_speed.is_(None) | (model.cpu_speed >= call.arg("cpuspeed")))
    rows, count = fetch(call, stmt.order_by(by_sort_key(call, model.sort_key)), model.id)
    return Listing([service_offering_view(call.db, o) for o in rows], count)


def domain_scope(call: Call, column: Any, kind: str) -> Any:
    """Root admins see every offering (or those of `domainid`); others those of their domain and its ancestors."""
    caller, domain = call.caller, call.arg("domainid")
    if caller.is_root_admin or caller.is_system:
        return column.like(f"%,{domain.id},%") if domain is not None else true()
    related = related_domain_ids(call.db, caller, bool(call.arg("isrecursive")))
    if domain is not None and not caller.domain_path.startswith(domain.path):
        raise permission_denied(
            f"The account:{caller.account_name} does not fall in the same domain hierarchy as the {kind}"
        )
    return scope_match(column, related)


def offering_changes(call: Call) -> OfferingChanges:
    db = call.db
    return OfferingChanges(
        name=call.arg("name"),
        display_text=call.arg("displaytext"),
        sort_key=call.arg("sortkey"),
        state=call.arg("state"),
        tags=call.arg("storagetags") if call.has("storagetags") else call.arg("tags"),
        host_tags=call.arg("hosttags"),
        display_offering=call.arg("displayoffering"),
        domains=parse_scope_text(db, call.arg("domainid"), Domain, "public") if call.has("domainid") else None,
        zones=parse_scope_text(db, call.arg("zoneid"), Zone, "all") if call.has("zoneid") else None,
    )


UPDATE_PARAMS = (
    Param("name", ParamType.STRING, "New name"),
    Param("displaytext", ParamType.STRING, "New display text", length=4096),
    Param("sortkey", ParamType.INTEGER, "Position in lists"),
    Param("state", ParamType.STRING, "Active or Inactive", since="4.19"),
    Param("domainid", ParamType.STRING, "Comma-separated domain IDs, or public", length=4096),
    Param("zoneid", ParamType.STRING, "Comma-separated zone IDs, or all", length=4096),
)


@command(
    "updateServiceOffering",
    description="Renames a compute offering or changes its text, order, tags, state or scope.",
    params=[
        OFFERING_ID,
        *UPDATE_PARAMS,
        Param("hosttags", ParamType.STRING, "New host tags; empty clears them", since="4.16"),
        Param("storagetags", ParamType.STRING, "New storage tags; empty clears them", since="4.16"),
    ],
    kind=Kind.OBJECT,
    key="serviceoffering",
    roles=ADMINS,
)
def update_service_offering(call: Call) -> dict[str, Any]:
    offering: ServiceOffering = call.arg("id")
    changed = offerings.update_service_offering(call.db, call.caller, offering, offering_changes(call), call.now)
    return service_offering_view(call.db, changed)


@command(
    "deleteServiceOffering",
    description="Deletes a compute offering (it stays listed with state=all as Inactive).",
    params=[OFFERING_ID],
    kind=Kind.SUCCESS,
    roles=ADMINS,
)
def delete_service_offering(call: Call) -> Success:
    offerings.delete_service_offering(call.db, call.caller, call.arg("id"), call.now)
    return Success()
