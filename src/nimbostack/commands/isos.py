"""registerIso, listIsos, updateIso, deleteIso, copyIso, updateIsoPermissions, listIsoPermissions."""

from __future__ import annotations

from typing import Any

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ALL_ROLES
from nimbostack.commands.template_listing import list_pairs
from nimbostack.commands.templates import (
    COMMON_REGISTER,
    COPY_PARAMS,
    LIST_TEMPLATE_PARAMS,
    PERMISSION_PARAMS,
    UPDATE_PARAMS,
    copy_handler,
    delete_handler,
    list_permissions_handler,
    owner_of,
    registered,
    resolve_zones,
    update_handler,
    update_permissions_handler,
)
from nimbostack.db.models import Template, Zone
from nimbostack.services import templates

ISO_ID = Param("id", ParamType.UUID, "The ISO's ID", required=True, entity=Template, related="listIsos")


@command(
    "registerIso",
    description="Registers an ISO from an http(s) URL; the zones' image stores download it.",
    params=[
        *COMMON_REGISTER,
        # Declared optional so that -1 (every zone) gets through; the handler insists on it being sent.
        Param("zoneid", ParamType.UUID, "Zone to register in; -1 for every zone", entity=Zone),
        Param("bootable", ParamType.BOOLEAN, "Instances can boot from it (default true; needs ostypeid)"),
        Param("imagestoreuuid", ParamType.STRING, "Accepted for compatibility"),
    ],
    kind=Kind.LIST,
    key="iso",
    roles=ALL_ROLES,
)
def register_iso(call: Call) -> Listing:
    spec = templates.TemplateSpec(
        name=call.arg("name"),
        display_text=call.arg("displaytext"),
        url=call.arg("url"),
        owner=owner_of(call),
        is_iso=True,
        os_type=call.arg("ostypeid"),
        zones=resolve_zones(call, required=True),
        is_public=bool(call.arg("ispublic")),
        is_featured=bool(call.arg("isfeatured")),
        is_extractable=bool(call.arg("isextractable")),
        password_enabled=bool(call.arg("passwordenabled")),
        dynamically_scalable=bool(call.arg("isdynamicallyscalable")),
        bootable=call.arg("bootable"),
        checksum=call.arg("checksum"),
        direct_download=bool(call.arg("directdownload")),
    )
    return registered(call, templates.register(call.db, call.caller, spec, call.now))


@command(
    "listIsos",
    description="Lists ISOs per zone; isofilter chooses featured, own, shared, public or all of them.",
    params=[
        *LIST_TEMPLATE_PARAMS,
        Param(
            "isofilter",
            ParamType.STRING,
            "featured, self, selfexecutable (default), sharedexecutable, executable, community or all",
        ),
        Param("bootable", ParamType.BOOLEAN, "Only bootable (true) or data (false) ISOs"),
        Param("ispublic", ParamType.BOOLEAN, "Accepted for compatibility"),
    ],
    kind=Kind.LIST,
    key="iso",
    roles=ALL_ROLES,
)
def list_isos(call: Call) -> Listing:
    return list_pairs(call, is_iso=True, filter_name=call.arg("isofilter") or "selfexecutable")


@command(
    "updateIso",
    description="Changes an ISO's name, text, OS, flags, order or details.",
    params=[ISO_ID, *UPDATE_PARAMS],
    kind=Kind.OBJECT,
    key="iso",
    roles=ALL_ROLES,
)
def update_iso(call: Call) -> dict[str, Any]:
    return update_handler(call, is_iso=True)


@command(
    "deleteIso",
    description="Deletes an ISO from one zone or, without zoneid, from all of them.",
    params=[ISO_ID, Param("zoneid", ParamType.UUID, "Only from this zone", entity=Zone, related="listZones")],
    kind=Kind.SUCCESS,
    roles=ALL_ROLES,
    is_async=True,
    instance_type="Iso",
    instance_param="id",
)
def delete_iso(call: Call) -> Success:
    return delete_handler(call, is_iso=True)


@command(
    "copyIso",
    description="Copies a ready ISO into other zones' image stores.",
    params=[ISO_ID, *COPY_PARAMS],
    kind=Kind.OBJECT,
    key="iso",
    roles=ALL_ROLES,
    is_async=True,
    instance_type="Iso",
    instance_param="id",
)
def copy_iso(call: Call) -> dict[str, Any]:
    return copy_handler(call, is_iso=True)


@command(
    "updateIsoPermissions",
    description="Makes an ISO public, featured or extractable, or shares it with other accounts.",
    params=[ISO_ID, *PERMISSION_PARAMS],
    kind=Kind.SUCCESS,
    roles=ALL_ROLES,
)
def update_iso_permissions(call: Call) -> Success:
    return update_permissions_handler(call, is_iso=True)


@command(
    "listIsoPermissions",
    description="Shows whether an ISO is public and which accounts it is shared with.",
    params=[ISO_ID],
    kind=Kind.OBJECT,
    key="templatepermission",
    roles=ALL_ROLES,
)
def list_iso_permissions(call: Call) -> dict[str, Any]:
    return list_permissions_handler(call, is_iso=True)
