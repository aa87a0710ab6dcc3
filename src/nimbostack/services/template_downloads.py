"""The simulated image store "downloading" templates and ISOs.

Progress is derived from the time the download started and the setting `simulator.image.download.seconds`,
so every server sharing the database reports the same progress without a background task. Once a download
is due it is persisted as DOWNLOADED (by whichever server looks first; the update is idempotent).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.db.models import ImageStore, Template, TemplateZone
from nimbostack.services import settings

# What CloudStack's simulator image store reports for every download (as the recorded samples show).
SIMULATED_SIZE = 5 * 1024 * 1024
IN_PROGRESS, DOWNLOADED = "DOWNLOAD_IN_PROGRESS", "DOWNLOADED"


def download_seconds(db: Session) -> float:
    try:
        return max(0.0, float(settings.get_str(db, "simulator.image.download.seconds")))
    except ValueError:
        return 2.0


def zone_store(db: Session, zone_id: int) -> ImageStore | None:
    """The image store a zone downloads into: its own first, else a region-wide one."""
    stores = db.scalars(
        select(ImageStore)
        .where(ImageStore.removed.is_(None), ImageStore.readonly.is_(False))
        .where((ImageStore.zone_id == zone_id) | ImageStore.zone_id.is_(None))
        .order_by(ImageStore.zone_id.is_(None), ImageStore.id)
    ).all()
    return stores[0] if stores else None


def start(
    db: Session, template: Template, zone_id: int, store: ImageStore, now: datetime, *, ready: bool = False
) -> TemplateZone:
    """Place the template in a zone and begin its download (or mark it there already, for seeded templates)."""
    place = TemplateZone(
        template_id=template.id,
        zone_id=zone_id,
        image_store_id=store.id,
        download_state=IN_PROGRESS,
        download_percent=0,
        download_started=now,
        created=now,
    )
    if ready or download_seconds(db) == 0:
        _finish(template, place)
    db.add(place)
    return place


def _finish(template: Template, place: TemplateZone) -> None:
    place.download_state = DOWNLOADED
    place.download_percent = 100
    place.physical_size = place.physical_size or SIMULATED_SIZE
    template.size = template.size or SIMULATED_SIZE


def complete_due(db: Session, now: datetime) -> None:
    """Persist every download whose simulated time is up, so SQL filters on readiness are exact."""
    cutoff = now - timedelta(seconds=download_seconds(db))
    # Ids first: most calls find nothing due and then take no write lock at all.
    due = db.scalars(
        select(TemplateZone.id).where(
            TemplateZone.download_state == IN_PROGRESS, TemplateZone.download_started <= cutoff
        )
    ).all()
    for place in db.scalars(select(TemplateZone).where(TemplateZone.id.in_(due))) if due else ():
        template = db.get(Template, place.template_id)
        if template is not None and place.download_state == IN_PROGRESS:
            _finish(template, place)
    db.flush()


def percent(place: TemplateZone, now: datetime, seconds: float) -> int:
    """Progress of an unfinished download at `now`, 0-99 (100 is only reported once it is DOWNLOADED)."""
    if place.download_state != IN_PROGRESS or place.download_started is None or seconds <= 0:
        return place.download_percent
    elapsed = (now - place.download_started).total_seconds()
    return max(0, min(99, int(elapsed * 100 / seconds)))
