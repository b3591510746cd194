"""Fetch evidence files from their channel into EVIDENCE_DIR once the report is saved, so the province keeps
them after the chat history is gone. Each channel gives a fetcher: (file id, URL) -> bytes."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path, PurePosixPath

import httpx

from bot.channels.base import Fetcher
from storage import evidence
from storage.db import Database

log = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024  # what the report flow accepts


async def fetch_pending(db: Database, fetchers: dict[str, Fetcher], folder: Path, limit: int = 20) -> int:
    """Fetch up to `limit` files; a failure is recorded on the row (and logged) so it is not retried forever."""
    done = 0
    for item in await evidence.pending(db, list(fetchers), limit):
        try:
            data = await fetchers[item.channel](item.file_id, item.url)
            if len(data) > MAX_BYTES:
                raise ValueError(f"tệp {len(data)} byte, quá giới hạn")
        except Exception as exc:  # one bad file must not stop the others
            log.warning("Không tải được minh chứng %d: %s", item.id, exc)
            await evidence.failed(db, item.id, repr(exc))
            continue
        suffix = PurePosixPath(item.name or "").suffix.lower() or (".jpg" if item.kind == "photo" else ".bin")
        path = folder / f"bao-cao-{item.report_id:06d}" / f"minh-chung-{item.id}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        await evidence.saved(db, item.id, str(path))
        done += 1
    return done


def url_fetcher(client: httpx.AsyncClient) -> Fetcher:
    """For channels that hand over a URL (Zalo images)."""

    async def fetch(file_id: str | None, url: str | None) -> bytes:
        if not url:
            raise ValueError("không có đường dẫn tệp")
        answer = await client.get(url, follow_redirects=True)
        answer.raise_for_status()
        kind = answer.headers.get("content-type", "").split(";")[0]
        if kind and not (kind.startswith("image/") or mimetypes.guess_extension(kind)):
            raise ValueError(f"kiểu tệp lạ: {kind}")
        return answer.content

    return fetch
