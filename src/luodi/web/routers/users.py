"""User management (admins), one's own password (everyone signed in), and the audit log (admins)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from luodi.web import accounts, auth, export, schemas
from luodi.web.deps import Admin, CsrfChecked, SignedIn, StoreDep
from luodi.web.errors import Forbidden, WebError
from luodi.web.identity import start_session
from luodi.web.queries.audit import AuditFilters, audit_page
from luodi.web.routers import FormatQ, OptText64, OptText200, PagingDep, json_response, with_body
from luodi.web.templating import render

router = APIRouter()

Role = Literal["admin", "editor", "viewer"]
UserName = Annotated[str, Form(min_length=1, max_length=64)]
Password = Annotated[str, Form(min_length=1, max_length=256)]


def _users_page(request: Request, store: StoreDep, *, error: str | None = None, status: int = 200) -> Response:
    users = [u.public() for u in accounts.list_users(store)]
    ctx = {"users": users, "roles": auth.ROLES, "error": error, "done": request.query_params.get("done")}
    return render(request, "users.html", ctx, status=status)


# -- pages -------------------------------------------------------------------------------
@router.get("/users", include_in_schema=False)
def users_page(request: Request, store: StoreDep, user: Admin) -> Response:
    return _users_page(request, store)


@router.post("/users", include_in_schema=False, dependencies=[CsrfChecked])
def add_user_form(
    request: Request, store: StoreDep, user: Admin, name: UserName, password: Password, role: Annotated[Role, Form()],
    unit: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        accounts.add_user(store, name, password, role, unit or None, actor=user.name)
    except WebError as exc:
        return _users_page(request, store, error=exc.message, status=exc.status)
    return RedirectResponse(f"/users?done=add:{name}", status_code=303)


@router.post("/users/{name}", include_in_schema=False, dependencies=[CsrfChecked])
def update_user_form(
    request: Request, store: StoreDep, user: Admin, name: str, role: Annotated[Role, Form()],
    unit: Annotated[str, Form(max_length=100)] = "", disabled: Annotated[str | None, Form(max_length=10)] = None,
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    try:
        accounts.update_user(store, name, role=role, unit=unit or None, disabled=disabled is not None, actor=user.name)
        if password:
            accounts.set_password(store, name, password, actor=user.name)
    except WebError as exc:
        return _users_page(request, store, error=exc.message, status=exc.status)
    return RedirectResponse(f"/users?done=save:{name}", status_code=303)


@router.get("/account", include_in_schema=False)
def account_page(request: Request, user: SignedIn) -> Response:
    return render(request, "account.html", {"error": None, "done": request.query_params.get("done")})


@router.post("/account/password", include_in_schema=False, dependencies=[CsrfChecked])
def change_password_form(
    request: Request, store: StoreDep, user: SignedIn, current_password: Password, new_password: Password,
) -> Response:
    try:
        new_user = _change_own_password(store, user, current_password, new_password)
    except WebError as exc:
        return render(request, "account.html", {"error": exc.message, "done": None}, status=exc.status)
    response = RedirectResponse("/account?done=password", status_code=303)
    start_session(request, response, new_user)
    return response


def _change_own_password(store: StoreDep, user: auth.User, current: str, new: str) -> auth.User:
    if accounts.authenticate(store, user.name, current) is None:
        raise Forbidden("current password is wrong / 当前密码不正确")
    accounts.set_password(store, user.name, new, actor=user.name)
    return accounts.find_user(store, user.name)


@router.get("/audit", include_in_schema=False)
def audit_html(
    request: Request, store: StoreDep, user: Admin, paging: PagingDep,
    actor: Annotated[OptText64, Query()] = None, action: Annotated[OptText64, Query()] = None,
    target: Annotated[OptText200, Query()] = None,
) -> Response:
    return render(request, "audit.html", audit_page(store, AuditFilters(actor, action, target), paging))


# -- API ---------------------------------------------------------------------------------
class NewUser(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role
    unit: str | None = Field(default=None, max_length=100)


class UserChange(BaseModel):
    role: Role | None = None
    unit: str | None = Field(default=None, max_length=100)
    disabled: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=256)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


USER_COLUMNS: list[export.Column] = [("name", "用户名 name"), ("role", "角色 role"), ("unit", "单位 unit"),
                                     ("disabled", "已停用 disabled")]
AUDIT_COLUMNS: list[export.Column] = [("at", "时间 at"), ("actor", "操作人 actor"), ("action", "操作 action"),
                                      ("target", "对象 target"), ("before", "修改前 before"), ("after", "修改后 after")]


@router.get("/api/users", tags=["users"], response_model=None,
            responses=schemas.json_responses(schemas.UserList, tables=True, auth=True))
def api_users(store: StoreDep, user: Admin, format: FormatQ = "json") -> Response:
    """All users (admins only)."""
    rows = [u.public() for u in accounts.list_users(store)]
    if format != "json":
        return export.download(rows, USER_COLUMNS, format, "users")
    return json_response({"users": rows})


@router.post("/api/users", tags=["users"], response_model=None, dependencies=[CsrfChecked], status_code=201,
             responses={201: {"model": schemas.UserOut}, **schemas.json_responses(schemas.UserOut, auth=True)})
def api_add_user(store: StoreDep, user: Admin, body: NewUser) -> Response:
    """Add a user (admins only); an editor needs a unit."""
    new = accounts.add_user(store, body.name, body.password, body.role, body.unit, actor=user.name)
    return json_response(new.public(), status=201)


@router.patch("/api/users/{name}", tags=["users"], response_model=None, dependencies=[CsrfChecked],
              responses=schemas.json_responses(schemas.UserOut, auth=True))
def api_update_user(store: StoreDep, user: Admin, name: str, body: UserChange) -> Response:
    """Change a user's role, unit, disabled flag or password (admins only); fields left out keep their value."""
    changes: dict[str, Any] = {"role": body.role, "disabled": body.disabled}
    if "unit" in body.model_fields_set:
        changes["unit"] = body.unit
    updated = accounts.update_user(store, name, actor=user.name, **changes)
    if body.password is not None:
        accounts.set_password(store, name, body.password, actor=user.name)
    return json_response(updated.public())


@router.post("/api/account/password", tags=["users"], response_model=None, dependencies=[CsrfChecked],
             responses=schemas.json_responses(schemas.SessionOut, auth=True))
def api_change_password(request: Request, store: StoreDep, user: SignedIn, body: PasswordChange) -> Response:
    """Change your own password; the response carries a new session cookie and CSRF token."""
    new_user = _change_own_password(store, user, body.current_password, body.new_password)
    response = json_response({"user": new_user.public(), "csrf_token": None})
    token = start_session(request, response, new_user)
    return with_body(response, {"user": new_user.public(), "csrf_token": token})


async def audit_filters(
    actor: Annotated[OptText64, Query()] = None,
    action: Annotated[OptText64, Query(description="action or its prefix, e.g. report or user.add")] = None,
    target: Annotated[OptText200, Query(description="e.g. item:12 or user:alice")] = None,
) -> AuditFilters:
    return AuditFilters(actor, action, target)


@router.get("/api/audit", tags=["users"], response_model=None,
            responses=schemas.json_responses(schemas.AuditList, tables=True, auth=True))
def api_audit(store: StoreDep, user: Admin, paging: PagingDep,
              filters: Annotated[AuditFilters, Depends(audit_filters)], format: FormatQ = "json") -> Response:
    """The audit log, newest first (admins only): who changed what, when, before and after.
    Downloads hold the current page (use ``per_page`` up to 200 and ``page``)."""
    data = audit_page(store, filters, paging)
    if format != "json":
        rows = [dict(e, before=_json_text(e["before"]), after=_json_text(e["after"])) for e in data["entries"]]
        return export.download(rows, AUDIT_COLUMNS, format, "audit")
    return json_response(data)


def _json_text(value: Any) -> str:
    import orjson

    return "" if value is None else orjson.dumps(value).decode("utf-8")

