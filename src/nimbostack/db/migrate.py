"""Bring the schema up to date at start, and generate new migrations for developers.

A server start takes the quick way when it can (`prepare`): a schema already at the newest revision is
left alone without loading Alembic, and a brand-new empty database gets every table at once from the
models, stamped with the newest revision, instead of replaying each migration (tests/test_schema.py
checks that both ways build the same schema). Anything else goes through Alembic (`upgrade`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Engine, MetaData, PrimaryKeyConstraint, String, Table, inspect, select

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*[\"'](\w+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]*)?=\s*(?:None|[\"'](\w+)[\"'])\s*$", re.MULTILINE)
# Migrations that write rows cannot be replaced by creating tables: their presence forces a replay.
_DATA_STEPS = ("op.execute", "bulk_insert")


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine) -> None:
    """Replay every migration not applied yet (Alembic)."""
    from alembic import command

    cfg = _config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def head_revision() -> str | None:
    """The newest revision, read from the migration files without loading Alembic.

    None when the files are not a simple chain this reader understands, or when one of them writes
    data: then only a replay gives the right result.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            if path.name == "__init__.py":
                continue
            return None
        if any(step in text for step in _DATA_STEPS):
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _version_table() -> Table:
    """Alembic's own version table, as `alembic stamp` would create it."""
    return Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )


def create_fresh(engine: Engine, head: str) -> None:
    """Every table from the models in one go, stamped with `head`: for an empty database only."""
    import nimbostack.db.models  # noqa: F401 - registers every table
    from nimbostack.db.base import Base

    version = _version_table()
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        version.create(conn)
        conn.execute(version.insert().values(version_num=head))


def _applied(engine: Engine) -> set[str] | None:
    """The revisions the database is stamped with; None for a database without any table."""
    with engine.connect() as conn:
        inspector = inspect(conn)
        if inspector.has_table(VERSION_TABLE):
            return set(conn.scalars(select(_version_table().c.version_num)))
        return None if not inspector.get_table_names() else set()


def prepare(engine: Engine) -> None:
    """The newest schema, the quickest way that gives the same result as replaying the migrations."""
    head = head_revision()
    if head is not None:
        applied = _applied(engine)
        if applied == {head}:
            return
        if applied is None:
            create_fresh(engine, head)
            return
    upgrade(engine)


def new_revision(engine: Engine, message: str) -> None:
    """Autogenerate a revision from the models (a developer tool, see docs/architecture.md)."""
    from alembic import command

    cfg = _config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
