"""Start-up time and memory: `nimbostack serve` on an empty data dir until the first successful listZones.

Each run launches the real command on a fresh data directory (and, with --db-url, a fresh database on that
server), so the schema is built, the built-ins are created and the sandbox is laid out on the clock. The
clock stops when admin has logged in and listZones answers with the sandbox's zones; then the server's
resident memory is read from /proc/<pid>/status (VmRSS). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/startup.py` from the repository: reuse tests/support

import httpx  # noqa: E402
from tests.support.server import drop_database, free_port, fresh_database  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_RSS_MB = 100.0
SANDBOX_ZONES = 2
POLL_SECONDS = 0.005


@dataclass(frozen=True)
class Run:
    port_open: float
    answered: float
    cpu: float
    rss_mb: float


def _command() -> list[str]:
    """The installed `nimbostack` script next to this interpreter, as `make serve` runs it."""
    script = Path(sys.executable).with_name("nimbostack")
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "nimbostack.cli", "serve"]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(POLL_SECONDS)
    raise RuntimeError("server did not open its port in time")


def _list_zones(url: str) -> int:
    """Log in as admin and list zones; the number of zones listed."""
    with httpx.Client(timeout=30) as http:
        login = http.post(
            url, data={"command": "login", "username": "admin", "password": "password", "response": "json"}
        )
        login.raise_for_status()
        key = login.json()["loginresponse"]["sessionkey"]
        zones = http.get(url, params={"command": "listZones", "response": "json", "sessionkey": key})
        zones.raise_for_status()
        return int(zones.json()["listzonesresponse"].get("count", 0))


def run_once(base_db_url: str | None, env: dict[str, str], timeout: float) -> Run:
    db_url, db_name = fresh_database(base_db_url)
    try:
        with tempfile.TemporaryDirectory(prefix="nimbostack-startup-") as data_dir:
            return _measure(Path(data_dir), db_url, env, timeout)
    finally:
        drop_database(base_db_url, db_name)


def _measure(data_dir: Path, db_url: str | None, env: dict[str, str], timeout: float) -> Run:
    port = free_port()
    child_env = dict(env, NIMBOSTACK_PORT=str(port), NIMBOSTACK_DATA_DIR=str(data_dir))
    if db_url:
        child_env["NIMBOSTACK_DB_URL"] = db_url
    log = data_dir / "server.log"
    with open(log, "wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(_command(), env=child_env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(port, proc, started + timeout)
            port_open = time.monotonic() - started
            zones = _list_zones(f"http://127.0.0.1:{port}/client/api")
            answered = time.monotonic() - started
            cpu, rss = _cpu_seconds(proc.pid), _rss_mb(proc.pid)
        except Exception:
            sys.stderr.write(log.read_text(errors="replace"))
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if zones != SANDBOX_ZONES:
        raise RuntimeError(f"listZones answered {zones} zones, expected the sandbox's {SANDBOX_ZONES}")
    return Run(port_open, answered, cpu, rss)


def _child_env(keep_bytecode_off: bool) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("NIMBOSTACK_DB_URL", "NIMBOSTACK_NO_SANDBOX", "NIMBOSTACK_DATACENTER", "NIMBOSTACK_ADMIN_PASSWORD"):
        env.pop(name, None)
    env["NIMBOSTACK_HOST"] = "127.0.0.1"
    if not keep_bytecode_off:
        # An installed server keeps compiled bytecode; a shell that forbids writing it would make every run
        # compile the whole package again, which is not what a user's `make serve` does.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _machine() -> str:
    """How busy and how quick this machine is, to read the numbers against (they scale with both)."""
    started = time.process_time()
    sum(range(10_000_000))
    loop = time.process_time() - started
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load}, reference loop sum(range(10**7)) {loop:.2f} s CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db-url", default=os.environ.get("NIMBOSTACK_DB_URL"), help="server to make databases on")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as set: every run compiles the source"
    )
    args = parser.parse_args()
    env = _child_env(args.no_bytecode)
    # One untimed start first: it writes the bytecode cache and warms the disk cache, as any earlier start would.
    run_once(args.db_url, env, args.timeout)
    runs = [run_once(args.db_url, env, args.timeout) for _ in range(args.runs)]
    where = args.db_url.split("://", 1)[0] if args.db_url else "sqlite"
    print(f"nimbostack serve on an empty data dir ({where}) to the first listZones after login, sandbox laid out")
    print(f"machine: {_machine()}")
    print(f"{'run':>6} {'port open s':>12} {'listZones s':>12} {'server CPU s':>13} {'RSS MB':>8}")
    for i, run in enumerate(runs, 1):
        print(f"{i:>6} {run.port_open:>12.3f} {run.answered:>12.3f} {run.cpu:>13.2f} {run.rss_mb:>8.1f}")
    fields = ("port_open", "answered", "cpu", "rss_mb")
    median = Run(*(statistics.median(getattr(r, f) for r in runs) for f in fields))
    print(f"{'median':>6} {median.port_open:>12.3f} {median.answered:>12.3f} {median.cpu:>13.2f} {median.rss_mb:>8.1f}")
    seconds, rss = f"< {TARGET_SECONDS:.3f}", f"< {TARGET_RSS_MB:.0f}"
    print(f"{'target':>6} {'':>12} {seconds:>12} {'':>13} {rss:>8}")
    met = median.answered < TARGET_SECONDS and median.rss_mb < TARGET_RSS_MB
    print("targets met" if met else "targets NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
