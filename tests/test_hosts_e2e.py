"""Building a cloud from nothing with the `cs` client: zone, pod, cluster, host, storage; and bad input."""

from __future__ import annotations

import uuid

from cs import CloudStack

from tests.support.cloud import GIB, new_cluster, new_host, new_pod, new_zone, refused, stack, unique


def test_build_a_zone_from_nothing_and_enable_it(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs, "Basic")
    assert zone["allocationstate"] == "Disabled"
    network = admin_cs.createPhysicalNetwork(zoneid=zone["id"], name=unique("phy"), fetch_result=True)[
        "physicalnetwork"
    ]
    for traffic in ("Management", "Guest"):
        admin_cs.addTrafficType(physicalnetworkid=network["id"], traffictype=traffic, fetch_result=True)
    pod = new_pod(admin_cs, zone)
    cluster = new_cluster(admin_cs, zone, pod)
    host = new_host(admin_cs, cluster, "http://sim/c0/h0-" + uuid.uuid4().hex[:6])
    pool = admin_cs.createStoragePool(
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        name=unique("primary"),
        url=f"nfs://10.0.0.1/export/{uuid.uuid4().hex[:6]}",
    )["storagepool"]
    store = admin_cs.addImageStore(provider="NFS", zoneid=zone["id"], url="nfs://10.0.0.1/sec/" + uuid.uuid4().hex[:6])[
        "imagestore"
    ]
    admin_cs.updateZone(id=zone["id"], allocationstate="Enabled")

    assert admin_cs.listZones(id=zone["id"])["zone"][0]["allocationstate"] == "Enabled"
    assert [p["id"] for p in admin_cs.listPods(zoneid=zone["id"])["pod"]] == [pod["id"]]
    assert [c["id"] for c in admin_cs.listClusters(zoneid=zone["id"])["cluster"]] == [cluster["id"]]
    listed = admin_cs.listHosts(zoneid=zone["id"])["host"]
    assert [(h["id"], h["state"], h["resourcestate"]) for h in listed] == [(host["id"], "Up", "Enabled")]
    assert [p["id"] for p in admin_cs.listStoragePools(zoneid=zone["id"])["storagepool"]] == [pool["id"]]
    assert [s["id"] for s in admin_cs.listImageStores(zoneid=zone["id"])["imagestore"]] == [store["id"]]


def test_hosts_report_their_place_and_capacity(admin_cs: CloudStack) -> None:
    zone, pod, cluster, host = stack(admin_cs)
    small = new_host(admin_cs, cluster, f"http://sim/{uuid.uuid4().hex[:6]}/cpucore=2&cpuspeed=1000&memory={GIB}")
    hosts = {h["id"]: h for h in admin_cs.listHosts(clusterid=cluster["id"])["host"]}
    default, tiny = hosts[host["id"]], hosts[small["id"]]
    assert default["name"].startswith("SimulatedAgent.")
    assert (default["zoneid"], default["podid"], default["clusterid"]) == (zone["id"], pod["id"], cluster["id"])
    assert (default["zonename"], default["podname"], default["clustername"]) == (
        zone["name"],
        pod["name"],
        cluster["name"],
    )
    assert (default["type"], default["hypervisor"], default["clustertype"]) == ("Routing", "Simulator", "CloudManaged")
    # CloudStack's simulator reports 4 cores of 8000 MHz and 8 GiB
    assert (default["cpunumber"], default["cpuspeed"], default["memorytotal"]) == (4, 8000, 8 * GIB)
    assert default["cpuwithoverprovisioning"] == "32000"
    assert default["memorywithoverprovisioning"] == str(8 * GIB)
    assert (default["cpuallocated"], default["memoryallocated"], default["memoryallocatedpercentage"]) == (
        "0%",
        0,
        "0%",
    )
    assert (tiny["cpunumber"], tiny["cpuspeed"], tiny["memorytotal"]) == (2, 1000, GIB)
    # management addresses come from the pod's range, lowest first
    assert sorted([default["ipaddress"], tiny["ipaddress"]]) == ["172.16.5.10", "172.16.5.11"]


def test_a_host_url_already_added_is_refused_and_nothing_is_added(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    cluster = new_cluster(admin_cs, zone, new_pod(admin_cs, zone))
    url = f"http://sim/{uuid.uuid4().hex[:6]}/h0"
    host = new_host(admin_cs, cluster, url)
    again = refused(
        admin_cs.addHost,
        zoneid=zone["id"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        hypervisor="Simulator",
        url=url,
    )
    assert again["errorcode"] == 431
    assert (
        again["errortext"]
        == f"A host with URL '{url}' already exists (id: {host['id']}). Remove it before adding again."
    )
    assert admin_cs.listHosts(zoneid=zone["id"])["count"] == 1


def test_bad_host_input_is_refused(admin_cs: CloudStack) -> None:
    zone, pod, cluster, _host = stack(admin_cs)
    not_sim = refused(
        admin_cs.addHost,
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        hypervisor="Simulator",
        url="http://kvm1.example.org/x",
    )
    assert not_sim["errorcode"] == 530
    assert (
        not_sim["errortext"] == "Unable to add the host: Cannot find the server resources at http://kvm1.example.org/x"
    )
    other_zone = new_zone(admin_cs)
    wrong_pod = refused(
        admin_cs.addHost,
        zoneid=other_zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        hypervisor="Simulator",
        url="http://sim/x/y",
    )
    assert wrong_pod["errorcode"] == 431 and "doesn't belong to the zone" in wrong_pod["errortext"]
    assert admin_cs.listHosts(zoneid=zone["id"])["count"] == 1
    assert "host" not in admin_cs.listHosts(zoneid=other_zone["id"])


def test_deleting_a_pod_with_clusters_is_refused_and_keeps_it(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    pod = new_pod(admin_cs, zone)
    cluster = new_cluster(admin_cs, zone, pod)
    blocked = refused(admin_cs.deletePod, id=pod["id"])
    assert blocked["errorcode"] == 530
    assert blocked["errortext"] == "The pod cannot be deleted because there are clusters in this pod"
    assert admin_cs.listPods(id=pod["id"])["count"] == 1
    assert admin_cs.deleteCluster(id=cluster["id"])["success"]
    assert admin_cs.deletePod(id=pod["id"])["success"]
    assert "pod" not in admin_cs.listPods(zoneid=zone["id"])


def test_deleting_a_cluster_with_hosts_is_refused(admin_cs: CloudStack) -> None:
    _zone, pod, cluster, host = stack(admin_cs)
    blocked = refused(admin_cs.deleteCluster, id=cluster["id"])
    assert blocked["errorcode"] == 530 and "Cluster still has hosts" in blocked["errortext"]
    pod_blocked = refused(admin_cs.deletePod, id=pod["id"])
    assert pod_blocked["errortext"] == "There are private IP addresses allocated for this pod"
    assert admin_cs.listHosts(id=host["id"])["count"] == 1


def test_pod_network_is_validated_and_bad_pods_leave_nothing(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    base = {
        "zoneid": zone["id"],
        "gateway": "172.20.0.1",
        "netmask": "255.255.255.0",
        "startip": "172.20.0.10",
        "endip": "172.20.0.20",
    }
    cases = [
        ({"gateway": "nope"}, "The gateway is invalid"),
        ({"netmask": "255.0.255.0"}, "The netmask is invalid"),
        ({"startip": "172.21.0.10"}, "The start address of the IP range is not in the CIDR subnet."),
        ({"endip": "172.21.0.20"}, "The end address of the IP range is not in the CIDR subnet."),
        ({"startip": "172.20.0.30"}, "The start IP address must have a lower value than the end IP address."),
        ({"startip": "172.20.0.1"}, "The gateway shouldn't overlap start/end ip addresses"),
        (
            {"gateway": "10.1.1.1"},
            "The subnet of the pod you are adding conflicts with the subnet of the Guest IP "
            "Network. Please specify a different CIDR.",
        ),
        ({"allocationstate": "Maybe"}, "Unable to resolve Allocation State 'Maybe' to a supported state"),
    ]
    for change, text in cases:
        params = {**base, **change, "name": unique("pod")}
        if "gateway" in change and change["gateway"] == "10.1.1.1":
            params.update(startip="10.1.1.10", endip="10.1.1.20")
        error = refused(admin_cs.createPod, **params)
        assert (error["errorcode"], error["errortext"]) == (431, text), change
    assert "pod" not in admin_cs.listPods(zoneid=zone["id"])
    first = admin_cs.createPod(**base, name=unique("pod"))["pod"]
    assert (first["startip"], first["endip"], first["gateway"]) == (["172.20.0.10"], ["172.20.0.20"], "172.20.0.1")
    clash = refused(admin_cs.createPod, **{**base, "name": unique("pod")})
    assert clash["errortext"].startswith("The subnet of the pod you are adding conflicts with the subnet of pod")
    twin = refused(
        admin_cs.createPod,
        **{**base, "name": first["name"], "gateway": "172.30.0.1", "startip": "172.30.0.10", "endip": "172.30.0.20"},
    )
    assert twin["errortext"].startswith(f"A pod with name: {first['name']} already exists in zone")
    assert admin_cs.listPods(zoneid=zone["id"])["count"] == 1


def test_update_pod_and_cluster(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    pod = new_pod(admin_cs, zone)
    renamed = admin_cs.updatePod(
        id=pod["id"], name=unique("renamed"), endip="172.16.5.200", allocationstate="Disabled"
    )["pod"]
    assert (renamed["endip"], renamed["allocationstate"]) == (["172.16.5.200"], "Disabled")
    cluster = new_cluster(admin_cs, zone, pod)
    assert (cluster["hypervisortype"], cluster["cpuovercommitratio"], cluster["memoryovercommitratio"]) == (
        "Simulator",
        "1.0",
        "1.0",
    )
    changed = admin_cs.updateCluster(
        id=cluster["id"], clustername="c-new-" + cluster["id"][:4], allocationstate="Disabled"
    )["cluster"]
    assert (changed["name"], changed["allocationstate"]) == ("c-new-" + cluster["id"][:4], "Disabled")
    kvm = refused(
        admin_cs.addCluster,
        zoneid=zone["id"],
        podid=pod["id"],
        clustername=unique("k"),
        clustertype="CloudManaged",
        hypervisor="KVM",
    )
    assert (kvm["errorcode"], kvm["errortext"]) == (431, "Could not find corresponding resource manager for KVM")


def test_update_host_allocation_and_tags(admin_cs: CloudStack) -> None:
    _zone, _pod, _cluster, host = stack(admin_cs)
    disabled = admin_cs.updateHost(id=host["id"], allocationstate="Disable", hosttags="ssd,gpu")["host"]
    assert (disabled["resourcestate"], disabled["hosttags"]) == ("Disabled", "ssd,gpu")
    bad = refused(admin_cs.updateHost, id=host["id"], allocationstate="Enabled")
    assert (bad["errorcode"], bad["errortext"]) == (
        431,
        "Invalid allocation state: Enabled, only Enable/Disable are allowed",
    )
    assert admin_cs.updateHost(id=host["id"], allocationstate="Enable")["host"]["resourcestate"] == "Enabled"


def test_delete_host_needs_maintenance_unless_forced(admin_cs: CloudStack) -> None:
    zone, _pod, cluster, host = stack(admin_cs)
    blocked = refused(admin_cs.deleteHost, id=host["id"])
    assert blocked["errorcode"] == 530
    assert blocked["errortext"] == (
        f"Host {host['id']} cannot be deleted as it is not in maintenance mode. Either put the host into "
        "maintenance or perform a forced deletion."
    )
    admin_cs.prepareHostForMaintenance(id=host["id"], fetch_result=True)
    assert admin_cs.deleteHost(id=host["id"])["success"]
    other = new_host(admin_cs, cluster)
    assert admin_cs.deleteHost(id=other["id"], forced=True)["success"]
    assert "host" not in admin_cs.listHosts(zoneid=zone["id"])


def test_hypervisors_and_their_capabilities(admin_cs: CloudStack) -> None:
    zone, *_ = stack(admin_cs)
    assert admin_cs.listHypervisors()["hypervisor"] == [{"name": "Simulator"}]
    assert admin_cs.listHypervisors(zoneid=zone["id"])["hypervisor"] == [{"name": "Simulator"}]
    rows = admin_cs.listHypervisorCapabilities(hypervisor="Simulator")["hypervisorCapabilities"]
    assert [(r["hypervisor"], r["hypervisorversion"]) for r in rows] == [("Simulator", "default")]


def test_capacity_of_a_zone_by_type(admin_cs: CloudStack) -> None:
    zone, pod, cluster, _host = stack(admin_cs)
    new_host(admin_cs, cluster)
    admin_cs.createStoragePool(
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        name=unique("p"),
        url=f"nfs://10.0.0.9/export/{uuid.uuid4().hex[:6]}",
        capacitybytes=100 * GIB,
    )
    admin_cs.addImageStore(provider="NFS", zoneid=zone["id"], url="nfs://10.0.0.9/sec/" + uuid.uuid4().hex[:6])
    rows = {r["type"]: r for r in admin_cs.listCapacity(zoneid=zone["id"])["capacity"]}
    assert rows[0]["capacitytotal"] == 2 * 8 * GIB and rows[0]["capacityused"] == 0
    assert rows[1]["capacitytotal"] == 2 * 4 * 8000
    assert rows[2]["capacitytotal"] == 100 * GIB
    assert rows[3]["capacitytotal"] == 200 * GIB  # storage.overprovisioning.factor defaults to 2
    assert (rows[5]["capacitytotal"], rows[5]["capacityused"]) == (91, 2)
    assert rows[6]["capacitytotal"] > 0
    assert {r["zoneid"] for r in rows.values()} == {zone["id"]}
    assert rows[5]["percentused"] == "2.2"
    only_cpu = admin_cs.listCapacity(zoneid=zone["id"], type=1)["capacity"]
    assert [r["name"] for r in only_cpu] == ["CPU"]
    per_pod = admin_cs.listCapacity(podid=pod["id"], type=0)["capacity"]
    assert [(r["podid"], r["capacitytotal"]) for r in per_pod] == [(pod["id"], 16 * GIB)]
    pods = admin_cs.listPods(id=pod["id"], showcapacities=True)["pod"]
    assert {c["type"] for c in pods[0]["capacity"]} >= {0, 1, 2, 3, 5}
