"""listConfigurations, updateConfiguration, resetConfiguration, listConfigurationGroups."""

from __future__ import annotations

from typing import Any

from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value
from nimbostack.api.params import UUID_RE, bad_uuid
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing
from nimbostack.auth.access import check_account, check_domain
from nimbostack.auth.types import ADMIN_ONLY
from nimbostack.db.listing import LIST_PARAMS, page_of
from nimbostack.db.models import Account, Domain
from nimbostack.services import events, settings
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

# Scope parameters CloudStack has whose objects this server does not have yet (zones, clusters, storage,
# image stores, networks). They are not declared; an id sent for one cannot name anything, so it gets
# the answer CloudStack gives for an id of an object that does not exist, instead of being ignored.
UNHOUSED_SCOPES = ("zoneid", "clusterid", "storageid", "imagestoreuuid", "imagestoreid", "networkid")

_BY_LOWER_NAME = {s.name.lower(): s for s in SETTINGS}


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


def target_of(call: Call) -> Target:
    """The scope asked for. Callers other than root admins default to their own domain or account."""
    db, caller = call.db, call.caller
    account: Account | None = call.arg("accountid")
    domain: Domain | None = call.arg("domainid")
    if not (caller.is_root_admin or caller.is_system):
        if caller.is_domain_admin and account is None and domain is None:
            domain = db.get(Domain, caller.domain_id)
        elif not caller.is_domain_admin and account is None:
            account = db.get(Account, caller.account_id)
    if account is not None and domain is not None:
        raise invalid_value("cannot handle multiple IDs, provide only one ID corresponding to the scope")
    if account is not None:
        if account.removed is not None:
            raise invalid_value(f"unable to find account by id {account.uuid}")
        check_account(caller, account)
        return Target(Scope.ACCOUNT, account=account)
    if domain is not None:
        if domain.removed is not None:
            raise invalid_value(f"unable to find domain by id {domain.uuid}")
        check_domain(caller, domain)
        return Target(Scope.DOMAIN, domain=domain)
    return GLOBAL


def _check_scope(setting: Setting, target: Target) -> None:
    if target.scope not in setting.scopes:
        raise invalid_value(f"Invalid scope id provided for the parameter {setting.name}")


def _where(target: Target) -> str:
    if target.account is not None:
        return f" for account {target.account.name}"
    if target.domain is not None:
        return f" for domain {target.domain.name}"
    return ""


@command(
    "listConfigurations",
    description="Lists settings with their values: global ones, or the effective values for one account or domain.",
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
    target = target_of(call)
    chosen = [s for s in SETTINGS if _listed(call, s, target, group, subgroup)]
    values = settings.values_at(call.db, chosen, target)
    word = (call.arg("keyword") or "").lower()
    if word:
        chosen = [s for s in chosen if any(word in (t or "").lower() for t in _searchable(s, values[s.name]))]
    chosen.sort(key=lambda s: s.name)
    total = len(chosen)
    if group is None:
        page = page_of(call)
        end = None if page.limit is None else page.offset + page.limit
        chosen = chosen[page.offset : end]
    scope = None if target is GLOBAL else target.scope.value
    return Listing([configuration_view(s, values[s.name], scope) for s in chosen], total)


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
    description="Changes a setting globally, or for one account or domain. Settings with isdynamic false "
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
    target = target_of(call)
    _check_scope(setting, target)
    value = settings.validate(setting, requested)
    settings.set_at(call.db, setting, target, value, call.now)
    shown = shown_value(setting, value) if value is not None else "(cleared)"
    events.record(
        call.db,
        call.caller,
        "CONFIGURATION.VALUE.EDIT",
        f"Updated setting {setting.name}{_where(target)}; new value: {shown}",
        call.now,
    )
    effective = settings.values_at(call.db, [setting], target)[setting.name]
    return configuration_view(setting, effective, None if target is GLOBAL else target.scope.value)


@command(
    "resetConfiguration",
    description="Removes the value set for a setting globally, or for one account or domain, so the default "
    "(or the wider scope's value) applies again.",
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
    target = target_of(call)
    _check_scope(setting, target)
    settings.set_at(call.db, setting, target, None, call.now)
    events.record(
        call.db,
        call.caller,
        "CONFIGURATION.VALUE.EDIT",
        f"Reset setting {setting.name}{_where(target)}",
        call.now,
    )
    effective = settings.values_at(call.db, [setting], target)[setting.name]
    # resetConfiguration names the scope as CloudStack's enum does (Domain, Account), unlike the others.
    return configuration_view(setting, effective, None if target is GLOBAL else target.scope.enum_name)


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
