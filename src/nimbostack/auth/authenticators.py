"""The login checker chain, in the order `user.authenticators.order` gives.

An authenticator answers True (password right), False (wrong) or None (not its kind of user or hash).
LDAP (auth/ldap.py) is one more entry of AUTHENTICATORS. An authenticator whose source can vouch for
users CloudStack does not know yet (LDAP in a linked domain) also has `provision`, which the login asks
when no user of that name exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from nimbostack.auth import ldap
from nimbostack.auth.passwords import ENCODERS
from nimbostack.db.models import Domain, User

Check = Callable[[Session, User, str], "bool | None"]
# (db, username, password, domain, now) -> the user made for a first login, or None.
Provision = Callable[[Session, str, str, Domain, datetime], "User | None"]


@dataclass(frozen=True)
class Authenticator:
    name: str
    check: Check
    provision: Provision | None = None


def _encoder_check(name: str) -> Check:
    encoder = ENCODERS[name]

    def check(_db: Session, user: User, password: str) -> bool | None:
        return encoder.verify(password, user.password)

    return check


AUTHENTICATORS: dict[str, Authenticator] = {
    name: Authenticator(name, _encoder_check(name)) for name in ("PBKDF2", "SHA256SALT", "MD5")
}
AUTHENTICATORS["LDAP"] = Authenticator("LDAP", ldap.check, ldap.provision)


def register(authenticator: Authenticator) -> None:
    """Add a checker (LDAP, ...) to the chain's catalogue; the order setting decides whether it runs."""
    AUTHENTICATORS[authenticator.name] = authenticator


def chain(order: str, exclude: str) -> list[Authenticator]:
    excluded = {n.strip().upper() for n in exclude.split(",") if n.strip()}
    names = [n.strip().upper() for n in order.split(",") if n.strip()]
    return [AUTHENTICATORS[n] for n in names if n not in excluded and n in AUTHENTICATORS]


def verify(db: Session, user: User, password: str, order: str, exclude: str) -> bool:
    """Native users try every checker; a user from an external source only that source's checker."""
    source = user.source.upper()
    for authenticator in chain(order, exclude):
        if source not in ("UNKNOWN", "NATIVE") and authenticator.name != source:
            continue
        outcome = authenticator.check(db, user, password)
        if outcome is True:
            return True
    return False


def provision(
    db: Session, username: str, password: str, domain: Domain, now: datetime, order: str, exclude: str
) -> User | None:
    """The user the first authenticator able to vouch for an unknown username made, or None."""
    for authenticator in chain(order, exclude):
        if authenticator.provision is not None:
            user = authenticator.provision(db, username, password, domain, now)
            if user is not None:
                return user
    return None
