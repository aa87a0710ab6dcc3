"""listConfigurations, updateConfiguration, resetConfiguration, listConfigurationGroups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.api.params import UUID_RE, bad_uuid
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_account, check_domain
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, page_of
from nimbostack.db.models import Account, Cluster, Domain, StoragePool, Zone
from nimbostack.services import events, settings
from nimbostack.services.capacity import OVERPROVISIONED_POOL_TYPES, STORAGE_FACTOR
from nimbostack.services.settings import GLOBAL, Target
from nimbostack.services.settings_catalog import BY_NAME, SETTINGS, Scope, Setting
from nimbostack.services.settings_groups import GROUPS, Group, Subgroup, find_group, find_subgroup
from nimbostack.views.config import (
    CONFIGURATION_FIELDS,
    CONFIGURATION_GROUP_FIELDS,
    configuration_view,
    group_view,
    shown_value,
)

NAME = Param("name", ParamType.STRING, "Name of the setting", required=True)
SCOPE_IDS = (
    Param(
        "zoneid",
        ParamType.UUID,
        "Work on the value for this zone instead of the global one",
        entity=Zone,
        related="listZones",
    ),
    Param(
        "clusterid",
        ParamType.UUID,
        "Work on the value for this cluster instead of the global one",
        entity=Cluster,
        related="listClusters",
    ),
    Param(
        "storageid",
        ParamType.UUID,
        "Work on the value for this primary storage pool instead of the global one",
        entity=StoragePool,
        related="listStoragePools",
    ),
    Param(
        "accountid",
        ParamType.UUID,
        "Work on the value for this account instead of the global one",
        entity=Account,
        related="listAccounts",
    ),
    Param(
        "domainid",
        ParamType.UUID,
        "Work on the value for this domain instead of the global one",
        entity=Domain,
        related="listDomains",
    ),
)
# Scope parameter -> the scope it names and how error texts call the object, in CloudStack's order.
_SCOPE_PARAMS = (
    ("zoneid", Scope.ZONE, "zone"),
    ("clusterid", Scope.CLUSTER, "cluster"),
    ("accountid", Scope.ACCOUNT, "account"),
    ("domainid", Scope.DOMAIN, "domain"),
    ("storageid", Scope.STORAGE_POOL, "storage pool"),
)

# Scope parameters CloudStack has that are not declared here: no setting we have is kept per image
# store, and networks do not exist yet. An id sent for one gets the answer CloudStack gives for an id
# of an object that does not exist, rather than being ignored (which would change the global value).
UNHOUSED_SCOPES = ("imagestoreuuid", "imagestoreid", "networkid")

_BY_LOWER_NAME = {s.name.lower(): s for s in SETTINGS}
Scoped = Zone | Cluster | StoragePool | Account | Domain


@dataclass(frozen=True)
class Chosen:
    """The scope a call asked for: where values are read or written, and the object it names (if any)."""

    target: Target
    row: Scoped | None = None
    noun: str = ""

    @property
    def scope(self) -> str | None:
        """The `scope` field of answers: the lower-case scope name, absent for global."""
        return None if self.row is None else self.target.scope.value

    @property
    def where(self) -> str:
        return "" if self.row is None else f" for {self.noun} {self.row.name}"


GLOBALLY = Chosen(GLOBAL)


def refuse_unhoused(call: Call) -> None:
    for name in UNHOUSED_SCOPES:
        value = (call.raw.get(name) or "").strip()
        # A value that is not a UUID is dropped like any such value of a uuid parameter.
        if UUID_RE.match(value):
            raise bad_uuid(call.command, name, value.lower())


def find_setting(name: str, *, updating: bool) -> Setting:
    if not name.strip():
        raise ApiError(ErrorCode.PARAM_ERROR, "Empty configuration name provided")
    setting = BY_NAME.get(name) or _BY_LOWER_NAME.get(name.lower())
    if updating and setting is not None and setting.restricted:
        raise ApiError(ErrorCode.PARAM_ERROR, "Restricted configuration update not allowed")
    if setting is None:
        raise invalid_value(f"Config parameter with name {name} doesn't exist")
    return setting


def chosen_scope(call: Call) -> Chosen:
    """The scope asked for (at most one id). Callers other than root admins default to their domain or account."""
    db, caller = call.db, call.caller
    named: dict[str, Any] = {param: call.arg(param) for param, _, _ in _SCOPE_PARAMS}
    if not (caller.is_root_admin or caller.is_system):
        if caller.is_domain_admin and named["accountid"] is None and named["domainid"] is None:
            named["domainid"] = db.get(Domain, caller.domain_id)
        elif not caller.is_domain_admin and named["accountid"] is None:
            named["accountid"] = db.get(Account, caller.account_id)
    given = [(scope, noun, named[param]) for param, scope, noun in _SCOPE_PARAMS if named[param] is not None]
    if len(given) > 1:
        raise invalid_value("cannot handle multiple IDs, provide only one ID corresponding to the scope")
    if not given:
        return GLOBALLY
    scope, noun, row = given[0]
    if isinstance(row, Account):
        check_account(caller, row)
    elif isinstance(row, Domain):
        check_domain(caller, row)
    return Chosen(Target(scope, row.id), row, noun)


def check_found(chosen: Chosen) -> None:
    """A removed object still resolves from its id; like CloudStack, it is then not found."""
    if chosen.row is not None and chosen.row.removed is not None:
        raise invalid_value(f"unable to find {chosen.noun} by id {chosen.row.uuid}")


def _check_scope(setting: Setting, chosen: Chosen) -> None:
    if chosen.target.scope not in setting.scopes:
        raise invalid_value(f"Invalid scope id provided for the parameter {setting.name}")


def _check_pool_overprovisioning(setting: Setting, chosen: Chosen) -> None:
    """Only shared pool types are overprovisioned; a factor set on another pool would never apply."""
    pool = chosen.row
    if (
        setting.name == STORAGE_FACTOR
        and isinstance(pool, StoragePool)
        and pool.pool_type not in OVERPROVISIONED_POOL_TYPES
    ):
        raise invalid_value(
            f"Unable to update storage pool {pool.name}. Overprovision not supported for {pool.pool_type}"
        )


def _event(call: Call, chosen: Chosen, description: str) -> None:
    row = chosen.row
    events.record(
        call.db,
        call.caller,
        "CONFIGURATION.VALUE.EDIT",
        description,
        call.now,
        resource_type=chosen.target.scope.enum_name if row is not None else None,
        resource_uuid=row.uuid if row is not None else None,
        resource_name=row.name if row is not None else None,
    )


@command(
    "listConfigurations",
    description="Lists settings with their values: global ones, or the effective values for one zone, cluster, "
    "storage pool, domain or account.",
    params=[
        *LIST_PARAMS,
        Param("name", ParamType.STRING, "Only settings whose name contains this text"),
        Param("category", ParamType.STRING, "Only settings of this category"),
        Param("group", ParamType.STRING, "Only settings of this group; answers every match at once", since="4.18.0"),
        Param("subgroup", ParamType.STRING, "Only settings of this subgroup; give group too", since="4.18.0"),
        Param("parent", ParamType.STRING, "Only settings that belong with this one", since="4.18.0"),
        *SCOPE_IDS,
    ],
    kind=Kind.LIST,
    key="configuration",
    roles=ADMIN_ONLY,
    response_fields=CONFIGURATION_FIELDS,
)
def list_configurations(call: Call) -> Listing:
    refuse_unhoused(call)
    group, subgroup = _group_filter(call)
    where = chosen_scope(call)
    check_found(where)
    chosen = [s for s in SETTINGS if _listed(call, s, where.target, group, subgroup)]
    values = settings.values_at(call.db, chosen, where.target.place)
    word = (call.arg("keyword") or "").lower()
    if word:
        chosen = [s for s in chosen if any(word in (t or "").lower() for t in _searchable(s, values[s.name]))]
    chosen.sort(key=lambda s: s.name)
    total = len(chosen)
    if group is None:
        page = page_of(call)
        end = None if page.limit is None else page.offset + page.limit
        chosen = chosen[page.offset : end]
    return Listing([configuration_view(s, values[s.name], where.scope) for s in chosen], total)


def _group_filter(call: Call) -> tuple[Group | None, Subgroup | None]:
    group_name, sub_name = call.arg("group"), call.arg("subgroup")
    if sub_name and not group_name:
        raise ApiError(ErrorCode.PARAM_ERROR, "Configuration group name must be specified with the subgroup name")
    group = find_group(group_name) if group_name else None
    if group_name and group is None:
        raise invalid_value(f"Invalid configuration group: {group_name}")
    found = find_subgroup(sub_name) if sub_name else None
    if sub_name and found is None:
        raise invalid_value(f"Invalid configuration subgroup: {sub_name}")
    return group, found[1] if found else None


def _listed(call: Call, setting: Setting, target: Target, group: Group | None, subgroup: Subgroup | None) -> bool:
    if target.scope not in setting.scopes or setting.category == "Hidden":
        return False
    name, category, parent = call.arg("name"), call.arg("category"), call.arg("parent")
    if name and name.lower() not in setting.name.lower():
        return False
    if category and category.lower() != setting.category.lower():
        return False
    if parent and parent != setting.parent:
        return False
    placed_group, placed_sub = setting.placement
    if group is not None and group.name != placed_group:
        return False
    return subgroup is None or subgroup.name == placed_sub


def _searchable(setting: Setting, value: str | None) -> tuple[str | None, ...]:
    return (setting.name, setting.component, setting.description, setting.category, shown_value(setting, value))


@command(
    "updateConfiguration",
    description="Changes a setting globally, or for one zone, cluster, storage pool, domain or account. Settings "
    "with isdynamic false "
    "take the new value when the management server restarts.",
    params=[
        NAME,
        Param(
            "value", ParamType.STRING, "New value; empty clears it so the wider scope or default applies", length=4096
        ),
        *SCOPE_IDS,
    ],
    kind=Kind.OBJECT,
    key="configuration",
    roles=ADMIN_ONLY,
    response_fields=CONFIGURATION_FIELDS,
)
def update_configuration(call: Call) -> dict[str, Any]:
    refuse_unhoused(call)
    setting = find_setting(call.arg("name"), updating=True)
    requested: str | None = call.arg("value")
    if requested is None:
        return configuration_view(setting, settings.values_at(call.db, [setting])[setting.name])
    where = chosen_scope(call)
    _check_scope(setting, where)
    value = settings.validate(setting, requested)
    check_found(where)
    _check_pool_overprovisioning(setting, where)
    settings.set_at(call.db, setting, where.target, value, call.now)
    shown = shown_value(setting, value) if value is not None else "(cleared)"
    _event(call, where, f"Updated setting {setting.name}{where.where}; new value: {shown}")
    effective = settings.values_at(call.db, [setting], where.target.place)[setting.name]
    return configuration_view(setting, effective, where.scope)


@command(
    "resetConfiguration",
    description="Removes the value set for a setting globally, or for one zone, cluster, storage pool, domain or "
    "account, so the default (or the wider scope's value) applies again.",
    params=[NAME, *SCOPE_IDS],
    kind=Kind.OBJECT,
    key="configuration",
    roles=ADMIN_ONLY,
    since="4.16.0",
    response_fields=CONFIGURATION_FIELDS,
)
def reset_configuration(call: Call) -> dict[str, Any]:
    refuse_unhoused(call)
    setting = find_setting(call.arg("name"), updating=False)
    where = chosen_scope(call)
    _check_scope(setting, where)
    check_found(where)
    settings.set_at(call.db, setting, where.target, None, call.now)
    _event(call, where, f"Reset setting {setting.name}{where.where}")
    effective = settings.values_at(call.db, [setting], where.target.place)[setting.name]
    # resetConfiguration names the scope as CloudStack's enum does (Zone, StoragePool...), unlike the others.
    scope = None if where.row is None else where.target.scope.enum_name
    return configuration_view(setting, effective, scope)


@command(
    "listConfigurationGroups",
    description="Lists the groups and subgroups settings are shown under.",
    params=[Param("group", ParamType.STRING, "Only the group with this name")],
    kind=Kind.LIST,
    key="configurationgroup",
    roles=ADMIN_ONLY,
    since="4.18.0",
    response_fields=CONFIGURATION_GROUP_FIELDS,
)
def list_configuration_groups(call: Call) -> Listing:
    name = call.arg("group")
    chosen = [g for g in GROUPS if not name or g.name.lower() == name.lower()]
    chosen.sort(key=lambda g: g.precedence)
    return Listing([group_view(g) for g in chosen], len(chosen))
