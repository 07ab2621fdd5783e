"""Who is asking and what they may do: password hashes, signed session cookies, CSRF tokens, roles.

* Passwords: argon2id (argon2-cffi defaults), rehashed on sign-in when the parameters change.
* Sessions: an itsdangerous-signed, timestamped cookie (HttpOnly, SameSite=Lax) holding the
  user id, a CSRF token and a fingerprint of the password hash, so changing a password signs
  out every other session of that user.  Nothing is stored server-side.
* CSRF: signed-in users' forms carry the token bound to their session; before sign-in the
  login form uses a double-submit cookie.  Every unsafe request must present the token in a
  ``csrf_token`` form field or an ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

ROLES = ("admin", "editor", "viewer")
ROLE_LABELS = {"admin": "管理员", "editor": "单位填报员", "viewer": "查阅者"}

SESSION_COOKIE = "luodi_session"
CSRF_COOKIE = "luodi_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so a miss costs as long as a wrong
    password.  Made on first use: hashing takes a tenth of a second, too long for every import."""
    return _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    unit: str | None
    disabled: bool = False
    password_hash: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "unit": self.unit, "disabled": self.disabled}


# -- passwords ---------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def fingerprint(password_hash: str) -> str:
    """A short, non-reversible tag of the hash: a new password invalidates old cookies."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


# -- sessions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    user_id: int
    csrf: str
    fp: str


class SessionSigner:
    def __init__(self, secret: str, max_age_s: int) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="luodi.session")
        self.max_age_s = max_age_s

    def dumps(self, user: User) -> str:
        return self._s.dumps({"u": user.id, "c": new_token(), "p": fingerprint(user.password_hash)})

    def loads(self, cookie: str | None) -> Session | None:
        if not cookie or len(cookie) > 4096:
            return None
        try:
            data = self._s.loads(cookie, max_age=self.max_age_s)
        except BadSignature:  # also SignatureExpired
            return None
        if not isinstance(data, dict):
            return None
        uid, csrf, fp = data.get("u"), data.get("c"), data.get("p")
        if not isinstance(uid, int) or not isinstance(csrf, str) or not isinstance(fp, str):
            return None
        return Session(uid, csrf, fp)


# -- CSRF --------------------------------------------------------------------------------
def new_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


# -- roles -------------------------------------------------------------------------------
def can_report_for(user: User | None, units: list[str]) -> bool:
    """An admin files for any item; a unit editor only for items whose units include theirs."""
    if user is None or user.disabled:
        return False
    if user.is_admin:
        return True
    return user.role == "editor" and bool(user.unit) and unit_matches(user.unit or "", units)


def unit_matches(unit: str, units: list[str]) -> bool:
    wanted = _norm_unit(unit)
    return any(_norm_unit(u) == wanted for u in units)


def _norm_unit(unit: str) -> str:
    return "".join(unit.split())
