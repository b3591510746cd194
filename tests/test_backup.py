"""Backups an operator can restore: `python -m bot backup --dir` (a real process) copies a database that is being
written to, `restore` puts the copy back (refusing while a bot holds the file, and refusing what is not a bot
database), and every report committed before the backup began is there afterwards. With PostgreSQL, the
drop-in that schedules pg_dump instead makes a dump pg_restore puts back, on a real server."""

from __future__ import annotations

import asyncio
import datetime as dt
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from content.loader import KnowledgeBase
from content.search import SearchIndex
from handlers.core.router import Core
from handlers.files.pool import Renderer
from storage import backup, people, reports
from storage.db import Database, ProcessLock, SqliteDatabase, connect
from tests.postgres_server import drop_database, fresh_database
from tests.speakers import NOW, registered_official
from tests.test_deploy import DEPLOY, tool, units_here


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120)


def report(unit_id: int, person_id: int, n: int) -> reports.NewReport:
    return reports.NewReport(plan_id="ke-hoach-thu", task_id=f"nv-{n}", unit_id=unit_id, period="2024",
                             status="dang", percent=n % 100, done_text=f"Báo cáo số {n}", difficulties=None,
                             reporter_id=person_id, idempotency_key=f"bc-{n}")


async def keep_writing(db: Database, unit_id: int, person_id: int, committed: list[str], stop: asyncio.Event) -> None:
    """Reports, one transaction each, as fast as the database takes them; a key is listed once committed."""
    n = 0
    while not stop.is_set():
        n += 1
        await reports.submit(db, report(unit_id, person_id, n), NOW)
        committed.append(f"bc-{n}")
        await asyncio.sleep(0)


def keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT idempotency_key FROM reports")}


async def test_a_backup_taken_during_writes_restores_every_report_committed_before_it(
    core: Core, tmp_path: Path
) -> None:
    await registered_official(core)
    lan = await people.identify(core.db, "console", "lan", NOW)
    assert lan.unit_id is not None
    assert isinstance(core.db, SqliteDatabase)
    database = Path(core.db.path)
    committed: list[str] = []
    stop = asyncio.Event()
    writer = asyncio.create_task(keep_writing(core.db, lan.unit_id, lan.id, committed, stop))
    while len(committed) < 50:  # the writer is under way
        await asyncio.sleep(0.01)
    before = set(committed)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", "--db", str(database), "--dir", str(tmp_path / "saoluu"),
        "--keep", "3", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    during = len(committed) - len(before)
    stop.set()
    await writer
    assert proc.returncode == 0, err.decode()
    assert during > 0, "the writer went on while the backup ran"
    print(f"{len(before)} reports before the backup, {during} written while it ran")
    [copy] = (tmp_path / "saoluu").iterdir()
    assert f"vào {copy}" in out.decode()
    assert before <= keys(copy)

    written_after = set(committed) - keys(copy)
    assert written_after, "reports written after the copy began are not in it"
    await core.db.close()  # the bot stops before a restore
    done = cli("restore", "--db", str(database), str(copy))
    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục" in done.stdout
    db = await connect(database)
    try:
        restored = {r[0] for r in await db.fetchall("SELECT idempotency_key FROM reports")}
    finally:
        await db.close()
    assert before <= restored and not written_after & restored, "the database is the backup's, whole"
    [kept] = tmp_path.glob("**/*.truoc-khoi-phuc-*")
    assert set(committed) <= keys(kept), "the database as it was before the restore is kept"
    core.db = await connect(tmp_path / "other.sqlite3")  # for the fixture's teardown


async def test_restore_refuses_while_a_bot_runs_and_refuses_what_is_not_a_bot_database(tmp_path: Path) -> None:
    database = tmp_path / "papi.sqlite3"
    db = await connect(database)
    await db.close()
    good = tmp_path / "good.sqlite3"
    assert cli("backup", "--db", str(database), str(good)).returncode == 0
    lock = ProcessLock(database)
    lock.acquire()
    try:
        busy = cli("restore", "--db", str(database), str(good))
    finally:
        lock.release()
    assert busy.returncode == 2 and "bot đang chạy" in busy.stderr
    text = tmp_path / "ghi-chu.sqlite3"
    text.write_text("không phải cơ sở dữ liệu")
    other = tmp_path / "khac.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for bad, why in ((text, "không đọc được"), (other, "không phải cơ sở dữ liệu của Trợ lý PAPI"),
                     (tmp_path / "khong-co.sqlite3", "không có tệp")):
        done = cli("restore", "--db", str(database), str(bad))
        assert done.returncode == 2 and why in done.stderr, done.stderr
    assert cli("restore", "--db", str(database), str(good)).returncode == 0


def test_dated_backups_keep_the_newest_n(tmp_path: Path) -> None:
    source = tmp_path / "papi.sqlite3"
    asyncio.run(_create(source))
    folder = tmp_path / "saoluu"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("không phải bản sao lưu")  # not ours: never removed
    (folder / "papi-20261130-023000.sqlite3.partial").write_bytes(b"SQLite format 3\0")  # a killed run's
    start = dt.datetime(2026, 12, 1, 2, 30)
    for day in range(5):
        made, _ = backup.dated(source, folder, start + dt.timedelta(days=day), keep=3)
    assert made.name == "papi-20261205-023000.sqlite3"
    assert sorted(p.name for p in folder.iterdir()) == [
        "ghi-chu.txt", "papi-20261203-023000.sqlite3", "papi-20261204-023000.sqlite3", "papi-20261205-023000.sqlite3"]
    assert not list(folder.glob("*.partial")), "a finished copy leaves no partial file"


async def _create(path: Path) -> None:
    db = await connect(path)
    await db.close()


def unit_command(line: str, backups: Path) -> list[str]:
    """A unit's command line as systemd runs it: `$$` and `%%` written as `$` and `%`, the backup folder here."""
    value = line.split("=", 1)[1].replace("$$", "$").replace("%%", "%").replace("/var/backups/papi", str(backups))
    return shlex.split(value)


async def test_the_postgresql_backup_drop_in_dumps_what_pg_restore_puts_back(
    kb: KnowledgeBase, index: SearchIndex, renderer: Renderer, postgres: str, tmp_path: Path
) -> None:
    """deploy/papi-backup-postgres.conf: systemd accepts it on top of the backup unit, and its own commands,
    run against a real PostgreSQL, make a dump from which pg_restore brings back every report."""
    analyze = tool("systemd-analyze", "systemd")
    pg_restore = tool("pg_restore", "postgresql-client")
    tool("pg_dump", "postgresql-client")
    (tmp_path / "units").mkdir()
    folder = units_here(tmp_path / "units")
    (folder / "papi-backup.service.d").mkdir()
    shutil.copy(DEPLOY / "papi-backup-postgres.conf", folder / "papi-backup.service.d" / "postgres.conf")
    done = subprocess.run([analyze, "verify", str(folder / "papi-backup.service")], capture_output=True,
                          text=True, cwd=folder, timeout=60)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr

    url = fresh_database(postgres)
    db = await connect(url)
    core = Core(kb, db, index=index, renderer=renderer)
    await registered_official(core)
    lan = await people.identify(db, "console", "lan", NOW)
    assert lan.unit_id is not None
    for n in range(1, 21):
        await reports.submit(db, report(lan.unit_id, lan.id, n), NOW)
    await db.close()
    lines = (DEPLOY / "papi-backup-postgres.conf").read_text().splitlines()
    backups = tmp_path / "saoluu"
    backups.mkdir()
    env = {"DATABASE": url, "PATH": "/usr/bin:/bin"}
    for key in ("ExecStart=/", "ExecStartPost="):
        line = next(line for line in lines if line.startswith(key))
        ran = subprocess.run(unit_command(line, backups), capture_output=True, text=True, env=env, timeout=120)
        assert ran.returncode == 0, ran.stderr
    [dump] = backups.iterdir()
    assert dump.name.startswith("papi-") and dump.suffix == ".dump"

    target = fresh_database(postgres)
    try:
        put_back = subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", f"--dbname={target}",
                                   str(dump)], capture_output=True, text=True, timeout=120)
        assert put_back.returncode == 0, put_back.stderr
        restored = await connect(target)
        try:
            found = {r[0] for r in await restored.fetchall("SELECT idempotency_key FROM reports")}
        finally:
            await restored.close()
        assert found == {f"bc-{n}" for n in range(1, 21)}
    finally:
        drop_database(target)
        drop_database(url)


async def test_restore_over_a_damaged_database_keeps_it_and_puts_the_backup_in_place(tmp_path: Path) -> None:
    database, good = tmp_path / "papi.sqlite3", tmp_path / "good.sqlite3"
    await _create(database)
    assert cli("backup", "--db", str(database), str(good)).returncode == 0
    damaged = b"hong hoc, khong con la SQLite" + database.read_bytes()[32:]  # the header overwritten
    database.write_bytes(damaged)
    Path(f"{database}-wal").write_bytes(b"nhat ky cu")
    done = cli("restore", "--db", str(database), str(good))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert not Path(f"{database}-wal").exists(), "the old log is not replayed into the copy"
    assert backup.check(database) > 0
    [kept] = tmp_path.glob("papi.sqlite3.truoc-khoi-phuc-*[0-9]")
    assert kept.read_bytes() == damaged and Path(f"{kept}-wal").read_bytes() == b"nhat ky cu"
    assert not list(tmp_path.glob("*.khoi-phuc*")), "no temporary copy left"


async def test_backup_refuses_to_write_over_the_live_database(tmp_path: Path) -> None:
    database = tmp_path / "papi.sqlite3"
    await _create(database)
    (tmp_path / "link.sqlite3").symlink_to(database)
    before = database.read_bytes()
    for target in (database, tmp_path / "." / "papi.sqlite3", tmp_path / "link.sqlite3"):
        done = cli("backup", "--db", str(database), str(target))
        assert done.returncode == 2 and "chính là cơ sở dữ liệu đang dùng" in done.stderr, done.stderr
    assert database.read_bytes() == before


def test_the_postgresql_backup_refuses_a_password_on_pg_dumps_command_line(tmp_path: Path) -> None:
    """The password belongs in /etc/papi/pgpass: on the command line, every user could read it (/proc/*/cmdline)."""
    line = next(line for line in (DEPLOY / "papi-backup-postgres.conf").read_text().splitlines()
                if line.startswith("ExecStartPre="))
    for url, status in (("postgresql://papi:MatKhau42@db:5432/papi", 2), ("postgresql://papi@db:5432/papi", 0)):
        ran = subprocess.run(unit_command(line, tmp_path), capture_output=True, text=True, timeout=30,
                             env={"DATABASE": url, "PATH": "/usr/bin:/bin"})
        assert ran.returncode == status, (url, ran.stderr)
        assert "MatKhau42" not in ran.stderr and ("pgpass" in ran.stderr) == (status == 2), ran.stderr
