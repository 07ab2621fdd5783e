"""User accounts in the store's ``users`` table: add, change, list, authenticate.

Used by the web app and by ``luodi user …``.  Every write runs in one write transaction
together with its audit line (:func:`luodi.audit.record`); the log never sees a password
or its hash, only that it changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from luodi import audit
from luodi.store import Store
from luodi.store.engine import WRITE
from luodi.store.schema import users
from luodi.web.auth import ROLES, User, hash_password, needs_rehash, verify_password
from luodi.web.errors import Conflict, Invalid, NotFoundError

MIN_PASSWORD = 8
MAX_PASSWORD = 256  # argon2 would hash a megabyte happily; refuse it before it costs CPU
_NAME = re.compile(r"[^\s/\\<>\"'&]{1,64}")
_UNSET: Any = object()


def validate_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise Invalid(f"invalid user name {name!r}: 1–64 characters, no spaces, slashes, quotes or <>&")
    return name


def validate_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(
            f"password must have {MIN_PASSWORD}–{MAX_PASSWORD} characters / 密码长度须为{MIN_PASSWORD}–{MAX_PASSWORD}位"
        )
    return password


def validate_role(role: str, unit: str | None) -> tuple[str, str | None]:
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    unit = (unit or "").strip() or None
    if role == "editor" and unit is None:
        raise Invalid("a unit editor needs a unit / 单位填报员须指定单位")
    if unit is not None and len(unit) > 100:
        raise Invalid("unit name too long")
    return role, unit


def _user(row: Mapping[Any, Any]) -> User:
    return User(
        id=row["id"], name=row["name"], role=row["role"], unit=row["unit"],
        disabled=bool(row["disabled"]), password_hash=row["password_hash"],
    )


def _public(user: User) -> dict[str, Any]:
    return {"role": user.role, "unit": user.unit, "disabled": user.disabled}


def _writer(store: Store) -> Any:
    return store.engine.execution_options(**{WRITE: True}).begin()


def _find(conn: Connection, name: str) -> User:
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None:
        raise NotFoundError(f"user not found: {name}")
    return _user(row)


# -- reading -----------------------------------------------------------------------------
def get_user(store: Store, user_id: int) -> User | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return _user(row) if row is not None else None


def find_user(store: Store, name: str) -> User:
    with store.engine.connect() as conn:
        return _find(conn, name)


def list_users(store: Store) -> list[User]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).mappings().all()
    return [_user(r) for r in rows]


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The enabled user with this name and password, else None (same cost either way)."""
    if len(password) > MAX_PASSWORD:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name.strip())).mappings().first()
    user = _user(row) if row is not None else None
    if not verify_password(user.password_hash if user else None, password) or user is None or user.disabled:
        return None
    if needs_rehash(user.password_hash):  # argon2 parameters were raised since it was set
        new_hash = hash_password(password)
        with _writer(store) as conn:
            conn.execute(update(users).where(users.c.id == user.id).values(password_hash=new_hash))
        user = User(user.id, user.name, user.role, user.unit, user.disabled, new_hash)
    return user


# -- writing -----------------------------------------------------------------------------
def add_user(store: Store, name: str, password: str, role: str, unit: str | None = None, *, actor: str) -> User:
    name = validate_name(name)
    role, unit = validate_role(role, unit)
    password_hash = hash_password(validate_password(password))
    try:
        with _writer(store) as conn:
            new_id = conn.execute(
                insert(users).values(
                    name=name, password_hash=password_hash, role=role, unit=unit, disabled=False, created_at=audit.now()
                )
            ).inserted_primary_key
            assert new_id is not None
            user = User(int(new_id[0]), name, role, unit, False, password_hash)
            audit.record(conn, actor, "user.add", f"user:{name}", None, _public(user))
    except IntegrityError as exc:
        raise Conflict(f"user already exists: {name}") from exc
    return user


def set_password(store: Store, name: str, password: str, *, actor: str) -> None:
    password_hash = hash_password(validate_password(password))
    with _writer(store) as conn:
        user = _find(conn, name)
        conn.execute(update(users).where(users.c.id == user.id).values(password_hash=password_hash))
        audit.record(conn, actor, "user.passwd", f"user:{name}", {"password": "…"}, {"password": "changed"})


def update_user(
    store: Store, name: str, *, role: str | None = None, unit: str | None = _UNSET, disabled: bool | None = None, actor: str
) -> User:
    """Change role, unit or disabled; fields left out keep their value."""
    with _writer(store) as conn:
        old = _find(conn, name)
        new_role, new_unit = validate_role(role or old.role, old.unit if unit is _UNSET else unit)
        new_disabled = old.disabled if disabled is None else disabled
        _keep_an_admin(conn, old, new_role, new_disabled)
        conn.execute(update(users).where(users.c.id == old.id).values(role=new_role, unit=new_unit, disabled=new_disabled))
        new = User(old.id, old.name, new_role, new_unit, new_disabled, old.password_hash)
        if _public(new) != _public(old):
            audit.record(conn, actor, "user.update", f"user:{name}", _public(old), _public(new))
    return new


def _keep_an_admin(conn: Connection, old: User, role: str, disabled: bool) -> None:
    """Refuse the change that would leave no enabled admin (nobody could manage users)."""
    if not old.is_admin or old.disabled or (role == "admin" and not disabled):
        return
    others = conn.scalar(
        select(users.c.id).where(users.c.role == "admin", users.c.disabled.is_(False), users.c.id != old.id).limit(1)
    )
    if others is None:
        raise Conflict("this is the last enabled admin / 至少保留一名启用的管理员")
