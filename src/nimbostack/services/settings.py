"""Reading and changing setting values, with scope fall-back (account, then domain, then global).

Every read goes to the database, so a change made through updateConfiguration (on any server sharing
the database) applies to the next request. A stored NULL counts as no value: the next scope decides.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from nimbostack.api.errors import invalid_value
from nimbostack.db.models import Account, ConfigValue, Domain
from nimbostack.services.settings_catalog import BY_NAME, Kind, Scope, Setting, SettingType

_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")
_INT_BITS = {SettingType.INTEGER: 31, SettingType.LONG: 63}
_TYPE_WORD = {SettingType.INTEGER: "integer", SettingType.LONG: "long", SettingType.FLOAT: "float"}


@dataclass(frozen=True)
class Target:
    """Where a value is read or written: globally, for one domain, or for one account."""

    scope: Scope = Scope.GLOBAL
    account: Account | None = None
    domain: Domain | None = None

    @property
    def scope_id(self) -> int:
        if self.account is not None:
            return self.account.id
        if self.domain is not None:
            return self.domain.id
        return 0

    @property
    def account_id(self) -> int | None:
        return self.account.id if self.account is not None else None

    @property
    def domain_id(self) -> int | None:
        """An account's values fall back to its domain's before the global one."""
        if self.account is not None:
            return self.account.domain_id
        return self.domain.id if self.domain is not None else None


GLOBAL = Target()


def _rows(db: Session, names: Sequence[str], account_id: int | None, domain_id: int | None) -> list[ConfigValue]:
    wanted = [and_(ConfigValue.scope == Scope.GLOBAL.value, ConfigValue.scope_id == 0)]
    if domain_id is not None:
        wanted.append(and_(ConfigValue.scope == Scope.DOMAIN.value, ConfigValue.scope_id == domain_id))
    if account_id is not None:
        wanted.append(and_(ConfigValue.scope == Scope.ACCOUNT.value, ConfigValue.scope_id == account_id))
    stmt = select(ConfigValue).where(ConfigValue.name.in_(list(names)), or_(*wanted))
    return list(db.scalars(stmt).all())


def _pick(
    setting: Setting, stored: dict[tuple[str, int], str], account_id: int | None, domain_id: int | None
) -> str | None:
    if account_id is not None and Scope.ACCOUNT in setting.scopes and (Scope.ACCOUNT.value, account_id) in stored:
        return stored[(Scope.ACCOUNT.value, account_id)]
    if domain_id is not None and Scope.DOMAIN in setting.scopes and (Scope.DOMAIN.value, domain_id) in stored:
        return stored[(Scope.DOMAIN.value, domain_id)]
    return stored.get((Scope.GLOBAL.value, 0), setting.default)


def values_at(db: Session, settings: Iterable[Setting], target: Target = GLOBAL) -> dict[str, str | None]:
    """Effective values of several settings at one target, in one query."""
    chosen = list(settings)
    stored: dict[str, dict[tuple[str, int], str]] = {s.name: {} for s in chosen}
    for row in _rows(db, [s.name for s in chosen], target.account_id, target.domain_id):
        if row.value is not None and row.name in stored:
            stored[row.name][(row.scope, row.scope_id)] = row.value
    return {s.name: _pick(s, stored[s.name], target.account_id, target.domain_id) for s in chosen}


def raw_value(db: Session, name: str, *, account_id: int | None = None, domain_id: int | None = None) -> str | None:
    """The effective text value: the narrowest scope that has one, else the declared default."""
    setting = BY_NAME[name]
    snapshot = _snapshot(db, account_id, domain_id)
    stored = {key: values[name] for key, values in snapshot.items() if name in values}
    return _pick(setting, stored, account_id, domain_id)


# Session.info key for the values read in this unit of work (one request or one job), by (scope, scope id).
# It lives and dies with the session, so a change made on any server applies from the next request on.
_SNAPSHOT = "nimbostack.settings.snapshot"
# Built once: composing the expression costs more than running it. -1 matches no domain or account.
_SCOPED_VALUES = select(ConfigValue.name, ConfigValue.scope, ConfigValue.scope_id, ConfigValue.value).where(
    or_(
        and_(ConfigValue.scope == Scope.GLOBAL.value, ConfigValue.scope_id == 0),
        and_(ConfigValue.scope == Scope.DOMAIN.value, ConfigValue.scope_id == bindparam("domain_id")),
        and_(ConfigValue.scope == Scope.ACCOUNT.value, ConfigValue.scope_id == bindparam("account_id")),
    )
)


def _snapshot(db: Session, account_id: int | None, domain_id: int | None) -> dict[tuple[str, int], dict[str, str]]:
    """Every stored value of the scopes asked for, one query per scope the first time it is needed.

    A request reads several settings (API key access, timestamps, page size...); reading each scope
    whole once is cheaper than one query per name.
    """
    cache: dict[tuple[str, int], dict[str, str]] = db.info.setdefault(_SNAPSHOT, {})
    keys = [(Scope.GLOBAL.value, 0)]
    if domain_id is not None:
        keys.append((Scope.DOMAIN.value, domain_id))
    if account_id is not None:
        keys.append((Scope.ACCOUNT.value, account_id))
    missing = [key for key in keys if key not in cache]
    if missing:
        found: dict[tuple[str, int], dict[str, str]] = {key: {} for key in missing}
        bounds = {
            "domain_id": -1 if domain_id is None else domain_id,
            "account_id": -1 if account_id is None else account_id,
        }
        for name, scope, scope_id, value in db.execute(_SCOPED_VALUES, bounds):
            if value is not None and (scope, scope_id) in found:
                found[(scope, scope_id)][name] = value
        cache.update(found)
    return cache


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


def validate(setting: Setting, value: str) -> str | None:
    """The value to store, or None when it clears the setting (empty or "null"); 431 when it does not fit."""
    text = value.strip()
    if text in ("", "null"):
        return None
    kind = setting.type
    if kind is SettingType.BOOLEAN and text not in ("true", "false"):
        raise invalid_value("Please enter either 'true' or 'false'.")
    if kind in _INT_BITS:
        bits = _INT_BITS[kind]
        if not _WHOLE_NUMBER.match(text) or not -(2**bits) <= int(text) < 2**bits:
            raise _unparsable(setting, text)
        if setting.positive and int(text) <= 0:
            raise invalid_value(f"Please enter a positive value for the configuration parameter:{setting.name}")
    if kind is SettingType.FLOAT:
        try:
            number = float(text)
        except ValueError:
            raise _unparsable(setting, text) from None
        if not math.isfinite(number):
            raise _unparsable(setting, text)
    if setting.kind is Kind.SELECT and setting.options:
        options = [o.strip().lower() for o in setting.options.split(",")]
        if text.lower() not in options:
            raise invalid_value(
                f"The provided value is not a valid value for this configuration (Options are: [{setting.options}])."
            )
    return text


def _unparsable(setting: Setting, text: str) -> Exception:
    return invalid_value(
        f"There was error in trying to parse value: {text}. Please enter a valid {_TYPE_WORD[setting.type]} "
        f"value for parameter {setting.name}"
    )


def _stored(db: Session, setting: Setting, scope: Scope, scope_id: int) -> ConfigValue | None:
    return db.scalars(
        select(ConfigValue).where(
            ConfigValue.name == setting.name, ConfigValue.scope == scope.value, ConfigValue.scope_id == scope_id
        )
    ).first()


def store(db: Session, setting: Setting, scope: Scope, scope_id: int, value: str | None, now: datetime) -> None:
    row = _stored(db, setting, scope, scope_id)
    if row is None:
        db.add(ConfigValue(name=setting.name, scope=scope.value, scope_id=scope_id, value=value, updated=now))
    else:
        row.value = value
        row.updated = now


def reset(db: Session, setting: Setting, scope: Scope, scope_id: int) -> None:
    row = _stored(db, setting, scope, scope_id)
    if row is not None:
        db.delete(row)


def set_at(db: Session, setting: Setting, target: Target, value: str | None, now: datetime) -> None:
    """Store a validated value at the target; None removes it, so the next scope (or the default) applies."""
    db.info.pop(_SNAPSHOT, None)
    if value is None:
        reset(db, setting, target.scope, target.scope_id)
    else:
        store(db, setting, target.scope, target.scope_id, value, now)
    db.flush()
