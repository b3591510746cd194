"""`python -m bot config check`: the settings and what they point at, checked before (or while) the service runs:
tokens present and well-formed, webhook URLs in HTTPS on the paths the bot serves, secrets long enough, the
database a bot database the bot can write, PUBLIC_URL reachable from this server. Each finding is one line in
Vietnamese naming the variable, never its value. Exit status 2 when something is wrong."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr, ValidationError

from bot.settings import Settings
from storage import backup, observe
from storage.db import connected, is_postgres

_BOT_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")  # <bot id>:<key>, as @BotFather and Zalo Bot Creator give it
# what each secret protects decides its shortest sensible length; the platforms' own minimums are lower
SHORTEST = {"WEBHOOK_SECRET": 16, "ZALO_WEBHOOK_SECRET": 16, "WEB_COOKIE_SECRET": 32, "METRICS_TOKEN": 16}


@dataclass(frozen=True)
class Finding:
    ok: bool
    line: str


def setting_problems(exc: ValidationError) -> list[str]:
    """What is wrong with the settings, one line each: the variable and the rule, never the value given."""
    return [f"{'.'.join(str(x) for x in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)]


def read_settings() -> tuple[Settings | None, list[Finding]]:
    try:
        return Settings(), [Finding(True, "Đọc được các biến cấu hình")]
    except ValidationError as exc:
        return None, [Finding(False, line) for line in setting_problems(exc)]


def tokens(s: Settings) -> list[Finding]:
    found = []
    for name, value in (("TELEGRAM_BOT_TOKEN", s.telegram_bot_token), ("ZALO_BOT_TOKEN", s.zalo_bot_token)):
        if value is not None:
            good = bool(_BOT_TOKEN.match(value.get_secret_value()))
            found.append(Finding(good, f"{name}: đúng dạng <mã bot>:<khoá>" if good else
                                 f"{name}: không đúng dạng <mã bot>:<khoá> (chép lại đủ, không dấu cách)"))
    if s.zalo_oa_app_id is not None and not s.zalo_oa_app_id.isdigit():
        found.append(Finding(False, "ZALO_OA_APP_ID: phải là dãy số (mã ứng dụng trên Zalo for Developers)"))
    if not found and not s.serves_web and s.zalo_oa_app_id is None:
        found.append(Finding(True, "Chưa đặt token kênh nào: `run` mở trang hỏi đáp web"))
    return found


def urls(s: Settings) -> list[Finding]:
    """A webhook URL must be HTTPS (the platforms refuse others) and end in the path the bot serves."""
    found = []
    for name, value, path in (("WEBHOOK_URL", s.webhook_url, "/telegram"), ("ZALO_WEBHOOK_URL", s.zalo_webhook_url,
                              "/zalo"), ("PUBLIC_URL", s.public_url, None)):
        if value is None:
            continue
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            found.append(Finding(False, f"{name}: phải là địa chỉ https://… công khai"))
        elif path is not None and parts.path.rstrip("/") != path:
            found.append(Finding(False, f"{name}: đường dẫn phải là {path} (bot nhận ở đó)"))
        else:
            found.append(Finding(True, f"{name}: https, đúng đường dẫn"))
    return found


def secrets(s: Settings) -> list[Finding]:
    found = []
    given: dict[str, SecretStr | None] = {"WEBHOOK_SECRET": s.webhook_secret, "ZALO_WEBHOOK_SECRET":
                                          s.zalo_webhook_secret, "WEB_COOKIE_SECRET": s.web_cookie_secret,
                                          "METRICS_TOKEN": s.metrics_token}
    for name, value in given.items():
        if value is not None:
            size, shortest = len(value.get_secret_value()), SHORTEST[name]
            short = f"{name}: quá ngắn ({size} ký tự), cần ít nhất {shortest}; tạo bằng: openssl rand -hex 24"
            found.append(Finding(size >= shortest, f"{name}: đủ dài" if size >= shortest else short))
    return found


def combination(s: Settings) -> list[Finding]:
    from bot.runner import problems  # the channels' own rules (a webhook without its secret, the OA's keys)

    return [Finding(False, p) for p in problems(s)]


async def postgres(s: Settings) -> list[Finding]:
    """A connection and a read, applying nothing. The error by its type only: a server's message may quote
    the connection string, password included."""
    try:
        async with connected(s.database, migrate_schema=False) as db:
            version = await observe.schema_version(db)
    except Exception as exc:
        return [Finding(False, f"DATABASE: PostgreSQL không trả lời ({type(exc).__name__})")]
    return [Finding(True, f"DATABASE: PostgreSQL trả lời (lược đồ {version})")]


def database(s: Settings) -> list[Finding]:
    path = Path(s.database)
    state = f"{path} sẽ được tạo khi khởi động"
    if path.exists():
        try:
            state = f"{path} đọc, ghi được (lược đồ {backup.check(path)})"
        except backup.NotABotDatabase as bad:
            return [Finding(False, f"DATABASE: {bad}")]
    problem = backup.write_problem(path)
    return [Finding(problem is None, f"DATABASE: {problem or state}")]


async def reachable(s: Settings, timeout: float = 10) -> list[Finding]:
    """PUBLIC_URL from this server, as Zalo and the citizens' browsers will ask for it (through the proxy)."""
    if s.public_url is None or urlsplit(s.public_url).scheme not in ("http", "https"):
        return []
    url = s.public_url.rstrip("/") + "/widget.js"
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
            status = (await http.get(url)).status_code
    except httpx.HTTPError as exc:
        return [Finding(False, f"PUBLIC_URL: không truy cập được từ máy này ({type(exc).__name__}); bot và "
                               "nginx có đang chạy, tên miền có trỏ về máy này?")]
    if status != 200:
        return [Finding(False, f"PUBLIC_URL: {url} trả lời {status}, cần 200 (xem cấu hình nginx)")]
    return [Finding(True, "PUBLIC_URL: truy cập được từ máy này")]


async def findings() -> list[Finding]:
    settings, found = read_settings()
    if settings is None:
        return found
    for check in (tokens, urls, secrets, combination):
        found += check(settings)
    pg = is_postgres(settings.database)
    found += await (postgres(settings) if pg else asyncio.to_thread(database, settings))
    return found + await reachable(settings)


async def run() -> int:
    found = await findings()
    print("Kiểm tra cấu hình (không in giá trị bí mật):")
    for f in found:
        print(f"  {'✓' if f.ok else '✗'} {f.line}")
    wrong = sum(not f.ok for f in found)
    print(f"Có {wrong} lỗi cần sửa." if wrong else "Cấu hình dùng được.")
    return 2 if wrong else 0
