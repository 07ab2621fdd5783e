"""The API against its own OpenAPI description (schemathesis, in-process over ASGI): whatever
input the schema allows or almost allows, no answer is a 500, every error carries the one
envelope, and answers match their documented schema.

Schemathesis' pytest integration does not run on pytest 9 (it reads a removed private
attribute), so each operation is driven through its Hypothesis strategy directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from luodi.web.app import create_app
from test_web_fixtures import PASSWORDS, SECRET, template_db, web_db  # noqa: F401  (fixtures)

EXAMPLES = 25


def _check(case: Any, response: Any) -> None:
    where = f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:200]}"
    assert response.status_code < 500, f"{where}: {response.text[:500]}"
    ctype = (response.headers.get("content-type") or [""])[0]  # schemathesis: header → list of values
    if response.status_code >= 400 and "json" in ctype:
        body = response.json()
        assert body["ok"] is False and set(body["error"]) == {"status", "message", "detail"}, where
        assert body["error"]["status"] == response.status_code, where
    if response.status_code < 300 and ctype.startswith("application/json"):
        case.operation.validate_response(response)  # the answer matches its documented model


def _run(app: Any, headers: dict[str, str], cookies: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err would raise here: a broken schema fails the test
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def exercise(case: Any) -> None:
            _check(case, case.call(headers=headers, cookies=cookies))

        exercise()
    return labels


@pytest.mark.slow
def test_web_schema_anonymous_no_server_error(web_db: Path) -> None:  # noqa: F811
    labels = _run(create_app(web_db, secret=SECRET), {}, {})
    assert "GET /api/plans" in labels and "POST /api/tracking/items/{item_id}/reports" in labels


@pytest.mark.slow
def test_web_schema_admin_no_server_error(web_db: Path) -> None:  # noqa: F811
    app = create_app(web_db, secret=SECRET)
    r = TestClient(app).post("/api/session", json={"name": "admin", "password": PASSWORDS["admin"]})
    _run(app, {"X-CSRF-Token": r.json()["csrf_token"]}, dict(r.cookies))
