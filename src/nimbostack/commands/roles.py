"""createRole, listRoles, updateRole, deleteRole, enableRole, disableRole and the role permission commands."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nimbostack.api.context import Call
from nimbostack.api.errors import ApiError, ErrorCode
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.types import ADMIN_ONLY, ADMINS_AND_RESOURCE, RoleType
from nimbostack.db.listing import LIST_PARAMS, fetch, keyword_filter
from nimbostack.db.models import Role, RolePermission
from nimbostack.services import roles
from nimbostack.views.identity import permission_view, role_view

ROLE_ID = Param("id", ParamType.UUID, "The role's ID", required=True, entity=Role, related="listRoles")
TYPE_TEXT = "Admin, ResourceAdmin, DomainAdmin or User"


def _non_empty(call: Call, name: str) -> str:
    """CloudStack's NotNullOrEmpty check on a required text parameter."""
    value: str = call.arg(name)
    if not value:
        raise ApiError(
            ErrorCode.PARAM_ERROR,
            f"Unable to execute API command {call.command.name.lower()} due to invalid value. Empty or null value "
            f"provided for API arg: {name}",
        )
    return value


@command(
    "createRole",
    description="Creates a role of a given type, or a copy of an existing role with all its rules.",
    params=[
        Param("name", ParamType.STRING, "Name of the role; unique per role type", required=True),
        Param("type", ParamType.STRING, f"Type of the role: {TYPE_TEXT}; or give roleid"),
        Param("roleid", ParamType.UUID, "Role to copy, type and rules", entity=Role, related="listRoles"),
        Param("description", ParamType.STRING, "What the role is for"),
        Param("ispublic", ParamType.BOOLEAN, "false hides the role from everyone but root admins (default true)"),
    ],
    kind=Kind.OBJECT,
    key="role",
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def create_role(call: Call) -> dict[str, Any]:
    name = _non_empty(call, "name")
    has_type, has_source = bool(call.arg("type")), call.has("roleid")
    if not has_type and not has_source:
        raise roles.param_error("Neither role type nor role ID is provided")
    if has_type and has_source:
        raise roles.param_error("Both role type and role ID should not be specified")
    source = roles.live(call.caller, call.arg("roleid")) if has_source else None
    role_type = RoleType(source.role_type) if source is not None else roles.parse_type(call.arg("type"))
    role = roles.create(
        call.db,
        call.caller,
        name=name,
        role_type=role_type,
        source=source,
        description=call.arg("description"),
        is_public=call.arg("ispublic", True),
        now=call.now,
    )
    return role_view(role)


@command(
    "listRoles",
    description="Lists roles; only root admins see roles of type Admin and private roles.",
    params=[
        *LIST_PARAMS,
        Param("id", ParamType.UUID, "Only this role", entity=Role, related="listRoles"),
        Param("name", ParamType.STRING, "Only roles with this name"),
        Param("type", ParamType.STRING, f"Only roles of this type: {TYPE_TEXT}"),
        Param("state", ParamType.STRING, "Only roles in this state: ENABLED or DISABLED", since="4.20.0"),
    ],
    kind=Kind.LIST,
    key="role",
    roles=ADMINS_AND_RESOURCE,
    since="4.9.0",
)
def list_roles(call: Call) -> Listing:
    stmt = select(Role).where(
        Role.removed.is_(None), roles.visible_filter(call.caller), keyword_filter(call, Role.name)
    )
    if call.has("id"):
        stmt = stmt.where(Role.id == call.arg("id").id)
    if call.arg("name"):
        stmt = stmt.where(Role.name == call.arg("name"))
    if call.arg("type"):
        stmt = stmt.where(Role.role_type == roles.parse_type(call.arg("type")).value)
    if call.arg("state"):
        stmt = stmt.where(Role.state == call.arg("state").upper())
    rows, count = fetch(call, stmt, Role.id)
    return Listing([role_view(r) for r in rows], count)


@command(
    "updateRole",
    description="Renames a role or changes its type, description or visibility.",
    params=[
        ROLE_ID,
        Param("name", ParamType.STRING, "New name"),
        Param("type", ParamType.STRING, f"New type: {TYPE_TEXT}; only while no account has the role"),
        Param("description", ParamType.STRING, "New description"),
        Param("ispublic", ParamType.BOOLEAN, "false hides the role from everyone but root admins"),
    ],
    kind=Kind.OBJECT,
    key="role",
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def update_role(call: Call) -> dict[str, Any]:
    role = roles.live(call.caller, call.arg("id"))
    role_type = roles.parse_type(call.arg("type")) if call.arg("type") else None
    roles.update(
        call.db,
        call.caller,
        role,
        name=call.arg("name"),
        role_type=role_type,
        description=call.arg("description"),
        is_public=call.arg("ispublic"),
        now=call.now,
    )
    return role_view(role)


@command(
    "deleteRole",
    description="Deletes a role that no account uses; built-in roles cannot be deleted.",
    params=[ROLE_ID],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def delete_role(call: Call) -> Success:
    role = roles.live(call.caller, call.arg("id"), "Cannot find the role with provided id")
    roles.delete(call.db, call.caller, role, call.now)
    return Success()


@command(
    "enableRole",
    description="Enables a role so it can be given to accounts again.",
    params=[ROLE_ID],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    since="4.20.0",
)
def enable_role(call: Call) -> Success:
    role = roles.live(call.caller, call.arg("id"), "Cannot find the role with provided id")
    roles.set_state(call.db, call.caller, role, roles.ENABLED, call.now)
    return Success()


@command(
    "disableRole",
    description="Disables a role: it can no longer be given to new accounts.",
    params=[ROLE_ID],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    since="4.20.0",
)
def disable_role(call: Call) -> Success:
    role = roles.live(call.caller, call.arg("id"), "Cannot find the role with provided id")
    roles.set_state(call.db, call.caller, role, roles.DISABLED, call.now)
    return Success()


@command(
    "createRolePermission",
    description="Adds a rule (an API name or a wildcard such as list*) at the end of a role's rule list.",
    params=[
        Param("roleid", ParamType.UUID, "The role", required=True, entity=Role, related="listRoles"),
        Param(
            "rule", ParamType.STRING, "An API name, or a pattern where * stands for any run of letters", required=True
        ),
        Param("permission", ParamType.STRING, "allow or deny", required=True),
        Param("description", ParamType.STRING, "Why the rule is there"),
    ],
    kind=Kind.OBJECT,
    key="rolepermission",
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def create_role_permission(call: Call) -> dict[str, Any]:
    rule = _non_empty(call, "rule")
    role = roles.live(call.caller, call.arg("roleid"))
    row = roles.add_rule(
        call.db,
        call.caller,
        role,
        rule=roles.check_rule(rule),
        permission=roles.parse_permission(call.arg("permission")),
        description=call.arg("description"),
        now=call.now,
    )
    return permission_view(row, role)


@command(
    "listRolePermissions",
    description="Lists the rules of a role (or of every role) in the order they are matched.",
    params=[Param("roleid", ParamType.UUID, "Only the rules of this role", entity=Role, related="listRoles")],
    kind=Kind.LIST,
    key="rolepermission",
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def list_role_permissions(call: Call) -> Listing:
    role: Role | None = call.arg("roleid")
    if role is not None:
        if role.removed is not None or not roles.is_visible(call.caller, role):
            return Listing([], 0)
        items = [permission_view(r, role) for r in roles.rules_of(call.db, role)]
        return Listing(items, len(items))
    rows = call.db.execute(
        select(RolePermission, Role)
        .join(Role, RolePermission.role_id == Role.id)
        .where(Role.removed.is_(None), roles.visible_filter(call.caller))
        .order_by(Role.id, RolePermission.sort_order, RolePermission.id)
    ).all()
    return Listing([permission_view(rule, owner) for rule, owner in rows], len(rows))


@command(
    "updateRolePermission",
    description="Reorders a role's rules (ruleorder: every rule id, first match first) or flips one rule's permission.",
    params=[
        Param("roleid", ParamType.UUID, "The role", required=True, entity=Role, related="listRoles"),
        Param(
            "ruleorder",
            ParamType.LIST,
            "Every rule id of the role, in the new order",
            item_type=ParamType.UUID,
            entity=RolePermission,
            related="listRolePermissions",
        ),
        Param(
            "ruleid",
            ParamType.UUID,
            "The rule whose permission changes",
            entity=RolePermission,
            related="listRolePermissions",
            since="4.11",
        ),
        Param("permission", ParamType.STRING, "New permission of ruleid: allow or deny", since="4.11"),
    ],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def update_role_permission(call: Call) -> Success:
    role = roles.live(call.caller, call.arg("roleid"))
    if call.has("ruleorder"):
        if call.has("ruleid") or call.has("permission"):
            raise roles.param_error("Parameters permission and ruleid must be mutually exclusive with ruleorder")
        roles.reorder(call.db, call.caller, role, call.arg("ruleorder"), call.now)
        return Success()
    if not (call.has("ruleid") and call.has("permission")):
        # CloudStack silently answers success=false here; saying what is missing is more useful.
        raise roles.param_error("Either ruleorder, or ruleid together with permission, must be given")
    permission = roles.parse_permission(call.arg("permission"))
    roles.set_permission(call.db, call.caller, role, call.arg("ruleid"), permission, call.now)
    return Success()


@command(
    "deleteRolePermission",
    description="Removes a rule from a role.",
    params=[
        Param("id", ParamType.UUID, "The rule", required=True, entity=RolePermission, related="listRolePermissions")
    ],
    kind=Kind.SUCCESS,
    roles=ADMIN_ONLY,
    since="4.9.0",
)
def delete_role_permission(call: Call) -> Success:
    rule: RolePermission = call.arg("id")
    roles.remove_rule(call.db, call.caller, rule, call.now)
    return Success()
