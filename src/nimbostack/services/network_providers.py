"""Network service providers of a physical network and the virtual router elements behind some of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, CsErrorCode, ErrorCode, internal, invalid_value
from nimbostack.db.models import NetworkServiceProvider, PhysicalNetwork, VirtualRouterElement
from nimbostack.services import events

# The services a provider row can record, in the order CloudStack lists them.
SERVICE_ORDER = (
    "Vpn",
    "Dhcp",
    "Dns",
    "Gateway",
    "Firewall",
    "Lb",
    "SourceNat",
    "StaticNat",
    "PortForwarding",
    "NetworkACL",
    "UserData",
    "SecurityGroup",
    "CustomAction",
)
KNOWN_SERVICES = (*SERVICE_ORDER, "Connectivity")
VR_SERVICES = (
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
)
VR_TYPES = ("VirtualRouter", "VPCVirtualRouter")


@dataclass(frozen=True)
class ProviderKind:
    """What an implemented provider offers; `element` names the element type that must be enabled first."""

    services: tuple[str, ...]
    individual: bool
    element: str | None = None


PROVIDERS = {
    "VirtualRouter": ProviderKind(VR_SERVICES, True, "VirtualRouter"),
    "VpcVirtualRouter": ProviderKind(
        tuple(s for s in (*VR_SERVICES, "NetworkACL") if s != "Firewall"), True, "VPCVirtualRouter"
    ),
    "InternalLbVm": ProviderKind(("Lb",), True, "InternalLbVm"),
    "SecurityGroupProvider": ProviderKind(("SecurityGroup",), False),
    "ConfigDrive": ProviderKind(("UserData",), False),
}
# Providers CloudStack knows of but whose devices we do not emulate.
OTHER_PROVIDERS = (
    "JuniperContrailRouter",
    "JuniperContrailVpcRouter",
    "JuniperSRX",
    "PaloAlto",
    "F5BigIp",
    "Netscaler",
    "ExternalDhcpServer",
    "ExternalGateWay",
    "ElasticLoadBalancerVm",
    "None",
    "NiciraNvp",
    "CiscoVnmc",
    "Ovs",
    "Opendaylight",
    "BrocadeVcs",
    "GloboDns",
    "BigSwitchBcf",
    "Tungsten",
    "Nsx",
    "Netris",
    "BaremetalDhcpProvider",
    "BaremetalPxeProvider",
    "BaremetalUserdataProvider",
)


def kind_of(provider: NetworkServiceProvider) -> ProviderKind:
    return PROVIDERS[provider.name]


def services_of(provider: NetworkServiceProvider) -> list[str]:
    return [s for s in provider.services.split(",") if s]


def _ordered(services: set[str]) -> str:
    return ",".join(s for s in SERVICE_ORDER if s in services)


def _service_name(value: str) -> str | None:
    return next((s for s in KNOWN_SERVICES if s.lower() == value.strip().lower()), None)


def _new(
    db: Session, network: PhysicalNetwork, name: str, services: set[str], state: str = "Disabled"
) -> NetworkServiceProvider:
    provider = NetworkServiceProvider(
        physical_network_id=network.id, name=name, state=state, services=_ordered(services)
    )
    db.add(provider)
    db.flush()
    return provider


def add_defaults(db: Session, network: PhysicalNetwork) -> None:
    """The providers CloudStack puts on every new physical network, disabled; ConfigDrive (Advanced) enabled."""
    for name in ("VirtualRouter", "SecurityGroupProvider", "VpcVirtualRouter", "InternalLbVm"):
        provider = _new(db, network, name, set(PROVIDERS[name].services))
        element = PROVIDERS[name].element
        # Only default providers come with an element; one added by hand needs create*Element.
        if element is not None:
            db.add(VirtualRouterElement(nsp_id=provider.id, type=element, enabled=False))
    if network.zone.network_type == "Advanced":
        _new(db, network, "ConfigDrive", {"UserData"}, state="Enabled")


def add(
    db: Session,
    caller: Caller,
    network: PhysicalNetwork,
    name: str,
    destination: PhysicalNetwork | None,
    services: list[str] | None,
    now: datetime,
) -> NetworkServiceProvider:
    if network.removed is not None:
        raise _missing("Physical Network with specified id doesn't exist in the system", network, "physicalNetworkId")
    if destination is not None and destination.removed is not None:
        raise _missing(
            "Destination Physical Network with specified id doesn't exist in the system",
            destination,
            "destinationPhysicalNetworkId",
        )
    canonical = next((p for p in (*PROVIDERS, *OTHER_PROVIDERS) if p.lower() == name.strip().lower()), None)
    if canonical is None:
        raise invalid_value(f"Invalid Network Service Provider={name}")
    if find(db, network, canonical) is not None:
        raise internal(f"The '{name}' provider already exists on physical network : {network.uuid}")
    if canonical not in PROVIDERS:
        raise invalid_value(f"Unable to find the Network Element implementing the Service Provider '{name}'")
    kind = PROVIDERS[canonical]
    chosen = set(kind.services) if services is None else _chosen_services(canonical, kind, services)
    provider = _new(db, network, canonical, chosen)
    if destination is not None:
        provider.destination_physical_network_id = destination.id
    _event(db, caller, "SERVICE.PROVIDER.CREATE", "Added", provider, network, now)
    return provider


def _chosen_services(name: str, kind: ProviderKind, services: list[str]) -> set[str]:
    if not kind.individual and len(services) != len(kind.services):
        raise invalid_value(
            "Cannot enable subset of Services, Please specify the complete list of Services for this Service "
            f"Provider '{name}'"
        )
    chosen: set[str] = set()
    for value in services:
        service = _service_name(value)
        if service is None or service == "Gateway":
            raise invalid_value(f"Invalid Network Service specified={value}")
        if service not in kind.services:
            raise invalid_value(f"{name} Provider cannot provide this Service specified={value}")
        chosen.add(service)
    if "SourceNat" in chosen:
        chosen.add("Gateway")
    return chosen


def find(db: Session, network: PhysicalNetwork, name: str) -> NetworkServiceProvider | None:
    return db.scalars(
        select(NetworkServiceProvider).where(
            NetworkServiceProvider.physical_network_id == network.id,
            NetworkServiceProvider.name == name,
            NetworkServiceProvider.removed.is_(None),
        )
    ).first()


def is_ready(db: Session, provider: NetworkServiceProvider) -> bool:
    element_type = kind_of(provider).element
    if element_type is None:
        return True
    element = _element_of(db, provider)
    return element is not None and element.type == element_type and element.enabled


def _element_of(db: Session, provider: NetworkServiceProvider) -> VirtualRouterElement | None:
    return db.scalars(select(VirtualRouterElement).where(VirtualRouterElement.nsp_id == provider.id)).first()


def update(
    db: Session,
    caller: Caller,
    provider: NetworkServiceProvider,
    state: str | None,
    services: list[str] | None,
    now: datetime,
) -> NetworkServiceProvider:
    _live(provider)
    if state:
        if state not in ("Enabled", "Disabled", "Shutdown"):
            raise invalid_value(f"Unable to resolve state '{state}' to a supported value {{Enabled or Disabled}}")
        if state == "Shutdown":
            raise invalid_value("Updating the provider state to 'Shutdown' is not supported")
        if state == "Enabled" and not is_ready(db, provider):
            raise internal("Provider is not ready, cannot Enable the provider, please configure the provider first")
        provider.state = state
    if services is not None:
        if not kind_of(provider).individual:
            raise invalid_value(f"Cannot update set of Services for this Service Provider '{provider.name}'")
        chosen: set[str] = set()
        for value in services:
            service = _service_name(value)
            if service is None:
                raise invalid_value(f"Invalid Network Service specified={value}")
            chosen.add(service)
        provider.services = _ordered(chosen)
    db.flush()
    network = db.get(PhysicalNetwork, provider.physical_network_id)
    assert network is not None
    _event(db, caller, "SERVICE.PROVIDER.UPDATE", "Updated", provider, network, now)
    return provider


def delete(db: Session, caller: Caller, provider: NetworkServiceProvider, now: datetime) -> None:
    _live(provider)
    network = db.get(PhysicalNetwork, provider.physical_network_id)
    assert network is not None
    _remove(db, provider, now)
    db.flush()
    _event(db, caller, "SERVICE.PROVIDER.DELETE", "Deleted", provider, network, now)


def remove_all(db: Session, network: PhysicalNetwork, now: datetime) -> None:
    live = select(NetworkServiceProvider).where(
        NetworkServiceProvider.physical_network_id == network.id, NetworkServiceProvider.removed.is_(None)
    )
    for provider in db.scalars(live).all():
        _remove(db, provider, now)


def _remove(db: Session, provider: NetworkServiceProvider, now: datetime) -> None:
    element = _element_of(db, provider)
    if element is not None:
        db.delete(element)
    provider.state = "Shutdown"
    provider.mark_removed(now)


def _live(provider: NetworkServiceProvider) -> None:
    if provider.removed is not None:
        raise invalid_value(f"Network Service Provider id={provider.uuid}doesn't exist in the system")


def _missing(text: str, network: PhysicalNetwork, field: str) -> ApiError:
    return ApiError(ErrorCode.PARAM_ERROR, text, CsErrorCode.INVALID_PARAMETER_VALUE, uuids=[(network.uuid, field)])


# --- virtual router and internal load balancer elements -------------------------------------------------------


def vr_type(value: str | None) -> str:
    if value is None:
        return "VirtualRouter"
    found = next((t for t in VR_TYPES if t.lower() == value.strip().lower()), None)
    if found is None:
        raise invalid_value("Invalid providerType specified")
    return found


def create_element(
    db: Session, caller: Caller, provider: NetworkServiceProvider, element_type: str, now: datetime
) -> VirtualRouterElement:
    """A new element for a provider added by hand (the default providers come with theirs)."""
    if provider.removed is not None or _element_of(db, provider) is not None:
        failed = "InternalLbVm" if element_type == "InternalLbVm" else "Virtual Router"
        raise ApiError(ErrorCode.INTERNAL_ERROR, f"Failed to add {failed} entity to physical network")
    if element_type == "InternalLbVm" and provider.name != "InternalLbVm":
        raise invalid_value("Invalid network service provider is specified")
    element = VirtualRouterElement(nsp_id=provider.id, type=element_type, enabled=False)
    db.add(element)
    db.flush()
    _element_event(db, caller, "SERVICE.PROVIDER.CREATE", "Created", element, now)
    return element


def configure_element(
    db: Session, caller: Caller, element: VirtualRouterElement, enabled: bool, internal_lb: bool, now: datetime
) -> VirtualRouterElement:
    if internal_lb and element.type != "InternalLbVm":
        raise invalid_value(
            f"Can't find InternalLbVm element with network service provider id {element.uuid} to be used as a "
            "provider for InternalLbVm"
        )
    if not internal_lb and element.type not in VR_TYPES:
        raise ApiError(ErrorCode.INTERNAL_ERROR, "Failed to configure the virtual router provider")
    element.enabled = enabled
    db.flush()
    _element_event(db, caller, "NETWORK.ELEMENT.CONFIGURE", "Enabled" if enabled else "Disabled", element, now)
    return element


def _event(
    db: Session,
    caller: Caller,
    kind: str,
    verb: str,
    provider: NetworkServiceProvider,
    network: PhysicalNetwork,
    now: datetime,
) -> None:
    events.record(
        db,
        caller,
        kind,
        f"{verb} provider {provider.name} on physical network {network.name}",
        now,
        resource_type="PhysicalNetworkServiceProvider",
        resource_uuid=provider.uuid,
        resource_name=provider.name,
    )


def _element_event(
    db: Session, caller: Caller, kind: str, verb: str, element: VirtualRouterElement, now: datetime
) -> None:
    events.record(
        db,
        caller,
        kind,
        f"{verb} {element.type} element {element.uuid}",
        now,
        resource_type="VirtualRouterElement",
        resource_uuid=element.uuid,
    )
