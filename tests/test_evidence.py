"""Evidence files given by URL (Zalo images) are fetched into the evidence folder; a failure is not retried."""

from __future__ import annotations

import datetime as dt
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx

from bot.evidence import fetch_pending, url_fetcher
from storage import reports
from storage.db import connect
from tests.local_server import LocalApi

PNG = b"\x89PNG\r\n\x1a\nfake-image"


class Images(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.path == "/anh.png"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "image/png" if found else "text/plain")
        body = PNG if found else b"not found"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def test_zalo_images_are_fetched_once_and_failures_recorded(tmp_path: Path) -> None:
    db = await connect(tmp_path / "e.sqlite3")
    await db.execute("INSERT INTO people (id, created_at) VALUES (1, 'x')")
    await db.execute("INSERT INTO communes (id, province, name) VALUES (1, 'Kon Tum', 'Đắk Plô')")
    await db.execute("INSERT INTO units (id, province, commune_id, name) VALUES (1, 'Kon Tum', 1, 'UBND xã')")
    with LocalApi(Images) as server:
        root = server.base_url.removesuffix("/bot")
        evidence = (reports.Evidence("photo", url=f"{root}/anh.png", channel="zalo"),
                    reports.Evidence("photo", url=f"{root}/mat.png", channel="zalo"),
                    reports.Evidence("link", url="https://example.org", channel="zalo"))
        new = reports.NewReport("dak-plo-2024", "t13", 1, "2024", "xong", 100, "Xong", None, 1, "k1", evidence)
        await reports.submit(db, new, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
        async with httpx.AsyncClient() as client:
            fetchers = {"zalo": url_fetcher(client)}
            assert await fetch_pending(db, fetchers, tmp_path / "minh-chung") == 1
            assert await fetch_pending(db, fetchers, tmp_path / "minh-chung") == 0  # nothing tried twice
    rows = [tuple(r) for r in await db.fetchall("SELECT kind, local_path, fetch_error FROM evidence ORDER BY id")]
    assert rows[0][1] is not None and Path(rows[0][1]).read_bytes() == PNG
    assert rows[1][1] is None and "404" in rows[1][2]
    assert rows[2] == ("link", None, None)  # links are kept as links
    await db.close()
