"""API throughput: the real server over HTTP, N concurrent clients, one row per case.

Starts `nimbostack serve` in a subprocess (fresh data dir, fresh database) the way the tests do, makes API
keys for admin, then drives each case for a fixed time with N keep-alive connections from one asyncio
loop. `GET /client/ping` answers a fixed body through the same HTTP stack: the framework ceiling the API
cases are compared with. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/api.py` from the repository: reuse tests/support

import httpx  # noqa: E402
from tests.support.clients import SessionClient  # noqa: E402
from tests.support.server import RunningServer, drop_database, fresh_database  # noqa: E402

from nimbostack.api.signing import sign  # noqa: E402

TARGET_RATIO = 0.60  # the goal: a signed call reaches 60% of the ceiling


@dataclass(frozen=True)
class Case:
    name: str
    target: str  # path and query
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    case: Case
    latencies: list[float]
    errors: int
    seconds: float
    server_cpu: float | None
    client_cpu: float

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000.0


def server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of the server process so far (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _drive(http: httpx.AsyncClient, case: Case, until: float, latencies: list[float]) -> int:
    errors = 0
    while time.perf_counter() < until:
        began = time.perf_counter()
        reply = await http.get(case.target, headers=case.headers)
        latencies.append(time.perf_counter() - began)
        if reply.status_code != 200:
            errors += 1
    return errors


async def _measure(base: str, case: Case, clients: int, seconds: float, pid: int) -> Outcome:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        warm: list[float] = []
        await asyncio.gather(*(_drive(http, case, time.perf_counter() + 0.5, warm) for _ in range(clients)))
        latencies: list[float] = []
        cpu_before, client_before = server_cpu_seconds(pid), time.process_time()
        began = time.perf_counter()
        until = began + seconds
        errors = await asyncio.gather(*(_drive(http, case, until, latencies) for _ in range(clients)))
        elapsed = time.perf_counter() - began
        cpu_after, client_after = server_cpu_seconds(pid), time.process_time()
    server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Outcome(case, latencies, sum(errors), elapsed, server_cpu, client_after - client_before)


def _signed(command: str, api_key: str, secret: str, **extra: str) -> str:
    query = {"command": command, "response": "json", "apiKey": api_key, **extra}
    query["signature"] = sign(query, secret)
    return "/client/api?" + urlencode(query)


def _cases(server: RunningServer, admin: SessionClient, api_key: str, secret: str) -> list[Case]:
    cookies = "; ".join(f"{name}={value}" for name, value in admin.http.cookies.items())
    session_query = urlencode({"command": "listAccounts", "response": "json", "sessionkey": admin.session_key})
    return [
        Case("GET /client/ping (ceiling)", "/client/ping"),
        Case("signed listAccounts", _signed("listAccounts", api_key, secret, listall="true")),
        Case("signed listUsers", _signed("listUsers", api_key, secret, listall="true")),
        Case("session listAccounts", "/client/api?" + session_query + "&listall=true", {"Cookie": cookies}),
    ]


def _seed(admin: SessionClient, accounts: int) -> None:
    """A few ordinary accounts so the lists are not trivially short."""
    for index in range(accounts):
        admin(
            "createAccount",
            username=f"bench{index}",
            password="Bench-pw-1",
            email=f"bench{index}@example.org",
            firstname="Bench",
            lastname=str(index),
            accounttype=0,
        )


def _table(outcomes: list[Outcome]) -> str:
    ceiling = outcomes[0].rate or 1.0
    header = (
        f"{'case':<28} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'srv CPU ms/req':>15}"
    )
    lines = [header, "-" * len(header)]
    for out in outcomes:
        per_request = f"{out.server_cpu * 1000 / out.requests:.2f}" if out.server_cpu and out.requests else "n/a"
        lines.append(
            f"{out.case.name:<28} {out.requests:>9} {out.rate:>8.0f} {out.percentile(0.50):>8.2f} "
            f"{out.percentile(0.99):>8.2f} {out.rate / ceiling:>6.2f} {per_request:>15}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per case (default 5)")
    parser.add_argument("--accounts", type=int, default=10, help="extra accounts created first (default 10)")
    parser.add_argument(
        "--db-url",
        default=os.environ.get("NIMBOSTACK_DB_URL"),
        help="database server to create a scratch database on (default: SQLite in a temporary directory)",
    )
    args = parser.parse_args(argv)

    db_url, db_name = fresh_database(args.db_url or None)
    with tempfile.TemporaryDirectory(prefix="nimbostack-bench-") as data_dir:
        server = RunningServer(data_dir=Path(data_dir), db_url=db_url)
        server.start()
        try:
            assert server.proc is not None
            admin = SessionClient(server.url, "admin", "password")
            _seed(admin, args.accounts)
            keys = admin("registerUserKeys", id=admin.login["userid"])["userkeys"]
            base = server.url.removesuffix("/client/api")
            cases = _cases(server, admin, keys["apikey"], keys["secretkey"])
            outcomes = [
                asyncio.run(_measure(base, case, args.clients, args.seconds, server.proc.pid)) for case in cases
            ]
            admin.close()
        finally:
            server.stop()
            drop_database(args.db_url or None, db_name)

    database = "SQLite" if not args.db_url else args.db_url.split("://", 1)[0]
    print(
        f"nimbostack API bench: {args.clients} clients, {args.seconds:g} s per case, {database}, "
        f"{args.accounts} extra accounts, {os.cpu_count()} CPUs shared by client and server"
    )
    print(_table(outcomes))
    failed = [o for o in outcomes if o.errors]
    for out in failed:
        print(f"!! {out.case.name}: {out.errors} non-200 answers", file=sys.stderr)
    signed = [o for o in outcomes if o.case.name.startswith("signed")]
    worst = min(o.rate for o in signed) / (outcomes[0].rate or 1.0)
    verdict = "meets" if worst >= TARGET_RATIO else "misses"
    print(f"slowest signed call at {worst:.0%} of the ceiling: {verdict} the {TARGET_RATIO:.0%} target")
    busy = max(o.client_cpu / o.seconds for o in outcomes)
    if busy > 0.9:
        print(f"note: the load generator used up to {busy:.0%} of a core; the ceiling may be client-bound")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
