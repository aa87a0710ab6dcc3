"""Ways in: session cookie + sessionkey, API key + signature, the integration port; login and logout."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from nimbostack.api import sessions
from nimbostack.api.context import Caller
from nimbostack.api.errors import BAD_SESSION_TEXT, ApiError, ErrorCode, unauthorized
from nimbostack.api.params import WireParams
from nimbostack.api.registry import Command
from nimbostack.api.signing import parse_expires, signature_matches
from nimbostack.auth.identity import caller_for, caller_from_facts, facts_active, facts_by_api_key, facts_by_user_id
from nimbostack.db.engine import AnyRow
from nimbostack.db.models import User
from nimbostack.services import events, login, settings

if TYPE_CHECKING:
    from nimbostack.api.pipeline import WireRequest, WireResponse
    from nimbostack.runtime import Runtime

AUTH_COMMANDS = ("login", "logout")
MAX_V3_AHEAD = timedelta(minutes=15)


def system_caller(db: Session) -> Caller:
    user = db.get(User, 1)
    assert user is not None
    return caller_for(user)


def session_caller(runtime: Runtime, db: Session, request: WireRequest, wire: WireParams) -> Caller | None:
    """The caller of a live session, None when the request carries no live session cookie."""
    session_id = sessions.jsession_id(request.cookies.get("JSESSIONID"))
    if session_id is None:
        return None
    now = runtime.now()
    row = sessions.find_live(db, session_id, now, settings.get_int(db, "session.timeout"))
    if row is None:
        # Keep the removal of an expired session even though this request goes on to fail.
        db.commit()
        return None
    mode = settings.get_str(db, "api.sessionkey.check.locations").strip().lower()
    cookie, param = request.cookies.get("sessionkey"), wire.original.get("sessionkey")
    if mode == "parameteronly":
        ok = sessions.keys_match(row.session_key, param) and (
            cookie is None or sessions.keys_match(row.session_key, cookie)
        )
    elif mode == "cookieorparameter":
        given = [v for v in (cookie, param) if v is not None]
        ok = bool(given) and all(sessions.keys_match(row.session_key, v) for v in given)
    else:
        ok = sessions.keys_match(row.session_key, cookie) and sessions.keys_match(row.session_key, param)
    facts = facts_by_user_id(db, row.user_id)
    if not ok or facts is None or not facts_active(facts):
        sessions.end(db, session_id)
        db.commit()
        raise ApiError(ErrorCode.UNAUTHORIZED, BAD_SESSION_TEXT, None)
    return caller_from_facts(facts)


def api_key_caller(runtime: Runtime, db: Session, wire: WireParams, command: Command) -> Caller:
    from nimbostack.api.pipeline import authorize

    api_key, signature = wire.get_ci("apikey"), wire.get_ci("signature")
    # PostgreSQL refuses NUL in any text value, so such a key must not reach the query.
    if not api_key or not signature or "\x00" in api_key:
        raise unauthorized()
    facts = facts_by_api_key(db, api_key)
    if facts is None or not facts_active(facts) or not facts.secret_key or not _key_access_allowed(db, facts):
        raise unauthorized()
    caller = caller_from_facts(facts)
    # CloudStack checks the role before the signature; the answer for a refused API is the same 432.
    authorize(db, caller, command)
    if not signature_matches(wire.original, facts.secret_key, signature):
        raise unauthorized()
    _check_expiry(runtime, db, wire)
    return caller


def _key_access_allowed(db: Session, facts: AnyRow) -> bool:
    """The user's flag, else its account's, else the `api.key.access` setting of the user's domain."""
    if facts.user_key_access is not None:
        return bool(facts.user_key_access)
    if facts.account_key_access is not None:
        return bool(facts.account_key_access)
    return settings.get_bool(db, "api.key.access", domain_id=facts.user_domain_id)


def _check_expiry(runtime: Runtime, db: Session, wire: WireParams) -> None:
    enforce = settings.get_bool(db, "enforce.post.requests.and.timestamps")
    if wire.get_ci("signatureversion") != "3":
        if enforce:
            raise unauthorized()
        return
    text = wire.get_ci("expires")
    when = parse_expires(text) if text else None
    if when is None:
        raise unauthorized()
    now = runtime.now()
    expires = when.replace(tzinfo=None)
    if expires < now or (enforce and expires > now + MAX_V3_AHEAD):
        raise unauthorized()


def run_auth_command(
    runtime: Runtime, request: WireRequest, wire: WireParams, name: str, as_json: bool
) -> WireResponse:
    from nimbostack.api.pipeline import (
        SECURITY_HEADERS,
        WireResponse,
        content_type,
        header_text,
        render_error,
        render_ok_named,
    )

    if name == "logout":
        return _logout(runtime, request, as_json)
    if request.method != "POST":
        # CloudStack sends this text bare, yet labelled with the requested response type.
        text = "Please use HTTP POST to authenticate using this API"
        headers = {**SECURITY_HEADERS, "X-Description": header_text(text)}
        return WireResponse(405, text.encode(), content_type(as_json), headers)
    lowered = wire.lower
    try:
        with runtime.database.session() as db:
            domain = login.resolve_domain(db, lowered.get("domain"), lowered.get("domainid"))
            now = runtime.now()
            user = login.authenticate(db, lowered.get("username", ""), lowered.get("password", ""), domain, now)
            old = sessions.jsession_id(request.cookies.get("JSESSIONID"))
            if old:
                sessions.end(db, old)
            row = sessions.create(db, user.id, now)
            caller = caller_for(user)
            events.record(
                db,
                caller,
                "USER.LOGIN",
                f"user has logged in from IP Address {request.client_ip}",
                now,
                resource_type="User",
                resource_uuid=user.uuid,
                resource_name=user.username,
            )
            body = _login_body(user, row.session_key, settings.get_int(db, "session.timeout"), runtime, now)
            same_site = _same_site(settings.get_str(db, "api.sessionkey.cookie.samesite"))
    except ApiError as err:
        return render_error(err, None, as_json, name="loginresponse")
    reply = render_ok_named("loginresponse", body, as_json)
    reply.cookies = [
        f"JSESSIONID={row.id}; Path=/client; HttpOnly; SameSite=Lax",
        f"sessionkey={row.session_key}; Path=/client; HttpOnly{same_site}",
    ]
    return reply


def _same_site(setting: str) -> str:
    """Cookie attributes for `api.sessionkey.cookie.samesite`: Lax, Strict, NoneAndSecure or Null (none)."""
    choice = setting.strip().lower()
    if choice == "null":
        return ""
    if choice == "noneandsecure":
        return "; SameSite=None; Secure"
    return "; SameSite=Strict" if choice == "strict" else "; SameSite=Lax"


def _login_body(user: User, session_key: str, timeout: int, runtime: Runtime, now: datetime) -> dict[str, Any]:
    account = user.account
    body: dict[str, Any] = {
        "username": user.username,
        "userid": user.uuid,
        "domainid": account.domain.uuid,
        "timeout": timeout,
        "account": account.name,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "type": str(account.type),
        "timezone": user.timezone,
        "timezoneoffset": _offset_hours(user.timezone, now),
        "registered": "false",
        "sessionkey": session_key,
        "is2faenabled": "false",
        "is2faverified": "true",
        "issuerfor2fa": "CloudStack",
    }
    if account.type == 1 and runtime.server_uuid:
        body["managementserverid"] = runtime.server_uuid
    return body


def _offset_hours(zone: str | None, now: datetime) -> str | None:
    if not zone:
        return None
    try:
        offset = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return str((offset.total_seconds() if offset else 0) / 3600.0)


def _logout(runtime: Runtime, request: WireRequest, as_json: bool) -> WireResponse:
    from nimbostack.api.pipeline import render_ok_named

    session_id = sessions.jsession_id(request.cookies.get("JSESSIONID"))
    if session_id:
        with runtime.database.session() as db:
            row = db.get(sessions.ApiSession, session_id)
            if row is not None:
                user = db.get(User, row.user_id)
                if user is not None:
                    events.record(
                        db,
                        caller_for(user),
                        "USER.LOGOUT",
                        "user has logged out",
                        runtime.now(),
                        resource_type="User",
                        resource_uuid=user.uuid,
                        resource_name=user.username,
                    )
            sessions.end(db, session_id)
    reply = render_ok_named("logoutresponse", {"description": "success"}, as_json)
    reply.cookies = [f"{name}=; Path=/client; Max-Age=0" for name in request.cookies]
    return reply
