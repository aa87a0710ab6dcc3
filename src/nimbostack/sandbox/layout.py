"""The data-center layout file: reading it, checking its shape, and the plain records it turns into.

Only the shape is checked here (known keys, required keys, value kinds), with errors that name the bad
key by its path in the file, such as `zones[1].pods[0].gateway`. Whether the values make sense together
(addresses, overlaps, names) is left to the services the API uses, when the layout is applied.

Leaf keys carry the names of the API parameters they feed (dns1, guestcidraddress, startip...), so a
CloudStack user can read the file without a manual.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from nimbostack.sandbox import LayoutError

T = TypeVar("T")
LABEL_KEYS = {
    "xennetworklabel": "xen_label",
    "kvmnetworklabel": "kvm_label",
    "vmwarenetworklabel": "vmware_label",
    "hypervnetworklabel": "hyperv_label",
    "ovm3networklabel": "ovm3_label",
}


@dataclass(frozen=True)
class TrafficSpec:
    type: str
    labels: dict[str, str | None] = field(default_factory=dict)
    vlan: str | None = None


@dataclass(frozen=True)
class PhysicalNetworkSpec:
    path: str
    name: str
    isolation_methods: list[str]
    vlan: str | None
    broadcast_domain_range: str | None
    network_speed: str | None
    tags: list[str]
    traffic: list[TrafficSpec]
    providers: list[str]


@dataclass(frozen=True)
class IpRangeSpec:
    path: str
    gateway: str
    netmask: str
    start_ip: str
    end_ip: str | None
    vlan: str | None


@dataclass(frozen=True)
class HostSpec:
    path: str
    url: str
    host_tags: list[str]


@dataclass(frozen=True)
class PoolSpec:
    path: str
    name: str
    url: str
    tags: str | None
    capacity_bytes: int | None
    hypervisor: str | None  # zone-wide pools only


@dataclass(frozen=True)
class ClusterSpec:
    path: str
    name: str
    hypervisor: str
    hosts: list[HostSpec]
    pools: list[PoolSpec]


@dataclass(frozen=True)
class PodSpec:
    path: str
    name: str
    gateway: str
    netmask: str
    start_ip: str
    end_ip: str | None
    guest_ranges: list[IpRangeSpec]
    clusters: list[ClusterSpec]


@dataclass(frozen=True)
class ImageStoreSpec:
    path: str
    url: str
    name: str | None
    provider: str


@dataclass(frozen=True)
class ZoneSpec:
    path: str
    name: str
    network_type: str
    dns1: str
    internal_dns1: str
    dns2: str | None
    internal_dns2: str | None
    ip6_dns1: str | None
    ip6_dns2: str | None
    guest_cidr: str | None
    network_domain: str | None
    security_groups: bool
    local_storage: bool
    enabled: bool
    physical_networks: list[PhysicalNetworkSpec]
    public_ranges: list[IpRangeSpec]
    pods: list[PodSpec]
    pools: list[PoolSpec]
    image_stores: list[ImageStoreSpec]


@dataclass(frozen=True)
class Layout:
    source: str
    zones: list[ZoneSpec]


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    return "text"


class _Node:
    """One mapping of the file with the keys it may have; an unknown key is reported before anything else,
    so a misspelt key is named as such rather than as a missing one."""

    def __init__(self, value: object, path: str, keys: str) -> None:
        if not isinstance(value, dict):
            raise LayoutError(f"{path or 'the file'}: expected a mapping of keys to values, found {_kind(value)}")
        self.data: dict[str, Any] = value
        self.path = path
        self.keys = keys.split()
        for key in value:
            if not isinstance(key, str):
                raise LayoutError(f"{path or 'the file'}: keys must be text, found {key!r}")
            if key not in self.keys:
                raise LayoutError(f"{self.at(key)}: unknown key (known here: {', '.join(sorted(self.keys))})")

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str) -> Any:
        assert key in self.keys, key
        return self.data.get(key)

    def text(self, key: str) -> str | None:
        value = self._get(key)
        if value is None or value == "":
            return None
        # Unquoted YAML numbers (vlan: 50) are meant as text; true/false never is.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise LayoutError(f"{self.at(key)}: expected text, found {_kind(value)}")
        return str(value)

    def required(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise LayoutError(f"{self.at(key)}: is required")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise LayoutError(f"{self.at(key)}: expected true or false, found {_kind(value)}")
        return value

    def number(self, key: str) -> int | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise LayoutError(f"{self.at(key)}: expected a whole number, found {_kind(value)}")
        return value

    def texts(self, key: str) -> list[str]:
        """A list of text items, or one comma-separated text."""
        value = self._get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, str | int) for v in value):
            raise LayoutError(f"{self.at(key)}: expected a list of text items, found {_kind(value)}")
        return [str(v) for v in value]

    def items(self, key: str, parse: Callable[[object, str], T]) -> list[T]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise LayoutError(f"{self.at(key)}: expected a list, found {_kind(value)}")
        return [parse(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value)]


def _traffic(value: object, path: str) -> TrafficSpec:
    if isinstance(value, str):
        return TrafficSpec(type=value)
    node = _Node(value, path, "traffictype vlan " + " ".join(LABEL_KEYS))
    return TrafficSpec(
        type=node.required("traffictype"),
        labels={attr: node.text(key) for key, attr in LABEL_KEYS.items()},
        vlan=node.text("vlan"),
    )


def _physical_network(value: object, path: str) -> PhysicalNetworkSpec:
    node = _Node(
        value, path, "name isolationmethods vlan broadcastdomainrange networkspeed tags traffictypes providers"
    )
    return PhysicalNetworkSpec(
        path=path,
        name=node.required("name"),
        isolation_methods=node.texts("isolationmethods"),
        vlan=node.text("vlan"),
        broadcast_domain_range=node.text("broadcastdomainrange"),
        network_speed=node.text("networkspeed"),
        tags=node.texts("tags"),
        traffic=node.items("traffictypes", _traffic),
        providers=node.texts("providers"),
    )


def _ip_range(value: object, path: str, *, tagged: bool) -> IpRangeSpec:
    node = _Node(value, path, "gateway netmask startip endip vlan" if tagged else "gateway netmask startip endip")
    return IpRangeSpec(
        path=path,
        gateway=node.required("gateway"),
        netmask=node.required("netmask"),
        start_ip=node.required("startip"),
        end_ip=node.text("endip"),
        vlan=node.text("vlan") if tagged else None,
    )


def _public_range(value: object, path: str) -> IpRangeSpec:
    return _ip_range(value, path, tagged=True)


def _guest_range(value: object, path: str) -> IpRangeSpec:
    return _ip_range(value, path, tagged=False)


def _host(value: object, path: str) -> HostSpec:
    if isinstance(value, str):
        return HostSpec(path=path, url=value, host_tags=[])
    node = _Node(value, path, "url hosttags")
    return HostSpec(path=path, url=node.required("url"), host_tags=node.texts("hosttags"))


def _pool(value: object, path: str, *, zone_wide: bool) -> PoolSpec:
    node = _Node(value, path, "name url tags capacitybytes hypervisor" if zone_wide else "name url tags capacitybytes")
    return PoolSpec(
        path=path,
        name=node.required("name"),
        url=node.required("url"),
        tags=node.text("tags"),
        capacity_bytes=node.number("capacitybytes"),
        hypervisor=(node.text("hypervisor") or "Simulator") if zone_wide else None,
    )


def _cluster_pool(value: object, path: str) -> PoolSpec:
    return _pool(value, path, zone_wide=False)


def _zone_pool(value: object, path: str) -> PoolSpec:
    return _pool(value, path, zone_wide=True)


def _cluster(value: object, path: str) -> ClusterSpec:
    node = _Node(value, path, "name hypervisor hosts storagepools")
    return ClusterSpec(
        path=path,
        name=node.required("name"),
        hypervisor=node.text("hypervisor") or "Simulator",
        hosts=node.items("hosts", _host),
        pools=node.items("storagepools", _cluster_pool),
    )


def _pod(value: object, path: str) -> PodSpec:
    node = _Node(value, path, "name gateway netmask startip endip guestipranges clusters")
    return PodSpec(
        path=path,
        name=node.required("name"),
        gateway=node.required("gateway"),
        netmask=node.required("netmask"),
        start_ip=node.required("startip"),
        end_ip=node.text("endip"),
        guest_ranges=node.items("guestipranges", _guest_range),
        clusters=node.items("clusters", _cluster),
    )


def _image_store(value: object, path: str) -> ImageStoreSpec:
    node = _Node(value, path, "url name provider")
    return ImageStoreSpec(
        path=path, url=node.required("url"), name=node.text("name"), provider=node.text("provider") or "NFS"
    )


_ZONE_KEYS = (
    "name networktype dns1 dns2 internaldns1 internaldns2 ip6dns1 ip6dns2 guestcidraddress domain "
    "securitygroupenabled localstorageenabled enabled physicalnetworks ipranges pods storagepools imagestores"
)


def _zone(value: object, path: str) -> ZoneSpec:
    node = _Node(value, path, _ZONE_KEYS)
    return ZoneSpec(
        path=path,
        name=node.required("name"),
        network_type=node.required("networktype"),
        dns1=node.required("dns1"),
        internal_dns1=node.required("internaldns1"),
        dns2=node.text("dns2"),
        internal_dns2=node.text("internaldns2"),
        ip6_dns1=node.text("ip6dns1"),
        ip6_dns2=node.text("ip6dns2"),
        guest_cidr=node.text("guestcidraddress"),
        network_domain=node.text("domain"),
        security_groups=node.flag("securitygroupenabled", False),
        local_storage=node.flag("localstorageenabled", False),
        enabled=node.flag("enabled", True),
        physical_networks=node.items("physicalnetworks", _physical_network),
        public_ranges=node.items("ipranges", _public_range),
        pods=node.items("pods", _pod),
        pools=node.items("storagepools", _zone_pool),
        image_stores=node.items("imagestores", _image_store),
    )


def parse(data: object, source: str) -> Layout:
    """Check the shape of a loaded layout document and turn it into records."""
    node = _Node(data, "", "zones")
    zones = node.items("zones", _zone)
    if not zones:
        raise LayoutError("zones: the layout needs at least one zone")
    return Layout(source=source, zones=zones)


def _read(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise LayoutError(f"cannot read the file: {err.strerror or err}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise LayoutError(f"not valid JSON: {err}") from None
    # Imported here: only a first start reads a layout, so other starts never pay for the YAML parser.
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        # PyYAML spreads its message over lines; one line reads better on a terminal and in a log.
        raise LayoutError(f"not valid YAML: {' '.join(str(err).split())}") from None


def load(path: Path) -> Layout:
    """Read a YAML (or .json) layout file; LayoutError names the file and the bad key."""
    try:
        return parse(_read(path), str(path))
    except LayoutError as err:
        raise LayoutError(f"data-center layout {path}: {err}") from None
