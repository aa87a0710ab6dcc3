"""The wire protocol through the real server with raw HTTP: envelopes, JSON/XML, parameter rules, error answers.

Expected texts and codes are CloudStack's (api-protocol.md sections 1, 3, 4, 6).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from lxml import etree

from nimbostack.api.signing import sign
from tests.support.clients import SessionClient, signed_get
from tests.support.server import RunningServer

JSON_TYPE = "application/json; charset=UTF-8"
BAD_KEY_TEXT = "unable to verify user credentials and/or request signature"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _only(body: dict[str, Any], name: str) -> Any:
    """CloudStack answers one JSON object with exactly one key, the response name."""
    assert list(body) == [name]
    return body[name]


@pytest.fixture(scope="module")
def tenant(admin: SessionClient) -> dict[str, Any]:
    """A domain with one user account, to have something to filter on."""
    domain = admin("createDomain", name=_name("proto"))["domain"]
    username = _name("u")
    account = admin(
        "createAccount",
        username=username,
        password="Pw-12345",
        email="p@example.org",
        firstname="P",
        lastname="Q",
        accounttype=0,
        domainid=domain["id"],
    )["account"]
    return {"domain": domain, "account": account}


# --- envelopes and list shapes -----------------------------------------------------------------------------


def test_list_envelope_has_count_and_item_key(admin: SessionClient) -> None:
    reply = admin.raw("listDomains")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == JSON_TYPE
    listing = _only(reply.json(), "listdomainsresponse")
    assert set(listing) == {"count", "domain"}
    assert listing["count"] == len(listing["domain"])
    assert "ROOT" in [d["name"] for d in listing["domain"]]


def test_empty_list_is_an_empty_object(admin: SessionClient) -> None:
    reply = admin.raw("listAccounts", name=_name("nobody"), listall=True)
    assert reply.status_code == 200
    assert reply.json() == {"listaccountsresponse": {}}


def test_count_is_the_total_and_a_page_past_the_end_has_count_only(admin: SessionClient, tenant: dict) -> None:
    everything = admin("listDomains", listall=True)
    total = everything["count"]
    assert total >= 2
    first = admin("listDomains", listall=True, page=1, pagesize=1)
    assert first["count"] == total and len(first["domain"]) == 1
    beyond = admin("listDomains", listall=True, page=total + 1, pagesize=1)
    assert beyond == {"count": total}


def test_single_object_sits_under_its_object_name(admin: SessionClient) -> None:
    reply = admin.raw("createDomain", name=_name("obj"))
    assert reply.status_code == 200
    created = _only(reply.json(), "createdomainresponse")
    assert list(created) == ["domain"]
    assert created["domain"]["parentdomainname"] == "ROOT"


def test_nulls_are_omitted_and_dates_use_cloudstack_format(admin: SessionClient, tenant: dict) -> None:
    domain = admin("listDomains", id=tenant["domain"]["id"])["domain"][0]
    assert None not in domain.values()
    assert "networkdomain" not in domain  # never set, so absent rather than null
    created = domain["created"]
    assert len(created) == 24 and created[10] == "T" and created.endswith("+0000")


# --- JSON versus XML ---------------------------------------------------------------------------------------


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same_tree(value: Any, elements: list[etree._Element], path: str) -> None:
    items = value if isinstance(value, list) else [value]
    assert len(elements) == len(items), path
    for item, element in zip(items, elements, strict=True):
        if isinstance(item, dict):
            present = {k for k, v in item.items() if v != []}
            assert {child.tag for child in element} == present, path
            for key in present:
                _same_tree(item[key], element.findall(key), f"{path}/{key}")
        else:
            assert (element.text or "") == _xml_text(item), path


def test_json_and_xml_carry_the_same_fields(admin: SessionClient, tenant: dict) -> None:
    account_id = tenant["account"]["id"]
    as_json = admin.raw("listAccounts", id=account_id, listall=True)
    as_xml = admin.raw("listAccounts", id=account_id, listall=True, response="xml")
    assert as_xml.status_code == 200
    assert as_xml.headers["content-type"] == "text/xml; charset=UTF-8"
    assert as_xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(as_xml.content)
    assert root.tag == "listaccountsresponse"
    version = admin("listCapabilities")["capability"]["cloudstackversion"]
    assert root.get("cloud-stack-version") == version
    listing = as_json.json()["listaccountsresponse"]
    assert listing["account"][0]["user"], "the nested user list is part of the comparison"
    assert [child.tag for child in root] == ["count", "account"]
    _same_tree(listing["count"], root.findall("count"), "count")
    _same_tree(listing["account"], root.findall("account"), "account")


def test_xml_is_the_default_and_unknown_formats_fall_back_to_it(admin: SessionClient) -> None:
    query = {"command": "listDomains", "sessionkey": admin.session_key}
    for extra in ({}, {"response": "yaml"}):
        reply = admin.http.get(admin.url, params={**query, **extra})
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "text/xml; charset=UTF-8"
        assert etree.fromstring(reply.content).tag == "listdomainsresponse"
    upper = admin.http.get(admin.url, params={**query, "response": "JSON"})
    assert upper.headers["content-type"] == JSON_TYPE
    assert "listdomainsresponse" in upper.json()


def test_empty_list_in_xml_is_an_empty_root(admin: SessionClient) -> None:
    reply = admin.raw("listAccounts", name=_name("nobody"), response="xml")
    root = etree.fromstring(reply.content)
    assert root.tag == "listaccountsresponse" and len(root) == 0 and root.get("cloud-stack-version")


def test_error_in_xml_has_the_error_envelope(admin: SessionClient) -> None:
    reply = admin.http.get(admin.url, params={"command": "fooBar", "sessionkey": admin.session_key})
    assert reply.status_code == 432
    assert reply.headers["content-type"] == "text/xml; charset=UTF-8"
    root = etree.fromstring(reply.content)
    assert root.tag == "errorresponse" and root.get("cloud-stack-version")
    assert [(c.tag, c.text) for c in root] == [
        ("errorcode", "432"),
        ("cserrorcode", "9999"),
        ("errortext", "Unknown API command: fooBar"),
    ]


# --- transport and parameter names -------------------------------------------------------------------------


def test_trailing_slash_and_sub_paths_reach_the_api(admin: SessionClient) -> None:
    for suffix in ("/", "/anything"):
        reply = admin.http.get(
            admin.url + suffix, params={"command": "listDomains", "response": "json", "sessionkey": admin.session_key}
        )
        assert reply.status_code == 200
        assert "listdomainsresponse" in reply.json()


def test_post_form_body_works_for_sessions_and_api_keys(
    server: RunningServer, admin: SessionClient, admin_keys: tuple[str, str], tenant: dict
) -> None:
    form = {
        "command": "listAccounts",
        "response": "json",
        "sessionkey": admin.session_key,
        "id": tenant["account"]["id"],
    }
    reply = admin.http.post(admin.url, data=form)
    assert reply.status_code == 200
    assert reply.json()["listaccountsresponse"]["account"][0]["id"] == tenant["account"]["id"]

    key, secret = admin_keys
    signed = {"command": "listAccounts", "response": "json", "apiKey": key, "id": tenant["account"]["id"]}
    signed["signature"] = sign(signed, secret)
    by_key = httpx.post(server.url, data=signed, timeout=30)
    assert by_key.status_code == 200
    assert by_key.json()["listaccountsresponse"]["count"] == 1


def test_query_and_body_are_merged(admin: SessionClient, tenant: dict) -> None:
    reply = admin.http.post(
        admin.url,
        params={"command": "listAccounts", "response": "json"},
        data={"sessionkey": admin.session_key, "id": tenant["account"]["id"]},
    )
    assert reply.status_code == 200
    assert [a["id"] for a in reply.json()["listaccountsresponse"]["account"]] == [tenant["account"]["id"]]


def test_parameter_names_are_case_insensitive(admin: SessionClient, tenant: dict) -> None:
    domain_id = tenant["domain"]["id"]
    for spelling in ("domainid", "domainId", "DOMAINID"):
        listing = admin("listAccounts", listAll="true", **{spelling: domain_id})
        assert [a["id"] for a in listing["account"]] == [tenant["account"]["id"]], spelling


def test_unknown_parameters_are_ignored(admin: SessionClient) -> None:
    plain = admin("listDomains")
    assert admin("listDomains", fooBar="baz", _="1700000000000", httpmethod="GET") == plain


def test_line_breaks_are_allowed_in_values(admin: SessionClient) -> None:
    reply = admin.raw("listAccounts", name="two\r\nlines")
    assert reply.status_code == 200


# --- error answers -----------------------------------------------------------------------------------------


def _assert_error(reply: httpx.Response, code: int, envelope: str, text: str, *, cs_code: int | None = 9999) -> None:
    assert reply.status_code == code, reply.text
    assert reply.headers["content-type"] == JSON_TYPE
    assert reply.headers["x-description"] == text
    expected: dict[str, Any] = {"uuidList": [], "errorcode": code}
    if cs_code is not None:
        expected["cserrorcode"] = cs_code
    expected["errortext"] = text
    assert reply.json() == {envelope: expected}


def test_missing_parameter(admin: SessionClient) -> None:
    _assert_error(
        admin.raw("createDomain"),
        431,
        "createdomainresponse",
        "Unable to execute API command createdomain due to missing parameter name",
    )


def test_invalid_integer_value(admin: SessionClient) -> None:
    _assert_error(
        admin.raw("listDomains", level="abc"),
        431,
        "listdomainsresponse",
        "Unable to execute API command listdomains due to invalid value abc for parameter level",
    )
    _assert_error(
        admin.raw("listDomains", level="2147483648"),
        431,
        "listdomainsresponse",
        "Unable to execute API command listdomains due to invalid value 2147483648 for parameter level",
    )


@pytest.mark.parametrize("value", ["11111111-2222-3333-4444-555555555555", "not-a-uuid", "42"])
def test_invalid_or_unknown_uuid(admin: SessionClient, value: str) -> None:
    _assert_error(
        admin.raw("listAccounts", domainid=value),
        431,
        "listaccountsresponse",
        "Unable to execute API command listaccounts due to invalid value. Invalid parameter domainid "
        f"value={value} due to incorrect long value format, or entity does not exist or due to incorrect "
        "parameter annotation for the field in api cmd class.",
    )


def test_uuid_of_another_kind_of_object_is_unknown(admin: SessionClient, tenant: dict) -> None:
    account_id = tenant["account"]["id"]
    reply = admin.raw("listAccounts", domainid=account_id)
    assert reply.status_code == 431
    assert f"Invalid parameter domainid value={account_id} " in reply.json()["listaccountsresponse"]["errortext"]


def test_string_too_long(admin: SessionClient) -> None:
    _assert_error(
        admin.raw("createDomain", name="x" * 256),
        431,
        "createdomainresponse",
        "Unable to execute API command createdomain due to invalid value. Value greater than max allowed "
        "length 255 for param: name",
    )


def test_unknown_command_by_session_is_432(admin: SessionClient) -> None:
    _assert_error(admin.raw("fooBar"), 432, "errorresponse", "Unknown API command: fooBar")
    # Command names are case-sensitive.
    _assert_error(admin.raw("listdomains"), 432, "errorresponse", "Unknown API command: listdomains")


def test_unknown_command_by_api_key_is_401(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    _assert_error(signed_get(server.url, key, secret, "fooBar"), 401, "errorresponse", BAD_KEY_TEXT, cs_code=None)


@pytest.mark.parametrize("key", ["x[a].b", "x[0]", "x]0[.b", "x[0][1].b", "x[0]b"])
def test_malformed_map_key_is_430(admin: SessionClient, key: str) -> None:
    _assert_error(
        admin.raw("listAccounts", **{key: "1"}),
        430,
        "listaccountsresponse",
        f"Unable to decode parameter {key}; if specifying an object array, please use parameter[index].field=XXX, "
        "e.g. userGroupList[0].group=httpGroup",
    )


@pytest.mark.parametrize("value", ["a\tb", "a\x00b", "a\x1bb", "a\x7fb"])
def test_control_characters_are_refused(admin: SessionClient, value: str) -> None:
    _assert_error(
        admin.raw("listAccounts", keyword=value),
        431,
        "listaccountsresponse",
        "Received value containing illegal ASCII non-printable characters for parameter keyword",
    )


@pytest.mark.parametrize(
    ("paging", "text"),
    [
        ({"pagesize": 10}, '"page" parameter is required when "pagesize" is specified'),
        ({"page": 1}, '"pagesize" parameter is required when "page" is specified'),
        ({"page": 1, "pagesize": 501}, "Page size can't exceed max allowed page size value: 500"),
        ({"page": 1, "pagesize": -1}, "Can't specify page parameter when pagesize is -1 (Unlimited)"),
    ],
)
def test_paging_rules(admin: SessionClient, paging: dict[str, int], text: str) -> None:
    _assert_error(admin.raw("listDomains", **paging), 431, "listdomainsresponse", text)


def test_pagesize_minus_one_alone_lists_everything(admin: SessionClient, tenant: dict) -> None:
    everything = admin("listDomains", listall=True, pagesize=-1)
    assert everything["count"] == len(everything["domain"]) >= 2


def test_bad_signature_is_401(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    assert signed_get(server.url, key, secret, "listDomains").status_code == 200
    _assert_error(
        signed_get(server.url, key, secret + "x", "listDomains"), 401, "listdomainsresponse", BAD_KEY_TEXT, cs_code=None
    )
    query = {"command": "listDomains", "response": "json", "apiKey": key}
    query["signature"] = sign(query, secret)
    query["listall"] = "true"  # sent, but not covered by the signature
    _assert_error(httpx.get(server.url, params=query), 401, "listdomainsresponse", BAD_KEY_TEXT, cs_code=None)


def test_missing_api_key_or_signature_is_401(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    signed = {"command": "listDomains", "response": "json", "apiKey": key}
    signed["signature"] = sign(signed, secret)
    without_key = {k: v for k, v in signed.items() if k != "apiKey"}
    without_signature = {k: v for k, v in signed.items() if k != "signature"}
    for query in (without_key, without_signature, {"command": "listDomains", "response": "json"}):
        _assert_error(httpx.get(server.url, params=query), 401, "listdomainsresponse", BAD_KEY_TEXT, cs_code=None)


def test_unknown_api_key_is_401(server: RunningServer) -> None:
    _assert_error(
        signed_get(server.url, "no-such-key", "s", "listDomains"),
        401,
        "listdomainsresponse",
        BAD_KEY_TEXT,
        cs_code=None,
    )


def test_api_key_name_is_case_insensitive(server: RunningServer, admin_keys: tuple[str, str]) -> None:
    key, secret = admin_keys
    query = {"command": "listDomains", "response": "json", "APIKEY": key}
    query["SIGNATURE"] = sign(query, secret)
    assert httpx.get(server.url, params=query).status_code == 200


def test_login_by_get_is_405(server: RunningServer) -> None:
    text = "Please use HTTP POST to authenticate using this API"
    reply = httpx.get(
        server.url, params={"command": "login", "username": "admin", "password": "password", "response": "json"}
    )
    assert reply.status_code == 405
    # CloudStack writes this one text bare, under the requested response type's Content-Type.
    assert reply.text == text
    assert reply.headers["content-type"] == JSON_TYPE
    assert reply.headers["x-description"] == text
    assert "set-cookie" not in reply.headers


def test_bad_session_key_is_401_and_ends_the_session(server: RunningServer) -> None:
    client = SessionClient(server.url, "admin", "password")
    try:
        bad = client.http.get(
            server.url, params={"command": "listDomains", "response": "json", "sessionkey": client.session_key + "x"}
        )
        _assert_error(bad, 401, "listdomainsresponse", "unable to verify user credentials", cs_code=None)
        # The session was invalidated, so even the right key no longer works.
        assert client.raw("listDomains").status_code == 401
    finally:
        client.close()


def test_session_request_without_command_is_400(admin: SessionClient) -> None:
    reply = admin.http.get(admin.url, params={"response": "json", "sessionkey": admin.session_key})
    _assert_error(reply, 400, "errorresponse", "no command specified", cs_code=None)
    assert admin.raw("listDomains").status_code == 200


def test_errors_with_line_breaks_in_the_text_are_still_answered(admin: SessionClient) -> None:
    # The text echoes the value; a raw line break in a header would make the HTTP layer drop the connection.
    reply = admin.raw("listDomains", level="1\n2")
    assert reply.status_code == 431
    assert reply.json()["listdomainsresponse"]["errortext"].endswith("invalid value 1\n2 for parameter level")
    assert (
        reply.headers["x-description"]
        == "Unable to execute API command listdomains due to invalid value 1 2 for parameter level"
    )


def test_error_texts_ending_in_a_space_are_still_answered(admin: SessionClient) -> None:
    reply = admin.raw("getUser", userapikey="")
    assert reply.status_code == 431
    assert reply.headers["x-description"] == reply.json()["getuserresponse"]["errortext"].strip()


def test_non_uuid_on_a_parameter_added_later_is_ignored(admin: SessionClient) -> None:
    # managementserverid came with 4.19 (`since` set): CloudStack drops a non-UUID value there.
    plain = admin("listAsyncJobs", listall=True).get("asyncjobs", [])
    ignored = admin("listAsyncJobs", listall=True, managementserverid="not-a-uuid").get("asyncjobs", [])
    assert [j["jobid"] for j in ignored] == [j["jobid"] for j in plain]


def test_nul_bytes_in_credentials_are_refused_not_a_crash(server: RunningServer) -> None:
    # PostgreSQL cannot even compare text holding NUL; such values must be refused before any lookup.
    by_key = httpx.get(
        server.url, params={"command": "listDomains", "response": "json", "apiKey": "a\x00b", "signature": "x"}
    )
    _assert_error(by_key, 401, "listdomainsresponse", BAD_KEY_TEXT, cs_code=None)
    login = {"command": "login", "response": "json", "username": "ad\x00min", "password": "password"}
    reply = httpx.post(server.url, data=login)
    assert reply.status_code == 531
    assert reply.json()["loginresponse"]["errortext"].startswith("Failed to authenticate user ad\x00min in domain ")
    reply = httpx.post(server.url, data={**login, "username": "admin", "domain": "/a\x00b"})
    assert reply.status_code == 531
    assert reply.json()["loginresponse"]["errortext"] == "Unable to find the domain from the path /a\x00b/"
