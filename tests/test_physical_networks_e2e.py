"""Physical networks, traffic types, service providers and router elements, through the real server with `cs`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.cloud import event_types

VR_SERVICES = [
    "Vpn",
    "Dhcp",
    "Dns",
    "Gateway",
    "Firewall",
    "Lb",
    "SourceNat",
    "StaticNat",
    "PortForwarding",
    "UserData",
]


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _zone(cs: CloudStack, kind: str = "Advanced") -> dict[str, Any]:
    return cs.createZone(name=_name("z"), networktype=kind, dns1="8.8.8.8", internaldns1="10.0.0.2")["zone"]


def _network(cs: CloudStack, zone: dict[str, Any], **extra: Any) -> dict[str, Any]:
    job = cs.createPhysicalNetwork(zoneid=zone["id"], name=_name("pn"), fetch_result=True, **extra)
    return dict(job["physicalnetwork"])


def _refused(call: Callable[[], Any], code: int, text: str) -> None:
    with pytest.raises(CloudStackApiException) as failure:
        call()
    error = failure.value.error
    assert (error["errorcode"], error["errortext"]) == (code, text)


def _providers(cs: CloudStack, network: dict[str, Any]) -> dict[str, dict[str, Any]]:
    listed = cs.listNetworkServiceProviders(physicalnetworkid=network["id"])
    return {p["name"]: p for p in listed.get("networkserviceprovider", [])}


def test_build_and_enable_an_advanced_zone(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    network = _network(admin_cs, zone, vlan="100-199", isolationmethods="VLAN", networkspeed="10G", tags="fast")
    assert network["zoneid"] == zone["id"] and network["zonename"] == zone["name"]
    assert (network["state"], network["broadcastdomainrange"]) == ("Disabled", "ZONE")
    assert (network["vlan"], network["isolationmethods"], network["tags"]) == ("100-199", "VLAN", "fast")
    assert network["networkspeed"] == "10G"
    for traffic, label in (("Guest", "cloudbr1"), ("Management", "cloudbr0"), ("Public", "cloudbr1")):
        added = admin_cs.addTrafficType(
            physicalnetworkid=network["id"], traffictype=traffic, kvmnetworklabel=label, fetch_result=True
        )["traffictype"]
        assert (added["traffictype"], added["kvmnetworklabel"], added["physicalnetworkid"]) == (
            traffic,
            label,
            network["id"],
        )

    providers = _providers(admin_cs, network)
    assert set(providers) == {
        "VirtualRouter",
        "VpcVirtualRouter",
        "InternalLbVm",
        "SecurityGroupProvider",
        "ConfigDrive",
    }
    assert {n: p["state"] for n, p in providers.items() if n != "ConfigDrive"} == dict.fromkeys(
        ["VirtualRouter", "VpcVirtualRouter", "InternalLbVm", "SecurityGroupProvider"], "Disabled"
    )
    assert providers["ConfigDrive"]["state"] == "Enabled"
    router = providers["VirtualRouter"]
    assert router["servicelist"] == VR_SERVICES and router["canenableindividualservice"] is True
    assert "NetworkACL" in providers["VpcVirtualRouter"]["servicelist"]
    assert "Firewall" not in providers["VpcVirtualRouter"]["servicelist"]
    assert providers["SecurityGroupProvider"]["servicelist"] == ["SecurityGroup"]
    assert providers["SecurityGroupProvider"]["canenableindividualservice"] is False

    # The provider cannot be enabled until its router element is.
    with pytest.raises(CloudStackApiException) as failure:
        admin_cs.updateNetworkServiceProvider(id=router["id"], state="Enabled", fetch_result=True)
    assert failure.value.error["errorcode"] == 530
    assert failure.value.error["errortext"] == (
        "Provider is not ready, cannot Enable the provider, please configure the provider first"
    )
    element = admin_cs.listVirtualRouterElements(nspid=router["id"])["virtualrouterelement"][0]
    assert (element["nspid"], element["enabled"]) == (router["id"], False)
    configured = admin_cs.configureVirtualRouterElement(id=element["id"], enabled=True, fetch_result=True)
    assert configured["virtualrouterelement"]["enabled"] is True
    enabled = admin_cs.updateNetworkServiceProvider(id=router["id"], state="Enabled", fetch_result=True)
    assert enabled["networkserviceprovider"]["state"] == "Enabled"
    assert admin_cs.listVirtualRouterElements(nspid=router["id"], enabled=True)["count"] == 1

    switched_on = admin_cs.updatePhysicalNetwork(id=network["id"], state="Enabled", fetch_result=True)
    assert switched_on["physicalnetwork"]["state"] == "Enabled"
    admin_cs.createVlanIpRange(
        zoneid=zone["id"],
        vlan="untagged",
        gateway="198.51.100.1",
        netmask="255.255.255.0",
        startip="198.51.100.10",
        endip="198.51.100.50",
        forvirtualnetwork=True,
    )
    assert admin_cs.updateZone(id=zone["id"], allocationstate="Enabled")["zone"]["allocationstate"] == "Enabled"
    # Enabling gives the zone a Storage network on the Management one, with the same labels.
    traffic = admin_cs.listTrafficTypes(physicalnetworkid=network["id"])["traffictype"]
    assert {t["traffictype"]: t.get("kvmnetworklabel") for t in traffic} == {
        "Guest": "cloudbr1",
        "Management": "cloudbr0",
        "Public": "cloudbr1",
        "Storage": "cloudbr0",
    }
    listed = admin_cs.listPhysicalNetworks(zoneid=zone["id"])
    assert listed["count"] == 1 and listed["physicalnetwork"][0]["state"] == "Enabled"
    assert event_types(admin_cs, network["id"]) == ["PHYSICAL.NETWORK.CREATE", "PHYSICAL.NETWORK.UPDATE"]
    assert event_types(admin_cs, router["id"]) == ["SERVICE.PROVIDER.UPDATE"]
    assert event_types(admin_cs, element["id"]) == ["NETWORK.ELEMENT.CONFIGURE"]
    # No more physical networks once the zone is enabled.
    _refused(
        lambda: admin_cs.createPhysicalNetwork(zoneid=zone["id"], name="late"),
        531,
        f"Cannot create PhysicalNetwork since the Zone is currently enabled, zone Id: {zone['id']}",
    )


def test_bad_vlan_ranges_are_refused_and_create_nothing(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    cases = {
        "100": "Please provide valid vnet range. vnet range should be a comma separated list of vlan ranges. "
        "example 500-500,600-601 between 0 and 4095",
        "a-b": "Please provide valid vnet range. The vnet range should be a comma separated list example "
        "2001-2012,3000-3005. between 0 and 4095",
        "100-5000": "Vnet range has to be between 0 and 4095",
        "300-200": "Vnet range has to be between 0 and 4095 and start range should be lesser than or equal to "
        "stop range",
    }
    for vlan, text in cases.items():
        _refused(lambda v=vlan: admin_cs.createPhysicalNetwork(zoneid=zone["id"], name="bad", vlan=v), 431, text)
    assert admin_cs.listPhysicalNetworks(zoneid=zone["id"]) == {}
    # VXLAN allows 24-bit ids.
    wide = _network(admin_cs, zone, vlan="5000-5100", isolationmethods="VXLAN")
    assert wide["vlan"] == "5000-5100"


def test_update_physical_network_merges_vlan_ranges_and_checks_state(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    network = _network(admin_cs, zone, vlan="100-199")
    updated = admin_cs.updatePhysicalNetwork(
        id=network["id"], vlan="300-400,350-450,451-460,10-20", networkspeed="1G", fetch_result=True
    )["physicalnetwork"]
    assert (updated["vlan"], updated["networkspeed"]) == ("10-20,300-460", "1G")
    with pytest.raises(CloudStackApiException) as failure:
        admin_cs.updatePhysicalNetwork(id=network["id"], state="Asleep", vlan="1-2", fetch_result=True)
    assert failure.value.error["errorcode"] == 431
    assert (
        failure.value.error["errortext"]
        == "Unable to resolve state 'Asleep' to a supported value {Enabled or Disabled}"
    )
    current = admin_cs.listPhysicalNetworks(id=network["id"])["physicalnetwork"][0]
    assert (current["vlan"], current["state"]) == ("10-20,300-460", "Disabled")


def test_physical_network_refusals(admin_cs: CloudStack) -> None:
    basic = _zone(admin_cs, "Basic")
    first = _network(admin_cs, basic)
    assert first["broadcastdomainrange"] == "POD"
    assert "ConfigDrive" not in _providers(admin_cs, first)
    _refused(
        lambda: admin_cs.createPhysicalNetwork(zoneid=basic["id"], name="second"),
        530,
        f"Cannot add the physical network to basic zone id: {basic['id']}, there is a physical network already "
        "existing in this basic Zone",
    )
    advanced = _zone(admin_cs)
    _refused(
        lambda: admin_cs.createPhysicalNetwork(zoneid=advanced["id"], name="n", tags="a,b"),
        431,
        "Only one tag can be specified for a physical network at this time",
    )
    _refused(
        lambda: admin_cs.createPhysicalNetwork(zoneid=advanced["id"], name="n", isolationmethods="VLAN,GRE"),
        431,
        "Only one isolationMethod can be specified for a physical network at this time",
    )
    _refused(
        lambda: admin_cs.createPhysicalNetwork(zoneid=advanced["id"], name="n", broadcastdomainrange="POD"),
        431,
        "Advance zone can have broadcast domain type of value ZONE only",
    )
    _refused(
        lambda: admin_cs.createPhysicalNetwork(zoneid=advanced["id"], name="n", broadcastdomainrange="Galaxy"),
        431,
        "Unable to resolve broadcastDomainRange 'Galaxy' to a supported value {Pod or Zone}",
    )
    assert admin_cs.listPhysicalNetworks(zoneid=advanced["id"]) == {}


def test_traffic_type_rules(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    one = _network(admin_cs, zone)
    two = _network(admin_cs, zone, tags="second")
    admin_cs.addTrafficType(physicalnetworkid=one["id"], traffictype="Management", fetch_result=True)
    admin_cs.addTrafficType(physicalnetworkid=one["id"], traffictype="Guest", fetch_result=True)
    _refused(
        lambda: admin_cs.addTrafficType(physicalnetworkid=one["id"], traffictype="Guest"),
        530,
        "This physical network already supports the traffic type: Guest",
    )
    _refused(
        lambda: admin_cs.addTrafficType(physicalnetworkid=two["id"], traffictype="Management"),
        530,
        "Fail to add the traffic type to physical network because Zone already has a physical network with this "
        "traffic type: Management",
    )
    _refused(
        lambda: admin_cs.addTrafficType(physicalnetworkid=one["id"], traffictype="Carrier"),
        431,
        "Unable to resolve trafficType 'Carrier' to a supported value",
    )
    # A tagged network may carry Guest traffic beside an untagged one.
    guest = admin_cs.addTrafficType(
        physicalnetworkid=two["id"], traffictype="Guest", xennetworklabel="xb", fetch_result=True
    )["traffictype"]
    changed = admin_cs.updateTrafficType(id=guest["id"], xennetworklabel="", kvmnetworklabel="kb", fetch_result=True)[
        "traffictype"
    ]
    assert "xennetworklabel" not in changed and changed["kvmnetworklabel"] == "kb"
    assert admin_cs.deleteTrafficType(id=guest["id"], fetch_result=True)["success"] is True
    assert [
        t["traffictype"] for t in admin_cs.listTrafficTypes(physicalnetworkid=two["id"]).get("traffictype", [])
    ] == []


def test_adding_updating_and_deleting_providers(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    network = _network(admin_cs, zone)
    _refused(
        lambda: admin_cs.addNetworkServiceProvider(physicalnetworkid=network["id"], name="Nope"),
        431,
        "Invalid Network Service Provider=Nope",
    )
    _refused(
        lambda: admin_cs.addNetworkServiceProvider(physicalnetworkid=network["id"], name="Netscaler"),
        431,
        "Unable to find the Network Element implementing the Service Provider 'Netscaler'",
    )
    _refused(
        lambda: admin_cs.addNetworkServiceProvider(physicalnetworkid=network["id"], name="VirtualRouter"),
        530,
        f"The 'VirtualRouter' provider already exists on physical network : {network['id']}",
    )
    providers = _providers(admin_cs, network)
    with pytest.raises(CloudStackApiException) as failure:
        admin_cs.updateNetworkServiceProvider(
            id=providers["SecurityGroupProvider"]["id"], servicelist="SecurityGroup", fetch_result=True
        )
    assert (
        failure.value.error["errortext"]
        == "Cannot update set of Services for this Service Provider 'SecurityGroupProvider'"
    )
    # Providers without an element to configure can be enabled at once.
    sg = admin_cs.updateNetworkServiceProvider(
        id=providers["SecurityGroupProvider"]["id"], state="Enabled", fetch_result=True
    )
    assert sg["networkserviceprovider"]["state"] == "Enabled"

    router = providers["VirtualRouter"]
    assert admin_cs.deleteNetworkServiceProvider(id=router["id"], fetch_result=True)["success"] is True
    assert "VirtualRouter" not in _providers(admin_cs, network)
    assert admin_cs.listVirtualRouterElements(nspid=router["id"]) == {}
    _refused(
        lambda: admin_cs.addNetworkServiceProvider(
            physicalnetworkid=network["id"], name="VirtualRouter", servicelist="Gateway"
        ),
        431,
        "Invalid Network Service specified=Gateway",
    )
    again = admin_cs.addNetworkServiceProvider(
        physicalnetworkid=network["id"], name="virtualrouter", servicelist="Dhcp,Dns,SourceNat", fetch_result=True
    )["networkserviceprovider"]
    assert (again["name"], again["state"]) == ("VirtualRouter", "Disabled")
    assert again["servicelist"] == ["Dhcp", "Dns", "Gateway", "SourceNat"]
    element = admin_cs.createVirtualRouterElement(nspid=again["id"], fetch_result=True)["virtualrouterelement"]
    assert (element["nspid"], element["enabled"]) == (again["id"], False)
    admin_cs.configureVirtualRouterElement(id=element["id"], enabled=True, fetch_result=True)
    narrowed = admin_cs.updateNetworkServiceProvider(
        id=again["id"], state="Enabled", servicelist="Dhcp,Dns", fetch_result=True
    )["networkserviceprovider"]
    assert (narrowed["state"], narrowed["servicelist"]) == ("Enabled", ["Dhcp", "Dns"])

    lb = _providers(admin_cs, network)["InternalLbVm"]
    lb_element = admin_cs.listInternalLoadBalancerElements(nspid=lb["id"])["internalloadbalancerelement"][0]
    admin_cs.configureInternalLoadBalancerElement(id=lb_element["id"], enabled=True, fetch_result=True)
    done = admin_cs.updateNetworkServiceProvider(id=lb["id"], state="Enabled", fetch_result=True)
    assert done["networkserviceprovider"]["state"] == "Enabled"


def test_delete_physical_network_takes_its_parts_with_it(admin_cs: CloudStack) -> None:
    zone = _zone(admin_cs)
    network = _network(admin_cs, zone)
    admin_cs.addTrafficType(physicalnetworkid=network["id"], traffictype="Public", fetch_result=True)
    admin_cs.createVlanIpRange(
        zoneid=zone["id"],
        vlan="200",
        gateway="192.0.2.1",
        netmask="255.255.255.0",
        startip="192.0.2.2",
        endip="192.0.2.20",
    )
    assert admin_cs.deletePhysicalNetwork(id=network["id"], fetch_result=True)["success"] is True
    assert admin_cs.listPhysicalNetworks(zoneid=zone["id"]) == {}
    assert admin_cs.listNetworkServiceProviders(physicalnetworkid=network["id"]) == {}
    assert admin_cs.listVlanIpRanges(zoneid=zone["id"]) == {}
    with pytest.raises(CloudStackApiException) as failure:
        admin_cs.listTrafficTypes(physicalnetworkid=network["id"])
    assert failure.value.error["errortext"] == "Physical Network with specified id doesn't exist in the system"
    assert failure.value.error["uuidList"] == [{"uuid": network["id"], "description": "physicalNetworkId"}]
    assert admin_cs.deleteZone(id=zone["id"])["success"] is True
