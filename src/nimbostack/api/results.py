"""What handlers return: plain data that the renderer turns into CloudStack envelopes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]


@dataclass
class Listing:
    """One page of a list answer; `count` is the total number of matches across all pages."""

    items: list[Entity]
    count: int


@dataclass
class Success:
    """`{success: true}` with an optional display text."""

    displaytext: str | None = None


@dataclass
class Accepted:
    """An async command's immediate answer: the job id, plus the new object's id for creates."""

    jobid: str
    id: str | None = None


@dataclass
class Reply:
    """A rendered-ready answer: the wrapper name and the body inside it."""

    name: str
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
