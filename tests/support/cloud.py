"""Build infrastructure through the API with the `cs` client, for end-to-end tests; unique names throughout."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

GIB = 1024**3


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_zone(cs: CloudStack, network: str = "Advanced") -> dict[str, Any]:
    extra = {"guestcidraddress": "10.1.1.0/24"} if network == "Advanced" else {}
    zone: dict[str, Any] = cs.createZone(
        name=unique("zone"), networktype=network, dns1="8.8.8.8", internaldns1="10.0.0.2", **extra
    )["zone"]
    return zone


def new_pod(cs: CloudStack, zone: dict[str, Any], third: int = 5) -> dict[str, Any]:
    pod: dict[str, Any] = cs.createPod(
        zoneid=zone["id"],
        name=unique("pod"),
        gateway=f"172.16.{third}.1",
        netmask="255.255.255.0",
        startip=f"172.16.{third}.10",
        endip=f"172.16.{third}.100",
    )["pod"]
    return pod


def new_cluster(cs: CloudStack, zone: dict[str, Any], pod: dict[str, Any]) -> dict[str, Any]:
    reply = cs.addCluster(
        zoneid=zone["id"],
        podid=pod["id"],
        clustername=unique("cluster"),
        clustertype="CloudManaged",
        hypervisor="Simulator",
    )
    assert reply["count"] == 1
    cluster: dict[str, Any] = reply["cluster"][0]
    return cluster


def new_host(cs: CloudStack, cluster: dict[str, Any], url: str | None = None) -> dict[str, Any]:
    reply = cs.addHost(
        zoneid=cluster["zoneid"],
        podid=cluster["podid"],
        clusterid=cluster["id"],
        hypervisor="Simulator",
        url=url or f"http://sim/{uuid.uuid4().hex[:6]}/h0",
    )
    # CloudStack answers addHost with a one-item list
    assert reply["count"] == 1 and len(reply["host"]) == 1
    host: dict[str, Any] = reply["host"][0]
    return host


def stack(cs: CloudStack) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    zone = new_zone(cs)
    pod = new_pod(cs, zone)
    cluster = new_cluster(cs, zone, pod)
    return zone, pod, cluster, new_host(cs, cluster)


def event_types(cs: CloudStack, resource_id: str) -> list[str]:
    """Types of the events recorded about one object, oldest first.

    listEvents filters by resourceid only for accounts, users and domains, so the object's events are
    picked from all of them here. It answers newest first, and events of one second by falling id.
    """
    events = cs.listEvents(listall=True, pagesize=-1).get("event", [])
    return [e["type"] for e in reversed(events) if e.get("resourceid") == resource_id]


def refused(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(CloudStackApiException) as failure:
        call(**params)
    error: dict[str, Any] = failure.value.error
    return error
