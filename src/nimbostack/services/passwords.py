"""Password policy (the `password.policy.*` settings) and hashing of new passwords."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from nimbostack.api.errors import invalid_value
from nimbostack.auth.passwords import encode_new
from nimbostack.services import settings


def check_policy(db: Session, password: str, username: str, domain_id: int) -> None:
    """Refuse a new password that breaks the domain's policy (431)."""
    scope = {"domain_id": domain_id}
    if not password or not password.strip():
        raise invalid_value("Password cannot be empty or blank.")
    rules = (
        (
            "password.policy.minimum.special.characters",
            sum(1 for c in password if not c.isalnum()),
            "special characters",
        ),
        ("password.policy.minimum.uppercase.letters", sum(1 for c in password if c.isupper()), "uppercase letters"),
        ("password.policy.minimum.lowercase.letters", sum(1 for c in password if c.islower()), "lowercase letters"),
        ("password.policy.minimum.digits", sum(1 for c in password if c.isdigit()), "digits"),
    )
    for name, have, what in rules:
        need = settings.get_int(db, name, **scope)
        if need > 0 and have < need:
            raise invalid_value(f"User password should contain at least {need} {what}.")
    length = settings.get_int(db, "password.policy.minimum.length", **scope)
    if length > 0 and len(password) < length:
        raise invalid_value(f"User password should contain at least {length} characters.")
    if (
        not settings.get_bool(db, "password.policy.allowPasswordToContainUsername", **scope)
        and username
        and (username.lower() in password.lower())
    ):
        raise invalid_value("User password should not contain their username.")
    pattern = settings.get_str(db, "password.policy.regex", **scope) or ".+"
    try:
        matched = re.fullmatch(pattern, password) is not None
    except re.error:
        matched = True
    if not matched:
        raise invalid_value(f"User password does not match the regular expression {pattern}.")


def hash_new(db: Session, password: str) -> str:
    order = settings.get_str(db, "user.password.encoders.order").split(",")
    exclude = settings.get_str(db, "user.password.encoders.exclude").split(",")
    return encode_new(password, order, exclude)
