"""API-key signatures and `expires` parsing, against the worked example of api-protocol.md 2.1 and the forms of 2.2."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from nimbostack.api.signing import parse_expires, sign, signature_matches, string_to_sign

pytestmark = pytest.mark.sqlite_only

SECRET = "s3cr3t-KEY"
EXAMPLE = {
    "apiKey": "AbC-123_key",
    "command": "listVirtualMachines",
    "response": "json",
    "name": "web 01",
    "listall": "true",
}
EXAMPLE_SIGNATURE = "n5+Na4kwI6T3hcZvxkauc/gwisI="


def _client_signature(text: str, secret: str = SECRET) -> str:
    """What a client computes over its own string to sign (written here independently of the server code)."""
    return base64.b64encode(hmac.new(secret.encode(), text.lower().encode(), hashlib.sha1).digest()).decode()


def test_worked_example_string_and_signature() -> None:
    assert (
        string_to_sign(EXAMPLE)
        == "apikey=abc-123_key&command=listvirtualmachines&listall=true&name=web%2001&response=json"
    )
    assert sign(EXAMPLE, SECRET) == EXAMPLE_SIGNATURE
    assert signature_matches(EXAMPLE, SECRET, EXAMPLE_SIGNATURE)


def test_signature_param_itself_is_left_out_whatever_its_case() -> None:
    assert signature_matches({**EXAMPLE, "Signature": "anything"}, SECRET, EXAMPLE_SIGNATURE)


def test_signature_whose_plus_was_decoded_as_space_is_accepted() -> None:
    # A client that forgot to escape `+` on the wire: the server receives a space there.
    assert signature_matches(EXAMPLE, SECRET, EXAMPLE_SIGNATURE.replace("+", " "))


def test_wrong_signature_wrong_secret_or_changed_param_is_refused() -> None:
    assert not signature_matches(EXAMPLE, SECRET, "n5+Na4kwI6T3hcZvxkauc/gwisA=")
    assert not signature_matches(EXAMPLE, "s3cr3t-KEX", EXAMPLE_SIGNATURE)
    assert not signature_matches({**EXAMPLE, "listall": "false"}, SECRET, EXAMPLE_SIGNATURE)
    assert not signature_matches(EXAMPLE, SECRET, "")


def test_tilde_left_unescaped_by_cs_and_go_clients_is_accepted() -> None:
    params = {"apiKey": "k", "command": "listUsers", "keyword": "a~b c"}
    java_form = "apikey=k&command=listusers&keyword=a%7eb%20c"
    client_form = "apikey=k&command=listusers&keyword=" + quote("a~b c", safe="*")
    assert "~" in client_form
    assert signature_matches(params, SECRET, _client_signature(java_form))
    assert signature_matches(params, SECRET, _client_signature(client_form))
    assert not signature_matches(params, SECRET, _client_signature(client_form, secret="other"))


def test_sort_by_lower_cased_names_is_accepted() -> None:
    # `Zone` sorts before `apiKey` by code unit, after it once lower-cased (the DevGuide sample's order).
    params = {"apiKey": "k", "command": "listUsers", "Zone": "z1"}
    assert string_to_sign(params).startswith("zone=z1&")
    lower_sorted = "apikey=k&command=listusers&zone=z1"
    assert signature_matches(params, SECRET, _client_signature(lower_sorted))


def test_java_encoding_keeps_only_unreserved_characters() -> None:
    params = {"apiKey": "k", "command": "c", "v": "a*b-c.d_e/f+g=h&i é"}
    assert string_to_sign(params) == "apikey=k&command=c&v=a*b-c.d_e%2ff%2bg%3dh%26i%20%c3%a9"


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2030-01-01T00:00:00Z", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T00:00:00+05:30", datetime(2029, 12, 31, 18, 30, tzinfo=UTC)),
        ("2030-01-01T00:00:00-08:00", datetime(2030, 1, 1, 8, tzinfo=UTC)),
        ("2030-01-01T00:00:00+0000", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T05:30:00+0530", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T00:00:00.123456Z", datetime(2030, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2030-01-01T00:00:00.123456+0000", datetime(2030, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2030-01-01T00:00:00.5-01:00", datetime(2030, 1, 1, 1, 0, 0, 500000, tzinfo=UTC)),
        ("2030-01-01T00:00:00Z+0000", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T00:00:00Z+0100", datetime(2029, 12, 31, 23, tzinfo=UTC)),
    ],
)
def test_parse_expires_accepts_every_documented_form(text: str, instant: datetime) -> None:
    parsed = parse_expires(text)
    assert parsed is not None
    assert parsed - instant == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "junk",
        "2030-01-01",
        "2030-01-01T00:00:00",  # no zone: the instant would be ambiguous
        "2030-01-01 00:00:00Z",
        "2030-13-01T00:00:00Z",
        "2030-02-30T00:00:00Z",
        "2030-01-01T00:00:00+2500",
        "2030-01-01T00:00:00+05:99",
        "2030-01-01T00:00:00+0000Z",
        "2030-01-01T00:00:00+0000+0000",
        "1893456000",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_parse_expires_refuses_junk(text: str) -> None:
    assert parse_expires(text) is None
