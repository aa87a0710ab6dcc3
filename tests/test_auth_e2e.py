"""Ways in, through the real server: v1/v3 signatures from real clients, sessions, lockout, the integration port.

Facts: api-protocol.md sections 1.1, 2 and identity-and-auth.md sections 3.4, 3.5, 7.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cs import CloudStack, CloudStackApiException
from libcloud.compute.providers import get_driver
from libcloud.compute.types import InvalidCredsError, Provider

from nimbostack.api.signing import sign
from tests.support.clients import SessionClient
from tests.support.server import RunningServer, free_port

BAD_KEY_TEXT = "unable to verify user credentials and/or request signature"
BAD_SESSION_TEXT = "unable to verify user credentials"
PASSWORD = "Pw-12345"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _new_user(cs: CloudStack) -> dict[str, Any]:
    """A normal user in its own account in ROOT; returns the user object (with `username`, `id`)."""
    username = _name("u")
    account = cs.createAccount(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        firstname="A",
        lastname="B",
        accounttype=0,
    )["account"]
    return dict(account["user"][0])


def _keys(cs: CloudStack, user_id: str) -> tuple[str, str]:
    keys = cs.registerUserKeys(id=user_id)["userkeys"]
    return keys["apikey"], keys["secretkey"]


def _login(url: str, username: str, password: str, http: httpx.Client | None = None) -> httpx.Response:
    form = {"command": "login", "username": username, "password": password, "domain": "/", "response": "json"}
    if http is not None:
        return http.post(url, data=form)
    return httpx.post(url, data=form, timeout=30)


def _error_text(reply: httpx.Response) -> str:
    return str(next(iter(reply.json().values()))["errortext"])


def _list_domains(http: httpx.Client, url: str, **params: str) -> httpx.Response:
    return http.get(url, params={"command": "listDomains", "response": "json", **params})


def _signed_v3(url: str, key: str, secret: str, expires: str) -> httpx.Response:
    query = {"command": "listDomains", "response": "json", "apiKey": key, "signatureVersion": "3", "expires": expires}
    query["signature"] = sign(query, secret)
    return httpx.get(url, params=query, timeout=30)


# --- API keys: signature v3, cs, libcloud ------------------------------------------------------------------


def test_v3_expires_in_the_past_is_refused_and_in_the_future_accepted(
    server: RunningServer, admin_keys: tuple[str, str]
) -> None:
    key, secret = admin_keys
    now = datetime.now(UTC)
    past = (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = (now + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    far_future = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000000+05:30")
    refused = _signed_v3(server.url, key, secret, past)
    assert refused.status_code == 401 and _error_text(refused) == BAD_KEY_TEXT
    assert _signed_v3(server.url, key, secret, future).status_code == 200
    # No upper bound unless enforce.post.requests.and.timestamps is on.
    assert _signed_v3(server.url, key, secret, far_future).status_code == 200
    for junk in ("tomorrow", ""):
        assert _signed_v3(server.url, key, secret, junk).status_code == 401


def test_expires_is_ignored_without_signature_version_3(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    query = {"command": "listDomains", "response": "json", "apiKey": key, "expires": "2001-01-01T00:00:00Z"}
    query["signature"] = sign(query, secret)
    assert httpx.get(server.url, params=query, timeout=30).status_code == 200


def test_cs_client_sends_expired_v3_and_is_refused(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    client = CloudStack(endpoint=server.url, key=key, secret=secret)
    past = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S%z")
    with pytest.raises(CloudStackApiException) as refused:
        client.listDomains(signatureVersion="3", expires=past)
    assert refused.value.error["errorcode"] == 401


@pytest.mark.parametrize("method", ["get", "post"])
def test_cs_client_in_get_and_post_mode(server: RunningServer, admin_keys: tuple[str, str], method: str) -> None:
    key, secret = admin_keys
    client = CloudStack(endpoint=server.url, key=key, secret=secret, method=method, poll_interval=0.2)
    # Characters the signers encode differently (space, `~`, `*`, non-ASCII) must all verify.
    name = _name("cs ") + " ~*é"
    domain = client.createDomain(name=name)["domain"]
    assert domain["name"] == name
    assert [d["id"] for d in client.listDomains(id=domain["id"])["domain"]] == [domain["id"]]
    assert client.deleteDomain(id=domain["id"], fetch_result=True)["success"] is True
    # Version 1 (no expires) as well.
    v1 = CloudStack(endpoint=server.url, key=key, secret=secret, method=method, expiration=-1)
    assert v1.listDomains(id=domain["id"]) == {}
    with pytest.raises(CloudStackApiException) as refused:
        CloudStack(endpoint=server.url, key=key, secret=secret + "x", method=method).listDomains()
    assert refused.value.error["errorcode"] == 401


def test_libcloud_driver_signs_old_style_and_is_accepted(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    driver_class = get_driver(Provider.CLOUDSTACK)
    driver = driver_class(key, secret, secure=False, host="127.0.0.1", port=server.port, path="/client/api")
    answer = driver.connection.request(driver.path, params={"command": "listAccounts", "name": "admin"}).object
    accounts = answer["listaccountsresponse"]["account"]
    assert [a["name"] for a in accounts] == ["admin"]
    # Sorted by lower-cased names, `~` kept: a value needing escapes goes through too.
    empty = driver.connection.request(driver.path, params={"command": "listAccounts", "name": "no one ~here"}).object
    assert empty == {"listaccountsresponse": {}}
    wrong = driver_class(key, secret + "x", secure=False, host="127.0.0.1", port=server.port, path="/client/api")
    with pytest.raises(InvalidCredsError):
        wrong.connection.request(wrong.path, params={"command": "listAccounts"})


# --- login sessions ----------------------------------------------------------------------------------------


def test_login_sets_session_cookies_and_answers_the_login_fields(server: RunningServer) -> None:
    with httpx.Client(timeout=30) as http:
        reply = _login(server.url, "admin", "password", http)
        assert reply.status_code == 200
        body = reply.json()["loginresponse"]
        cookies = reply.headers.get_list("set-cookie")
        jsession = next(c for c in cookies if c.startswith("JSESSIONID="))
        key_cookie = next(c for c in cookies if c.startswith("sessionkey="))
        assert key_cookie.split(";")[0] == f"sessionkey={body['sessionkey']}"
        for cookie in (jsession, key_cookie):
            assert "HttpOnly" in cookie and "Path=/client" in cookie
        assert len(body["sessionkey"]) == 27
        assert body["username"] == "admin" and body["type"] == "1" and body["timeout"] == 1800
        assert http.cookies["sessionkey"] == body["sessionkey"]


def test_session_call_needs_cookie_and_parameter_by_default(server: RunningServer) -> None:
    both = SessionClient(server.url, "admin", "password")
    assert both.raw("listDomains").status_code == 200
    both.close()

    cookie_only = SessionClient(server.url, "admin", "password")
    reply = _list_domains(cookie_only.http, server.url)
    assert reply.status_code == 401 and _error_text(reply) == BAD_SESSION_TEXT
    cookie_only.close()

    param_only = SessionClient(server.url, "admin", "password")
    param_only.http.cookies.delete("sessionkey")
    reply = _list_domains(param_only.http, server.url, sessionkey=param_only.session_key)
    assert reply.status_code == 401 and _error_text(reply) == BAD_SESSION_TEXT
    param_only.close()

    # The session key alone, without the session cookie, is no credential at all.
    reply = _list_domains(httpx.Client(timeout=30), server.url, sessionkey=both.session_key)
    assert reply.status_code == 401 and _error_text(reply) == BAD_KEY_TEXT


def test_a_new_login_ends_the_session_it_was_sent_with(server: RunningServer) -> None:
    client = SessionClient(server.url, "admin", "password")
    old_key = client.session_key
    again = _login(server.url, "admin", "password", client.http)
    assert again.status_code == 200
    reply = _list_domains(client.http, server.url, sessionkey=again.json()["loginresponse"]["sessionkey"])
    assert reply.status_code == 200
    assert again.json()["loginresponse"]["sessionkey"] != old_key
    client.close()


def test_logout_ends_the_session(server: RunningServer) -> None:
    client = SessionClient(server.url, "admin", "password")
    assert client.raw("listDomains").status_code == 200
    cookies = dict(client.http.cookies)
    bye = client.http.get(server.url, params={"command": "logout", "response": "json"})
    assert bye.status_code == 200
    assert bye.json() == {"logoutresponse": {"description": "success"}}
    assert all("Max-Age=0" in c for c in bye.headers.get_list("set-cookie"))
    # Send the old cookies again on purpose: the session behind them is gone.
    after = httpx.get(
        server.url,
        params={"command": "listDomains", "response": "json", "sessionkey": client.session_key},
        cookies=cookies,
    )
    assert after.status_code == 401 and _error_text(after) == BAD_KEY_TEXT
    client.close()


def test_sessionkey_check_locations(private_server: RunningServer) -> None:
    url = private_server.url
    admin = SessionClient(url, "admin", "password")

    admin("updateConfiguration", name="api.sessionkey.check.locations", value="ParameterOnly")
    param_only = SessionClient(url, "admin", "password")
    param_only.http.cookies.delete("sessionkey")
    assert _list_domains(param_only.http, url, sessionkey=param_only.session_key).status_code == 200
    cookie_only = SessionClient(url, "admin", "password")
    assert _list_domains(cookie_only.http, url).status_code == 401
    wrong_cookie = SessionClient(url, "admin", "password")
    wrong_cookie.http.cookies.delete("sessionkey")
    wrong_cookie.http.cookies.set("sessionkey", "not-the-key", domain="127.0.0.1", path="/client")
    assert _list_domains(wrong_cookie.http, url, sessionkey=wrong_cookie.session_key).status_code == 401

    # The admin session itself was checked by the same rule: it sent both, both right.
    admin("updateConfiguration", name="api.sessionkey.check.locations", value="CookieOrParameter")
    cookie_only = SessionClient(url, "admin", "password")
    assert _list_domains(cookie_only.http, url).status_code == 200
    param_only = SessionClient(url, "admin", "password")
    param_only.http.cookies.delete("sessionkey")
    assert _list_domains(param_only.http, url, sessionkey=param_only.session_key).status_code == 200
    one_wrong = SessionClient(url, "admin", "password")
    reply = _list_domains(one_wrong.http, url, sessionkey="not-the-key")
    assert reply.status_code == 401 and _error_text(reply) == BAD_SESSION_TEXT

    admin("updateConfiguration", name="api.sessionkey.check.locations", value="CookieAndParameter")
    assert _list_domains(cookie_only.http, url).status_code == 401


def test_idle_session_times_out(private_server: RunningServer) -> None:
    url = private_server.url
    admin = SessionClient(url, "admin", "password")
    admin("updateConfiguration", name="session.timeout", value="6")
    client = SessionClient(url, "admin", "password")
    assert client.login["timeout"] == 6
    # Used more often than the timeout, the session stays alive well past 6 s after login. The margins are
    # wide because times are stored in whole seconds and a loaded CI machine answers slowly.
    for _ in range(8):
        time.sleep(1)
        assert client.raw("listDomains").status_code == 200
    time.sleep(8)
    expired = client.raw("listDomains")
    assert expired.status_code == 401 and _error_text(expired) == BAD_KEY_TEXT


# --- lockout and disabled users ----------------------------------------------------------------------------


def test_failed_login_is_not_faster_than_the_floor(server: RunningServer) -> None:
    # Known and unknown user names both take the floor time, so timing does not reveal which exist.
    for username in ("admin", _name("nobody")):
        started = time.monotonic()
        reply = _login(server.url, username, "wrong-password")
        elapsed = time.monotonic() - started
        assert reply.status_code == 531
        assert elapsed >= 0.3


def test_five_wrong_passwords_disable_a_user_until_enabled(server: RunningServer, admin_cs: CloudStack) -> None:
    user = _new_user(admin_cs)
    username = user["username"]
    failed = f"Failed to authenticate user {username} in domain 1; please provide valid credentials"
    live = SessionClient(server.url, username, PASSWORD)
    assert live.raw("listAccounts").status_code == 200

    # A correct password resets the count: 4 wrong, right, 1 wrong leaves the user enabled.
    for _ in range(4):
        assert _login(server.url, username, "wrong").status_code == 531
    assert _login(server.url, username, PASSWORD).status_code == 200
    assert _login(server.url, username, "wrong").status_code == 531
    assert admin_cs.listUsers(id=user["id"])["user"][0]["state"] == "enabled"

    for attempt in range(2, 7):
        reply = _login(server.url, username, "wrong")
        assert reply.status_code == 531
        assert reply.json() == {"loginresponse": {"uuidList": [], "errorcode": 531, "errortext": failed}}
        state = admin_cs.listUsers(id=user["id"])["user"][0]["state"]
        assert state == ("enabled" if attempt < 5 else "disabled"), attempt

    refused = _login(server.url, username, PASSWORD)
    assert refused.status_code == 531
    assert _error_text(refused) == (
        f"User {username} (or their account) in domain 1 is disabled/locked. Please contact the administrator."
    )
    assert live.raw("listAccounts").status_code == 401

    admin_cs.enableUser(id=user["id"])
    assert _login(server.url, username, PASSWORD).status_code == 200
    live.close()


def test_admin_account_is_never_locked_out(private_server: RunningServer) -> None:
    for _ in range(7):
        assert _login(private_server.url, "admin", "wrong").status_code == 531
    assert _login(private_server.url, "admin", "password").status_code == 200


def test_disabled_user_loses_api_keys_and_live_sessions(server: RunningServer, admin_cs: CloudStack) -> None:
    user = _new_user(admin_cs)
    key, secret = _keys(admin_cs, user["id"])
    by_key = CloudStack(endpoint=server.url, key=key, secret=secret)
    session = SessionClient(server.url, user["username"], PASSWORD)
    assert by_key.listAccounts()["count"] == 1
    assert session.raw("listAccounts").status_code == 200

    admin_cs.disableUser(id=user["id"], fetch_result=True)
    with pytest.raises(CloudStackApiException) as refused:
        by_key.listAccounts()
    assert refused.value.error == {"uuidList": [], "errorcode": 401, "errortext": BAD_KEY_TEXT}
    assert session.raw("listAccounts").status_code == 401
    assert _login(server.url, user["username"], PASSWORD).status_code == 531

    admin_cs.enableUser(id=user["id"])
    assert by_key.listAccounts()["count"] == 1
    session.close()


# --- the integration port ----------------------------------------------------------------------------------


def _wait_for(url: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_integration_port_is_off_by_default_and_unauthenticated_once_enabled(private_server: RunningServer) -> None:
    admin = SessionClient(private_server.url, "admin", "password")
    setting = admin("listConfigurations", name="integration.api.port")["configuration"][0]
    assert setting["value"] == "0"
    port = free_port()
    integration_url = f"http://127.0.0.1:{port}/client/api"
    admin("updateConfiguration", name="integration.api.port", value=str(port))
    with pytest.raises(httpx.TransportError):
        httpx.get(integration_url, timeout=2.0)  # the port opens only at the next start
    admin.close()

    private_server.restart()
    _wait_for(integration_url)
    # No key, no session: calls run as the system user of the system account.
    system = CloudStack(endpoint=integration_url)
    created = system.createDomain(name=_name("viaport"))["domain"]
    assert created["parentdomainname"] == "ROOT"
    [event] = [e for e in system.listEvents(type="DOMAIN.CREATE")["event"] if e["resourceid"] == created["id"]]
    assert (event["username"], event["account"]) == ("system", "system")
    with pytest.raises(CloudStackApiException) as refused:
        system.createAccount(
            username=_name("p"), password=PASSWORD, email="p@example.org", firstname="P", lastname="Q", accounttype=0
        )
    assert refused.value.error["errorcode"] == 531
    assert refused.value.error["errortext"] == "Parameter password can't be passed through the API integration port"
    # The main port still wants credentials.
    assert httpx.get(private_server.url, params={"command": "listAccounts", "response": "json"}).status_code == 401
