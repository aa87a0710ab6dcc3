"""Hypervisor drivers: the protocol services call (driver.py) and the simulator behind it (simulator.py).

Services that drive hosts never import a driver class: they ask `driver_for` for the one that serves a
hypervisor type, so a real driver can be added here later without touching them. Only the simulator's
own admin API (services/simulator.py, powering pretend hosts off and on) uses SimulatorDriver directly.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nimbostack.hypervisor.driver import HypervisorDriver
from nimbostack.hypervisor.simulator import SimulatorDriver
from nimbostack.services import settings

# Hypervisor type names CloudStack knows (HypervisorType), as it spells them.
KNOWN = (
    "XenServer",
    "KVM",
    "VMware",
    "Hyperv",
    "VirtualBox",
    "Parralels",
    "BareMetal",
    "Simulator",
    "Ovm",
    "Ovm3",
    "LXC",
    "Custom",
    "External",
)
# The ones we have a driver for.
SUPPORTED = ("Simulator",)


def canonical(name: str) -> str | None:
    """CloudStack's spelling of a hypervisor type name, matched case-insensitively; None if unknown."""
    for known in KNOWN:
        if known.lower() == name.strip().lower():
            return known
    return None


def driver_for(db: Session, hypervisor: str | None) -> HypervisorDriver | None:
    """The driver for a hypervisor type, bound to this session; None when we have none for it."""
    if hypervisor is None or canonical(hypervisor) != "Simulator":
        return None
    return SimulatorDriver(db, latency_ms=settings.get_int(db, "simulator.latency.ms"))
