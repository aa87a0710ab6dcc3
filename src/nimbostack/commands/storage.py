"""Primary storage pools (create, list, update, maintenance, delete) and image stores (add, list, delete)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Cluster, Host, ImageStore, Pod, StoragePool, Zone
from nimbostack.services import capacity, image_stores, storage
from nimbostack.services.live import live, live_or_none
from nimbostack.views.hosts import image_store_view, pool_view

POOL_ID = Param("id", ParamType.UUID, "The storage pool", required=True, entity=StoragePool, related="listStoragePools")


def _pool(call: Call, pool: StoragePool) -> dict[str, Any]:
    return pool_view(call.db, pool, capacity.Factors(call.db))


@command(
    "createStoragePool",
    description="Adds primary storage to a cluster (mounted through one of its hosts) or to a whole zone.",
    params=[
        Param("name", ParamType.STRING, "Name of the pool", required=True),
        Param("url", ParamType.STRING, "Where the storage is, e.g. nfs://10.0.0.1/export/primary", required=True),
        Param("zoneid", ParamType.UUID, "Zone of the pool", required=True, entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Pod of a cluster-wide pool", entity=Pod, related="listPods"),
        Param("clusterid", ParamType.UUID, "Cluster of a cluster-wide pool", entity=Cluster, related="listClusters"),
        Param("scope", ParamType.STRING, "CLUSTER (the default) or ZONE"),
        Param("hypervisor", ParamType.STRING, "Hypervisor of a zone-wide pool"),
        Param("tags", ParamType.STRING, "Comma-separated storage tags"),
        Param("provider", ParamType.STRING, "Storage provider (DefaultPrimary)"),
        Param("capacitybytes", ParamType.LONG, "Size to record instead of the size the storage reports"),
        Param("capacityiops", ParamType.LONG, "IOPS the pool can deliver"),
        Param("managed", ParamType.BOOLEAN, "Whether the storage is managed (not supported; ignored)"),
        Param("details", ParamType.MAP, "Provider details (accepted, not used)"),
    ],
    kind=Kind.OBJECT,
    key="storagepool",
    roles=ADMIN_ONLY,
)
def create_storage_pool(call: Call) -> dict[str, Any]:
    pool = storage.create(
        call.db,
        call.caller,
        zone=live(call.arg("zoneid"), "zone"),
        pod=live_or_none(call.arg("podid"), "pod"),
        cluster=live_or_none(call.arg("clusterid"), "cluster"),
        name=call.arg("name"),
        url=call.arg("url"),
        scope=call.arg("scope"),
        hypervisor=call.arg("hypervisor"),
        tags=call.arg("tags"),
        capacity_bytes=call.arg("capacitybytes"),
        capacity_iops=call.arg("capacityiops"),
        now=call.now,
    )
    return _pool(call, pool)


@command(
    "listStoragePools",
    description="Lists primary storage pools with their size and allocation.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this pool", entity=StoragePool, related="listStoragePools"),
        Param("name", ParamType.STRING, "Only the pools with this name"),
        Param("zoneid", ParamType.UUID, "Only pools of this zone", entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Only pools of this pod", entity=Pod, related="listPods"),
        Param("clusterid", ParamType.UUID, "Only pools of this cluster", entity=Cluster, related="listClusters"),
        Param("hostid", ParamType.UUID, "Only pools this host can reach", entity=Host, related="listHosts"),
        Param("ipaddress", ParamType.STRING, "Only pools served from this address"),
        Param("path", ParamType.STRING, "Only pools with this path"),
        Param("scope", ParamType.STRING, "Only CLUSTER or ZONE pools"),
        Param("status", ParamType.STRING, "Only pools in this state (Up, Disabled, Maintenance...)"),
    ],
    kind=Kind.LIST,
    key="storagepool",
    roles=ADMIN_ONLY,
)
def list_storage_pools(call: Call) -> Listing:
    stmt = select(StoragePool).where(StoragePool.removed.is_(None), keyword_filter(call, StoragePool.name))
    filters: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "id": lambda v: StoragePool.id == v.id,
        "name": lambda v: StoragePool.name == v,
        "zoneid": lambda v: StoragePool.zone_id == v.id,
        "podid": lambda v: StoragePool.pod_id == v.id,
        "clusterid": lambda v: StoragePool.cluster_id == v.id,
        "ipaddress": lambda v: StoragePool.host_address == v,
        "path": lambda v: StoragePool.path == v,
        "scope": lambda v: StoragePool.scope == v.upper(),
        "status": lambda v: StoragePool.status.ilike(v),
        # A host reaches the pools of its cluster and the zone-wide pools of its zone.
        "hostid": lambda v: or_(
            StoragePool.cluster_id == v.cluster_id, (StoragePool.scope == "ZONE") & (StoragePool.zone_id == v.zone_id)
        ),
    }
    for name, condition in filters.items():
        if call.has(name):
            stmt = stmt.where(condition(call.arg(name)))
    rows, count = fetch(call, stmt, StoragePool.id)
    factors = capacity.Factors(call.db)
    return Listing([pool_view(call.db, p, factors) for p in rows], count)


@command(
    "updateStoragePool",
    description="Renames a pool, changes its tags or size, or enables and disables it.",
    params=[
        POOL_ID,
        Param("name", ParamType.STRING, "New name"),
        Param("tags", ParamType.LIST, "New storage tags"),
        Param("capacitybytes", ParamType.LONG, "New size in bytes"),
        Param("capacityiops", ParamType.LONG, "New IOPS"),
        Param("enabled", ParamType.BOOLEAN, "false disables the pool for new volumes, true enables it again"),
    ],
    kind=Kind.OBJECT,
    key="storagepool",
    roles=ADMIN_ONLY,
)
def update_storage_pool(call: Call) -> dict[str, Any]:
    pool = storage.update(
        call.db,
        live(call.arg("id"), "storage pool"),
        name=call.arg("name"),
        tags=call.arg("tags"),
        capacity_bytes=call.arg("capacitybytes"),
        capacity_iops=call.arg("capacityiops"),
        enabled=call.arg("enabled") if call.has("enabled") else None,
    )
    return _pool(call, pool)


@command(
    "enableStorageMaintenance",
    description="Puts a primary storage pool into maintenance.",
    params=[POOL_ID],
    kind=Kind.OBJECT,
    key="storagepool",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="StoragePool",
    instance_param="id",
)
def enable_storage_maintenance(call: Call) -> dict[str, Any]:
    return _pool(call, storage.enable_maintenance(call.db, live(call.arg("id"), "storage pool")))


@command(
    "cancelStorageMaintenance",
    description="Takes a primary storage pool out of maintenance.",
    params=[POOL_ID],
    kind=Kind.OBJECT,
    key="storagepool",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="StoragePool",
    instance_param="id",
)
def cancel_storage_maintenance(call: Call) -> dict[str, Any]:
    return _pool(call, storage.cancel_maintenance(call.db, live(call.arg("id"), "storage pool")))


@command(
    "deleteStoragePool",
    description="Deletes a primary storage pool that is in maintenance.",
    params=[POOL_ID, Param("forced", ParamType.BOOLEAN, "Delete even when volumes are still allocated on it")],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_storage_pool(call: Call) -> Success:
    storage.delete(call.db, live(call.arg("id"), "storage pool"), forced=bool(call.arg("forced")), now=call.now)
    return Success()


@command(
    "addImageStore",
    description="Adds secondary storage (an NFS image store) to a zone.",
    params=[
        Param("provider", ParamType.STRING, "Image store provider: NFS", required=True),
        Param("url", ParamType.STRING, "Where the store is, e.g. nfs://10.0.0.1/export/secondary"),
        Param("name", ParamType.STRING, "Name of the store; the URL when left out"),
        Param("zoneid", ParamType.UUID, "Zone of the store", entity=Zone, related="listZones"),
        Param("details", ParamType.MAP, "Provider details (accepted, not used)"),
    ],
    kind=Kind.OBJECT,
    key="imagestore",
    roles=ADMIN_ONLY,
)
def add_image_store(call: Call) -> dict[str, Any]:
    store = image_stores.add(
        call.db,
        name=call.arg("name"),
        url=call.arg("url"),
        provider=call.arg("provider"),
        zone=live_or_none(call.arg("zoneid"), "zone"),
        now=call.now,
    )
    return image_store_view(call.db, store)


@command(
    "listImageStores",
    description="Lists image stores.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this store", entity=ImageStore, related="listImageStores"),
        Param("name", ParamType.STRING, "Only the store with this name"),
        Param("zoneid", ParamType.UUID, "Only stores of this zone", entity=Zone, related="listZones"),
        Param("protocol", ParamType.STRING, "Only stores reached with this protocol (nfs)"),
        Param("provider", ParamType.STRING, "Only stores of this provider"),
        Param("readonly", ParamType.BOOLEAN, "Only read-only (or only writable) stores"),
    ],
    kind=Kind.LIST,
    key="imagestore",
    roles=ADMIN_ONLY,
)
def list_image_stores(call: Call) -> Listing:
    stmt = select(ImageStore).where(ImageStore.removed.is_(None), keyword_filter(call, ImageStore.name))
    filters: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "id": lambda v: ImageStore.id == v.id,
        "name": lambda v: ImageStore.name == v,
        "zoneid": lambda v: ImageStore.zone_id == v.id,
        "protocol": lambda v: ImageStore.protocol.ilike(v),
        "provider": lambda v: ImageStore.provider.ilike(v),
        "readonly": lambda v: ImageStore.readonly == v,
    }
    for name, condition in filters.items():
        if call.has(name):
            stmt = stmt.where(condition(call.arg(name)))
    rows, count = fetch(call, stmt, ImageStore.id)
    return Listing([image_store_view(call.db, s) for s in rows], count)


@command(
    "deleteImageStore",
    description="Deletes an image store that holds no templates.",
    params=[
        Param("id", ParamType.UUID, "The image store", required=True, entity=ImageStore, related="listImageStores")
    ],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def delete_image_store(call: Call) -> Success:
    image_stores.delete(call.db, live(call.arg("id"), "image store"), call.now)
    return Success()
