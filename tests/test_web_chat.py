"""The citizens' web chat, in Debian's Chromium and over plain HTTP: a question typed without diacritics, a
choice tapped, the XSRF token and the body checked, the limits with their message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from bot.channels.web.chat import BAD_BODY, NO_TOKEN
from bot.channels.web.limits import Buckets, Limits
from storage import people
from tests.web_site import Site, bot_process, chromium


@pytest.fixture
async def page(site: Site) -> AsyncIterator[Page]:
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 390, "height": 760})  # a phone's screen
        yield await context.new_page()
        await context.close()


async def ask(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_a_citizen_asks_without_diacritics_and_taps_a_choice(site: Site, page: Page) -> None:
    await page.goto(site.base + "/")
    await expect(page.locator("h1")).to_have_text("Trợ lý PAPI")
    await ask(page, "xa phai cong khai nhung gi")
    answer = page.locator(".msg.bot").nth(1)
    await expect(answer).to_contain_text("phải công khai")
    await expect(answer).to_contain_text("Trợ lý PAPI trả lời tự động")  # the notice, once, to someone new
    choice = answer.locator("button.choice").first
    label = await choice.inner_text()
    await choice.click()
    await expect(page.locator(".msg.me").last).to_have_text(label)
    nxt = page.locator(".msg.bot").nth(2)
    await expect(nxt).not_to_have_class("msg bot error")
    assert len(await nxt.inner_text()) > 20
    # the visitor is a person of the "web" channel, keyed by the random session id; nothing else is kept
    rows = await site.runner.core.db.fetchall("SELECT channel, external_id FROM identities")  # type: ignore[union-attr]
    assert [r["channel"] for r in rows] == ["web"] and len(rows[0]["external_id"]) >= 20


async def test_the_session_cookie_is_signed_http_only_and_same_site(site: Site, page: Page) -> None:
    await page.goto(site.base + "/")
    await ask(page, "/chiso")
    await expect(page.locator(".msg.bot").nth(1)).to_contain_text("8 chỉ số nội dung")
    cookies = {c["name"]: c for c in await page.context.cookies()}
    chat = cookies["papi_chat"]
    assert chat["httpOnly"] and chat["sameSite"] == "Lax"  # over plain HTTP; over HTTPS None and Secure
    assert chat["value"].strip('"').startswith("2|")  # tornado's signed value
    assert cookies["_xsrf"]["httpOnly"]


async def test_the_limit_gives_a_clear_message_in_the_page(site: Site, page: Page) -> None:
    site.web.limits = Limits(Buckets(0.001, 1), Buckets(0.001, 100))  # one message, then a long wait
    await page.goto(site.base + "/")
    await ask(page, "/chiso")
    await expect(page.locator(".msg.bot").nth(1)).to_contain_text("8 chỉ số nội dung")
    await ask(page, "/congkhai")
    await expect(page.locator(".msg.bot.error")).to_contain_text("Bạn gửi tin nhắn nhanh quá. Vui lòng đợi")


@asynccontextmanager
async def visitor(site: Site) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A visitor who opened the page: their cookies and the page's XSRF token."""
    async with httpx.AsyncClient(base_url=site.base, timeout=10) as http:
        await http.get("/")
        yield http, http.cookies["_xsrf"]


async def test_the_api_refuses_a_missing_xsrf_token_and_a_malformed_body(site: Site) -> None:
    async with visitor(site) as (http, token):
        refused = await http.post("/api/chat", json={"text": "xin chao", "choice": None})
        assert refused.status_code == 403 and refused.json() == {"error": NO_TOKEN}
        wrong = await http.post("/api/chat", json={"text": "xin chao"}, headers={"X-XSRFToken": "2|00|11|22"})
        assert wrong.status_code == 403
        for body in (b"not json", b'{"text": 5}', b"{}", b'{"text": "  "}', b'{"text": "a", "extra": 1}',
                     b'{"text": "' + b"a" * 5000 + b'"}', b"[]"):
            bad = await http.post("/api/chat", content=body, headers={"X-XSRFToken": token})
            assert bad.status_code == 400 and bad.json() == {"error": BAD_BODY}, body
        ok = await http.post("/api/chat", json={"text": "xin chao", "choice": None}, headers={"X-XSRFToken": token})
        assert ok.status_code == 200
        reply = ok.json()["replies"][0]
        assert set(reply) == {"text", "choices", "image"} and reply["image"] is None
        assert all(set(c) == {"label", "value"} for c in reply["choices"])
    assert await people.identities(site.runner.core.db, 1) != []  # type: ignore[union-attr]


async def test_a_chart_is_an_image_url_the_page_can_load(site: Site) -> None:
    async with visitor(site) as (http, token):
        got = await http.post("/api/chat", json={"text": "biểu đồ radar Kon Tum 2023", "choice": None},
                              headers={"X-XSRFToken": token})
        image = got.json()["replies"][-1]["image"]
        assert image and image.startswith(site.base + "/images/")
        png = await http.get(image)
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


async def test_limits_per_session_and_per_address(site: Site) -> None:
    async with visitor(site) as (http, token):
        codes = [(await http.post("/api/chat", json={"text": "/help"}, headers={"X-XSRFToken": token})).status_code
                 for _ in range(11)]
        assert codes == [200] * 10 + [429]
        last = await http.post("/api/chat", json={"text": "/help"}, headers={"X-XSRFToken": token})
        assert "Bạn gửi tin nhắn nhanh quá" in last.json()["error"] and int(last.headers["Retry-After"]) >= 1


def test_the_address_bucket_holds_when_sessions_change() -> None:
    now = [0.0]
    limits = Limits(Buckets(1 / 3, 10, clock=lambda: now[0]), Buckets(1.0, 60, clock=lambda: now[0]))
    waits = [limits.wait(f"session-{i}", "10.0.0.1") for i in range(61)]  # a new cookie every time
    assert waits[:60] == [0.0] * 60 and waits[60] > 0
    assert limits.wait("session-x", "10.0.0.2") == 0.0  # another address is not held up
    now[0] += 2
    assert limits.wait("session-y", "10.0.0.1") == 0.0


async def test_the_page_and_widget_are_served_with_their_headers(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.base) as http:
        chat = await http.get("/")
        assert "frame-ancestors *" in chat.headers["Content-Security-Policy"]  # embeddable by a portal
        assert chat.headers["X-Content-Type-Options"] == "nosniff"
        widget = await http.get("/widget.js")
        assert widget.status_code == 200 and "/?embed=1" in widget.text
        assert (await http.get("/static/web/../secret.py")).status_code in (403, 404)


async def test_the_widget_opens_the_chat_in_a_corner_of_a_portal(site: Site, page: Page) -> None:
    # a portal page that pastes the snippet; on the same site here, since over plain HTTP the chat's cookies are
    # SameSite=Lax (a portal on another site needs the chat served over HTTPS: SameSite=None; Secure)
    portal = f"{site.base}/cong-thong-tin-xa.html"
    html = f'<html><body><h1>Cổng thông tin xã</h1><script src="{site.base}/widget.js"></script></body></html>'
    await page.route(portal, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    await page.goto(portal)
    await page.click("#papi-chat-button")
    frame = page.frame_locator("#papi-chat-frame")
    await frame.locator("#text").fill("/chiso")
    await frame.locator("#text").press("Enter")
    await expect(frame.locator(".msg.bot").nth(1)).to_contain_text("8 chỉ số nội dung")


@pytest.mark.parametrize("command", ["web", "run"])
def test_python_m_bot_serves_the_chat_without_any_token(tmp_path: Path, command: str) -> None:
    """What a new user does: `make run` (or `python -m bot web`), open the page, ask; a real process, no .env,
    no token."""
    with bot_process(tmp_path, command) as (http, proc):
        assert "Trợ lý PAPI" in http.get("/").text
        answer = http.post("/api/chat", json={"text": "xa phai cong khai nhung gi", "choice": None},
                           headers={"X-XSRFToken": http.cookies["_xsrf"]})
        text = answer.json()["replies"][0]["text"]
        assert "phải công khai" in text and "Nguồn: Luật Thực hiện dân chủ ở cơ sở" in text
        assert http.get("/healthz").json()["channels"] == {"web": "running"}
        assert (tmp_path / "papi.sqlite3.web-secret").stat().st_mode & 0o777 == 0o600
    assert proc.returncode == 0


async def test_a_forged_session_cookie_is_not_taken(site: Site) -> None:
    async with visitor(site) as (http, token):
        first = await http.post("/api/chat", json={"text": "/help"}, headers={"X-XSRFToken": token})
        assert first.status_code == 200
        real = http.cookies["papi_chat"]
        http.cookies.delete("papi_chat")
        http.cookies.set("papi_chat", real[:-3] + ("aaa" if not real.endswith("aaa") else "bbb"), "127.0.0.1")
        second = await http.post("/api/chat", json={"text": "/help"}, headers={"X-XSRFToken": token})
        assert second.status_code == 200 and second.cookies["papi_chat"] != real
    ids = [r[0] for r in await site.runner.core.db.fetchall(  # type: ignore[union-attr]
        "SELECT external_id FROM identities WHERE channel = 'web'")]
    assert len(ids) == 2, "the tampered cookie started a new anonymous session, it did not reach the first"
