"""User rules: updates and passwords, state changes, deletion, API keys."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nimbostack.api import sessions
from nimbostack.api.context import Caller
from nimbostack.api.errors import invalid_value, permission_denied
from nimbostack.auth import authenticators
from nimbostack.auth.access import check_account
from nimbostack.db.models import User
from nimbostack.services import events, passwords, settings

SYSTEM_USER_ID = 1


def check_live(user: User) -> None:
    if user.removed is not None:
        raise invalid_value("The specified user doesn't exist in the system")


def set_password(db: Session, caller: Caller, user: User, password: str, current: str | None) -> None:
    if user.source.upper() in ("SAML2", "SAML2DISABLED", "LDAP"):
        raise invalid_value(
            "CloudStack does not support updating passwords for SAML or LDAP users. Please contact your cloud "
            "administrator for assistance."
        )
    if not password or not password.strip():
        raise invalid_value("Password cannot be empty or blank.")
    acting_as_admin = (caller.is_root_admin or caller.is_domain_admin) and caller.user_id != user.id
    if not acting_as_admin and not caller.is_root_admin:
        if not current:
            raise invalid_value("To set a new password the current password must be provided.")
        if not authenticators.verify(
            db,
            user,
            current,
            settings.get_str(db, "user.authenticators.order"),
            settings.get_str(db, "user.authenticators.exclude"),
        ):
            raise invalid_value("Current password is incorrect.")
    passwords.check_policy(db, password, user.username, user.domain_id)
    user.password = passwords.hash_new(db, password)


def rename(db: Session, user: User, username: str) -> None:
    if username == user.username:
        return
    taken = db.scalar(
        select(func.count()).where(User.username == username, User.domain_id == user.domain_id, User.removed.is_(None))
    )
    if taken:
        raise invalid_value(f"The username {username} already exists in domain {user.account.domain.uuid}")
    user.username = username


def set_keys(db: Session, user: User, api_key: str, secret_key: str) -> None:
    clash = db.scalars(select(User).where(User.api_key == api_key, User.id != user.id)).first()
    if clash is not None:
        raise invalid_value(f"The API key [{api_key}] already exists in the system. Please provide a unique key.")
    user.api_key, user.secret_key = api_key, secret_key


def _new_key() -> str:
    """64 random bytes, URL-safe Base64 without padding: 86 characters, as CloudStack makes them."""
    return base64.urlsafe_b64encode(secrets.token_bytes(64)).decode().rstrip("=")


def register_keys(db: Session, caller: Caller, user: User, now: datetime) -> tuple[str, str]:
    check_live(user)
    if user.id == SYSTEM_USER_ID:
        raise permission_denied("Unable to register keys for the system user")
    check_account(caller, user.account)
    while True:
        api_key = _new_key()
        if db.scalar(select(func.count()).where(User.api_key == api_key)) == 0:
            break
    user.api_key, user.secret_key = api_key, _new_key()
    events.record(
        db,
        caller,
        "REGISTER.USER.KEY",
        f"Registered API keys for user {user.username}",
        now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=user.username,
        account_id=user.account_id,
        domain_id=user.domain_id,
    )
    return user.api_key, user.secret_key


def set_state(db: Session, caller: Caller, user: User, state: str, verb: str, now: datetime) -> User:
    check_live(user)
    check_account(caller, user.account)
    if user.id == SYSTEM_USER_ID:
        raise invalid_value(f"User: {user.username} is a system user, {verb} is not allowed")
    if state != "enabled" and user.id == caller.user_id:
        raise invalid_value("A user can not disable or lock itself")
    user.state = state
    if state == "enabled":
        user.login_attempts = 0
    else:
        sessions.end_for_user(db, user.id)
    event = {"enabled": "USER.ENABLE", "disabled": "USER.DISABLE", "locked": "USER.LOCK"}[state]
    events.record(
        db,
        caller,
        event,
        f"User {user.username} is now {state}",
        now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=user.username,
        account_id=user.account_id,
        domain_id=user.domain_id,
    )
    return user


def delete(db: Session, caller: Caller, user: User, now: datetime) -> None:
    check_live(user)
    check_account(caller, user.account)
    if user.id == caller.user_id:
        raise invalid_value(
            f"The caller is requesting to delete itself. As a security measure, ACS will not allow this "
            f"operation. To delete user {user.username} (ID: {user.uuid}, Domain: {user.account.domain.uuid}), "
            "request to another user with permission to execute the operation."
        )
    if user.is_default:
        raise invalid_value("The user is default and can't be (re)moved")
    sessions.end_for_user(db, user.id)
    user.mark_removed(now)
    user.api_key = user.secret_key = None
    events.record(
        db,
        caller,
        "USER.DELETE",
        f"Successfully deleted user {user.username}",
        now,
        resource_type="User",
        resource_uuid=user.uuid,
        resource_name=user.username,
        account_id=user.account_id,
        domain_id=user.domain_id,
    )
