"""Response objects for domains, accounts, users, roles and role rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.auth.types import AccountType, RoleType
from nimbostack.db.models import Account, AccountDetail, Domain, Role, RolePermission, User

Entity = dict[str, Any]


def display_path(domain: Domain) -> str:
    """Stored `/sales/eu/` is shown as `ROOT/sales/eu`."""
    return ("ROOT" + domain.path).rstrip("/")


def _access_flag(value: bool | None) -> str:
    return "Inherit" if value is None else ("Enabled" if value else "Disabled")


def domains_with_children(db: Session, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    rows = db.execute(
        select(Domain.parent_id, func.count())
        .where(Domain.parent_id.in_(ids), Domain.removed.is_(None))
        .group_by(Domain.parent_id)
    ).all()
    return {pid for pid, n in rows if pid is not None and n}


def domain_view(domain: Domain, has_child: bool) -> Entity:
    parent = domain.parent
    return {
        "id": domain.uuid,
        "name": domain.name,
        "level": domain.level,
        "parentdomainid": parent.uuid if parent else None,
        "parentdomainname": parent.name if parent else None,
        "haschild": has_child,
        "path": display_path(domain),
        "state": domain.state,
        "networkdomain": domain.network_domain,
        "created": domain.created,
    }


def domain_views(db: Session, domains: Sequence[Domain]) -> list[Entity]:
    parents = domains_with_children(db, [d.id for d in domains])
    return [domain_view(d, d.id in parents) for d in domains]


def _role_fields(account: Account) -> Entity:
    role = account.role
    role_type = RoleType(role.role_type) if role else AccountType(account.type).role_type
    return {
        "roleid": role.uuid if role else None,
        "roletype": role_type.value,
        "rolename": role.name if role else None,
    }


def user_view(user: User, caller: Caller | None = None) -> Entity:
    account = user.account
    domain = account.domain
    source = user.source.lower()
    return {
        "id": user.uuid,
        "username": user.username,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "email": user.email,
        "created": user.created,
        "state": user.state,
        "account": account.name,
        "accounttype": account.type,
        "usersource": "native" if source == "unknown" else source,
        **_role_fields(account),
        "domainid": domain.uuid,
        "domain": domain.name,
        "timezone": user.timezone,
        "apikey": user.api_key,
        "accountid": account.uuid,
        "iscallerchilddomain": (
            caller is not None and domain.path.startswith(caller.domain_path) and domain.id != caller.domain_id
        ),
        "isdefault": user.is_default,
        "is2faenabled": False,
        "is2famandated": False,
        "apikeyaccess": _access_flag(user.api_key_access),
    }


def account_views(db: Session, accounts: Sequence[Account], caller: Caller | None = None) -> list[Entity]:
    ids = [a.id for a in accounts]
    users: dict[int, list[User]] = {i: [] for i in ids}
    details: dict[int, dict[str, str]] = {i: {} for i in ids}
    if ids:
        for user in db.scalars(
            select(User).where(User.account_id.in_(ids), User.removed.is_(None)).order_by(User.id)
        ).unique():
            users[user.account_id].append(user)
        for det in db.scalars(select(AccountDetail).where(AccountDetail.account_id.in_(ids))):
            details[det.account_id][det.name] = det.value
    return [_account_view(a, users[a.id], details[a.id], caller) for a in accounts]


def account_view(db: Session, account: Account, caller: Caller | None = None) -> Entity:
    return account_views(db, [account], caller)[0]


def _account_view(account: Account, users: list[User], details: dict[str, str], caller: Caller | None) -> Entity:
    domain = account.domain
    return {
        "id": account.uuid,
        "name": account.name,
        "accounttype": account.type,
        **_role_fields(account),
        "domainid": domain.uuid,
        "domain": domain.name,
        "domainpath": display_path(domain),
        "state": account.state,
        "networkdomain": account.network_domain,
        "created": account.created,
        "isdefault": account.is_default,
        "iscleanuprequired": account.cleanup_needed,
        "accountdetails": details or None,
        "groups": [],
        "apikeyaccess": _access_flag(account.api_key_access),
        "user": [user_view(u, caller) for u in users],
    }


def role_view(role: Role) -> Entity:
    return {
        "id": role.uuid,
        "name": role.name,
        "type": role.role_type,
        "description": role.description,
        "isdefault": role.is_default,
        "ispublic": role.is_public,
        "state": role.state,
    }


def permission_view(rule: RolePermission, role: Role) -> Entity:
    return {
        "id": rule.uuid,
        "roleid": role.uuid,
        "rolename": role.name,
        "rule": rule.rule,
        "permission": rule.permission.lower(),
        "description": rule.description,
    }
