"""registerTemplate, listTemplates, updateTemplate, deleteTemplate, copyTemplate, template permissions.

The handlers here also serve the ISO commands (commands/isos.py): only the checks and views differ.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api import params
from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ALL_ROLES
from nimbostack.commands.offerings import map_arg
from nimbostack.commands.template_listing import list_pairs
from nimbostack.db.listing import LIST_PARAMS, SCOPE_PARAMS, named_account
from nimbostack.db.models import Account, Domain, OsType, Template, TemplateZone, Zone
from nimbostack.services import template_changes, templates
from nimbostack.views.catalog import permission_view, template_update_view, template_views

TEMPLATE_ID = Param("id", ParamType.UUID, "The template's ID", required=True, entity=Template, related="listTemplates")
COMMON_REGISTER = (
    Param("name", ParamType.STRING, "Name of the template", required=True),
    Param("displaytext", ParamType.STRING, "Text shown to users", required=True, length=4096),
    Param("url", ParamType.STRING, "http(s) URL the image store downloads from", required=True, length=2048),
    Param("ostypeid", ParamType.UUID, "The guest OS", entity=OsType, related="listOsTypes"),
    Param("ispublic", ParamType.BOOLEAN, "Every account may use it"),
    Param("isfeatured", ParamType.BOOLEAN, "Listed as featured (root admins)"),
    Param("isextractable", ParamType.BOOLEAN, "Its owner may download it again"),
    Param("passwordenabled", ParamType.BOOLEAN, "Instances get a generated password"),
    Param("isdynamicallyscalable", ParamType.BOOLEAN, "Instances can be scaled while running"),
    Param("checksum", ParamType.STRING, "Checksum of the image"),
    Param("directdownload", ParamType.BOOLEAN, "Hosts fetch it at deployment, skipping the image store (KVM)"),
    Param("account", ParamType.STRING, "Register for this account; use with domainid"),
    Param("domainid", ParamType.UUID, "Domain of the account", entity=Domain, related="listDomains"),
    Param("projectid", ParamType.STRING, "Accepted for compatibility"),
)


def resolve_zones(call: Call, required: bool) -> list[Zone] | None:
    """zoneid / zoneids, where -1 means every zone (None)."""
    raw_zone = call.raw.get("zoneid")
    raw_many = [z.strip() for z in (call.raw.get("zoneids") or "").split(",") if z.strip()]
    if raw_zone is not None and raw_many:
        raise ApiError(ErrorCode.PARAM_ERROR, "Both zoneid and zoneids cannot be specified at the same time")
    if raw_zone is None and not raw_many:
        if required:
            raise params.missing(call.command, "zoneid")
        raise ApiError(ErrorCode.PARAM_ERROR, "Either zoneid or zoneids is required. Both cannot be null.")
    if raw_zone is not None:
        if raw_zone.strip() == "-1":
            return None
        zone: Zone | None = call.arg("zoneid")
        if zone is None:
            raise params.bad_uuid(call.command, "zoneid", raw_zone)
        return [_live_zone(zone)]
    if "-1" in raw_many:
        if len(raw_many) > 1:
            raise ApiError(
                ErrorCode.PARAM_ERROR, "Parameter zoneids cannot combine all zones (-1) option with other zones"
            )
        return None
    zones: list[Zone] = call.arg("zoneids") or []
    if len(zones) != len(raw_many):
        raise params.bad_uuid(call.command, "zoneids", call.raw.get("zoneids", ""))
    unique = {z.id: z for z in zones}  # a zone named twice is registered once
    return [_live_zone(z) for z in unique.values()]


def _live_zone(zone: Zone) -> Zone:
    if zone.removed is not None:
        raise invalid_value("Please specify a valid zone.")
    return zone


def owner_of(call: Call) -> Account:
    owner = named_account(call) or call.db.get(Account, call.caller.account_id)
    assert owner is not None
    return owner


def place_of(call: Call, template: Template, zone: Zone | None = None) -> TemplateZone | None:
    stmt = select(TemplateZone).where(TemplateZone.template_id == template.id)
    if zone is not None:
        stmt = stmt.where(TemplateZone.zone_id == zone.id)
    return call.db.scalars(stmt.order_by(TemplateZone.zone_id)).first()


def registered(call: Call, template: Template) -> Listing:
    """register* answer a one-item list per zone, as CloudStack does."""
    places = call.db.scalars(
        select(TemplateZone).where(TemplateZone.template_id == template.id).order_by(TemplateZone.zone_id)
    ).all()
    items = template_views(call.db, [(template, p) for p in places], call.caller, call.now)
    return Listing(items, len(items))


@command(
    "registerTemplate",
    description="Registers a template from an http(s) URL; the zones' image stores download it.",
    params=[
        *COMMON_REGISTER,
        Param("format", ParamType.STRING, "Image format: QCOW2, RAW, VHD, OVA ...", required=True),
        Param("hypervisor", ParamType.STRING, "Hypervisor the template is for", required=True),
        Param("zoneid", ParamType.UUID, "Zone to register in; -1 for every zone", entity=Zone),
        Param("zoneids", ParamType.LIST, "Zones to register in", item_type=ParamType.UUID, entity=Zone, since="4.14"),
        Param("sshkeyenabled", ParamType.BOOLEAN, "Instances get the account's SSH key"),
        Param("requireshvm", ParamType.BOOLEAN, "Needs hardware virtualisation (default true)"),
        Param("bits", ParamType.INTEGER, "32 or 64 (default)"),
        Param("details", ParamType.MAP, "Template details, such as rootDiskController"),
        Param("templatetag", ParamType.STRING, "A tag for the template (root admins)"),
        Param("templatetype", ParamType.STRING, "USER (default), ROUTING, SYSTEM, BUILTIN (root admins)", since="4.19"),
    ],
    kind=Kind.LIST,
    key="template",
    roles=ALL_ROLES,
)
def register_template(call: Call) -> Listing:
    spec = templates.TemplateSpec(
        name=call.arg("name"),
        display_text=call.arg("displaytext"),
        url=call.arg("url"),
        owner=owner_of(call),
        format=call.arg("format"),
        hypervisor=call.arg("hypervisor"),
        os_type=call.arg("ostypeid"),
        zones=resolve_zones(call, required=False),
        is_public=bool(call.arg("ispublic")),
        is_featured=bool(call.arg("isfeatured")),
        is_extractable=bool(call.arg("isextractable")),
        password_enabled=bool(call.arg("passwordenabled")),
        sshkey_enabled=bool(call.arg("sshkeyenabled")),
        dynamically_scalable=bool(call.arg("isdynamicallyscalable")),
        requires_hvm=call.arg("requireshvm"),
        bits=call.arg("bits"),
        checksum=call.arg("checksum"),
        template_tag=call.arg("templatetag"),
        template_type=call.arg("templatetype"),
        direct_download=bool(call.arg("directdownload")),
        details=map_arg(call, "details"),
    )
    return registered(call, templates.register(call.db, call.caller, spec, call.now))


LIST_TEMPLATE_PARAMS = (
    *LIST_PARAMS,
    *SCOPE_PARAMS,
    Param("id", ParamType.UUID, "Only this template", entity=Template, related="listTemplates"),
    Param("ids", ParamType.LIST, "Only these templates", item_type=ParamType.UUID, entity=Template, since="4.9"),
    Param("name", ParamType.STRING, "Only templates with this name"),
    Param("zoneid", ParamType.UUID, "Only copies in this zone", entity=Zone, related="listZones"),
    Param("hypervisor", ParamType.STRING, "Only templates for this hypervisor"),
    Param("isready", ParamType.BOOLEAN, "Only templates ready to deploy from"),
    Param("showremoved", ParamType.BOOLEAN, "Accepted for compatibility"),
    Param("showunique", ParamType.BOOLEAN, "Accepted for compatibility"),
    Param("projectid", ParamType.STRING, "Accepted for compatibility"),
)


@command(
    "listTemplates",
    description="Lists templates per zone; templatefilter chooses featured, own, shared, public or all of them.",
    params=[
        *LIST_TEMPLATE_PARAMS,
        Param(
            "templatefilter",
            ParamType.STRING,
            "featured, self, selfexecutable, sharedexecutable, executable, community or all",
            required=True,
        ),
        Param("templatetype", ParamType.STRING, "Only templates of this type", since="4.19"),
        Param("details", ParamType.LIST, "Which details to include (all, min)", item_type=ParamType.STRING),
    ],
    kind=Kind.LIST,
    key="template",
    roles=ALL_ROLES,
)
def list_templates(call: Call) -> Listing:
    return list_pairs(call, is_iso=False, filter_name=call.arg("templatefilter"))


UPDATE_PARAMS = (
    Param("name", ParamType.STRING, "New name"),
    Param("displaytext", ParamType.STRING, "New display text", length=4096),
    Param("format", ParamType.STRING, "New image format"),
    Param("ostypeid", ParamType.UUID, "New guest OS", entity=OsType, related="listOsTypes"),
    Param("passwordenabled", ParamType.BOOLEAN, "Instances get a generated password"),
    Param("sshkeyenabled", ParamType.BOOLEAN, "Instances get the account's SSH key"),
    Param("isdynamicallyscalable", ParamType.BOOLEAN, "Instances can be scaled while running"),
    Param("bootable", ParamType.BOOLEAN, "Whether it can be booted"),
    Param("requireshvm", ParamType.BOOLEAN, "Needs hardware virtualisation"),
    Param("sortkey", ParamType.INTEGER, "Position in lists"),
    Param("details", ParamType.MAP, "Details to store"),
    Param("cleanupdetails", ParamType.BOOLEAN, "Remove all details"),
)


def update_handler(call: Call, is_iso: bool) -> dict[str, Any]:
    template: Template = call.arg("id")
    templates.require_live(template, is_iso)
    changes = template_changes.TemplateChanges(
        name=call.arg("name"),
        display_text=call.arg("displaytext"),
        format=call.arg("format"),
        os_type=call.arg("ostypeid"),
        password_enabled=call.arg("passwordenabled"),
        sshkey_enabled=call.arg("sshkeyenabled"),
        dynamically_scalable=call.arg("isdynamicallyscalable"),
        bootable=call.arg("bootable"),
        requires_hvm=call.arg("requireshvm"),
        sort_key=call.arg("sortkey"),
        details=map_arg(call, "details") or None,
        cleanup_details=bool(call.arg("cleanupdetails")),
    )
    template_changes.update(call.db, call.caller, template, changes, call.now)
    return template_update_view(call.db, template)


@command(
    "updateTemplate",
    description="Changes a template's name, text, format, OS, flags, order or details.",
    params=[TEMPLATE_ID, *UPDATE_PARAMS],
    kind=Kind.OBJECT,
    key="template",
    roles=ALL_ROLES,
)
def update_template(call: Call) -> dict[str, Any]:
    return update_handler(call, is_iso=False)


def delete_handler(call: Call, is_iso: bool) -> Success:
    template: Template = call.arg("id")
    templates.require_live(template, is_iso)
    templates.remove(call.db, call.caller, template, call.arg("zoneid"), call.now)
    return Success()


@command(
    "deleteTemplate",
    description="Deletes a template from one zone or, without zoneid, from all of them.",
    params=[
        TEMPLATE_ID,
        Param("zoneid", ParamType.UUID, "Only from this zone", entity=Zone, related="listZones"),
        Param("forced", ParamType.BOOLEAN, "Delete even if instances use it"),
    ],
    kind=Kind.SUCCESS,
    roles=ALL_ROLES,
    is_async=True,
    instance_type="Template",
    instance_param="id",
)
def delete_template(call: Call) -> Success:
    return delete_handler(call, is_iso=False)


def copy_handler(call: Call, is_iso: bool) -> dict[str, Any]:
    template: Template = call.arg("id")
    templates.require_live(template, is_iso)
    dest: list[Zone] = call.arg("destzoneids") or ([call.arg("destzoneid")] if call.has("destzoneid") else [])
    if not dest:
        raise invalid_value("Either destzoneid or destzoneids parameters have to be specified.")
    placed = templates.copy(call.db, call.caller, template, dest, call.arg("sourcezoneid"), call.now)
    return template_views(call.db, [(template, placed[0])], call.caller, call.now)[0]


COPY_PARAMS = (
    Param("destzoneid", ParamType.UUID, "Zone to copy to", entity=Zone, related="listZones"),
    Param("destzoneids", ParamType.LIST, "Zones to copy to", item_type=ParamType.UUID, entity=Zone, since="4.13"),
    Param("sourcezoneid", ParamType.UUID, "Zone to copy from", entity=Zone, related="listZones"),
)


@command(
    "copyTemplate",
    description="Copies a ready template into other zones' image stores.",
    params=[TEMPLATE_ID, *COPY_PARAMS],
    kind=Kind.OBJECT,
    key="template",
    roles=ALL_ROLES,
    is_async=True,
    instance_type="Template",
    instance_param="id",
)
def copy_template(call: Call) -> dict[str, Any]:
    return copy_handler(call, is_iso=False)


def update_permissions_handler(call: Call, is_iso: bool) -> Success:
    template: Template = call.arg("id")
    if is_iso and template.format != "ISO":
        raise invalid_value("Please provide a valid ISO")
    if not is_iso and template.format == "ISO":
        raise invalid_value("Please provide a valid template")
    if call.has("accounts") and call.has("projectids"):
        raise invalid_value("Accounts and projectIds can't be specified together")
    changes = template_changes.PermissionChanges(
        is_public=call.arg("ispublic"),
        is_featured=call.arg("isfeatured"),
        is_extractable=call.arg("isextractable"),
        accounts=call.arg("accounts"),
        operation=call.arg("op"),
    )
    template_changes.update_permissions(call.db, call.caller, template, changes)
    return Success()


PERMISSION_PARAMS = (
    Param("ispublic", ParamType.BOOLEAN, "Every account may use it"),
    Param("isfeatured", ParamType.BOOLEAN, "Listed as featured"),
    Param("isextractable", ParamType.BOOLEAN, "Its owner may download it again"),
    Param("accounts", ParamType.LIST, "Account names in the owner's domain; needs op", item_type=ParamType.STRING),
    Param("op", ParamType.STRING, "add, remove or reset"),
    Param("projectids", ParamType.LIST, "Accepted for compatibility", item_type=ParamType.STRING),
)


@command(
    "updateTemplatePermissions",
    description="Makes a template public, featured or extractable, or shares it with other accounts.",
    params=[TEMPLATE_ID, *PERMISSION_PARAMS],
    kind=Kind.SUCCESS,
    roles=ALL_ROLES,
)
def update_template_permissions(call: Call) -> Success:
    return update_permissions_handler(call, is_iso=False)


def list_permissions_handler(call: Call, is_iso: bool) -> dict[str, Any]:
    template: Template = call.arg("id")
    kind = "ISO" if is_iso else "template"
    if template.removed is not None:
        raise invalid_value(f"unable to find {kind.lower()} with id {template.uuid}")
    if is_iso != (template.format == "ISO"):
        raise invalid_value(f"Please provide a valid {kind}")
    names = template_changes.permitted_names(call.db, call.caller, template)
    return permission_view(template, templates.owner_domain(call.db, template), names, call.caller)


@command(
    "listTemplatePermissions",
    description="Shows whether a template is public and which accounts it is shared with.",
    params=[TEMPLATE_ID],
    kind=Kind.OBJECT,
    key="templatepermission",
    roles=ALL_ROLES,
)
def list_template_permissions(call: Call) -> dict[str, Any]:
    return list_permissions_handler(call, is_iso=False)
