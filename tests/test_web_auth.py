"""Users and security: sign-in, sessions, CSRF, roles, the audit log, the secret file."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from luodi.store import Store
from luodi.store.schema import audit_log
from luodi.web import accounts, auth
from luodi.web.app import create_app
from luodi.web.deps import csrf_protect
from test_web_api import assert_error
from test_web_fixtures import (  # noqa: F401  (fixtures)
    PASSWORDS,
    SECRET,
    SHENZHEN_2023,
    client,
    item_of,
    login,
    template_db,
    web_db,
)

# Writes without a CSRF token by design: a JSON sign-in cannot be sent by a cross-site form.
CSRF_EXEMPT = {("POST", "/api/session")}


def _all_routes() -> list[Any]:
    from luodi.web.routers import home, plans, scenarios, search, session, targets, tracking, users

    return [r for m in (home, plans, scenarios, search, session, targets, tracking, users) for r in m.router.routes]


def _audit(db: Path) -> list[dict[str, Any]]:
    with Store.open(db) as store, store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings()]


# -- sign-in and sessions ------------------------------------------------------------------
def test_web_auth_login_logout_form(client: TestClient) -> None:  # noqa: F811
    page = client.get("/login")
    token = client.cookies.get(auth.CSRF_COOKIE)
    assert page.status_code == 200 and token and token in page.text
    r = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": token, "next": "/tracking"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tracking"
    cookie = r.headers["set-cookie"]
    assert "luodi_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert client.get("/tracking").status_code == 200
    me = client.get("/api/session").json()
    assert me["user"]["name"] == "viewer" and "password_hash" not in me["user"]
    out = client.post("/logout", data={"csrf_token": me["csrf_token"]}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/tracking").status_code == 401


def test_web_auth_wrong_password_and_throttle(client: TestClient) -> None:  # noqa: F811
    assert_error(client.post("/api/session", json={"name": "viewer", "password": "nope"}), 401)
    assert_error(client.post("/api/session", json={"name": "nobody", "password": "nope"}), 401)
    for _ in range(9):
        client.post("/api/session", json={"name": "viewer", "password": "nope"})
    assert_error(client.post("/api/session", json={"name": "viewer", "password": PASSWORDS["viewer"]}), 429)
    assert client.post("/api/session", json={"name": "admin", "password": PASSWORDS["admin"]}).status_code == 200


def test_web_auth_login_form_error_and_open_redirect(client: TestClient) -> None:  # noqa: F811
    client.get("/login")
    token = client.cookies.get(auth.CSRF_COOKIE)
    bad = client.post("/login", data={"name": "viewer", "password": "x", "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text
    for target in ("//evil.example/", "https://evil.example/", "/\\evil", "javascript:alert(1)"):
        r = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": token, "next": target},
                        follow_redirects=False)
        assert r.headers["location"] == "/plans", target
        token = client.get("/api/session").json()["csrf_token"]
        client.post("/logout", data={"csrf_token": token})
        client.get("/login")
        token = client.cookies.get(auth.CSRF_COOKIE)


def test_web_auth_tampered_or_foreign_cookie_is_anonymous(client: TestClient, web_db: Path) -> None:  # noqa: F811
    login(client, "admin")
    good = client.cookies.get(auth.SESSION_COOKIE)
    assert good
    client.cookies.set(auth.SESSION_COOKIE, good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1])
    assert client.get("/api/session").json()["user"] is None
    other = create_app(web_db, secret="another-secret-" + "y" * 40)  # signed with another key
    forged = auth.SessionSigner("another-secret-" + "y" * 40, 3600).dumps(accounts.find_user(other.state.store, "admin"))
    client.cookies.set(auth.SESSION_COOKIE, forged)
    assert client.get("/api/session").json()["user"] is None
    assert_error(client.get("/api/users"), 401)


def test_web_auth_password_change_ends_other_sessions(web_db: Path) -> None:  # noqa: F811
    app = create_app(web_db, secret=SECRET)
    first, second = TestClient(app), TestClient(app)
    token = login(first, "keji")
    login(second, "keji")
    r = first.post("/api/account/password", json={"current_password": PASSWORDS["keji"], "new_password": "new-pass-123"},
                   headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["csrf_token"]
    assert first.get("/api/session").json()["user"]["name"] == "keji"  # this browser got a new cookie
    assert second.get("/api/session").json()["user"] is None  # the other session is over
    wrong = first.post("/api/account/password", json={"current_password": "bad-pass-123", "new_password": "x" * 10},
                       headers={"X-CSRF-Token": r.json()["csrf_token"]})
    assert_error(wrong, 403)


def test_web_auth_disabled_user_is_signed_out(client: TestClient, web_db: Path) -> None:  # noqa: F811
    login(client, "viewer")
    with Store.open(web_db) as store:
        accounts.update_user(store, "viewer", disabled=True, actor="test")
    assert client.get("/api/session").json()["user"] is None
    assert_error(client.post("/api/session", json={"name": "viewer", "password": PASSWORDS["viewer"]}), 401)


def test_web_auth_passwords_are_argon2(web_db: Path) -> None:  # noqa: F811
    with Store.open(web_db) as store:
        user = accounts.find_user(store, "admin")
    assert user.password_hash.startswith("$argon2id$") and PASSWORDS["admin"] not in user.password_hash


# -- CSRF ----------------------------------------------------------------------------------
def test_web_auth_every_write_route_checks_csrf() -> None:
    unsafe = [(m, r.path, r) for r in _all_routes() for m in r.methods if m in {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(unsafe) >= 10
    for method, path, route in unsafe:
        if (method, path) in CSRF_EXEMPT:
            continue
        calls = [d.call for d in route.dependant.dependencies]
        assert csrf_protect in calls, f"{method} {path} lacks the CSRF check"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/logout", {"data": {}}),
        ("post", "/users", {"data": {"name": "mallory", "password": "mallory-pass", "role": "admin"}}),
        ("post", "/users/viewer", {"data": {"role": "admin"}}),
        ("post", "/account/password", {"data": {"current_password": "x", "new_password": "y" * 10}}),
        ("post", "/tracking/items/73/reports", {"data": {"value": "5"}}),
        ("post", "/api/users", {"json": {"name": "mallory", "password": "mallory-pass", "role": "admin"}}),
        ("patch", "/api/users/viewer", {"json": {"role": "admin"}}),
        ("post", "/api/tracking/items/73/reports", {"data": {"value": "5"}}),
        ("delete", "/api/session", {}),
    ],
)
def test_web_auth_writes_without_token_are_refused(client: TestClient, web_db: Path, method: str, path: str,  # noqa: F811
                                                   kwargs: dict[str, Any]) -> None:
    login(client, "admin")
    before = len(_audit(web_db))
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == 403, (path, r.text)
    r = getattr(client, method)(path, headers={"X-CSRF-Token": "not-the-token"}, **kwargs)
    assert r.status_code == 403, path
    assert len(_audit(web_db)) == before  # nothing was written
    with Store.open(web_db) as store:
        assert accounts.find_user(store, "viewer").role == "viewer"


def test_web_auth_login_form_needs_double_submit_token(client: TestClient) -> None:  # noqa: F811
    r = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"]})
    assert r.status_code == 403
    client.get("/login")
    r = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf_token": "forged-token-123456"})
    assert r.status_code == 403


# -- roles ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/tracking", "/tracking/plans/4", "/tracking/items/73", "/tracking/units",
                                  "/tracking/plans/4/quarterly", "/users", "/audit", "/account"])
def test_web_auth_anonymous_is_refused_internal_pages(client: TestClient, path: str) -> None:  # noqa: F811
    r = client.get(path)
    assert r.status_code == 401 and "登录" in r.text


@pytest.mark.parametrize("path", ["/api/tracking", "/api/tracking/plans/4", "/api/tracking/items/73",
                                  "/api/tracking/units?unit=x", "/api/tracking/plans/4/quarterly", "/api/users", "/api/audit"])
def test_web_auth_anonymous_is_refused_internal_api(client: TestClient, path: str) -> None:  # noqa: F811
    assert_error(client.get(path), 401)


@pytest.mark.parametrize("path", ["/", "/plans", "/plans/4", "/targets", "/scenarios", "/search?q=算力",
                                  "/api/plans/4", "/api/scenarios?format=csv", "/docs", "/login"])
def test_web_auth_anonymous_reads_what_plans_publish(client: TestClient, path: str) -> None:  # noqa: F811
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("who", ["viewer", "keji"])
def test_web_auth_non_admins_cannot_manage_users(client: TestClient, web_db: Path, who: str) -> None:  # noqa: F811
    token = login(client, who)
    assert_error(client.get("/api/users"), 403)
    assert_error(client.get("/api/audit"), 403)
    assert client.get("/users").status_code == 403
    r = client.post("/api/users", json={"name": "x1", "password": "password-1", "role": "admin"}, headers={"X-CSRF-Token": token})
    assert_error(r, 403)
    with Store.open(web_db) as store:
        assert "x1" not in {u.name for u in accounts.list_users(store)}


def test_web_auth_viewer_reads_tracking_but_cannot_file(client: TestClient) -> None:  # noqa: F811
    token = login(client, "viewer")
    assert client.get("/tracking/plans/4").status_code == 200
    item = item_of(client, SHENZHEN_2023, "target", 0)
    page = client.get(f"/tracking/items/{item}")
    assert page.status_code == 200 and 'id="report-form"' not in page.text
    r = client.post(f"/api/tracking/items/{item}/reports", data={"value": "3", "as_of": "2024-06-30"},
                    headers={"X-CSRF-Token": token})
    assert_error(r, 403)


# -- user management and the audit log ----------------------------------------------------
def test_web_auth_admin_manages_users_with_audit(client: TestClient, web_db: Path) -> None:  # noqa: F811
    token = login(client, "admin")
    h = {"X-CSRF-Token": token}
    wang = {"name": "wang", "password": "wang-pass-1", "role": "editor", "unit": "市发展改革委"}
    r = client.post("/api/users", json=wang, headers=h)
    assert r.status_code == 201 and r.json()["unit"] == "市发展改革委"
    assert_error(client.post("/api/users", json={"name": "wang", "password": "wang-pass-1", "role": "viewer"}, headers=h), 409)
    assert_error(client.post("/api/users", json={"name": "zhao", "password": "short", "role": "viewer"}, headers=h), 422)
    assert_error(client.post("/api/users", json={"name": "zhao", "password": "zhao-pass-1", "role": "editor"}, headers=h), 422)
    assert_error(client.post("/api/users", json={"name": "a b", "password": "zhao-pass-1", "role": "viewer"}, headers=h), 422)
    r = client.patch("/api/users/wang", json={"role": "viewer", "unit": None}, headers=h)
    assert r.status_code == 200 and r.json()["role"] == "viewer" and r.json()["unit"] is None
    assert_error(client.patch("/api/users/ghost", json={"role": "viewer"}, headers=h), 404)
    assert_error(client.patch("/api/users/admin", json={"disabled": True}, headers=h), 409)  # the last admin stays
    entries = [e for e in _audit(web_db) if e["actor"] == "admin"]
    assert [e["action"] for e in entries] == ["user.add", "user.update"]
    add, update = entries
    assert add["target"] == "user:wang" and add["before"] is None and add["after"]["role"] == "editor"
    assert update["before"] == {"role": "editor", "unit": "市发展改革委", "disabled": False}
    assert update["after"] == {"role": "viewer", "unit": None, "disabled": False}
    assert all("$argon2" not in str(e) and "wang-pass-1" not in str(e) for e in _audit(web_db))
    log = client.get("/api/audit", params={"actor": "admin"}).json()
    assert log["total"] == 2 and log["entries"][0]["action"] == "user.update"


def test_web_auth_admin_user_forms(client: TestClient, web_db: Path) -> None:  # noqa: F811
    token = login(client, "admin")
    page = client.get("/users")
    assert page.status_code == 200 and "keji" in page.text
    r = client.post("/users", data={"name": "sun", "password": "sun-pass-12", "role": "viewer", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    bad = client.post("/users", data={"name": "sun", "password": "sun-pass-12", "role": "viewer", "csrf_token": token})
    assert bad.status_code == 409 and "already exists" in bad.text
    r = client.post("/users/sun", data={"role": "editor", "unit": "市教育局", "disabled": "1", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    with Store.open(web_db) as store:
        sun = accounts.find_user(store, "sun")
    assert (sun.role, sun.unit, sun.disabled) == ("editor", "市教育局", True)
    assert client.get("/audit").status_code == 200
    for path in ("/api/users", "/api/audit"):
        r = client.get(path, params={"format": "csv"})
        assert r.status_code == 200 and r.content.decode("utf-8-sig").count("\n") > 3, path


# -- the secret ---------------------------------------------------------------------------
def test_web_auth_secret_file_is_private_and_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from luodi.web.settings import load_secret, secret_path

    monkeypatch.delenv("LUODI_SECRET", raising=False)
    db = tmp_path / "s.db"
    first = load_secret(db)
    path = secret_path(db)
    assert path == tmp_path / "s.db.secret" and len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret(db) == first
    monkeypatch.setenv("LUODI_SECRET", "z" * 40)
    assert load_secret(db) == "z" * 40
    monkeypatch.setenv("LUODI_SECRET", "short")
    with pytest.raises(ValueError):
        load_secret(db)


def test_web_auth_startup_does_not_write_the_store(web_db: Path) -> None:  # noqa: F811
    before = web_db.stat().st_mtime_ns, web_db.stat().st_size
    app = create_app(web_db, secret=SECRET)
    with TestClient(app) as c:
        assert c.get("/plans").status_code == 200
        assert c.get("/plans/1").status_code == 200
    assert (web_db.stat().st_mtime_ns, web_db.stat().st_size) == before


def test_web_auth_anonymous_readers_get_no_cookies(client: TestClient) -> None:  # noqa: F811
    for path in ("/", "/plans", "/plans/4", "/targets", "/scenarios", "/api/plans"):
        assert "set-cookie" not in client.get(path).headers, path
    assert auth.CSRF_COOKIE in client.get("/login").headers.get("set-cookie", "")  # the sign-in form needs one
