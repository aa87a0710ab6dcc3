"""createAccount, listAccounts, updateAccount, deleteAccount, disableAccount, enableAccount, lockAccount."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from nimbostack.api.context import Call
from nimbostack.api.errors import invalid_value
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.access import check_account
from nimbostack.auth.types import ADMIN_ONLY, ADMINS, ALL_ROLES, AccountType
from nimbostack.db.listing import (
    LIST_PARAMS,
    SCOPE_PARAMS,
    Filters,
    ListQuery,
    fetch_rows,
    keyword_condition,
    keyword_value,
    owner_conditions,
)
from nimbostack.db.models import Account, AccountDetail, Domain, Role
from nimbostack.services import accounts, events, passwords
from nimbostack.services import domains as domain_service
from nimbostack.services.settings import get_bool
from nimbostack.views.identity import ACCOUNT_FACTS, AccountFacts, account_view, account_views_of

ACCOUNT_TARGET = (
    Param("id", ParamType.UUID, "The account's ID", entity=Account, related="listAccounts"),
    Param("account", ParamType.STRING, "The account's name; use with domainid"),
    Param("domainid", ParamType.UUID, "Domain of the named account", entity=Domain, related="listDomains"),
)

NEW_USER_PARAMS = (
    Param("username", ParamType.STRING, "Login name of the user", required=True),
    Param("password", ParamType.STRING, "Clear-text password; the server hashes it", required=True, secret=True),
    Param("email", ParamType.STRING, "E-mail address", required=True),
    Param("firstname", ParamType.STRING, "First name", required=True),
    Param("lastname", ParamType.STRING, "Last name", required=True),
    Param("timezone", ParamType.STRING, "Time zone of the user, such as Europe/Berlin"),
    Param("userid", ParamType.STRING, "UUID to give the user"),
)


def details_of(call: Call) -> dict[str, str]:
    """`accountdetails[0].key=value` as a plain dict (both key/value and field-per-key styles)."""
    out: dict[str, str] = {}
    for item in call.arg("accountdetails") or []:
        if set(item) >= {"key", "value"}:
            out[item["key"]] = item["value"]
        else:
            out.update(item)
    return out


@command(
    "createAccount",
    description="Creates an account with its first user.",
    params=[
        *NEW_USER_PARAMS,
        Param("account", ParamType.STRING, "Account name; the username when left out"),
        Param("accounttype", ParamType.INTEGER, "0 user, 1 root admin, 2 domain admin; or give roleid"),
        Param("roleid", ParamType.UUID, "Role of the account", entity=Role, related="listRoles"),
        Param(
            "domainid",
            ParamType.UUID,
            "Domain of the account; the caller's when left out",
            entity=Domain,
            related="listDomains",
        ),
        Param("networkdomain", ParamType.STRING, "DNS suffix for the account's networks"),
        Param("accountdetails", ParamType.MAP, "Details to store with the account"),
        Param("accountid", ParamType.STRING, "UUID to give the account"),
    ],
    kind=Kind.OBJECT,
    key="account",
    roles=ADMINS,
)
def create_account(call: Call) -> dict[str, Any]:
    db, caller = call.db, call.caller
    domain: Domain | None = call.arg("domainid") or db.get(Domain, caller.domain_id)
    assert domain is not None
    role, account_type = accounts.resolve_role(db, caller, call.arg("roleid"), call.arg("accounttype"))
    user = accounts.NewUser(
        username=call.arg("username"),
        password=call.arg("password"),
        email=call.arg("email"),
        firstname=call.arg("firstname"),
        lastname=call.arg("lastname"),
        timezone=call.arg("timezone"),
        uuid=call.arg("userid"),
    )
    if not caller.is_system:
        passwords.check_policy(db, user.password, user.username, domain.id)
    account = accounts.create(
        db,
        caller,
        name=call.arg("account") or user.username,
        domain=domain,
        role=role,
        account_type=account_type,
        network_domain=call.arg("networkdomain"),
        details=details_of(call),
        user=user,
        password_hash=passwords.hash_new(db, user.password),
        account_uuid=call.arg("accountid"),
        now=call.now,
    )
    return account_view(db, account, caller)


@command(
    "listAccounts",
    description="Lists accounts the caller may see.",
    params=[
        *LIST_PARAMS,
        *SCOPE_PARAMS,
        Param("id", ParamType.UUID, "Only this account", entity=Account, related="listAccounts"),
        Param("name", ParamType.STRING, "Only accounts with this name"),
        Param("accounttype", ParamType.INTEGER, "Only accounts of this type"),
        Param("roleid", ParamType.UUID, "Only accounts with this role", entity=Role, related="listRoles"),
        Param("state", ParamType.STRING, "Only accounts in this state"),
        Param("iscleanuprequired", ParamType.BOOLEAN, "Only accounts that still need cleaning up"),
        Param("details", ParamType.LIST, "Which details to include (all, resource, min)", item_type=ParamType.STRING),
        Param("showicon", ParamType.BOOLEAN, "Include icons"),
        Param("apikeyaccess", ParamType.STRING, "Only accounts with this API key access", since="4.20.1.0"),
    ],
    kind=Kind.LIST,
    key="account",
    roles=ALL_ROLES,
)
def list_accounts(call: Call) -> Listing:
    caller = call.caller
    filters = Filters()
    keyword = keyword_value(call)
    if keyword is not None:
        filters.add("keyword", keyword=keyword)
    target: Account | None = call.arg("id")
    if target is not None:
        check_account(caller, target)
        filters.add("id", id=target.id)
    else:
        whole_domain = get_bool(call.db, "allow.user.view.all.domain.accounts", domain_id=caller.domain_id)
        filters.owner(call, whole_domain=whole_domain)
        if whole_domain and not (caller.is_root_admin or caller.is_domain_admin):
            filters.add("normal_only")
    if call.has("name"):
        filters.add("name", name=call.arg("name"))
    if call.has("accounttype"):
        filters.add("accounttype", accounttype=call.arg("accounttype"))
    if call.has("roleid"):
        filters.add("roleid", roleid=call.arg("roleid").id)
    if call.has("state"):
        filters.add("state", state=call.arg("state").lower())
    if call.has("iscleanuprequired"):
        filters.add("iscleanuprequired", iscleanuprequired=call.arg("iscleanuprequired"))
    if call.has("apikeyaccess"):
        add_access_filter(filters, call.arg("apikeyaccess"))
    rows, count = fetch_rows(call, _LIST_ACCOUNTS, filters)
    return Listing(account_views_of(call.db, [AccountFacts(*row) for row in rows], caller), count)


_LIST_ACCOUNTS = ListQuery(
    ACCOUNT_FACTS.where(
        Account.removed.is_(None), Account.type != AccountType.PROJECT, Account.id != accounts.SYSTEM_ACCOUNT_ID
    ),
    Account.id,
    {
        **owner_conditions(Account.id),
        "keyword": keyword_condition(Account.name, Account.state),
        "id": Account.id == bindparam("id"),
        "normal_only": Account.type.in_([AccountType.NORMAL]),
        "name": Account.name == bindparam("name"),
        "accounttype": Account.type == bindparam("accounttype"),
        "roleid": Account.role_id == bindparam("roleid"),
        "state": Account.state == bindparam("state"),
        "iscleanuprequired": Account.cleanup_needed == bindparam("iscleanuprequired"),
        "apikeyaccess_inherit": Account.api_key_access.is_(None),
        "apikeyaccess": Account.api_key_access == bindparam("apikeyaccess"),
    },
)


def add_access_filter(filters: Filters, value: str) -> None:
    """`apikeyaccess`: Inherit matches no flag of its own, Enabled and Disabled the flag."""
    flag = _parse_access(value)
    if flag is None:
        filters.add("apikeyaccess_inherit")
    else:
        filters.add("apikeyaccess", apikeyaccess=flag)


def _parse_access(value: str) -> bool | None:
    mapping = {"enabled": True, "disabled": False, "inherit": None}
    if value.lower() not in mapping:
        raise invalid_value("ApiKeyAccess value can only be Enabled/Disabled/Inherit")
    return mapping[value.lower()]


@command(
    "updateAccount",
    description="Renames an account or changes its network domain, role, details or API key access.",
    params=[
        *ACCOUNT_TARGET,
        Param("newname", ParamType.STRING, "New account name"),
        Param("networkdomain", ParamType.STRING, "New DNS suffix"),
        Param("roleid", ParamType.UUID, "New role", entity=Role, related="listRoles"),
        Param("accountdetails", ParamType.MAP, "Details to store with the account"),
        Param("apikeyaccess", ParamType.STRING, "Enabled, Disabled or Inherit", since="4.20.1.0"),
    ],
    kind=Kind.OBJECT,
    key="account",
    roles=ADMINS,
)
def update_account(call: Call) -> dict[str, Any]:
    db, caller = call.db, call.caller
    account = accounts.find(db, caller, call.arg("id"), call.arg("account"), call.arg("domainid"))
    if account.id == accounts.SYSTEM_ACCOUNT_ID:
        raise invalid_value("Can not modify system account")
    new_name = call.arg("newname")
    if new_name and new_name != account.name:
        clash = db.scalars(
            select(Account).where(
                Account.domain_id == account.domain_id, Account.name == new_name, Account.removed.is_(None)
            )
        ).first()
        if clash is not None:
            raise invalid_value(
                f"The account with the proposed name '{new_name}' exists in the domain "
                f"'{account.domain.uuid}' with existing account {clash.uuid}"
            )
        account.name = new_name
    if call.has("networkdomain"):
        domain_service.check_network_domain(call.arg("networkdomain"))
        account.network_domain = call.arg("networkdomain") or None
    if call.has("roleid"):
        role, account_type = accounts.resolve_role(db, caller, call.arg("roleid"), None)
        if account_type != account.type:
            raise invalid_value("A role of another type cannot be assigned to this account")
        account.role_id, account.role = role.id, role
    if call.has("apikeyaccess"):
        if not caller.is_root_admin:
            raise invalid_value("Only root admins can change API key access")
        account.api_key_access = _parse_access(call.arg("apikeyaccess"))
    for key, value in details_of(call).items():
        row = db.scalars(
            select(AccountDetail).where(AccountDetail.account_id == account.id, AccountDetail.name == key)
        ).first()
        if row is None:
            db.add(AccountDetail(account_id=account.id, name=key, value=value))
        else:
            row.value = value
    events.record(
        db,
        caller,
        "ACCOUNT.UPDATE",
        f"Successfully updated account {account.name}",
        call.now,
        resource_type="Account",
        resource_uuid=account.uuid,
        resource_name=account.name,
        account_id=account.id,
        domain_id=account.domain_id,
    )
    db.flush()
    return account_view(db, account, caller)


@command(
    "deleteAccount",
    description="Deletes an account and all of its users.",
    params=[Param("id", ParamType.UUID, "The account's ID", required=True, entity=Account, related="listAccounts")],
    kind=Kind.SUCCESS,
    roles=ADMINS,
    is_async=True,
    instance_type="Account",
    instance_param="id",
)
def delete_account(call: Call) -> Success:
    account: Account = call.arg("id")
    if account.removed is None:
        check_account(call.caller, account)
        accounts.remove(call.db, call.caller, account, call.now)
    return Success()


@command(
    "disableAccount",
    description="Disables (lock=false) or locks (lock=true) an account; its users can no longer log in.",
    params=[*ACCOUNT_TARGET, Param("lock", ParamType.BOOLEAN, "true locks, false disables", required=True)],
    kind=Kind.OBJECT,
    key="account",
    roles=ADMINS,
    is_async=True,
    instance_type="Account",
    instance_param="id",
)
def disable_account(call: Call) -> dict[str, Any]:
    account = accounts.find(call.db, call.caller, call.arg("id"), call.arg("account"), call.arg("domainid"))
    state = "locked" if call.arg("lock") else "disabled"
    accounts.set_state(call.db, call.caller, account, state, "disable", call.now)
    return account_view(call.db, account, call.caller)


@command(
    "enableAccount",
    description="Enables a disabled or locked account.",
    params=list(ACCOUNT_TARGET),
    kind=Kind.OBJECT,
    key="account",
    roles=ADMINS,
)
def enable_account(call: Call) -> dict[str, Any]:
    account = accounts.find(call.db, call.caller, call.arg("id"), call.arg("account"), call.arg("domainid"))
    accounts.set_state(call.db, call.caller, account, "enabled", "enable", call.now)
    return account_view(call.db, account, call.caller)


@command(
    "lockAccount",
    description="Locks an account: its users can no longer log in or use API keys.",
    params=[
        Param("account", ParamType.STRING, "The account's name", required=True),
        Param("domainid", ParamType.UUID, "Domain of the account", required=True, entity=Domain, related="listDomains"),
    ],
    kind=Kind.OBJECT,
    key="account",
    roles=ADMIN_ONLY,
)
def lock_account(call: Call) -> dict[str, Any]:
    account = accounts.find(call.db, call.caller, None, call.arg("account"), call.arg("domainid"))
    accounts.set_state(call.db, call.caller, account, "locked", "lock", call.now)
    return account_view(call.db, account, call.caller)
