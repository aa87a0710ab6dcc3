"""Which database errors make the server run a transaction again (deadlock victims, lock timeouts)."""

from __future__ import annotations

import psycopg.errors
import pymysql.err
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from nimbostack.db.engine import is_transient

pytestmark = pytest.mark.sqlite_only


def _wrapped(original: BaseException) -> OperationalError:
    return OperationalError("UPDATE async_job SET status=1", {}, original)


def test_deadlocks_and_lock_timeouts_are_transient() -> None:
    assert is_transient(_wrapped(psycopg.errors.DeadlockDetected("deadlock detected")))
    assert is_transient(_wrapped(psycopg.errors.SerializationFailure("could not serialize access")))
    assert is_transient(_wrapped(pymysql.err.OperationalError(1213, "Deadlock found when trying to get lock")))
    assert is_transient(_wrapped(pymysql.err.OperationalError(1205, "Lock wait timeout exceeded")))


def test_other_errors_are_not_retried() -> None:
    duplicate = pymysql.err.IntegrityError(1062, "Duplicate entry 'x' for key 'uq'")
    assert not is_transient(IntegrityError("INSERT", {}, duplicate))
    assert not is_transient(_wrapped(pymysql.err.OperationalError(2003, "Can't connect to MySQL server")))
    assert not is_transient(ValueError("not a database error"))
