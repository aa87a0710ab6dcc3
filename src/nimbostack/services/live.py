"""Refusing removed rows that a UUID parameter still resolves to (removed rows are kept, as in CloudStack)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from nimbostack.api.errors import invalid_value


class _Removable(Protocol):
    uuid: str
    removed: object


Row = TypeVar("Row", bound=_Removable)


def live(row: Row, what: str) -> Row:
    """The row itself, or 431 when it has been removed."""
    if row.removed is not None:
        raise invalid_value(f"Unable to find {what} with id {row.uuid}")
    return row


def live_or_none(row: Row | None, what: str) -> Row | None:
    return live(row, what) if row is not None else None
