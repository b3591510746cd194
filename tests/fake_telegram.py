"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real PTB Application.

It serves getMe, getUpdates (long polling, cut short), sendMessage, sendPhoto, answerCallbackQuery,
setMyCommands and deleteWebhook; it records every call so tests can assert what the bot sent.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT = {"id": 999, "is_bot": True, "first_name": "Trợ lý PAPI", "username": "tro_ly_papi_bot"}


class FakeBotApi:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 1
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/bot"

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

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

    def press(self, user_id: int, data: str) -> None:
        self._push({"callback_query": {
            "id": str(self._new_message_id()), "from": self._user(user_id), "chat_instance": "1", "data": data,
            "message": {"message_id": 1, "date": int(time.time()), "chat": self._chat(user_id, "private"),
                        "from": BOT, "text": "…"},
        }})

    # --- what tests read -----------------------------------------------------------------------

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self._cond:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, method: str, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([1 for name, _ in self.calls if name == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{method}: expected {count} calls, got {self.calls}")
                self._cond.wait(left)
            return [params for name, params in self.calls if name == method]

    # --- the server ------------------------------------------------------------------------------

    def _new_message_id(self) -> int:
        self._next_message += 1
        return self._next_message

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
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
            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params = _parse(body, self.headers.get("Content-Type", ""))
                if method not in ("getUpdates", "getMe"):
                    with fake._cond:
                        fake.calls.append((method, params))
                        fake._cond.notify_all()
                payload = json.dumps({"ok": True, "result": fake._answer(method, params)}).encode()
                self.send_response(200)
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
