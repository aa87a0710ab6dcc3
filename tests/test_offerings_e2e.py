"""Service and disk offerings through the `cs` client, and the seeded catalogue."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException
from sqlalchemy import select

from nimbostack.db import migrate
from nimbostack.db.engine import Database
from nimbostack.db.models import DiskOffering, OsCategory, OsType, ServiceOffering
from nimbostack.runtime import utc_now
from nimbostack.services.offerings import seed_catalog
from tests.support.server import RunningServer

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "samples"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _sample(area: str, command: str, key: str) -> dict[str, Any]:
    path = SAMPLES / f"{area}.json"
    if not path.exists():
        pytest.skip(f"reference sample {path} is not available")
    body = json.loads(path.read_text())[command][command.lower() + "response"][key]
    return dict(body[0] if isinstance(body, list) else body)


def _user_cs(server: RunningServer, admin_cs: CloudStack, domain_id: str) -> tuple[CloudStack, dict[str, Any]]:
    username = _name("u")
    account = admin_cs.createAccount(
        username=username,
        password="S3cret!pw",
        email=f"{username}@example.org",
        firstname="A",
        lastname="B",
        accounttype=0,
        domainid=domain_id,
    )["account"]
    keys = admin_cs.registerUserKeys(id=account["user"][0]["id"])["userkeys"]
    return CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"]), account


def _refused(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(CloudStackApiException) as failure:
        call(**params)
    return dict(failure.value.error)


def test_fixed_service_offering_lifecycle_matches_the_sample(admin_cs: CloudStack) -> None:
    sample = _sample("ServiceOfferingService", "createServiceOffering", "serviceoffering")
    name = _name("so")
    made = admin_cs.createServiceOffering(name=name, displaytext=name, cpunumber=2, cpuspeed=1000, memory=2048)[
        "serviceoffering"
    ]
    assert set(sample) <= set(made)
    expected = {k: v for k, v in sample.items() if k not in ("id", "name", "displaytext", "created")}
    assert {k: made[k] for k in expected} == expected

    listed = admin_cs.listServiceOfferings(id=made["id"])["serviceoffering"]
    assert [o["name"] for o in listed] == [name]
    updated = admin_cs.updateServiceOffering(id=made["id"], name=name + "-x", hosttags="ssd,fast")["serviceoffering"]
    assert updated["name"] == name + "-x" and updated["hosttags"] == "ssd,fast"

    assert admin_cs.deleteServiceOffering(id=made["id"])["success"] is True
    assert admin_cs.listServiceOfferings(id=made["id"]) == {}
    kept = admin_cs.listServiceOfferings(id=made["id"], state="all")["serviceoffering"]
    assert kept[0]["state"] == "Inactive"


def test_custom_offering_keeps_its_limits(admin_cs: CloudStack) -> None:
    made = admin_cs.createServiceOffering(
        name=_name("custom"),
        displaytext="custom",
        customized=True,
        mincpunumber=1,
        maxcpunumber=8,
        minmemory=512,
        maxmemory=8192,
        offerha=True,
        limitcpuuse=True,
        tags="gold",
        storagetype="shared",
    )["serviceoffering"]
    assert made["iscustomized"] is True
    assert "cpunumber" not in made and "memory" not in made
    assert made["serviceofferingdetails"] == {
        "mincpunumber": "1",
        "maxcpunumber": "8",
        "minmemory": "512",
        "maxmemory": "8192",
    }
    assert made["offerha"] is True and made["limitcpuuse"] is True and made["storagetags"] == "gold"


def test_bad_service_offerings_are_refused_and_nothing_is_created(admin_cs: CloudStack) -> None:
    name = _name("bad")
    cases = [
        (dict(cpunumber=1, cpuspeed=500, memory=16), "specify the memory value between 32 and 2147483647 MB"),
        (dict(cpunumber=1, memory=512), "specify the cpu speed value between 0 and 2147483647"),
        (
            dict(customized=True, cpunumber=2),
            "For creating a custom compute offering cpu and memory all should be null",
        ),
        (dict(customized=True, mincpunumber=1), "min/max cpu and min/max memory should all be null or all specified"),
        (dict(cpunumber=1, cpuspeed=500, memory=512, storagetype="local", offerha=True), "HA offering with local"),
        (dict(cpunumber=1, cpuspeed=500, memory=512, storagetype="nvme"), "Invalid storage type nvme specified"),
        (dict(cpunumber=1, cpuspeed=500, memory=512, issystem=True, systemvmtype="toaster"), "Invalid systemVmType"),
    ]
    for params, text in cases:
        error = _refused(admin_cs.createServiceOffering, name=name, displaytext=name, **params)
        assert error["errorcode"] == 431 and text in error["errortext"], (params, error)
    assert admin_cs.listServiceOfferings(name=name, state="all") == {}


def test_system_offerings_are_for_root_admins(server: RunningServer, admin_cs: CloudStack) -> None:
    name = _name("sys")
    made = admin_cs.createServiceOffering(
        name=name, displaytext=name, cpunumber=1, cpuspeed=500, memory=256, issystem=True, systemvmtype="consoleproxy"
    )["serviceoffering"]
    assert made["issystem"] is True and made["systemvmtype"] == "consoleproxy"
    system = admin_cs.listServiceOfferings(issystem=True, systemvmtype="consoleproxy", name=name)["serviceoffering"]
    assert [o["id"] for o in system] == [made["id"]]
    assert admin_cs.listServiceOfferings(name=name) == {}

    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    user_cs, _ = _user_cs(server, admin_cs, domain["id"])
    error = _refused(user_cs.listServiceOfferings, issystem=True)
    assert error["errorcode"] == 431 and error["errortext"] == "Only ROOT admins can access system's offering"


def test_domain_offerings_are_seen_only_inside_their_domain(server: RunningServer, admin_cs: CloudStack) -> None:
    inside = admin_cs.createDomain(name=_name("in"))["domain"]
    child = admin_cs.createDomain(name=_name("kid"), parentdomainid=inside["id"])["domain"]
    outside = admin_cs.createDomain(name=_name("out"))["domain"]
    tag = _name("scoped")
    scoped = admin_cs.createServiceOffering(
        name=tag, displaytext=tag, cpunumber=1, cpuspeed=500, memory=512, domainid=inside["id"]
    )["serviceoffering"]
    assert scoped["domainid"] == inside["id"] and scoped["domain"] == inside["name"]
    public = admin_cs.createServiceOffering(name=tag + "p", displaytext=tag, cpunumber=1, cpuspeed=500, memory=512)[
        "serviceoffering"
    ]

    def seen(domain_id: str) -> set[str]:
        user_cs, _ = _user_cs(server, admin_cs, domain_id)
        return {o["id"] for o in user_cs.listServiceOfferings(keyword=tag).get("serviceoffering", [])}

    assert seen(inside["id"]) == {scoped["id"], public["id"]}
    assert seen(child["id"]) == {scoped["id"], public["id"]}
    assert seen(outside["id"]) == {public["id"]}


def test_zone_restricted_offerings(admin_cs: CloudStack) -> None:
    zones = [
        admin_cs.createZone(name=_name("z"), networktype="Basic", dns1="8.8.8.8", internaldns1="10.0.0.1")["zone"]
        for _ in range(2)
    ]
    tag = _name("zoned")
    made = admin_cs.createDiskOffering(name=tag, displaytext=tag, disksize=1, zoneid=zones[0]["id"])["diskoffering"]
    assert made["zoneid"] == zones[0]["id"] and made["zone"] == zones[0]["name"]
    in_first = admin_cs.listDiskOfferings(zoneid=zones[0]["id"], name=tag).get("diskoffering", [])
    assert [o["id"] for o in in_first] == [made["id"]]
    assert admin_cs.listDiskOfferings(zoneid=zones[1]["id"], name=tag) == {}


def test_disk_offering_lifecycle_matches_the_sample(admin_cs: CloudStack) -> None:
    sample = _sample("DiskOfferingService", "createDiskOffering", "diskoffering")
    name = _name("do")
    made = admin_cs.createDiskOffering(name=name, displaytext=name, customized=True)["diskoffering"]
    assert set(sample) <= set(made)
    expected = {k: v for k, v in sample.items() if k not in ("id", "name", "displaytext", "created")}
    assert {k: made[k] for k in expected} == expected

    fixed = admin_cs.createDiskOffering(
        name=name + "f", displaytext="ten", disksize=10, tags="ssd", customizediops=False, miniops=100, maxiops=500
    )["diskoffering"]
    assert fixed["disksize"] == 10 and fixed["iscustomized"] is False and fixed["tags"] == "ssd"
    assert (fixed["miniops"], fixed["maxiops"], fixed["iscustomizediops"]) == (100, 500, False)
    updated = admin_cs.updateDiskOffering(id=fixed["id"], displaytext="ten gigs", tags="")["diskoffering"]
    assert updated["displaytext"] == "ten gigs" and "tags" not in updated

    assert admin_cs.deleteDiskOffering(id=fixed["id"])["success"] is True
    assert admin_cs.listDiskOfferings(id=fixed["id"]) == {}


def test_bad_disk_offerings_are_refused(admin_cs: CloudStack) -> None:
    name = _name("baddisk")
    cases = [
        (dict(), "Disksize is required for a non-customized disk offering"),
        (dict(customized=True, disksize=5), "Disksize is not allowed for a customized disk offering"),
        (dict(disksize=-1), "Please specify a disk size of at least 1 GB."),
        (dict(disksize=5000), "The maximum size for a disk is 2000 GB."),
        (dict(disksize=5, customizediops=False, miniops=10, maxiops=5), "The min IOPS must be less than or equal"),
    ]
    for params, text in cases:
        error = _refused(admin_cs.createDiskOffering, name=name, displaytext=name, **params)
        assert error["errorcode"] == 431 and text in error["errortext"], (params, error)
    assert admin_cs.listDiskOfferings(name=name, state="all") == {}


def test_users_cannot_create_offerings(server: RunningServer, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    user_cs, _ = _user_cs(server, admin_cs, domain["id"])
    error = _refused(user_cs.createDiskOffering, name="x", displaytext="x", disksize=1)
    assert error["errorcode"] == 432


def test_seed_catalog_lays_out_cloudstacks_defaults(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/seed.db")
    migrate.upgrade(db.engine)
    try:
        for _ in range(2):  # a second run must not duplicate anything
            with db.session() as session:
                seed_catalog(session, utc_now())
        with db.session() as session:
            compute = {o.name: o for o in session.scalars(select(ServiceOffering)).all()}
            disks = [d.name for d in session.scalars(select(DiskOffering).order_by(DiskOffering.id)).all()]
            os_types = set(session.scalars(select(OsType.description)).all())
            categories = set(session.scalars(select(OsCategory.name)).all())
    finally:
        db.dispose()
    small, medium = compute["Small Instance"], compute["Medium Instance"]
    assert (small.cpu_number, small.cpu_speed, small.memory) == (1, 500, 512)
    assert (medium.cpu_number, medium.cpu_speed, medium.memory) == (1, 1000, 1024)
    router = compute["System Offering For Software Router"]
    assert router.is_system and router.system_vm_type == "domainrouter" and router.default_use
    assert compute["System Offering For Console Proxy - Local Storage"].storage_type == "local"
    assert disks == ["Small", "Medium", "Large", "Large", "Custom"]
    assert {"CentOS 5.6 (64-bit)", "Ubuntu 22.04 LTS", "Other Linux (64-bit)", "None"} <= os_types
    assert {"CentOS", "Debian", "Ubuntu", "Windows", "Other"} <= categories
