"""createVlanIpRange / listVlanIpRanges / deleteVlanIpRange through the real server with the `cs` client."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cs import CloudStack, CloudStackApiException

from tests.support.cloud import event_types


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _zone(
    cs: CloudStack, kind: str = "Advanced", traffic: tuple[str, ...] = ("Public",)
) -> tuple[dict[str, Any], dict[str, Any]]:
    zone = cs.createZone(name=_name("z"), networktype=kind, dns1="8.8.8.8", internaldns1="10.0.0.2")["zone"]
    extra = {} if kind == "Basic" else {"vlan": "500-599"}
    network = cs.createPhysicalNetwork(zoneid=zone["id"], name="pn", fetch_result=True, **extra)["physicalnetwork"]
    for kind_of_traffic in traffic:
        cs.addTrafficType(physicalnetworkid=network["id"], traffictype=kind_of_traffic, fetch_result=True)
    return zone, network


def _public(cs: CloudStack, zone: dict[str, Any], **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "zoneid": zone["id"],
        "vlan": "100",
        "gateway": "203.0.113.1",
        "netmask": "255.255.255.0",
        "startip": "203.0.113.10",
        "endip": "203.0.113.20",
        "forvirtualnetwork": True,
    }
    params.update(extra)
    return dict(cs.createVlanIpRange(**params)["vlan"])


def _refused(call: Callable[[], Any], code: int, text: str) -> None:
    with pytest.raises(CloudStackApiException) as failure:
        call()
    error = failure.value.error
    assert (error["errorcode"], error["errortext"]) == (code, text)


def _add_pod(cs: CloudStack, zone: dict[str, Any], start: str, end: str) -> str:
    pod = cs.createPod(
        zoneid=zone["id"], name=_name("pod"), gateway="10.10.0.1", netmask="255.255.255.0", startip=start, endip=end
    )["pod"]
    return str(pod["id"])


def test_public_range_is_created_listed_and_deleted(admin_cs: CloudStack) -> None:
    zone, network = _zone(admin_cs)
    made = _public(admin_cs, zone)
    assert made["vlan"] == "vlan://100"
    assert (made["gateway"], made["netmask"], made["cidr"]) == ("203.0.113.1", "255.255.255.0", "203.0.113.0/24")
    assert (made["startip"], made["endip"]) == ("203.0.113.10", "203.0.113.20")
    assert (made["forvirtualnetwork"], made["forsystemvms"]) == (True, False)
    assert (made["zoneid"], made["physicalnetworkid"]) == (zone["id"], network["id"])
    second = _public(admin_cs, zone, vlan="untagged", startip="203.0.113.30", endip="203.0.113.40")
    assert second["vlan"] == "vlan://untagged"
    listed = admin_cs.listVlanIpRanges(zoneid=zone["id"])
    assert listed["count"] == 2 and {r["id"] for r in listed["vlaniprange"]} == {made["id"], second["id"]}
    assert [r["id"] for r in admin_cs.listVlanIpRanges(zoneid=zone["id"], vlan="100")["vlaniprange"]] == [made["id"]]
    assert admin_cs.listVlanIpRanges(zoneid=zone["id"], forvirtualnetwork=False) == {}
    assert admin_cs.deleteVlanIpRange(id=made["id"])["success"] is True
    assert [r["id"] for r in admin_cs.listVlanIpRanges(zoneid=zone["id"])["vlaniprange"]] == [second["id"]]
    _refused(lambda: admin_cs.deleteVlanIpRange(id=made["id"]), 431, "Please specify a valid IP range id.")
    assert event_types(admin_cs, made["id"]) == ["VLAN.IP.RANGE.CREATE", "VLAN.IP.RANGE.DELETE"]


def test_overlapping_ranges_in_a_zone_are_refused(admin_cs: CloudStack) -> None:
    zone, _ = _zone(admin_cs)
    first = _public(admin_cs, zone, vlan="untagged")
    _refused(
        lambda: _public(admin_cs, zone, vlan="untagged", startip="203.0.113.15", endip="203.0.113.25"),
        431,
        "The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP.",
    )
    _refused(
        lambda: _public(
            admin_cs, zone, vlan="untagged", gateway="203.0.113.254", startip="203.0.113.100", endip="203.0.113.110"
        ),
        431,
        "The IP range has already been added with gateway 203.0.113.1 ,and netmask 255.255.255.0, Please specify the "
        "gateway/netmask if you want to extend ip range",
    )
    _refused(
        lambda: _public(admin_cs, zone, vlan="300", startip="203.0.113.100", endip="203.0.113.110"),
        431,
        f"The IP range with tag: vlan://untagged in zone {zone['name']} has overlapped with the subnet. Please "
        "specify a different gateway/netmask.",
    )
    assert [r["id"] for r in admin_cs.listVlanIpRanges(zoneid=zone["id"])["vlaniprange"]] == [first["id"]]
    # The same subnet extended with fresh addresses is fine.
    extension = _public(admin_cs, zone, vlan="untagged", startip="203.0.113.21", endip="203.0.113.30")
    assert extension["cidr"] == first["cidr"]
    # Ranges in another zone do not clash.
    other, _ = _zone(admin_cs)
    assert _public(admin_cs, other, vlan="untagged")["startip"] == "203.0.113.10"


def test_bad_addresses_are_refused_and_leave_nothing(admin_cs: CloudStack) -> None:
    zone, _ = _zone(admin_cs)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"startip": "203.0.113.50", "endip": "203.0.113.40"}, "Please specify a valid IP range."),
        (
            {"startip": "203.0.114.10", "endip": "203.0.114.20"},
            "Please specify a valid IP range or valid netmask or valid gateway",
        ),
        ({"startip": "203.0.113.300"}, "Please specify a valid IP range or valid netmask or valid gateway"),
        ({"gateway": "gw"}, "Please specify a valid gateway"),
        ({"netmask": "255.0.255.0"}, "Please specify a valid netmask"),
        (
            {"startip": "203.0.113.1", "endip": "203.0.113.5"},
            "The gateway ip should not be the part of the ip range being added.",
        ),
        ({"vlan": None}, "Unable to determine vlan id or untagged vlan for public network"),
        ({"startip": None}, "StartIP or IPv6 CIDR is missing in the parameters!"),
        (
            {"vlan": "550"},
            f"The VLAN tag vlan://550 is already being used for dynamic vlan allocation for the guest network in zone "
            f"{zone['name']}",
        ),
        (
            {"forsystemvms": True, "account": "admin"},
            "Account name should not be provided when ForSystemVMs is enabled",
        ),
        (
            {"account": "nobody-here", "domainid": admin_cs.listDomains(name="ROOT")["domain"][0]["id"]},
            "Please specify a valid account.",
        ),
    ]
    for params, text in cases:
        clean = {k: v for k, v in params.items() if v is not None}
        dropped = [k for k, v in params.items() if v is None]

        def attempt(clean: dict[str, Any] = clean, dropped: list[str] = dropped) -> Any:
            base: dict[str, Any] = {
                "zoneid": zone["id"],
                "vlan": "100",
                "gateway": "203.0.113.1",
                "netmask": "255.255.255.0",
                "startip": "203.0.113.10",
                "endip": "203.0.113.20",
            }
            base.update(clean)
            for key in dropped:
                base.pop(key)
            return admin_cs.createVlanIpRange(**base)

        _refused(attempt, 431, text)
    assert admin_cs.listVlanIpRanges(zoneid=zone["id"]) == {}


def test_public_ranges_need_a_public_network(admin_cs: CloudStack) -> None:
    zone, _ = _zone(admin_cs, traffic=("Guest",))
    with pytest.raises(CloudStackApiException) as failure:
        _public(admin_cs, zone)
    error = failure.value.error
    assert (error["errorcode"], error["errortext"]) == (
        431,
        "Unable to find the default physical network with traffic=Public in the specified zone id",
    )
    assert error["uuidList"] == [{"uuid": zone["id"], "description": "zoneId"}]
    _refused(
        lambda: _public(admin_cs, zone, forvirtualnetwork=False),
        431,
        "Physical Network Id is null, please provide the Network id for Direct vlan creation ",
    )


def test_a_range_can_be_dedicated_to_an_account(admin_cs: CloudStack) -> None:
    zone, _ = _zone(admin_cs)
    domain = admin_cs.createDomain(name=_name("d"))["domain"]
    username = _name("u")
    account = admin_cs.createAccount(
        username=username,
        password="Pw-12345",
        email=f"{username}@example.org",
        firstname="A",
        lastname="B",
        accounttype=0,
        domainid=domain["id"],
    )["account"]
    made = _public(admin_cs, zone, account=account["name"], domainid=domain["id"])
    assert (made["account"], made["domainid"], made["domain"]) == (account["name"], domain["id"], domain["name"])
    assert made["domainpath"] == f"ROOT/{domain['name']}"
    listed = admin_cs.listVlanIpRanges(account=account["name"], domainid=domain["id"])["vlaniprange"]
    assert [r["id"] for r in listed] == [made["id"]]
    for_domain = _public(
        admin_cs,
        zone,
        vlan="101",
        gateway="198.51.100.1",
        startip="198.51.100.2",
        endip="198.51.100.9",
        domainid=domain["id"],
    )
    assert for_domain["domainid"] == domain["id"] and "account" not in for_domain


def test_basic_zone_pod_guest_ranges(admin_cs: CloudStack) -> None:
    zone, network = _zone(admin_cs, "Basic", traffic=("Guest", "Management"))
    pod = _add_pod(admin_cs, zone, "10.10.0.10", "10.10.0.50")
    guest = admin_cs.createVlanIpRange(
        zoneid=zone["id"],
        podid=pod,
        gateway="10.20.0.1",
        netmask="255.255.255.0",
        startip="10.20.0.10",
        endip="10.20.0.200",
        forvirtualnetwork=False,
    )["vlan"]
    assert (guest["podid"], guest["forvirtualnetwork"], guest["vlan"]) == (pod, False, "vlan://untagged")
    assert guest["physicalnetworkid"] == network["id"]
    assert [r["id"] for r in admin_cs.listVlanIpRanges(podid=pod)["vlaniprange"]] == [guest["id"]]
    _refused(
        lambda: admin_cs.createVlanIpRange(
            zoneid=zone["id"],
            podid=pod,
            gateway="10.10.0.1",
            netmask="255.255.255.0",
            startip="10.10.0.40",
            endip="10.10.0.60",
            forvirtualnetwork=False,
        ),
        431,
        "The Start IP and EndIP address range overlap with private IP :10.10.0.10:10.10.0.50",
    )
    domain = admin_cs.listDomains(name="ROOT")["domain"][0]
    _refused(
        lambda: admin_cs.createVlanIpRange(
            zoneid=zone["id"],
            podid=pod,
            gateway="10.30.0.1",
            netmask="255.255.255.0",
            startip="10.30.0.10",
            forvirtualnetwork=False,
            domainid=domain["id"],
        ),
        431,
        "Vlan owner can be defined only in the zone of type Advanced",
    )
    advanced, _ = _zone(admin_cs)
    _refused(
        lambda: _public(admin_cs, advanced, podid=pod),
        431,
        f"Pod id={pod} doesn't belong to zone id={advanced['id']}",
    )
    assert admin_cs.listVlanIpRanges(zoneid=advanced["id"]) == {}


def test_ipv6_ranges(admin_cs: CloudStack) -> None:
    zone, _ = _zone(admin_cs)
    made = _public(
        admin_cs,
        zone,
        ip6gateway="2001:db8:1::1",
        ip6cidr="2001:db8:1::/64",
        startipv6="2001:db8:1::10",
        endipv6="2001:db8:1::20",
    )
    assert (made["ip6cidr"], made["startipv6"], made["endipv6"]) == (
        "2001:db8:1::/64",
        "2001:db8:1::10",
        "2001:db8:1::20",
    )
    _refused(
        lambda: admin_cs.createVlanIpRange(
            zoneid=zone["id"],
            vlan="102",
            ip6gateway="2001:db8:1::1",
            ip6cidr="2001:db8:1::/64",
            startipv6="2001:db8:1::15",
        ),
        431,
        "The IPv6 range with tag: vlan://100 already has IPs that overlap with the new range.",
    )
    _refused(
        lambda: admin_cs.createVlanIpRange(
            zoneid=zone["id"], vlan="103", ip6gateway="2001:db8:2::1", ip6cidr="2001:db8:2::/80"
        ),
        431,
        "For IPv6 range, prefix must be /64 or less",
    )
    assert [r["id"] for r in admin_cs.listVlanIpRanges(zoneid=zone["id"])["vlaniprange"]] == [made["id"]]
