"""A migrated, empty database for tests of services that need no server, and a tiny infrastructure in it.

Only for tests of code no command reaches yet (capacity reservations, the simulator's guests and volumes);
end-to-end tests build their infrastructure through the API (tests/support/cloud.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from nimbostack.db import migrate
from nimbostack.db.engine import Database
from nimbostack.db.models import Cluster, Host, Pod, StoragePool, Zone
from tests.support.server import drop_database, fresh_database

NOW = datetime(2024, 1, 1, 12, 0, 0)


def database(tmp_path: Path) -> Iterator[Database]:
    """SQLite in tmp_path, or a fresh database on the server NIMBOSTACK_DB_URL names."""
    base = os.environ.get("NIMBOSTACK_DB_URL") or None
    url, name = fresh_database(base)
    db = Database(url or f"sqlite:///{tmp_path / 'unit.db'}")
    migrate.upgrade(db.engine)
    try:
        yield db
    finally:
        db.dispose()
        drop_database(base, name)


@dataclass(frozen=True)
class Place:
    zone_id: int
    pod_id: int
    cluster_id: int


def place(database: Database) -> Place:
    with database.session() as db:
        zone = Zone(name="unit-zone", network_type="Advanced", dns1="8.8.8.8", internal_dns1="10.0.0.2", created=NOW)
        db.add(zone)
        db.flush()
        pod = Pod(
            zone_id=zone.id,
            name="unit-pod",
            gateway="172.16.0.1",
            netmask="255.255.255.0",
            start_ip="172.16.0.10",
            end_ip="172.16.0.20",
            created=NOW,
        )
        db.add(pod)
        db.flush()
        cluster = Cluster(zone_id=zone.id, pod_id=pod.id, name="unit-cluster", hypervisor="Simulator", created=NOW)
        db.add(cluster)
        db.flush()
        return Place(zone.id, pod.id, cluster.id)


def host(
    database: Database, where: Place, name: str, *, cores: int = 4, speed: int = 1000, memory: int = 4 * 1024**3
) -> int:
    with database.session() as db:
        row = Host(
            name=name,
            zone_id=where.zone_id,
            pod_id=where.pod_id,
            cluster_id=where.cluster_id,
            hypervisor="Simulator",
            url=f"http://sim/unit/{name}",
            cpu_cores=cores,
            cpu_speed=speed,
            memory_bytes=memory,
            cpu_allocated=0,
            memory_allocated=0,
            created=NOW,
        )
        db.add(row)
        db.flush()
        return row.id


def pool(database: Database, where: Place, name: str, capacity: int) -> int:
    with database.session() as db:
        row = StoragePool(
            name=name,
            zone_id=where.zone_id,
            pod_id=where.pod_id,
            cluster_id=where.cluster_id,
            url=f"nfs://10.0.0.1/{name}",
            capacity_bytes=capacity,
            used_bytes=0,
            allocated_bytes=0,
            created=NOW,
        )
        db.add(row)
        db.flush()
        return row.id
