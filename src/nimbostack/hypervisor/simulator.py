"""The simulator hypervisor: pretend hosts, guests and disks kept in the database.

A host URL looks like `http://sim/c0/h0`: the host part must start with `sim`, as with CloudStack's
simulator, and the last path segment may carry `cpucore=N&cpuspeed=MHZ&memory=BYTES` to change the
figures it reports. Without them a host reports what CloudStack's simulator reports: 4 cores of
8000 MHz and 8 GiB of memory. A primary storage pool reports 1 TiB.

Every call first waits `latency_ms` (the `simulator.latency.ms` setting), then consults the configured
faults (hypervisor/faults.py): a fault may add its own delay and may fail the call with its text.
A powered-off host (see services/simulator.py) fails every call made to it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack import CLOUDSTACK_VERSION
from nimbostack.db.models import Host, SimulatorHost, SimulatorVm, SimulatorVolume, StoragePool
from nimbostack.hypervisor import faults
from nimbostack.hypervisor.driver import (
    HostFacts,
    HostStatus,
    HypervisorError,
    Placement,
    PoolFacts,
    PowerState,
    VmSpec,
)
from nimbostack.runtime import utc_now

DEFAULT_CPU_CORES = 4
DEFAULT_CPU_SPEED_MHZ = 8000
DEFAULT_MEMORY_BYTES = 8 * 1024**3
DEFAULT_POOL_BYTES = 1024**4
POWER_ON, POWER_OFF = "On", "Off"
SIMULATED_FAILURE = "Simulated failure"


def parse_host_url(url: str) -> tuple[int, int, int]:
    """Cores, MHz per core and memory bytes a simulator URL asks for; HypervisorError if it is not one."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or not parts.hostname or not parts.hostname.startswith("sim"):
        raise HypervisorError(f"Cannot find the server resources at {url}")
    figures = {"cpucore": DEFAULT_CPU_CORES, "cpuspeed": DEFAULT_CPU_SPEED_MHZ, "memory": DEFAULT_MEMORY_BYTES}
    last = unquote(parts.path).rsplit("/", 1)[-1]
    for item in last.split("&"):
        key, sep, value = item.partition("=")
        if not sep or key.lower() not in figures:
            continue
        try:
            number = int(value)
        except ValueError:
            raise HypervisorError(f"Cannot find the server resources at {url}") from None
        if number <= 0:
            raise HypervisorError(f"Cannot find the server resources at {url}")
        figures[key.lower()] = number
    return figures["cpucore"], figures["cpuspeed"], figures["memory"]


def _host_target(host: Host, vm_name: str | None = None) -> faults.Target:
    return faults.Target(host.zone_id, host.pod_id, host.cluster_id, host.id, vm_name)


def _pool_target(pool: StoragePool, host: Host | None = None) -> faults.Target:
    return faults.Target(pool.zone_id, pool.pod_id, pool.cluster_id, host.id if host else None)


class SimulatorDriver:
    """HypervisorDriver for `Simulator` hosts; bound to one session, so it is made per call."""

    name = "Simulator"

    def __init__(
        self,
        db: Session,
        *,
        latency_ms: int = 0,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.db = db
        self.latency_ms = max(latency_ms, 0)
        self.clock = clock
        self.sleep = sleep

    # The one path every call takes: latency and the applying fault's delay, then the fault's answer.
    def _answer(self, operation: str, target: faults.Target) -> None:
        pending = faults.find(self.db, operation, target)
        delay = self.latency_ms + (pending.delay_ms if pending is not None else 0)
        if delay > 0:
            # Wait before using the fault up, so no row is locked while we wait.
            self.sleep(delay / 1000.0)
        fault = faults.take(self.db, operation, target) if pending is not None else None
        if fault is not None and fault.fail:
            raise HypervisorError(fault.error_text or SIMULATED_FAILURE)

    def _require_on(self, host: Host) -> None:
        if not self.is_powered_on(host):
            raise HypervisorError(f"Host {host.name} is unreachable: it is powered off")

    def is_powered_on(self, host: Host) -> bool:
        row = self.db.get(SimulatorHost, host.id)
        return row is None or row.power_state == POWER_ON

    def set_power(self, host: Host, on: bool) -> None:
        """Power a simulated host on or off; its guests lose power with it."""
        row = self.db.get(SimulatorHost, host.id)
        if row is None:
            row = SimulatorHost(host_id=host.id)
            self.db.add(row)
        row.power_state = POWER_ON if on else POWER_OFF
        row.updated = self.clock()
        if not on:
            for vm in self._vms_on(host):
                vm.power_state = PowerState.OFF.value
                vm.updated = self.clock()
        self.db.flush()

    # Hosts
    def describe_host(self, url: str, where: Placement) -> HostFacts:
        cores, speed, memory = parse_host_url(url)
        self._answer(faults.READY, faults.Target(where.zone_id, where.pod_id, where.cluster_id))
        return HostFacts(
            name=f"SimulatedAgent.{uuid.uuid4()}",
            cpu_sockets=1,
            cpu_cores=cores,
            cpu_speed_mhz=speed,
            memory_bytes=memory,
            capabilities="hvm",
            hypervisor_version=CLOUDSTACK_VERSION,
            arch="x86_64",
        )

    def host_status(self, host: Host) -> HostStatus:
        if not self.is_powered_on(host):
            return HostStatus.DOWN
        try:
            self._answer(faults.CHECK_HEALTH, _host_target(host))
        except HypervisorError:
            return HostStatus.ALERT
        return HostStatus.UP

    def prepare_maintenance(self, host: Host) -> None:
        self._require_on(host)
        self._answer(faults.MAINTAIN, _host_target(host))

    def cancel_maintenance(self, host: Host) -> None:
        self._answer(faults.CANCEL_MAINTENANCE, _host_target(host))

    def connect_pool(self, pool: StoragePool, host: Host | None) -> PoolFacts:
        if host is not None:
            self._require_on(host)
        self._answer(faults.MODIFY_POOL, _pool_target(pool, host))
        used = sum(v.size_bytes for v in self._volumes_on(pool))
        return PoolFacts(capacity_bytes=DEFAULT_POOL_BYTES, used_bytes=used)

    # Guests
    def _vms_on(self, host: Host) -> list[SimulatorVm]:
        return list(self.db.scalars(select(SimulatorVm).where(SimulatorVm.host_id == host.id)).all())

    def _vm(self, name: str) -> SimulatorVm | None:
        return self.db.scalars(select(SimulatorVm).where(SimulatorVm.name == name)).first()

    def start_vm(self, host: Host, vm: VmSpec) -> None:
        self._require_on(host)
        self._answer(faults.START, _host_target(host, vm.name))
        row = self._vm(vm.name)
        if row is not None and row.host_id != host.id and row.power_state == PowerState.ON:
            raise HypervisorError(f"VM {vm.name} is already running on another host")
        if row is None:
            row = SimulatorVm(name=vm.name)
            self.db.add(row)
        row.host_id = host.id
        row.power_state = PowerState.ON.value
        row.cpu_cores, row.cpu_speed, row.memory_bytes = vm.cpu_cores, vm.cpu_speed_mhz, vm.memory_bytes
        row.updated = self.clock()
        self.db.flush()

    def stop_vm(self, host: Host, vm_name: str) -> None:
        self._require_on(host)
        self._answer(faults.STOP, _host_target(host, vm_name))
        row = self._vm(vm_name)
        # Stopping a guest the host does not know is a success, as on CloudStack's simulator.
        if row is not None and row.host_id == host.id:
            row.power_state = PowerState.OFF.value
            row.updated = self.clock()

    def reboot_vm(self, host: Host, vm_name: str) -> None:
        self._require_on(host)
        self._answer(faults.REBOOT, _host_target(host, vm_name))
        row = self._vm(vm_name)
        if row is None or row.host_id != host.id or row.power_state != PowerState.ON:
            raise HypervisorError(f"VM {vm_name} is not running on host {host.name}")

    def destroy_vm(self, host: Host, vm_name: str) -> None:
        # Destroying a guest is a stop that also forgets it (CloudStack sends a StopCommand).
        self._require_on(host)
        self._answer(faults.STOP, _host_target(host, vm_name))
        row = self._vm(vm_name)
        if row is not None and row.host_id == host.id:
            self.db.delete(row)
            self.db.flush()

    def migrate_vm(self, source: Host, target: Host, vm_name: str) -> None:
        self._require_on(source)
        self._require_on(target)
        row = self._vm(vm_name)
        if row is None or row.host_id != source.id or row.power_state != PowerState.ON:
            raise HypervisorError(f"VM {vm_name} is not running on host {source.name}")
        self._answer(faults.PREPARE_MIGRATION, _host_target(target, vm_name))
        self._answer(faults.MIGRATE, _host_target(source, vm_name))
        row.host_id = target.id
        row.updated = self.clock()

    def vm_power_states(self, host: Host) -> dict[str, PowerState]:
        return {vm.name: PowerState(vm.power_state) for vm in self._vms_on(host)}

    # Volumes
    def _volumes_on(self, pool: StoragePool) -> list[SimulatorVolume]:
        return list(self.db.scalars(select(SimulatorVolume).where(SimulatorVolume.pool_id == pool.id)).all())

    def _volume(self, pool: StoragePool, path: str) -> SimulatorVolume | None:
        stmt = select(SimulatorVolume).where(SimulatorVolume.pool_id == pool.id, SimulatorVolume.path == path)
        return self.db.scalars(stmt).first()

    def create_volume(self, pool: StoragePool, name: str, size_bytes: int) -> str:
        self._answer(faults.CREATE_VOLUME, _pool_target(pool))
        capacity = pool.capacity_bytes or DEFAULT_POOL_BYTES
        if sum(v.size_bytes for v in self._volumes_on(pool)) + size_bytes > capacity:
            raise HypervisorError(f"Not enough space on storage pool {pool.name} for {size_bytes} bytes")
        path = str(uuid.uuid4())
        self.db.add(SimulatorVolume(pool_id=pool.id, path=path, name=name, size_bytes=size_bytes, created=self.clock()))
        self.db.flush()
        return path

    def delete_volume(self, pool: StoragePool, path: str) -> None:
        self._answer(faults.DELETE_VOLUME, _pool_target(pool))
        row = self._volume(pool, path)
        if row is not None:
            if row.vm_name is not None:
                raise HypervisorError(f"Volume {path} is attached to VM {row.vm_name}")
            self.db.delete(row)
            self.db.flush()

    def attach_volume(self, host: Host, vm_name: str, pool: StoragePool, path: str) -> None:
        self._require_on(host)
        self._answer(faults.ATTACH_VOLUME, _host_target(host, vm_name))
        row = self._volume(pool, path)
        if row is None:
            raise HypervisorError(f"Volume {path} does not exist on storage pool {pool.name}")
        if row.vm_name not in (None, vm_name):
            raise HypervisorError(f"Volume {path} is attached to VM {row.vm_name}")
        row.vm_name = vm_name

    def detach_volume(self, host: Host, vm_name: str, pool: StoragePool, path: str) -> None:
        self._require_on(host)
        self._answer(faults.DETACH_VOLUME, _host_target(host, vm_name))
        row = self._volume(pool, path)
        if row is not None and row.vm_name == vm_name:
            row.vm_name = None
