"""First start: the ROOT domain, the default roles, and the built-in system and admin identities."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from nimbostack.auth.passwords import pbkdf2_hash, pbkdf2_verify
from nimbostack.auth.roles import DEFAULT_ROLES
from nimbostack.auth.types import AccountType
from nimbostack.db.models import Account, Domain, Role, RolePermission, User
from nimbostack.runtime import ServerOptions, utc_now
from nimbostack.services.ostypes import seed_os_types

log = logging.getLogger(__name__)

ROOT_DOMAIN_ID = 1
SYSTEM_ACCOUNT_ID = 1
ADMIN_ACCOUNT_ID = 2
SYSTEM_USER_ID = 1
ADMIN_USER_ID = 2
DEFAULT_ADMIN_PASSWORD = "password"
# pbkdf2_hash(DEFAULT_ADMIN_PASSWORD) with a fixed salt, worked out once: the default password is public, so a
# shared salt reveals nothing, and a first start saves a full key stretching (a tenth of a second or more).
DEFAULT_ADMIN_HASH = (
    "8jOuPEB8VyukzuswZvqgpVBnuTy4O0Atno81dlvxNUUcQBNFxZ6Lx0l21p7pDRH/ay0TD2uzzNTNOVx47FN/LQ==:"
    "ZM73JVD5Utjr0ZIs9q9grcElBcL/KPCJ99ePOe4Zl3pNAgwPL1aWZ0hAFMrQ9LUy5MQ/paCQwlBLCtrokX+QGw==:100000"
)


class UnsafeStart(RuntimeError):
    """The server would expose default credentials on a public address."""


def seed(db: Session, options: ServerOptions) -> bool:
    """Create the built-ins once (answers True then: a first start); later starts enforce the admin-password rule."""
    created = db.get(Domain, ROOT_DOMAIN_ID) is None
    if created:
        _create_builtins(db, options)
        _fix_sequences(db)
    # Just created, the admin has the default password unless another one is configured: no hash check needed.
    default = (options.admin_password or DEFAULT_ADMIN_PASSWORD) == DEFAULT_ADMIN_PASSWORD
    _enforce_admin_password(db, options, has_default=default if created else None)
    seed_os_types(db, utc_now())
    return created


def _create_builtins(db: Session, options: ServerOptions) -> None:
    now = utc_now()
    db.add(Domain(id=ROOT_DOMAIN_ID, name="ROOT", path="/", level=0, parent_id=None, created=now))
    # Roles with fixed ids first; the sequence must move past them before the others take ids from it.
    for role in sorted(DEFAULT_ROLES, key=lambda r: r.id is None):
        if role.id is None:
            _fix_sequences(db, ("role",))
        row = Role(
            id=role.id,
            name=role.name,
            role_type=role.role_type.value,
            description=role.description,
            is_default=True,
            is_public=True,
        )
        db.add(row)
        db.flush()
        for order, rule in enumerate(role.rules):
            db.add(RolePermission(role_id=row.id, rule=rule.rule, permission=rule.permission, sort_order=order))
    db.add_all(
        [
            Account(
                id=SYSTEM_ACCOUNT_ID,
                name="system",
                type=AccountType.ADMIN,
                role_id=1,
                domain_id=ROOT_DOMAIN_ID,
                is_default=True,
                created=now,
            ),
            Account(
                id=ADMIN_ACCOUNT_ID,
                name="admin",
                type=AccountType.ADMIN,
                role_id=1,
                domain_id=ROOT_DOMAIN_ID,
                is_default=True,
                created=now,
            ),
        ]
    )
    db.flush()
    db.add_all(
        [
            # The system user's password is random and never usable: login refuses user id 1 anyway. A random
            # 256-bit secret gains nothing from key stretching, so one iteration spares a tenth of a second.
            User(
                id=SYSTEM_USER_ID,
                username="system",
                password=pbkdf2_hash(secrets.token_urlsafe(32), iterations=1),
                firstname="system",
                lastname="cloud",
                account_id=SYSTEM_ACCOUNT_ID,
                domain_id=ROOT_DOMAIN_ID,
                is_default=True,
                created=now,
            ),
            User(
                id=ADMIN_USER_ID,
                username="admin",
                password=_admin_hash(options.admin_password),
                firstname="admin",
                lastname="cloud",
                account_id=ADMIN_ACCOUNT_ID,
                domain_id=ROOT_DOMAIN_ID,
                is_default=True,
                created=now,
            ),
        ]
    )
    db.flush()


def _admin_hash(password: str | None) -> str:
    if (password or DEFAULT_ADMIN_PASSWORD) == DEFAULT_ADMIN_PASSWORD:
        return DEFAULT_ADMIN_HASH
    return pbkdf2_hash(str(password))


def _enforce_admin_password(db: Session, options: ServerOptions, *, has_default: bool | None = None) -> None:
    replace = bool(options.admin_password) and options.admin_password != DEFAULT_ADMIN_PASSWORD
    if not replace and options.on_loopback:
        return  # neither rule can apply: spare the hash check (a tenth of a second at every start)
    admin = db.get(User, ADMIN_USER_ID)
    if admin is None:
        return
    if has_default is None:
        has_default = (
            admin.password == DEFAULT_ADMIN_HASH or pbkdf2_verify(DEFAULT_ADMIN_PASSWORD, admin.password) is True
        )
    if has_default and options.admin_password and options.admin_password != DEFAULT_ADMIN_PASSWORD:
        admin.password = pbkdf2_hash(options.admin_password)
        log.info("admin password set from configuration")
        return
    if has_default and not options.on_loopback:
        raise UnsafeStart(
            f"refusing to listen on {options.host} while user 'admin' still has the default password; "
            "set NIMBOSTACK_ADMIN_PASSWORD (or --admin-password) or change it while listening on loopback"
        )


def _fix_sequences(db: Session, tables: tuple[str, ...] = ("domain", "role", "account", "user")) -> None:
    """PostgreSQL sequences do not move when rows are inserted with explicit ids."""
    if db.get_bind().dialect.name != "postgresql":
        return
    db.flush()
    for table in tables:
        top = db.scalar(select(func.max(text("id"))).select_from(text(f'"{table}"')))
        db.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), :v)"), {"v": top or 1})
