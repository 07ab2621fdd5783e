"""The dashboard in a real browser: Playwright driving Debian's chromium (never a downloaded one).

Sign in as a unit editor, open a plan, click a target to its item, file a progress report,
see the dashboard change, fail to file for another unit's item; an anonymous visitor is
refused the tracking pages.  Screenshots go to ``artifacts/web/``.  Skipped when
/usr/bin/chromium (or the playwright package) is missing.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from luodi.web.app import create_app
from test_web_fixtures import PASSWORDS, SECRET, SHENZHEN_2023, template_db  # noqa: F401  (fixtures)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    """The app under uvicorn on a loopback port, in a thread of this process, over a copy of the store."""
    import uvicorn

    db = tmp_path_factory.mktemp("browser") / "luodi.db"
    shutil.copyfile(template_db, db)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db, secret=SECRET), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.problems = []  # console errors and page errors (a CSP refusal shows up here)
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/plans")
    page.click("#login-link")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    shot(page, f"01-sign-in-{name}")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/plans")
    assert name in page.inner_text("header .who")


def light_count(page: Any, light: str) -> int:
    return int(page.inner_text(f"#lights .count-{light}"))


def test_web_browser_editor_files_progress_and_dashboard_changes(server: str, page: Any) -> None:
    sign_in(page, server, "keji")
    page.goto(f"{server}/tracking/plans/{SHENZHEN_2023}")
    green_before, red_before = light_count(page, "green"), light_count(page, "red")
    shot(page, "02-dashboard-before")

    page.goto(f"{server}/plans")
    page.click("text=深圳市加快推动人工智能高质量发展高水平应用行动方案")
    page.wait_for_url(f"{server}/plans/{SHENZHEN_2023}")
    assert page.locator(".source pre.src").is_visible()  # the original text beside the plan
    shot(page, "03-plan-page")

    page.locator("a.hl-target").first.click()  # a target in the text → its tracking item
    page.wait_for_url(f"{server}/tracking/items/*")
    assert "联合实验室" in page.inner_text("#source-quote")
    shot(page, "04-item-page")

    page.fill("input[name=value]", "6")
    page.fill("input[name=as_of]", "2024-12-31")
    page.fill("textarea[name=note]", "已与科研机构共建6家人工智能联合实验室")
    page.set_input_files("input[name=files]", files=[{"name": "验收材料.txt", "mimeType": "text/plain",
                                                      "buffer": "联合实验室验收材料".encode()}])
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#filed")
    history = page.inner_text("#history")
    assert "2024-12-31" in history and "共建6家" in history and "验收材料.txt" in history
    assert "已完成" in page.inner_text("#item-status")
    shot(page, "05-report-filed")

    page.goto(f"{server}/tracking/plans/{SHENZHEN_2023}")
    assert light_count(page, "green") == green_before + 1
    assert light_count(page, "red") == red_before - 1
    page.wait_for_selector(".chart canvas")  # ECharts drew the charts from the package's own copy
    shot(page, "06-dashboard-after")
    assert not page.problems, page.problems


def test_web_browser_editor_cannot_file_for_another_unit(server: str, page: Any) -> None:
    sign_in(page, server, "keji")
    page.goto(f"{server}/plans/{SHENZHEN_2023}")
    page.locator("a.hl-target").nth(1).click()  # the fund target: 市财政局 and others, not 市科技创新委
    page.wait_for_url(f"{server}/tracking/items/*")
    assert page.locator("#report-form").count() == 0
    assert page.locator("#no-permission").is_visible()
    item = page.url.rsplit("/", 1)[1]
    # Posting anyway (with the page's own CSRF token) is refused, and nothing is filed.
    status = page.evaluate(
        """async (item) => {
            const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];
            const form = new FormData(); form.append('value', '1000'); form.append('as_of', '2024-06-30');
            const r = await fetch(`/api/tracking/items/${item}/reports`, {method: 'POST', body: form,
                                  headers: {'X-CSRF-Token': token}});
            return [r.status, (await r.json()).error.status];
        }""",
        item,
    )
    assert status == [403, 403]
    page.reload()
    assert "无" in page.inner_text("#history")
    shot(page, "07-other-unit-refused")


def test_web_browser_anonymous_refused_tracking(server: str, page: Any) -> None:
    for path in ("/tracking", f"/tracking/plans/{SHENZHEN_2023}", "/tracking/units"):
        response = page.goto(f"{server}{path}")
        assert response.status == 401
        assert "请先登录" in page.inner_text("main")
    shot(page, "08-anonymous-refused")
    assert page.locator("nav >> text=落实跟踪").count() == 0  # not even offered in the menu
    page.problems.clear()  # the browser logs each refused page as a failed load: expected above
    page.goto(f"{server}/plans")
    page.fill(".searchbar input[name=q]", "广东")
    page.press(".searchbar input[name=q]", "Enter")  # htmx swaps the list in and pushes the URL
    page.wait_for_url(f"{server}/plans?q=*")
    assert page.locator("table.plans tbody tr").count() == 1
    response = page.goto(f"{server}/scenarios")  # what plans publish stays open
    assert response.status == 200 and "应用场景清单" in page.inner_text("main")
    page.goto(f"{server}/targets?metric=核心产业规模")
    page.wait_for_selector("#target-chart canvas")
    shot(page, "09-targets-chart")
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI from local files, no CDN
    shot(page, "10-api-docs")
    assert not page.problems, page.problems
