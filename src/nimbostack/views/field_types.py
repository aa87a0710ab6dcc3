"""The type names listApis prints for response fields, and a short way to declare a field.

A type is what CloudStack prints there: the lower-cased simple name of the Java type of the response class
field. So `Integer` and `Short` print `integer` and `short`, primitive `int` prints `int`, `Date` prints
`date`, `List<...>` and `Set<...>` print `list` and `set`, and an enum or a nested response class prints its
own name (`Status`, `HostHAResponse`).
"""

from __future__ import annotations

from nimbostack.api.registry import ResponseField

Fields = tuple[ResponseField, ...]

STRING = "string"
BOOLEAN = "boolean"
SHORT = "short"
INTEGER = "integer"
INT = "int"
LONG = "long"
DOUBLE = "double"
DATE = "date"
LIST = "list"
SET = "set"
MAP = "map"
RESPONSE_OBJECT = "responseobject"


def field(name: str, type_: str, description: str, *fields: ResponseField) -> ResponseField:
    """One field; `fields` are the fields of the objects it holds, for nested objects and lists of them."""
    return ResponseField(name, type_, description, fields=fields)


def only(fields: Fields, names: set[str]) -> Fields:
    """The fields of a shared declaration that one kind of answer carries, in the declaration's order."""
    unknown = names - {f.name for f in fields}
    if unknown:
        raise ValueError(f"not declared: {sorted(unknown)}")
    return tuple(f for f in fields if f.name in names)
