"""Username/password login: domain resolution, the checker chain, lockout and timing."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.errors import ApiError, ErrorCode
from nimbostack.api.params import UUID_RE
from nimbostack.auth import authenticators
from nimbostack.auth.identity import is_active
from nimbostack.auth.types import AccountType
from nimbostack.db.models import Domain, User
from nimbostack.services import settings

# A failed login takes at least this long, so that timing does not tell which usernames exist.
FAILED_LOGIN_SECONDS = 0.35


def resolve_domain(db: Session, domain_path: str | None, domain_id: str | None) -> Domain:
    if domain_id:
        domain = None
        if UUID_RE.match(domain_id):
            domain = db.scalars(select(Domain).where(Domain.uuid == domain_id.lower())).first()
        elif domain_id.isdigit():
            domain = db.get(Domain, int(domain_id))
        if domain is None or domain.removed is not None:
            raise ApiError(ErrorCode.UNAUTHORIZED, "Invalid domain id entered, please enter a valid one", None)
        return domain
    path = (domain_path or "/").strip()
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    # A NUL byte matches nothing, and PostgreSQL would refuse it in the query.
    domain = None
    if "\x00" not in path:
        domain = db.scalars(select(Domain).where(Domain.path == path, Domain.removed.is_(None))).first()
    if domain is None:
        raise ApiError(ErrorCode.ACCOUNT_ERROR, f"Unable to find the domain from the path {path}", None)
    return domain


def authenticate(db: Session, username: str, password: str, domain: Domain, now: datetime) -> User:
    """The user on success. On failure the lockout bookkeeping is committed before the error is raised."""
    started = time.monotonic()
    user = None
    if "\x00" not in username:
        user = db.scalars(
            select(User).where(User.username == username, User.domain_id == domain.id, User.removed.is_(None))
        ).first()
    ok = False
    if user is not None and user.id != 1 and username and password:
        if user.source.upper() in ("SAML2", "SAML2DISABLED"):
            raise ApiError(ErrorCode.ACCOUNT_ERROR, "User is not allowed CloudStack login", None)
        ok = authenticators.verify(
            db,
            user,
            password,
            settings.get_str(db, "user.authenticators.order"),
            settings.get_str(db, "user.authenticators.exclude"),
        )
    if user is not None and ok:
        if not is_active(user):
            raise ApiError(
                ErrorCode.ACCOUNT_ERROR,
                f"User {username} (or their account) in domain {domain.id} is disabled/locked. "
                "Please contact the administrator.",
                None,
            )
        user.login_attempts = 0
        return user
    if user is not None and user.id != 1:
        _count_failure(db, user)
    db.commit()
    remaining = FAILED_LOGIN_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    raise ApiError(
        ErrorCode.ACCOUNT_ERROR,
        f"Failed to authenticate user {username} in domain {domain.id}; please provide valid credentials",
        None,
    )


def _count_failure(db: Session, user: User) -> None:
    """Count a wrong password; the limit disables the user. Root-admin accounts are never locked out."""
    if user.state != "enabled" or user.account.type == AccountType.ADMIN:
        return
    limit = settings.get_int(db, "incorrect.login.attempts.allowed")
    user.login_attempts += 1
    if limit > 0 and user.login_attempts >= limit:
        user.login_attempts = limit
        user.state = "disabled"
