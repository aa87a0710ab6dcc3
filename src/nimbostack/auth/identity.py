"""Loading the Caller for a user, and the checks shared by every way in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.auth.roles import Rule
from nimbostack.auth.types import AccountType, RoleType
from nimbostack.db.models import Role, RolePermission, User


def caller_for(user: User) -> Caller:
    account = user.account
    role = account.role
    role_type = RoleType(role.role_type) if role is not None else AccountType(account.type).role_type
    return Caller(
        user_id=user.id,
        user_uuid=user.uuid,
        username=user.username,
        account_id=account.id,
        account_uuid=account.uuid,
        account_name=account.name,
        account_type=AccountType(account.type),
        domain_id=account.domain_id,
        domain_uuid=account.domain.uuid,
        domain_path=account.domain.path,
        role_id=account.role_id or role_type.default_role_id,
        role_type=role_type,
    )


def is_active(user: User) -> bool:
    """User and account both enabled and neither removed."""
    return (
        user.removed is None
        and user.state == "enabled"
        and user.account.removed is None
        and user.account.state == "enabled"
    )


def role_rules(db: Session, role_id: int) -> list[Rule]:
    rows = db.scalars(
        select(RolePermission)
        .where(RolePermission.role_id == role_id)
        .order_by(RolePermission.sort_order, RolePermission.id)
    ).all()
    return [Rule(r.rule, r.permission) for r in rows]


def role_enabled(db: Session, role_id: int) -> bool:
    role = db.get(Role, role_id)
    return role is not None and role.removed is None
