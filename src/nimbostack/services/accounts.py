"""Account rules: creation with its first user, role and type, state changes, removal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api import sessions
from nimbostack.api.context import Caller
from nimbostack.api.errors import internal, invalid_value, permission_denied
from nimbostack.auth.access import check_account, check_domain
from nimbostack.auth.types import AccountType, RoleType
from nimbostack.db.models import Account, AccountDetail, Domain, LdapTrustMap, Role, User
from nimbostack.services import domains, events

SYSTEM_ACCOUNT_ID = 1


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    # None for a user imported from a directory entry without an e-mail address.
    email: str | None
    firstname: str
    lastname: str
    timezone: str | None = None
    uuid: str | None = None
    source: str = "UNKNOWN"


def resolve_role(db: Session, caller: Caller, role: Role | None, account_type: int | None) -> tuple[Role, int]:
    """Role and account type from `roleid` and/or `accounttype`, as CloudStack pairs them."""
    if role is None:
        if account_type is None:
            raise invalid_value("Please specify either accounttype or roleid")
        try:
            kind = AccountType(account_type)
        except ValueError:
            raise invalid_value(f"Invalid account type {account_type} given; unable to create user") from None
        if kind in (AccountType.PROJECT, AccountType.READ_ONLY_ADMIN):
            raise invalid_value(f"Invalid account type {account_type} given; unable to create user")
        role = db.get(Role, kind.role_type.default_role_id)
        assert role is not None
    if role.removed is not None or role.state != "ENABLED":
        raise invalid_value(f"Unable to find role by id {role.uuid}")
    role_type = RoleType(role.role_type)
    if not caller.is_root_admin and role_type is RoleType.ADMIN:
        raise permission_denied("Only root admins can create accounts of an admin role")
    if caller.is_domain_admin and role_type is not RoleType.USER and role_type is not RoleType.DOMAIN_ADMIN:
        raise permission_denied("Domain admins can only create user or domain admin accounts")
    return role, int(role_type.account_type)


def create(
    db: Session,
    caller: Caller,
    *,
    name: str,
    domain: Domain,
    role: Role,
    account_type: int,
    network_domain: str | None,
    details: dict[str, str],
    user: NewUser,
    password_hash: str,
    account_uuid: str | None,
    now: datetime,
) -> Account:
    check_domain(caller, domain)
    if domain.removed is not None:
        raise invalid_value(f"The domain {domain.uuid} does not exist; unable to create account")
    if domain.state != "Active":
        raise internal(f"The account cannot be created as domain {domain.name} is being deleted")
    if account_type == AccountType.ADMIN and domain.id != 1:
        raise invalid_value(
            f"Invalid account type {account_type} given for an account in domain {domain.name}; unable to "
            "create user of admin role type in non-ROOT domain."
        )
    domains.check_network_domain(network_domain)
    if _live_account(db, domain.id, name) is not None:
        raise invalid_value(f"The specified account: {name} already exists")
    check_username_free(db, user.username, domain)
    account = Account(
        name=name,
        type=account_type,
        role_id=role.id,
        domain_id=domain.id,
        network_domain=network_domain or None,
        created=now,
    )
    if account_uuid:
        account.uuid = account_uuid
    db.add(account)
    db.flush()
    account.domain, account.role = domain, role
    for key, value in details.items():
        db.add(AccountDetail(account_id=account.id, name=key, value=value))
    events.record(
        db,
        caller,
        "ACCOUNT.CREATE",
        f"Successfully created account {name}",
        now,
        resource_type="Account",
        resource_uuid=account.uuid,
        resource_name=name,
        account_id=account.id,
        domain_id=domain.id,
    )
    add_user(db, caller, account, user, password_hash, now)
    return account


def _live_account(db: Session, domain_id: int, name: str) -> Account | None:
    return db.scalars(
        select(Account).where(Account.domain_id == domain_id, Account.name == name, Account.removed.is_(None))
    ).first()


def check_username_free(db: Session, username: str, domain: Domain) -> None:
    taken = db.scalar(
        select(func.count()).where(User.username == username, User.domain_id == domain.id, User.removed.is_(None))
    )
    if taken:
        raise invalid_value(f"The user {username} already exists in domain {domain.uuid}")


def add_user(db: Session, caller: Caller, account: Account, new: NewUser, password_hash: str, now: datetime) -> User:
    if not new.username.strip():
        raise invalid_value("Username is empty")
    user = User(
        username=new.username,
        password=password_hash,
        firstname=new.firstname,
        lastname=new.lastname,
        email=new.email,
        account_id=account.id,
        domain_id=account.domain_id,
        timezone=new.timezone,
        source=new.source,
        created=now,
    )
    if new.uuid:
        user.uuid = new.uuid
    db.add(user)
    db.flush()
    user.account = account
    events.record(
        db,
        caller,
        "USER.CREATE",
        f"Successfully created user {new.username}",
        now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=new.username,
        account_id=account.id,
        domain_id=account.domain_id,
    )
    return user


def find(db: Session, caller: Caller, account_id: Account | None, name: str | None, domain: Domain | None) -> Account:
    """An account from `id`, or from `account` + `domainid`; 431 when it does not exist."""
    account = account_id
    if account is None and name:
        domain_id = domain.id if domain is not None else caller.domain_id
        account = _live_account(db, domain_id, name)
    if account is None or account.removed is not None:
        label = account_id.uuid if account_id is not None else None
        raise invalid_value(
            f"Unable to find account by accountId: {label} OR by name: {name} in domain "
            f"{domain.uuid if domain is not None else caller.domain_uuid}"
        )
    check_account(caller, account)
    return account


def set_state(db: Session, caller: Caller, account: Account, state: str, verb: str, now: datetime) -> Account:
    if account.id == SYSTEM_ACCOUNT_ID:
        raise permission_denied(f"Account: {account.name} is a system account, {verb} is not allowed")
    if state != "enabled" and account.id == caller.account_id:
        raise invalid_value("Disabling or locking your own account is not allowed")
    account.state = state
    if state != "enabled":
        for user in db.scalars(select(User).where(User.account_id == account.id)):
            sessions.end_for_user(db, user.id)
    event = "ACCOUNT.ENABLE" if state == "enabled" else "ACCOUNT.DISABLE"
    events.record(
        db,
        caller,
        event,
        f"Account {account.name} is now {state}",
        now,
        resource_type="Account",
        resource_uuid=account.uuid,
        resource_name=account.name,
        account_id=account.id,
        domain_id=account.domain_id,
    )
    return account


def remove(db: Session, caller: Caller, account: Account, now: datetime) -> None:
    """Mark the account and its users removed and end their sessions."""
    if account.removed is not None:
        return
    if account.id == caller.account_id:
        raise invalid_value(
            f"Deletion of your own account is not allowed. To delete account {account.name} (ID: {account.uuid}, "
            f"Domain: {account.domain.uuid}), request to another user with permissions to perform the operation."
        )
    if account.is_default:
        raise invalid_value("The account is default and can't be removed")
    for user in db.scalars(select(User).where(User.account_id == account.id, User.removed.is_(None))):
        sessions.end_for_user(db, user.id)
        user.mark_removed(now)
        user.api_key = None
        user.secret_key = None
    db.execute(sql_delete(AccountDetail).where(AccountDetail.account_id == account.id))
    db.execute(sql_delete(LdapTrustMap).where(LdapTrustMap.account_id == account.id))
    account.mark_removed(now)
    events.record(
        db,
        caller,
        "ACCOUNT.DELETE",
        f"Successfully deleted account {account.name}",
        now,
        resource_type="Account",
        resource_uuid=account.uuid,
        resource_name=account.name,
        account_id=account.id,
        domain_id=account.domain_id,
    )
