"""Response objects for offerings, OS types and categories, templates, ISOs and their permissions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.db.models import (
    Account,
    DiskOffering,
    Domain,
    ImageStore,
    OsCategory,
    OsType,
    ServiceOffering,
    Template,
    TemplateZone,
    Zone,
)
from nimbostack.services.offering_rules import parse_ids
from nimbostack.services.template_downloads import download_seconds
from nimbostack.services.template_downloads import percent as progress

READY_STATES = ("DOWNLOADED", "BYPASSED")

Entity = dict[str, Any]
GIB = 1024**3


def _labels(db: Session, model: Any, text: str | None) -> tuple[str | None, str | None]:
    """Comma-joined uuids and names of the domains or zones an offering is restricted to."""
    ids = parse_ids(text)
    if not ids:
        return None, None
    rows = {r.id: r for r in db.scalars(select(model).where(model.id.in_(ids)))}
    found = [rows[i] for i in ids if i in rows]
    return ",".join(r.uuid for r in found), ",".join(r.name for r in found)


def _json(text: str | None) -> dict[str, Any]:
    return dict(json.loads(text)) if text else {}


def service_offering_view(db: Session, offering: ServiceOffering) -> Entity:
    domain_ids, domain_names = _labels(db, Domain, offering.domain_ids)
    zone_ids, zone_names = _labels(db, Zone, offering.zone_ids)
    extras = _json(offering.details)
    disk = extras.get("disk", {})
    linked = db.get(DiskOffering, offering.disk_offering_id) if offering.disk_offering_id else None
    return {
        "id": offering.uuid,
        "name": offering.name,
        "displaytext": offering.display_text,
        "cpunumber": offering.cpu_number,
        "cpuspeed": offering.cpu_speed,
        "memory": offering.memory,
        "created": offering.created,
        "storagetype": offering.storage_type,
        "provisioningtype": offering.provisioning_type,
        "offerha": offering.offer_ha,
        "limitcpuuse": offering.limit_cpu_use,
        "isvolatile": offering.is_volatile,
        "issystem": offering.is_system,
        "defaultuse": offering.default_use,
        "iscustomized": offering.customized,
        "cacheMode": "none",
        "rootdisksize": offering.root_disk_size or 0,
        "hosttags": offering.host_tag,
        "storagetags": offering.storage_tags,
        "networkrate": offering.network_rate,
        "systemvmtype": offering.system_vm_type,
        "domainid": domain_ids,
        "domain": domain_names,
        "zoneid": zone_ids,
        "zone": zone_names,
        "iscustomizediops": disk.get("customizediops"),
        "miniops": disk.get("miniops"),
        "maxiops": disk.get("maxiops"),
        "diskofferingid": linked.uuid if linked else None,
        "diskofferingname": linked.name if linked else None,
        "diskofferingdisplaytext": linked.display_text if linked else None,
        "diskofferingstrictness": False,
        "dynamicscalingenabled": offering.dynamic_scaling_enabled,
        "encryptroot": False,
        "purgeresources": False,
        "hasannotations": False,
        "state": offering.state,
        "serviceofferingdetails": extras.get("details") or None,
    }


def disk_offering_view(db: Session, offering: DiskOffering) -> Entity:
    domain_ids, domain_names = _labels(db, Domain, offering.domain_ids)
    zone_ids, zone_names = _labels(db, Zone, offering.zone_ids)
    return {
        "id": offering.uuid,
        "name": offering.name,
        "displaytext": offering.display_text,
        "disksize": offering.disk_size // GIB,
        "created": offering.created,
        "iscustomized": offering.customized,
        "storagetype": offering.storage_type,
        "provisioningtype": offering.provisioning_type,
        "cacheMode": "none",
        "displayoffering": offering.display_offering,
        "tags": offering.tags,
        "iscustomizediops": offering.customized_iops,
        "miniops": offering.min_iops,
        "maxiops": offering.max_iops,
        "domainid": domain_ids,
        "domain": domain_names,
        "zoneid": zone_ids,
        "zone": zone_names,
        "disksizestrictness": False,
        "encrypt": False,
        "hasannotations": False,
        "state": offering.state,
        "details": _json(offering.details) or None,
    }


def os_type_view(os_type: OsType) -> Entity:
    return {
        "id": os_type.uuid,
        "name": os_type.description,
        "description": os_type.description,
        "oscategoryid": os_type.category.uuid,
        "oscategoryname": os_type.category.name,
        "isuserdefined": os_type.is_user_defined,
        "fordisplay": os_type.for_display,
    }


def os_category_view(category: OsCategory) -> Entity:
    return {"id": category.uuid, "name": category.name, "isfeatured": category.is_featured, "created": category.created}


@dataclass
class TemplateContext:
    """Rows a page of templates refers to, fetched once per page instead of once per template."""

    accounts: dict[int, Account] = field(default_factory=dict)
    domains: dict[int, Domain] = field(default_factory=dict)
    zones: dict[int, Zone] = field(default_factory=dict)
    stores: dict[int, ImageStore] = field(default_factory=dict)
    os_types: dict[int, OsType] = field(default_factory=dict)
    # When the page is rendered and how long a simulated download takes: in-progress percentages derive from them.
    now: datetime | None = None
    seconds: float = 0.0

    def percent(self, place: TemplateZone) -> int:
        return progress(place, self.now, self.seconds) if self.now is not None else place.download_percent


def _by_id(db: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {r.id: r for r in db.scalars(select(model).where(model.id.in_(ids))).unique()}


def load_context(db: Session, pairs: Sequence[tuple[Template, TemplateZone]], now: datetime) -> TemplateContext:
    return TemplateContext(
        now=now,
        seconds=download_seconds(db),
        accounts=_by_id(db, Account, {t.account_id for t, _ in pairs}),
        domains=_by_id(db, Domain, {t.domain_id for t, _ in pairs}),
        zones=_by_id(db, Zone, {z.zone_id for _, z in pairs}),
        stores=_by_id(db, ImageStore, {z.image_store_id for _, z in pairs if z.image_store_id}),
        os_types=_by_id(db, OsType, {t.os_type_id for t, _ in pairs if t.os_type_id}),
    )


def download_status(template: Template, place: TemplateZone, done: int) -> str | None:
    """CloudStack's status text for one template in one zone (`done`: percent downloaded so far)."""
    is_iso = template.format == "ISO"
    if place.download_state == "DOWNLOADED":
        return "Successfully Installed" if is_iso else "Download Complete"
    if place.download_state == "BYPASSED":
        return "Bypassed Secondary Storage"
    if place.download_state == "DOWNLOAD_IN_PROGRESS":
        if done >= 100:
            return "Installing ISO" if is_iso else "Installing Template"
        return f"{done}% Downloaded"
    if place.error_text or is_iso:
        return place.error_text
    return template.state


def _sees_status(caller: Caller, template: Template) -> bool:
    # Admins and the owner see download status and URL; others only what they may launch.
    return caller.is_root_admin or caller.is_domain_admin or template.account_id == caller.account_id


def template_view(template: Template, place: TemplateZone, caller: Caller, ctx: TemplateContext) -> Entity:
    if template.format == "ISO":
        return iso_view(template, place, caller, ctx)
    account, domain = ctx.accounts.get(template.account_id), ctx.domains.get(template.domain_id)
    zone, os_type = ctx.zones.get(place.zone_id), ctx.os_types.get(template.os_type_id or 0)
    store = ctx.stores.get(place.image_store_id or 0)
    shows = _sees_status(caller, template)
    downloads = []
    if store is not None:
        downloads.append(
            {
                "downloadState": place.download_state,
                "datastore": store.name,
                "downloadPercent": str(ctx.percent(place)),
            }
        )
    return {
        "id": template.uuid,
        "name": template.name,
        "displaytext": template.display_text,
        "ispublic": template.is_public,
        "created": place.created,
        "isready": place.download_state in READY_STATES,
        "passwordenabled": template.password_enabled,
        "format": template.format,
        "isfeatured": template.is_featured,
        "crossZones": template.cross_zones,
        "ostypeid": os_type.uuid if os_type else None,
        "ostypename": os_type.description if os_type else None,
        "account": account.name if account else None,
        "zoneid": zone.uuid if zone else None,
        "zonename": zone.name if zone else None,
        "status": download_status(template, place, ctx.percent(place)) if shows else None,
        "size": template.size or None,
        "physicalsize": place.physical_size or None,
        "templatetype": template.template_type,
        "hypervisor": template.hypervisor,
        "domain": domain.name if domain else None,
        "domainid": domain.uuid if domain else None,
        "isextractable": template.is_extractable and template.template_type != "SYSTEM",
        "checksum": template.checksum,
        "details": _json(template.details),
        "downloaddetails": downloads,
        "bits": template.bits,
        "sshkeyenabled": template.sshkey_enabled,
        "isdynamicallyscalable": template.is_dynamically_scalable,
        "directdownload": template.direct_download,
        "deployasis": False,
        "requireshvm": template.requires_hvm,
        "templatetag": template.template_tag,
        "arch": template.arch,
        "hasannotations": False,
        "url": template.url if shows else None,
        "tags": [],
    }


def iso_view(iso: Template, place: TemplateZone, caller: Caller, ctx: TemplateContext) -> Entity:
    account, domain = ctx.accounts.get(iso.account_id), ctx.domains.get(iso.domain_id)
    zone, os_type = ctx.zones.get(place.zone_id), ctx.os_types.get(iso.os_type_id or 0)
    shows = _sees_status(caller, iso)
    return {
        "id": iso.uuid,
        "name": iso.name,
        "displaytext": iso.display_text,
        "ispublic": iso.is_public,
        "created": place.created,
        "isready": place.download_state in READY_STATES,
        "passwordenabled": iso.password_enabled,
        "bootable": iso.bootable,
        "isfeatured": iso.is_featured,
        "crossZones": iso.cross_zones,
        "ostypeid": os_type.uuid if os_type else None,
        "ostypename": os_type.description if os_type else None,
        "account": account.name if account else None,
        "zoneid": zone.uuid if zone else None,
        "zonename": zone.name if zone else None,
        "status": download_status(iso, place, ctx.percent(place)) if shows else None,
        "size": iso.size or None,
        "domain": domain.name if domain else None,
        "domainid": domain.uuid if domain else None,
        "isextractable": iso.is_extractable,
        "checksum": iso.checksum,
        "bits": iso.bits,
        "isdynamicallyscalable": iso.is_dynamically_scalable,
        "directdownload": iso.direct_download,
        "arch": iso.arch,
        "hasannotations": False,
        "url": iso.url if shows else None,
        "tags": [],
    }


def template_views(
    db: Session, pairs: Sequence[tuple[Template, TemplateZone]], caller: Caller, now: datetime
) -> list[Entity]:
    ctx = load_context(db, pairs, now)
    return [template_view(t, z, caller, ctx) for t, z in pairs]


def template_update_view(db: Session, template: Template) -> Entity:
    """updateTemplate / updateIso answer CloudStack's shorter form, without zone or download state."""
    account, domain = db.get(Account, template.account_id), db.get(Domain, template.domain_id)
    os_type = db.get(OsType, template.os_type_id) if template.os_type_id else None
    return {
        "id": template.uuid,
        "name": template.name,
        "displaytext": template.display_text,
        "ispublic": template.is_public,
        "created": template.created,
        "format": template.format,
        "ostypeid": os_type.uuid if os_type else None,
        "ostypename": os_type.description if os_type else None,
        "bootable": template.bootable,
        "hypervisor": template.hypervisor,
        "isdynamicallyscalable": template.is_dynamically_scalable,
        "passwordenabled": template.password_enabled,
        "sshkeyenabled": template.sshkey_enabled,
        "isfeatured": template.is_featured,
        "isextractable": template.is_extractable,
        "crossZones": template.cross_zones,
        "requireshvm": template.requires_hvm,
        "account": account.name if account else None,
        "domain": domain.name if domain else None,
        "domainid": domain.uuid if domain else None,
        "details": _json(template.details) or None,
    }


def permission_view(template: Template, owner_domain: Domain | None, names: list[str], caller: Caller) -> Entity:
    # The owner's domain is shown to admins only, as CloudStack's full response view does.
    admin = caller.is_root_admin or caller.is_domain_admin
    return {
        "id": template.uuid,
        "ispublic": template.is_public,
        "domainid": owner_domain.uuid if admin and owner_domain else None,
        "account": names,
    }
