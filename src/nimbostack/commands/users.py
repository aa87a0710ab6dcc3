"""createUser, listUsers, getUser, updateUser, deleteUser, disable/enable/lockUser, user API keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from nimbostack.api.context import Call
from nimbostack.api.errors import invalid_value, permission_denied
from nimbostack.api.registry import Kind, Param, ParamType, command
from nimbostack.api.results import Listing, Success
from nimbostack.auth.access import check_account
from nimbostack.auth.types import ADMIN_ONLY, ADMINS, ALL_ROLES
from nimbostack.commands.accounts import NEW_USER_PARAMS, _parse_access, add_access_filter
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
from nimbostack.db.models import Account, Domain, User
from nimbostack.services import accounts, events, passwords, users
from nimbostack.views.identity import USER_FACTS, UserFacts, user_view, user_view_of

USER_ID = Param("id", ParamType.UUID, "The user's ID", required=True, entity=User, related="listUsers")


@command(
    "createUser",
    description="Adds a user to an existing account.",
    params=[
        *NEW_USER_PARAMS,
        Param("account", ParamType.STRING, "The account to add the user to", required=True),
        Param(
            "domainid",
            ParamType.UUID,
            "Domain of the account; the caller's when left out",
            entity=Domain,
            related="listDomains",
        ),
    ],
    kind=Kind.OBJECT,
    key="user",
    roles=ADMINS,
)
def create_user(call: Call) -> dict[str, Any]:
    db, caller = call.db, call.caller
    domain: Domain | None = call.arg("domainid") or db.get(Domain, caller.domain_id)
    assert domain is not None
    account = db.scalars(
        select(Account).where(
            Account.domain_id == domain.id, Account.name == call.arg("account"), Account.removed.is_(None)
        )
    ).first()
    if account is None:
        raise invalid_value(f"Unable to find account {call.arg('account')} in domain {domain.uuid} to create user")
    check_account(caller, account)
    if account.id == accounts.SYSTEM_ACCOUNT_ID:
        raise permission_denied(f"Account: {account.name} is a system account, can't add a user to it")
    accounts.check_username_free(db, call.arg("username"), domain)
    new = accounts.NewUser(
        username=call.arg("username"),
        password=call.arg("password"),
        email=call.arg("email"),
        firstname=call.arg("firstname"),
        lastname=call.arg("lastname"),
        timezone=call.arg("timezone"),
        uuid=call.arg("userid"),
    )
    if not caller.is_system:
        passwords.check_policy(db, new.password, new.username, domain.id)
    user = accounts.add_user(db, caller, account, new, passwords.hash_new(db, new.password), call.now)
    return user_view(user, caller)


@command(
    "listUsers",
    description="Lists users the caller may see.",
    params=[
        *LIST_PARAMS,
        *SCOPE_PARAMS,
        Param("id", ParamType.UUID, "Only this user", entity=User, related="listUsers"),
        Param("username", ParamType.STRING, "Only users with this login name"),
        Param("accounttype", ParamType.INTEGER, "Only users of accounts of this type"),
        Param("state", ParamType.STRING, "Only users in this state"),
        Param("usersource", ParamType.STRING, "Only users from this source (native, ldap, saml2)"),
        Param("apikeyaccess", ParamType.STRING, "Only users with this API key access", since="4.20.1.0"),
        Param("showicon", ParamType.BOOLEAN, "Include icons"),
    ],
    kind=Kind.LIST,
    key="user",
    roles=ALL_ROLES,
)
def list_users(call: Call) -> Listing:
    caller = call.caller
    filters = Filters()
    keyword = keyword_value(call)
    if keyword is not None:
        filters.add("keyword", keyword=keyword)
    target: User | None = call.arg("id")
    is_user = not (caller.is_root_admin or caller.is_domain_admin)
    if target is not None:
        check_account(caller, target.account)
        if is_user and target.id != caller.user_id:
            raise permission_denied(f"Account {caller.account_name} can only see its own user")
        filters.add("id", id=target.id)
    elif is_user:
        filters.add("id", id=caller.user_id)
    else:
        filters.owner(call)
    if call.has("username"):
        filters.add("username", username=call.arg("username"))
    if call.has("accounttype"):
        filters.add("accounttype", accounttype=call.arg("accounttype"))
    if call.has("state"):
        filters.add("state", state=call.arg("state").lower())
    if call.has("usersource"):
        source = call.arg("usersource").upper()
        if source == "NATIVE":
            filters.add("usersource_native")
        else:
            filters.add("usersource", usersource=source)
    if call.has("apikeyaccess"):
        add_access_filter(filters, call.arg("apikeyaccess"))
    rows, count = fetch_rows(call, _LIST_USERS, filters)
    return Listing([user_view_of(UserFacts(*row), caller) for row in rows], count)


_LIST_USERS = ListQuery(
    USER_FACTS.where(User.removed.is_(None), User.id != 1),
    User.id,
    {
        **owner_conditions(User.account_id),
        "keyword": keyword_condition(User.username, User.firstname, User.lastname, User.email),
        "id": User.id == bindparam("id"),
        "username": User.username == bindparam("username"),
        "accounttype": Account.type == bindparam("accounttype"),
        "state": User.state == bindparam("state"),
        "usersource_native": User.source.in_(["UNKNOWN", "NATIVE"]),
        "usersource": User.source == bindparam("usersource"),
        "apikeyaccess_inherit": User.api_key_access.is_(None),
        "apikeyaccess": User.api_key_access == bindparam("apikeyaccess"),
    },
)


@command(
    "getUser",
    description="Finds the user that owns an API key.",
    params=[Param("userapikey", ParamType.STRING, "The API key", required=True)],
    kind=Kind.OBJECT,
    key="user",
    roles=ADMIN_ONLY,
)
def get_user(call: Call) -> dict[str, Any] | None:
    user = call.db.scalars(select(User).where(User.api_key == call.arg("userapikey"), User.removed.is_(None))).first()
    if user is None:
        raise invalid_value(f"Unable to find user with the API key {call.arg('userapikey')}")
    return user_view(user, call.caller)


@command(
    "updateUser",
    description="Changes a user's names, e-mail, time zone, password, keys or API key access.",
    params=[
        USER_ID,
        Param("username", ParamType.STRING, "New login name"),
        Param("password", ParamType.STRING, "New password", secret=True),
        Param(
            "currentpassword", ParamType.STRING, "Current password; required of non-admins", secret=True, since="4.19.0"
        ),
        Param("email", ParamType.STRING, "New e-mail address"),
        Param("firstname", ParamType.STRING, "New first name"),
        Param("lastname", ParamType.STRING, "New last name"),
        Param("timezone", ParamType.STRING, "New time zone"),
        Param("userapikey", ParamType.STRING, "API key to set; give usersecretkey too"),
        Param("usersecretkey", ParamType.STRING, "Secret key to set; give userapikey too", secret=True),
        Param("apikeyaccess", ParamType.STRING, "Enabled, Disabled or Inherit", since="4.20.1.0"),
    ],
    kind=Kind.OBJECT,
    key="user",
    roles=ALL_ROLES,
)
def update_user(call: Call) -> dict[str, Any]:
    db, caller = call.db, call.caller
    user: User = call.arg("id")
    users.check_live(user)
    check_account(caller, user.account)
    if caller.role_type.value == "User" and user.id != caller.user_id:
        raise permission_denied("A user may only update itself")
    if call.has("username"):
        users.rename(db, user, call.arg("username"))
    for name in ("email", "firstname", "lastname", "timezone"):
        if call.has(name):
            setattr(user, name, call.arg(name))
    if call.has("password"):
        users.set_password(db, caller, user, call.arg("password"), call.arg("currentpassword"))
    if call.has("userapikey") != call.has("usersecretkey"):
        raise invalid_value("Please provide a userApiKey/userSecretKey pair")
    if call.has("userapikey"):
        if not (caller.is_root_admin or caller.is_domain_admin):
            raise invalid_value("Only admins can set API keys")
        users.set_keys(db, user, call.arg("userapikey"), call.arg("usersecretkey"))
    if call.has("apikeyaccess"):
        if not caller.is_root_admin:
            raise invalid_value("Only root admins can change API key access")
        user.api_key_access = _parse_access(call.arg("apikeyaccess"))
    events.record(
        db,
        caller,
        "USER.UPDATE",
        f"Successfully updated user {user.username}",
        call.now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=user.username,
        account_id=user.account_id,
        domain_id=user.domain_id,
    )
    return user_view(user, caller)


@command("deleteUser", description="Deletes a user.", params=[USER_ID], kind=Kind.SUCCESS, roles=ADMINS)
def delete_user(call: Call) -> Success:
    users.delete(call.db, call.caller, call.arg("id"), call.now)
    return Success()


@command(
    "disableUser",
    description="Disables a user; it can no longer log in or use its API keys.",
    params=[USER_ID],
    kind=Kind.OBJECT,
    key="user",
    roles=ADMINS,
    is_async=True,
    instance_type="User",
    instance_param="id",
)
def disable_user(call: Call) -> dict[str, Any]:
    return user_view(
        users.set_state(call.db, call.caller, call.arg("id"), "disabled", "disabling", call.now), call.caller
    )


@command(
    "enableUser",
    description="Enables a disabled or locked user and clears its failed logins.",
    params=[USER_ID],
    kind=Kind.OBJECT,
    key="user",
    roles=ADMINS,
)
def enable_user(call: Call) -> dict[str, Any]:
    return user_view(
        users.set_state(call.db, call.caller, call.arg("id"), "enabled", "enabling", call.now), call.caller
    )


@command("lockUser", description="Locks a user.", params=[USER_ID], kind=Kind.OBJECT, key="user", roles=ADMINS)
def lock_user(call: Call) -> dict[str, Any]:
    return user_view(users.set_state(call.db, call.caller, call.arg("id"), "locked", "locking", call.now), call.caller)


@command(
    "registerUserKeys",
    description="Makes a new API key and secret key for a user, replacing any old pair.",
    params=[USER_ID],
    kind=Kind.OBJECT,
    key="userkeys",
    roles=ALL_ROLES,
)
def register_user_keys(call: Call) -> dict[str, Any]:
    user: User = call.arg("id")
    if call.caller.role_type.value == "User" and user.id != call.caller.user_id:
        raise permission_denied("A user may only register keys for itself")
    api_key, secret_key = users.register_keys(call.db, call.caller, user, call.now)
    return {"apikey": api_key, "secretkey": secret_key}


@command(
    "getUserKeys",
    description="Returns a user's API key and secret key.",
    params=[USER_ID],
    kind=Kind.OBJECT,
    key="userkeys",
    roles=ALL_ROLES,
    since="4.10.0",
)
def get_user_keys(call: Call) -> dict[str, Any]:
    user: User = call.arg("id")
    users.check_live(user)
    check_account(call.caller, user.account)
    if call.caller.role_type.value == "User" and user.id != call.caller.user_id:
        raise permission_denied("A user may only read its own keys")
    effective = user.api_key_access if user.api_key_access is not None else user.account.api_key_access
    return {
        "apikey": user.api_key,
        "secretkey": user.secret_key,
        "apikeyaccess": None if effective is None else effective,
    }
