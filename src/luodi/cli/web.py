"""Web commands: ``luodi serve`` and ``luodi user add|passwd|list``.

Importing this module registers them on :data:`luodi.cli.common.app`.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from luodi import audit
from luodi.cli.common import JsonOpt, app, dump, err, fail, open_store, out
from luodi.errors import LuodiError

user_app = typer.Typer(help="用户 Users of the web app: add, change password, list.", no_args_is_help=True)
app.add_typer(user_app, name="user")

ROLE_HELP = "admin (everything, user management), editor (files progress for its unit), viewer (reads everything)."


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (one per CPU core is a good start).", min=1, max=64)] = 1,
) -> None:
    """Start the web dashboard and JSON API (pages, /api/…, OpenAPI at /docs).

    Example: luodi serve --port 8000   then open http://127.0.0.1:8000/
    """
    import uvicorn

    from luodi.web.app import create_app

    store = open_store()  # the store named by --db / LUODI_DB; a bad one fails here with one line
    db = store.engine.url.render_as_string(hide_password=False)
    shown = store.engine.url.render_as_string(hide_password=True)
    store.close()
    try:
        application = create_app(db)
    except (LuodiError, ValueError) as exc:
        raise fail(str(exc)) from exc
    err.print(f"luodi: serving {shown} on http://{host}:{port}/  (API docs: /docs)", highlight=False)
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="info", access_log=False)
        return
    application.state.store.close()  # it only checked the store: each worker opens its own
    os.environ["LUODI_DB"] = db  # each worker process builds its own app from the environment
    uvicorn.run("luodi.web.app:from_env", factory=True, host=host, port=port, workers=workers, log_level="info",
                access_log=False)


def _password(password_stdin: bool, confirm: bool = True) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")]


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (what they sign in with).")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "viewer",
    unit: Annotated[str | None, typer.Option(help="The unit an editor reports for, e.g. 市科技创新委.")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user; the password is asked for (or read with --password-stdin).

    Example: luodi user add zhang --role editor --unit 市科技创新委
    """
    from luodi.web import accounts

    password = _password(password_stdin)
    store = open_store()
    try:
        user = accounts.add_user(store, name, password, role, unit, actor=audit.cli_actor())
    except LuodiError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    err.print(f"added {user.name} ({user.role}{', ' + user.unit if user.unit else ''})", highlight=False)


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password (signs out their open sessions).

    Example: luodi user passwd zhang
    """
    from luodi.web import accounts

    store = open_store()
    try:
        accounts.find_user(store, name)  # fail before asking for a password
        accounts.set_password(store, name, _password(password_stdin), actor=audit.cli_actor())
    except LuodiError as exc:
        raise fail(str(exc)) from exc
    finally:
        store.close()
    err.print(f"password of {name} changed", highlight=False)


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """Users: name, role, unit, disabled."""
    from luodi.web import accounts

    store = open_store()
    try:
        users = accounts.list_users(store)
    finally:
        store.close()
    if as_json:
        dump([u.public() for u in users])
        return
    table = Table("name", "role", "unit", "disabled", header_style="bold")
    for u in users:
        table.add_row(u.name, u.role, u.unit or "—", "yes" if u.disabled else "")
    out.print(table)
