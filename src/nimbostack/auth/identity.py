"""Loading the Caller for a user, and the checks shared by every way in."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.auth.roles import Rule
from nimbostack.auth.types import AccountType, RoleType
from nimbostack.db.engine import AnyRow, run
from nimbostack.db.models import Account, Domain, Role, RolePermission, User

# What a way in needs to know about a user, in one query instead of loading four entities; built once
# because composing a statement costs more than running it. Role is an outer join: the column may be unset.
_CALLER_FACTS = (
    select(
        User.id.label("user_id"),
        User.uuid.label("user_uuid"),
        User.username,
        User.state.label("user_state"),
        User.removed.label("user_removed"),
        User.secret_key,
        User.api_key_access.label("user_key_access"),
        User.domain_id.label("user_domain_id"),
        Account.id.label("account_id"),
        Account.uuid.label("account_uuid"),
        Account.name.label("account_name"),
        Account.type.label("account_type"),
        Account.role_id,
        Account.state.label("account_state"),
        Account.removed.label("account_removed"),
        Account.api_key_access.label("account_key_access"),
        Account.domain_id,
        Domain.uuid.label("domain_uuid"),
        Domain.path.label("domain_path"),
        Role.role_type,
    )
    .select_from(User)
    .join(Account, User.account_id == Account.id)
    .join(Domain, Account.domain_id == Domain.id)
    .outerjoin(Role, Account.role_id == Role.id)
)
_FACTS_BY_API_KEY = _CALLER_FACTS.where(User.api_key == bindparam("api_key"))
_FACTS_BY_USER_ID = _CALLER_FACTS.where(User.id == bindparam("user_id"))


def facts_by_api_key(db: Session, api_key: str) -> AnyRow | None:
    """The user owning an API key with its account, domain and role columns (see `_CALLER_FACTS`)."""
    return run(db, _FACTS_BY_API_KEY, {"api_key": api_key}).first()


def facts_by_user_id(db: Session, user_id: int) -> AnyRow | None:
    return run(db, _FACTS_BY_USER_ID, {"user_id": user_id}).first()


def caller_from_facts(facts: AnyRow) -> Caller:
    """The same Caller as `caller_for`, from a `_CALLER_FACTS` row."""
    role_type = RoleType(facts.role_type) if facts.role_type is not None else AccountType(facts.account_type).role_type
    return Caller(
        user_id=facts.user_id,
        user_uuid=facts.user_uuid,
        username=facts.username,
        account_id=facts.account_id,
        account_uuid=facts.account_uuid,
        account_name=facts.account_name,
        account_type=AccountType(facts.account_type),
        domain_id=facts.domain_id,
        domain_uuid=facts.domain_uuid,
        domain_path=facts.domain_path,
        role_id=facts.role_id or role_type.default_role_id,
        role_type=role_type,
    )


def facts_active(facts: AnyRow) -> bool:
    """`is_active` for a `_CALLER_FACTS` row."""
    return (
        facts.user_removed is None
        and facts.user_state == "enabled"
        and facts.account_removed is None
        and facts.account_state == "enabled"
    )


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


_ROLE_RULES = (
    select(RolePermission.rule, RolePermission.permission)
    .where(RolePermission.role_id == bindparam("role_id"))
    .order_by(RolePermission.sort_order, RolePermission.id)
)


def role_rules(db: Session, role_id: int) -> list[Rule]:
    """Read on every check, never cached: a rule changed on any server applies to the next request."""
    return [Rule(rule, permission) for rule, permission in run(db, _ROLE_RULES, {"role_id": role_id})]


def role_enabled(db: Session, role_id: int) -> bool:
    role = db.get(Role, role_id)
    return role is not None and role.removed is None
