"""API-key request signatures (CloudStack's v1 and v3), computed exactly as the Java server does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote


def java_encode(value: str) -> str:
    """Java URLEncoder.encode(value, "UTF-8") with `+` turned into `%20`."""
    return quote(value, safe="*-._").replace("~", "%7E")


def _tilde_kept(value: str) -> str:
    # The cs and Go clients leave `~` unescaped when signing.
    return quote(value, safe="*-._~")


def string_to_sign(params: dict[str, str], *, keep_tilde: bool = False, sort_lower: bool = False) -> str:
    encode = _tilde_kept if keep_tilde else java_encode
    pairs = [(k, v) for k, v in params.items() if k.lower() != "signature"]
    pairs.sort(key=(lambda kv: kv[0].lower()) if sort_lower else (lambda kv: kv[0]))
    return "&".join(f"{k}={encode(v)}" for k, v in pairs).lower()


def sign(params: dict[str, str], secret: str) -> str:
    """The signature a client sends: Base64 HMAC-SHA1 of the lower-cased sorted query."""
    return _hmac(string_to_sign(params), secret)


def _hmac(text: str, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(params: dict[str, str], secret: str, received: str) -> bool:
    """Check the Java form first, then the documented client variants; every compare is constant-time."""
    candidates = {received}
    if " " in received:
        # A client that forgot to escape `+` in the signature: the server saw spaces.
        candidates.add(received.replace(" ", "+"))
    forms = (
        string_to_sign(params),
        string_to_sign(params, keep_tilde=True),
        string_to_sign(params, sort_lower=True),
    )
    ok = False
    for text in dict.fromkeys(forms):
        expected = _hmac(text, secret).encode("ascii")
        for cand in candidates:
            ok |= hmac.compare_digest(expected, cand.encode("utf-8", "replace"))
    return ok


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?(Z|[+-]\d{2}:?\d{2})?$",
    re.ASCII,
)


def parse_expires(text: str) -> datetime | None:
    """Every `expires` form CloudStack accepts, as an aware UTC instant; None when it cannot be read.

    Forms: `2030-01-01T00:00:00Z`, `...+05:30`, `...+0000`, with fractional seconds, and the legacy
    `2030-01-01T00:00:00Z+0000` where the quoted Z is a literal and the offset follows it.
    """
    match = _ISO.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction, zone1, zone2 = match.group(7), match.group(8), match.group(9)
    if zone2 and zone1 != "Z":
        return None
    zone = zone2 or zone1
    if zone is None:
        return None
    offset = _offset(zone)
    if offset is None:
        return None
    # Digits past microseconds cannot be stored; they are dropped, not rounded.
    micros = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return (datetime(year, month, day, hour, minute, second, micros) - offset).replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        # Not a calendar date, or an offset that pushes it outside the years datetime can hold.
        return None


def _offset(zone: str) -> timedelta | None:
    """`Z`, `+05:30` or `-0800` as a timedelta; None beyond what a real zone offset can be (Java: 18 h)."""
    if zone == "Z":
        return timedelta(0)
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if minutes > 59 or hours * 60 + minutes > 18 * 60:
        return None
    size = timedelta(hours=hours, minutes=minutes)
    return size if zone[0] == "+" else -size
