"""Reading and changing setting values, with scope fall-back (account, then domain, then global)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nimbostack.api.errors import invalid_value
from nimbostack.db.models import ConfigValue
from nimbostack.services.settings_catalog import BY_NAME, Scope, Setting, SettingType


def raw_value(db: Session, name: str, *, account_id: int | None = None, domain_id: int | None = None) -> str | None:
    """The effective text value: the narrowest scope that has one, else the declared default."""
    setting = BY_NAME[name]
    rows = db.scalars(select(ConfigValue).where(ConfigValue.name == name)).all()
    by_scope = {(r.scope, r.scope_id): r.value for r in rows}
    if account_id is not None and Scope.ACCOUNT in setting.scopes and (Scope.ACCOUNT.value, account_id) in by_scope:
        return by_scope[(Scope.ACCOUNT.value, account_id)]
    if domain_id is not None and Scope.DOMAIN in setting.scopes and (Scope.DOMAIN.value, domain_id) in by_scope:
        return by_scope[(Scope.DOMAIN.value, domain_id)]
    if (Scope.GLOBAL.value, 0) in by_scope:
        return by_scope[(Scope.GLOBAL.value, 0)]
    return setting.default


def get_int(db: Session, name: str, **scope: int | None) -> int:
    value = raw_value(db, name, **scope)
    try:
        return int(str(value).strip())
    except ValueError:
        return int(str(BY_NAME[name].default))


def get_bool(db: Session, name: str, **scope: int | None) -> bool:
    return str(raw_value(db, name, **scope)).strip().lower() == "true"


def get_str(db: Session, name: str, **scope: int | None) -> str:
    return str(raw_value(db, name, **scope) or "")


def validate(setting: Setting, value: str | None) -> str | None:
    """Refuse a value that does not fit the setting's type (431, like CloudStack)."""
    if value is None:
        return None
    text = value.strip()
    if setting.type is SettingType.BOOLEAN and text.lower() not in ("true", "false"):
        raise invalid_value(f"Please enter either 'true' or 'false' for the configuration {setting.name}")
    if setting.type in (SettingType.INTEGER, SettingType.LONG):
        try:
            int(text)
        except ValueError:
            raise invalid_value(f"Please enter a valid number for the configuration {setting.name}: {value}") from None
    if setting.type is SettingType.FLOAT:
        try:
            float(text)
        except ValueError:
            raise invalid_value(
                f"Please enter a valid decimal number for the configuration {setting.name}: {value}"
            ) from None
    return text if setting.type is not SettingType.STRING else value


def store(db: Session, setting: Setting, scope: Scope, scope_id: int, value: str | None, now: datetime) -> None:
    row = db.scalars(
        select(ConfigValue).where(
            ConfigValue.name == setting.name, ConfigValue.scope == scope.value, ConfigValue.scope_id == scope_id
        )
    ).first()
    if row is None:
        db.add(ConfigValue(name=setting.name, scope=scope.value, scope_id=scope_id, value=value, updated=now))
    else:
        row.value = value
        row.updated = now


def reset(db: Session, setting: Setting, scope: Scope, scope_id: int) -> None:
    row = db.scalars(
        select(ConfigValue).where(
            ConfigValue.name == setting.name, ConfigValue.scope == scope.value, ConfigValue.scope_id == scope_id
        )
    ).first()
    if row is not None:
        db.delete(row)
