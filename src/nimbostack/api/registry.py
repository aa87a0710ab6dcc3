"""One declaration per command: it drives dispatch, parameter checks, listApis and role defaults."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from nimbostack.auth.types import RoleType

if TYPE_CHECKING:
    from nimbostack.api.context import Call


class ParamType(StrEnum):
    """CommandType names as listApis prints them."""

    UUID = "uuid"
    STRING = "string"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    LONG = "long"
    SHORT = "short"
    FLOAT = "float"
    DOUBLE = "double"
    DATE = "date"
    TZDATE = "tzdate"
    LIST = "list"
    MAP = "map"
    OBJECT = "object"


class Kind(StrEnum):
    """How a command's answer sits inside `<command>response`."""

    LIST = "list"  # {count, <key>: [...]}
    OBJECT = "object"  # {<key>: {...}}
    SUCCESS = "success"  # {success, displaytext}
    FLAT = "flat"  # fields directly in the wrapper


@dataclass(frozen=True)
class Param:
    """A command parameter. `entity` names the model a uuid must resolve to (looked up before the handler)."""

    name: str
    type: ParamType
    description: str
    required: bool = False
    length: int = 255
    since: str | None = None
    related: str | None = None
    item_type: ParamType | None = None
    entity: Any = None
    # Values that must not carry secrets in logs or be accepted on the integration port.
    secret: bool = False


@dataclass(frozen=True)
class ResponseField:
    """A field of the response object, for listApis."""

    name: str
    type: str
    description: str
    fields: tuple[ResponseField, ...] = ()


Handler = Callable[["Call"], Any]


@dataclass(frozen=True)
class Command:
    """Everything the pipeline needs to know about one API command."""

    name: str
    handler: Handler
    description: str
    params: tuple[Param, ...]
    kind: Kind
    key: str | None
    roles: frozenset[RoleType]
    is_async: bool = False
    since: str | None = None
    response_fields: tuple[ResponseField, ...] = ()
    # For async commands: the job's instance type and the param naming the object the job acts on.
    instance_type: str | None = None
    instance_param: str | None = None
    # Async commands that create an object answer its id at once: this runs before the job.
    create: Handler | None = None
    params_by_name: dict[str, Param] = field(default_factory=dict, compare=False)
    # The wrapper's name when CloudStack does not derive it from the command (ldapconfigurationresponse...).
    wrapper: str | None = None

    @property
    def response_name(self) -> str:
        return self.wrapper or self.name.lower() + "response"


_REGISTRY: dict[str, Command] = {}


def command(
    name: str,
    *,
    description: str,
    params: Iterable[Param] = (),
    kind: Kind,
    key: str | None = None,
    roles: Iterable[RoleType],
    is_async: bool = False,
    since: str | None = None,
    response_fields: Iterable[ResponseField] = (),
    instance_type: str | None = None,
    instance_param: str | None = None,
    create: Handler | None = None,
    wrapper: str | None = None,
) -> Callable[[Handler], Handler]:
    """Declare a command next to its handler. The registry is filled once, at import time."""

    def register(handler: Handler) -> Handler:
        if name in _REGISTRY:
            raise RuntimeError(f"command {name} declared twice")
        plist = tuple(params)
        _REGISTRY[name] = Command(
            name=name,
            handler=handler,
            description=description,
            params=plist,
            kind=kind,
            key=key,
            roles=frozenset(roles),
            is_async=is_async,
            since=since,
            response_fields=tuple(response_fields),
            instance_type=instance_type,
            instance_param=instance_param,
            create=create,
            params_by_name={p.name: p for p in plist},
            wrapper=wrapper,
        )
        return handler

    return register


def lookup(name: str) -> Command | None:
    """Commands are case-sensitive, as in CloudStack."""
    return _REGISTRY.get(name)


def all_commands() -> list[Command]:
    return sorted(_REGISTRY.values(), key=lambda c: c.name)
