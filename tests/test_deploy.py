"""deploy/ as an operator installs it: the systemd units pass `systemd-analyze verify` (which also checks that
ExecStart's program exists, so the test points it at this checkout's venv, the one thing that differs from a
server), the backup unit's own command line works, and the nginx example passes `nginx -t` and, running, forwards
the bot's public paths and nothing else. Missing tools fail the test with what to install (.ci/run installs
them): a deploy check that skips would let a broken unit ship."""

from __future__ import annotations

import asyncio
import logging
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.runner import Runner
from bot.settings import Settings
from bot.web_cli import web_settings
from handlers.core.router import Core
from storage.db import connect
from tests.postgres_server import drop_database, fresh_database
from tests.test_zalo import free_port

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = ("papi-bot.service", "papi-backup.service", "papi-backup.timer")
SERVER_PYTHON = "/opt/papi/.venv/bin/python"


def tool(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        pytest.fail(f"{name} không có: apt-get install -y {package} (.ci/run cài khi thiếu)")
    return found


def units_here(folder: Path) -> Path:
    """The units as shipped, with ExecStart's interpreter this venv's instead of the server's."""
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace(SERVER_PYTHON, sys.executable), encoding="utf-8")
    return folder


def test_units_verify_without_a_warning(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze", "systemd")
    for name in UNITS:
        assert SERVER_PYTHON in (DEPLOY / name).read_text() or name.endswith(".timer")
    folder = units_here(tmp_path)
    done = subprocess.run([analyze, "verify", *(str(folder / n) for n in UNITS)], capture_output=True, text=True,
                          cwd=folder, timeout=60)
    # verify exits 0 on unknown keys and misplaced settings, printing them: any output is a finding
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


def test_the_services_are_hardened(tmp_path: Path) -> None:
    """systemd's own rating of what a compromised process could do, from the unit files alone, stays below 2 on
    its scale of 10 (its band "OK"; the better ones need a service without network or files)."""
    analyze = tool("systemd-analyze", "systemd")
    folder = units_here(tmp_path)
    for name in ("papi-bot.service", "papi-backup.service"):
        done = subprocess.run([analyze, "security", "--offline=yes", "--no-pager", str(folder / name)],
                              capture_output=True, text=True, cwd=folder, timeout=60)
        verdict = done.stdout.strip().splitlines()[-1]
        level = float(verdict.split(": ")[1].split()[0])
        assert level < 2 and " OK" in verdict, verdict


def test_the_service_runs_unprivileged_and_restarts_on_failure() -> None:
    unit = (DEPLOY / "papi-bot.service").read_text()
    settings = dict(line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#"))
    assert settings["User"] == "papi" and settings["ExecStart"].endswith("-m bot run")
    assert settings["Restart"] == "on-failure" and settings["EnvironmentFile"] == "/etc/papi/papi.env"
    assert settings["StateDirectory"] == "papi" and settings["WorkingDirectory"] == "/var/lib/papi"
    assert settings["NoNewPrivileges"] == "yes" and settings["ProtectSystem"] == "strict"


def test_the_timer_calendar_is_valid() -> None:
    analyze = tool("systemd-analyze", "systemd")
    timer = (DEPLOY / "papi-backup.timer").read_text()
    calendar = next(line.split("=", 1)[1] for line in timer.splitlines() if line.startswith("OnCalendar="))
    done = subprocess.run([analyze, "calendar", calendar], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "Next elapse" in done.stdout, done.stdout + done.stderr


async def test_the_backup_units_command_line_makes_a_dated_copy(tmp_path: Path) -> None:
    db = await connect(tmp_path / "papi.sqlite3")
    await db.close()
    unit = (DEPLOY / "papi-backup.service").read_text()
    line = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = [sys.executable if a == SERVER_PYTHON else a.replace("/var/backups/papi", str(tmp_path / "b"))
            for a in shlex.split(line)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={"DATABASE": str(tmp_path / "papi.sqlite3"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    [copy] = (tmp_path / "b").iterdir()
    assert copy.name.startswith("papi-") and copy.suffix == ".sqlite3"
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def certificate(folder: Path) -> tuple[Path, Path]:
    openssl = tool("openssl", "openssl")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=bot.example.vn", "-addext", "subjectAltName=DNS:bot.example.vn,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def nginx_config(folder: Path, bot_port: int, https_port: int) -> Path:
    """The example as shipped inside a minimal nginx.conf; only paths and ports differ (certificates, logs,
    the listening ports, the bot's port)."""
    cert, key = certificate(folder)
    site = (DEPLOY / "nginx-papi.conf").read_text(encoding="utf-8")
    for old, new in (("/etc/letsencrypt/live/bot.example.vn/fullchain.pem", str(cert)),
                     ("/etc/letsencrypt/live/bot.example.vn/privkey.pem", str(key)),
                     ("/var/log/nginx", str(folder)), ("127.0.0.1:8080", f"127.0.0.1:{bot_port}"),
                     ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
                     ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")):
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)  # no IPv6 in CI
    (folder / "site.conf").write_text(site, encoding="utf-8")
    main = folder / "nginx.conf"
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                      "scgi"))
    main.write_text(f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
                    f"http {{ access_log {folder / 'access.log'}; {temp} include {folder / 'site.conf'}; }}\n")
    return main


def test_the_nginx_example_passes_nginx_t(tmp_path: Path) -> None:
    nginx = tool("nginx", "nginx")
    conf = nginx_config(tmp_path, 8080, free_port())
    done = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr


@contextmanager
def nginx_running(conf: Path, port: int) -> Iterator[None]:
    nginx = tool("nginx", "nginx")
    folder = conf.parent
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log"),
                             "-g", "daemon off; master_process off;"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"https://127.0.0.1:{port}/nowhere", verify=False, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, f"nginx stopped: {proc.stderr.read() if proc.stderr else ''}"
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture
async def bot_port(core: Core, tmp_path: Path) -> AsyncIterator[int]:
    """The web chat as deploy/papi.env.example configures it behind nginx (BEHIND_PROXY=true)."""
    port = free_port()
    settings = web_settings(Settings(_env_file=None, database=tmp_path / "bot.sqlite3",  # type: ignore[call-arg]
                                     webhook_port=port, behind_proxy=True))
    core.config = replace(core.config, public_url=settings.public_url)
    runner = Runner(settings, core=core)
    await runner.start()
    try:
        yield port
    finally:
        await runner.stop()


async def test_nginx_forwards_the_public_paths_only(bot_port: int, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "tornado.access")
    port = free_port()
    conf = nginx_config(tmp_path, bot_port, port)
    # from another loopback address than nginx's own, so that the bot seeing it proves it reads X-Real-IP
    visitor = httpx.AsyncHTTPTransport(local_address="127.0.0.2", verify=False)
    with nginx_running(conf, port):
        async with httpx.AsyncClient(base_url=f"https://127.0.0.1:{port}", transport=visitor, timeout=10,
                                     headers={"Host": "bot.example.vn"}) as http:
            page = await http.get("/")
            assert page.status_code == 200 and "Trợ lý PAPI" in page.text
            assert (await http.get("/widget.js")).status_code == 200
            assert (await http.get("/static/web/chat.js")).status_code == 200
            token = http.cookies["_xsrf"]
            chat = await http.post("/api/chat", json={"text": "/chiso"}, headers={"X-XSRFToken": token})
            assert chat.status_code == 200 and "8 chỉ số nội dung" in chat.json()["replies"][0]["text"]
            login = await http.get("/admin", follow_redirects=False)
            assert login.status_code == 302 and login.headers["location"] == "/admin/login", "forwarded, not ours"
            assert (await http.get("/admin/login")).status_code == 200
            for private in ("/metrics", "/healthz", "/somewhere"):
                refused = await http.get(private)
                assert refused.status_code == 404 and "nginx" in refused.text, f"{private}: nginx's own 404"
            for hook in ("/telegram", "/zalo", "/zalo-oa"):  # no such channel here: the bot's 404, in JSON
                forwarded = await http.post(hook, json={})
                assert forwarded.status_code == 404 and forwarded.json()["ok"] is False, hook
            big = await http.post("/api/chat", content=b"x" * (2 << 20), headers={"X-XSRFToken": token})
            assert big.status_code == 413, "refused by nginx at the bot's own cap"
            plan = await http.post("/admin/ke-hoach", content=b"x" * (2 << 20), follow_redirects=False)
            assert plan.status_code == 403, "a plan file over 1 MB reaches the bot (which wants its XSRF token)"
            assert (await http.post("/admin/ke-hoach", content=b"x" * (12 << 20))).status_code == 413
        seen = [r.getMessage() for r in caplog.records if r.name == "tornado.access" and "/api/chat" in r.getMessage()]
        assert seen and all("(127.0.0.2)" in line for line in seen), seen
        # what `config check` asks of PUBLIC_URL: reachable from this machine, through the proxy, in HTTPS
        env = {"PUBLIC_URL": f"https://127.0.0.1:{port}", "SSL_CERT_FILE": str(tmp_path / "fullchain.pem"),
               "DATABASE": str(tmp_path / "bot.sqlite3")}
        done = await asyncio.to_thread(config_check, tmp_path, env)
        assert done.returncode == 0 and "✓ PUBLIC_URL: truy cập được từ máy này" in done.stdout, done.stdout


def config_check(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m bot config check` with only `env` (and no .env: the folder has none)."""
    base = {"PATH": "/usr/bin:/bin", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    return subprocess.run([sys.executable, "-m", "bot", "config", "check"], capture_output=True, text=True,
                          timeout=60, cwd=folder, env=base | env)


async def test_config_check_passes_good_settings(tmp_path: Path) -> None:
    db = await connect(tmp_path / "papi.sqlite3")
    await db.close()
    done = config_check(tmp_path, {
        "TELEGRAM_BOT_TOKEN": "123456789:AAHk3-0123456789abcdefghijklmnopqrstu", "WEBHOOK_URL":
        "https://bot.example.vn/telegram", "WEBHOOK_SECRET": "s" * 32, "DATABASE": str(tmp_path / "papi.sqlite3")})
    assert done.returncode == 0, done.stdout
    assert "✗" not in done.stdout and "Cấu hình dùng được." in done.stdout
    assert "AAHk3" not in done.stdout and "s" * 32 not in done.stdout


def test_config_check_says_what_is_wrong_without_the_values(tmp_path: Path) -> None:
    not_ours = tmp_path / "khac.sqlite3"
    not_ours.write_text("một tệp khác")
    done = config_check(tmp_path, {
        "TELEGRAM_BOT_TOKEN": "dan nham token-BI-MAT", "WEBHOOK_URL": "http://bot.example.vn/hook",
        "WEBHOOK_SECRET": "ngan-BIMAT", "ZALO_BOT_TOKEN": "123:zalo-key-BIMAT", "DATABASE": str(not_ours),
        "METRICS_TOKEN": "a" * 20, "PUBLIC_URL": "https://127.0.0.1:1"})
    assert done.returncode == 2
    out = done.stdout
    for wrong in ("✗ TELEGRAM_BOT_TOKEN: không đúng dạng", "✗ WEBHOOK_URL: phải là địa chỉ https://",
                  "✗ WEBHOOK_SECRET: quá ngắn (10 ký tự), cần ít nhất 16", "✗ DATABASE:",
                  "✗ PUBLIC_URL: không truy cập được từ máy này"):
        assert wrong in out, out
    assert "✓ ZALO_BOT_TOKEN: đúng dạng" in out and "✓ METRICS_TOKEN: đủ dài" in out
    assert "BIMAT" not in out and "BI-MAT" not in out


def test_config_check_reports_invalid_settings_by_name(tmp_path: Path) -> None:
    done = config_check(tmp_path, {"WEBHOOK_SECRET": "có dấu cách BIMAT", "TIMEZONE": "Asia/Hanoi_Sai"})
    assert done.returncode == 2
    assert "✗ WEBHOOK_SECRET:" in done.stdout and "✗ TIMEZONE:" in done.stdout, done.stdout
    assert "BIMAT" not in done.stdout and "Traceback" not in done.stderr


def example_env() -> dict[str, str]:
    """deploy/papi.env.example as systemd reads it: KEY=VALUE lines, comments and blank values skipped."""
    lines = (DEPLOY / "papi.env.example").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.lstrip().startswith("#"))
    return {key: value for key, value in pairs if value}


def test_the_example_settings_are_valid(tmp_path: Path) -> None:
    """As shipped (no token yet), only the public address fails, as it must where nothing answers on it (the
    placeholder's host is replaced by a closed port here, so the network cannot change the outcome)."""
    shipped = example_env()
    assert shipped["PUBLIC_URL"].startswith("https://") and shipped["BEHIND_PROXY"] == "true"
    assert shipped["WEBHOOK_LISTEN"] == "127.0.0.1"
    env = shipped | {"DATABASE": str(tmp_path / "papi.sqlite3"), "PUBLIC_URL": f"https://127.0.0.1:{free_port()}"}
    done = config_check(tmp_path, env)
    wrong = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("✗")]
    assert len(wrong) == 1 and wrong[0].startswith("✗ PUBLIC_URL: không truy cập được"), done.stdout


def test_the_papi_command_runs_the_bot_as_the_service_does(tmp_path: Path) -> None:
    """deploy/papi hands the command to systemd-run (a recording stand-in here: running it needs systemd as
    PID 1) with the service's user, settings file, folder and interpreter."""
    fake = tmp_path / "systemd-run"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    fake.chmod(0o755)
    done = subprocess.run(["sh", str(DEPLOY / "papi"), "invite", "--commune", "Đắk Plô"], capture_output=True,
                          text=True, timeout=30, env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    argv = done.stdout.splitlines()
    unit = (DEPLOY / "papi-bot.service").read_text()
    for setting in ("User", "Group", "WorkingDirectory", "EnvironmentFile"):
        value = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith(f"{setting}="))
        assert any(a.endswith(f"={value}") for a in argv), (setting, argv)
    assert argv[-6:] == [SERVER_PYTHON, "-m", "bot", "invite", "--commune", "Đắk Plô"]


async def test_config_check_and_backup_with_postgresql(postgres: str, tmp_path: Path) -> None:
    url = fresh_database(postgres)
    try:
        db = await connect(url)
        await db.close()
        good = config_check(tmp_path, {"DATABASE": url})
        assert good.returncode == 0 and "✓ DATABASE: PostgreSQL trả lời (lược đồ" in good.stdout, good.stdout
    finally:
        drop_database(url)
    wrong = "postgresql://papi:mat-khau-BIMAT@127.0.0.1:1/papi"
    down = config_check(tmp_path, {"DATABASE": wrong})
    assert down.returncode == 2 and "✗ DATABASE: PostgreSQL không trả lời" in down.stdout, down.stdout
    assert "BIMAT" not in down.stdout + down.stderr
    base = {"PATH": "/usr/bin:/bin", "DATABASE": wrong}
    for command in (["backup", "--dir", str(tmp_path)], ["restore", str(tmp_path / "x.sqlite3")]):
        done = subprocess.run([sys.executable, "-m", "bot", *command], capture_output=True, text=True, timeout=60,
                              cwd=tmp_path, env=base)
        assert done.returncode == 2 and "pg_dump" in done.stderr, done.stderr


def test_the_bots_settings_live_in_the_settings_file_alone() -> None:
    """DATABASE, LOG_FORMAT… only in /etc/papi/papi.env, which the units and `papi` all read: a default in a unit
    would not reach `papi restore`, which could then act on another database than the service's."""
    names = {name.upper() for name in Settings.model_fields}
    for unit in ("papi-bot.service", "papi-backup.service", "papi-backup-postgres.conf"):
        for line in (DEPLOY / unit).read_text(encoding="utf-8").splitlines():
            if line.startswith("Environment="):
                given = {pair.split("=", 1)[0] for pair in shlex.split(line.split("=", 1)[1])}
                assert not given & names, (unit, given & names)
    assert {"DATABASE", "LOG_FORMAT"} <= set(example_env())
