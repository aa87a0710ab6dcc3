"""The Starlette application: routes /client/api to the pipeline, off the event loop."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from nimbostack.api.pipeline import WireRequest, WireResponse, handle
from nimbostack.runtime import ServerOptions
from nimbostack.server import Server

MAX_BODY_BYTES = 8 * 1024 * 1024
# What `nimbostack serve --workers N` hands its worker processes: JSON with the data dir, the database URL and
# the server's id and uuid.
WORKER_CONTEXT_ENV = "NIMBOSTACK_WORKER_CONTEXT"


def create_app(server: Server, *, integration: bool = False, manage_lifecycle: bool = True) -> Starlette:
    runtime = server.runtime

    async def api(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("request body too large", status_code=413)
        wire = WireRequest(
            method=request.method,
            query=request.url.query,
            body=body if _is_form(request) else b"",
            cookies=dict(request.cookies),
            client_ip=request.client.host if request.client else "",
            integration=integration,
        )
        answer = await run_in_threadpool(handle, runtime, wire)
        return _to_response(answer)

    async def trivial(_request: Request) -> Response:
        # A fixed answer through the same HTTP stack: the framework ceiling that bench/api.py compares with.
        return Response(b'{"pingresponse":{}}', media_type="application/json")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if manage_lifecycle:
            server.start_workers()
        try:
            yield
        finally:
            if manage_lifecycle:
                server.stop()

    routes = [
        Route("/client/api", api, methods=["GET", "POST"]),
        Route("/client/api/{rest:path}", api, methods=["GET", "POST"]),
        Route("/client/ping", trivial, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith("application/x-www-form-urlencoded") or not kind


def _to_response(answer: WireResponse) -> Response:
    response = Response(
        answer.content, status_code=answer.status, headers=answer.headers, media_type=answer.content_type
    )
    for cookie in answer.cookies:
        response.headers.append("set-cookie", cookie)
    return response


def worker_app() -> Starlette:
    """The API app of one `nimbostack serve --workers N` process (uvicorn calls this factory in each one).

    The main process has migrated, seeded and registered the server, and runs the job runner and the
    integration port; a worker answers API requests only, with its own connection pool.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    context = json.loads(os.environ[WORKER_CONTEXT_ENV])
    server = Server(ServerOptions(data_dir=Path(context["data_dir"]), db_url=context["database_url"]))
    server.runtime.server_id = context["server_id"]
    server.runtime.server_uuid = context["server_uuid"]
    return create_app(server, manage_lifecycle=False)
