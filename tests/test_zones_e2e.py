"""updateZone, deleteZone and listZones showcapacities through the real server with the `cs` client."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException
from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.db.engine import make_engine
from nimbostack.db.models import Event, Host, StoragePool, Zone
from tests.support.server import RunningServer


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _zone(cs: CloudStack, kind: str = "Advanced", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"name": _name("z"), "networktype": kind, "dns1": "8.8.8.8", "internaldns1": "10.0.0.2"}
    params.update(extra)
    return cs.createZone(**params)["zone"]


def _refused(call: Callable[[], Any], code: int, text: str) -> dict[str, Any]:
    with pytest.raises(CloudStackApiException) as failure:
        call()
    error = failure.value.error
    assert (error["errorcode"], error["errortext"]) == (code, text)
    return dict(error)


def _db_url(server: RunningServer) -> str:
    return server.db_url or f"sqlite:///{(server.data_dir / 'nimbostack.db').resolve()}"


def _event_types(server: RunningServer, resource_uuid: str) -> list[str]:
    """Event types recorded for one object, read from the server's database (there is no listEvents yet)."""
    engine = make_engine(_db_url(server))
    with Session(engine) as db:
        kinds = list(db.scalars(select(Event.type).where(Event.resource_uuid == resource_uuid).order_by(Event.id)))
    engine.dispose()
    return kinds


def test_update_zone_changes_what_is_given_and_keeps_the_rest(server: RunningServer, admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs, guestcidraddress="10.1.0.0/16")
    new_name = _name("renamed")
    updated = admin_cs.updateZone(
        id=zone["id"], name=new_name, dns2="8.8.4.4", guestcidraddress="10.2.0.0/16", domain="cloud.example"
    )["zone"]
    assert updated["name"] == new_name
    assert (updated["dns1"], updated["dns2"]) == ("8.8.8.8", "8.8.4.4")
    assert updated["internaldns1"] == "10.0.0.2"
    assert updated["guestcidraddress"] == "10.2.0.0/16"
    assert updated["domain"] == "cloud.example"
    listed = admin_cs.listZones(id=zone["id"])["zone"][0]
    assert (listed["name"], listed["guestcidraddress"]) == (new_name, "10.2.0.0/16")
    assert _event_types(server, zone["id"]) == ["ZONE.CREATE", "ZONE.EDIT"]


def test_update_zone_refuses_bad_values_and_changes_nothing(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    other = _zone(admin_cs)
    _refused(
        lambda: admin_cs.updateZone(id=zone["id"], dns1="not-an-ip"), 431, "Please enter a valid IP address for DNS1"
    )
    _refused(
        lambda: admin_cs.updateZone(id=zone["id"], ip6dns1="10.0.0.1"),
        431,
        "Please enter a valid IPv6 address for IP6 DNS1",
    )
    _refused(
        lambda: admin_cs.updateZone(id=zone["id"], guestcidraddress="8.8.0.0/16"),
        431,
        "Please enter a valid guest cidr",
    )
    _refused(
        lambda: admin_cs.updateZone(id=zone["id"], name=other["name"]),
        431,
        "A zone with that name already exists. Please specify a unique zone name.",
    )
    _refused(
        lambda: admin_cs.updateZone(id=zone["id"], allocationstate="Sideways"),
        431,
        "Unable to resolve Allocation State 'Sideways' to a supported state",
    )
    _refused(
        lambda: admin_cs.updateZone(id=zone["id"], name=_name("x"), domain="-bad-.example"),
        431,
        "Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 "
        "characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); "
        'can\'t start or end with "-"',
    )
    now = admin_cs.listZones(id=zone["id"])["zone"][0]
    assert (now["name"], now["dns1"], now["allocationstate"]) == (zone["name"], "8.8.8.8", "Disabled")


def test_a_zone_without_management_traffic_cannot_be_enabled(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    error = _refused(
        lambda: admin_cs.updateZone(id=zone["id"], allocationstate="Enabled"),
        431,
        "Cannot enable this Zone since: Unable to find the default physical network with traffic=Management in the "
        "specified zone id",
    )
    assert error["uuidList"] == [{"uuid": zone["id"], "description": "zoneId"}]
    assert admin_cs.listZones(id=zone["id"])["zone"][0]["allocationstate"] == "Disabled"


def test_delete_zone_refused_while_a_physical_network_is_in_it(server: RunningServer, admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    network = admin_cs.createPhysicalNetwork(zoneid=zone["id"], name="pn", fetch_result=True)["physicalnetwork"]
    _refused(
        lambda: admin_cs.deleteZone(id=zone["id"]),
        530,
        "The zone cannot be deleted because there are physical networks in this zone.",
    )
    assert admin_cs.listZones(id=zone["id"])["zone"][0]["id"] == zone["id"]
    assert admin_cs.deletePhysicalNetwork(id=network["id"], fetch_result=True)["success"] is True
    assert admin_cs.deleteZone(id=zone["id"])["success"] is True
    assert admin_cs.listZones(id=zone["id"]) == {}
    assert _event_types(server, zone["id"]) == ["ZONE.CREATE", "ZONE.DELETE"]
    _refused(lambda: admin_cs.deleteZone(id=zone["id"]), 431, f"A zone with ID: {zone['id']} does not exist.")
    # The name is free again once the zone is gone.
    again = admin_cs.createZone(name=zone["name"], networktype="Basic", dns1="8.8.8.8", internaldns1="10.0.0.2")
    assert again["zone"]["name"] == zone["name"]


def test_users_cannot_change_zones(server: RunningServer, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    username = _name("u")
    account = admin_cs.createAccount(
        username=username,
        password="Pw-12345",
        email=f"{username}@example.org",
        firstname="A",
        lastname="B",
        accounttype=0,
        domainid=domain["id"],
    )["account"]
    keys = admin_cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    user_cs = CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"])
    zone = _zone(admin_cs)
    with pytest.raises(CloudStackApiException) as failure:
        user_cs.updateZone(id=zone["id"], name="mine")
    assert failure.value.error["errorcode"] == 432


def test_show_capacities_sums_hosts_pools_and_ranges(server: RunningServer, admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    network = admin_cs.createPhysicalNetwork(
        zoneid=zone["id"], name="pn", vlan="100-149", isolationmethods="VLAN", fetch_result=True
    )["physicalnetwork"]
    admin_cs.addTrafficType(physicalnetworkid=network["id"], traffictype="Public", fetch_result=True)
    admin_cs.createVlanIpRange(
        zoneid=zone["id"],
        vlan="untagged",
        gateway="203.0.113.1",
        netmask="255.255.255.0",
        startip="203.0.113.10",
        endip="203.0.113.29",
        forvirtualnetwork=True,
    )
    # Hosts and pools come from other commands; rows written straight to the server's database stand in for them.
    engine = make_engine(_db_url(server))
    with Session(engine) as db:
        zone_id = db.scalars(select(Zone.id).where(Zone.uuid == zone["id"])).one()
        for n in range(2):
            db.add(
                Host(
                    name=f"h{n}",
                    zone_id=zone_id,
                    url=f"http://sim/{zone['id']}/h{n}",
                    hypervisor="Simulator",
                    cpu_cores=4,
                    cpu_speed=2000,
                    memory_bytes=8 << 30,
                    cpu_allocated=1000,
                    memory_allocated=1 << 30,
                    created=datetime(2024, 1, 1),
                )
            )
        db.add(
            StoragePool(
                name="p",
                zone_id=zone_id,
                scope="ZONE",
                url="nfs://x/p",
                capacity_bytes=100 << 30,
                used_bytes=10 << 30,
                allocated_bytes=20 << 30,
                created=datetime(2024, 1, 1),
            )
        )
        db.commit()
    engine.dispose()
    listed = admin_cs.listZones(id=zone["id"], showcapacities=True)["zone"][0]
    figures = {c["name"]: c for c in listed["capacity"]}
    assert (figures["CPU"]["capacitytotal"], figures["CPU"]["capacityused"]) == (16000, 2000)
    assert figures["CPU"]["percentused"] == "12.5"
    assert (figures["MEMORY"]["capacitytotal"], figures["MEMORY"]["capacityused"]) == (16 << 30, 2 << 30)
    assert figures["CPU_CORE"]["capacitytotal"] == 8
    assert (figures["STORAGE"]["capacitytotal"], figures["STORAGE"]["capacityused"]) == (100 << 30, 10 << 30)
    # Allocated storage is measured against the overprovisioned size (storage.overprovisioning.factor, 2).
    assert (figures["STORAGE_ALLOCATED"]["capacitytotal"], figures["STORAGE_ALLOCATED"]["capacityused"]) == (
        200 << 30,
        20 << 30,
    )
    assert figures["VIRTUAL_NETWORK_PUBLIC_IP"]["capacitytotal"] == 20
    assert figures["VLAN"]["capacitytotal"] == 50
    assert all(c["zoneid"] == zone["id"] for c in listed["capacity"])
    assert "capacity" not in admin_cs.listZones(id=zone["id"])["zone"][0]
