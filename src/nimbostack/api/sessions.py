"""Login sessions stored in the database (so a restart or a second server keeps them)."""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from nimbostack.db.models import ApiSession

__all__ = ["ApiSession"]

# Writing last_seen on every request would turn each read into a write; this much staleness is harmless
# next to a 30-minute idle timeout.
TOUCH_INTERVAL = timedelta(seconds=30)


def new_session_key() -> str:
    """20 random bytes, URL-safe Base64 without padding (27 characters), like CloudStack."""
    return base64.urlsafe_b64encode(secrets.token_bytes(20)).decode().rstrip("=")


def create(db: Session, user_id: int, now: datetime) -> ApiSession:
    row = ApiSession(
        id=secrets.token_urlsafe(24), session_key=new_session_key(), user_id=user_id, created=now, last_seen=now
    )
    db.add(row)
    return row


def find_live(db: Session, session_id: str, now: datetime, idle_seconds: int) -> ApiSession | None:
    row = db.get(ApiSession, session_id)
    if row is None:
        return None
    if now - row.last_seen > timedelta(seconds=idle_seconds):
        db.delete(row)
        return None
    # A timeout shorter than the touch interval must still see every use, or live sessions would lapse.
    if now - row.last_seen >= min(TOUCH_INTERVAL, timedelta(seconds=idle_seconds) / 2):
        row.last_seen = now
    return row


def keys_match(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def end(db: Session, session_id: str) -> None:
    db.execute(delete(ApiSession).where(ApiSession.id == session_id))


def end_for_user(db: Session, user_id: int) -> None:
    db.execute(delete(ApiSession).where(ApiSession.user_id == user_id))


def jsession_id(cookie: str | None) -> str | None:
    """The JSESSIONID value is `<session id>` optionally followed by `.<node>` as Jetty writes it."""
    if not cookie or "\x00" in cookie:
        return None
    return cookie.split(".", 1)[0]
