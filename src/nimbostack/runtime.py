"""The running server's shared pieces: options, database, clock and the job runner's wake-up signal.

Nothing here holds cloud state; that lives in the database so several servers behave as one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nimbostack.db.engine import Database


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("./data")
    db_url: str | None = None
    admin_password: str | None = None
    job_workers: int = 4
    server_name: str | None = None
    # What a first start lays out: the file `datacenter` if given, else the sandbox unless `sandbox` is off.
    datacenter: Path | None = None
    sandbox: bool = True

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.data_dir / 'nimbostack.db').resolve()}"

    @property
    def on_loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")


def utc_now() -> datetime:
    """Naive UTC at whole seconds: what we store and what CloudStack's date format can carry."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class Runtime:
    def __init__(self, options: ServerOptions, clock: Callable[[], datetime] = utc_now) -> None:
        self.options = options
        self.database = Database(options.database_url)
        self.clock = clock
        self.server_id: int | None = None
        self.server_uuid: str | None = None
        # Set when a job is queued so an idle worker wakes at once instead of at its next poll.
        self.job_signal = threading.Event()

    def now(self) -> datetime:
        return self.clock()
