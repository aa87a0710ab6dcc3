"""Response objects for events (`event`) and event types (`eventtype`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.registry import ResponseField
from nimbostack.db.models import Account, Domain, Event, User
from nimbostack.views.identity import display_path

Entity = dict[str, Any]


def event_views(db: Session, rows: Sequence[Event]) -> list[Entity]:
    """One query per related table for the whole page, not per event."""
    users = _by_id(db, User, {e.user_id for e in rows})
    accounts = _by_id(db, Account, {e.account_id for e in rows})
    domains = _by_id(db, Domain, {e.domain_id for e in rows})
    return [_event_view(e, users.get(e.user_id), accounts.get(e.account_id), domains.get(e.domain_id)) for e in rows]


def _by_id(db: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.scalars(select(model).where(model.id.in_(ids))).unique()}


def _event_view(event: Event, user: User | None, account: Account | None, domain: Domain | None) -> Entity:
    return {
        "id": event.uuid,
        "username": user.username if user is not None else None,
        "type": event.type,
        "level": event.level,
        "description": event.description,
        "account": account.name if account is not None else None,
        "domainid": domain.uuid if domain is not None else None,
        "domain": domain.name if domain is not None else None,
        "domainpath": display_path(domain) if domain is not None else None,
        "resourceid": event.resource_uuid,
        "resourcetype": event.resource_type,
        "resourcename": event.resource_name,
        "created": event.created,
        "state": event.state,
        # We record completed actions only, never start events, so no event has a parent.
        "parentid": None,
        "archived": False,
    }


def _f(name: str, type_: str, description: str) -> ResponseField:
    return ResponseField(name, type_, description)


# For listApis: CloudStack's field types (lower-cased Java types of EventResponse).
EVENT_FIELDS: tuple[ResponseField, ...] = (
    _f("id", "string", "ID of the event"),
    _f("username", "string", "Login name of the user who acted"),
    _f("type", "string", "Type of the event, such as ACCOUNT.CREATE"),
    _f("level", "string", "INFO, WARN or ERROR"),
    _f("description", "string", "What happened"),
    _f("account", "string", "Name of the account the event belongs to"),
    _f("domainid", "string", "ID of the domain the event belongs to"),
    _f("domain", "string", "Name of the domain the event belongs to"),
    _f("domainpath", "string", "Path of the domain the event belongs to"),
    _f("resourceid", "string", "ID of the object the event is about"),
    _f("resourcetype", "string", "Type of the object the event is about"),
    _f("resourcename", "string", "Name of the object the event is about"),
    _f("created", "date", "When the event happened"),
    _f("state", "state", "State of the action: Created, Scheduled, Started or Completed"),
    _f("parentid", "string", "ID of the event that started this action"),
    _f("archived", "boolean", "Whether the event is archived"),
)

EVENT_TYPE_FIELDS: tuple[ResponseField, ...] = (_f("name", "string", "Name of the event type"),)
