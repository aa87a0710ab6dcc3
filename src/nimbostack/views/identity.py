"""Response objects for domains, accounts, users, roles and role rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from nimbostack.api.context import Caller
from nimbostack.api.render import Wire, format_date, wire
from nimbostack.auth.types import AccountType, RoleType
from nimbostack.db.engine import run
from nimbostack.db.models import Account, AccountDetail, Domain, Role, RolePermission, User

Entity = dict[str, Any]


def display_path(domain: Domain) -> str:
    return display_path_of(domain.path)


def display_path_of(path: str) -> str:
    """Stored `/sales/eu/` is shown as `ROOT/sales/eu`."""
    return ("ROOT" + path).rstrip("/")


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


class AccountFacts(NamedTuple):
    """What an account's view shows: its columns with its domain's and role's (None without a role)."""

    id: int
    uuid: str
    name: str
    type: int
    state: str
    network_domain: str | None
    created: datetime
    is_default: bool
    cleanup_needed: bool
    api_key_access: bool | None
    domain_id: int
    domain_uuid: str
    domain_name: str
    domain_path: str
    role_uuid: str | None
    role_name: str | None
    role_type: str | None
    # False when the account surely has no details, so a page of such accounts skips the details query.
    may_have_details: bool


class UserFacts(NamedTuple):
    """What a user's view shows: its columns with its account's, the account's domain's and role's."""

    id: int
    account_id: int
    uuid: str
    username: str
    firstname: str | None
    lastname: str | None
    email: str | None
    created: datetime
    state: str
    source: str
    timezone: str | None
    api_key: str | None
    is_default: bool
    api_key_access: bool | None
    account_uuid: str
    account_name: str
    account_type: int
    domain_id: int
    domain_uuid: str
    domain_name: str
    domain_path: str
    role_uuid: str | None
    role_name: str | None
    role_type: str | None


_ACCOUNT_COLUMNS: dict[str, Any] = {
    "id": Account.id,
    "uuid": Account.uuid,
    "name": Account.name,
    "type": Account.type,
    "state": Account.state,
    "network_domain": Account.network_domain,
    "created": Account.created,
    "is_default": Account.is_default,
    "cleanup_needed": Account.cleanup_needed,
    "api_key_access": Account.api_key_access,
    "domain_id": Domain.id,
    "domain_uuid": Domain.uuid,
    "domain_name": Domain.name,
    "domain_path": Domain.path,
    "role_uuid": Role.uuid,
    "role_name": Role.name,
    "role_type": Role.role_type,
    "may_have_details": select(AccountDetail.id).where(AccountDetail.account_id == Account.id).exists(),
}
_USER_COLUMNS: dict[str, Any] = {
    "id": User.id,
    "account_id": User.account_id,
    "uuid": User.uuid,
    "username": User.username,
    "firstname": User.firstname,
    "lastname": User.lastname,
    "email": User.email,
    "created": User.created,
    "state": User.state,
    "source": User.source,
    "timezone": User.timezone,
    "api_key": User.api_key,
    "is_default": User.is_default,
    "api_key_access": User.api_key_access,
    "account_uuid": Account.uuid,
    "account_name": Account.name,
    "account_type": Account.type,
    "domain_id": Domain.id,
    "domain_uuid": Domain.uuid,
    "domain_name": Domain.name,
    "domain_path": Domain.path,
    "role_uuid": Role.uuid,
    "role_name": Role.name,
    "role_type": Role.role_type,
}

# Column selects in the order of the facts' fields, so a row converts with Facts(*row). List commands add
# their conditions; loading entities instead costs several times the query itself.
ACCOUNT_FACTS = (
    select(*(_ACCOUNT_COLUMNS[name].label(name) for name in AccountFacts._fields))
    .select_from(Account)
    .join(Domain, Account.domain_id == Domain.id)
    .outerjoin(Role, Account.role_id == Role.id)
)
USER_FACTS = (
    select(*(_USER_COLUMNS[name].label(name) for name in UserFacts._fields))
    .select_from(User)
    .join(Account, User.account_id == Account.id)
    .join(Domain, Account.domain_id == Domain.id)
    .outerjoin(Role, Account.role_id == Role.id)
)
# The users' own columns: the account, domain and role part of their facts is the account's, known already.
_OWN_USER_FIELDS = UserFacts._fields[: UserFacts._fields.index("account_uuid")]
_USERS_OF_ACCOUNTS = (
    select(*(_USER_COLUMNS[name] for name in _OWN_USER_FIELDS))
    .where(User.account_id.in_(bindparam("ids", expanding=True)), User.removed.is_(None))
    .order_by(User.id)
)
_DETAILS_OF_ACCOUNTS = select(AccountDetail.account_id, AccountDetail.name, AccountDetail.value).where(
    AccountDetail.account_id.in_(bindparam("ids", expanding=True))
)


def account_facts(account: Account) -> AccountFacts:
    domain, role = account.domain, account.role
    return AccountFacts(
        account.id,
        account.uuid,
        account.name,
        account.type,
        account.state,
        account.network_domain,
        account.created,
        account.is_default,
        account.cleanup_needed,
        account.api_key_access,
        domain.id,
        domain.uuid,
        domain.name,
        domain.path,
        role.uuid if role else None,
        role.name if role else None,
        role.role_type if role else None,
        True,
    )


def user_facts(user: User) -> UserFacts:
    account = user.account
    domain, role = account.domain, account.role
    return UserFacts(
        user.id,
        user.account_id,
        user.uuid,
        user.username,
        user.firstname,
        user.lastname,
        user.email,
        user.created,
        user.state,
        user.source,
        user.timezone,
        user.api_key,
        user.is_default,
        user.api_key_access,
        account.uuid,
        account.name,
        account.type,
        domain.id,
        domain.uuid,
        domain.name,
        domain.path,
        role.uuid if role else None,
        role.name if role else None,
        role.role_type if role else None,
    )


# Enum construction is slow next to a dict lookup, and views resolve a role type per object.
_ROLE_TYPE_NAMES = {member.value: member.value for member in RoleType}
_ROLE_TYPE_OF_ACCOUNT = {member.value: member.role_type.value for member in AccountType}


def _role_type_name(role_type: str | None, account_type: int) -> str:
    """The role's type, or for an account without a role the type its account type implies."""
    if role_type is not None:
        return _ROLE_TYPE_NAMES.get(role_type) or RoleType(role_type).value
    return _ROLE_TYPE_OF_ACCOUNT.get(account_type) or AccountType(account_type).role_type.value


def user_view(user: User, caller: Caller | None = None) -> Entity:
    return user_view_of(user_facts(user), caller)


def user_view_of(user: UserFacts, caller: Caller | None = None) -> Wire:
    source = user.source.lower()
    return wire(
        {
            "id": user.uuid,
            "username": user.username,
            "firstname": user.firstname,
            "lastname": user.lastname,
            "email": user.email,
            "created": format_date(user.created),
            "state": user.state,
            "account": user.account_name,
            "accounttype": user.account_type,
            "usersource": "native" if source == "unknown" else source,
            "roleid": user.role_uuid,
            "roletype": _role_type_name(user.role_type, user.account_type),
            "rolename": user.role_name,
            "domainid": user.domain_uuid,
            "domain": user.domain_name,
            "timezone": user.timezone,
            "apikey": user.api_key,
            "accountid": user.account_uuid,
            "iscallerchilddomain": (
                caller is not None
                and user.domain_path.startswith(caller.domain_path)
                and user.domain_id != caller.domain_id
            ),
            "isdefault": user.is_default,
            "is2faenabled": False,
            "is2famandated": False,
            "apikeyaccess": _access_flag(user.api_key_access),
        }
    )


def account_views(db: Session, accounts: Sequence[Account], caller: Caller | None = None) -> list[Entity]:
    return account_views_of(db, [account_facts(a) for a in accounts], caller)


def account_views_of(db: Session, accounts: Sequence[AccountFacts], caller: Caller | None = None) -> list[Entity]:
    """Views of several accounts with their live users and details: two queries whatever the number."""
    ids = [a.id for a in accounts]
    users: dict[int, list[UserFacts]] = {i: [] for i in ids}
    details: dict[int, dict[str, str]] = {i: {} for i in ids}
    if ids:
        owners = {a.id: _owner_part(a) for a in accounts}
        for row in run(db, _USERS_OF_ACCOUNTS, {"ids": ids}):
            users[row.account_id].append(UserFacts(*row, *owners[row.account_id]))
        with_details = [a.id for a in accounts if a.may_have_details]
        if with_details:
            for account_id, name, value in run(db, _DETAILS_OF_ACCOUNTS, {"ids": with_details}):
                details[account_id][name] = value
    return [_account_view(a, users[a.id], details[a.id], caller) for a in accounts]


def _owner_part(account: AccountFacts) -> tuple[Any, ...]:
    """The fields of UserFacts that come from the user's account, in their order."""
    return (
        account.uuid,
        account.name,
        account.type,
        account.domain_id,
        account.domain_uuid,
        account.domain_name,
        account.domain_path,
        account.role_uuid,
        account.role_name,
        account.role_type,
    )


def account_view(db: Session, account: Account, caller: Caller | None = None) -> Entity:
    return account_views(db, [account], caller)[0]


def _account_view(
    account: AccountFacts, users: list[UserFacts], details: dict[str, str], caller: Caller | None
) -> Wire:
    return wire(
        {
            "id": account.uuid,
            "name": account.name,
            "accounttype": account.type,
            "roleid": account.role_uuid,
            "roletype": _role_type_name(account.role_type, account.type),
            "rolename": account.role_name,
            "domainid": account.domain_uuid,
            "domain": account.domain_name,
            "domainpath": display_path_of(account.domain_path),
            "state": account.state,
            "networkdomain": account.network_domain,
            "created": format_date(account.created),
            "isdefault": account.is_default,
            "iscleanuprequired": account.cleanup_needed,
            "accountdetails": details or None,
            "groups": [],
            "apikeyaccess": _access_flag(account.api_key_access),
            "user": [user_view_of(u, caller) for u in users],
        }
    )


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
