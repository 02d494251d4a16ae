"""``tui-archive serve`` in a real browser: headless Chromium (driven by selenium) opens the printed URL.

It types a search, opens a report (the view is counted in the file), and
receives an export as a download, while nothing is written on the server's
side; the same page without the token is refused. Chromium and its driver are
Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).
"""

from __future__ import annotations

import csv
import http.server
import importlib.util
import io
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import CONSOLE_SCRIPT, Served, free_port, views_in_file

pytestmark = [pytest.mark.terminal]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
DEADLINE = 30.0  # seconds for anything to happen; CI machines can be slow
PAUSE = 1.0  # between keys, as a person types (the app's search waits for a pause in typing)

MISSING = [
    what
    for what, there in (
        ("chromium", CHROMIUM),
        ("chromedriver (chromium-driver)", CHROMEDRIVER),
        ("selenium", importlib.util.find_spec("selenium")),
        ("textual-serve", importlib.util.find_spec("textual_serve")),
        ("the tui-archive console script", CONSOLE_SCRIPT.exists() or None),
    )
    if there is None
]
if MISSING:
    if os.environ.get("CI"):  # never skipped quietly where the browser is meant to be
        pytest.fail(f"the browser tests need {', '.join(MISSING)} (.ci/run installs them)", pytrace=False)
    pytestmark.append(pytest.mark.skip(reason=f"needs {', '.join(MISSING)} (apt-get install chromium chromium-driver)"))

# Chromium on a machine without outside network: no calls home, no first-run, no sandbox (in containers).
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
    # DNS rebinding, without a DNS server: another site's name that resolves to this machine.
    "--host-resolver-rules=MAP rebound.example 127.0.0.1",
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium with its own profile, downloading into ``browser.downloads`` without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "browser-downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None and CHROMEDRIVER is not None
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'browser-profile'}"]:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    # The driver Debian installs, named: selenium never looks for (or downloads) one of its own.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.set_page_load_timeout(DEADLINE)
        driver.downloads = downloads
        yield driver
    finally:
        driver.quit()


def wait_until(condition: Callable[[], Any], what: str, timeout: float = DEADLINE) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.2)


def files_in(*folders: Path) -> set[Path]:
    return {path for folder in folders for path in folder.rglob("*")}


def test_in_chromium_search_open_and_download_an_export(served: Served, browser: Any, tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    served.wait_until_up()
    db = served.db

    # Without the token: refused, and the page says why.
    browser.get(served.base)
    refusal = browser.find_element(By.TAG_NAME, "body").text
    assert "403" in refusal and "token" in refusal

    # The printed URL: the app draws in the page's terminal (xterm.js), which takes keys in its text area.
    browser.get(served.url)
    wait_until(
        lambda: "-first-byte" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
        "the app to draw",
    )
    keyboard = wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".xterm-helper-textarea"), "the terminal")[0]

    def press(*keys: str) -> None:
        for key in keys:
            keyboard.send_keys(key)
            time.sleep(PAUSE)

    time.sleep(2 * PAUSE)  # the first screen's listing
    press("/", "moat")  # only RPT-1279 says "moat"
    time.sleep(2 * PAUSE)  # its results
    press(Keys.ENTER, Keys.ENTER)  # to the list, then open the report
    wait_until(lambda: views_in_file(db, "RPT-1279") == 1, "the view of RPT-1279 to be counted in the file")
    assert [views_in_file(db, other) for other in ("RPT-1045", "RPT-363", "RPT-280")] == [0, 0, 1]
    browser.save_screenshot(str(tmp_path / "report.png"))

    # On the server: the test's working folder, the home folder (a Downloads folder), the archive's folder.
    server_side = (served.cwd, served.home, db.parent)
    before = files_in(*server_side)
    press(Keys.ESCAPE, "e")  # back to the list; export what it lists
    browser.save_screenshot(str(tmp_path / "export.png"))
    press(Keys.ENTER)  # the dialog asks only the format: CSV, downloaded
    downloaded = wait_until(
        lambda: [p for p in browser.downloads.iterdir() if p.suffix == ".csv"], "the export to reach the browser"
    )
    assert [path.name for path in downloaded] == ["reports.csv"]
    rows = list(csv.DictReader(io.StringIO(downloaded[0].read_text(encoding="utf-8"))))
    assert [(row["id"], row["views"]) for row in rows] == [("RPT-1279", "1")]
    assert files_in(*server_side) == before, "the export wrote a file on the server"
    assert not list(served.home.rglob("reports.csv"))


ANOTHER_SITE = """<!DOCTYPE html><html><body><script>
  // Another site's page, in a browser that has just used the app (and holds its cookie).
  const ws = new WebSocket("ws://127.0.0.1:PORT/ws?width=80&height=24");
  ws.onopen = () => { document.title = "opened"; ws.send(JSON.stringify(["stdin", "\\r"])); };
  ws.onclose = () => { if (document.title !== "opened") document.title = "refused"; };
</script></body></html>"""


@pytest.fixture
def another_site(served: Served) -> Iterator[str]:
    """A page on another origin (this machine, another port) that tries to open a session on the server."""
    page = ANOTHER_SITE.replace("PORT", str(served.port)).encode("utf-8")

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_in_chromium_other_sites_cannot_use_the_server(served: Served, browser: Any, another_site: str):
    from selenium.webdriver.common.by import By

    served.wait_until_up()
    browser.get(served.url)  # the user's own session: the browser now holds the token's cookie
    wait_until(
        lambda: "-first-byte" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
        "the app to draw",
    )
    views = [views_in_file(served.db, report_id) for report_id in ("RPT-1045", "RPT-1279", "RPT-363", "RPT-280")]

    # A page of another site opens a WebSocket to the server: its Origin gives it away.
    browser.get(another_site)
    wait_until(lambda: browser.title in ("opened", "refused"), "the other site's WebSocket to open or fail")
    assert browser.title == "refused"

    # DNS rebinding: another name that resolves to this machine reaches the port, with the token even.
    browser.get(served.url.replace("127.0.0.1", "rebound.example"))
    refusal = browser.find_element(By.TAG_NAME, "body").text
    assert "403" in refusal and "host" in refusal

    assert [views_in_file(served.db, r) for r in ("RPT-1045", "RPT-1279", "RPT-363", "RPT-280")] == views
