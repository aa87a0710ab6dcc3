"""The simulator's admin API: configureSimulator, querySimulatorMock, cleanupSimulatorMock (CloudStack's
names and meaning), plus two nimbostack extensions: listSimulatorMocks and configureSimulatorHostState."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, fetch
from nimbostack.db.models import Cluster, Host, Pod, SimulatorFault, Zone
from nimbostack.services import capacity, simulator
from nimbostack.services.live import live, live_or_none
from nimbostack.views.hosts import host_view, mock_view


@command(
    "configureSimulator",
    description="Makes the simulator fail or delay the next calls of an agent command (e.g. MaintainCommand) "
    "in a zone, pod, cluster or host.",
    params=[
        Param(
            "name", ParamType.STRING, "The agent command to affect, e.g. MaintainCommand, StartCommand", required=True
        ),
        Param(
            "value", ParamType.STRING, "What to do, ';'-separated: result:fail, result:fault, wait:<ms>", required=True
        ),
        Param("zoneid", ParamType.UUID, "Only calls in this zone", entity=Zone, related="listZones"),
        Param("podid", ParamType.UUID, "Only calls in this pod", entity=Pod, related="listPods"),
        Param("clusterid", ParamType.UUID, "Only calls in this cluster", entity=Cluster, related="listClusters"),
        Param("hostid", ParamType.UUID, "Only calls to this host", entity=Host, related="listHosts"),
        Param("count", ParamType.INTEGER, "How many calls it applies to; every call until cleaned up when unset"),
        Param(
            "jsonresponse", ParamType.STRING, "Agent answer to give; a false result fails with its details", length=4096
        ),
        Param("vmname", ParamType.STRING, "nimbostack extension: only calls about this VM (instance name)"),
    ],
    kind=Kind.OBJECT,
    key="simulatormock",
    roles=ADMIN_ONLY,
)
def configure_simulator(call: Call) -> dict[str, Any]:
    scope = simulator.resolve_scope(
        call.db,
        live_or_none(call.arg("zoneid"), "zone"),
        live_or_none(call.arg("podid"), "pod"),
        live_or_none(call.arg("clusterid"), "cluster"),
        live_or_none(call.arg("hostid"), "host"),
    )
    fault = simulator.configure(
        call.db,
        scope,
        operation=call.arg("name"),
        value=call.arg("value"),
        count=call.arg("count"),
        json_response=call.arg("jsonresponse"),
        vm_name=call.arg("vmname"),
        now=call.now,
    )
    return mock_view(call.db, fault)


@command(
    "querySimulatorMock",
    description="Shows a configured simulator mock and how many calls it still applies to.",
    params=[Param("id", ParamType.LONG, "The mock's id, as configureSimulator answered it")],
    kind=Kind.OBJECT,
    key="simulatormock",
    roles=ADMIN_ONLY,
)
def query_simulator_mock(call: Call) -> dict[str, Any]:
    return mock_view(call.db, simulator.query(call.db, call.arg("id")))


@command(
    "cleanupSimulatorMock",
    description="Removes a configured simulator mock.",
    params=[Param("id", ParamType.LONG, "The mock's id, as configureSimulator answered it")],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
)
def cleanup_simulator_mock(call: Call) -> Success:
    simulator.cleanup(call.db, call.arg("id"))
    return Success()


@command(
    "listSimulatorMocks",
    description="nimbostack extension: lists the configured simulator mocks.",
    params=[*LIST_PARAMS, Param("name", ParamType.STRING, "Only mocks of this agent command")],
    kind=Kind.LIST,
    key="simulatormock",
    roles=ADMIN_ONLY,
)
def list_simulator_mocks(call: Call) -> Listing:
    stmt = select(SimulatorFault)
    if call.has("name"):
        stmt = stmt.where(SimulatorFault.operation == call.arg("name"))
    if call.arg("keyword"):
        stmt = stmt.where(SimulatorFault.operation.ilike(f"%{call.arg('keyword')}%"))
    rows, count = fetch(call, stmt, SimulatorFault.id)
    return Listing([mock_view(call.db, f) for f in rows], count)


@command(
    "configureSimulatorHostState",
    description="nimbostack extension: powers a simulator host off (Down) or on (Up); listHosts then shows "
    "the new state and calls to a Down host fail.",
    params=[
        Param("id", ParamType.UUID, "The simulator host", required=True, entity=Host, related="listHosts"),
        Param("state", ParamType.STRING, "Up or Down", required=True),
    ],
    kind=Kind.OBJECT,
    key="host",
    roles=ADMIN_ONLY,
)
def configure_simulator_host_state(call: Call) -> dict[str, Any]:
    host = simulator.set_host_state(call.db, live(call.arg("id"), "host"), call.arg("state"), call.now)
    return host_view(call.db, host, capacity.Factors(call.db))
