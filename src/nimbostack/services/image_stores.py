"""Image store (secondary storage) rules: the NFS provider, naming, and what blocks deletion."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api.errors import internal, invalid_value
from nimbostack.db.models import ImageStore, Template, TemplateZone, Zone

PROVIDERS = ("NFS",)
# What the simulated NFS server reports, as CloudStack's simulator reports for its storage: 1 TiB.
SIMULATED_STORE_BYTES = 1024**4


def provider_name(value: str) -> str:
    for known in PROVIDERS:
        if known.lower() == value.strip().lower():
            return known
    raise invalid_value(f"can't find image store provider: {value}")


def _check_url(url: str | None) -> str:
    if not url:
        raise internal("Failed to add data store: url is null for NFS image store")
    parts = urlsplit(url)
    if not parts.scheme:
        raise internal(f"Failed to add data store: uri.scheme is null {url}, add nfs:// (or cifs://) as a prefix")
    if parts.scheme.lower() == "nfs" and (not parts.hostname or not parts.path.strip("/")):
        raise internal(
            "Failed to add data store: Your host and/or path is wrong.  Make sure it's of the format nfs://hostname/path"
        )
    return parts.scheme.lower()


def add(
    db: Session, *, name: str | None, url: str | None, provider: str, zone: Zone | None, now: datetime
) -> ImageStore:
    chosen = provider_name(provider)
    if zone is None:
        raise invalid_value(f"Image store provider {chosen} does not support scope REGION")
    name = name or url or ""
    if db.scalar(select(func.count()).where(ImageStore.name == name, ImageStore.removed.is_(None))):
        raise invalid_value(f"The image store with name {name} already exists, try creating with another name")
    other = db.scalars(select(ImageStore).where(ImageStore.removed.is_(None), ImageStore.provider != chosen)).first()
    if other is not None:
        raise invalid_value(f"You can only add new image stores from the same provider {other.provider} already added")
    protocol = _check_url(url)
    assert url is not None
    store = ImageStore(
        name=name,
        zone_id=zone.id,
        url=url,
        protocol=protocol,
        provider=chosen,
        scope="ZONE",
        readonly=False,
        total_bytes=SIMULATED_STORE_BYTES,
        used_bytes=0,
        created=now,
    )
    db.add(store)
    db.flush()
    return store


def delete(db: Session, store: ImageStore, now: datetime) -> None:
    templates = db.scalar(
        select(func.count())
        .select_from(TemplateZone)
        .join(Template, Template.id == TemplateZone.template_id)
        .where(TemplateZone.image_store_id == store.id, Template.removed.is_(None))
    )
    if templates:
        raise invalid_value("Cannot delete image store with active Templates backup!")
    store.mark_removed(now)
