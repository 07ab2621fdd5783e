"""``luodi user add|passwd|list`` and ``luodi serve`` (on a real port, briefly)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

import luodi.cli.web  # noqa: F401  (registers serve and user, as cli/__init__.py does)
from luodi.cli import app
from luodi.store import Store
from luodi.web import accounts

runner = CliRunner()


def run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_web_cli_user_add_list_passwd(db_path: Path) -> None:
    code, _, err = run(db_path, "user", "add", "zhang", "--role", "editor", "--unit", "市科技创新委", "--password-stdin",
                       stdin="zhang-pass-1\n")
    assert code == 0 and "added zhang" in err
    code, out, _ = run(db_path, "user", "list", "--json")
    assert json.loads(out) == [{"id": 1, "name": "zhang", "role": "editor", "unit": "市科技创新委", "disabled": False}]
    code, out, _ = run(db_path, "user", "list")
    assert code == 0 and "zhang" in out and "市科技创新委" in out
    code, _, err = run(db_path, "user", "passwd", "zhang", stdin="new-pass-123\nnew-pass-123\n")
    assert code == 0 and "changed" in err
    with Store.open(db_path) as store:
        assert accounts.authenticate(store, "zhang", "new-pass-123") is not None
        assert accounts.authenticate(store, "zhang", "zhang-pass-1") is None
        lines = store.engine.connect().exec_driver_sql("select actor, action from audit_log order by id").all()
    assert [a for _, a in lines] == ["user.add", "user.passwd"] and all(actor.startswith("cli:") for actor, _ in lines)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "li", "--role", "editor", "--password-stdin"], "li-pass-123\n", "needs a unit"),
        (["user", "add", "li", "--role", "boss", "--password-stdin"], "li-pass-123\n", "unknown role"),
        (["user", "add", "li", "--password-stdin"], "short\n", "password must have"),
        (["user", "passwd", "ghost", "--password-stdin"], "ghost-pass-1\n", "user not found"),
    ],
)
def test_web_cli_user_errors(db_path: Path, args: list[str], stdin: str, message: str) -> None:
    code, _, err = run(db_path, *args, stdin=stdin)
    assert code == 1 and message in err


def test_web_cli_user_add_twice(db_path: Path) -> None:
    run(db_path, "user", "add", "li", "--password-stdin", stdin="li-pass-123\n")
    code, _, err = run(db_path, "user", "add", "li", "--password-stdin", stdin="li-pass-123\n")
    assert code == 1 and "already exists" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_web_cli_serve_answers_on_loopback(db_path: Path) -> None:
    port = _free_port()
    code = "import luodi.cli.web; from luodi.cli import main; main()"
    env = {**os.environ, "LUODI_DB": str(db_path), "LUODI_SECRET": "s" * 40}
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/plans", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert json.loads(body)["total"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
