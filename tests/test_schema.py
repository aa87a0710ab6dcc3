"""A brand-new database built in one go from the models must equal one built by replaying every migration.

The server takes the quick way on a first start (db/migrate.py `prepare`); these tests hold it to the
same result as Alembic, on SQLite and on the database NIMBOSTACK_DB_URL names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from nimbostack.db import migrate
from nimbostack.db.engine import Database
from tests.support.server import drop_database, fresh_database

BASE_DB_URL = os.environ.get("NIMBOSTACK_DB_URL") or None


def _database(path: Path) -> Iterator[Database]:
    url, name = fresh_database(BASE_DB_URL)
    db = Database(url or f"sqlite:///{path}")
    try:
        yield db
    finally:
        db.dispose()
        drop_database(BASE_DB_URL, name)


@pytest.fixture
def replayed(tmp_path: Path) -> Iterator[Database]:
    yield from _database(tmp_path / "replayed.db")


@pytest.fixture
def created(tmp_path: Path) -> Iterator[Database]:
    yield from _database(tmp_path / "created.db")


def _names(items: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(str(item.get(k)) for k in keys) for item in items)


def _schema(engine: Engine) -> dict[str, Any]:
    """Everything the inspector reports, in a form that compares equal when the schemas are the same."""
    found: dict[str, Any] = {}
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table in sorted(inspector.get_table_names()):
            columns = [
                (
                    c["name"],
                    str(c["type"].compile(dialect=engine.dialect)),
                    c["nullable"],
                    str(c.get("default")),
                    str(c.get("autoincrement")),
                )
                for c in inspector.get_columns(table)
            ]
            primary = inspector.get_pk_constraint(table)
            found[table] = {
                "columns": columns,
                "primary": (primary.get("name"), primary["constrained_columns"]),
                "foreign": _names(
                    inspector.get_foreign_keys(table),
                    "name",
                    "constrained_columns",
                    "referred_table",
                    "referred_columns",
                    "options",
                ),
                "indexes": _names(inspector.get_indexes(table), "name", "column_names", "unique"),
                "unique": _names(inspector.get_unique_constraints(table), "name", "column_names"),
                "checks": _names(inspector.get_check_constraints(table), "name", "sqltext"),
            }
    return found


def test_created_schema_equals_the_replayed_migrations(replayed: Database, created: Database) -> None:
    migrate.upgrade(replayed.engine)
    migrate.prepare(created.engine)  # an empty database: the quick way
    with created.engine.connect() as conn:
        stamped = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    with replayed.engine.connect() as conn:
        applied = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert stamped == applied
    expected, actual = _schema(replayed.engine), _schema(created.engine)
    assert sorted(actual) == sorted(expected)
    for table in expected:
        assert actual[table] == expected[table], table


def test_head_revision_read_from_the_files_is_alembics(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'none.db'}")
    config = migrate._config(database.engine)
    database.dispose()
    assert migrate.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_prepare_upgrades_an_older_schema_and_leaves_a_current_one_alone(replayed: Database) -> None:
    from alembic import command

    engine = replayed.engine
    config = migrate._config(engine)
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    newest = script.get_revision(head) if head else None
    assert newest is not None and isinstance(newest.down_revision, str)
    with engine.begin() as conn:  # a database one revision behind
        config.attributes["connection"] = conn
        command.upgrade(config, newest.down_revision)
    for _ in range(2):  # replayed forward, then left alone
        migrate.prepare(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
            assert "zone" in inspect(conn).get_table_names()
