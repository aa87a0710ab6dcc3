"""API-key request signatures (CloudStack's v1 and v3), computed exactly as the Java server does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime
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
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_expires(text: str) -> datetime | None:
    """Every `expires` form CloudStack accepts; None when it cannot be read.

    Forms: `2030-01-01T00:00:00Z`, `...+05:30`, `...+0000`, with fractional seconds, and the legacy
    `2030-01-01T00:00:00Z+0000` where the quoted Z is a literal and the offset follows it.
    """
    match = _ISO.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    zone1, zone2 = match.group(8), match.group(9)
    zone = zone2 if zone1 == "Z" and zone2 else zone1
    if zone2 and zone1 != "Z":
        return None
    if zone is None:
        return None
    try:
        local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if zone != "Z":
        sign_ = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset_minutes = sign_ * (int(digits[:2]) * 60 + int(digits[2:]))
        from datetime import timedelta

        local -= timedelta(minutes=offset_minutes)
    return local.replace(tzinfo=UTC)
