"""Reading and changing setting values, with CloudStack's scope fall-back.

A value may be set globally and, for the settings declared so, for one zone, cluster, storage pool,
domain or account. A read starts at the narrowest scope the caller knows and walks towards global, as
CloudStack's ConfigKey.valueInScope does: storage pool, then the pool's cluster, then its zone; account,
then its domain; last the global value, else the declared default. Only the scopes a setting is declared
for are consulted: a zone's value does not reach a pool for a setting that has no zone scope.

Every read goes to the database, so a change made through updateConfiguration (on any server sharing
the database) applies to the next request. A stored NULL counts as no value: the next scope decides.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from nimbostack.api.errors import invalid_value
from nimbostack.db.engine import run
from nimbostack.db.models import Account, Cluster, ConfigValue, ImageStore, StoragePool
from nimbostack.services.settings_catalog import BY_NAME, Kind, Scope, Setting, SettingType

_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")
_INT_BITS = {SettingType.INTEGER: 31, SettingType.LONG: 63}
_TYPE_WORD = {SettingType.INTEGER: "integer", SettingType.LONG: "long", SettingType.FLOAT: "float"}

# Narrowest first. Each setting is declared along one chain (pool, cluster, zone; or account, domain), so
# where the two chains sit relative to each other never decides a value.
ORDER = (Scope.STORAGE_POOL, Scope.CLUSTER, Scope.IMAGE_STORE, Scope.ZONE, Scope.ACCOUNT, Scope.DOMAIN)


@dataclass(frozen=True)
class Place:
    """The scope ids a caller knows. Parents it leaves out (a pool's cluster and zone, a cluster's zone, an
    account's domain) are looked up, only when a setting has a scope that needs them."""

    zone_id: int | None = None
    cluster_id: int | None = None
    pool_id: int | None = None
    image_store_id: int | None = None
    domain_id: int | None = None
    account_id: int | None = None

    @staticmethod
    def of(scope: Scope, scope_id: int) -> Place:
        return Place() if scope is Scope.GLOBAL else Place(**{_FIELD[scope]: scope_id})

    def given(self, scope: Scope) -> int | None:
        value: int | None = getattr(self, _FIELD[scope])
        return value


_FIELD = {
    Scope.ZONE: "zone_id",
    Scope.CLUSTER: "cluster_id",
    Scope.STORAGE_POOL: "pool_id",
    Scope.IMAGE_STORE: "image_store_id",
    Scope.DOMAIN: "domain_id",
    Scope.ACCOUNT: "account_id",
}


@dataclass(frozen=True)
class Target:
    """Where a value is written: globally (scope id 0) or for one zone, cluster, pool, domain or account."""

    scope: Scope = Scope.GLOBAL
    scope_id: int = 0

    @property
    def place(self) -> Place:
        return Place.of(self.scope, self.scope_id)


GLOBAL = Target()


def scope_ids(db: Session, place: Place, wanted: Iterable[Scope]) -> dict[Scope, int]:
    """The id of each wanted scope at this place, deriving missing parents from the narrowest object given."""
    need = set(wanted)
    ids = {scope: place.given(scope) for scope in ORDER}
    pool_id = ids[Scope.STORAGE_POOL]
    if pool_id is not None and ids[Scope.CLUSTER] is None and Scope.CLUSTER in need:
        pool = db.get(StoragePool, pool_id)
        # A zone-wide pool has no cluster: its chain goes straight to the zone.
        ids[Scope.CLUSTER] = pool.cluster_id if pool is not None else None
    if ids[Scope.ZONE] is None and Scope.ZONE in need:
        ids[Scope.ZONE] = _zone_of(db, ids)
    if ids[Scope.DOMAIN] is None and Scope.DOMAIN in need and ids[Scope.ACCOUNT] is not None:
        account = db.get(Account, ids[Scope.ACCOUNT])
        ids[Scope.DOMAIN] = account.domain_id if account is not None else None
    return {scope: found for scope, found in ids.items() if found is not None and scope in need}


def _zone_of(db: Session, ids: dict[Scope, int | None]) -> int | None:
    """The zone of the narrowest object given: a pool, else a cluster, else an image store."""
    row: StoragePool | Cluster | ImageStore | None = None
    if ids[Scope.STORAGE_POOL] is not None:
        row = db.get(StoragePool, ids[Scope.STORAGE_POOL])
    elif ids[Scope.CLUSTER] is not None:
        row = db.get(Cluster, ids[Scope.CLUSTER])
    elif ids[Scope.IMAGE_STORE] is not None:
        row = db.get(ImageStore, ids[Scope.IMAGE_STORE])
    return row.zone_id if row is not None else None


# Session.info key for the values read in this unit of work (one request or one job), by (scope, scope id).
# It lives and dies with the session, so a change made on any server applies from the next request on.
_SNAPSHOT = "nimbostack.settings.snapshot"
_KINDS = (Scope.GLOBAL, *ORDER)
# Built once: composing the expression costs more than running it. -1 matches no row of that scope.
_SCOPED_VALUES = select(ConfigValue.name, ConfigValue.scope, ConfigValue.scope_id, ConfigValue.value).where(
    or_(*(and_(ConfigValue.scope == s.value, ConfigValue.scope_id == bindparam(s.value)) for s in _KINDS))
)


def _snapshot(db: Session, ids: dict[Scope, int]) -> dict[tuple[str, int], dict[str, str]]:
    """Every stored value of the global scope and the scopes given, one query the first time one is needed.

    A request reads several settings (API key access, timestamps, page size...); reading each scope
    whole once is cheaper than one query per name.
    """
    cache: dict[tuple[str, int], dict[str, str]] = db.info.setdefault(_SNAPSHOT, {})
    keys = {Scope.GLOBAL: 0, **ids}
    missing = {scope: scope_id for scope, scope_id in keys.items() if (scope.value, scope_id) not in cache}
    if missing:
        found: dict[tuple[str, int], dict[str, str]] = {(s.value, i): {} for s, i in missing.items()}
        bounds = {s.value: missing.get(s, -1) for s in _KINDS}
        for name, scope, scope_id, value in run(db, _SCOPED_VALUES, bounds):
            if value is not None and (scope, scope_id) in found:
                found[(scope, scope_id)][name] = value
        cache.update(found)
    return cache


def _pick(setting: Setting, cache: dict[tuple[str, int], dict[str, str]], ids: dict[Scope, int]) -> str | None:
    for scope in ORDER:
        if scope in ids and scope in setting.scopes:
            stored = cache.get((scope.value, ids[scope]), {})
            if setting.name in stored:
                return stored[setting.name]
    return cache.get((Scope.GLOBAL.value, 0), {}).get(setting.name, setting.default)


def values_at(db: Session, settings: Iterable[Setting], place: Place | None = None) -> dict[str, str | None]:
    """The effective value of each setting at one place: every read of a value goes through here."""
    chosen = list(settings)
    ids = scope_ids(db, place or Place(), {scope for s in chosen for scope in s.scopes if scope is not Scope.GLOBAL})
    cache = _snapshot(db, ids)
    return {s.name: _pick(s, cache, ids) for s in chosen}


def raw_value(
    db: Session,
    name: str,
    *,
    account_id: int | None = None,
    domain_id: int | None = None,
    zone_id: int | None = None,
    cluster_id: int | None = None,
    pool_id: int | None = None,
) -> str | None:
    """The effective text value: the narrowest scope that has one, else the declared default."""
    place = Place(zone_id, cluster_id, pool_id, None, domain_id, account_id)
    return values_at(db, [BY_NAME[name]], place)[name]


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
        if setting.fraction and not 0 <= number <= 1:
            raise invalid_value(
                f"Please enter a value between 0 and 1 for the configuration parameter: [{setting.name}]."
            )
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
