"""`nimbostack serve`, `nimbostack db upgrade` and `nimbostack api-coverage`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from nimbostack.runtime import ServerOptions


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def _options(args: argparse.Namespace) -> ServerOptions:
    return ServerOptions(
        host=args.host,
        port=int(args.port),
        data_dir=Path(args.data_dir),
        db_url=args.db_url or None,
        admin_password=args.admin_password or None,
        job_workers=int(args.job_workers),
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
        return serve_forever(_options(args))
    if args.cmd == "db":
        from nimbostack.db import migrate
        from nimbostack.db.engine import Database

        database = Database(_options(args).database_url)
        migrate.upgrade(database.engine)
        return 0
    from nimbostack.coverage import write_report

    write_report(Path(args.catalogue), Path(args.output))
    return 0


def serve_forever(options: ServerOptions) -> int:
    import uvicorn

    from nimbostack.api.app import create_app
    from nimbostack.server import Server
    from nimbostack.services.bootstrap import UnsafeStart

    server = Server(options)
    try:
        server.prepare()
    except UnsafeStart as err:
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

    async def run_all() -> None:
        await asyncio.gather(*(uvicorn.Server(c).serve() for c in configs))

    asyncio.run(run_all())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
