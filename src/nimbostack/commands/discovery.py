"""listApis and listCapabilities."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from nimbostack import CLOUDSTACK_VERSION
from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode
from nimbostack.api.registry import (
    Command,
    Kind,
    Param,
    ParamType,
    ResponseField,
    all_commands,
    command,
    lookup,
)
from nimbostack.api.results import Listing
from nimbostack.auth.identity import role_rules
from nimbostack.auth.roles import is_allowed
from nimbostack.auth.types import ALL_ROLES
from nimbostack.services import settings
from nimbostack.views.fields import response_fields, shape_name


def api_view(cmd: Command, related: str | None) -> dict[str, Any]:
    return {
        "name": cmd.name,
        "description": cmd.description,
        "since": cmd.since,
        "isasync": cmd.is_async,
        "related": related,
        "params": [_param_view(p) for p in cmd.params],
        "response": [_field_view(f) for f in response_fields(cmd)],
    }


def _param_view(param: Param) -> dict[str, Any]:
    # None is dropped by the renderer: since and related appear only when set, as in CloudStack.
    return {
        "name": param.name,
        "description": param.description,
        "type": param.type.value,
        "length": param.length,
        "required": param.required,
        "since": param.since or None,
        "related": param.related or None,
    }


def _field_view(field: ResponseField) -> dict[str, Any]:
    view: dict[str, Any] = {"name": field.name, "description": field.description, "type": field.type}
    if field.fields:
        view["response"] = [_field_view(f) for f in field.fields]
    return view


def related_commands(commands: list[Command]) -> dict[str, str | None]:
    """For each command, the others answering the same kind of object (CloudStack's api-level `related`).

    Computed over every registered command, not only those the caller may see, as CloudStack does.
    """
    by_shape: dict[str, list[str]] = defaultdict(list)
    for cmd in commands:
        shape = shape_name(cmd)
        if shape is not None:
            by_shape[shape].append(cmd.name)
    related: dict[str, str | None] = {}
    for cmd in commands:
        shape = shape_name(cmd)
        related[cmd.name] = None if shape is None else ",".join(n for n in by_shape[shape] if n != cmd.name)
    return related


@command(
    "listApis",
    description="Lists the APIs the caller may call, with their parameters and response fields.",
    params=[Param("name", ParamType.STRING, "An API name to look up")],
    kind=Kind.LIST,
    key="api",
    roles=ALL_ROLES,
    since="4.1.0",
)
def list_apis(call: Call) -> Listing:
    caller = call.caller
    rules = [] if caller.role_id == 1 else role_rules(call.db, caller.role_id)

    def visible(cmd: Command) -> bool:
        return caller.is_system or is_allowed(caller.role_id, caller.role_type, rules, cmd.name, cmd.roles)

    name = call.arg("name")
    if name:
        cmd = lookup(name)
        if cmd is None or not visible(cmd):
            raise ApiError(
                ErrorCode.INTERNAL_ERROR,
                "Api Discovery plugin was unable to find an api by that name or process any apis",
            )
        chosen = [cmd]
    else:
        chosen = [c for c in all_commands() if visible(c)]
    related = related_commands(all_commands())
    return Listing([api_view(c, related[c.name]) for c in chosen], len(chosen))


@command(
    "listCapabilities",
    description="Lists the capabilities and limits of this cloud that clients adapt to.",
    kind=Kind.OBJECT,
    key="capability",
    roles=ALL_ROLES,
)
def list_capabilities(call: Call) -> dict[str, Any]:
    page_size = settings.get_int(call.db, "default.page.size")
    return {
        "securitygroupsenabled": False,
        "dynamicrolesenabled": True,
        "cloudstackversion": CLOUDSTACK_VERSION,
        "userpublictemplateenabled": True,
        "supportELB": "false",
        "projectinviterequired": False,
        "allowusercreateprojects": True,
        "customdiskofferingminsize": 1,
        "customdiskofferingmaxsize": 1024,
        "regionsecondaryenabled": False,
        "kvmsnapshotenabled": False,
        "allowuserviewdestroyedvm": False,
        "allowuserexpungerecovervm": False,
        "allowuserexpungerecovervolume": True,
        "allowuserviewalldomainaccounts": settings.get_bool(
            call.db, "allow.user.view.all.domain.accounts", domain_id=call.caller.domain_id
        ),
        "allowuserforcestopvm": True,
        "kubernetesserviceenabled": False,
        "kubernetesclusterexperimentalfeaturesenabled": False,
        "defaultuipagesize": 20 if page_size == -1 else min(20, page_size),
        "dynamicscalingenabled": True,
    }
