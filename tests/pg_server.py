"""A real PostgreSQL server for the tests: Debian's binaries, a temporary folder, a free port.

The server refuses to run as root, so as root (CI) it runs as the ``postgres`` user the Debian package
creates, in a folder that user owns; its unix socket sits in the same folder, so two sessions never meet.
When the binaries are absent the tests that need it are skipped locally and FAIL when ``CI`` is set: CI
installs them (.ci/run), and a database test that silently skips there would prove nothing.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

def _newest_server() -> Path:
    """Debian's server binaries (not on PATH): /usr/lib/postgresql/<version>/bin, the newest version installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = Path(os.environ["KAM_XL_PG_BIN"]) if os.environ.get("KAM_XL_PG_BIN") else _newest_server()
USER = "kam"               # the role the tests read as (password authentication, as a finance team's reader)
PASSWORD = "pg-S3cret-kam-42"   # planted so the tests can look for it in every file and message
DATABASE = "ledgers"


@dataclass
class Server:
    folder: Path
    port: int
    owner: str | None        # the user the server runs as (None: this process's own)

    @property
    def url(self) -> str:
        """The URL a kam.toml gives: no password (it comes from KAM_XL_DB_PASSWORD)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def psql(self, sql: str) -> None:
        """Run ``sql`` as the superuser over the unix socket."""
        self._run([str(BIN / "psql"), "-v", "ON_ERROR_STOP=1", "-q", "-h", str(self.folder), "-p", str(self.port),
                   "-d", "postgres" if "CREATE DATABASE" in sql else DATABASE, "-U", "postgres", "-c", sql])

    def _run(self, command: list[str]) -> None:
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def missing(reason: str) -> None:
    """Skip locally; fail in CI, where the component (PostgreSQL, Java, pyspark) must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"needed in CI, where .ci/run installs it: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> Server:
    """A new server with the database ``ledgers`` and the role ``kam`` (password PASSWORD)."""
    psql = shutil.which("psql") or str(BIN / "psql")
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists() or not Path(psql).exists():
        missing(f"PostgreSQL binaries not found in {BIN} (apt-get install postgresql)")
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="kam_pg_"))
    if owner:
        shutil.chown(folder, owner, owner)
    server = Server(folder, _free_port(), owner)
    data = folder / "data"
    server._run([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
    settings = f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={folder} " \
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    server._run([str(BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60",
                 "-o", settings, "start"])
    for _ in range(50):
        try:
            server.psql(f"CREATE DATABASE {DATABASE}")
            break
        except subprocess.CalledProcessError:
            time.sleep(0.2)
    server.psql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'; GRANT ALL ON SCHEMA public TO {USER}")
    return server


def stop(server: Server) -> None:
    try:
        server._run([str(BIN / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
