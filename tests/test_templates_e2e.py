"""Templates and ISOs through the `cs` client: registration, simulated download, filters, sharing, copies."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.clients import SessionClient
from tests.support.server import RunningServer

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "samples"
VHD_URL = "http://dl.example.org/templates/macchinina-xen.vhd.bz2"
ISO_URL = "http://dl.example.org/iso/TinyCore-8.0.iso"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _refused(call: Callable[..., Any], **params: Any) -> dict[str, Any]:
    with pytest.raises(CloudStackApiException) as failure:
        call(**params)
    return dict(failure.value.error)


def _zone(admin_cs: CloudStack, *, image_store: bool = True) -> dict[str, Any]:
    zone = admin_cs.createZone(
        name=_name("tz"),
        networktype="Advanced",
        dns1="8.8.8.8",
        internaldns1="10.0.0.1",
        guestcidraddress="10.1.0.0/24",
        allocationstate="Enabled",
    )["zone"]
    if image_store:
        admin_cs.addImageStore(
            name=_name("sec"), provider="NFS", url=f"nfs://10.0.0.2/export/{zone['name']}", zoneid=zone["id"]
        )
    return zone


@pytest.fixture(scope="module")
def zone(admin: SessionClient, admin_cs: CloudStack) -> dict[str, Any]:
    if not admin("listApis", name="addImageStore").get("api"):
        pytest.skip("addImageStore is not available yet: templates need a zone with an image store")
    return _zone(admin_cs)


@pytest.fixture(scope="module")
def os_type(admin_cs: CloudStack) -> str:
    found = admin_cs.listOsTypes(description="CentOS 5.6 (64-bit)")["ostype"]
    return str(found[0]["id"])


class Member:
    """An account with its own keys, for acting as a user."""

    def __init__(self, server: RunningServer, admin_cs: CloudStack, domain_id: str) -> None:
        username = _name("u")
        self.account = admin_cs.createAccount(
            username=username,
            password="S3cret!pw",
            email=f"{username}@example.org",
            firstname="A",
            lastname="B",
            accounttype=0,
            domainid=domain_id,
        )["account"]
        keys = admin_cs.registerUserKeys(id=self.account["user"][0]["id"])["userkeys"]
        self.cs = CloudStack(endpoint=server.url, key=keys["apikey"], secret=keys["secretkey"], poll_interval=0.2)
        self.name = self.account["name"]


def _register(cs: CloudStack, zone: dict[str, Any], os_type: str, name: str, **extra: Any) -> dict[str, Any]:
    reply = cs.registerTemplate(
        name=name,
        displaytext=name,
        url=VHD_URL,
        format="VHD",
        hypervisor="Simulator",
        ostypeid=os_type,
        zoneid=zone["id"],
        **extra,
    )
    assert reply["count"] == 1
    return dict(reply["template"][0])


def _wait_ready(cs: CloudStack, template_id: str, command: str = "listTemplates", **params: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        found = getattr(cs, command)(id=template_id, **params)
        items = found.get("template") or found.get("iso") or []
        if items and items[0]["isready"]:
            return dict(items[0])
        if time.monotonic() > deadline:
            raise AssertionError(f"{template_id} never became ready: {found}")
        time.sleep(0.2)


def test_registered_template_downloads_and_becomes_ready(
    admin_cs: CloudStack, zone: dict[str, Any], os_type: str
) -> None:
    name = _name("tpl")
    made = _register(admin_cs, zone, os_type, name, passwordenabled=True, sshkeyenabled=True)
    path = SAMPLES / "TemplateService.json"
    if path.exists():
        sample = json.loads(path.read_text())["registerTemplate"]["registertemplateresponse"]["template"][0]
        missing = set(sample) - set(made) - {"size", "physicalsize"}  # sizes appear once downloaded
        assert not missing
    assert made["isready"] is False and made["status"].endswith("% Downloaded")
    assert made["zoneid"] == zone["id"] and made["hypervisor"] == "Simulator" and made["format"] == "VHD"
    assert made["passwordenabled"] is True and made["sshkeyenabled"] is True and made["crossZones"] is False
    assert made["ostypename"] == "CentOS 5.6 (64-bit)" and made["account"] == "admin"

    ready = _wait_ready(admin_cs, made["id"], templatefilter="self")
    assert ready["status"] == "Download Complete"
    assert ready["size"] == 5242880 and ready["downloaddetails"][0]["downloadState"] == "DOWNLOADED"


def test_non_http_urls_and_zones_without_storage_are_refused(
    admin_cs: CloudStack, zone: dict[str, Any], os_type: str
) -> None:
    name = _name("bad")
    for url in ("ftp://dl.example.org/t.vhd", "nfs://10.0.0.2/t.vhd"):
        error = _refused(
            admin_cs.registerTemplate,
            name=name,
            displaytext=name,
            url=url,
            format="VHD",
            hypervisor="Simulator",
            ostypeid=os_type,
            zoneid=zone["id"],
        )
        assert error["errorcode"] == 431 and error["errortext"] == f"Unsupported scheme for url: {url}"
    error = _refused(
        admin_cs.registerTemplate,
        name=name,
        displaytext=name,
        url="file:///tmp/t.vhd",
        format="VHD",
        hypervisor="Simulator",
        zoneid=zone["id"],
    )
    assert error["errorcode"] == 431 and error["errortext"] == "File:// type urls are currently unsupported"
    error = _refused(
        admin_cs.registerTemplate,
        name=name,
        displaytext=name,
        url=VHD_URL,
        format="QCOW2",
        hypervisor="Simulator",
        zoneid=zone["id"],
    )
    assert error["errorcode"] == 431 and "is an invalid for the format qcow2" in error["errortext"]
    bare = _zone(admin_cs, image_store=False)
    error = _refused(
        admin_cs.registerTemplate,
        name=name,
        displaytext=name,
        url=VHD_URL,
        format="VHD",
        hypervisor="Simulator",
        zoneid=bare["id"],
    )
    assert error["errorcode"] == 530 and "Unable to find image store" in error["errortext"]
    assert admin_cs.listTemplates(templatefilter="all", name=name) == {}


def test_template_filters_for_admin_owner_and_other_user(
    server: RunningServer, admin_cs: CloudStack, zone: dict[str, Any], os_type: str
) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    owner, other = Member(server, admin_cs, domain["id"]), Member(server, admin_cs, domain["id"])
    tag = _name("f")
    made = {
        "featured": _register(admin_cs, zone, os_type, tag + "a", ispublic=True, isfeatured=True),
        "community": _register(admin_cs, zone, os_type, tag + "b", ispublic=True),
        "private": _register(owner.cs, zone, os_type, tag + "c"),
        "public": _register(owner.cs, zone, os_type, tag + "d", ispublic=True, isfeatured=True),
    }
    assert made["public"]["isfeatured"] is False  # only root admins feature at registration
    for template in made.values():
        _wait_ready(admin_cs, template["id"], templatefilter="all")
    ids = {key: t["id"] for key, t in made.items()}

    def seen(cs: CloudStack, flt: str) -> set[str]:
        found = cs.listTemplates(templatefilter=flt, keyword=tag).get("template", [])
        return {key for key, value in ids.items() if value in {t["id"] for t in found}}

    assert seen(admin_cs, "featured") == {"featured"}
    assert seen(admin_cs, "community") == {"community", "public"}
    assert seen(admin_cs, "self") == seen(admin_cs, "selfexecutable") == {"featured", "community"}
    assert seen(admin_cs, "executable") == {"featured", "community", "public"}
    assert seen(admin_cs, "all") == {"featured", "community", "private", "public"}
    assert seen(owner.cs, "featured") == {"featured"}
    assert seen(owner.cs, "self") == seen(owner.cs, "selfexecutable") == {"private", "public"}
    assert seen(owner.cs, "executable") == {"featured", "community", "private", "public"}
    assert seen(owner.cs, "sharedexecutable") == set()
    assert seen(other.cs, "self") == set()
    assert seen(other.cs, "executable") == {"featured", "community", "public"}
    assert seen(other.cs, "sharedexecutable") == set()
    error = _refused(other.cs.listTemplates, templatefilter="all")
    assert error["errorcode"] == 431 and error["errortext"] == "Filter all can be specified by admin only"
    # Download status and URL are for admins and the owner only.
    assert "url" not in other.cs.listTemplates(templatefilter="community", keyword=tag)["template"][0]


def test_sharing_a_template_with_another_account(
    server: RunningServer, admin_cs: CloudStack, zone: dict[str, Any], os_type: str
) -> None:
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    owner, other = Member(server, admin_cs, domain["id"]), Member(server, admin_cs, domain["id"])
    template = _register(owner.cs, zone, os_type, _name("shared"))
    _wait_ready(owner.cs, template["id"], templatefilter="self")
    error = _refused(other.cs.listTemplates, templatefilter="executable", id=template["id"])
    assert error["errorcode"] == 531

    done = owner.cs.updateTemplatePermissions(id=template["id"], accounts=other.name, op="add")
    assert done["success"] is True
    shared = other.cs.listTemplates(templatefilter="sharedexecutable")["template"]
    assert [t["id"] for t in shared] == [template["id"]]
    permissions = owner.cs.listTemplatePermissions(id=template["id"])["templatepermission"]
    assert permissions["ispublic"] is False and set(permissions["account"]) == {owner.name, other.name}

    error = _refused(other.cs.updateTemplate, id=template["id"], name="mine now")
    assert error["errorcode"] == 531
    error = _refused(other.cs.updateTemplatePermissions, id=template["id"], accounts=other.name, op="grant")
    assert error["errorcode"] == 531  # not the owner: refused before the operation is even looked at
    error = _refused(owner.cs.updateTemplatePermissions, id=template["id"], accounts="nobody", op="add")
    assert error["errorcode"] == 431 and "account not found" in error["errortext"]

    owner.cs.updateTemplatePermissions(id=template["id"], accounts=other.name, op="remove")
    assert other.cs.listTemplates(templatefilter="sharedexecutable") == {}


def test_update_copy_and_delete_a_template(admin_cs: CloudStack, zone: dict[str, Any], os_type: str) -> None:
    template = _register(admin_cs, zone, os_type, _name("life"))
    _wait_ready(admin_cs, template["id"], templatefilter="self")
    updated = admin_cs.updateTemplate(
        id=template["id"],
        name=template["name"] + "-v2",
        displaytext="second",
        passwordenabled=True,
        isdynamicallyscalable=True,
        sortkey=3,
    )["template"]
    assert updated["name"] == template["name"] + "-v2" and updated["displaytext"] == "second"
    assert updated["passwordenabled"] is True and updated["isdynamicallyscalable"] is True

    second = _zone(admin_cs)
    copied = admin_cs.copyTemplate(id=template["id"], destzoneid=second["id"], fetch_result=True)["template"]
    assert copied["zoneid"] == second["id"]
    _wait_ready(admin_cs, template["id"], templatefilter="self", zoneid=second["id"])
    both = admin_cs.listTemplates(templatefilter="self", id=template["id"])["template"]
    assert {t["zoneid"] for t in both} == {zone["id"], second["id"]}
    bare = _zone(admin_cs, image_store=False)
    with pytest.raises(CloudStackApiException) as failure:
        admin_cs.copyTemplate(id=template["id"], destzoneid=bare["id"], fetch_result=True)
    assert "no image store" in str(failure.value)

    assert admin_cs.deleteTemplate(id=template["id"], zoneid=second["id"], fetch_result=True)["success"] is True
    left = admin_cs.listTemplates(templatefilter="self", id=template["id"])["template"]
    assert [t["zoneid"] for t in left] == [zone["id"]]
    assert admin_cs.deleteTemplate(id=template["id"], fetch_result=True)["success"] is True
    assert admin_cs.listTemplates(templatefilter="self", id=template["id"]) == {}


def test_iso_registration_and_listing(admin_cs: CloudStack, zone: dict[str, Any], os_type: str) -> None:
    name = _name("iso")
    error = _refused(admin_cs.registerIso, name=name, displaytext=name, url=ISO_URL, zoneid=zone["id"])
    assert error["errorcode"] == 431 and error["errortext"] == "Please pass a valid GuestOS Id"
    reply = admin_cs.registerIso(name=name, displaytext=name, url=ISO_URL, zoneid=zone["id"], ostypeid=os_type)
    iso = reply["iso"][0]
    assert reply["count"] == 1 and iso["bootable"] is True and iso["isready"] is False
    ready = _wait_ready(admin_cs, iso["id"], command="listIsos")
    assert ready["status"] == "Successfully Installed"
    data = admin_cs.registerIso(name=name + "d", displaytext=name, url=ISO_URL, zoneid=zone["id"], bootable=False)
    assert data["iso"][0]["ostypename"] == "None"
    assert admin_cs.listTemplates(templatefilter="all", keyword=name) == {}
    assert admin_cs.deleteIso(id=iso["id"], fetch_result=True)["success"] is True
