"""The physical cloud: zones, physical networks and providers, pods, clusters, hosts, storage, IP ranges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nimbostack.db.base import Base, Identified, SoftRemoved


class Zone(Identified, SoftRemoved, Base):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("name", "live_key", name="uq_zone_name_live"),)

    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    network_type: Mapped[str] = mapped_column(String(16))  # Basic or Advanced
    dns1: Mapped[str | None] = mapped_column(String(64))
    dns2: Mapped[str | None] = mapped_column(String(64))
    internal_dns1: Mapped[str | None] = mapped_column(String(64))
    internal_dns2: Mapped[str | None] = mapped_column(String(64))
    ip6_dns1: Mapped[str | None] = mapped_column(String(64))
    ip6_dns2: Mapped[str | None] = mapped_column(String(64))
    guest_cidr: Mapped[str | None] = mapped_column(String(64))
    network_domain: Mapped[str | None] = mapped_column(String(255))
    # A zone dedicated to one domain; None for a public zone.
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"))
    allocation_state: Mapped[str] = mapped_column(String(16), default="Disabled")
    security_group_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    local_storage_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime)


class PhysicalNetwork(Identified, SoftRemoved, Base):
    __tablename__ = "physical_network"
    __table_args__ = (UniqueConstraint("zone_id", "name", "live_key", name="uq_physical_network_zone_name_live"),)

    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    vlan: Mapped[str | None] = mapped_column(String(255))  # e.g. "100-200,300-310"
    isolation_methods: Mapped[str | None] = mapped_column(String(255))
    broadcast_domain_range: Mapped[str] = mapped_column(String(16), default="ZONE")
    network_speed: Mapped[str | None] = mapped_column(String(32))
    tags: Mapped[str | None] = mapped_column(String(255))
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"))
    state: Mapped[str] = mapped_column(String(16), default="Disabled")
    created: Mapped[datetime] = mapped_column(DateTime)

    zone: Mapped[Zone] = relationship(lazy="joined")


class TrafficType(Identified, Base):
    __tablename__ = "physical_network_traffic_type"
    __table_args__ = (UniqueConstraint("physical_network_id", "traffic_type", name="uq_traffic_type_network_type"),)

    physical_network_id: Mapped[int] = mapped_column(ForeignKey("physical_network.id"), index=True)
    traffic_type: Mapped[str] = mapped_column(String(32))  # Guest, Management, Public, Storage
    kvm_label: Mapped[str | None] = mapped_column(String(255))
    xen_label: Mapped[str | None] = mapped_column(String(255))
    vmware_label: Mapped[str | None] = mapped_column(String(255))
    hyperv_label: Mapped[str | None] = mapped_column(String(255))
    ovm3_label: Mapped[str | None] = mapped_column(String(255))
    vlan: Mapped[str | None] = mapped_column(String(64))
    isolation_method: Mapped[str | None] = mapped_column(String(64))


class NetworkServiceProvider(Identified, SoftRemoved, Base):
    __tablename__ = "network_service_provider"
    __table_args__ = (UniqueConstraint("physical_network_id", "name", "live_key", name="uq_nsp_network_name_live"),)

    physical_network_id: Mapped[int] = mapped_column(ForeignKey("physical_network.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="Disabled")
    destination_physical_network_id: Mapped[int | None] = mapped_column(BigInteger)
    services: Mapped[str] = mapped_column(Text, default="")  # comma-separated service names


class VirtualRouterElement(Identified, Base):
    __tablename__ = "virtual_router_element"

    nsp_id: Mapped[int] = mapped_column(ForeignKey("network_service_provider.id"), unique=True)
    type: Mapped[str] = mapped_column(String(32))  # VirtualRouter, VpcVirtualRouter
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)


class Pod(Identified, SoftRemoved, Base):
    __tablename__ = "pod"
    __table_args__ = (UniqueConstraint("zone_id", "name", "live_key", name="uq_pod_zone_name_live"),)

    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    gateway: Mapped[str] = mapped_column(String(64))
    netmask: Mapped[str] = mapped_column(String(64))
    # The pod's management (private) address range for hosts and system VMs.
    start_ip: Mapped[str | None] = mapped_column(String(64))
    end_ip: Mapped[str | None] = mapped_column(String(64))
    vlan: Mapped[str | None] = mapped_column(String(64))
    allocation_state: Mapped[str] = mapped_column(String(16), default="Enabled")
    created: Mapped[datetime] = mapped_column(DateTime)

    zone: Mapped[Zone] = relationship(lazy="joined")


class Cluster(Identified, SoftRemoved, Base):
    __tablename__ = "cluster"
    __table_args__ = (UniqueConstraint("pod_id", "name", "live_key", name="uq_cluster_pod_name_live"),)

    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    pod_id: Mapped[int] = mapped_column(ForeignKey("pod.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    hypervisor: Mapped[str] = mapped_column(String(32))
    cluster_type: Mapped[str] = mapped_column(String(32), default="CloudManaged")
    allocation_state: Mapped[str] = mapped_column(String(16), default="Enabled")
    managed_state: Mapped[str] = mapped_column(String(16), default="Managed")
    arch: Mapped[str] = mapped_column(String(16), default="x86_64")
    created: Mapped[datetime] = mapped_column(DateTime)

    pod: Mapped[Pod] = relationship(lazy="joined")


class Host(Identified, SoftRemoved, Base):
    __tablename__ = "host"
    __table_args__ = (
        UniqueConstraint("url", "live_key", name="uq_host_url_live"),
        # A management address is handed to one live host per zone, even when two servers add hosts at once.
        UniqueConstraint("zone_id", "private_ip", "live_key", name="uq_host_zone_ip_live"),
    )

    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(32), default="Routing")
    status: Mapped[str] = mapped_column(String(16), default="Up")  # Up, Down, Disconnected, Alert
    resource_state: Mapped[str] = mapped_column(String(32), default="Enabled")
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    pod_id: Mapped[int | None] = mapped_column(ForeignKey("pod.id"))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id"), index=True)
    hypervisor: Mapped[str | None] = mapped_column(String(32))
    hypervisor_version: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(255))
    private_ip: Mapped[str | None] = mapped_column(String(64))
    cpu_sockets: Mapped[int] = mapped_column(Integer, default=1)
    cpu_cores: Mapped[int] = mapped_column(Integer, default=0)
    cpu_speed: Mapped[int] = mapped_column(Integer, default=0)  # MHz per core
    memory_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # Reserved by placed VMs (MHz and bytes); checked against total x overprovisioning factor.
    cpu_allocated: Mapped[int] = mapped_column(BigInteger, default=0)
    memory_allocated: Mapped[int] = mapped_column(BigInteger, default=0)
    host_tags: Mapped[str | None] = mapped_column(String(1024))
    arch: Mapped[str] = mapped_column(String(16), default="x86_64")
    version: Mapped[str | None] = mapped_column(String(32))
    management_server_id: Mapped[int | None] = mapped_column(BigInteger)
    last_pinged: Mapped[datetime | None] = mapped_column(DateTime)
    created: Mapped[datetime] = mapped_column(DateTime)

    cluster: Mapped[Cluster | None] = relationship(lazy="joined")


class StoragePool(Identified, SoftRemoved, Base):
    __tablename__ = "storage_pool"
    __table_args__ = (UniqueConstraint("zone_id", "name", "live_key", name="uq_storage_pool_zone_name_live"),)

    name: Mapped[str] = mapped_column(String(255))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    pod_id: Mapped[int | None] = mapped_column(ForeignKey("pod.id"))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id"), index=True)
    scope: Mapped[str] = mapped_column(String(16), default="CLUSTER")  # CLUSTER, ZONE, HOST
    pool_type: Mapped[str] = mapped_column(String(32), default="NetworkFilesystem")
    url: Mapped[str] = mapped_column(String(1024))
    host_address: Mapped[str | None] = mapped_column(String(255))
    path: Mapped[str | None] = mapped_column(String(1024))
    provider: Mapped[str] = mapped_column(String(64), default="DefaultPrimary")
    hypervisor: Mapped[str | None] = mapped_column(String(32))
    capacity_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    used_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    capacity_iops: Mapped[int | None] = mapped_column(BigInteger)
    tags: Mapped[str | None] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(32), default="Up")
    created: Mapped[datetime] = mapped_column(DateTime)


class ImageStore(Identified, SoftRemoved, Base):
    __tablename__ = "image_store"
    __table_args__ = (UniqueConstraint("name", "live_key", name="uq_image_store_name_live"),)

    name: Mapped[str] = mapped_column(String(255))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    url: Mapped[str] = mapped_column(String(1024))
    protocol: Mapped[str | None] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(64), default="NFS")
    scope: Mapped[str] = mapped_column(String(16), default="ZONE")
    readonly: Mapped[bool] = mapped_column(Boolean, default=False)
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    used_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)


class VlanIpRange(Identified, SoftRemoved, Base):
    """A public (forvirtualnetwork) or guest address range, optionally on a VLAN and dedicated."""

    __tablename__ = "vlan_ip_range"

    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    pod_id: Mapped[int | None] = mapped_column(ForeignKey("pod.id"))
    physical_network_id: Mapped[int | None] = mapped_column(ForeignKey("physical_network.id"))
    network_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    vlan: Mapped[str] = mapped_column(String(64), default="untagged")
    gateway: Mapped[str | None] = mapped_column(String(64))
    netmask: Mapped[str | None] = mapped_column(String(64))
    start_ip: Mapped[str | None] = mapped_column(String(64))
    end_ip: Mapped[str | None] = mapped_column(String(64))
    # Integer forms of start/end (IPv4) so overlap checks are range comparisons in SQL.
    start_num: Mapped[int | None] = mapped_column(BigInteger)
    end_num: Mapped[int | None] = mapped_column(BigInteger)
    ip6_gateway: Mapped[str | None] = mapped_column(String(64))
    ip6_cidr: Mapped[str | None] = mapped_column(String(64))
    start_ipv6: Mapped[str | None] = mapped_column(String(64))
    end_ipv6: Mapped[str | None] = mapped_column(String(64))
    for_virtual_network: Mapped[bool] = mapped_column(Boolean, default=True)
    for_system_vms: Mapped[bool] = mapped_column(Boolean, default=False)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("domain.id"))
    description: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(DateTime)


class SimulatorFault(Identified, Base):
    """A configured failure or delay for a simulator operation; faults are data, shared by all servers."""

    __tablename__ = "simulator_fault"

    zone_id: Mapped[int | None] = mapped_column(BigInteger)
    pod_id: Mapped[int | None] = mapped_column(BigInteger)
    cluster_id: Mapped[int | None] = mapped_column(BigInteger)
    host_id: Mapped[int | None] = mapped_column(BigInteger)
    vm_name: Mapped[str | None] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(64))  # e.g. StartCommand, StopCommand, MaintainCommand
    fail: Mapped[bool] = mapped_column(Boolean, default=True)
    error_text: Mapped[str | None] = mapped_column(Text)
    delay_ms: Mapped[int] = mapped_column(Integer, default=0)
    # How many more calls it applies to; -1 for every call until removed.
    remaining: Mapped[int] = mapped_column(Integer, default=1)
    created: Mapped[datetime] = mapped_column(DateTime)
