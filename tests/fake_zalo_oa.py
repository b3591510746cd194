"""A fake Zalo OA Open API, OAuth and ZNS server on 127.0.0.1 for end-to-end tests of the OA channel.

One server plays the three hosts (openapi.zalo.me, oauth.zaloapp.com, business.openapi.zalo.me) as the bot calls
them (README, "Zalo Official Account"): POST /v3.0/oa/message/cs, GET /v3.0/oa/user/detail and POST /message/template
with an `access_token` header, answering {error, message, data} with HTTP 200; POST /v4/oa/access_token (form, header
`secret_key`) handing out a new pair and retiring the refresh token used. It refuses expired tokens (-216, ZNS
-124), enforces the reply window (-230 for someone who has not written within `window` seconds) and a rate limit
(-32), and remembers ZNS tracking ids (a second send with the same id is not delivered again). It delivers
webhooks signed as Zalo documents: X-ZEvent-Signature = "mac=" + SHA-256(app id + body + timestamp + OA secret key).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.local_server import LocalApi

APP_ID = "2818306496542712345"
APP_SECRET = "fake-app-secret-Qw3rty"
SECRET_KEY = "fake-oa-secret-key-Zx9"
OA_ID = "579745863508352884"


def _id() -> str:
    return secrets.token_hex(8)


class FakeOA(LocalApi):
    def __init__(self, token_life: int = 90000, window: float = 48 * 3600, rate: int = 50) -> None:
        self.token_life = token_life
        self.window = window
        self.rate = rate
        self.access_token = "access-" + _id()
        self.refresh_token = "refresh-" + _id()
        self._expires: dict[str, float] = {self.access_token: time.time() + token_life}
        self.refresh_refused = False
        self.interacted: dict[str, float] = {}
        self.unfollowed: set[str] = set()
        self.zns_faults: list[int] = []
        self.zns_delivered: dict[str, str] = {}  # tracking id -> msg id: what reached a phone, once each
        self._second = (0, 0)  # (current second, calls in it)
        self.names: dict[str, str] = {}  # display names user/detail gives
        super().__init__(self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    # --- what people and Zalo do -----------------------------------------------------------------

    def event(self, name: str, user: str, **fields: Any) -> dict[str, Any]:
        sender = {"follower": {"id": user}} if name in ("follow", "unfollow") else {"sender": {"id": user}}
        return {"app_id": APP_ID, "user_id_by_app": "8" + user, "event_name": name, "timestamp":
                str(int(time.time() * 1000)), "recipient": {"id": OA_ID}, **sender, **fields}

    def text(self, user: str, text: str, msg_id: str | None = None) -> dict[str, Any]:
        return self.event("user_send_text", user, message={"msg_id": msg_id or _id(), "text": text})

    def deliver(self, hook: str, event: dict[str, Any], *, key: str = SECRET_KEY, prefix: str = "mac=",
                signature: str | None = None) -> int:
        """POST a signed event to the bot's webhook, as Zalo's servers do; returns the HTTP status."""
        body = json.dumps(event, ensure_ascii=False).encode()
        mac = hashlib.sha256(APP_ID.encode() + body + event["timestamp"].encode() + key.encode()).hexdigest()
        if event["event_name"] in ("user_send_text", "user_send_image", "follow"):
            with self._cond:
                user = (event.get("sender") or event.get("follower") or {})["id"]
                self.interacted[user] = time.time()
                self.unfollowed.discard(user)
        headers = {"Content-Type": "application/json", "X-ZEvent-Signature": signature or prefix + mac}
        request = urllib.request.Request(hook, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def expire(self) -> None:
        """Every access token handed out so far expires now."""
        with self._cond:
            self._expires = dict.fromkeys(self._expires, 0.0)

    def age(self, user: str, seconds: float) -> None:
        """The person's last message moves `seconds` into the past."""
        with self._cond:
            self.interacted[user] = self.interacted.get(user, time.time()) - seconds

    def unfollow(self, user: str) -> None:
        with self._cond:
            self.unfollowed.add(user)

    def texts(self, user: str | None = None) -> list[str]:
        return [p["text"] for p in self.sent("cs") if user is None or p["user_id"] == user]

    # --- the server ------------------------------------------------------------------------------

    def _token_ok(self, token: str | None) -> bool:
        return token is not None and self._expires.get(token, 0.0) > time.time()

    def _limited(self) -> bool:
        second, count = self._second
        now = int(time.time())
        self._second = (now, 1) if now != second else (second, count + 1)
        return self._second[1] > self.rate

    def _cs(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        user = (body.get("recipient") or {}).get("user_id")
        text = (body.get("message") or {}).get("text") or ""
        if not self._token_ok(token):
            return {"error": -216, "message": "Access token is invalid"}
        if self._limited():
            return {"error": -32, "message": "Request exceeds rate limit"}
        if user in self.unfollowed:
            return {"error": -213, "message": "User has not followed OA"}
        if time.time() - self.interacted.get(user or "", 0.0) > self.window:
            return {"error": -230, "message": "User has not interacted with the OA recently"}
        if not 1 <= len(text) <= 2000:
            return {"error": -201, "message": "Parameter text is invalid"}
        self.calls.append(("cs", {"user_id": user, "text": text}))
        return {"error": 0, "message": "Success", "data": {"message_id": _id(), "user_id": user}}

    def _zns(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(("zns", body))
        if not self._token_ok(token):
            return {"error": -124, "message": "Access token invalid"}
        if self.zns_faults:
            code = self.zns_faults.pop(0)
            return {"error": code, "message": f"lỗi giả {code}"}
        tracking = body.get("tracking_id") or _id()
        msg_id = self.zns_delivered.setdefault(tracking, _id())  # the same tracking id: delivered once
        return {"error": 0, "message": "Success", "data": {"msg_id": msg_id, "sent_time": str(int(time.time() * 1000)),
                                                           "quota": {"dailyQuota": "500", "remainingQuota": "499"}}}

    def _refresh(self, secret: str | None, form: dict[str, str]) -> dict[str, Any]:
        self.calls.append(("refresh", form))
        good = (secret == APP_SECRET and form.get("app_id") == APP_ID and form.get("grant_type") == "refresh_token"
                and form.get("refresh_token") == self.refresh_token and not self.refresh_refused)
        if not good:
            return {"error": -14014, "error_name": "Invalid refresh token", "error_description": "refresh token"}
        self.access_token, self.refresh_token = "access-" + _id(), "refresh-" + _id()
        self._expires[self.access_token] = time.time() + self.token_life
        return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                "expires_in": str(self.token_life)}

    def _detail(self, token: str | None, query: str) -> dict[str, Any]:
        data = json.loads(dict(urllib.parse.parse_qsl(query)).get("data") or "{}")
        self.calls.append(("detail", data))
        if not self._token_ok(token):
            return {"error": -216, "message": "Access token is invalid"}
        user = str(data.get("user_id") or "")
        if user not in self.names:
            return {"error": -213, "message": "User has not followed OA"}
        return {"error": 0, "message": "Success", "data": {"user_id": user, "display_name": self.names[user]}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                with fake._cond:
                    payload = (fake._detail(self.headers.get("access_token"), query) if path == "/v3.0/oa/user/detail"
                               else {"error": -404, "message": "not found"})
                self._answer(payload)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake._cond:
                    if self.path == "/v4/oa/access_token":
                        form = dict(urllib.parse.parse_qsl(raw.decode()))
                        payload = fake._refresh(self.headers.get("secret_key"), form)
                    elif self.path == "/v3.0/oa/message/cs":
                        payload = fake._cs(self.headers.get("access_token"), json.loads(raw or b"{}"))
                    elif self.path == "/message/template":
                        payload = fake._zns(self.headers.get("access_token"), json.loads(raw or b"{}"))
                    else:
                        payload = {"error": -404, "message": "not found"}
                    fake._cond.notify_all()
                self._answer(payload)

            def _answer(self, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(200)  # Zalo answers 200 and says what happened in `error`
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
