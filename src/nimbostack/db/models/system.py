"""Server-side bookkeeping: sessions, async jobs, management servers, settings and events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nimbostack.db.base import PK, Base, Identified


class ApiSession(Base):
    """A login session; kept in the database so a restart or another server keeps it."""

    __tablename__ = "api_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)


class ManagementServer(Identified, Base):
    """One row per server process name; the heartbeat lets peers notice a dead server."""

    __tablename__ = "management_server"

    name: Mapped[str] = mapped_column(String(255), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="Up")
    started: Mapped[datetime] = mapped_column(DateTime)
    last_heartbeat: Mapped[datetime] = mapped_column(DateTime)


class AsyncJob(Identified, Base):
    __tablename__ = "async_job"
    __table_args__ = (
        Index("ix_async_job_status_id", "status", "id"),
        Index("ix_async_job_sync_key_status", "sync_key", "status"),
    )

    user_id: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[int] = mapped_column(BigInteger, index=True)
    domain_id: Mapped[int] = mapped_column(BigInteger)
    command: Mapped[str] = mapped_column(String(255))
    params: Mapped[str] = mapped_column(Text)
    instance_type: Mapped[str | None] = mapped_column(String(64))
    instance_uuid: Mapped[str | None] = mapped_column(String(40))
    # Jobs with the same key run one after another, in creation order (CloudStack's sync queue).
    sync_key: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[int] = mapped_column(Integer, default=0)
    proc_status: Mapped[int] = mapped_column(Integer, default=0)
    result_code: Mapped[int] = mapped_column(Integer, default=0)
    result_type: Mapped[str | None] = mapped_column(String(16))
    result: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime)
    started: Mapped[datetime | None] = mapped_column(DateTime)
    completed: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    server_id: Mapped[int | None] = mapped_column(BigInteger)


class ConfigValue(Base):
    """An operator's value for a declared setting at one scope (global scope_id is 0)."""

    __tablename__ = "config_value"
    __table_args__ = (UniqueConstraint("name", "scope", "scope_id", name="uq_config_value_name_scope"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    scope: Mapped[str] = mapped_column(String(32))
    scope_id: Mapped[int] = mapped_column(BigInteger, default=0)
    value: Mapped[str | None] = mapped_column(Text)
    updated: Mapped[datetime] = mapped_column(DateTime)


class Event(Identified, Base):
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_account_created", "account_id", "created"),)

    type: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16), default="INFO")
    state: Mapped[str] = mapped_column(String(16), default="Completed")
    description: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[int] = mapped_column(BigInteger)
    domain_id: Mapped[int] = mapped_column(BigInteger)
    resource_type: Mapped[str | None] = mapped_column(String(64))
    resource_uuid: Mapped[str | None] = mapped_column(String(40))
    resource_name: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(DateTime, index=True)
