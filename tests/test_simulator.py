"""The simulator driver on its own: host URLs, faults as data, latency, power, guests and disks.

These call the driver directly on rows written to a test database (tests/support/infra_db.py), not through
the API: guests and volumes have no commands yet (they come with instance placement), and the timing and
racing checks need the driver without a server in between. What the API exposes of the simulator (mocks,
host state, failures of host commands) is tested through it in tests/test_simulator_e2e.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nimbostack.db.engine import Database
from nimbostack.db.models import Host, SimulatorFault, StoragePool
from nimbostack.hypervisor import faults
from nimbostack.hypervisor.driver import HostStatus, HypervisorError, Placement, PowerState, VmSpec
from nimbostack.hypervisor.simulator import SimulatorDriver, parse_host_url
from tests.support import infra_db

GIB = 1024**3


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    yield from infra_db.database(tmp_path)


def _fault(
    database: Database,
    operation: str,
    *,
    remaining: int = 1,
    text: str | None = "boom",
    fail: bool = True,
    delay: int = 0,
    **scope: int | str | None,
) -> None:
    with database.session() as db:
        db.add(
            SimulatorFault(
                operation=operation,
                fail=fail,
                error_text=text,
                delay_ms=delay,
                remaining=remaining,
                created=infra_db.NOW,
                **scope,
            )
        )


def _host(db: Session, host_id: int) -> Host:
    host = db.get(Host, host_id)
    assert host is not None
    return host


def test_host_url_gives_cloudstack_simulator_figures_or_the_ones_asked_for() -> None:
    assert parse_host_url("http://sim/c0/h0") == (4, 8000, 8 * GIB)
    assert parse_host_url("http://sim/c0/cpucore=2&cpuspeed=1000&memory=1024") == (2, 1000, 1024)
    for bad in ("http://kvm1/c0/h0", "nfs://sim/x", "http://sim/c0/cpucore=two"):
        with pytest.raises(HypervisorError, match="Cannot find the server resources"):
            parse_host_url(bad)


def test_describe_host_reports_a_simulated_agent(database: Database) -> None:
    where = infra_db.place(database)
    with database.session() as db:
        facts = SimulatorDriver(db).describe_host(
            "http://sim/c0/h9", Placement(where.zone_id, where.pod_id, where.cluster_id)
        )
    assert facts.name.startswith("SimulatedAgent.")
    assert (facts.cpu_cores, facts.cpu_speed_mhz, facts.memory_bytes) == (4, 8000, 8 * GIB)


def test_a_fault_fails_the_next_n_calls_then_stops(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1")
    _fault(database, "MaintainCommand", remaining=2, host_id=host_id)
    for _ in range(2):
        with database.session() as db, pytest.raises(HypervisorError, match="boom"):
            SimulatorDriver(db).prepare_maintenance(_host(db, host_id))
    with database.session() as db:
        SimulatorDriver(db).prepare_maintenance(_host(db, host_id))
        assert db.query(SimulatorFault).one().remaining == 0


def test_the_most_specific_fault_wins_and_scopes_do_not_leak(database: Database) -> None:
    where = infra_db.place(database)
    one, two = infra_db.host(database, where, "h1"), infra_db.host(database, where, "h2")
    _fault(database, "MaintainCommand", remaining=-1, text="zone-wide", zone_id=where.zone_id)
    _fault(database, "MaintainCommand", remaining=-1, text="only h1", host_id=one, zone_id=where.zone_id)
    _fault(database, "StopCommand", remaining=-1, text="other vm", host_id=two, vm_name="i-2-9-VM")
    with database.session() as db:
        driver = SimulatorDriver(db)
        with pytest.raises(HypervisorError, match="only h1"):
            driver.prepare_maintenance(_host(db, one))
        with pytest.raises(HypervisorError, match="zone-wide"):
            driver.prepare_maintenance(_host(db, two))
        driver.stop_vm(_host(db, two), "i-2-8-VM")  # the StopCommand fault names another VM
        with pytest.raises(HypervisorError, match="other vm"):
            driver.stop_vm(_host(db, two), "i-2-9-VM")


def test_latency_and_fault_delays_are_waited(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1")
    _fault(database, "MaintainCommand", fail=False, text=None, delay=20, host_id=host_id)
    waits: list[float] = []
    with database.session() as db:
        driver = SimulatorDriver(db, latency_ms=5, sleep=waits.append)
        driver.prepare_maintenance(_host(db, host_id))
        driver.cancel_maintenance(_host(db, host_id))
    assert waits == [0.025, 0.005]


def test_two_calls_racing_for_a_single_use_fault_fail_only_once(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1")
    _fault(database, "MaintainCommand", remaining=1, host_id=host_id)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def call() -> None:
        with database.session() as db:
            barrier.wait()
            taken = faults.take(
                db,
                "MaintainCommand",
                faults.Target(host_id=host_id, zone_id=where.zone_id, pod_id=where.pod_id, cluster_id=where.cluster_id),
            )
            outcomes.append("failed" if taken is not None else "ok")

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["failed", "ok"]


def test_guests_start_stop_reboot_migrate_and_are_destroyed(database: Database) -> None:
    where = infra_db.place(database)
    one, two = infra_db.host(database, where, "h1"), infra_db.host(database, where, "h2")
    with database.session() as db:
        driver = SimulatorDriver(db)
        h1, h2 = _host(db, one), _host(db, two)
        driver.start_vm(h1, VmSpec("i-2-10-VM", 1, 500, GIB))
        assert driver.vm_power_states(h1) == {"i-2-10-VM": PowerState.ON}
        driver.reboot_vm(h1, "i-2-10-VM")
        driver.migrate_vm(h1, h2, "i-2-10-VM")
        assert driver.vm_power_states(h1) == {}
        assert driver.vm_power_states(h2) == {"i-2-10-VM": PowerState.ON}
        driver.stop_vm(h2, "i-2-10-VM")
        with pytest.raises(HypervisorError, match="not running"):
            driver.reboot_vm(h2, "i-2-10-VM")
        driver.destroy_vm(h2, "i-2-10-VM")
        assert driver.vm_power_states(h2) == {}


def test_a_powered_off_host_is_down_refuses_work_and_its_guests_lose_power(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1")
    with database.session() as db:
        driver = SimulatorDriver(db)
        host = _host(db, host_id)
        driver.start_vm(host, VmSpec("i-2-11-VM", 1, 500, GIB))
        driver.set_power(host, False)
        assert driver.host_status(host) is HostStatus.DOWN
        assert driver.vm_power_states(host) == {"i-2-11-VM": PowerState.OFF}
        with pytest.raises(HypervisorError, match="unreachable"):
            driver.start_vm(host, VmSpec("i-2-12-VM", 1, 500, GIB))
        driver.set_power(host, True)
        assert driver.host_status(host) is HostStatus.UP


def test_a_failing_health_check_reports_alert(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1")
    _fault(database, "CheckHealthCommand", host_id=host_id)
    with database.session() as db:
        assert SimulatorDriver(db).host_status(_host(db, host_id)) is HostStatus.ALERT


def test_volumes_are_created_attached_detached_and_deleted(database: Database) -> None:
    where = infra_db.place(database)
    host_id = infra_db.host(database, where, "h1")
    pool_id = infra_db.pool(database, where, "p1", 10 * GIB)
    with database.session() as db:
        driver = SimulatorDriver(db)
        host, pool = _host(db, host_id), db.get(StoragePool, pool_id)
        assert pool is not None
        path = driver.create_volume(pool, "DATA-1", 4 * GIB)
        with pytest.raises(HypervisorError, match="Not enough space"):
            driver.create_volume(pool, "DATA-2", 7 * GIB)
        with pytest.raises(HypervisorError, match="does not exist"):
            driver.attach_volume(host, "i-2-13-VM", pool, "no-such-path")
        driver.attach_volume(host, "i-2-13-VM", pool, path)
        with pytest.raises(HypervisorError, match="attached"):
            driver.delete_volume(pool, path)
        driver.detach_volume(host, "i-2-13-VM", pool, path)
        driver.delete_volume(pool, path)
        assert driver.connect_pool(pool, host).used_bytes == 0
