"""`nimbostack serve`, `nimbostack db upgrade` and `nimbostack api-coverage`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from nimbostack.runtime import ServerOptions

if TYPE_CHECKING:
    import uvicorn

    from nimbostack.server import Server


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def _flag(name: str) -> bool:
    return (os.environ.get(name) or "").strip().lower() in ("1", "true", "yes", "on")


def _options(args: argparse.Namespace) -> ServerOptions:
    datacenter = getattr(args, "datacenter", None)
    return ServerOptions(
        host=args.host,
        port=int(args.port),
        data_dir=Path(args.data_dir),
        db_url=args.db_url or None,
        admin_password=args.admin_password or None,
        job_workers=int(args.job_workers),
        datacenter=Path(datacenter).resolve() if datacenter else None,
        sandbox=not getattr(args, "no_sandbox", False),
    )


def _add_server_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=_env("NIMBOSTACK_HOST", "127.0.0.1"),
        help="address to listen on (NIMBOSTACK_HOST, default 127.0.0.1)",
    )
    parser.add_argument(
        "--port", default=_env("NIMBOSTACK_PORT", "8080"), help="API port (NIMBOSTACK_PORT, default 8080)"
    )
    parser.add_argument(
        "--data-dir",
        default=_env("NIMBOSTACK_DATA_DIR", "./data"),
        help="where state is kept (NIMBOSTACK_DATA_DIR, default ./data)",
    )
    parser.add_argument(
        "--db-url",
        default=_env("NIMBOSTACK_DB_URL"),
        help="database URL (NIMBOSTACK_DB_URL, default SQLite in the data dir)",
    )
    parser.add_argument(
        "--admin-password",
        default=_env("NIMBOSTACK_ADMIN_PASSWORD"),
        help="password for user admin (NIMBOSTACK_ADMIN_PASSWORD); required off loopback",
    )
    parser.add_argument(
        "--job-workers",
        default=_env("NIMBOSTACK_JOB_WORKERS", "4"),
        help="async job worker threads (NIMBOSTACK_JOB_WORKERS, default 4)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nimbostack", description="CloudStack-compatible management server")
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="run the API server")
    _add_server_args(serve)
    serve.add_argument(
        "--datacenter",
        metavar="FILE",
        default=_env("NIMBOSTACK_DATACENTER"),
        help="on a first start, lay out this data-center file (YAML or JSON) instead of the sandbox "
        "(NIMBOSTACK_DATACENTER)",
    )
    serve.add_argument(
        "--no-sandbox",
        action="store_true",
        default=_flag("NIMBOSTACK_NO_SANDBOX"),
        help="on a first start, lay out nothing: an empty cloud (NIMBOSTACK_NO_SANDBOX=1)",
    )
    serve.add_argument(
        "--workers",
        default=_env("NIMBOSTACK_WORKERS", "1"),
        help="processes answering API requests (NIMBOSTACK_WORKERS, default 1); async jobs and the "
        "integration port stay in the main process",
    )
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    _add_server_args(db)
    cov = sub.add_parser("api-coverage", help="write the API coverage report")
    cov.add_argument("--catalogue", required=True)
    cov.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic announces every plugin it loads; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.cmd == "serve":
        if args.datacenter and args.no_sandbox:
            parser.error("--datacenter and --no-sandbox ask for different clouds: give one of them")
        workers = str(args.workers).strip()
        if not workers.isdigit() or int(workers) < 1:
            parser.error(f"--workers must be a whole number of at least 1, not {args.workers!r}")
        return serve_forever(_options(args), workers=int(workers))
    if args.cmd == "db":
        from nimbostack.db import migrate
        from nimbostack.db.engine import Database

        database = Database(_options(args).database_url)
        migrate.upgrade(database.engine)
        return 0
    from nimbostack.coverage import write_report

    write_report(Path(args.catalogue), Path(args.output))
    return 0


def serve_forever(options: ServerOptions, *, workers: int = 1) -> int:
    import uvicorn

    from nimbostack.api.app import create_app
    from nimbostack.sandbox import LayoutError
    from nimbostack.server import Server
    from nimbostack.services.bootstrap import UnsafeStart

    server = Server(options)
    try:
        server.prepare()
    except (UnsafeStart, LayoutError) as err:
        print(f"nimbostack: {err}", file=sys.stderr)
        return 2
    integration_port = server.integration_port()
    configs = [
        uvicorn.Config(create_app(server), host=options.host, port=options.port, log_level="warning", access_log=False)
    ]
    if integration_port > 0:
        # Unauthenticated by design, so it only ever listens on loopback.
        configs.append(
            uvicorn.Config(
                create_app(server, integration=True, manage_lifecycle=False),
                host="127.0.0.1",
                port=integration_port,
                log_level="warning",
                access_log=False,
            )
        )
    host = f"[{options.host}]" if ":" in options.host else options.host
    print(f"nimbostack API: http://{host}:{options.port}/client/api", flush=True)
    if options.admin_password:
        print("log in as user 'admin' (domain ROOT) with the configured admin password", flush=True)
    else:
        print("log in as user 'admin', password 'password', domain ROOT (loopback only)", flush=True)
    if integration_port > 0:
        print(f"integration API (unauthenticated): http://127.0.0.1:{integration_port}/client/api", flush=True)
    if workers > 1:
        return _serve_workers(server, options, workers, configs[1:])

    async def run_all() -> None:
        await asyncio.gather(*(uvicorn.Server(c).serve() for c in configs))

    asyncio.run(run_all())
    return 0


def _serve_workers(server: Server, options: ServerOptions, workers: int, side: list[uvicorn.Config]) -> int:
    """API requests in `workers` processes; the job runner and the integration port (`side`) once, here.

    All state is in the database, so a worker needs only its URL and this server's identity (job rows and
    the login answer carry it). A job queued by a worker waits for the runner's next poll (half a second at
    most): the wake-up signal does not cross processes.
    """
    import json
    import socket
    import threading

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from nimbostack.api.app import WORKER_CONTEXT_ENV

    os.environ[WORKER_CONTEXT_ENV] = json.dumps(
        {
            "data_dir": str(options.data_dir),
            "database_url": options.database_url,
            "server_id": server.runtime.server_id,
            "server_uuid": server.runtime.server_uuid,
        }
    )
    config = uvicorn.Config(
        "nimbostack.api.app:worker_app",
        factory=True,
        host=options.host,
        port=options.port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
    bound = config.bind_socket()
    # uvicorn binds with protocol 0, and asyncio sets TCP_NODELAY on accepted connections only for
    # IPPROTO_TCP: without it every keep-alive answer waits ~40 ms for a delayed ACK (uvicorn issue 3149).
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    supervisor = Multiprocess(config, sockets=[sock])  # takes SIGINT/SIGTERM from here on
    listeners = [uvicorn.Server(c) for c in side]
    threads = [threading.Thread(target=s.run, name="integration-api", daemon=True) for s in listeners]
    server.start_workers()
    for thread in threads:
        thread.start()
    try:
        supervisor.run()
    finally:
        for listener in listeners:
            listener.should_exit = True
        for thread in threads:
            thread.join(timeout=10)
        server.stop()
        sock.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
