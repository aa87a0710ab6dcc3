"""Server life cycle: migrate, seed, register this server, recover jobs, start workers."""

from __future__ import annotations

import logging
import socket

from sqlalchemy import select

import nimbostack.commands  # noqa: F401 - fills the command registry
from nimbostack.db import migrate
from nimbostack.db.models import ManagementServer
from nimbostack.jobs import queue
from nimbostack.jobs.runner import JobRunner
from nimbostack.runtime import Runtime, ServerOptions
from nimbostack.sandbox import first_start, start_session
from nimbostack.services import bootstrap, settings

log = logging.getLogger(__name__)


class Server:
    """Everything `nimbostack serve` runs besides the HTTP listeners."""

    def __init__(self, options: ServerOptions) -> None:
        options.data_dir.mkdir(parents=True, exist_ok=True)
        self.runtime = Runtime(options)
        self.runner = JobRunner(self.runtime, options.job_workers)

    def prepare(self) -> None:
        """Schema, built-ins, this server's identity and, on a first start, the layout; fails before any port opens.

        All of it is one transaction: a first start that fails (a bad layout file) leaves no built-ins
        behind either, so the next start is a first start again.
        """
        runtime = self.runtime
        migrate.prepare(runtime.database.engine)
        name = runtime.options.server_name or f"{socket.gethostname()}:{runtime.options.port}"
        with start_session(runtime.database) as db:
            created = bootstrap.seed(db, runtime.options)
            row = db.scalars(select(ManagementServer).where(ManagementServer.name == name)).first()
            now = runtime.now()
            if row is None:
                row = ManagementServer(name=name, started=now, last_heartbeat=now)
                db.add(row)
                db.flush()
            row.state, row.started, row.last_heartbeat = "Up", now, now
            runtime.server_id, runtime.server_uuid = row.id, row.uuid
            failed = queue.fail_orphans(db, row.id, now)
            if created:
                first_start(db, runtime)
            elif runtime.options.datacenter is not None:
                log.info("the cloud is laid out already: %s is not applied again", runtime.options.datacenter)
        if failed:
            log.warning("marked %d unfinished job(s) of the previous run as failed", failed)

    def integration_port(self) -> int:
        """The unauthenticated port from `integration.api.port`; 0 or less means off."""
        with self.runtime.database.session() as db:
            return settings.get_int(db, "integration.api.port")

    def start_workers(self) -> None:
        self.runner.start()

    def stop(self) -> None:
        self.runner.stop()
        with self.runtime.database.session() as db:
            row = db.get(ManagementServer, self.runtime.server_id)
            if row is not None:
                row.state = "Down"
        self.runtime.database.dispose()
