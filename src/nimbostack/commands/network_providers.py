"""Network service providers and the virtual router / internal load balancer elements behind them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import NetworkServiceProvider, PhysicalNetwork, VirtualRouterElement
from nimbostack.services import network_providers
from nimbostack.views.infra import element_view, provider_view

PROVIDER_ID = Param(
    "id",
    ParamType.UUID,
    "The network service provider",
    required=True,
    entity=NetworkServiceProvider,
    related="listNetworkServiceProviders",
)
NSP_FILTER = Param(
    "nspid",
    ParamType.UUID,
    "Only the element of this network service provider",
    entity=NetworkServiceProvider,
    related="listNetworkServiceProviders",
)


def _created(call: Call, model: Any) -> Any:
    return call.db.scalars(select(model).where(model.uuid == call.raw["id"])).one()


@command(
    "listNetworkServiceProviders",
    description="Lists the network service providers of physical networks.",
    params=[
        *LIST_PARAMS,
        Param(
            "physicalnetworkid",
            ParamType.UUID,
            "Only providers of this physical network",
            entity=PhysicalNetwork,
            related="listPhysicalNetworks",
        ),
        Param("name", ParamType.STRING, "Only providers with this name"),
        Param("state", ParamType.STRING, "Only providers in this state"),
    ],
    kind=Kind.LIST,
    key="networkserviceprovider",
    roles=ADMIN_ONLY,
)
def list_providers(call: Call) -> Listing:
    nsp = NetworkServiceProvider
    stmt = select(nsp).where(nsp.removed.is_(None), keyword_filter(call, nsp.name))
    if call.has("physicalnetworkid"):
        stmt = stmt.where(nsp.physical_network_id == call.arg("physicalnetworkid").id)
    if call.has("name"):
        stmt = stmt.where(nsp.name == call.arg("name"))
    if call.has("state"):
        stmt = stmt.where(nsp.state == call.arg("state"))
    # CloudStack lists providers newest first.
    rows, count = fetch(call, stmt, nsp.id.desc())
    return Listing([provider_view(call.db, p) for p in rows], count)


def _add_provider(call: Call) -> str:
    provider = network_providers.add(
        call.db,
        call.caller,
        call.arg("physicalnetworkid"),
        call.arg("name"),
        call.arg("destinationphysicalnetworkid"),
        call.arg("servicelist"),
        call.now,
    )
    return provider.uuid


@command(
    "addNetworkServiceProvider",
    description="Adds a network service provider to a physical network, disabled.",
    params=[
        Param(
            "physicalnetworkid",
            ParamType.UUID,
            "The physical network",
            required=True,
            entity=PhysicalNetwork,
            related="listPhysicalNetworks",
        ),
        Param("name", ParamType.STRING, "Provider name, such as VirtualRouter", required=True),
        Param(
            "destinationphysicalnetworkid",
            ParamType.UUID,
            "Physical network the provider bridges to",
            entity=PhysicalNetwork,
            related="listPhysicalNetworks",
        ),
        Param("servicelist", ParamType.LIST, "Services to enable; all the provider offers when left out"),
    ],
    kind=Kind.OBJECT,
    key="networkserviceprovider",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="PhysicalNetworkServiceProvider",
    create=_add_provider,
)
def add_provider(call: Call) -> dict[str, Any]:
    return provider_view(call.db, _created(call, NetworkServiceProvider))


@command(
    "updateNetworkServiceProvider",
    description="Enables or disables a network service provider, or changes the services it provides.",
    params=[
        PROVIDER_ID,
        Param("state", ParamType.STRING, "Enabled or Disabled"),
        Param("servicelist", ParamType.LIST, "Services the provider gives"),
    ],
    kind=Kind.OBJECT,
    key="networkserviceprovider",
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="PhysicalNetworkServiceProvider",
    instance_param="id",
)
def update_provider(call: Call) -> dict[str, Any]:
    provider = network_providers.update(
        call.db, call.caller, call.arg("id"), call.arg("state"), call.arg("servicelist"), call.now
    )
    return provider_view(call.db, provider)


@command(
    "deleteNetworkServiceProvider",
    description="Removes a network service provider from its physical network.",
    params=[PROVIDER_ID],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    is_async=True,
    instance_type="PhysicalNetworkServiceProvider",
    instance_param="id",
)
def delete_provider(call: Call) -> Success:
    network_providers.delete(call.db, call.caller, call.arg("id"), call.now)
    return Success()


def _element_list(call: Call, types: tuple[str, ...]) -> Listing:
    stmt = select(VirtualRouterElement).where(VirtualRouterElement.type.in_(types))
    if call.has("id"):
        stmt = stmt.where(VirtualRouterElement.id == call.arg("id").id)
    if call.has("nspid"):
        stmt = stmt.where(VirtualRouterElement.nsp_id == call.arg("nspid").id)
    if call.has("enabled"):
        stmt = stmt.where(VirtualRouterElement.enabled.is_(call.arg("enabled")))
    rows, count = fetch(call, stmt, VirtualRouterElement.id)
    return Listing([element_view(call.db, e) for e in rows], count)


def _create_vr_element(call: Call) -> str:
    kind = network_providers.vr_type(call.arg("providertype"))
    return network_providers.create_element(call.db, call.caller, call.arg("nspid"), kind, call.now).uuid


@command(
    "createVirtualRouterElement",
    description="Creates the virtual router element of a VirtualRouter provider that was added by hand.",
    params=[
        Param(
            "nspid",
            ParamType.UUID,
            "The network service provider",
            required=True,
            entity=NetworkServiceProvider,
            related="listNetworkServiceProviders",
        ),
        Param("providertype", ParamType.STRING, "VirtualRouter (the default) or VPCVirtualRouter"),
    ],
    kind=Kind.OBJECT,
    key="virtualrouterelement",
    roles=ADMIN_ONLY,
    is_async=True,
    create=_create_vr_element,
)
def create_vr_element(call: Call) -> dict[str, Any]:
    return element_view(call.db, _created(call, VirtualRouterElement))


@command(
    "configureVirtualRouterElement",
    description="Enables or disables a virtual router element; its provider can only be enabled while it is.",
    params=[
        Param(
            "id",
            ParamType.UUID,
            "The virtual router element",
            required=True,
            entity=VirtualRouterElement,
            related="listVirtualRouterElements",
        ),
        Param("enabled", ParamType.BOOLEAN, "true to enable, false to disable", required=True),
    ],
    kind=Kind.OBJECT,
    key="virtualrouterelement",
    roles=ADMIN_ONLY,
    is_async=True,
)
def configure_vr_element(call: Call) -> dict[str, Any]:
    element = network_providers.configure_element(
        call.db, call.caller, call.arg("id"), bool(call.arg("enabled")), False, call.now
    )
    return element_view(call.db, element)


@command(
    "listVirtualRouterElements",
    description="Lists virtual router elements (VirtualRouter and VpcVirtualRouter providers).",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this element", entity=VirtualRouterElement),
        NSP_FILTER,
        Param("enabled", ParamType.BOOLEAN, "Only enabled (true) or disabled (false) elements"),
    ],
    kind=Kind.LIST,
    key="virtualrouterelement",
    roles=ADMIN_ONLY,
)
def list_vr_elements(call: Call) -> Listing:
    return _element_list(call, network_providers.VR_TYPES)


def _create_lb_element(call: Call) -> str:
    return network_providers.create_element(call.db, call.caller, call.arg("nspid"), "InternalLbVm", call.now).uuid


@command(
    "createInternalLoadBalancerElement",
    description="Creates the element of an InternalLbVm provider that was added by hand.",
    params=[
        Param(
            "nspid",
            ParamType.UUID,
            "The network service provider",
            required=True,
            entity=NetworkServiceProvider,
            related="listNetworkServiceProviders",
        )
    ],
    kind=Kind.OBJECT,
    key="internalloadbalancerelement",
    roles=ADMIN_ONLY,
    is_async=True,
    create=_create_lb_element,
)
def create_lb_element(call: Call) -> dict[str, Any]:
    return element_view(call.db, _created(call, VirtualRouterElement))


@command(
    "configureInternalLoadBalancerElement",
    description="Enables or disables an internal load balancer element.",
    params=[
        Param(
            "id",
            ParamType.UUID,
            "The internal load balancer element",
            required=True,
            entity=VirtualRouterElement,
            related="listInternalLoadBalancerElements",
        ),
        Param("enabled", ParamType.BOOLEAN, "true to enable, false to disable", required=True),
    ],
    kind=Kind.OBJECT,
    key="internalloadbalancerelement",
    roles=ADMIN_ONLY,
    is_async=True,
)
def configure_lb_element(call: Call) -> dict[str, Any]:
    element = network_providers.configure_element(
        call.db, call.caller, call.arg("id"), bool(call.arg("enabled")), True, call.now
    )
    return element_view(call.db, element)


@command(
    "listInternalLoadBalancerElements",
    description="Lists internal load balancer elements (InternalLbVm providers).",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this element", entity=VirtualRouterElement),
        NSP_FILTER,
        Param("enabled", ParamType.BOOLEAN, "Only enabled (true) or disabled (false) elements"),
    ],
    kind=Kind.LIST,
    key="internalloadbalancerelement",
    roles=ADMIN_ONLY,
)
def list_lb_elements(call: Call) -> Listing:
    return _element_list(call, ("InternalLbVm",))
