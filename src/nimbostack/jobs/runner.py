"""Worker threads that claim job rows and run them; plus the server heartbeat and job expiry."""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime

from nimbostack.api.errors import GENERIC_INTERNAL_TEXT, ApiError, ErrorCode
from nimbostack.api.pipeline import build_call
from nimbostack.api.registry import lookup
from nimbostack.api.render import plain, result_body
from nimbostack.auth.identity import caller_for
from nimbostack.db.engine import TRANSIENT_ATTEMPTS, is_transient
from nimbostack.db.models import AsyncJob, ManagementServer, User
from nimbostack.jobs import queue
from nimbostack.runtime import Runtime
from nimbostack.services import events, settings

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 0.5
HOUSEKEEPING_SECONDS = 30.0
HOUSEKEEPING_ENV = "NIMBOSTACK_JOB_HOUSEKEEPING_SECONDS"


def housekeeping_interval() -> float:
    """Seconds between heartbeats and expiry sweeps.

    The environment override exists so tests (and impatient operators) can watch expiry happen; a value
    that is not a positive number falls back to the default.
    """
    try:
        seconds = float(os.environ.get(HOUSEKEEPING_ENV, ""))
    except ValueError:
        return HOUSEKEEPING_SECONDS
    return seconds if seconds > 0 else HOUSEKEEPING_SECONDS


class JobRunner:
    def __init__(self, runtime: Runtime, workers: int, housekeeping_seconds: float | None = None) -> None:
        self.runtime = runtime
        self.workers = workers
        self.housekeeping_seconds = housekeeping_seconds or housekeeping_interval()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._events_purged: datetime | None = None

    def start(self) -> None:
        for index in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"job-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        keeper = threading.Thread(target=self._housekeeping, name="job-housekeeping", daemon=True)
        keeper.start()
        self._threads.append(keeper)

    def stop(self) -> None:
        self._stop.set()
        self.runtime.job_signal.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_one()
            except Exception:
                log.exception("job worker failed to claim a job")
                ran = False
            if not ran:
                self.runtime.job_signal.wait(IDLE_POLL_SECONDS)
                self.runtime.job_signal.clear()

    def run_one(self) -> bool:
        """Claim and run one job; False when nothing was runnable."""
        server_id = self.runtime.server_id
        assert server_id is not None
        with self.runtime.database.session() as db:
            job = queue.claim_next(db, server_id, self.runtime.now())
            job_id = job.id if job is not None else None
        if job_id is None:
            return False
        self._execute(job_id)
        return True

    def _execute(self, job_id: int) -> None:
        for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
            try:
                self._attempt(job_id)
                return
            except Exception as error:
                if not is_transient(error) or attempt == TRANSIENT_ATTEMPTS:
                    raise
                log.warning("job %s met a transient database error, running it again: %s", job_id, error)

    def _attempt(self, job_id: int) -> None:
        """Run the job once; its work and its completion commit together, or it is marked failed."""
        runtime = self.runtime
        try:
            with runtime.database.session() as db:
                job = db.get(AsyncJob, job_id)
                assert job is not None
                command = lookup(job.command)
                user = db.get(User, job.user_id)
                if command is None or user is None:
                    raise ApiError(ErrorCode.INTERNAL_ERROR, f"Unable to run job for command {job.command}")
                call = build_call(runtime, db, command, json.loads(job.params), caller_for(user), job.uuid)
                result = command.handler(call)
                queue.complete(job, runtime.now(), plain(result_body(command.kind, command.key, result)))
            return
        except ApiError as err:
            code, text = int(err.code), err.text
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("job %s failed", job_id)
            code, text = int(ErrorCode.INTERNAL_ERROR), GENERIC_INTERNAL_TEXT
        with runtime.database.session() as db:
            job = db.get(AsyncJob, job_id)
            if job is not None:
                queue.fail(job, runtime.now(), code, text)

    def _housekeeping(self) -> None:
        while not self._stop.wait(self.housekeeping_seconds):
            try:
                self.tick()
            except Exception:
                log.exception("job housekeeping failed")

    def tick(self) -> None:
        """Heartbeat this server and purge finished jobs older than job.expire.minutes."""
        runtime = self.runtime
        with runtime.database.session() as db:
            row = db.get(ManagementServer, runtime.server_id)
            if row is not None:
                row.last_heartbeat = runtime.now()
            queue.purge_expired(db, runtime.now(), settings.get_int(db, "job.expire.minutes"))
            self._events_purged = events.purge_old(db, runtime.now(), self._events_purged)
