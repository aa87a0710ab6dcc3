"""Declarative base and the column conventions every table shares."""

from __future__ import annotations

import uuid as uuidlib
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Integer primary keys that autoincrement on SQLite too (BIGINT would not be ROWID there).
PK = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def new_uuid() -> str:
    return str(uuidlib.uuid4())


class Identified:
    """Internal integer id plus the UUID clients see."""

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(40), unique=True, default=new_uuid)


class SoftRemoved:
    """Rows are kept after removal (UUID lookups still find them, as in CloudStack).

    `live_key` is 0 while the row is live and the row's id once removed, so a unique constraint that
    includes it allows a name to be reused after removal on every database (no partial indexes).
    """

    removed: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    live_key: Mapped[int] = mapped_column(BigInteger, default=0)

    def mark_removed(self, when: datetime) -> None:
        self.removed = when
        self.live_key = getattr(self, "id")  # noqa: B009 - mixin, id comes from Identified


UTC_DATETIME = DateTime
