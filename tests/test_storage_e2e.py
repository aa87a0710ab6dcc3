"""Primary storage pools and image stores through the `cs` client: placement, size, maintenance, bad input."""

from __future__ import annotations

import uuid
from typing import Any

from cs import CloudStack

from tests.support.cloud import GIB, new_cluster, new_host, new_pod, new_zone, refused, stack


def _url() -> str:
    return f"nfs://10.0.0.1/export/{uuid.uuid4().hex[:8]}"


def _cluster_pool(cs: CloudStack, cluster: dict[str, Any], **extra: Any) -> dict[str, Any]:
    pool: dict[str, Any] = cs.createStoragePool(
        zoneid=cluster["zoneid"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        name=f"primary-{uuid.uuid4().hex[:6]}",
        url=extra.pop("url", _url()),
        **extra,
    )["storagepool"]
    return pool


def test_cluster_and_zone_wide_pools_report_size_and_place(admin_cs: CloudStack) -> None:
    zone, pod, cluster, host = stack(admin_cs)
    url = _url()
    pool = _cluster_pool(admin_cs, cluster, url=url, tags="fast")
    assert (pool["scope"], pool["type"], pool["state"], pool["provider"]) == (
        "CLUSTER",
        "NetworkFilesystem",
        "Up",
        "DefaultPrimary",
    )
    assert (pool["zoneid"], pool["podid"], pool["clusterid"]) == (zone["id"], pod["id"], cluster["id"])
    assert (pool["ipaddress"], pool["path"]) == ("10.0.0.1", url.split("10.0.0.1", 1)[1])
    # the simulated NFS server reports 1 TiB; shared pools are overprovisioned twice by default
    assert (pool["disksizetotal"], pool["disksizeallocated"], pool["overprovisionfactor"]) == (1024 * GIB, 0, "2.0")
    wide = admin_cs.createStoragePool(
        zoneid=zone["id"], scope="zone", hypervisor="Simulator", name="wide-" + pod["id"][:6], url=_url()
    )["storagepool"]
    assert (wide["scope"], wide["hypervisor"], wide.get("clusterid")) == ("ZONE", "Simulator", None)
    reachable = {p["id"] for p in admin_cs.listStoragePools(hostid=host["id"])["storagepool"]}
    assert reachable == {pool["id"], wide["id"]}
    assert [p["id"] for p in admin_cs.listStoragePools(zoneid=zone["id"], scope="CLUSTER")["storagepool"]] == [
        pool["id"]
    ]


def test_a_pool_in_a_cluster_of_another_zone_is_refused_and_nothing_is_left(admin_cs: CloudStack) -> None:
    _zone, pod, cluster, _host = stack(admin_cs)
    other = new_zone(admin_cs)
    error = refused(
        admin_cs.createStoragePool,
        zoneid=other["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        name="misplaced",
        url=_url(),
    )
    assert error["errorcode"] == 431
    assert error["errortext"] == f"Cluster {cluster['name']} does not belong to zone {other['name']}"
    assert "storagepool" not in admin_cs.listStoragePools(zoneid=other["id"])
    assert "storagepool" not in admin_cs.listStoragePools(clusterid=cluster["id"])


def test_a_cluster_pool_needs_a_host_up_in_the_cluster(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    cluster = new_cluster(admin_cs, zone, new_pod(admin_cs, zone))
    error = refused(
        admin_cs.createStoragePool,
        zoneid=zone["id"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        name="lonely",
        url=_url(),
    )
    assert error["errorcode"] == 530
    assert (
        error["errortext"]
        == f"Failed to add data store: No host up to associate a storage pool with in cluster: {cluster['name']}"
    )
    assert "storagepool" not in admin_cs.listStoragePools(zoneid=zone["id"])


def test_pool_urls_and_names_are_checked(admin_cs: CloudStack) -> None:
    zone, _pod, cluster, _host = stack(admin_cs)
    no_path = refused(
        admin_cs.createStoragePool,
        zoneid=zone["id"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        name="p1",
        url="nfs://10.0.0.1",
    )
    assert (no_path["errorcode"], no_path["errortext"]) == (431, "host or path is null, should be nfs://hostname/path")
    no_scheme = refused(
        admin_cs.createStoragePool,
        zoneid=zone["id"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        name="p1",
        url="10.0.0.1/export",
    )
    assert no_scheme["errortext"] == "scheme is null 10.0.0.1/export, add nfs:// (or cifs://) as a prefix"
    wide = refused(admin_cs.createStoragePool, zoneid=zone["id"], scope="ZONE", name="p1", url=_url())
    assert wide["errortext"] == (
        "Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage."
    )
    first = _cluster_pool(admin_cs, cluster)
    same_path = refused(
        admin_cs.createStoragePool,
        zoneid=zone["id"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        name="p2",
        url=f"nfs://{first['ipaddress']}{first['path']}",
    )
    assert same_path["errorcode"] == 530 and "already in use by another pod" in same_path["errortext"]
    same_name = refused(
        admin_cs.createStoragePool,
        zoneid=zone["id"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        name=first["name"],
        url=_url(),
    )
    assert same_name["errorcode"] == 431
    assert admin_cs.listStoragePools(zoneid=zone["id"])["count"] == 1


def test_update_maintenance_and_delete_a_pool(admin_cs: CloudStack) -> None:
    _zone, _pod, cluster, _host = stack(admin_cs)
    pool = _cluster_pool(admin_cs, cluster)
    changed = admin_cs.updateStoragePool(id=pool["id"], tags="gold,ssd", capacitybytes=50 * GIB, enabled=False)[
        "storagepool"
    ]
    assert (changed["tags"], changed["disksizetotal"], changed["state"]) == ("gold,ssd", 50 * GIB, "Disabled")
    up = refused(admin_cs.deleteStoragePool, id=pool["id"])
    assert (up["errorcode"], up["errortext"]) == (
        431,
        f"Unable to delete storage due to it is not in Maintenance state, id: {pool['id']}",
    )
    held = admin_cs.enableStorageMaintenance(id=pool["id"], fetch_result=True)["storagepool"]
    assert held["state"] == "Maintenance"
    back = admin_cs.cancelStorageMaintenance(id=pool["id"], fetch_result=True)["storagepool"]
    assert back["state"] == "Up"
    admin_cs.enableStorageMaintenance(id=pool["id"], fetch_result=True)
    assert admin_cs.deleteStoragePool(id=pool["id"])["success"]
    assert "storagepool" not in admin_cs.listStoragePools(clusterid=cluster["id"])


def test_a_cluster_with_a_pool_cannot_be_deleted(admin_cs: CloudStack) -> None:
    _zone, _pod, cluster, host = stack(admin_cs)
    _cluster_pool(admin_cs, cluster)
    admin_cs.deleteHost(id=host["id"], forced=True)
    blocked = refused(admin_cs.deleteCluster, id=cluster["id"])
    assert blocked["errorcode"] == 530 and blocked["errortext"].endswith("Cluster still has storage pools")


def test_image_stores(admin_cs: CloudStack) -> None:
    zone = new_zone(admin_cs)
    url = "nfs://10.0.0.2/export/" + uuid.uuid4().hex[:6]
    store = admin_cs.addImageStore(provider="NFS", zoneid=zone["id"], url=url)["imagestore"]
    assert (store["name"], store["url"], store["protocol"], store["providername"], store["scope"]) == (
        url,
        url,
        "nfs",
        "NFS",
        "ZONE",
    )
    assert store["readonly"] is False and store["zonename"] == zone["name"]
    twice = refused(admin_cs.addImageStore, provider="NFS", zoneid=zone["id"], url=url)
    assert (twice["errorcode"], twice["errortext"]) == (
        431,
        f"The image store with name {url} already exists, try creating with another name",
    )
    region = refused(admin_cs.addImageStore, provider="NFS", url="nfs://10.0.0.2/other")
    assert region["errortext"] == "Image store provider NFS does not support scope REGION"
    bad = refused(admin_cs.addImageStore, provider="NFS", zoneid=zone["id"], url="nfs://10.0.0.2")
    assert bad["errorcode"] == 530 and bad["errortext"].startswith("Failed to add data store:")
    assert [s["id"] for s in admin_cs.listImageStores(zoneid=zone["id"])["imagestore"]] == [store["id"]]
    assert admin_cs.deleteImageStore(id=store["id"])["success"]
    assert "imagestore" not in admin_cs.listImageStores(zoneid=zone["id"])


def test_a_zone_host_sees_pools_added_later(admin_cs: CloudStack) -> None:
    zone, _pod, cluster, _host = stack(admin_cs)
    extra = new_host(admin_cs, cluster)
    pool = _cluster_pool(admin_cs, cluster)
    assert pool["id"] in {p["id"] for p in admin_cs.listStoragePools(hostid=extra["id"])["storagepool"]}
    assert admin_cs.listStoragePools(zoneid=zone["id"], status="Up")["count"] == 1
