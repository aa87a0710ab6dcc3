"""What users choose from: service and disk offerings, OS types, templates and ISOs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nimbostack.db.base import Base, Identified, SoftRemoved


class DiskOffering(Identified, SoftRemoved, Base):
    __tablename__ = "disk_offering"

    name: Mapped[str] = mapped_column(String(255))
    display_text: Mapped[str | None] = mapped_column(String(4096))
    disk_size: Mapped[int] = mapped_column(BigInteger, default=0)  # bytes; 0 with custom size
    customized: Mapped[bool] = mapped_column(Boolean, default=False)
    customized_iops: Mapped[bool | None] = mapped_column(Boolean)
    min_iops: Mapped[int | None] = mapped_column(BigInteger)
    max_iops: Mapped[int | None] = mapped_column(BigInteger)
    tags: Mapped[str | None] = mapped_column(String(4096))
    storage_type: Mapped[str] = mapped_column(String(16), default="shared")
    provisioning_type: Mapped[str] = mapped_column(String(32), default="thin")
    display_offering: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set for the disk side of a service offering (root disk); hidden from listDiskOfferings.
    compute_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Internal ids wrapped in commas (",3,7,") so "offered to domain 3" is a portable LIKE; None = public.
    domain_ids: Mapped[str | None] = mapped_column(Text)
    zone_ids: Mapped[str | None] = mapped_column(Text)  # same form; None = all zones
    details: Mapped[str | None] = mapped_column(Text)  # JSON of rate limits and other extras
    state: Mapped[str] = mapped_column(String(16), default="Active")
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)


class ServiceOffering(Identified, SoftRemoved, Base):
    __tablename__ = "service_offering"

    name: Mapped[str] = mapped_column(String(255))
    display_text: Mapped[str | None] = mapped_column(String(4096))
    cpu_number: Mapped[int | None] = mapped_column(Integer)  # None for custom offerings
    cpu_speed: Mapped[int | None] = mapped_column(Integer)
    memory: Mapped[int | None] = mapped_column(Integer)  # MiB
    customized: Mapped[bool] = mapped_column(Boolean, default=False)
    offer_ha: Mapped[bool] = mapped_column(Boolean, default=False)
    limit_cpu_use: Mapped[bool] = mapped_column(Boolean, default=False)
    is_volatile: Mapped[bool] = mapped_column(Boolean, default=False)
    host_tag: Mapped[str | None] = mapped_column(String(255))
    storage_tags: Mapped[str | None] = mapped_column(String(4096))
    storage_type: Mapped[str] = mapped_column(String(16), default="shared")
    provisioning_type: Mapped[str] = mapped_column(String(32), default="thin")
    network_rate: Mapped[int | None] = mapped_column(Integer)
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    system_vm_type: Mapped[str | None] = mapped_column(String(64))
    default_use: Mapped[bool] = mapped_column(Boolean, default=False)
    dynamic_scaling_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    root_disk_size: Mapped[int | None] = mapped_column(BigInteger)  # GiB
    disk_offering_id: Mapped[int | None] = mapped_column(ForeignKey("disk_offering.id"))
    domain_ids: Mapped[str | None] = mapped_column(Text)  # ",3,7," like DiskOffering.domain_ids
    zone_ids: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)  # JSON: mincpunumber, maxmemory, rate limits...
    state: Mapped[str] = mapped_column(String(16), default="Active")
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)


class OsCategory(Identified, Base):
    __tablename__ = "os_category"

    name: Mapped[str] = mapped_column(String(255), unique=True)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)


class OsType(Identified, Base):
    __tablename__ = "os_type"

    category_id: Mapped[int] = mapped_column(ForeignKey("os_category.id"), index=True)
    description: Mapped[str] = mapped_column(String(255), unique=True)
    is_user_defined: Mapped[bool] = mapped_column(Boolean, default=False)
    for_display: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(DateTime)

    category: Mapped[OsCategory] = relationship(lazy="joined")


class Template(Identified, SoftRemoved, Base):
    """A template or, with format ISO, an ISO image."""

    __tablename__ = "template"

    name: Mapped[str] = mapped_column(String(255))
    display_text: Mapped[str | None] = mapped_column(String(4096))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id"))
    format: Mapped[str] = mapped_column(String(16))  # QCOW2, VHD, RAW, OVA, ISO ...
    template_type: Mapped[str] = mapped_column(String(16), default="USER")  # USER, BUILTIN, SYSTEM, ROUTING
    hypervisor: Mapped[str | None] = mapped_column(String(32))
    os_type_id: Mapped[int | None] = mapped_column(ForeignKey("os_type.id"))
    url: Mapped[str | None] = mapped_column(String(2048))
    checksum: Mapped[str | None] = mapped_column(String(255))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False)
    is_extractable: Mapped[bool] = mapped_column(Boolean, default=False)
    password_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    sshkey_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    is_dynamically_scalable: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_hvm: Mapped[bool] = mapped_column(Boolean, default=True)
    bootable: Mapped[bool] = mapped_column(Boolean, default=True)
    cross_zones: Mapped[bool] = mapped_column(Boolean, default=False)
    direct_download: Mapped[bool] = mapped_column(Boolean, default=False)
    bits: Mapped[int] = mapped_column(Integer, default=64)
    size: Mapped[int | None] = mapped_column(BigInteger)
    arch: Mapped[str] = mapped_column(String(16), default="x86_64")
    template_tag: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="Active")
    sort_key: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)


class TemplateZone(Identified, Base):
    """Where a template is (being) stored and how far its download is."""

    __tablename__ = "template_zone"
    __table_args__ = (UniqueConstraint("template_id", "zone_id", name="uq_template_zone_template_zone"),)

    template_id: Mapped[int] = mapped_column(ForeignKey("template.id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    image_store_id: Mapped[int | None] = mapped_column(ForeignKey("image_store.id"))
    download_state: Mapped[str] = mapped_column(String(32), default="NOT_DOWNLOADED")
    download_percent: Mapped[int] = mapped_column(Integer, default=0)
    error_text: Mapped[str | None] = mapped_column(Text)
    physical_size: Mapped[int | None] = mapped_column(BigInteger)
    download_started: Mapped[datetime | None] = mapped_column(DateTime)
    created: Mapped[datetime] = mapped_column(DateTime)


class TemplatePermission(Base):
    """An account another account shared a private template with (CloudStack's launch permission)."""

    __tablename__ = "template_permission"
    __table_args__ = (UniqueConstraint("template_id", "account_id", name="uq_template_permission_template_account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("template.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
