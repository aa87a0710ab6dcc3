"""listApis declarations of infrastructure and catalogue answers, compared with real answers.

Each test builds the objects through the API with every optional field it can fill, so that the answers
together carry every key the view can emit; a view that gains or loses a field without its declaration
fails here.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from cs import CloudStack

from tests.support.clients import SessionClient
from tests.support.cloud import GIB, new_pod, new_zone, stack, unique
from tests.support.declared import assert_union_declared, response_of

IMAGE_URL = "http://dl.example.org/templates/macchinina-xen.vhd.bz2"
ISO_URL = "http://dl.example.org/isos/tiny.iso"
OS_TYPE = "CentOS 5.6 (64-bit)"


def _nfs() -> str:
    return f"nfs://10.0.0.1/export/{uuid.uuid4().hex[:8]}"


def _same_declaration(admin: SessionClient, *names: str) -> list[dict[str, Any]]:
    """Commands answering the same object declare the same fields; the first one's are returned."""
    declared = [response_of(admin, n) for n in names]
    assert all(d == declared[0] for d in declared), names
    return declared[0]


def _ready(cs: CloudStack, command: str, key: str, image_id: str, **params: Any) -> dict[str, Any]:
    """The image once its simulated download has finished (a couple of seconds by default)."""
    deadline = time.monotonic() + 60
    while True:
        found = getattr(cs, command)(id=image_id, **params).get(key, [])
        if found and found[0]["isready"]:
            return dict(found[0])
        assert time.monotonic() < deadline, f"{image_id} never became ready"
        time.sleep(0.2)


def test_zone_declaration_matches_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=unique("d"))["domain"]
    zone = admin_cs.createZone(
        name=unique("zone"),
        networktype="Advanced",
        dns1="8.8.8.8",
        dns2="8.8.4.4",
        internaldns1="10.0.0.2",
        internaldns2="10.0.0.3",
        ip6dns1="2001:4860:4860::8888",
        ip6dns2="2001:4860:4860::8844",
        guestcidraddress="10.1.1.0/24",
        domain="zone.example.org",
        domainid=domain["id"],
    )["zone"]
    listed = admin_cs.listZones(id=zone["id"], showcapacities=True)["zone"]
    declared = _same_declaration(admin, "listZones", "createZone", "updateZone")
    # No command sets a zone's description yet (CloudStack's createZone has no such parameter either).
    assert_union_declared(declared, [zone, *listed], unsent={"description"})


def test_host_declaration_matches_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    zone, pod, cluster, plain = stack(admin_cs)
    tagged = admin_cs.addHost(
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        hypervisor="Simulator",
        url=f"http://sim/{uuid.uuid4().hex[:6]}/h1",
        hosttags="ssd,gpu",
    )["host"][0]
    listed = admin_cs.listHosts(zoneid=zone["id"])["host"]
    assert {h["id"] for h in listed} == {plain["id"], tagged["id"]}
    declared = _same_declaration(admin, "listHosts", "addHost", "updateHost", "prepareHostForMaintenance")
    # `removed` is only set on deleted hosts, which no listing shows.
    assert_union_declared(declared, [tagged, *listed], unsent={"removed"})


def test_storage_pool_declaration_matches_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    zone, pod, cluster, _ = stack(admin_cs)
    in_cluster = admin_cs.createStoragePool(
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        name=unique("primary"),
        url=_nfs(),
        tags="fast",
        capacityiops=5000,
    )["storagepool"]
    zone_wide = admin_cs.createStoragePool(
        zoneid=zone["id"], scope="zone", hypervisor="Simulator", name=unique("wide"), url=_nfs()
    )["storagepool"]
    listed = admin_cs.listStoragePools(zoneid=zone["id"])["storagepool"]
    assert {p["id"] for p in listed} == {in_cluster["id"], zone_wide["id"]}
    declared = _same_declaration(admin, "listStoragePools", "createStoragePool", "updateStoragePool")
    assert_union_declared(declared, listed)


def test_service_offering_declaration_matches_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=unique("d"))["domain"]
    zone = new_zone(admin_cs)
    disk = admin_cs.createDiskOffering(name=unique("disk"), displaytext="root disk", disksize=10)["diskoffering"]
    full = admin_cs.createServiceOffering(
        name=unique("so"),
        displaytext="every field",
        cpunumber=2,
        cpuspeed=1000,
        memory=2048,
        hosttags="ssd",
        tags="fast",
        networkrate=100,
        customizediops=False,
        miniops=100,
        maxiops=200,
        serviceofferingdetails={"pciDevice": "none"},
        domainid=domain["id"],
        zoneid=zone["id"],
    )["serviceoffering"]
    system = admin_cs.createServiceOffering(
        name=unique("sys"),
        displaytext="for routers",
        cpunumber=1,
        cpuspeed=500,
        memory=256,
        issystem=True,
        systemvmtype="domainrouter",
        diskofferingid=disk["id"],
    )["serviceoffering"]
    listed = admin_cs.listServiceOfferings(id=full["id"])["serviceoffering"]
    listed += admin_cs.listServiceOfferings(id=system["id"], issystem=True)["serviceoffering"]
    declared = _same_declaration(admin, "listServiceOfferings", "createServiceOffering", "updateServiceOffering")
    assert_union_declared(declared, [full, system, *listed])


def _image_zone(cs: CloudStack) -> dict[str, Any]:
    zone = new_zone(cs)
    cs.addImageStore(name=unique("sec"), provider="NFS", url=_nfs(), zoneid=zone["id"])
    return zone


def test_template_declaration_matches_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    zone = _image_zone(admin_cs)
    os_type = admin_cs.listOsTypes(description=OS_TYPE)["ostype"][0]["id"]
    registered = admin_cs.registerTemplate(
        name=unique("tpl"),
        displaytext="every field",
        url=IMAGE_URL,
        format="VHD",
        hypervisor="Simulator",
        ostypeid=os_type,
        zoneid=zone["id"],
        checksum="{MD5}0123456789abcdef0123456789abcdef",
        templatetag="drift",
        details={"rootDiskController": "scsi"},
        isextractable=True,
    )["template"][0]
    ready = _ready(admin_cs, "listTemplates", "template", registered["id"], templatefilter="self")
    updated = admin_cs.updateTemplate(id=registered["id"], bootable=True)["template"]
    declared = _same_declaration(admin, "listTemplates", "registerTemplate", "updateTemplate", "copyTemplate")
    assert_union_declared(declared, [registered, ready, updated])


def test_iso_declaration_matches_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    zone = _image_zone(admin_cs)
    os_type = admin_cs.listOsTypes(description=OS_TYPE)["ostype"][0]["id"]
    registered = admin_cs.registerIso(
        name=unique("iso"),
        displaytext="every field",
        url=ISO_URL,
        zoneid=zone["id"],
        ostypeid=os_type,
        checksum="{MD5}0123456789abcdef0123456789abcdef",
        isextractable=True,
    )["iso"][0]
    ready = _ready(admin_cs, "listIsos", "iso", registered["id"], isofilter="self")
    updated = admin_cs.updateIso(id=registered["id"], details={"hypervisortoolsversion": "xenserver61"})["iso"]
    declared = _same_declaration(admin, "listIsos", "registerIso", "updateIso", "copyIso")
    assert_union_declared(declared, [registered, ready, updated])
    permissions = admin_cs.listIsoPermissions(id=registered["id"])["templatepermission"]
    assert_union_declared(response_of(admin, "listTemplatePermissions"), [permissions])


def test_pod_cluster_and_capacity_declarations_match_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    zone, pod, cluster, _ = stack(admin_cs)
    admin_cs.createStoragePool(
        zoneid=zone["id"], podid=pod["id"], clusterid=cluster["id"], name=unique("p"), url=_nfs(), capacitybytes=GIB
    )
    pods = admin_cs.listPods(id=pod["id"], showcapacities=True)["pod"]
    assert_union_declared(_same_declaration(admin, "listPods", "createPod", "updatePod"), [pod, *pods])
    clusters = admin_cs.listClusters(id=cluster["id"], showcapacities=True)["cluster"]
    declared = _same_declaration(admin, "listClusters", "addCluster", "updateCluster")
    assert_union_declared(declared, [cluster, *clusters])
    rows = [
        *admin_cs.listCapacity(zoneid=zone["id"])["capacity"],
        *admin_cs.listCapacity(clusterid=cluster["id"])["capacity"],
    ]
    assert_union_declared(response_of(admin, "listCapacity"), rows)


def test_image_store_hypervisor_and_mock_declarations_match_real_answers(
    admin: SessionClient, admin_cs: CloudStack
) -> None:
    zone, pod, cluster, host = stack(admin_cs)
    store = admin_cs.addImageStore(name=unique("sec"), provider="NFS", url=_nfs(), zoneid=zone["id"])["imagestore"]
    stores = admin_cs.listImageStores(id=store["id"])["imagestore"]
    assert_union_declared(_same_declaration(admin, "listImageStores", "addImageStore"), [store, *stores])
    hypervisors = admin_cs.listHypervisors()["hypervisor"]
    assert_union_declared(response_of(admin, "listHypervisors"), hypervisors)
    capabilities = admin_cs.listHypervisorCapabilities()["hypervisorCapabilities"]
    assert_union_declared(response_of(admin, "listHypervisorCapabilities"), capabilities)
    mock = admin_cs.configureSimulator(
        name="StartCommand",
        value="result:fail",
        zoneid=zone["id"],
        podid=pod["id"],
        clusterid=cluster["id"],
        hostid=host["id"],
        vmname="i-2-3-VM",
        count=2,
    )["simulatormock"]
    mocks = [m for m in admin_cs.listSimulatorMocks(name="StartCommand")["simulatormock"] if m["id"] == mock["id"]]
    declared = _same_declaration(admin, "listSimulatorMocks", "configureSimulator", "querySimulatorMock")
    assert_union_declared(declared, [mock, *mocks])
    admin_cs.cleanupSimulatorMock(id=mock["id"])


def test_network_declarations_match_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=unique("d"))["domain"]
    zone = new_zone(admin_cs)
    network = admin_cs.createPhysicalNetwork(
        zoneid=zone["id"],
        name=unique("pn"),
        vlan="100-199",
        isolationmethods="VLAN",
        networkspeed="10G",
        tags="fast",
        domainid=domain["id"],
        fetch_result=True,
    )["physicalnetwork"]
    networks = admin_cs.listPhysicalNetworks(id=network["id"])["physicalnetwork"]
    declared = _same_declaration(admin, "listPhysicalNetworks", "createPhysicalNetwork", "updatePhysicalNetwork")
    assert_union_declared(declared, [network, *networks])

    labels = {f"{kind}networklabel": f"{kind}br0" for kind in ("xen", "kvm", "vmware", "hyperv", "ovm3")}
    traffic = admin_cs.addTrafficType(
        physicalnetworkid=network["id"], traffictype="Public", fetch_result=True, **labels
    )["traffictype"]
    traffics = admin_cs.listTrafficTypes(physicalnetworkid=network["id"])["traffictype"]
    declared = _same_declaration(admin, "listTrafficTypes", "addTrafficType", "updateTrafficType")
    assert_union_declared(declared, [traffic, *traffics])

    # Physical networks come with their providers; one is added again to have it bridge to another network.
    other = admin_cs.createPhysicalNetwork(zoneid=zone["id"], name=unique("pn"), fetch_result=True)["physicalnetwork"]
    defaults = admin_cs.listNetworkServiceProviders(physicalnetworkid=network["id"])["networkserviceprovider"]
    config_drive = next(p for p in defaults if p["name"] == "ConfigDrive")
    admin_cs.deleteNetworkServiceProvider(id=config_drive["id"], fetch_result=True)
    bridged = admin_cs.addNetworkServiceProvider(
        physicalnetworkid=network["id"],
        name="ConfigDrive",
        destinationphysicalnetworkid=other["id"],
        fetch_result=True,
    )["networkserviceprovider"]
    providers = admin_cs.listNetworkServiceProviders(physicalnetworkid=network["id"])["networkserviceprovider"]
    declared = _same_declaration(
        admin, "listNetworkServiceProviders", "addNetworkServiceProvider", "updateNetworkServiceProvider"
    )
    assert_union_declared(declared, [bridged, *providers])

    router = next(p for p in providers if p["name"] == "VirtualRouter")
    elements = admin_cs.listVirtualRouterElements(nspid=router["id"])["virtualrouterelement"]
    declared = _same_declaration(
        admin, "listVirtualRouterElements", "configureVirtualRouterElement", "listInternalLoadBalancerElements"
    )
    assert_union_declared(declared, elements)

    ranges = [
        admin_cs.createVlanIpRange(
            zoneid=zone["id"],
            vlan="900",
            gateway="203.0.113.1",
            netmask="255.255.255.0",
            startip="203.0.113.10",
            endip="203.0.113.20",
            forvirtualnetwork=True,
            ip6gateway="2001:db8:1::1",
            ip6cidr="2001:db8:1::/64",
            startipv6="2001:db8:1::10",
            endipv6="2001:db8:1::20",
            domainid=domain["id"],
        )["vlan"]
    ]
    basic = new_zone(admin_cs, "Basic")
    guest = admin_cs.createPhysicalNetwork(zoneid=basic["id"], name=unique("pn"), fetch_result=True)
    admin_cs.addTrafficType(physicalnetworkid=guest["physicalnetwork"]["id"], traffictype="Guest", fetch_result=True)
    pod = new_pod(admin_cs, basic)
    ranges.append(
        admin_cs.createVlanIpRange(
            zoneid=basic["id"],
            podid=pod["id"],
            gateway="10.20.0.1",
            netmask="255.255.255.0",
            startip="10.20.0.10",
            endip="10.20.0.20",
            forvirtualnetwork=False,
        )["vlan"]
    )
    ranges += admin_cs.listVlanIpRanges(zoneid=zone["id"])["vlaniprange"]
    declared = _same_declaration(admin, "listVlanIpRanges", "createVlanIpRange")
    # No command sets a range's description, and only ranges for one account name it; none are made here.
    assert_union_declared(declared, ranges, unsent={"description", "account"})


def test_catalogue_declarations_match_real_answers(admin: SessionClient, admin_cs: CloudStack) -> None:
    domain = admin_cs.createDomain(name=unique("d"))["domain"]
    zone = new_zone(admin_cs)
    disk = admin_cs.createDiskOffering(
        name=unique("disk"),
        displaytext="every field",
        disksize=20,
        tags="fast",
        customizediops=False,
        miniops=100,
        maxiops=200,
        details={"diskSizeStrictness": "false"},
        domainid=domain["id"],
        zoneid=zone["id"],
    )["diskoffering"]
    disks = admin_cs.listDiskOfferings(id=disk["id"])["diskoffering"]
    declared = _same_declaration(admin, "listDiskOfferings", "createDiskOffering", "updateDiskOffering")
    assert_union_declared(declared, [disk, *disks])
    os_types = admin_cs.listOsTypes()["ostype"]
    assert_union_declared(response_of(admin, "listOsTypes"), os_types)
    categories = admin_cs.listOsCategories()["oscategory"]
    assert_union_declared(response_of(admin, "listOsCategories"), categories)
