"""A private OpenLDAP server for tests: slapd on a free loopback port, a temporary mdb database, the test
directory loaded through the server (so the memberof overlay fills memberOf), stopped at the end.

Needs Debian's `slapd` and `ldap-utils` (`.ci/run` installs them) and root; without them the tests that
use these fixtures are skipped with the reason. TLS material is made with the `openssl` command.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.server import free_port

DATA = Path(__file__).parent / "ldap_data"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
BASE_DN = "dc=example,dc=org"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-pw"
READER_DN = f"cn=reader,{BASE_DN}"
READER_PASSWORD = "reader-pw"
AD_BASE_DN = f"ou=ad,{BASE_DN}"
CLOUD_GROUP = f"cn=cloud,ou=groups,{BASE_DN}"
OPS_GROUP = f"cn=ops,ou=groups,{BASE_DN}"
PEOPLE_OU = f"ou=people,{BASE_DN}"
ENGINEERING_OU = f"ou=engineering,{BASE_DN}"
AD_GROUP = f"cn=ad-cloud,{AD_BASE_DN}"


def missing_reason() -> str | None:
    """Why slapd tests cannot run here, or None."""
    for tool in ("slapd", "ldapmodify"):
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
            return f"{tool} is not installed (apt-get install slapd ldap-utils)"
    if os.geteuid() != 0:
        return "the slapd tests run as root (as CI does)"
    if not (SCHEMA_DIR / "inetorgperson.schema").exists():
        return f"OpenLDAP schemas not found in {SCHEMA_DIR}"
    return None


def _slapd() -> str:
    return shutil.which("slapd") or "/usr/sbin/slapd"


@dataclass(frozen=True)
class TlsFiles:
    """A CA and a server certificate for localhost / 127.0.0.1 that it signed."""

    ca: Path
    cert: Path
    key: Path


def make_tls(directory: Path, name: str = "test") -> TlsFiles:
    """A fresh CA and server certificate (with openssl), valid for 2 days."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = directory / f"{name}-ca.pem", directory / f"{name}-ca.key"
    cert, key, csr = directory / f"{name}-server.pem", directory / f"{name}-server.key", directory / f"{name}.csr"
    ext = directory / f"{name}-ext.cnf"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    days = ["-days", "2"]
    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        *days,
        "-subj",
        f"/CN={name} CA",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
    )
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(csr))
    signing = ["-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-extfile", str(ext)]
    run("x509", "-req", "-in", str(csr), *signing, *days, "-out", str(cert))
    return TlsFiles(ca=ca, cert=cert, key=key)


@dataclass
class SlapdServer:
    """One slapd process with its own config and database under `workdir`.

    With `tls`, it also listens for LDAPS on `ldaps_port`, offers StartTLS on `port`, and refuses any
    operation (bind included) over a connection without TLS.
    """

    workdir: Path
    tls: TlsFiles | None = None
    port: int = field(default_factory=free_port)
    ldaps_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    loaded: bool = False

    @property
    def urls(self) -> list[str]:
        urls = [f"ldap://127.0.0.1:{self.port}/"]
        if self.tls is not None:
            urls.append(f"ldaps://127.0.0.1:{self.ldaps_port}/")
        return urls

    def _config(self) -> str:
        schemas = [SCHEMA_DIR / f"{n}.schema" for n in ("core", "cosine", "inetorgperson", "nis")]
        lines = [f"include {path}" for path in [*schemas, DATA / "ad.schema"]]
        lines += [
            f"modulepath {MODULE_DIR}",
            "moduleload back_mdb",
            "moduleload memberof",
            f"pidfile {self.workdir / 'slapd.pid'}",
            f"argsfile {self.workdir / 'slapd.args'}",
        ]
        if self.tls is not None:
            lines += [
                f"TLSCACertificateFile {self.tls.ca}",
                f"TLSCertificateFile {self.tls.cert}",
                f"TLSCertificateKeyFile {self.tls.key}",
                "security tls=1",
            ]
        lines += [
            "database mdb",
            "maxsize 33554432",
            f'suffix "{BASE_DN}"',
            f'rootdn "{ADMIN_DN}"',
            f"rootpw {ADMIN_PASSWORD}",
            f"directory {self.workdir / 'db'}",
            # Anonymous clients may only bind: searching needs the service account, as in production.
            "access to attrs=userPassword by self write by anonymous auth by * none",
            "access to * by users read by * none",
            "overlay memberof",
            "memberof-group-oc groupOfUniqueNames",
            "memberof-member-ad uniqueMember",
        ]
        return "\n".join(lines) + "\n"

    def start(self, timeout: float = 15.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "db").mkdir(exist_ok=True)
        conf = self.workdir / "slapd.conf"
        conf.write_text(self._config())
        log = open(self.workdir / "slapd.log", "ab")  # noqa: SIM115 - the child process owns it
        # -d keeps slapd in the foreground, so that this object owns the process.
        self.proc = subprocess.Popen(
            [_slapd(), "-f", str(conf), "-h", " ".join(self.urls), "-d", "0"], stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while not self._listening():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"slapd did not start:\n{(self.workdir / 'slapd.log').read_text()}")
            time.sleep(0.05)
        if not self.loaded:
            self._load(DATA / "directory.ldif")
            self.loaded = True

    def _listening(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def _load(self, ldif: Path) -> None:
        self.modify(ldif.read_text(), add=True)

    def modify(self, ldif: str, *, add: bool = False) -> None:
        """Apply LDIF change records (plain entries with `add`) as the directory manager."""
        env = dict(os.environ)
        url = self.urls[0]
        if self.tls is not None:
            # The loader is not under test; it needs TLS because the server insists on it.
            url, env["LDAPTLS_REQCERT"] = self.urls[1], "never"
        subprocess.run(
            ["ldapmodify", *(["-a"] if add else []), "-x", "-H", url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
            input=ldif.encode(),
            check=True,
            capture_output=True,
            env=env,
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _started(workdir: Path, tls: TlsFiles | None = None) -> SlapdServer:
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    server = SlapdServer(workdir, tls=tls)
    server.start()
    return server


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    """The shared directory server; tests must not stop it."""
    server = _started(tmp_path_factory.mktemp("slapd"))
    yield server
    server.stop()


@pytest.fixture
def private_slapd(tmp_path: Path) -> Iterator[SlapdServer]:
    """A server of the test's own, for a test that changes the directory or stops the server."""
    server = _started(tmp_path / "slapd-private")
    yield server
    server.stop()


@pytest.fixture
def slapd_pair(tmp_path: Path) -> Iterator[tuple[SlapdServer, SlapdServer]]:
    """Two servers with the same data, for a test that stops them (fail-over)."""
    first = _started(tmp_path / "slapd-a")
    try:
        second = _started(tmp_path / "slapd-b")
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A CA that signed nothing the servers use."""
    return make_tls(tmp_path_factory.mktemp("tls-other"), "other")


@pytest.fixture(scope="session")
def slapd_tls(tmp_path_factory: pytest.TempPathFactory, tls_files: TlsFiles) -> Iterator[SlapdServer]:
    """A server that speaks only TLS: LDAPS on `ldaps_port`, StartTLS on `port`."""
    server = _started(tmp_path_factory.mktemp("slapd-tls"), tls=tls_files)
    yield server
    server.stop()
