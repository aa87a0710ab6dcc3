"""Role rules: creating, cloning, updating and removing roles, and keeping their ordered rule lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.errors import ApiError, ErrorCode, invalid_value, permission_denied
from nimbostack.auth.roles import valid_rule
from nimbostack.auth.types import RoleType
from nimbostack.db.models import Account, Role, RolePermission
from nimbostack.services import events

ENABLED = "ENABLED"
DISABLED = "DISABLED"
ROLE_STATES = (ENABLED, DISABLED)


def param_error(text: str) -> ApiError:
    """CloudStack's role commands answer most bad input with a plain PARAM_ERROR (no exception code)."""
    return ApiError(ErrorCode.PARAM_ERROR, text)


def check_caller(caller: Caller) -> None:
    """Role changes need a caller whose role is of type Admin, whatever rules let the call through."""
    if not (caller.is_root_admin or caller.is_system):
        raise permission_denied("Restricted API called by a user account of non-Admin role type")


def visible_filter(caller: Caller) -> ColumnElement[bool]:
    """Only root admins see roles of type Admin and private roles."""
    if caller.is_root_admin or caller.is_system:
        return true()
    return and_(Role.role_type != RoleType.ADMIN.value, Role.is_public.is_(True))


def is_visible(caller: Caller, role: Role) -> bool:
    if caller.is_root_admin or caller.is_system:
        return True
    return role.role_type != RoleType.ADMIN.value and role.is_public


def live(caller: Caller, role: Role | None, missing_text: str = "Invalid role id provided") -> Role:
    """The role a uuid parameter named, unless it is removed or hidden from the caller."""
    if role is None or role.removed is not None or not is_visible(caller, role):
        raise param_error(missing_text)
    return role


def parse_type(text: str) -> RoleType:
    role_type = RoleType.parse(text)
    if role_type is None:
        if text.strip().lower() == "unknown":
            raise param_error("Unknown is not a valid role type")
        raise param_error("Invalid role type provided")
    return role_type


def parse_permission(text: str) -> str:
    value = text.strip().upper()
    if value not in ("ALLOW", "DENY"):
        raise param_error("Values for permission parameter should be: allow or deny")
    return value


def check_rule(text: str) -> str:
    if not valid_rule(text):
        raise invalid_value(f"Only API names and wildcards are allowed, invalid rule provided: {text}")
    return text


def accounts_using(db: Session, role: Role) -> int:
    return db.scalar(select(func.count()).where(Account.role_id == role.id, Account.removed.is_(None))) or 0


def _check_name_free(db: Session, name: str, role_type: RoleType, except_id: int | None = None) -> None:
    # The schema also refuses this (unique name + type among live roles); checking first gives a clean 431.
    stmt = select(func.count()).where(Role.name == name, Role.role_type == role_type.value, Role.removed.is_(None))
    if except_id is not None:
        stmt = stmt.where(Role.id != except_id)
    if db.scalar(stmt):
        raise invalid_value(f"A role named {name} of type {role_type.value} already exists")


def _event(db: Session, caller: Caller, kind: str, text: str, role: Role, now: datetime) -> None:
    events.record(db, caller, kind, text, now, resource_type="Role", resource_uuid=role.uuid, resource_name=role.name)


def create(
    db: Session,
    caller: Caller,
    *,
    name: str,
    role_type: RoleType,
    source: Role | None,
    description: str | None,
    is_public: bool,
    now: datetime,
) -> Role:
    """A new role; with `source` it takes that role's type and a copy of every rule, in order."""
    check_caller(caller)
    _check_name_free(db, name, role_type)
    role = Role(name=name, role_type=role_type.value, description=description, is_public=is_public, state=ENABLED)
    db.add(role)
    db.flush()
    if source is not None:
        for rule in rules_of(db, source):
            db.add(
                RolePermission(
                    role_id=role.id,
                    rule=rule.rule,
                    permission=rule.permission,
                    description=rule.description,
                    sort_order=rule.sort_order,
                )
            )
        text = f"Successfully created role {name} as a copy of role {source.name}"
    else:
        text = f"Successfully created role {name}"
    _event(db, caller, "ROLE.CREATE", text, role, now)
    return role


def update(
    db: Session,
    caller: Caller,
    role: Role,
    *,
    name: str | None,
    role_type: RoleType | None,
    description: str | None,
    is_public: bool | None,
    now: datetime,
) -> Role:
    check_caller(caller)
    if role.is_default:
        # Only the public/private flag of a built-in role may change.
        if is_public is None or role_type is not None or name or description:
            raise permission_denied("Default roles cannot be updated (with the exception of making it private/public).")
        role.is_public = is_public
    else:
        new_type = role_type or RoleType(role.role_type)
        if role_type is not None and role_type.value != role.role_type and accounts_using(db, role):
            raise permission_denied("Found accounts that have role in use, won't allow to change role type")
        new_name = name or role.name
        if new_name != role.name or new_type.value != role.role_type:
            _check_name_free(db, new_name, new_type, except_id=role.id)
        role.name, role.role_type = new_name, new_type.value
        if description:
            role.description = description
        if is_public is not None:
            role.is_public = is_public
    _event(db, caller, "ROLE.UPDATE", f"Successfully updated role {role.name}", role, now)
    db.flush()
    return role


def delete(db: Session, caller: Caller, role: Role, now: datetime) -> None:
    """Soft-remove the role and drop its rules; refused for built-in roles and roles still assigned."""
    check_caller(caller)
    if role.is_default:
        raise permission_denied("Default roles cannot be deleted")
    if accounts_using(db, role):
        raise permission_denied("Found accounts that have role in use, won't allow to delete role")
    db.execute(sql_delete(RolePermission).where(RolePermission.role_id == role.id))
    role.mark_removed(now)
    _event(db, caller, "ROLE.DELETE", f"Successfully deleted role {role.name}", role, now)


def set_state(db: Session, caller: Caller, role: Role, state: str, now: datetime) -> None:
    check_caller(caller)
    if role.state == state:
        raise permission_denied(f"Role is already {state}")
    role.state = state
    kind, verb = ("ROLE.ENABLE", "enabled") if state == ENABLED else ("ROLE.DISABLE", "disabled")
    _event(db, caller, kind, f"Role {role.name} is now {verb}", role, now)


def rules_of(db: Session, role: Role) -> list[RolePermission]:
    """A role's rules in the order they are matched."""
    return list(
        db.scalars(
            select(RolePermission)
            .where(RolePermission.role_id == role.id)
            .order_by(RolePermission.sort_order, RolePermission.id)
        )
    )


def add_rule(
    db: Session,
    caller: Caller,
    role: Role,
    *,
    rule: str,
    permission: str,
    description: str | None,
    now: datetime,
) -> RolePermission:
    """Append a rule at the end of the role's list."""
    check_caller(caller)
    if role.is_default:
        raise permission_denied("Role permission cannot be added for Default roles")
    # Rules match case-insensitively, so `listusers` would only shadow or repeat `listUsers`.
    clash = db.scalar(
        select(func.count()).where(RolePermission.role_id == role.id, func.lower(RolePermission.rule) == rule.lower())
    )
    if clash:
        raise permission_denied(f"Rule already exists for the role: {role.name}")
    last = db.scalar(select(func.max(RolePermission.sort_order)).where(RolePermission.role_id == role.id))
    row = RolePermission(
        role_id=role.id,
        rule=rule,
        permission=permission,
        description=description,
        sort_order=0 if last is None else last + 1,
    )
    db.add(row)
    db.flush()
    _event(db, caller, "ROLE.PERMISSION.CREATE", f"Successfully added rule {rule} to role {role.name}", role, now)
    return row


def reorder(db: Session, caller: Caller, role: Role, order: Sequence[RolePermission], now: datetime) -> None:
    """Give the role's rules the order of `order`, which must name each of them exactly once."""
    check_caller(caller)
    if role.is_default:
        raise permission_denied("Role permission cannot be updated for Default roles")
    current = rules_of(db, role)
    wanted = [r.id for r in order]
    if len(wanted) != len(current) or set(wanted) != {r.id for r in current}:
        raise ApiError(
            ErrorCode.INTERNAL_ERROR,
            "The role's rule permissions list has changed while you were making updates, aborted re-ordering "
            "of rules. Please try again.",
        )
    by_id = {r.id: r for r in current}
    for position, rule_id in enumerate(wanted):
        by_id[rule_id].sort_order = position
    _event(db, caller, "ROLE.PERMISSION.UPDATE", f"Successfully reordered the rules of role {role.name}", role, now)


def set_permission(
    db: Session, caller: Caller, role: Role, rule: RolePermission, permission: str, now: datetime
) -> None:
    check_caller(caller)
    if role.is_default:
        raise permission_denied("Role permission cannot be updated for Default roles")
    if rule.role_id != role.id:
        raise param_error("Invalid rule id provided")
    rule.permission = permission
    text = f"Successfully set rule {rule.rule} of role {role.name} to {permission.lower()}"
    _event(db, caller, "ROLE.PERMISSION.UPDATE", text, role, now)


def remove_rule(db: Session, caller: Caller, rule: RolePermission, now: datetime) -> None:
    check_caller(caller)
    role = db.get(Role, rule.role_id)
    assert role is not None
    if role.is_default:
        raise permission_denied("Role permission cannot be deleted for Default roles")
    db.delete(rule)
    _event(
        db, caller, "ROLE.PERMISSION.DELETE", f"Successfully removed rule {rule.rule} from role {role.name}", role, now
    )
