"""The ready sandbox: what a first start lays out, `--datacenter` files, bad files and restarts (the `cs` client)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cs import CloudStack

from nimbostack.auth.passwords import pbkdf2_verify
from nimbostack.services.bootstrap import DEFAULT_ADMIN_HASH, DEFAULT_ADMIN_PASSWORD
from tests.support.clients import SessionClient
from tests.support.server import RunningServer, drop_database, free_port, fresh_database

BASE_DB_URL = os.environ.get("NIMBOSTACK_DB_URL") or None
BASIC, ADVANCED = "Sandbox-simulator-basic", "Sandbox-simulator-advanced"
TEMPLATE = "CentOS 5.6 (64-bit) no GUI (Simulator)"

SMALL_LAYOUT = """
zones:
  - name: Lab
    networktype: Advanced
    dns1: 9.9.9.9
    internaldns1: 10.0.0.2
    guestcidraddress: 10.20.0.0/16
    physicalnetworks:
      - name: lab-net
        isolationmethods: [VLAN]
        vlan: 300-310
        traffictypes: [Guest, Management, Public]
        providers: [VirtualRouter]
    ipranges:
      - {gateway: 203.0.113.1, netmask: 255.255.255.0, startip: 203.0.113.10, endip: 203.0.113.20, vlan: 30}
    pods:
      - name: lab-pod
        gateway: 10.9.0.1
        netmask: 255.255.255.0
        startip: 10.9.0.10
        endip: 10.9.0.50
        clusters:
          - name: lab-cluster
            hosts: ["http://sim/lab/h0", {url: "http://sim/lab/h1", hosttags: [fast]}]
            storagepools: [{name: lab-pool, url: "nfs://10.9.0.5/export/primary"}]
    imagestores:
      - {url: "nfs://10.9.0.5/export/secondary"}
"""


def _cs_for(running: RunningServer) -> CloudStack:
    admin = SessionClient(running.url, "admin", "password")
    keys = admin("registerUserKeys", id=admin.login["userid"])["userkeys"]
    admin.close()
    return CloudStack(endpoint=running.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.2)


def _server(data_dir: Path, **env: str) -> Iterator[RunningServer]:
    db_url, name = fresh_database(BASE_DB_URL)
    running = RunningServer(data_dir=data_dir, db_url=db_url, sandbox=True, extra_env=env)
    running.start(timeout=60)
    try:
        yield running
    finally:
        running.stop()
        drop_database(BASE_DB_URL, name)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _server(tmp_path_factory.mktemp("sandbox"))


@pytest.fixture(scope="module")
def cs(sandbox: RunningServer) -> CloudStack:
    return _cs_for(sandbox)


def _items(answer: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return list(answer.get(key, []))


def _zone_ids(cs: CloudStack) -> dict[str, str]:
    return {z["name"]: z["id"] for z in _items(cs.listZones(), "zone")}


def test_sandbox_has_the_simulator_containers_two_zones(cs: CloudStack) -> None:
    zones = {z["name"]: z for z in _items(cs.listZones(), "zone")}
    assert list(zones) == [BASIC, ADVANCED]
    basic, advanced = zones[BASIC], zones[ADVANCED]
    assert (basic["networktype"], basic["securitygroupsenabled"]) == ("Basic", True)
    assert (advanced["networktype"], advanced["securitygroupsenabled"]) == ("Advanced", False)
    assert (basic["dns1"], basic["internaldns1"]) == ("8.8.8.8", "8.8.8.8")
    assert (advanced["dns1"], advanced["guestcidraddress"]) == ("10.147.28.7", "10.1.1.0/24")
    assert {z["allocationstate"] for z in zones.values()} == {"Enabled"}


def test_sandbox_pods_clusters_hosts_and_storage(cs: CloudStack) -> None:
    ids = _zone_ids(cs)
    expected = {
        BASIC: (["POD0-basic"], ["C0-basic"], 2, ["PS0-basic"]),
        ADVANCED: (["POD0-adv"], ["C0-adv", "C1-adv"], 3, ["PS0-adv", "PS1-adv", "PS2-adv"]),
    }
    for zone, (pods, clusters, host_count, pools) in expected.items():
        zone_id = ids[zone]
        assert [p["name"] for p in _items(cs.listPods(zoneid=zone_id), "pod")] == pods
        listed = _items(cs.listClusters(zoneid=zone_id), "cluster")
        assert sorted(c["name"] for c in listed) == clusters
        assert {c["hypervisortype"] for c in listed} == {"Simulator"}
        hosts = _items(cs.listHosts(zoneid=zone_id, type="Routing"), "host")
        assert len(hosts) == host_count
        assert {(h["state"], h["hypervisor"], h["resourcestate"]) for h in hosts} == {("Up", "Simulator", "Enabled")}
        assert sorted(p["name"] for p in _items(cs.listStoragePools(zoneid=zone_id), "storagepool")) == pools
        stores = _items(cs.listImageStores(zoneid=zone_id), "imagestore")
        assert [(s["protocol"], s["providername"]) for s in stores] == [("nfs", "NFS")]


def test_sandbox_networks_providers_and_ranges(cs: CloudStack) -> None:
    ids = _zone_ids(cs)
    for zone, traffic, enabled in (
        (BASIC, {"Guest", "Management"}, {"VirtualRouter", "SecurityGroupProvider"}),
        (ADVANCED, {"Guest", "Management", "Public"}, {"VirtualRouter", "VpcVirtualRouter", "InternalLbVm"}),
    ):
        (network,) = _items(cs.listPhysicalNetworks(zoneid=ids[zone]), "physicalnetwork")
        assert (network["name"], network["state"]) == ("Sandbox-pnet", "Enabled")
        listed = {t["traffictype"] for t in _items(cs.listTrafficTypes(physicalnetworkid=network["id"]), "traffictype")}
        # Enabling a zone without a Storage network lets storage traffic ride on the Management one.
        assert listed == traffic | {"Storage"}
        providers = _items(cs.listNetworkServiceProviders(physicalnetworkid=network["id"]), "networkserviceprovider")
        assert enabled <= {p["name"] for p in providers if p["state"] == "Enabled"}
        router = next(p for p in providers if p["name"] == "VirtualRouter")
        (element,) = _items(cs.listVirtualRouterElements(nspid=router["id"]), "virtualrouterelement")
        assert element["enabled"] is True
    (advanced_net,) = _items(cs.listPhysicalNetworks(zoneid=ids[ADVANCED]), "physicalnetwork")
    assert advanced_net["vlan"] == "100-200"
    (public,) = _items(cs.listVlanIpRanges(zoneid=ids[ADVANCED]), "vlaniprange")
    assert (public["startip"], public["endip"], public["vlan"]) == ("192.168.2.2", "192.168.2.200", "vlan://50")
    assert public["forvirtualnetwork"] is True
    (guest,) = _items(cs.listVlanIpRanges(zoneid=ids[BASIC]), "vlaniprange")
    assert (guest["startip"], guest["endip"], guest["podname"]) == ("60.147.41.2", "60.147.41.254", "POD0-basic")
    assert guest["forvirtualnetwork"] is False


def test_sandbox_offerings_and_the_ready_simulator_template(cs: CloudStack) -> None:
    offerings = {o["name"]: o for o in _items(cs.listServiceOfferings(), "serviceoffering")}
    assert (offerings["Small Instance"]["cpunumber"], offerings["Small Instance"]["memory"]) == (1, 512)
    assert (offerings["Medium Instance"]["cpuspeed"], offerings["Medium Instance"]["memory"]) == (1000, 1024)
    disks = [d["name"] for d in _items(cs.listDiskOfferings(), "diskoffering")]
    assert {"Small", "Medium", "Large", "Custom"} <= set(disks)
    featured = _items(cs.listTemplates(templatefilter="featured"), "template")
    assert sorted(t["zonename"] for t in featured) == sorted([BASIC, ADVANCED])
    for template in featured:
        assert template["name"] == template["displaytext"] == TEMPLATE
        assert (template["isready"], template["ispublic"], template["isfeatured"]) == (True, True, True)
        assert (template["format"], template["hypervisor"]) == ("VHD", "Simulator")
        assert template["ostypename"] == "CentOS 5.6 (64-bit)"
        assert (template["passwordenabled"], template["templatetype"], template["account"]) == (
            False,
            "BUILTIN",
            "system",
        )


def test_a_restart_keeps_one_copy_of_everything(sandbox: RunningServer, cs: CloudStack) -> None:
    def counts() -> tuple[int, ...]:
        return (
            cs.listZones()["count"],
            cs.listHosts()["count"],
            cs.listStoragePools()["count"],
            cs.listServiceOfferings()["count"],
            cs.listTemplates(templatefilter="all")["count"],
            cs.listVlanIpRanges()["count"],
        )

    before = counts()
    assert before[:3] == (2, 5, 4)
    sandbox.restart()
    assert counts() == before


def test_a_datacenter_file_is_laid_out_instead_of_the_sandbox(tmp_path: Path) -> None:
    layout = tmp_path / "lab.yaml"
    layout.write_text(SMALL_LAYOUT)
    for running in _server(tmp_path / "server", NIMBOSTACK_DATACENTER=str(layout)):
        cs = _cs_for(running)
        (zone,) = _items(cs.listZones(), "zone")
        assert (zone["name"], zone["allocationstate"], zone["dns1"]) == ("Lab", "Enabled", "9.9.9.9")
        hosts = _items(cs.listHosts(zoneid=zone["id"]), "host")
        assert sorted(h.get("hosttags", "") for h in hosts) == ["", "fast"]
        assert [p["name"] for p in _items(cs.listStoragePools(), "storagepool")] == ["lab-pool"]
        (public,) = _items(cs.listVlanIpRanges(), "vlaniprange")
        assert (public["startip"], public["vlan"]) == ("203.0.113.10", "vlan://30")
        (template,) = _items(cs.listTemplates(templatefilter="featured"), "template")
        assert (template["name"], template["zonename"], template["isready"]) == (TEMPLATE, "Lab", True)
        assert "Small Instance" in {o["name"] for o in _items(cs.listServiceOfferings(), "serviceoffering")}


def _serve_once(data_dir: Path, db_url: str | None, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Start `nimbostack serve` and expect it to give up at start-up (it is killed after 60 s otherwise)."""
    env = dict(os.environ, NIMBOSTACK_PORT=str(free_port()), NIMBOSTACK_DATA_DIR=str(data_dir), **extra)
    for name in ("NIMBOSTACK_DB_URL", "NIMBOSTACK_NO_SANDBOX", "NIMBOSTACK_ADMIN_PASSWORD"):
        env.pop(name, None)
    if db_url:
        env["NIMBOSTACK_DB_URL"] = db_url
    command = [sys.executable, "-m", "nimbostack.cli", "serve", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str | None]:
    url, name = fresh_database(BASE_DB_URL)
    yield url
    drop_database(BASE_DB_URL, name)


def test_a_misspelt_key_stops_the_start_naming_the_key(tmp_path: Path, empty_database: str | None) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL_LAYOUT.replace("        gateway: 10.9.0.1", "        gatway: 10.9.0.1"))
    done = _serve_once(tmp_path / "data", empty_database, NIMBOSTACK_DATACENTER=str(bad))
    assert done.returncode == 2
    assert f"data-center layout {bad}: zones[0].pods[0].gatway: unknown key" in done.stderr


def test_a_layout_the_api_refuses_leaves_nothing_and_the_next_start_is_a_first_start(
    tmp_path: Path, empty_database: str | None
) -> None:
    # The first zone is fine; the second zone's second pod has a gateway createPod refuses: refused half-way.
    pod = {"name": "p", "gateway": "10.5.0.1", "netmask": "255.255.255.0", "startip": "10.5.0.2"}
    document = {
        "zones": [
            {"name": "good", "networktype": "Basic", "dns1": "8.8.8.8", "internaldns1": "8.8.8.8", "enabled": False},
            {
                "name": "bad",
                "networktype": "Advanced",
                "dns1": "8.8.8.8",
                "internaldns1": "8.8.8.8",
                "pods": [pod, dict(pod, name="p2", gateway="not-an-address")],
            },
        ]
    }
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    data_dir = tmp_path / "data"
    done = _serve_once(data_dir, empty_database, NIMBOSTACK_DATACENTER=str(bad))
    assert done.returncode == 2
    assert f"data-center layout {bad}: zones[1].pods[1]: creating pod p2 refused: The gateway is invalid" in done.stderr
    # Nothing of the first zone was kept, and the next start lays out a cloud from scratch.
    running = RunningServer(data_dir=data_dir, db_url=empty_database, sandbox=True)
    running.start(timeout=60)
    try:
        cs = _cs_for(running)
        assert [z["name"] for z in _items(cs.listZones(), "zone")] == [BASIC, ADVANCED]
        assert cs.listHosts()["count"] == 5
    finally:
        running.stop()


def test_datacenter_and_no_sandbox_together_are_refused(tmp_path: Path) -> None:
    done = _serve_once(tmp_path, None, "--no-sandbox", "--datacenter", "x.yaml")
    assert done.returncode == 2
    assert "--datacenter and --no-sandbox" in done.stderr


def test_the_shipped_default_admin_hash_is_the_default_password() -> None:
    assert pbkdf2_verify(DEFAULT_ADMIN_PASSWORD, DEFAULT_ADMIN_HASH) is True
    assert DEFAULT_ADMIN_HASH.endswith(":100000")
