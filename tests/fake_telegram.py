"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real PTB Application.

It serves getMe, getUpdates (long polling, cut short), sendMessage, sendPhoto, answerCallbackQuery,
setMyCommands and deleteWebhook; it records every call so tests can assert what the bot sent.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tests.local_server import LocalApi, Server

BOT = {"id": 999, "is_bot": True, "first_name": "Trợ lý PAPI", "username": "tro_ly_papi_bot"}


class FakeBotApi(LocalApi):
    """`rate_cap` messages per second at most, as Telegram does: more get 429 with retry_after."""

    allowed_updates: list[str] | None = None  # what the last poll asked for

    def __init__(self, rate_cap: float | None = None, blocked: frozenset[int] = frozenset()) -> None:
        self.rate_cap = rate_cap
        self.blocked = blocked  # chat ids that have blocked the bot: sendMessage answers 403
        self.rejected = 0
        self._tokens = rate_cap or 0.0
        self._filled = time.monotonic()
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 1
        self.files: dict[str, bytes] = {}  # file id -> content, for getFile and downloads
        super().__init__(self._handler())

    # --- what a user does ------------------------------------------------------------------------

    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"}

    def _chat(self, chat_id: int, kind: str) -> dict[str, Any]:
        return {"id": chat_id, "type": kind, **({"title": "Nhóm"} if kind != "private" else {})}

    def _push(self, update: dict[str, Any]) -> None:
        with self._cond:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self._cond.notify_all()

    def send_text(self, user_id: int, text: str, chat_id: int | None = None, kind: str = "private") -> None:
        command = text.startswith("/")
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if command else []
        self._push({"message": {
            "message_id": self._new_message_id(), "date": int(time.time()), "text": text, "entities": entities,
            "from": self._user(user_id), "chat": self._chat(chat_id or user_id, kind),
        }})

    def send_photo(self, user_id: int, file_id: str, content: bytes) -> None:
        """A photo message; getFile and the file URL then serve `content` for that file id."""
        self.files[file_id] = content
        self._push({"message": {
            "message_id": self._new_message_id(), "date": int(time.time()), "from": self._user(user_id),
            "chat": self._chat(user_id, "private"),
            "photo": [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800, "height": 600,
                       "file_size": len(content)}],
        }})

    def send_document(self, user_id: int, file_id: str, file_name: str, content: bytes) -> None:
        """A file sent as a document (Bot API `Document`); getFile and the file URL serve it as for photos."""
        self.files[file_id] = content
        self._push({"message": {
            "message_id": self._new_message_id(), "date": int(time.time()), "from": self._user(user_id),
            "chat": self._chat(user_id, "private"),
            "document": {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                         "mime_type": "application/octet-stream", "file_size": len(content)},
        }})

    def edit(self, user_id: int, message_id: int, text: str) -> None:
        """The person edits a message they sent earlier."""
        self._push({"edited_message": {
            "message_id": message_id, "date": int(time.time()), "edit_date": int(time.time()),
            "from": self._user(user_id), "chat": self._chat(user_id, "private"), "text": text,
        }})

    def press(self, user_id: int, data: str) -> None:
        self._push({"callback_query": {
            "id": str(self._new_message_id()), "from": self._user(user_id), "chat_instance": "1", "data": data,
            "message": {"message_id": 1, "date": int(time.time()), "chat": self._chat(user_id, "private"),
                        "from": BOT, "text": "…"},
        }})

    # --- what tests read -----------------------------------------------------------------------


    # --- the server ------------------------------------------------------------------------------

    def _new_message_id(self) -> int:
        self._next_message += 1
        return self._next_message

    def _refusal(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """A 429 past the rate cap, a 403 for a chat that blocked the bot; None to go ahead."""
        if method != "sendMessage":
            return None
        if int(params.get("chat_id", 0)) in self.blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if self.rate_cap is None:
            return None
        with self._cond:  # a token bucket: `rate_cap` a second sustained, bursts up to one second's worth
            now = time.monotonic()
            self._tokens = min(self.rate_cap, self._tokens + (now - self._filled) * self.rate_cap)
            self._filled = now
            if self._tokens < 1:
                self.rejected += 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}
            self._tokens -= 1
        return None
        with self._cond:
            now = time.monotonic()
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self.rate_cap:
                self.rejected += 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}
            self._window.append(now)
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                    "file_path": f"photos/{file_id}.jpg"}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            wait = min(float(params.get("timeout") or 0), 0.3)
            with self._cond:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if not self._updates and wait:
                    self._cond.wait(wait)
                return list(self._updates)
        if method in ("sendMessage", "sendPhoto"):
            chat_id = int(params["chat_id"])
            return {"message_id": self._new_message_id(), "date": int(time.time()), "from": BOT,
                    "chat": self._chat(chat_id, "private" if chat_id > 0 else "group"), "text": params.get("text", "")}
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep connections open, as the real Bot API does
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms wait between

            def do_GET(self) -> None:  # file downloads: /file/bot<token>/photos/<file id>.jpg
                name = self.path.rsplit("/", 1)[-1].removesuffix(".jpg")
                content = fake.files.get(name)
                self.send_response(200 if content is not None else 404)
                self.send_header("Content-Length", str(len(content or b"")))
                self.end_headers()
                self.wfile.write(content or b"")

            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the client died mid-request: nothing was delivered
                    self.close_connection = True
                    return
                params = _parse(body, self.headers.get("Content-Type", ""))
                refusal = fake._refusal(method, params)
                if method == "getUpdates" and "allowed_updates" in params:
                    fake.allowed_updates = params["allowed_updates"]
                if refusal is None and method not in ("getUpdates", "getMe"):
                    with fake._cond:
                        fake.calls.append((method, params))
                        fake._cond.notify_all()
                status, answer = refusal or (200, {"ok": True, "result": fake._answer(method, params)})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    """PTB sends form fields whose values are JSON for structured parameters (and multipart for files)."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    if content_type.startswith("multipart/form-data"):
        return {"multipart": True}
    params: dict[str, Any] = {}
    for key, values in parse_qs(body.decode()).items():
        value = values[0]
        try:
            params[key] = json.loads(value) if value[:1] in "{[" else value
        except json.JSONDecodeError:
            params[key] = value
    return params


def serve(port: int, rate_cap: float | None) -> None:
    """Run the fake API as its own process (`python -m tests.fake_telegram PORT [CAP]`), so a benchmark's
    bot does not share a core and the GIL with it; GET /stats returns the messages received per chat."""
    import sys

    # many keep-alive connections, one thread each: the default 5 ms GIL switch interval would queue them
    sys.setswitchinterval(1e-4)
    api = FakeBotApi(rate_cap=rate_cap)
    api._server.server_close()
    handler = api._handler()

    class WithStats(handler):  # type: ignore[valid-type, misc]
        def do_GET(self) -> None:
            with api._cond:
                counts: dict[str, int] = {}
                for name, params in api.calls:
                    if name == "sendMessage":
                        counts[str(params["chat_id"])] = counts.get(str(params["chat_id"]), 0) + 1
                payload = json.dumps({"per_chat": counts, "rejected": api.rejected}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = Server(("127.0.0.1", port), WithStats)
    print(f"http://127.0.0.1:{server.server_port}/bot", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    import sys

    serve(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else None)
