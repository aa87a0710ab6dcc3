"""Settings kept per zone, cluster and primary storage pool, through the `cs` client.

Every value here is set on objects the test creates, never globally, so tests sharing the server do not
see each other's values.
"""

from __future__ import annotations

import uuid
from typing import Any

from cs import CloudStack

from tests.support.cloud import GIB, new_cluster, new_host, new_zone, refused, stack, unique

CPU = "cpu.overprovisioning.factor"
STORAGE = "storage.overprovisioning.factor"
THRESHOLD = "pool.storage.capacity.disablethreshold"
MULTIPLE = "cannot handle multiple IDs, provide only one ID corresponding to the scope"


def _pool(cs: CloudStack, zone: dict[str, Any], cluster: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    place = {"podid": cluster["podid"], "clusterid": cluster["id"]} if cluster else {"scope": "zone"}
    if cluster is None:
        place["hypervisor"] = "Simulator"
    pool: dict[str, Any] = cs.createStoragePool(
        zoneid=zone["id"],
        name=unique("primary"),
        url=extra.pop("url", f"nfs://10.0.0.1/export/{uuid.uuid4().hex[:8]}"),
        capacitybytes=100 * GIB,
        **place,
        **extra,
    )["storagepool"]
    return pool


def _setting(cs: CloudStack, name: str, **scope: str) -> dict[str, Any]:
    found = [c for c in cs.listConfigurations(name=name, **scope)["configuration"] if c["name"] == name]
    assert len(found) == 1
    return dict(found[0])


def _host(cs: CloudStack, host: dict[str, Any]) -> dict[str, Any]:
    return dict(cs.listHosts(id=host["id"])["host"][0])


def _pool_now(cs: CloudStack, pool: dict[str, Any]) -> dict[str, Any]:
    return dict(cs.listStoragePools(id=pool["id"])["storagepool"][0])


def _failure(call: Any, **params: Any) -> tuple[int, str]:
    error = refused(call, **params)
    return error["errorcode"], error["errortext"]


def test_a_cluster_cpu_factor_applies_to_the_hosts_of_that_cluster_only(admin_cs: CloudStack) -> None:
    zone, pod, cluster, host = stack(admin_cs)
    other_cluster = new_cluster(admin_cs, zone, pod)
    other_host = new_host(admin_cs, other_cluster)
    global_value = _setting(admin_cs, CPU)["value"]
    assert _host(admin_cs, host)["cpuwithoverprovisioning"] == "32000"

    changed = admin_cs.updateConfiguration(name=CPU, value="2", clusterid=cluster["id"])["configuration"]
    assert (changed["name"], changed["value"], changed["scope"]) == (CPU, "2", "cluster")
    assert _host(admin_cs, host)["cpuwithoverprovisioning"] == "64000"
    assert _host(admin_cs, other_host)["cpuwithoverprovisioning"] == "32000"
    ratios = {c["id"]: c["cpuovercommitratio"] for c in admin_cs.listClusters(zoneid=zone["id"])["cluster"]}
    assert ratios == {cluster["id"]: "2.0", other_cluster["id"]: "1.0"}
    listed = _setting(admin_cs, CPU, clusterid=cluster["id"])
    assert (listed["value"], listed["scope"]) == ("2", "cluster")
    assert _setting(admin_cs, CPU, clusterid=other_cluster["id"])["value"] == global_value
    untouched = _setting(admin_cs, CPU)
    assert untouched["value"] == global_value and "scope" not in untouched
    cpu_rows = admin_cs.listCapacity(zoneid=zone["id"], type=1)["capacity"]
    assert [r["capacitytotal"] for r in cpu_rows] == [64000 + 32000]

    edits = [e for e in admin_cs.listEvents(type="CONFIGURATION.VALUE.EDIT")["event"] if e.get("resourceid")]
    mine = [e for e in edits if e["resourceid"] == cluster["id"]]
    assert [(e["resourcetype"], e["resourcename"]) for e in mine] == [("Cluster", cluster["name"])]
    assert cluster["name"] in mine[0]["description"]

    reset = admin_cs.resetConfiguration(name=CPU, clusterid=cluster["id"])["configuration"]
    assert (reset["value"], reset["scope"]) == (global_value, "Cluster")
    assert _host(admin_cs, host)["cpuwithoverprovisioning"] == "32000"
    assert _setting(admin_cs, CPU, clusterid=cluster["id"])["value"] == global_value


def test_a_pool_storage_factor_changes_that_pool_only(admin_cs: CloudStack) -> None:
    zone, _pod, cluster, _host = stack(admin_cs)
    pool, neighbour = _pool(admin_cs, zone, cluster), _pool(admin_cs, zone, cluster)
    assert _pool_now(admin_cs, pool)["overprovisionfactor"] == "2.0"

    changed = admin_cs.updateConfiguration(name=STORAGE, value="3", storageid=pool["id"])["configuration"]
    assert (changed["value"], changed["scope"]) == ("3", "storagepool")
    assert _pool_now(admin_cs, pool)["overprovisionfactor"] == "3.0"
    assert _pool_now(admin_cs, neighbour)["overprovisionfactor"] == "2.0"
    allocated = admin_cs.listCapacity(zoneid=zone["id"], type=3)["capacity"]
    assert [r["capacitytotal"] for r in allocated] == [300 * GIB + 200 * GIB]
    assert _setting(admin_cs, STORAGE, storageid=pool["id"])["value"] == "3"
    assert _setting(admin_cs, STORAGE, storageid=neighbour["id"])["value"] == _setting(admin_cs, STORAGE)["value"]

    reset = admin_cs.resetConfiguration(name=STORAGE, storageid=pool["id"])["configuration"]
    assert (reset["value"], reset["scope"]) == (_setting(admin_cs, STORAGE)["value"], "StoragePool")
    assert _pool_now(admin_cs, pool)["overprovisionfactor"] == "2.0"

    # Pools of a kind that is never overprovisioned refuse a factor instead of storing one that never applies.
    local = _pool(admin_cs, zone, cluster, url=f"sharedmountpoint:///mnt/{uuid.uuid4().hex[:6]}")
    assert _failure(admin_cs.updateConfiguration, name=STORAGE, value="3", storageid=local["id"]) == (
        431,
        f"Unable to update storage pool {local['name']}. Overprovision not supported for SharedMountPoint",
    )
    assert _setting(admin_cs, STORAGE, storageid=local["id"])["value"] == _setting(admin_cs, STORAGE)["value"]


def test_a_zone_value_reaches_the_pools_of_that_zone_until_a_pool_has_its_own(admin_cs: CloudStack) -> None:
    zone, _pod, cluster, _host = stack(admin_cs)
    pool, wide = _pool(admin_cs, zone, cluster), _pool(admin_cs, zone)
    elsewhere, _, elsewhere_cluster, _ = stack(admin_cs)
    far_pool = _pool(admin_cs, elsewhere, elsewhere_cluster)
    default = _setting(admin_cs, THRESHOLD)["value"]

    changed = admin_cs.updateConfiguration(name=THRESHOLD, value="0.7", zoneid=zone["id"])["configuration"]
    assert (changed["value"], changed["scope"]) == ("0.7", "zone")
    for scope in ({"zoneid": zone["id"]}, {"storageid": pool["id"]}, {"storageid": wide["id"]}):
        assert _setting(admin_cs, THRESHOLD, **scope)["value"] == "0.7", scope
    assert _setting(admin_cs, THRESHOLD, zoneid=elsewhere["id"])["value"] == default
    assert _setting(admin_cs, THRESHOLD, storageid=far_pool["id"])["value"] == default
    assert _setting(admin_cs, THRESHOLD)["value"] == default

    # The pool's own value wins over its zone's; the zone's other pools keep the zone's.
    admin_cs.updateConfiguration(name=THRESHOLD, value="0.6", storageid=pool["id"])
    listed = _setting(admin_cs, THRESHOLD, storageid=pool["id"])
    assert (listed["value"], listed["scope"]) == ("0.6", "storagepool")
    assert _setting(admin_cs, THRESHOLD, storageid=wide["id"])["value"] == "0.7"

    # Removing the pool's value falls back to the zone's, removing the zone's to the global one.
    reset = admin_cs.resetConfiguration(name=THRESHOLD, storageid=pool["id"])["configuration"]
    assert (reset["value"], reset["scope"]) == ("0.7", "StoragePool")
    reset = admin_cs.resetConfiguration(name=THRESHOLD, zoneid=zone["id"])["configuration"]
    assert (reset["value"], reset["scope"]) == (default, "Zone")
    assert _setting(admin_cs, THRESHOLD, storageid=pool["id"])["value"] == default

    assert _failure(admin_cs.updateConfiguration, name=THRESHOLD, value="1.5", zoneid=zone["id"]) == (
        431,
        f"Please enter a value between 0 and 1 for the configuration parameter: [{THRESHOLD}].",
    )


def test_each_scope_lists_the_settings_kept_at_that_scope(admin_cs: CloudStack) -> None:
    zone, _pod, cluster, _host = stack(admin_cs)
    pool = _pool(admin_cs, zone, cluster)

    def names(scope: str, **where: str) -> set[str]:
        listed = admin_cs.listConfigurations(**where)["configuration"]
        assert {c["scope"] for c in listed} == {scope}
        return {c["name"] for c in listed}

    in_cluster = names("cluster", clusterid=cluster["id"])
    assert {CPU, "mem.overprovisioning.factor"} <= in_cluster and STORAGE not in in_cluster
    in_pool = names("storagepool", storageid=pool["id"])
    assert {STORAGE, THRESHOLD} <= in_pool and CPU not in in_pool
    in_zone = names("zone", zoneid=zone["id"])
    assert THRESHOLD in in_zone and CPU not in in_zone and STORAGE not in in_zone


def test_bad_scopes_are_refused_and_change_nothing(admin_cs: CloudStack) -> None:
    zone, pod, cluster, _host = stack(admin_cs)
    pool = _pool(admin_cs, zone, cluster)
    update, reset = admin_cs.updateConfiguration, admin_cs.resetConfiguration
    wrong_scope = f"Invalid scope id provided for the parameter {CPU}"
    assert _failure(update, name=CPU, value="2", storageid=pool["id"]) == (431, wrong_scope)
    assert _failure(update, name=CPU, value="2", zoneid=zone["id"]) == (431, wrong_scope)
    assert _failure(reset, name=CPU, storageid=pool["id"]) == (431, wrong_scope)
    assert _failure(update, name="default.page.size", value="20", clusterid=cluster["id"]) == (
        431,
        "Invalid scope id provided for the parameter default.page.size",
    )

    assert _failure(update, name=CPU, value="2", clusterid=cluster["id"], storageid=pool["id"]) == (431, MULTIPLE)
    assert _failure(reset, name=THRESHOLD, zoneid=zone["id"], storageid=pool["id"]) == (431, MULTIPLE)
    assert _failure(admin_cs.listConfigurations, zoneid=zone["id"], clusterid=cluster["id"]) == (431, MULTIPLE)

    for param in ("zoneid", "clusterid", "storageid"):
        unknown = str(uuid.uuid4())
        for call, extra in (
            (update, {"name": CPU, "value": "2"}),
            (reset, {"name": CPU}),
            (admin_cs.listConfigurations, {}),
        ):
            code, text = _failure(call, **extra, **{param: unknown})
            assert code == 431 and f"Invalid parameter {param} value={unknown}" in text, (param, text)

    # A removed object still resolves from its id, and is then not found.
    gone = new_cluster(admin_cs, zone, pod)
    admin_cs.deleteCluster(id=gone["id"])
    assert _failure(update, name=CPU, value="2", clusterid=gone["id"]) == (
        431,
        f"unable to find cluster by id {gone['id']}",
    )
    empty = new_zone(admin_cs)
    admin_cs.deleteZone(id=empty["id"])
    assert _failure(update, name=THRESHOLD, value="0.5", zoneid=empty["id"]) == (
        431,
        f"unable to find zone by id {empty['id']}",
    )

    assert "scope" not in _setting(admin_cs, CPU)
    for scope in ({"clusterid": cluster["id"]}, {"storageid": pool["id"]}, {"zoneid": zone["id"]}):
        listed = admin_cs.listConfigurations(**scope)["configuration"]
        assert all(c["value"] == _setting(admin_cs, c["name"])["value"] for c in listed), scope
