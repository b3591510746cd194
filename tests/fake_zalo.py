"""A small fake Zalo Bot API server on 127.0.0.1 for end-to-end tests of the Zalo channel.

It follows the documented surface (see README, "Zalo"): /bot<TOKEN>/<method> with JSON bodies, the
{ok, result, error_code, description} envelope, getUpdates returning ONE update per call with no offset and
error 408 when the long poll ends empty, setWebhook with a required secret_token, then webhook deliveries
as POSTs carrying X-Bot-Api-Secret-Token. sendMessage refuses texts over 2,000 characters as Zalo does.
Faults can be injected per method, and a chat can be marked as having blocked the bot; every call is
recorded so tests can assert what the bot sent.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.local_server import LocalApi

TOKEN = "1459232241454765289:fake-zalo-token-Xyz"
BOT = {"id": "1459232241454765289", "account_name": "bot.PapiTest", "account_type": "BASIC", "can_join_groups": False}


def _hex_id() -> str:
    return secrets.token_hex(10)  # Zalo ids are 20 hex characters


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeZalo(LocalApi):
    def __init__(self, token: str = TOKEN, fetch_photos: bool = False) -> None:
        self.token = token
        self.fetch_photos = fetch_photos
        self.deliveries: list[int] = []  # HTTP status of each webhook delivery
        self.photos: list[tuple[int, bytes, str]] = []  # (status, body, content type) of fetched photo URLs
        self.webhook: dict[str, str] | None = None
        self._updates: list[dict[str, Any]] = []
        self._faults: dict[str, list[tuple[int, int]]] = {}  # method -> [(error_code, http_status)]
        self._blocked: dict[str, tuple[int, int]] = {}  # chat id -> (error_code, http_status) of every send
        super().__init__(self._handler())

    # --- what a user does ------------------------------------------------------------------------

    def message(self, user_id: str, event: str, message_id: str | None = None, **fields: Any) -> dict[str, Any]:
        return {"event_name": event, "message": {
            "from": {"id": user_id, "display_name": "Lan", "is_bot": False},
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "message_id": message_id or _hex_id(), "date": int(time.time() * 1000), **fields,
        }}

    def send_text(self, user_id: str, text: str, message_id: str | None = None) -> dict[str, Any]:
        return self.deliver(self.message(user_id, "message.text.received", message_id, text=text))

    def send_group_text(self, group_id: str, user_id: str, text: str) -> dict[str, Any]:
        """A member's message in a group: the bot gets only those that mention it or reply to it (Zalo's docs)."""
        update = self.message(user_id, "message.text.received", text=text)
        update["message"]["chat"] = {"id": group_id, "chat_type": "GROUP"}
        return self.deliver(update)

    def send_image(self, user_id: str, url: str, caption: str | None = None) -> dict[str, Any]:
        extra = {"caption": caption} if caption else {}
        return self.deliver(self.message(user_id, "message.image.received", photo=url, **extra))

    def send_sticker(self, user_id: str) -> dict[str, Any]:
        sticker = {"sticker": "0e078a2fb66a5f34067b", "url": "https://stickers.example/0e07.png"}
        return self.deliver(self.message(user_id, "message.sticker.received", **sticker))

    def send_unsupported(self, user_id: str) -> dict[str, Any]:
        # what Zalo sends for protected users: who and where, but not the content
        return self.deliver(self.message(user_id, "message.unsupported.received"))

    def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Hand an update to the bot: by webhook when one is set, else to getUpdates.

        A webhook delivery is a POST from another thread, as from Zalo's servers, so a test running the bot on
        its event loop can call this directly; its status lands in `deliveries`.
        """
        with self._cond:
            webhook = self.webhook
            if webhook is None:
                self._updates.append(update)
                self._cond.notify_all()
                return update
        body = json.dumps({"ok": True, "result": update}).encode()

        def post() -> None:
            status = self.post(webhook["url"], body, webhook["secret_token"])
            with self._cond:
                self.deliveries.append(status)
                self._cond.notify_all()

        threading.Thread(target=post, daemon=True).start()
        return update

    def wait_deliveries(self, count: int, timeout: float = 10.0) -> list[int]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.deliveries) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhook deliveries, got {self.deliveries}")
                self._cond.wait(left)
            return list(self.deliveries)

    @staticmethod
    def post(url: str, body: bytes, secret: str | None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    # --- faults and what tests read --------------------------------------------------------------

    def fail(self, method: str, error_code: int, times: int = 1, http_status: int = 200) -> None:
        """The next `times` calls of `method` answer {ok: false, error_code} with this HTTP status."""
        with self._cond:
            self._faults.setdefault(method, []).extend([(error_code, http_status)] * times)

    def block(self, chat_id: str, error_code: int = 403, http_status: int = 403) -> None:
        """The person blocked the bot or left: every send to `chat_id` fails. Zalo documents no code for this;
        403, Telegram's "Forbidden", is what the channel assumes (bot/channels/zalo/api.py, `REFUSED`)."""
        with self._cond:
            self._blocked[chat_id] = (error_code, http_status)

    def unblock(self, chat_id: str) -> None:
        with self._cond:
            self._blocked.pop(chat_id, None)

    def pending(self) -> int:
        """Updates waiting for getUpdates."""
        with self._cond:
            return len(self._updates)


    # --- the server ------------------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._cond:
            faults = self._faults.get(method)
            if faults:
                code, status = faults.pop(0)
                return status, {"ok": False, "error_code": code, "description": f"lỗi giả {code}"}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "getUpdates":
            return self._get_update(float(params.get("timeout") or 0))
        if method == "setWebhook":
            if not (params.get("url") and 8 <= len(params.get("secret_token") or "") <= 256):
                return 400, {"ok": False, "error_code": 400, "description": "url, secret_token"}
            with self._cond:
                self.webhook = {"url": params["url"], "secret_token": params["secret_token"]}
            return 200, {"ok": True, "result": {"url": params["url"], "updated_at": int(time.time() * 1000)}}
        if method == "deleteWebhook":
            with self._cond:
                self.webhook = None
            return 200, {"ok": True, "result": {"url": "", "updated_at": int(time.time() * 1000)}}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": (self.webhook or {}).get("url", "")}}
        if method in ("sendMessage", "sendPhoto", "sendChatAction"):
            return self._send(method, params)
        return 404, {"ok": False, "error_code": 404, "description": "không có phương thức này"}

    def _get_update(self, timeout: float) -> tuple[int, dict[str, Any]]:
        with self._cond:
            if self.webhook is not None:
                return 200, {"ok": False, "error_code": 400, "description": "webhook đang bật"}
            if not self._updates:
                self._cond.wait(min(timeout, 0.3))
            if not self._updates:
                # HTTP 200 with ok false: the case python-zalo-bot silently treats as "no update"
                return 200, {"ok": False, "error_code": 408, "description": "Request timeout"}
            return 200, {"ok": True, "result": self._updates.pop(0)}

    def _send(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not params.get("chat_id"):
            return 400, {"ok": False, "error_code": 400, "description": "chat_id"}
        with self._cond:
            refused = self._blocked.get(params["chat_id"])
        if refused is not None and method != "sendChatAction":
            code, status = refused
            return status, {"ok": False, "error_code": code, "description": "Forbidden: người dùng đã chặn bot"}
        if method == "sendMessage" and not 1 <= utf16_units(params.get("text") or "") <= 2000:
            return 400, {"ok": False, "error_code": 400, "description": "text phải dài 1–2000 ký tự"}
        if method == "sendPhoto":
            if utf16_units(params.get("caption") or "") > 2000:
                return 400, {"ok": False, "error_code": 400, "description": "caption quá dài"}
            if self.fetch_photos:
                self._fetch(params["photo"])
        if method == "sendChatAction":
            return 200, {"ok": True}
        return 200, {"ok": True, "result": {"message_id": _hex_id(), "date": int(time.time() * 1000)}}

    def _fetch(self, url: str) -> None:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                got = (int(response.status), response.read(), response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            got = (int(exc.code), b"", "")
        except OSError:  # nobody serves the URL
            got = (0, b"", "")
        with self._cond:
            self.photos.append(got)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                prefix, _, method = self.path.rpartition("/")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    return  # the client died mid-request (a worker killed on purpose): no message reached Zalo
                if prefix != f"/bot{fake.token}":
                    status, payload = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                else:
                    params = json.loads(body or b"{}")
                    if method not in ("getUpdates", "getMe"):
                        with fake._cond:
                            fake.calls.append((method, params))
                            fake._cond.notify_all()
                    status, payload = fake._answer(method, params)
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot hung up, e.g. a long poll cancelled at shutdown

            def log_message(self, *args: object) -> None:
                pass

        return Handler


class TimedZalo(FakeZalo):
    """The fake Zalo Bot API, also noting when each accepted sendMessage arrived (monotonic seconds)."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []  # (time, chat id)
        super().__init__()

    def _send(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        status, payload = super()._send(method, params)
        if method == "sendMessage" and payload.get("ok"):
            with self._cond:
                self.arrivals.append((time.monotonic(), str(params["chat_id"])))
        return status, payload

    def received(self) -> list[tuple[float, str]]:
        with self._cond:
            return list(self.arrivals)
