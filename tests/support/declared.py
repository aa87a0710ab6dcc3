"""Compare what listApis declares for a command's answer with real answers: names, types, nested objects."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.support.clients import SessionClient

DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")
WHOLE_NUMBERS = {"short", "int", "integer", "long"}


def api(client: SessionClient, name: str) -> dict[str, Any]:
    apis = client("listApis", name=name)["api"]
    assert [a["name"] for a in apis] == [name]
    return dict(apis[0])


def response_of(client: SessionClient, name: str) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = api(client, name)["response"]
    return fields


def fits(declared: str, value: Any) -> bool:
    """Whether a value in a real answer has the type listApis declares for it.

    Enums print their own type name and are sent as text; nested response classes print `...response`.
    """
    if declared in WHOLE_NUMBERS:
        return isinstance(value, int) and not isinstance(value, bool)
    checks = {
        "boolean": lambda v: isinstance(v, bool),
        "double": lambda v: isinstance(v, float),
        "date": lambda v: isinstance(v, str) and DATE.match(v) is not None,
        "map": lambda v: isinstance(v, dict),
        "list": lambda v: isinstance(v, list),
        "set": lambda v: isinstance(v, list),
        "responseobject": lambda v: isinstance(v, dict),
    }
    if declared.endswith("response"):
        return isinstance(value, dict)
    return checks.get(declared, lambda v: isinstance(v, str))(value)


def _nested_items(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def assert_declared(fields: list[dict[str, Any]], answer: dict[str, Any]) -> None:
    """Declared names are exactly the answer's keys, each value has its declared type, nested ones too."""
    declared = {f["name"]: f for f in fields}
    assert set(declared) == set(answer)
    for name, value in answer.items():
        assert fits(declared[name]["type"], value), (name, declared[name]["type"], value)
        nested = declared[name].get("response")
        if nested:
            for item in _nested_items(value):
                assert_declared(nested, item)


def assert_union_declared(
    fields: list[dict[str, Any]], answers: Iterable[dict[str, Any]], unsent: Iterable[str] = ()
) -> None:
    """For objects whose optional keys differ item by item: together they carry every declared key.

    `unsent` names declared keys no answer in the test can carry; each caller says why.
    """
    answers = list(answers)
    assert answers, "no answers to compare"
    declared = {f["name"]: f for f in fields}
    missing = set(unsent)
    assert missing <= set(declared), missing - set(declared)
    seen: set[str] = set().union(*answers)
    assert seen == set(declared) - missing, (sorted(seen - set(declared)), sorted(set(declared) - missing - seen))
    nested_items: dict[str, list[dict[str, Any]]] = {}
    for answer in answers:
        for name, value in answer.items():
            assert fits(declared[name]["type"], value), (name, declared[name]["type"], value)
            if declared[name].get("response"):
                nested_items.setdefault(name, []).extend(_nested_items(value))
    for name, items in nested_items.items():
        if items:
            assert_union_declared(declared[name]["response"], items)
