"""Raw HTTP clients for tests: a logged-in session, and hand-signed API-key requests."""

from __future__ import annotations

from typing import Any

import httpx

from nimbostack.api.signing import sign


class ApiFailure(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body

    @property
    def text(self) -> str:
        return str(next(iter(self.body.values())).get("errortext"))


class SessionClient:
    """Logs in with `login` and sends `sessionkey` on every call, as the CloudStack UI does."""

    def __init__(self, url: str, username: str, password: str, domain: str = "/") -> None:
        self.url = url
        self.http = httpx.Client(timeout=30)
        reply = self.http.post(
            url,
            data={"command": "login", "username": username, "password": password, "domain": domain, "response": "json"},
        )
        if reply.status_code != 200:
            raise ApiFailure(reply.status_code, reply.json())
        self.login = reply.json()["loginresponse"]
        self.session_key = self.login["sessionkey"]

    def raw(self, command: str, **params: Any) -> httpx.Response:
        query = {"command": command, "response": "json", "sessionkey": self.session_key}
        query.update({k: _wire(v) for k, v in params.items()})
        return self.http.get(self.url, params=query)

    def __call__(self, command: str, **params: Any) -> dict[str, Any]:
        reply = self.raw(command, **params)
        body = reply.json()
        if reply.status_code != 200:
            raise ApiFailure(reply.status_code, body)
        return dict(body[command.lower() + "response"])

    def close(self) -> None:
        self.http.close()


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def signed_get(url: str, api_key: str, secret: str, command: str, **params: Any) -> httpx.Response:
    """A v1-signed GET built by hand (our own signer; the cs and libcloud tests use theirs)."""
    query = {"command": command, "response": "json", "apiKey": api_key}
    query.update({k: _wire(v) for k, v in params.items()})
    query["signature"] = sign(query, secret)
    return httpx.get(url, params=query, timeout=30)
