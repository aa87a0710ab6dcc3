"""The small interface services use to talk to a hypervisor, and the facts it answers with.

A driver is bound to the caller's database session. For a real hypervisor that session is only used
to read configuration; the simulator also keeps its pretend state there (see hypervisor/simulator.py),
so what it did rolls back with the caller's transaction. One thing must survive a failure: a fault
the simulator used up. A caller that turns a HypervisorError into a failed API call therefore commits
first (services/hosts.py shows how), exactly as it would record any other outcome of a remote call.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from nimbostack.db.models import Host, StoragePool


class HypervisorError(Exception):
    """The hypervisor answered that an operation failed; str(err) is its answer."""


class PowerState(StrEnum):
    """VM power states as CloudStack's VirtualMachine.PowerState names them."""

    ON = "PowerOn"
    OFF = "PowerOff"


class HostStatus(StrEnum):
    """What a host check reports; these are CloudStack's host Status names."""

    UP = "Up"
    DOWN = "Down"
    ALERT = "Alert"


@dataclass(frozen=True)
class Placement:
    """Where a host being added will live (it has no row yet, but faults may target its zone/pod/cluster)."""

    zone_id: int
    pod_id: int
    cluster_id: int | None  # None when addHost will make the cluster


@dataclass(frozen=True)
class HostFacts:
    """What a hypervisor reports about a host when it is added."""

    name: str
    cpu_sockets: int
    cpu_cores: int
    cpu_speed_mhz: int
    memory_bytes: int
    capabilities: str
    hypervisor_version: str
    arch: str


@dataclass(frozen=True)
class PoolFacts:
    """What a host reports about a primary storage pool it has mounted."""

    capacity_bytes: int
    used_bytes: int


@dataclass(frozen=True)
class VmSpec:
    """The size of a guest to start."""

    name: str
    cpu_cores: int
    cpu_speed_mhz: int
    memory_bytes: int


class HypervisorDriver(Protocol):
    """Every call either returns or raises HypervisorError; none of them changes management-server rows."""

    name: str

    # Hosts
    def describe_host(self, url: str, where: Placement) -> HostFacts: ...

    def host_status(self, host: Host) -> HostStatus: ...

    def prepare_maintenance(self, host: Host) -> None: ...

    def cancel_maintenance(self, host: Host) -> None: ...

    def connect_pool(self, pool: StoragePool, host: Host | None) -> PoolFacts: ...

    # Guests (issue #5 places and drives them)
    def start_vm(self, host: Host, vm: VmSpec) -> None: ...

    def stop_vm(self, host: Host, vm_name: str) -> None: ...

    def reboot_vm(self, host: Host, vm_name: str) -> None: ...

    def destroy_vm(self, host: Host, vm_name: str) -> None: ...

    def migrate_vm(self, source: Host, target: Host, vm_name: str) -> None: ...

    def vm_power_states(self, host: Host) -> dict[str, PowerState]: ...

    # Volumes
    def create_volume(self, pool: StoragePool, name: str, size_bytes: int) -> str: ...

    def delete_volume(self, pool: StoragePool, path: str) -> None: ...

    def attach_volume(self, host: Host, vm_name: str, pool: StoragePool, path: str) -> None: ...

    def detach_volume(self, host: Host, vm_name: str, pool: StoragePool, path: str) -> None: ...
