"""Stored password formats (identity-and-auth.md 3.2, 3.3): CloudStack's hashes must keep verifying here."""

from __future__ import annotations

import base64
import hashlib

import pytest

from nimbostack.auth.passwords import (
    ENCODERS,
    PBKDF2_ITERATIONS,
    encode_new,
    md5_verify,
    pbkdf2_hash,
    pbkdf2_verify,
    sha256salt_verify,
)

pytestmark = pytest.mark.sqlite_only

# CloudStack's own PBKDF2 test vector: password `password`, 4096 iterations.
VECTOR = (
    "FMDMdx/2QjrZniqNRAgOAC1ai/CY/C+2kmKhp3vo+98pkqhO+AR6hCyUl0bOXtkq3XWqNiSQTwbi7KTiwuWhyw==:"
    "+u8T5LzCtikCPvKnUDn6JDezf1Hg2bood/ke5Oo93pz9s1eD9k/JLsa497Z3h9QWfOQfq0zvCRmkzfXMF913vQ==:4096"
)
DEFAULT_ORDER = ["PBKDF2", "SHA256SALT", "MD5", "LDAP", "SAML2", "PLAINTEXT"]
DEFAULT_EXCLUDE = ["MD5", "LDAP", "PLAINTEXT"]


def test_pbkdf2_vector_verifies_for_password_only() -> None:
    assert pbkdf2_verify("password", VECTOR) is True
    for wrong in ("Password", "password ", "passwor", "", "drowssap"):
        assert pbkdf2_verify(wrong, VECTOR) is False


def test_new_hashes_are_pbkdf2_salt_key_100000() -> None:
    stored = encode_new("S3cret!", DEFAULT_ORDER, DEFAULT_EXCLUDE)
    salt, key, iterations = stored.split(":")
    assert iterations == str(PBKDF2_ITERATIONS) == "100000"
    assert len(base64.b64decode(salt, validate=True)) == 64
    assert len(base64.b64decode(key, validate=True)) == 64
    assert pbkdf2_verify("S3cret!", stored) is True
    assert pbkdf2_verify("s3cret!", stored) is False
    # Same password, fresh salt: a new hash each time.
    assert encode_new("S3cret!", DEFAULT_ORDER, DEFAULT_EXCLUDE) != stored


def test_pbkdf2_is_sha1_over_the_low_byte_of_each_character() -> None:
    # Java's PKCS5 "ASCII" conversion: `é` (U+00E9) becomes the single byte 0xE9, not UTF-8's two bytes.
    salt = b"\x01" * 64
    stored = pbkdf2_hash("é", salt=salt, iterations=1000)
    key = hashlib.pbkdf2_hmac("sha1", b"\xe9", salt, 1000, 64)
    assert stored.split(":")[1] == base64.b64encode(key).decode()


def test_sha256salt_stored_hash_verifies() -> None:
    salt = bytes(range(32))
    digest = hashlib.sha256(b"password" + salt).digest()
    stored = f"{base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()}"
    assert sha256salt_verify("password", stored) is True
    assert sha256salt_verify("passwore", stored) is False


def test_md5_stored_hash_verifies() -> None:
    stored = "5f4dcc3b5aa765d61d8327deb882cf99"  # MD5("password")
    assert md5_verify("password", stored) is True
    assert md5_verify("password1", stored) is False


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plaintext",
        "a:b:c",
        "Zm9v:YmFy:many",
        "Zm9v:YmFy:0",
        "Zm9v:YmFy:\u00b9",  # a superscript digit: isdigit() says yes, int() says no
        "Zm9v:YmFy:10:20",
        "not base64!:YmFy",
        "5f4dcc3b5aa765d61d8327deb882cf9",
        "zz4dcc3b5aa765d61d8327deb882cf99",
    ],
)
def test_strings_in_no_known_format_answer_none(stored: str) -> None:
    for encoder in ENCODERS.values():
        assert encoder.verify("password", stored) is None, encoder.name


def test_each_encoder_leaves_the_other_formats_alone() -> None:
    assert ENCODERS["SHA256SALT"].verify("password", VECTOR) is None
    assert ENCODERS["MD5"].verify("password", VECTOR) is None
    assert ENCODERS["PBKDF2"].verify("password", "5f4dcc3b5aa765d61d8327deb882cf99") is None
