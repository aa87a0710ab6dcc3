"""Events: an audit trail of changes, listed by listEvents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.db.models import Event

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
