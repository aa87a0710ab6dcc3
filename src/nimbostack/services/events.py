"""Events: an audit trail of changes, listed by listEvents."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.db.models import Event
from nimbostack.services import settings

# The event type names CloudStack uses for what we record; listEventTypes answers these.
EVENT_TYPES: tuple[str, ...] = (
    "USER.LOGIN",
    "USER.LOGOUT",
    "USER.CREATE",
    "USER.DELETE",
    "USER.DISABLE",
    "USER.ENABLE",
    "USER.LOCK",
    "USER.MOVE",
    "USER.UPDATE",
    "REGISTER.USER.KEY",
    "ACCOUNT.CREATE",
    "ACCOUNT.DELETE",
    "ACCOUNT.DISABLE",
    "ACCOUNT.ENABLE",
    "ACCOUNT.UPDATE",
    "DOMAIN.CREATE",
    "DOMAIN.DELETE",
    "DOMAIN.UPDATE",
    "DOMAIN.MOVE",
    "ROLE.CREATE",
    "ROLE.UPDATE",
    "ROLE.DELETE",
    "ROLE.IMPORT",
    "ROLE.ENABLE",
    "ROLE.DISABLE",
    "ROLE.PERMISSION.CREATE",
    "ROLE.PERMISSION.UPDATE",
    "ROLE.PERMISSION.DELETE",
    "CONFIGURATION.VALUE.EDIT",
    "ZONE.CREATE",
    "ZONE.EDIT",
    "ZONE.DELETE",
    "PHYSICAL.NETWORK.CREATE",
    "PHYSICAL.NETWORK.UPDATE",
    "PHYSICAL.NETWORK.DELETE",
    "TRAFFIC.TYPE.CREATE",
    "TRAFFIC.TYPE.UPDATE",
    "TRAFFIC.TYPE.DELETE",
    "SERVICE.PROVIDER.CREATE",
    "SERVICE.PROVIDER.UPDATE",
    "SERVICE.PROVIDER.DELETE",
    "NETWORK.ELEMENT.CONFIGURE",
    "VLAN.IP.RANGE.CREATE",
    "VLAN.IP.RANGE.DELETE",
)

# Event.State names; we record completed actions only, but listEvents accepts every state CloudStack has.
EVENT_STATES: tuple[str, ...] = ("Created", "Scheduled", "Started", "Completed")


def record(
    db: Session,
    caller: Caller,
    event_type: str,
    description: str,
    now: datetime,
    *,
    resource_type: str | None = None,
    resource_uuid: str | None = None,
    resource_name: str | None = None,
    account_id: int | None = None,
    domain_id: int | None = None,
    level: str = "INFO",
) -> None:
    """Add an event owned by the affected account when known, else by the caller."""
    db.add(
        Event(
            type=event_type,
            level=level,
            state="Completed",
            description=description,
            user_id=caller.user_id,
            account_id=account_id if account_id is not None else caller.account_id,
            domain_id=domain_id if domain_id is not None else caller.domain_id,
            resource_type=resource_type,
            resource_uuid=resource_uuid,
            resource_name=resource_name,
            created=now,
        )
    )


def purge_old(db: Session, now: datetime, last_run: datetime | None) -> datetime:
    """Delete events older than `event.purge.delay` days, at most every `event.purge.interval` seconds.

    Returns when the purge last ran, for the caller to pass back next time.
    """
    interval = settings.get_int(db, "event.purge.interval")
    if last_run is not None and (now - last_run).total_seconds() < interval:
        return last_run
    days = settings.get_int(db, "event.purge.delay")
    if days > 0:
        db.execute(delete(Event).where(Event.created < now - timedelta(days=days)))
    return now
