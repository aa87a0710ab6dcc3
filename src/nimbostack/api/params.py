"""Request parameters: decoding the wire form, unpacking maps, and coercing to declared types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.errors import ApiError, ErrorCode
from nimbostack.api.registry import Command, Param, ParamType

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
_MAP_KEY = re.compile(r"^([^\[\]]+)\[(\d+)\]\.(.+)$")
INT_RANGES = {
    ParamType.SHORT: (-(2**15), 2**15 - 1),
    ParamType.INTEGER: (-(2**31), 2**31 - 1),
    ParamType.LONG: (-(2**63), 2**63 - 1),
}


@dataclass
class WireParams:
    """Parameters as received: original names (needed for signatures) and a lower-cased view."""

    original: dict[str, str]

    @property
    def lower(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.original.items()}

    def get_ci(self, name: str) -> str | None:
        """A framework key matched case-insensitively (apiKey, signature, signatureVersion, expires)."""
        name = name.lower()
        for key, value in self.original.items():
            if key.lower() == name:
                return value
        return None


def decode(query_string: str, body: bytes | None) -> WireParams:
    """Merge query-string and form-body pairs. Query values win; body duplicates keep the first."""
    merged: dict[str, str] = {}
    if body:
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            merged.setdefault(key, value)
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        merged[key] = value
    return WireParams(merged)


def check_printable(params: dict[str, str]) -> None:
    for key, value in params.items():
        if key.lower() != "activationrule" and _CONTROL.search(value):
            raise ApiError(
                ErrorCode.PARAM_ERROR,
                f"Received value containing illegal ASCII non-printable characters for parameter {key}",
            )


def unpack(lowered: dict[str, str]) -> dict[str, Any]:
    """Build `{index: {field: value}}` for `name[index].field=value` keys; other keys pass through."""
    out: dict[str, Any] = {}
    for key, value in lowered.items():
        if "[" not in key and "]" not in key:
            out[key] = value
            continue
        match = _MAP_KEY.match(key)
        if match is None:
            raise ApiError(
                ErrorCode.MALFORMED_PARAMETER_ERROR,
                f"Unable to decode parameter {key}; if specifying an object array, please use "
                "parameter[index].field=XXX, e.g. userGroupList[0].group=httpGroup",
            )
        name, index, fld = match.group(1), int(match.group(2)), match.group(3)
        bucket = out.setdefault(name, {})
        if isinstance(bucket, dict):
            bucket.setdefault(index, {})[fld] = value
    return out


def coerce(command: Command, values: dict[str, Any], db: Session | None) -> dict[str, Any]:
    """Typed values for every declared parameter that was sent; unknown names are ignored."""
    typed: dict[str, Any] = {}
    for param in command.params:
        if param.name not in values:
            continue
        raw = values[param.name]
        value = _coerce_one(command, param, raw, db)
        if value is not None:
            typed[param.name] = value
    for param in command.params:
        if param.required and param.name not in typed:
            raise missing(command, param.name)
    return typed


def missing(command: Command, name: str) -> ApiError:
    return ApiError(
        ErrorCode.PARAM_ERROR,
        f"Unable to execute API command {command.name.lower()} due to missing parameter {name}",
    )


def bad_value(command: Command, name: str, value: str) -> ApiError:
    return ApiError(
        ErrorCode.PARAM_ERROR,
        f"Unable to execute API command {command.name.lower()} due to invalid value {value} for parameter {name}",
    )


def bad_uuid(command: Command, name: str, value: str) -> ApiError:
    return ApiError(
        ErrorCode.PARAM_ERROR,
        f"Unable to execute API command {command.name.lower()} due to invalid value. Invalid parameter "
        f"{name} value={value} due to incorrect long value format, or entity does not exist or due to "
        "incorrect parameter annotation for the field in api cmd class.",
    )


def _coerce_one(command: Command, param: Param, raw: Any, db: Session | None) -> Any:
    if param.type is ParamType.MAP:
        if not isinstance(raw, dict):
            return None
        return [raw[i] for i in sorted(raw)]
    if isinstance(raw, dict):
        return None
    text = str(raw)
    if param.type is ParamType.LIST:
        items = [item.strip() for item in text.split(",") if item.strip()]
        item_param = Param(param.name, param.item_type or ParamType.STRING, "", entity=param.entity, since=param.since)
        return [v for v in (_scalar(command, item_param, item, db) for item in items) if v is not None]
    return _scalar(command, param, text, db)


def _scalar(command: Command, param: Param, text: str, db: Session | None) -> Any:
    kind = param.type
    if kind is ParamType.STRING:
        if len(text) > param.length:
            raise ApiError(
                ErrorCode.PARAM_ERROR,
                f"Unable to execute API command {command.name.lower()} due to invalid value. Value greater "
                f"than max allowed length {param.length} for param: {param.name}",
            )
        return text
    if kind is ParamType.BOOLEAN:
        return text.strip().lower() == "true"
    if kind in INT_RANGES:
        if not text.strip():
            return None
        try:
            number = int(text.strip())
        except ValueError:
            raise bad_value(command, param.name, text) from None
        low, high = INT_RANGES[kind]
        if not low <= number <= high:
            raise bad_value(command, param.name, text)
        return number
    if kind in (ParamType.FLOAT, ParamType.DOUBLE):
        if not text.strip():
            return None
        try:
            return float(text)
        except ValueError:
            raise bad_value(command, param.name, text) from None
    if kind is ParamType.UUID:
        return _resolve_uuid(command, param, text.strip(), db)
    if kind is ParamType.DATE:
        return _parse_date(command, param, text)
    if kind is ParamType.TZDATE:
        from nimbostack.api.signing import parse_expires

        when = parse_expires(text)
        if when is None:
            raise bad_value(command, param.name, text)
        return when
    return text


def _resolve_uuid(command: Command, param: Param, text: str, db: Session | None) -> Any:
    if not UUID_RE.match(text):
        # CloudStack ignores a non-UUID value only on parameters added after their command (`since` set);
        # on the others it looks the text up as an id and fails. Blank and -1 stay "not sent".
        if param.since or not text or text == "-1":
            return None
        raise bad_uuid(command, param.name, text)
    text = text.lower()
    if param.entity is None or db is None:
        return text
    row = db.scalars(select(param.entity).where(param.entity.uuid == text)).first()
    if row is None:
        raise bad_uuid(command, param.name, text)
    return row


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def _parse_date(command: Command, param: Param, text: str) -> datetime:
    for fmt in _DATE_FORMATS:
        try:
            when = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" and param.name == "enddate":
            when = when.replace(hour=23, minute=59, second=59)
        return when
    raise ApiError(
        ErrorCode.PARAM_ERROR,
        f"Unable to parse date {text} for command {command.name.lower()}, please pass dates in the "
        "format mentioned in the api documentation",
    )


def names(params: Iterable[Param]) -> list[str]:
    return [p.name for p in params]
