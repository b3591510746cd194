from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from content.loader import KnowledgeBase, load
from content.search import SearchIndex
from handlers.core.router import Core
from handlers.files.pool import Renderer
from handlers.knowledge.documents import Documents
from storage.db import connect
from tests.speakers import Person, registered_official

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


@pytest.fixture
async def core(kb: KnowledgeBase, index: SearchIndex, renderer: Renderer, tmp_path: Path) -> AsyncIterator[Core]:
    db = await connect(tmp_path / "bot.sqlite3")
    yield Core(kb, db, index=index, renderer=renderer)
    await db.close()
