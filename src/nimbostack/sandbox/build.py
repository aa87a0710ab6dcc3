"""Applying a layout through the services the API uses, in the order CloudStack's own deployer calls them.

For each zone: create it (disabled), its physical networks with their traffic types and enabled
providers, its pods (with a Basic zone's guest ranges), clusters, hosts and pools, the public ranges,
the image stores and zone-wide pools, then enable it. Any refusal becomes a LayoutError naming the
place in the file and carrying the service's own text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError
from nimbostack.db.models import Cluster, PhysicalNetwork, Pod, VirtualRouterElement, Zone
from nimbostack.sandbox import LayoutError
from nimbostack.sandbox.layout import (
    ClusterSpec,
    IpRangeSpec,
    Layout,
    PhysicalNetworkSpec,
    PodSpec,
    PoolSpec,
    ZoneSpec,
)
from nimbostack.services import (
    clusters,
    hosts,
    image_stores,
    network_providers,
    physical_networks,
    pods,
    storage,
    vlans,
    zones,
)


@contextmanager
def _step(path: str, what: str) -> Iterator[None]:
    try:
        yield
    except ApiError as err:
        raise LayoutError(f"{path}: {what} refused: {err.text}") from None


class Builder:
    """Lays out zones as one caller at one moment; `server_id` becomes the hosts' management server."""

    def __init__(self, db: Session, caller: Caller, *, server_id: int | None, now: datetime) -> None:
        self.db = db
        self.caller = caller
        self.server_id = server_id
        self.now = now

    def apply(self, layout: Layout) -> list[Zone]:
        return [self.zone(spec) for spec in layout.zones]

    def zone(self, spec: ZoneSpec) -> Zone:
        with _step(spec.path, f"creating zone {spec.name}"):
            zone = zones.create(
                self.db,
                self.caller,
                name=spec.name,
                net_type=spec.network_type,
                dns1=spec.dns1,
                internal_dns1=spec.internal_dns1,
                dns2=spec.dns2,
                internal_dns2=spec.internal_dns2,
                ip6_dns1=spec.ip6_dns1,
                ip6_dns2=spec.ip6_dns2,
                guest_cidr=spec.guest_cidr,
                network_domain=spec.network_domain,
                security_groups=spec.security_groups,
                local_storage=spec.local_storage,
                now=self.now,
            )
        for network in spec.physical_networks:
            self.physical_network(zone, network)
        for pod in spec.pods:
            self.pod(zone, pod)
        for ip_range in spec.public_ranges:
            self.ip_range(zone, None, ip_range, public=True)
        for store in spec.image_stores:
            with _step(store.path, f"adding image store {store.name or store.url}"):
                image_stores.add(
                    self.db, name=store.name, url=store.url, provider=store.provider, zone=zone, now=self.now
                )
        for pool in spec.pools:
            self.pool(zone, None, None, pool)
        if spec.enabled:
            with _step(spec.path, f"enabling zone {spec.name}"):
                zones.update(self.db, self.caller, zone, zones.ZoneChanges(state="Enabled"), self.now)
        return zone

    def physical_network(self, zone: Zone, spec: PhysicalNetworkSpec) -> PhysicalNetwork:
        with _step(spec.path, f"creating physical network {spec.name}"):
            network = physical_networks.create(
                self.db,
                self.caller,
                zone,
                physical_networks.NewNetwork(
                    name=spec.name,
                    vlan=spec.vlan,
                    isolation_methods=spec.isolation_methods,
                    broadcast_domain_range=spec.broadcast_domain_range,
                    network_speed=spec.network_speed,
                    tags=spec.tags,
                ),
                self.now,
            )
        for i, traffic in enumerate(spec.traffic):
            with _step(f"{spec.path}.traffictypes[{i}]", f"adding {traffic.type} traffic"):
                physical_networks.add_traffic_type(
                    self.db, self.caller, network, traffic.type, traffic.labels, traffic.vlan, None, self.now
                )
        for i, name in enumerate(spec.providers):
            with _step(f"{spec.path}.providers[{i}]", f"enabling provider {name}"):
                self.enable_provider(network, name)
        with _step(spec.path, f"enabling physical network {spec.name}"):
            physical_networks.update(
                self.db,
                self.caller,
                network,
                network_speed=None,
                tags=None,
                vlan=None,
                state="Enabled",
                now=self.now,
            )
        return network

    def enable_provider(self, network: PhysicalNetwork, name: str) -> None:
        """What an operator does in the UI: configure the provider's element if it has one, then enable it."""
        known = next((p for p in network_providers.PROVIDERS if p.lower() == name.strip().lower()), name)
        provider = network_providers.find(self.db, network, known)
        if provider is None:
            provider = network_providers.add(self.db, self.caller, network, name, None, None, self.now)
        element_type = network_providers.kind_of(provider).element
        if element_type is not None:
            element = self.db.scalars(
                select(VirtualRouterElement).where(VirtualRouterElement.nsp_id == provider.id)
            ).first()
            if element is None:
                element = network_providers.create_element(self.db, self.caller, provider, element_type, self.now)
            internal_lb = element_type == "InternalLbVm"
            network_providers.configure_element(self.db, self.caller, element, True, internal_lb, self.now)
        network_providers.update(self.db, self.caller, provider, "Enabled", None, self.now)

    def pod(self, zone: Zone, spec: PodSpec) -> Pod:
        with _step(spec.path, f"creating pod {spec.name}"):
            pod = pods.create(
                self.db,
                self.caller,
                zone=zone,
                name=spec.name,
                gateway=spec.gateway,
                netmask=spec.netmask,
                start_ip=spec.start_ip,
                end_ip=spec.end_ip,
                state=None,
                now=self.now,
            )
        for ip_range in spec.guest_ranges:
            self.ip_range(zone, pod, ip_range, public=False)
        for cluster in spec.clusters:
            self.cluster(zone, pod, cluster)
        return pod

    def ip_range(self, zone: Zone, pod: Pod | None, spec: IpRangeSpec, *, public: bool) -> None:
        kind = "public" if public else "guest"
        with _step(spec.path, f"adding {kind} IP range {spec.start_ip}-{spec.end_ip or spec.start_ip}"):
            vlans.create(
                self.db,
                self.caller,
                vlans.NewRange(
                    zone=zone,
                    pod=pod,
                    vlan=spec.vlan,
                    gateway=spec.gateway,
                    netmask=spec.netmask,
                    start_ip=spec.start_ip,
                    end_ip=spec.end_ip,
                    for_virtual_network=public,
                ),
                self.now,
            )

    def cluster(self, zone: Zone, pod: Pod, spec: ClusterSpec) -> Cluster:
        with _step(spec.path, f"adding cluster {spec.name}"):
            cluster = clusters.add(
                self.db, self.caller, zone=zone, pod=pod, name=spec.name, hypervisor=spec.hypervisor, now=self.now
            )
        for host in spec.hosts:
            with _step(host.path, f"adding host {host.url}"):
                hosts.add(
                    self.db,
                    self.caller,
                    zone=zone,
                    pod=pod,
                    cluster=cluster,
                    cluster_name=None,
                    hypervisor=spec.hypervisor,
                    url=host.url,
                    host_tags=host.host_tags,
                    state=None,
                    server_id=self.server_id,
                    now=self.now,
                )
        for pool in spec.pools:
            self.pool(zone, pod, cluster, pool)
        return cluster

    def pool(self, zone: Zone, pod: Pod | None, cluster: Cluster | None, spec: PoolSpec) -> None:
        with _step(spec.path, f"adding primary storage {spec.name}"):
            storage.create(
                self.db,
                self.caller,
                zone=zone,
                pod=pod,
                cluster=cluster,
                name=spec.name,
                url=spec.url,
                scope="CLUSTER" if cluster is not None else "ZONE",
                hypervisor=spec.hypervisor,
                tags=spec.tags,
                capacity_bytes=spec.capacity_bytes,
                capacity_iops=None,
                now=self.now,
            )
