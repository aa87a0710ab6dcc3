"""The path of one API request, as a short chain of named steps.

decode -> authenticate -> resolve command -> authorize -> coerce params -> run or enqueue -> render
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from nimbostack.api import authn, params
from nimbostack.api.context import Call, Caller
from nimbostack.api.errors import GENERIC_INTERNAL_TEXT, ApiError, ErrorCode, unauthorized
from nimbostack.api.registry import Command, lookup
from nimbostack.api.render import (
    JSON_CONTENT_TYPE,
    XML_CONTENT_TYPE,
    envelope_body,
    error_body,
    to_json,
    to_xml,
)
from nimbostack.api.results import Accepted
from nimbostack.auth.identity import role_rules
from nimbostack.auth.roles import is_allowed
from nimbostack.db.engine import TRANSIENT_ATTEMPTS, is_transient
from nimbostack.jobs import queue
from nimbostack.runtime import Runtime

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-XSS-Protection": "1;mode=block",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
}


@dataclass
class WireRequest:
    method: str
    query: str
    body: bytes
    cookies: dict[str, str]
    client_ip: str
    integration: bool = False


@dataclass
class WireResponse:
    status: int
    content: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)


def handle(runtime: Runtime, request: WireRequest) -> WireResponse:
    """Answer one /client/api request; never raises."""
    wire = params.decode(request.query, request.body)
    as_json = wire.original.get("response", "").lower() == "json"
    name = wire.original.get("command")
    command = lookup(name) if name else None
    try:
        if name and name.lower() in authn.AUTH_COMMANDS and not request.integration:
            return authn.run_auth_command(runtime, request, wire, name.lower(), as_json)
        for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
            try:
                with runtime.database.session() as db:
                    caller, resolved = _authenticate(runtime, db, request, wire, name, command)
                    body = _run(runtime, db, resolved, wire, caller, request.integration)
                return render_ok(resolved, body, as_json)
            except Exception as error:
                # A deadlock victim's transaction was rolled back whole, so the call can simply run again.
                if not is_transient(error) or attempt == TRANSIENT_ATTEMPTS:
                    raise
                log.warning("%s met a transient database error, running it again: %s", name, error)
        raise AssertionError("unreachable: the last attempt returns or raises")
    except ApiError as err:
        return render_error(err, command, as_json)
    except Exception:
        log.exception("unexpected failure in %s", name)
        return render_error(ApiError(ErrorCode.INTERNAL_ERROR, GENERIC_INTERNAL_TEXT), command, as_json)


def _authenticate(
    runtime: Runtime,
    db: Session,
    request: WireRequest,
    wire: params.WireParams,
    name: str | None,
    command: Command | None,
) -> tuple[Caller, Command]:
    if request.integration:
        if not name:
            raise ApiError(ErrorCode.UNSUPPORTED_ACTION_ERROR, "Invalid request, no command sent")
        caller = authn.system_caller(db)
        return caller, _known(name, command)
    session_caller = authn.session_caller(runtime, db, request, wire)
    if session_caller is not None:
        if not name:
            raise ApiError(ErrorCode.BAD_REQUEST, "no command specified", None)
        command = _known(name, command)
        authorize(db, session_caller, command)
        return session_caller, command
    if not name or command is None:
        # API-key callers learn nothing about which commands exist.
        raise unauthorized()
    caller = authn.api_key_caller(runtime, db, wire, command)
    return caller, command


def _known(name: str, command: Command | None) -> Command:
    if command is None:
        raise ApiError(ErrorCode.UNSUPPORTED_ACTION_ERROR, f"Unknown API command: {name}")
    return command


def authorize(db: Session, caller: Caller, command: Command) -> None:
    if caller.is_system:
        return
    rules = [] if caller.role_id == 1 else role_rules(db, caller.role_id)
    if not is_allowed(caller.role_id, caller.role_type, rules, command.name, command.roles):
        raise ApiError(
            ErrorCode.UNSUPPORTED_ACTION_ERROR,
            f"The API [{command.name}] does not exist or is not available for the account {caller.account_name}.",
        )


def _run(
    runtime: Runtime, db: Session, command: Command, wire: params.WireParams, caller: Caller, integration: bool = False
) -> dict[str, Any]:
    params.check_printable(wire.original)
    raw = wire.lower
    if integration:
        # Passwords and secrets never travel over the unauthenticated port.
        for param in command.params:
            if param.secret and param.name in raw:
                raise ApiError(
                    ErrorCode.ACCOUNT_ERROR, f"Parameter {param.name} can't be passed through the API integration port"
                )
    call = build_call(runtime, db, command, raw, caller)
    if command.is_async:
        return envelope_body(command, enqueue(call))
    return envelope_body(command, command.handler(call))


def build_call(
    runtime: Runtime, db: Session, command: Command, raw: dict[str, str], caller: Caller, job_uuid: str | None = None
) -> Call:
    typed = params.coerce(command, params.unpack(raw), db)
    return Call(
        command=command,
        params=typed,
        raw=raw,
        caller=caller,
        db=db,
        runtime=runtime,
        now=runtime.now(),
        job_uuid=job_uuid,
    )


def enqueue(call: Call) -> Accepted:
    """Record the job (after an optional synchronous create step) and wake a worker."""
    command = call.command
    created_id: str | None = None
    raw = dict(call.raw)
    if command.create is not None:
        created_id = command.create(call)
        raw["id"] = str(created_id)
    instance_uuid = created_id
    if instance_uuid is None and command.instance_param:
        target = call.arg(command.instance_param)
        instance_uuid = getattr(target, "uuid", None) if target is not None else None
    job = queue.enqueue(
        call.db,
        call.caller,
        command.name,
        _storable(raw),
        call.now,
        call.runtime.server_id,
        instance_type=command.instance_type,
        instance_uuid=instance_uuid,
    )
    call.runtime.job_signal.set()
    return Accepted(jobid=job.uuid, id=created_id)


_NOT_STORED = {"signature", "apikey", "sessionkey", "expires", "signatureversion", "_"}


def _storable(raw: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in raw.items() if k not in _NOT_STORED}


def content_type(as_json: bool) -> str:
    return JSON_CONTENT_TYPE if as_json else XML_CONTENT_TYPE


def render_ok(command: Command, body: dict[str, Any], as_json: bool) -> WireResponse:
    return render_ok_named(command.response_name, body, as_json)


def render_ok_named(name: str, body: dict[str, Any], as_json: bool) -> WireResponse:
    content = to_json(name, body) if as_json else to_xml(name, body)
    return WireResponse(200, content, content_type(as_json), dict(SECURITY_HEADERS))


def render_error(err: ApiError, command: Command | None, as_json: bool, name: str | None = None) -> WireResponse:
    if name is None:
        known = command is not None and err.code != ErrorCode.UNSUPPORTED_ACTION_ERROR
        name = command.response_name if known and command is not None else "errorresponse"
    body = error_body(err)
    content = to_json(name, body) if as_json else to_xml(name, body)
    headers = dict(SECURITY_HEADERS)
    headers["X-Description"] = header_text(err.text)
    return WireResponse(int(err.code), content, content_type(as_json), headers)


_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def header_text(text: str) -> str:
    """An error text fit for a header: error texts may echo user input, and a line break or an edge space
    there makes the HTTP layer drop the connection instead of answering."""
    return _HEADER_UNSAFE.sub(" ", text).strip().encode("latin-1", "replace").decode("latin-1")
