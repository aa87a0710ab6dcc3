"""listEvents and listEventTypes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true

from nimbostack.api.context import Call
from nimbostack.api.errors import invalid_value
from nimbostack.api.params import UUID_RE, bad_uuid
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_account
from nimbostack.auth.types import ALL_ROLES
from nimbostack.db.listing import LIST_PARAMS, SCOPE_PARAMS, fetch, owner_filter
from nimbostack.db.models import Account, Domain, Event, User
from nimbostack.services.events import EVENT_STATES, EVENT_TYPES
from nimbostack.views.events import EVENT_FIELDS, EVENT_TYPE_FIELDS, event_views

# CloudStack's resource type names (ApiCommandResourceType), matched case-sensitively as it does.
RESOURCE_TYPES = frozenset(
    (  # noqa: SIM905 - one string reads better than fifty one-word lines
        "None Account AffinityGroup AutoScalePolicy AutoScaleVmGroup AutoScaleVmProfile Backup BackupOffering "
        "Cluster Condition ConsoleProxy Counter DedicatedGuestVlanRange DiskOffering Domain DomainRouter FirewallRule "
        "GlobalLoadBalancerRule GuestOs GuestOsMapping Host ImageStore InternalLbVm IpAddress Iso LoadBalancerRule "
        "Network NetworkAcl NetworkAclItem NetworkOffering PhysicalNetwork PhysicalNetworkServiceProvider Pod "
        "PortableIpAddress PrivateGateway Project SecurityGroup ServiceOffering Snapshot StaticRoute StoragePool "
        "SystemVm Template TrafficType User VirtualMachine VmSnapshot Volume Vpc VpcOffering Zone"
    ).split()
)
# The types whose objects exist on this server; an id of any other type cannot name anything.
RESOURCE_MODELS: dict[str, Any] = {"Account": Account, "User": User, "Domain": Domain}
EVENT_ID = Param("id", ParamType.UUID, "Only this event", entity=Event, related="listEvents")


@command(
    "listEvents",
    description="Lists events: by default those of the caller's own account, newest first.",
    params=[
        *LIST_PARAMS,
        *SCOPE_PARAMS,
        EVENT_ID,
        Param("type", ParamType.STRING, "Only events of this type, such as USER.LOGIN"),
        Param("level", ParamType.STRING, "Only events of this level: INFO, WARN or ERROR"),
        Param("startdate", ParamType.DATE, "Only events from this time on: yyyy-MM-dd or yyyy-MM-dd HH:mm:ss"),
        Param("enddate", ParamType.DATE, "Only events up to this time: yyyy-MM-dd or yyyy-MM-dd HH:mm:ss"),
        Param("startid", ParamType.UUID, "The event that started an action, with its follow-ups", entity=Event),
        Param("resourceid", ParamType.STRING, "Only events about this object; give resourcetype too", since="4.17.0"),
        Param("resourcetype", ParamType.STRING, "Only events about objects of this type", since="4.17.0"),
        Param("state", ParamType.STRING, "Only events in this state, such as Completed", since="4.19.0"),
        Param(
            "archived",
            ParamType.BOOLEAN,
            "true lists archived events; this server does not archive, so there are none",
            since="4.19.0",
        ),
    ],
    kind=Kind.LIST,
    key="event",
    roles=ALL_ROLES,
    response_fields=EVENT_FIELDS,
)
def list_events(call: Call) -> Listing:
    _refuse_projects(call)
    resource = _resource_filter(call)
    state = call.arg("state")
    if state and state not in EVENT_STATES:
        raise invalid_value(f"Invalid state specified: {state}")
    stmt = select(Event).where(_scope(call), resource)
    target: Event | None = call.arg("id")
    if target is not None:
        stmt = stmt.where(Event.id == target.id)
    elif call.arg("archived"):
        # We never archive events, so asking for archived ones finds nothing.
        stmt = stmt.where(Event.id.is_(None))
    start: Event | None = call.arg("startid")
    if start is not None:
        stmt = stmt.where(Event.id == start.id)
    if call.arg("type"):
        stmt = stmt.where(Event.type == call.arg("type"))
    if call.arg("level"):
        stmt = stmt.where(Event.level == call.arg("level"))
    if state:
        stmt = stmt.where(Event.state == state)
    if call.has("startdate"):
        stmt = stmt.where(Event.created >= call.arg("startdate"))
    if call.has("enddate"):
        stmt = stmt.where(Event.created <= call.arg("enddate"))
    word = call.arg("keyword")
    if word:
        pattern = f"%{word}%"
        stmt = stmt.where(or_(Event.type.ilike(pattern), Event.description.ilike(pattern), Event.level.ilike(pattern)))
    # Times have whole seconds, so the id keeps events of the same second newest first too.
    rows, count = fetch(call, stmt.order_by(Event.created.desc()), Event.id.desc())
    return Listing(event_views(call.db, rows), count)


def _refuse_projects(call: Call) -> None:
    """Projects do not exist here yet: a project id cannot name one (CloudStack's answer for a missing id)."""
    value = (call.raw.get("projectid") or "").strip()
    if UUID_RE.match(value):
        raise bad_uuid(call.command, "projectid", value.lower())


def _scope(call: Call) -> ColumnElement[bool]:
    """Whose events: the caller's own account unless it asks for more (see owner_filter).

    Asking for one event by id looks it up wherever the caller may see it, as CloudStack does.
    """
    caller = call.caller
    by_id_only = call.has("id") and not (call.has("account") or call.has("domainid"))
    if by_id_only and (caller.is_root_admin or caller.is_system):
        return true()
    if by_id_only and caller.is_domain_admin:
        subtree = select(Account.id).join(Domain, Account.domain_id == Domain.id)
        return Event.account_id.in_(subtree.where(Domain.path.startswith(caller.domain_path)))
    return owner_filter(call, Event.account_id)


def _resource_filter(call: Call) -> ColumnElement[bool]:
    resource_id = (call.arg("resourceid") or "").strip()
    resource_type = (call.arg("resourcetype") or "").strip()
    if resource_id and not UUID_RE.match(resource_id):
        raise invalid_value("Invalid resourceid")
    if resource_type and resource_type not in RESOURCE_TYPES:
        raise invalid_value("Invalid resourcetype")
    if resource_id and not resource_type:
        raise invalid_value("resourceid parameter must be used with resourcetype parameter")
    if not resource_type:
        return true()
    cond = Event.resource_type == resource_type
    if not resource_id:
        return cond
    model = RESOURCE_MODELS.get(resource_type)
    found = None
    if model is not None:
        found = call.db.scalars(select(model).where(model.uuid == resource_id.lower())).first()
    if found is None:
        raise invalid_value("Invalid resourceid")
    _check_resource_access(call, found)
    return cond & (Event.resource_uuid == found.uuid)  # type: ignore[no-any-return]


def _check_resource_access(call: Call, found: Any) -> None:
    """Accounts and users belong to an account, so non-root callers must be allowed to see it."""
    caller = call.caller
    if caller.is_root_admin or caller.is_system:
        return
    if isinstance(found, Account):
        check_account(caller, found)
    elif isinstance(found, User):
        check_account(caller, found.account)


@command(
    "listEventTypes",
    description="Lists the event types this server records.",
    kind=Kind.LIST,
    key="eventtype",
    roles=ALL_ROLES,
    response_fields=EVENT_TYPE_FIELDS,
)
def list_event_types(call: Call) -> Listing:
    return Listing([{"name": name} for name in EVENT_TYPES], len(EVENT_TYPES))
