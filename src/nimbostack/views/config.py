"""Response objects for settings (`configuration`) and their groups (`configurationgroup`)."""

from __future__ import annotations

from typing import Any

from nimbostack.api.registry import ResponseField
from nimbostack.services.settings_catalog import Setting
from nimbostack.services.settings_groups import Group

Entity = dict[str, Any]

# Values of these categories are secrets: never shown or logged in clear.
MASK = "*****"


def shown_value(setting: Setting, value: str | None) -> str | None:
    return MASK if setting.secure and value else value


def configuration_view(setting: Setting, value: str | None, scope: str | None = None) -> Entity:
    """`scope` is filled only when the value was read or written at a scope other than global."""
    group, subgroup = setting.placement
    return {
        "category": setting.category,
        "name": setting.name,
        "value": shown_value(setting, value),
        "defaultvalue": shown_value(setting, setting.default),
        "description": setting.description,
        "isdynamic": setting.dynamic,
        "scope": scope,
        "group": group,
        "subgroup": subgroup,
        "type": setting.shown_type,
        "displaytext": setting.display_text,
        "component": setting.component,
        "parent": setting.parent,
        "options": setting.options,
    }


def group_view(group: Group) -> Entity:
    return {
        "name": group.name,
        "description": group.description,
        "precedence": group.precedence,
        "subgroup": [
            {"name": sub.name, "precedence": sub.precedence}
            for sub in sorted(group.subgroups, key=lambda s: (s.precedence, s.name))
        ],
    }


def _f(name: str, type_: str, description: str, *fields: ResponseField) -> ResponseField:
    return ResponseField(name, type_, description, fields=fields)


# For listApis: CloudStack's field types (lower-cased Java types of its response classes).
CONFIGURATION_FIELDS: tuple[ResponseField, ...] = (
    _f("category", "string", "Category of the setting, such as Advanced"),
    _f("name", "string", "Name of the setting"),
    _f("value", "string", "Effective value, at the scope asked for"),
    _f("defaultvalue", "string", "Value a fresh install has"),
    _f("description", "string", "What the setting does"),
    _f("isdynamic", "boolean", "Whether a change applies at once; false means after a restart"),
    _f("scope", "string", "Scope the value was read or set at: zone, cluster, storagepool, domain or account"),
    _f("group", "string", "Group the setting is listed under"),
    _f("subgroup", "string", "Subgroup the setting is listed under"),
    _f("type", "string", "Kind of value: String, Number, Decimal, Boolean, CSV, Order or Select"),
    _f("displaytext", "string", "Name of the setting in words"),
    _f("component", "string", "Component that declares the setting"),
    _f("parent", "string", "Setting this one belongs with"),
    _f("options", "string", "Allowed values, comma-separated, for Select and Order settings"),
)

CONFIGURATION_GROUP_FIELDS: tuple[ResponseField, ...] = (
    _f("name", "string", "Name of the group"),
    _f("description", "string", "What the group holds"),
    _f("precedence", "long", "Position of the group in the list"),
    _f(
        "subgroup",
        "list",
        "Subgroups of the group",
        _f("name", "string", "Name of the subgroup"),
        _f("precedence", "long", "Position of the subgroup in its group"),
    ),
)
