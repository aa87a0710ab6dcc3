"""Domains, accounts, users, roles and role rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nimbostack.db.base import Base, Identified, SoftRemoved


class Domain(Identified, SoftRemoved, Base):
    __tablename__ = "domain"
    __table_args__ = (UniqueConstraint("path", "live_key", name="uq_domain_path_live"),)

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    # Slash-delimited and slash-terminated, as CloudStack stores it: "/", "/sales/", "/sales/eu/".
    path: Mapped[str] = mapped_column(String(1024))
    level: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="Active")
    network_domain: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(DateTime)

    parent: Mapped[Domain | None] = relationship(remote_side="Domain.id", lazy="joined", join_depth=1)


class Role(Identified, SoftRemoved, Base):
    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("name", "role_type", "live_key", name="uq_role_name_type_live"),)

    name: Mapped[str] = mapped_column(String(255))
    role_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20), default="ENABLED")


class RolePermission(Identified, Base):
    __tablename__ = "role_permission"
    __table_args__ = (UniqueConstraint("role_id", "rule", name="uq_role_permission_role_rule"),)

    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(255))
    permission: Mapped[str] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(BigInteger, default=0)


class Account(Identified, SoftRemoved, Base):
    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("domain_id", "name", "live_key", name="uq_account_domain_name_live"),)

    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[int] = mapped_column(Integer)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id"))
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="enabled")
    network_domain: Mapped[str | None] = mapped_column(String(255))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # None means "inherit" (from the domain setting api.key.access).
    api_key_access: Mapped[bool | None] = mapped_column(Boolean, default=None)
    cleanup_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime)

    domain: Mapped[Domain] = relationship(lazy="joined")
    role: Mapped[Role | None] = relationship(lazy="joined")


class AccountDetail(Base):
    __tablename__ = "account_detail"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_account_detail_account_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(Text)


class User(Identified, SoftRemoved, Base):
    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("domain_id", "username", "live_key", name="uq_user_domain_name_live"),)

    username: Mapped[str] = mapped_column(String(255))
    password: Mapped[str] = mapped_column(String(255))
    firstname: Mapped[str | None] = mapped_column(String(255))
    lastname: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    # Copied from the account so that "unique username per domain" is a schema rule.
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id"))
    state: Mapped[str] = mapped_column(String(20), default="enabled")
    api_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    secret_key: Mapped[str | None] = mapped_column(String(255))
    timezone: Mapped[str | None] = mapped_column(String(64))
    login_attempts: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(40), default="UNKNOWN")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    api_key_access: Mapped[bool | None] = mapped_column(Boolean, default=None)
    created: Mapped[datetime] = mapped_column(DateTime)

    account: Mapped[Account] = relationship(lazy="joined")
