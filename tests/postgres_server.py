"""A real PostgreSQL 15 for the tests: a throw-away cluster in a temporary folder, on a free port of 127.0.0.1
with its unix socket in that folder, stopped (and deleted) at the end.

initdb refuses to run as root, so as root the cluster belongs to an unprivileged user (`nobody`, or
PAPI_PG_USER) and every server command runs through `runuser`. Durability is switched off (fsync, full page
writes, synchronous commit): the data is thrown away, and the tests measure behaviour, not disks. Anything that
goes wrong raises PostgresUnavailable with the server's own words: a test that needs PostgreSQL fails loudly.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BINDIRS = (Path("/usr/local/bin"), Path("/usr/lib/postgresql/15/bin"))
SUPERUSER = "papi"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be started for the tests."""


def _binary(name: str) -> str:
    for folder in BINDIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise PostgresUnavailable(f"không tìm thấy {name} của PostgreSQL 15 (cài gói postgresql-15)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="papi-pg-"))
        self.port = free_port()
        self.user = os.environ.get("PAPI_PG_USER", "nobody") if os.geteuid() == 0 else None
        self.data = self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        argv = ["runuser", "-u", self.user, "--", *command] if self.user else list(command)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(f"{' '.join(command[:2])} lỗi ({done.returncode}): "
                                      f"{done.stderr.strip() or done.stdout.strip()}\n{tail}")

    def start(self) -> str:
        if self.user is not None:
            try:
                owner = pwd.getpwnam(self.user)
            except KeyError:
                raise PostgresUnavailable(f"không có người dùng {self.user} để chạy initdb: đặt PAPI_PG_USER") from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run(_binary("initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c full_page_writes=off -c synchronous_commit=off -c max_connections=200")
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")
        return self.url

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """A new empty database on the server, as a URL (each test gets its own, as each gets its own SQLite file)."""
    import psycopg  # only the PostgreSQL tests need the driver

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
