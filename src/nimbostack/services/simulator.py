"""The simulator's admin side: configured faults (CloudStack's simulator "mocks") and host power.

`configureSimulator` takes CloudStack's arguments: `name` is the agent command to affect, `value` is
`key:value` pairs separated by `;` (`result:fail`, `result:fault`, `wait:<ms>`), `count` how many calls
it applies to (unset or -1: every call until cleaned up) and `jsonresponse` an agent answer such as
`{"com.cloud.agent.api.MaintainAnswer":{"result":false,"details":"disk array on fire"}}`, whose
`details` become the failure text. Configuring the same command for the same scope again replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.errors import internal, invalid_value
from nimbostack.db.models import Cluster, Host, Pod, SimulatorFault, Zone
from nimbostack.hypervisor.simulator import SIMULATED_FAILURE, SimulatorDriver
from nimbostack.services import hosts, settings

HOST_STATES = ("Up", "Down")


@dataclass(frozen=True)
class Behaviour:
    fail: bool
    text: str | None
    delay_ms: int


def parse_behaviour(value: str, json_response: str | None) -> Behaviour:
    """Read `value` the way CloudStack's simulator does; a failing `result` wins over the JSON answer."""
    fail, text, delay = False, None, 0
    for item in (part.strip() for part in value.split(";")):
        if not item:
            continue
        key, _, option = item.partition(":")
        key, option = key.strip().lower(), option.strip()
        if key == "result":
            if option.lower() == "fail":
                fail, text = True, SIMULATED_FAILURE
            elif option.lower() == "fault":
                fail, text = True, "Simulated fault"
            elif option.lower() not in ("success", "pass"):
                raise invalid_value(f"Unknown result {option} in simulator mock value; use fail, fault or success")
        elif key == "wait":
            try:
                delay = int(option)
            except ValueError:
                raise invalid_value(f"Invalid wait {option} in simulator mock value; give milliseconds") from None
            if delay < 0:
                raise invalid_value(f"Invalid wait {option} in simulator mock value; give milliseconds")
        elif key not in ("enabled", "timeout"):
            # enabled and timeout are CloudStack options for commands we do not simulate; they are accepted.
            raise invalid_value(f"Unknown simulator mock option {key}; use result:fail, result:fault or wait:<ms>")
    if json_response:
        answer_failed, details = _read_answer(json_response)
        if answer_failed and not fail:
            fail, text = True, details or SIMULATED_FAILURE
    return Behaviour(fail, text, delay)


def _read_answer(text: str) -> tuple[bool, str | None]:
    try:
        document = json.loads(text)
    except ValueError:
        raise invalid_value("jsonresponse is not valid JSON") from None
    # CloudStack's form wraps the answer in its class name: {"<AnswerClass>": {...}}.
    answer = document
    if isinstance(document, dict) and len(document) == 1:
        only = next(iter(document.values()))
        if isinstance(only, dict):
            answer = only
    if not isinstance(answer, dict):
        raise invalid_value("jsonresponse must be an agent answer object")
    details = answer.get("details")
    return answer.get("result") is False, str(details) if details is not None else None


@dataclass(frozen=True)
class Scope:
    zone: Zone | None
    pod: Pod | None
    cluster: Cluster | None
    host: Host | None


def resolve_scope(db: Session, zone: Zone | None, pod: Pod | None, cluster: Cluster | None, host: Host | None) -> Scope:
    """Fill in the parents of the narrowest scope given, and refuse scopes that do not nest."""
    if host is not None:
        cluster = _same(cluster, db.get(Cluster, host.cluster_id) if host.cluster_id else None, "host", host.uuid)
    if cluster is not None:
        pod = _same(pod, cluster.pod, "cluster", cluster.uuid)
    if pod is not None:
        zone = _same(zone, pod.zone, "pod", pod.uuid)
    return Scope(zone, pod, cluster, host)


Parent = TypeVar("Parent", Zone, Pod, Cluster)


def _same(given: Parent | None, actual: Parent | None, what: str, uuid: str) -> Parent | None:
    if given is not None and actual is not None and given.id != actual.id:
        raise invalid_value(f"The {what} {uuid} is not in the {type(given).__name__.lower()} {given.uuid}")
    return actual if actual is not None else given


def configure(
    db: Session,
    scope: Scope,
    *,
    operation: str,
    value: str,
    count: int | None,
    json_response: str | None,
    vm_name: str | None,
    now: datetime,
) -> SimulatorFault:
    if not operation.strip():
        raise invalid_value("Please specify the command to configure")
    if count is not None and count < -1:
        raise invalid_value(f"Invalid count {count}; give a number of calls, or -1 for every call")
    behaviour = parse_behaviour(value, json_response)
    keys: dict[str, int | str | None] = {
        "zone_id": scope.zone.id if scope.zone else None,
        "pod_id": scope.pod.id if scope.pod else None,
        "cluster_id": scope.cluster.id if scope.cluster else None,
        "host_id": scope.host.id if scope.host else None,
        "vm_name": vm_name,
    }
    same_scope = [
        getattr(SimulatorFault, k).is_(None) if v is None else getattr(SimulatorFault, k) == v for k, v in keys.items()
    ]
    fault = db.scalars(select(SimulatorFault).where(SimulatorFault.operation == operation, *same_scope)).first()
    if fault is None:
        fault = SimulatorFault(operation=operation, created=now, **keys)
        db.add(fault)
    fault.fail = behaviour.fail
    fault.error_text = behaviour.text
    fault.delay_ms = behaviour.delay_ms
    fault.remaining = -1 if count is None else count
    db.flush()
    return fault


def query(db: Session, mock_id: int | None) -> SimulatorFault:
    fault = db.get(SimulatorFault, mock_id) if mock_id is not None else None
    if fault is None:
        raise internal("Failed to query mock")
    return fault


def cleanup(db: Session, mock_id: int | None) -> None:
    fault = db.get(SimulatorFault, mock_id) if mock_id is not None else None
    if fault is None:
        raise internal("Failed to cleanup mock")
    db.delete(fault)


def set_host_state(db: Session, host: Host, state: str, now: datetime) -> Host:
    """Power a simulated host off (Down) or on (Up), then check it as a ping would."""
    wanted = next((s for s in HOST_STATES if s.lower() == state.strip().lower()), None)
    if wanted is None:
        raise invalid_value(f"Invalid host state {state}; use Up or Down")
    if host.hypervisor != "Simulator":
        raise invalid_value(f"Host {host.uuid} is not a simulator host")
    driver = SimulatorDriver(db, latency_ms=settings.get_int(db, "simulator.latency.ms"), clock=lambda: now)
    driver.set_power(host, wanted == "Up")
    return hosts.refresh_status(db, host, now)
