from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from content.loader import KnowledgeBase, load
from content.search import SearchIndex
from handlers.core.router import Core
from handlers.files.pool import Renderer
from handlers.knowledge.documents import Documents
from storage.db import Target, connect
from tests.postgres_server import PostgresServer, PostgresUnavailable, drop_database, fresh_database
from tests.speakers import Person, registered_official
from tests.web_site import Site, chromium, serve

# Tests talk only to servers on 127.0.0.1; a proxy from the environment must not intercept them.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(scope="session")
def index(kb: KnowledgeBase) -> SearchIndex:
    return SearchIndex(Documents(kb).docs())


@pytest.fixture
async def official(core: Core) -> Person:
    """Lan, an official of Văn phòng HĐND-UBND xã Đắk Plô (Kon Tum), registered with an invitation code."""
    return await registered_official(core)


@pytest.fixture(scope="session")
def renderer() -> Iterator[Renderer]:
    """One worker process for the whole run: spawning one and importing matplotlib takes about a second."""
    pool = Renderer()
    yield pool
    pool.close()


# Modules whose tests that use `backend` (through `database` or `core`) run on SQLite and on PostgreSQL.
BOTH_BACKENDS = {"test_storage", "test_reports", "test_reminders", "test_core", "test_linking", "test_permissions",
                 "test_plan_import", "test_people_import", "test_org_load", "test_postgres", "test_admin_review_race"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # TEST_BOTH_BACKENDS=all: every test that uses `core` or `database`, on both (a slower, wider check)
    both = os.environ.get("TEST_BOTH_BACKENDS") == "all" or metafunc.module.__name__.rpartition(".")[2] in BOTH_BACKENDS
    chosen = any(m.args and m.args[0] == "backend" for m in metafunc.definition.iter_markers("parametrize"))
    if "backend" in metafunc.fixturenames and both and not chosen:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL server for the run: TEST_DATABASE_URL if set, else a real PostgreSQL 15 started here (see
    tests/postgres_server.py). It fails every test that needs it, loudly, when it cannot start: never a skip."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    server = PostgresServer()
    try:
        url = server.start()
    except PostgresUnavailable as exc:
        server.stop()
        pytest.fail(f"Không khởi động được PostgreSQL cho các bài kiểm thử: {exc}", pytrace=False)
    yield url
    server.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """sqlite, or postgresql in the modules of BOTH_BACKENDS (a second run of each test)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Target]:
    """Where a test's data lives: a new SQLite file, or a new empty PostgreSQL database."""
    if backend == "sqlite":
        yield tmp_path / "bot.sqlite3"
        return
    url = fresh_database(request.getfixturevalue("postgres"))
    yield url
    drop_database(url)


@pytest.fixture
async def core(kb: KnowledgeBase, index: SearchIndex, renderer: Renderer, database: Target) -> AsyncIterator[Core]:
    db = await connect(database)
    yield Core(kb, db, index=index, renderer=renderer)
    await db.close()


@pytest.fixture
async def site(core: Core, tmp_path: Path) -> AsyncIterator[Site]:
    """The bot's web server on 127.0.0.1 over the test's core (the admin pages' browser tests)."""
    async with serve(core, tmp_path) as running:
        yield running


@pytest.fixture
async def browser(site: Site) -> AsyncIterator[Browser]:
    """Debian's Chromium, driven by Playwright, once the site is up."""
    async with chromium() as running:
        yield running
