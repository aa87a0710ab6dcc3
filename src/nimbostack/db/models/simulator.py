"""What the simulator hypervisor remembers about its pretend machines (its faults are infra.SimulatorFault).

These rows play the part of the hypervisor's own state, so every management server sees the same
simulated cloud. The management server's view of the same things lives in the infra tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nimbostack.db.base import PK, Base


class SimulatorHost(Base):
    """The power state of a simulated host; a host without a row is powered on."""

    __tablename__ = "simulator_host"

    host_id: Mapped[int] = mapped_column(ForeignKey("host.id"), primary_key=True)
    power_state: Mapped[str] = mapped_column(String(16), default="On")  # On, Off
    updated: Mapped[datetime] = mapped_column(DateTime)


class SimulatorVm(Base):
    """A guest as the simulated hypervisor sees it: where it runs and whether it is powered on."""

    __tablename__ = "simulator_vm"
    # A VM name exists once across the simulated hypervisors, as an instance name does in CloudStack.
    __table_args__ = (UniqueConstraint("name", name="uq_simulator_vm_name"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("host.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    power_state: Mapped[str] = mapped_column(String(16))  # PowerOn, PowerOff
    cpu_cores: Mapped[int] = mapped_column(Integer, default=1)
    cpu_speed: Mapped[int] = mapped_column(Integer, default=0)
    memory_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    updated: Mapped[datetime] = mapped_column(DateTime)


class SimulatorVolume(Base):
    """A disk image the simulated storage holds, and the VM it is attached to, if any."""

    __tablename__ = "simulator_volume"
    __table_args__ = (UniqueConstraint("pool_id", "path", name="uq_simulator_volume_pool_path"),)

    id: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("storage_pool.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    vm_name: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(DateTime)
