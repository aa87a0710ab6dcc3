"""Templates and ISOs: registration from a URL, updates, per-zone deletion, copies between zones, access."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, internal, invalid_value, permission_denied
from nimbostack.auth.types import AccountType
from nimbostack.db.models import Account, Domain, OsType, Template, TemplatePermission, TemplateZone, Zone
from nimbostack.services import events, settings
from nimbostack.services.ostypes import none_os
from nimbostack.services.template_checks import check_url, image_format, require_hypervisor
from nimbostack.services.template_downloads import DOWNLOADED, IN_PROGRESS, complete_due, start, zone_store


@dataclass
class TemplateSpec:
    """What registerTemplate / registerIso ask for; `zones` None means every zone (crossZones)."""

    name: str
    display_text: str
    url: str
    owner: Account
    is_iso: bool = False
    format: str = "ISO"
    hypervisor: str | None = None
    os_type: OsType | None = None
    zones: list[Zone] | None = None
    is_public: bool = False
    is_featured: bool = False
    is_extractable: bool = False
    password_enabled: bool = False
    sshkey_enabled: bool = False
    dynamically_scalable: bool = False
    requires_hvm: bool | None = None
    bootable: bool | None = None
    bits: int | None = None
    checksum: str | None = None
    template_tag: str | None = None
    template_type: str | None = None
    direct_download: bool = False
    details: dict[str, str] = field(default_factory=dict)


def kind_of(template: Template) -> str:
    return "ISO" if template.format == "ISO" else "template"


def _owner_is_root_admin(owner: Account) -> bool:
    return owner.type == AccountType.ADMIN and owner.domain_id == 1


def register(db: Session, caller: Caller, spec: TemplateSpec, now: datetime, *, ready: bool = False) -> Template:
    """Validate, store the template and start its download into each zone's image store."""
    owner_root = _owner_is_root_admin(spec.owner)
    if spec.template_tag is not None and not caller.is_root_admin:
        raise permission_denied("Parameter templatetag can only be specified by a Root Admin, permission denied")
    if spec.template_type is not None and not caller.is_root_admin:
        raise permission_denied("Parameter templatetype can only be specified by a Root Admin, permission denied")
    hypervisor = None if spec.is_iso else require_hypervisor(spec.hypervisor or "")
    if spec.direct_download and hypervisor != "KVM" and not spec.is_iso:
        raise ApiError(ErrorCode.PARAM_ERROR, "Parameter directdownload is only allowed for KVM templates")
    os_type = _os_type(db, spec)
    if spec.zones is None and not owner_root:
        raise invalid_value(
            "Template registered for 'All zones' can only be owned a Root Admin account. "
            "Please select specific zone(s)."
        )
    if "file://" in spec.url.lower():
        raise invalid_value("File:// type urls are currently unsupported")
    allow_public = settings.get_bool(db, "allow.public.user.templates", account_id=spec.owner.id)
    if spec.is_public and not owner_root and not allow_public:
        raise invalid_value("Only private templates/ISO can be created.")
    fmt = "ISO" if spec.is_iso else image_format(spec.format)
    zones = spec.zones if spec.zones is not None else _all_zones(db)
    for zone in zones:
        if zone.allocation_state == "Disabled" and not caller.is_root_admin:
            raise permission_denied(f"Cannot perform this operation, Zone {zone.name} is currently disabled")
    check_url(spec.url, fmt, spec.direct_download)
    stores = {z.id: zone_store(db, z.id) for z in zones}
    if not spec.direct_download:
        for zone in zones:
            if stores[zone.id] is None:
                raise internal(f"Unable to find image store to download the template [{spec.name}].")
    template = _new_template(spec, fmt, hypervisor, os_type, owner_root, now)
    db.add(template)
    db.flush()
    for zone in zones:
        store = stores[zone.id]
        if spec.direct_download or store is None:
            db.add(_bypassed(template, zone, now))
        else:
            start(db, template, zone.id, store, now, ready=ready)
    db.flush()
    _event(db, caller, template, "CREATE", f"Successfully registered {kind_of(template)} {template.name}", now)
    return template


def _os_type(db: Session, spec: TemplateSpec) -> OsType | None:
    if not spec.is_iso:
        return spec.os_type
    none = none_os(db)
    bootable = True if spec.bootable is None else spec.bootable
    if bootable and (spec.os_type is None or (none is not None and spec.os_type.id == none.id)):
        raise invalid_value("Please pass a valid GuestOS Id")
    return spec.os_type if bootable else none


def _all_zones(db: Session) -> list[Zone]:
    zones = list(db.scalars(select(Zone).where(Zone.removed.is_(None)).order_by(Zone.id)))
    if not zones:
        raise internal("No zones are present in the system, can't add template")
    return zones


def _new_template(
    spec: TemplateSpec, fmt: str, hypervisor: str | None, os_type: OsType | None, owner_root: bool, now: datetime
) -> Template:
    return Template(
        name=spec.name,
        display_text=spec.display_text,
        account_id=spec.owner.id,
        domain_id=spec.owner.domain_id,
        format=fmt,
        template_type=(spec.template_type or "USER").upper(),
        hypervisor=hypervisor,
        os_type_id=os_type.id if os_type else None,
        url=spec.url,
        checksum=spec.checksum,
        is_public=spec.is_public,
        # Only a root admin's template can be featured at registration (updateTemplatePermissions can later).
        is_featured=spec.is_featured and owner_root,
        is_extractable=spec.is_extractable,
        password_enabled=spec.password_enabled,
        sshkey_enabled=spec.sshkey_enabled,
        is_dynamically_scalable=spec.dynamically_scalable,
        requires_hvm=True if spec.requires_hvm is None else spec.requires_hvm,
        bootable=True if spec.bootable is None else spec.bootable,
        cross_zones=spec.zones is None,
        direct_download=spec.direct_download,
        bits=spec.bits or 64,
        template_tag=spec.template_tag,
        details=json.dumps(spec.details) if spec.details else None,
        created=now,
    )


def _bypassed(template: Template, zone: Zone, now: datetime) -> TemplateZone:
    """Direct-download templates skip secondary storage: ready at once, fetched by the host at deploy time."""
    return TemplateZone(
        template_id=template.id, zone_id=zone.id, download_state="BYPASSED", download_percent=100, created=now
    )


# --- access ---------------------------------------------------------------------------------------------


def owner_domain(db: Session, template: Template) -> Domain | None:
    return db.get(Domain, template.domain_id)


def check_modify(db: Session, caller: Caller, template: Template) -> None:
    """Who may change or delete a template: its owner, a root admin, or (private ones) an admin of its domain."""
    if caller.is_root_admin or caller.is_system or template.account_id == caller.account_id:
        return
    if template.is_public:
        raise permission_denied("Domain Admin and regular users can modify only their own Public templates")
    domain = owner_domain(db, template)
    if caller.is_domain_admin and domain is not None and domain.path.startswith(caller.domain_path):
        return
    raise permission_denied(
        f"Account {caller.account_name} does not have permission to operate with resource {template.uuid}"
    )


def can_launch(db: Session, caller: Caller, template: Template) -> bool:
    if template.is_public or caller.is_root_admin or caller.is_system or template.account_id == caller.account_id:
        return True
    granted = db.scalar(
        select(TemplatePermission.id).where(
            TemplatePermission.template_id == template.id, TemplatePermission.account_id == caller.account_id
        )
    )
    return granted is not None


def check_launch(db: Session, caller: Caller, template: Template) -> None:
    if not can_launch(db, caller, template):
        raise permission_denied(
            f"Account {caller.account_name} does not have permission to launch instances from {kind_of(template)} "
            f"{template.name}"
        )


def require_live(template: Template, is_iso: bool) -> None:
    """The template exists, is not removed, and is of the kind the command handles."""
    if template.removed is not None or template.state != "Active":
        raise invalid_value(f"Unable to find {'ISO' if is_iso else 'template'} with id {template.uuid}")
    if is_iso and template.format != "ISO":
        raise invalid_value("Please specify a valid ISO.")
    if not is_iso and template.format == "ISO":
        raise invalid_value("Please specify a valid template.")


# --- delete and copy ------------------------------------------------------------------------------------


def remove(db: Session, caller: Caller, template: Template, zone: Zone | None, now: datetime) -> None:
    """Delete from one zone, or from all; the template itself goes once no zone holds it."""
    check_modify(db, caller, template)
    complete_due(db, now)
    stmt = select(TemplateZone).where(TemplateZone.template_id == template.id)
    if zone is not None:
        stmt = stmt.where(TemplateZone.zone_id == zone.id)
    places = db.scalars(stmt).all()
    if any(p.download_state == IN_PROGRESS for p in places):
        raise internal(f"Please specify a {kind_of(template)} that is not currently being downloaded.")
    for place in places:
        db.delete(place)
    db.flush()
    left = db.scalar(select(TemplateZone.id).where(TemplateZone.template_id == template.id).limit(1))
    if left is None:
        template.state = "Inactive"
        template.mark_removed(now)
        db.execute(delete(TemplatePermission).where(TemplatePermission.template_id == template.id))
    _event(db, caller, template, "DELETE", f"Successfully deleted {kind_of(template)} {template.name}", now)


def copy(
    db: Session, caller: Caller, template: Template, dest: list[Zone], source: Zone | None, now: datetime
) -> list[TemplateZone]:
    """Copy a ready template to other zones; zones that already hold it are skipped."""
    if source is not None and source.id in {z.id for z in dest}:
        raise invalid_value("Please specify different source and destination zones.")
    check_modify(db, caller, template)
    complete_due(db, now)
    ready = db.scalars(
        select(TemplateZone).where(TemplateZone.template_id == template.id, TemplateZone.download_state == DOWNLOADED)
    ).all()
    if not [p for p in ready if source is None or p.zone_id == source.id]:
        raise invalid_value(f"There is no {kind_of(template)} {template.uuid} ready on image store.")
    held = {p.zone_id for p in db.scalars(select(TemplateZone).where(TemplateZone.template_id == template.id)).all()}
    placed = []
    for zone in dest:
        if zone.id in held:
            existing = select(TemplateZone).where(
                TemplateZone.template_id == template.id, TemplateZone.zone_id == zone.id
            )
            placed.append(db.scalars(existing).one())
            continue
        store = zone_store(db, zone.id)
        if store is None:
            raise ApiError(
                ErrorCode.RESOURCE_UNAVAILABLE_ERROR,
                "Destination zone is not ready, no image store associated",
                CsErrorCode.RESOURCE_UNAVAILABLE,
            )
        placed.append(start(db, template, zone.id, store, now))
        held.add(zone.id)
    db.flush()
    _event(db, caller, template, "COPY", f"Successfully copied {kind_of(template)} {template.name}", now)
    return placed


def _event(db: Session, caller: Caller, template: Template, verb: str, text: str, now: datetime) -> None:
    prefix = "ISO" if template.format == "ISO" else "TEMPLATE"
    events.record(
        db,
        caller,
        f"{prefix}.{verb}",
        text,
        now,
        resource_type="Iso" if prefix == "ISO" else "Template",
        resource_uuid=template.uuid,
        resource_name=template.name,
        account_id=template.account_id,
        domain_id=template.domain_id,
    )
