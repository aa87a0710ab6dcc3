"""Guest OS categories and types: the shipped catalogue, seeded once, and lookups by name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.db.models import OsCategory, OsType
from nimbostack.services.ostype_data import OS_CATEGORIES, OS_TYPES

NONE_OS = "None"


def seed_os_types(db: Session, now: datetime) -> None:
    """Add every shipped category and OS type that is not there yet (safe to call at every start)."""
    categories = {c.name: c for c in db.scalars(select(OsCategory))}
    for name, sort_key in OS_CATEGORIES:
        if name not in categories:
            row = OsCategory(name=name, is_featured=True, sort_key=sort_key, created=now)
            db.add(row)
            categories[name] = row
    db.flush()
    existing = set(db.scalars(select(OsType.description)))
    for category, description in OS_TYPES:
        if description not in existing:
            db.add(OsType(category_id=categories[category].id, description=description, created=now))
    db.flush()


def by_description(db: Session, description: str) -> OsType | None:
    return db.scalars(select(OsType).where(OsType.description == description)).first()


def none_os(db: Session) -> OsType | None:
    """The OS type CloudStack gives non-bootable ISOs."""
    return by_description(db, NONE_OS)
