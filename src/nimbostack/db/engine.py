"""Engine and session factory for SQLite (default), PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import CursorResult, Engine, Executable, Row, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

SQLITE_POOL_SIZE = 20

# A row of a column select whose width the type checker does not track.
AnyRow = Row[*tuple[Any, ...]]


def normalise_url(url: str) -> str:
    """Let users write plain postgresql:// and mysql:// URLs; pick the drivers we ship."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("mysql://") or url.startswith("mariadb://"):
        return "mysql+pymysql://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if ":memory:" in url:
            kwargs["poolclass"] = NullPool
        else:
            # Room for every request thread and job worker at once: a connection past the pool size is
            # opened (with its pragmas) and closed again on every use, which costs more than the query.
            kwargs["pool_size"] = SQLITE_POOL_SIZE
            kwargs["max_overflow"] = 20
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    if url.startswith("mysql"):
        kwargs["isolation_level"] = "READ COMMITTED"
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def run(db: Session, stmt: Executable, params: Mapping[str, Any] | None = None) -> CursorResult[*tuple[Any, ...]]:
    """Run a Core statement (columns, not entities) in the session's transaction.

    Going through the connection skips the ORM's per-statement setup, which costs more than a small query
    itself. Pending changes are flushed first, as the session's own execute would do.
    """
    db.flush()
    return db.connection().execute(stmt, dict(params) if params else None)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; busy_timeout makes writers queue instead of failing.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Database:
    """The engine plus a session factory; one per server process."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any exception."""
        db = self._factory()
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()

    def dispose(self) -> None:
        self.engine.dispose()


# Deadlocks and serialization failures roll the whole transaction back; running it again is the cure.
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected (PostgreSQL)
_RETRY_MYSQL_CODES = {1213, 1205}  # deadlock found, lock wait timeout (MySQL/MariaDB)
TRANSIENT_ATTEMPTS = 3


def is_transient(error: BaseException) -> bool:
    """True for database errors that a fresh attempt of the same transaction may not meet again."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in _RETRY_SQLSTATES:
        return True
    args = getattr(original, "args", ())
    if args and isinstance(args[0], int) and args[0] in _RETRY_MYSQL_CODES:
        return True
    return "database is locked" in str(original)
