"""The storage layer's guarantees on both backends (this module is in conftest's BOTH_BACKENDS): migrations
versioned, applied once when two processes start at once, rolled back whole when one fails; `python -m bot
migrate [--check]`; rows by position and by name. Then what is PostgreSQL's alone: the dialect step, an
unreachable server, and `python -m bot db copy` from a SQLite file with real data."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import cast

import pytest

from bot.channels.base import Channel
from bot.runner import Runner
from bot.settings import Settings
from bot.web import ImageStore, WebServer
from handlers.core.locks import Kept
from handlers.core.messages import Attachment
from handlers.core.router import Core
from storage import broadcasts, db, outbox, people, reports
from storage import pace as stored_pace
from storage.db import MigrationError, Target, connect, migration_files, pending_at
from storage.pg import dialect, sql
from tests.postgres_server import drop_database, free_port, fresh_database
from tests.speakers import NOW, Person

ROOT = Path(__file__).resolve().parent.parent


def bot(*args: str, database: Target) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE": str(database)}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


async def test_two_processes_starting_at_once_apply_each_migration_once(database: Target) -> None:
    first, second = await asyncio.gather(connect(database), connect(database))
    rows = [tuple(r) for r in await first.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")]
    assert rows == [(v, p.name) for v, p in migration_files()]
    assert await pending_at(database) == []
    await first.close()
    await second.close()


async def test_a_failed_migration_is_rolled_back_whole(database: Target, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for _, path in migration_files()[:3]:
        shutil.copy(path, folder / path.name)
    (folder / "004_broken.sql").write_text("CREATE TABLE half (id INTEGER PRIMARY KEY);\nSELECT * FROM nowhere;\n")
    monkeypatch.setattr(db, "MIGRATIONS", folder)
    with pytest.raises(MigrationError, match=r"004_broken\.sql"):
        await connect(database)
    plain = await connect(database, migrate_schema=False)
    assert [r[0] for r in await plain.fetchall("SELECT version FROM schema_migrations ORDER BY version")] == [1, 2, 3]
    with pytest.raises(Exception, match="half"):  # the migration's first statement was undone with it
        await plain.fetchall("SELECT * FROM half")
    await plain.close()


async def test_one_process_sweeps_at_a_time(database: Target, backend: str) -> None:
    first, second = await connect(database), await connect(database)
    assert await first.lead() and await first.lead()  # kept, not taken again
    assert await second.lead() is (backend == "sqlite")  # SQLite: a file has one process, so it always leads
    await first.close()  # a worker that stops (or dies) gives the sweep up
    assert await second.lead()
    await second.close()


async def test_a_persons_turn_is_held_across_processes(database: Target, backend: str) -> None:
    """Two workers (two Database objects): while one holds a person's turn and runs transactions in it, the
    other's turn for that person waits (PostgreSQL; SQLite has one process and nothing to wait for), another
    person's does not, a wait given up leaves no lock behind, and the lock ends with the turn."""
    first, second = await connect(database), await connect(database)
    order: list[str] = []

    async def other_turn(key: str) -> None:
        async with second.hold(key):
            order.append("second")

    async with first.hold("zalo:1"):
        async with asyncio.timeout(10), second.hold("zalo:2"):  # someone else: not kept waiting
            pass
        given_up = asyncio.create_task(other_turn("zalo:1"))
        waiting = asyncio.create_task(other_turn("zalo:1"))
        if backend == "postgresql":
            async with asyncio.timeout(10):  # both blocked on the server
                while await first.scalar("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                                         " AND NOT granted") < 2:
                    await asyncio.sleep(0.02)
            given_up.cancel()
        for _ in range(3):  # the turn's own transactions run while the other worker waits: no deadlock
            async with first.transaction() as tx:
                await tx.execute("UPDATE people SET role = role WHERE id = 0")
            order.append("first")
    await asyncio.wait_for(waiting, 10)
    if backend == "postgresql":
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(given_up, 10)
        assert order == ["first"] * 3 + ["second"]
    async with asyncio.timeout(10), first.hold("zalo:1"):  # nothing left held by the cancelled wait
        pass
    await first.close()
    await second.close()


async def test_two_workers_take_send_slots_from_one_budget(database: Target, backend: str) -> None:
    """The send budget of a bot token (bot/pacing.py): two workers asking at once get distinct slots one step
    apart, after the slots already handed out; a token not used for a while starts again from now."""
    first, second = await connect(database), await connect(database)
    step = 0.05
    slots = sorted(await asyncio.gather(*(stored_pace.take(db_, "zalo:abc", 1000.0, step)
                                          for db_ in (first, second) for _ in range(10))))
    assert slots == pytest.approx([1000.0 + n * step for n in range(20)])
    assert await stored_pace.take(second, "zalo:other", 1000.0, step) == pytest.approx(1000.0)  # its own budget
    assert await stored_pace.take(first, "zalo:abc", 2000.0, step) == pytest.approx(2000.0)  # idle since: now
    await first.close()
    await second.close()


async def test_rows_answer_by_position_and_by_name(core: Core) -> None:
    person = await people.identify(core.db, "console", "u1", NOW)
    row = await core.db.fetchone("SELECT id, role AS kind FROM people WHERE id = ?", (person.id,))
    assert row is not None and row[0] == row["id"] == person.id and row["kind"] == row[1] == "citizen"
    assert list(row.keys()) == ["id", "kind"] and tuple(row) == (person.id, "citizen")
    await people.mute(core.db, person.id, True)  # a Python bool lands in an INTEGER column as 1
    assert await people.is_muted(core.db, person.id)


def test_the_dialect_step() -> None:
    assert sql("SELECT a FROM t WHERE b = ? AND c LIKE '5% ?' AND d = ?") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE '5%% ?' AND d = %s")
    assert sql("SELECT GROUP_CONCAT(channel) FROM identities WHERE x IN (?, ?)") == (
        "SELECT string_agg(CAST(channel AS TEXT), ',') FROM identities WHERE x IN (%s, %s)")
    assert sql("SELECT group_concat(DISTINCT f(a, ?), '; ') FROM t") == (
        "SELECT string_agg(DISTINCT CAST(f(a, %s) AS TEXT), '; ') FROM t")
    assert dialect("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, PRIMARY KEY (a, b));") == (
        "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL,"
        " PRIMARY KEY (a, b));")
    assert dialect("CREATE TABLE images (data BLOB NOT NULL);") == "CREATE TABLE images (data BYTEA NOT NULL);"


def test_an_unreachable_server_ends_the_command_with_one_line() -> None:
    done = bot("migrate", database=f"postgresql://papi:secret@127.0.0.1:{free_port()}/papi")
    assert done.returncode == 5
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Không khởi động được: không kết nối được PostgreSQL"), done.stderr
    assert "secret" not in done.stderr


def test_every_db_option_takes_a_postgresql_url(tmp_path: Path, postgres: str) -> None:
    """`--db postgresql://…` works as DATABASE does (it used to be read as a file path and refused): migrate,
    then ordinary commands, from a folder where nothing may be created (no file, no folder named postgresql:)."""
    url = fresh_database(postgres)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE": str(tmp_path / "not-this.sqlite3")}
    try:
        for args in (("migrate", "--db", url), ("migrate", "--check", "--db", url), ("plan", "list", "--db", url),
                     ("scores", "list", "--db", url)):
            done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, capture_output=True,
                                  text=True, timeout=120, check=False)
            assert done.returncode == 0, (args, done.stderr)
    finally:
        drop_database(url)
    assert list(tmp_path.iterdir()) == []


async def _province_data(core: Core, official: Person) -> int:
    """Some of everything: the official's invitation, commune, unit and sessions, a report superseded by a
    second, a broadcast to everyone with its outbox rows, citizens."""
    for n in range(3):
        await people.identify(core.db, "zalo", f"citizen-{n}", NOW)
    lan = await people.identify(core.db, "console", official.user, NOW)
    assert lan.unit_id is not None
    for n, status in enumerate(("dang", "xong")):
        await reports.submit(core.db, reports.NewReport("dak-plo-2024", "t13", lan.unit_id, "2024", status, 50 + n * 50,
                                                        "Đã niêm yết", None, lan.id, f"k{n}"), NOW)
    everyone = [r.id for r in await broadcasts.reachable(core.db, None)]
    await broadcasts.create(core.db, lan.id, "Họp", "all", everyone, "Họp lúc 8 giờ", NOW, NOW)
    return lan.unit_id


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the source is SQLite; the target, PostgreSQL
async def test_db_copy_moves_every_table_and_refuses_a_full_target(
    core: Core, official: Person, database: Target, postgres: str
) -> None:
    unit_id = await _province_data(core, official)
    await core.db.close()
    with sqlite3.connect(database) as src:
        counts = {t: src.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for (t,) in src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations')"
            " AND name NOT LIKE 'sqlite_%'")}
    target = fresh_database(postgres)
    try:
        done = bot("db", "copy", "--from", str(database), "--to", target, database=database)
        assert done.returncode == 0, done.stderr
        assert f"{len(counts)} bảng, {sum(counts.values())} dòng" in done.stdout and "khớp" in done.stdout
        assert counts["reports"] == 2 and counts["outbox"] == counts["people"] == 4
        moved = await connect(target)
        for table, n in counts.items():
            assert await moved.scalar(f'SELECT COUNT(*) FROM "{table}"') == n, table
        # the identity sequences were moved past the copied ids: a new person gets the next one
        newcomer = await people.identify(moved, "zalo", "newcomer", NOW)
        assert newcomer.id == max(r[0] for r in await moved.fetchall("SELECT id FROM people"))
        assert [r.status for r in (await reports.current(moved, [unit_id])).values()] == ["xong"]
        assert sorted((await outbox.counts(moved, 1)).items()) == [("pending", 4)]
        await moved.close()
        again = bot("db", "copy", "--from", str(database), "--to", target, database=database)
        assert again.returncode == 2 and "đã có dữ liệu" in again.stderr, again.stderr
    finally:
        drop_database(target)


async def test_db_copy_of_a_table_the_bot_does_not_have_copies_nothing(tmp_path: Path, postgres: str) -> None:
    source = tmp_path / "other.sqlite3"
    await (await connect(source)).close()
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    target = fresh_database(postgres)
    try:
        done = bot("db", "copy", "--from", str(source), "--to", target, database=source)
        assert done.returncode == 1 and "không có bảng notes" in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    finally:
        drop_database(target)


def test_db_copy_refuses_a_missing_source(tmp_path: Path, postgres: str) -> None:
    done = bot("db", "copy", "--from", str(tmp_path / "none.sqlite3"), "--to", postgres, database=tmp_path / "x")
    assert done.returncode == 2 and "không có tệp" in done.stderr
    assert not (tmp_path / "none.sqlite3").exists()


async def test_a_turn_lock_kept_for_unsent_replies_ends_when_they_never_are(postgres: str) -> None:
    """A step's lock kept until the channel confirms its replies went out (handlers/core/locks.py: Kept): the
    other worker waits for it, and gets it once the time runs out when no confirmation ever comes."""
    url = fresh_database(postgres)
    first, second = await connect(url), await connect(url)
    kept = Kept(seconds=0.3)
    try:
        async with AsyncExitStack() as held:
            await held.enter_async_context(first.hold("zalo:1"))
            kept.keep("zalo:1", held.pop_all())
        started = asyncio.get_running_loop().time()
        async with asyncio.timeout(10), second.hold("zalo:1"):
            waited = asyncio.get_running_loop().time() - started
        assert waited >= 0.25 and len(kept) == 0
    finally:
        await kept.close()
        await first.close()
        await second.close()
        drop_database(url)


async def test_an_image_made_by_one_worker_is_served_by_another(postgres: str) -> None:
    """Zalo fetches a chart by URL from whichever worker the proxy picks: one worker's image is served by the
    other from the database (storage/images.py), and not once it has expired."""
    url = fresh_database(postgres)
    made, other = await connect(url), await connect(url)
    stores = [ImageStore("https://bot.example.vn", db=made), ImageStore("https://bot.example.vn", db=other)]
    servers = [WebServer(dict, store) for store in stores]
    try:
        ports = [await server.start("127.0.0.1", 0) for server in servers]
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
        name = stores[0].put(png, "tiendo.png").rsplit("/", 1)[1]
        short = ImageStore("https://bot.example.vn", ttl=-1, db=made)  # expired as soon as written
        gone = short.put(b"old", "cu.png").rsplit("/", 1)[1]
        await stores[0].flush()
        await short.flush()
        assert await fetch(ports[1], name) == (200, png, "image/png")
        assert await fetch(ports[0], name) == (200, png, "image/png")  # the maker's own, from memory
        assert (await fetch(ports[1], gone))[0] == 404
        assert (await fetch(ports[1], "khong-co.png"))[0] == 404
    finally:
        for server in servers:
            await server.stop()
        await made.close()
        await other.close()
        drop_database(url)


async def test_an_image_asked_for_before_its_write_ends_is_served(postgres: str) -> None:
    """Zalo may come for a chart the moment its URL is sent, before the maker's write has committed: the other
    worker looks again for a moment instead of answering 404 (bot/web.py: ImageStore.find)."""
    url = fresh_database(postgres)
    made, other, busy = await connect(url), await connect(url), await connect(url)
    server = WebServer(dict, ImageStore("https://bot.example.vn", db=other))
    maker = ImageStore("https://bot.example.vn", db=made)
    try:
        port = await server.start("127.0.0.1", 0)
        async with busy.transaction():  # holds the write lock: the maker's INSERT waits behind it
            name = maker.put(b"\x89PNG bieu do", "tiendo.png").rsplit("/", 1)[1]
            asked = asyncio.create_task(fetch(port, name))
            await asyncio.sleep(0.5)
            assert not asked.done(), "answered before the image could be found"
        assert await asked == (200, b"\x89PNG bieu do", "image/png")
        await maker.flush()
    finally:
        await server.stop()
        for db_ in (made, other, busy):
            await db_.close()
        drop_database(url)


async def fetch(port: int, name: str) -> tuple[int, bytes, str]:
    def get() -> tuple[int, bytes, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/images/{name}", timeout=10) as response:
                return response.status, response.read(), response.headers["Content-Type"]
        except urllib.error.HTTPError as exc:
            return exc.code, b"", ""

    return await asyncio.to_thread(get)


class _Received:
    """A channel as far as the evidence job sees one: it hands over the files sent to it."""

    def __init__(self) -> None:
        self.fetched: list[str | None] = []

    def fetcher(self) -> Callable[[str | None, str | None], Awaitable[bytes]]:
        async def fetch(file_id: str | None, url: str | None) -> bytes:
            self.fetched.append(file_id)
            return b"\xff\xd8 anh"

        return fetch


async def test_evidence_is_fetched_by_the_sweeping_worker_only(official: Person, core: Core, database: Target,
                                                               backend: str, tmp_path: Path) -> None:
    first = await official.say("/baocao")
    for answer in (first.choices[0].label, "Đang thực hiện", "50", "Đã cập nhật tin bài"):
        await official.say(answer)
    assert "Đã nhận 1" in (await official.say(attachment=Attachment("photo", "p1", size=2048))).text
    for answer in ("tiếp tục", "bỏ qua", "Xác nhận"):
        await official.say(answer)
    runner = Runner(Settings(_env_file=None, database=database, evidence_dir=tmp_path),  # type: ignore[call-arg]
                    core=core)
    leader, runner.sweep_db = await connect(database), await connect(database)
    channel = _Received()
    job = runner._evidence_job({"console": cast(Channel, channel)})
    assert job is not None and await leader.lead()
    assert await job() == (1 if backend == "sqlite" else 0)  # SQLite: one process, which leads
    await leader.close()  # the sweeping worker stops: this one takes over the sweep and the files
    assert await job() == (0 if backend == "sqlite" else 1)
    assert channel.fetched == ["p1"]
    await runner.sweep_db.close()
