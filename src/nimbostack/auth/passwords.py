"""Password encoders in CloudStack's stored formats: PBKDF2 (new hashes), SHA256SALT and MD5 (verify only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

PBKDF2_ITERATIONS = 100_000
PBKDF2_SALT_BYTES = 64
PBKDF2_KEY_BYTES = 64


def _pkcs5_ascii(password: str) -> bytes:
    # BouncyCastle's PKCS5 "ASCII" conversion keeps the low 8 bits of each UTF-16 code unit.
    units = password.encode("utf-16-le")
    return bytes(units[i] for i in range(0, len(units), 2))


def pbkdf2_hash(password: str, *, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    salt = salt if salt is not None else os.urandom(PBKDF2_SALT_BYTES)
    key = hashlib.pbkdf2_hmac("sha1", _pkcs5_ascii(password), salt, iterations, PBKDF2_KEY_BYTES)
    return f"{base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()}:{iterations}"


def pbkdf2_verify(password: str, stored: str) -> bool | None:
    """True/False for a PBKDF2 hash; None when `stored` is not in this format."""
    parts = stored.split(":")
    # isdigit() alone lets through digits int() refuses (superscripts); a count of 0 is refused by hashlib.
    if len(parts) != 3 or not (parts[2].isascii() and parts[2].isdigit()) or int(parts[2]) < 1:
        return None
    try:
        salt = base64.b64decode(parts[0], validate=True)
    except ValueError:
        return None
    candidate = pbkdf2_hash(password, salt=salt, iterations=int(parts[2]))
    return hmac.compare_digest(candidate.encode(), stored.encode())


def sha256salt_verify(password: str, stored: str) -> bool | None:
    parts = stored.split(":")
    if len(parts) != 2:
        return None
    try:
        salt = base64.b64decode(parts[0], validate=True)
        expected = base64.b64decode(parts[1], validate=True)
    except ValueError:
        return None
    digest = hashlib.sha256(password.encode("utf-8") + salt).digest()
    return hmac.compare_digest(digest, expected)


def sha256salt_hash(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(32)
    digest = hashlib.sha256(password.encode("utf-8") + salt).digest()
    return f"{base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()}"


def md5_verify(password: str, stored: str) -> bool | None:
    if len(stored) != 32 or any(c not in "0123456789abcdef" for c in stored.lower()):
        return None
    digest = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
    return hmac.compare_digest(digest, stored.lower())


@dataclass(frozen=True)
class Encoder:
    """A stored-password format: `verify` answers None for hashes of another format."""

    name: str
    verify: Callable[[str, str], bool | None]
    encode: Callable[[str], str] | None


ENCODERS: dict[str, Encoder] = {
    "PBKDF2": Encoder("PBKDF2", pbkdf2_verify, pbkdf2_hash),
    "SHA256SALT": Encoder("SHA256SALT", sha256salt_verify, sha256salt_hash),
    "MD5": Encoder("MD5", md5_verify, None),
}


def encode_new(password: str, order: list[str], exclude: list[str]) -> str:
    """Hash with the first encoder of `user.password.encoders.order` that is not excluded."""
    for name in order:
        enc = ENCODERS.get(name.strip().upper())
        if enc and enc.encode and name.strip().upper() not in {e.strip().upper() for e in exclude}:
            return enc.encode(password)
    return pbkdf2_hash(password)
