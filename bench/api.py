"""API throughput: the real server over HTTP, N keep-alive connections, one row per case.

Starts `nimbostack serve` in a subprocess (fresh data dir, fresh database) the way the tests do, makes API
keys for admin, then drives each case for a fixed time. `GET /client/ping` answers a fixed body through the
same HTTP stack: the framework ceiling the API cases are compared with. The load comes from `wrk` when it
is installed (`apt-get install wrk`), else from a Python asyncio client that is much slower than the
server's ping and so understates the gap. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
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
WARM_UP_SECONDS = 1.0

# wrk prints its summary in its own layout; this hook prints the numbers we need on one line.
# Latencies are in microseconds, the duration too.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("NIMBOBENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Case:
    name: str
    target: str  # path and query
    headers: dict[str, str] = field(default_factory=dict)
    judged: bool = False  # one of the signed calls the 60% target is about


@dataclass
class Outcome:
    case: Case
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float | None
    client_cpu: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def process_tree_cpu(pid: int) -> float | None:
    """User + system CPU so far of a process and its live descendants (uvicorn workers); None off Linux."""
    try:
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
    except OSError:
        return None
    if pid not in stats:
        return None
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, fields in stats.items() if int(fields[1]) == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    ticks = sum(int(stats[p][11]) + int(stats[p][12]) for p in tree)
    return ticks / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU of finished child processes (each wrk run), to tell whether the load generator was the limit."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Wrk:
    """Load from wrk: one thread (the server needs the other CPUs), a fixed request replayed."""

    def __init__(self, binary: str, script_dir: Path) -> None:
        self.binary = binary
        self.script = script_dir / "report.lua"
        self.script.write_text(WRK_REPORT)

    def _run(self, url: str, case: Case, connections: int, seconds: float) -> tuple[int, float, float, float, int]:
        argv = [self.binary, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(self.script)]
        for name, value in case.headers.items():
            argv += ["-H", f"{name}: {value}"]
        done = subprocess.run([*argv, url + case.target], capture_output=True, text=True, check=True)
        line = next((x for x in done.stdout.splitlines() if x.startswith("NIMBOBENCH ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")
        requests, micros, p50, p99, bad_status, socket_errors = (int(x) for x in line.split()[1:])
        return requests, micros / 1e6, p50 / 1000.0, p99 / 1000.0, bad_status + socket_errors

    def measure(self, url: str, case: Case, connections: int, seconds: float, pid: int) -> Outcome:
        self._run(url, case, connections, WARM_UP_SECONDS)
        cpu_before, client_before = process_tree_cpu(pid), children_cpu()
        requests, elapsed, p50, p99, errors = self._run(url, case, connections, seconds)
        cpu_after, client_after = process_tree_cpu(pid), children_cpu()
        server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        return Outcome(case, requests, elapsed, p50, p99, errors, server_cpu, client_after - client_before)


class PythonClient:
    """The fallback without wrk: keep-alive connections from one asyncio loop (httpx)."""

    def measure(self, url: str, case: Case, connections: int, seconds: float, pid: int) -> Outcome:
        return asyncio.run(self._measure(url, case, connections, seconds, pid))

    async def _measure(self, url: str, case: Case, connections: int, seconds: float, pid: int) -> Outcome:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
            warm: list[float] = []
            until = time.perf_counter() + WARM_UP_SECONDS
            await asyncio.gather(*(_drive(http, case, until, warm) for _ in range(connections)))
            latencies: list[float] = []
            cpu_before, client_before = process_tree_cpu(pid), time.process_time()
            began = time.perf_counter()
            runs = (_drive(http, case, began + seconds, latencies) for _ in range(connections))
            errors = sum(await asyncio.gather(*runs))
            elapsed = time.perf_counter() - began
            cpu_after, client_after = process_tree_cpu(pid), time.process_time()
        server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        ordered = sorted(latencies) or [float("nan")]
        p50, p99 = (ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 for share in (0.5, 0.99))
        return Outcome(case, len(latencies), elapsed, p50, p99, errors, server_cpu, client_after - client_before)


async def _drive(http: httpx.AsyncClient, case: Case, until: float, latencies: list[float]) -> int:
    errors = 0
    while time.perf_counter() < until:
        began = time.perf_counter()
        reply = await http.get(case.target, headers=case.headers)
        latencies.append(time.perf_counter() - began)
        if reply.status_code != 200:
            errors += 1
    return errors


def _signed(command: str, api_key: str, secret: str, **extra: str) -> str:
    """A v1 signature without `expires`: it never goes stale, so one URL replayed is a valid signed call
    that the server verifies in full every time (key lookup, role check, HMAC)."""
    query = {"command": command, "response": "json", "apiKey": api_key, **extra}
    query["signature"] = sign(query, secret)
    return "/client/api?" + urlencode(query)


def _cases(admin: SessionClient, api_key: str, secret: str) -> list[Case]:
    cookies = "; ".join(f"{name}={value}" for name, value in admin.http.cookies.items())
    session_query = urlencode({"command": "listAccounts", "response": "json", "sessionkey": admin.session_key})
    return [
        Case("GET /client/ping (ceiling)", "/client/ping"),
        # Authentication, one settings read and rendering, no list query: what any signed call costs at least.
        Case("signed listCapabilities", _signed("listCapabilities", api_key, secret)),
        Case("signed listAccounts", _signed("listAccounts", api_key, secret, listall="true"), judged=True),
        Case("signed listUsers", _signed("listUsers", api_key, secret, listall="true"), judged=True),
        Case("session listAccounts", "/client/api?" + session_query + "&listall=true", {"Cookie": cookies}),
    ]


def _best(client: Wrk | PythonClient, base: str, case: Case, args: argparse.Namespace, pid: int) -> Outcome:
    """The run with the most requests of `--repeat` runs: on a shared machine the others lost CPU time."""
    runs = [client.measure(base, case, args.connections, args.seconds, pid) for _ in range(args.repeat)]
    return max(runs, key=lambda run: run.rate)


def _check_cases(base: str, cases: list[Case]) -> None:
    """One request per case before measuring: a wrong URL must fail loudly, not measure error answers."""
    for case in cases:
        reply = httpx.get(base + case.target, headers=case.headers, timeout=30)
        if reply.status_code != 200:
            raise RuntimeError(f"{case.name}: HTTP {reply.status_code}: {reply.text[:300]}")


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
            f"{out.case.name:<28} {out.requests:>9} {out.rate:>8.0f} {out.p50_ms:>8.2f} "
            f"{out.p99_ms:>8.2f} {out.rate / ceiling:>6.2f} {per_request:>15}"
        )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--connections", "--clients", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per case (default 5)")
    parser.add_argument("--accounts", type=int, default=10, help="extra accounts created first (default 10)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case, the best one is shown (default 1)")
    parser.add_argument(
        "--client",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk (apt-get install wrk), the Python fallback, or auto (wrk when installed)",
    )
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (NIMBOSTACK_WORKERS)")
    parser.add_argument(
        "--db-url",
        default=os.environ.get("NIMBOSTACK_DB_URL"),
        help="database server to create a scratch database on (default: SQLite in a temporary directory)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    wrk = shutil.which("wrk")
    if args.client == "wrk" and wrk is None:
        print("bench: wrk is not installed (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
        return 2
    db_url, db_name = fresh_database(args.db_url or None)
    with tempfile.TemporaryDirectory(prefix="nimbostack-bench-") as scratch:
        use_wrk = wrk is not None and args.client != "python"
        client: Wrk | PythonClient = Wrk(wrk, Path(scratch)) if use_wrk and wrk else PythonClient()
        env = {"NIMBOSTACK_WORKERS": str(args.workers)} if args.workers > 1 else {}
        server = RunningServer(data_dir=Path(scratch) / "data", db_url=db_url, extra_env=env)
        server.start()
        try:
            assert server.proc is not None
            admin = SessionClient(server.url, "admin", "password")
            _seed(admin, args.accounts)
            keys = admin("registerUserKeys", id=admin.login["userid"])["userkeys"]
            base = server.url.removesuffix("/client/api")
            cases = _cases(admin, keys["apikey"], keys["secretkey"])
            _check_cases(base, cases)
            outcomes = [_best(client, base, case, args, server.proc.pid) for case in cases]
            admin.close()
        finally:
            server.stop()
            drop_database(args.db_url or None, db_name)

    database = "SQLite" if not args.db_url else args.db_url.split("://", 1)[0]
    print(
        f"nimbostack API bench: {'wrk' if use_wrk else 'Python client'}, {args.connections} connections, "
        f"{args.seconds:g} s per case (best of {args.repeat}), {database}, {args.workers} server worker(s), "
        f"{args.accounts} extra "
        f"accounts, {os.cpu_count()} CPUs shared by client and server"
    )
    print(_table(outcomes))
    failed = [o for o in outcomes if o.errors]
    for out in failed:
        print(f"!! {out.case.name}: {out.errors} failed requests (non-2xx or socket errors)", file=sys.stderr)
    judged = [o for o in outcomes if o.case.judged]
    worst = min(o.rate for o in judged) / (outcomes[0].rate or 1.0)
    verdict = "meets" if worst >= TARGET_RATIO else "misses"
    print(f"slowest signed list call at {worst:.0%} of the ceiling: {verdict} the {TARGET_RATIO:.0%} target")
    busy = max(o.client_cpu / o.seconds for o in outcomes)
    if busy > 0.8:
        print(f"note: the load generator used up to {busy:.0%} of a core; the ceiling may be client-bound")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
