"""What the tests read and wait for: the archive file, the screen, the status line, the table.

Test modules import these (never each other); the fixtures are in conftest.py.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from rich.console import Group
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Static

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.widgets.report_table import ReportTable

from .samples import FORBIDDEN

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "tui_archive" / "data" / "global-analysis-archive.txt"
COMMITTED_ARCHIVE = ROOT / "archive.db"
README = ROOT / "README.md"

# The seed page's reports, newest first, as a reader of the page sees them.
SEED_IDS = ["RPT-1045", "RPT-1279", "RPT-363", "RPT-280"]

WAIT = 5.0
"""Seconds to wait for something the app does by itself (a search, a count, a view) before failing."""


# -- archives ------------------------------------------------------------------------------


def make_store(path: Path, records: Iterable[dict]) -> Store:
    """A new archive holding ``records`` (dicts with at least id and title)."""
    store = Store(path)
    with store.writer() as writer:
        for record in records:
            writer.upsert(record)
    return store


def views_in_file(path: Path, report_id: str) -> int:
    """A report's view count as the file holds it, read by a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT views FROM reports WHERE id = ?", [report_id]).fetchone()[0]
    finally:
        conn.close()


def archive_contents(path: Path):
    """Everything a user could see in the archive: its reports and its name."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM reports ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM archive_meta ORDER BY key").fetchall(),
        )
    finally:
        conn.close()


def dump(path: Path) -> list[str]:
    """Everything in the archive, as SQL."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# -- tui-archive serve, as a process -----------------------------------------------------------

CONSOLE_SCRIPT = Path(sys.executable).parent / "tui-archive"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:  # a refusal is an answer too
        return error.code, error.read().decode("utf-8")


class Served:
    """``tui-archive serve`` running in its own process on a free port, in ``tmp_path / "cwd"``
    with ``HOME`` at ``tmp_path / "home"`` (both empty), so that what it writes can be seen."""

    def __init__(self, tmp_path: Path, db: Path, *args: str, env: dict[str, str] | None = None) -> None:
        """``args`` go after ``serve``; ``env`` adds to (or, with "", removes from) its environment."""
        self.db = db
        self.cwd = tmp_path / "cwd"
        self.home = tmp_path / "home"
        self.cwd.mkdir()
        self.home.mkdir()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.url = ""
        """The URL it prints, with the token."""
        # History stays in the test's folder.
        environment = dict(os.environ, HOME=str(self.home), XDG_DATA_HOME=str(tmp_path / "data"))
        environment.pop("TUI_ARCHIVE_DB", None)
        environment.pop("TUI_ARCHIVE_TOKEN", None)  # a new token for each start
        environment.update(env or {})
        self.log = (tmp_path / "serve.log").open("w+")
        self.process = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", "--port", str(self.port), "--db", str(db), *args],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.cwd,
            env=environment,
        )

    def wait_until_up(self, timeout: float = 30) -> tuple[int, str]:
        """Wait for the URL it prints, then open it."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"serve exited early:\n{self.output()}"
            found = re.search(rf"^({re.escape(self.base)}\?token=\S+)$", self.output(), re.MULTILINE)
            if found:
                self.url = found.group(1)
                try:
                    return http_get(self.url)
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing served on {self.base}:\n{self.output()}") from None
            time.sleep(0.2)

    @property
    def token(self) -> str:
        return self.url.split("?token=", 1)[1]

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        text = self.log.read()
        self.log.seek(0, os.SEEK_END)
        return text

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


# -- what the app shows ----------------------------------------------------------------------


def screen_lines(app: ArchiveApp) -> list[str]:
    """What the terminal shows, as plain text, one string per terminal row."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_text(app: ArchiveApp) -> str:
    """What the terminal shows, as plain text, one line per terminal row."""
    return "\n".join(screen_lines(app))


def assert_inert(text: str) -> None:
    """No escape, bell, NUL or bidi override character in ``text``."""
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the screen"


def browse_screen(app: ArchiveApp) -> BrowseScreen:
    """The list's screen, also while a report or a dialog is open over it."""
    return next(screen for screen in app.screen_stack if isinstance(screen, BrowseScreen))


def report_table(app: ArchiveApp) -> ReportTable:
    return browse_screen(app).query_one(ReportTable)


def shown_ids(app: ArchiveApp) -> list[str]:
    """The IDs in the table, top to bottom (every row must be held)."""
    table = app.screen.query_one(ReportTable)
    return [table.report_at(row).id for row in range(table.row_count)]


def _plain(renderable: object) -> str:
    """The text of what a widget renders: a line of text, or lines of them (a Group)."""
    if isinstance(renderable, Group):
        return "\n".join(_plain(part) for part in renderable.renderables)
    return str(renderable)


def status(app: ArchiveApp) -> str:
    """The status line of the screen shown (and the hints under it)."""
    return _plain(app.screen.query_one("#status", Static).render())


def browse_status(app: ArchiveApp) -> str:
    """The list's status line, also while a report is open over it."""
    return _plain(browse_screen(app).query_one("#status", Static).render())


def notifications(app: ArchiveApp) -> list[str]:
    return [notification.message for notification in app._notifications]


# -- waiting for the app -------------------------------------------------------------------


async def settle(pilot) -> None:
    """Let the app handle what is queued, its workers finish, and the results land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition: Callable[[], object], timeout: float = WAIT, what: str = "") -> None:
    """Let the app run, a turn at a time, until ``condition()`` holds; fail saying what never came."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            name = what or getattr(condition, "__name__", "the condition")
            screen = screen_text(pilot.app)
            raise AssertionError(f"timed out after {timeout} s waiting for {name}; the screen:\n{screen}")
        await pilot.pause()


def listing_ready(app: ArchiveApp, text: str | None = None) -> bool:
    """The listing asked for last (with search text ``text``, if given) is on screen and counted."""
    browse = browse_screen(app)
    table = browse.query_one(ReportTable)
    return (
        (text is None or browse.listing.text == text)
        and table.listing == browse.listing
        and table.counted
        and browse.status.total is not None
    )


async def wait_for_listing(pilot, text: str | None = None, timeout: float = WAIT) -> None:
    """Wait until the listing asked for last (for search text ``text``) is shown and counted.

    The search box waits for a pause in typing (``SEARCH_DEBOUNCE``) before it asks,
    so after typing, pass the text typed: the wait ends once that search is counted.
    """
    what = "the listing" if text is None else f"the search for {text!r}"
    await wait_for(pilot, lambda: listing_ready(pilot.app, text), timeout, what=f"{what} to be shown and counted")
    await settle(pilot)


async def search(pilot, text: str) -> None:
    """Type ``text`` into the search box (replacing what is there) and wait for its results."""
    await pilot.press("slash", "ctrl+u", *text)
    await wait_for_listing(pilot, text)


# -- typing in a burst ---------------------------------------------------------------------

_KEY_CHARACTERS = {"enter": "\r", "escape": "\x1b", "space": " ", "tab": "\t", "backspace": "\x7f"}


def typed_keys(*keys: str) -> list[events.Key]:
    """Key events as a terminal sends them: one-character strings are characters, longer ones key names."""
    typed = []
    for key in keys:
        if len(key) == 1:
            typed.append(events.Key(_character_to_key(key), key))
        else:
            typed.append(events.Key(key, _KEY_CHARACTERS.get(key)))
    return typed


def burst(app: ArchiveApp, *keys: str) -> None:
    """Hand the app ``keys`` all at once, as one read from an SSH connection brings them.

    ``pilot.press`` waits for the app between keys, as slow typing does; here
    every key is queued before the app handles the first.
    """
    for event in typed_keys(*keys):
        app.post_message(event)


async def typed_slowly(pilot, *keys: str) -> None:
    """Press ``keys`` one at a time, each once the app has shown all it does for the last."""
    for key in keys:
        await pilot.press(key)
        await wait_for(pilot, lambda: listing_ready(pilot.app) and not pilot.app.keys_waiting, what="the key's results")
        await settle(pilot)


def write_foreign_archive(path: Path, rows: Iterable[dict]) -> Path:
    """An archive another program wrote: an untyped ``reports`` table, adopted by the app, then
    ``rows`` inserted with plain sqlite3 (any type in any column, the unique ID index dropped)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE reports (id, title, category, date, views, summary, body, url)")
    conn.commit()
    conn.close()
    Store(path).close()  # adopted: full-text index, triggers, sort indexes
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP INDEX IF EXISTS idx_reports_id")
        for row in rows:
            conn.execute(
                "INSERT INTO reports (id, title, category, date, views, summary, body, url)"
                " VALUES (:id, :title, :category, :date, :views, :summary, :body, :url)",
                {key: row.get(key) for key in ("id", "title", "category", "date", "views", "summary", "body", "url")},
            )
    conn.close()
    return path


# -- the installed command in a real terminal (tmux) -------------------------------------------

CONSOLE_SCRIPT = Path(sys.executable).parent / "tui-archive"
TERMINAL_DEADLINE = 30.0
"""Seconds to wait for anything to show up in tmux; CI machines can be slow."""


def tmux_marks() -> list:
    """The marks of a module of tmux tests: required in CI, skipped elsewhere when tmux is missing."""
    import pytest

    if shutil.which("tmux") is not None:
        return []
    if os.environ.get("CI"):
        pytest.fail("tmux is required in CI (.ci/run installs it)", pytrace=False)
    return [pytest.mark.skip(reason="tmux is not installed (CI installs it; apt-get install tmux)")]


class Terminal:
    """One private tmux server (``tmux -L <unique socket>``, never the default one) running one command.

    DISPLAY is unset, as over SSH, so there is no system clipboard: a copy goes through
    OSC 52, which tmux (``set-clipboard on``) puts in its paste buffer. The command's exit
    status is written to a file.
    """

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"tui-archive-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.exit_file = tmp_path / "exit-status"
        self.socket_path: str | None = None
        # No COLUMNS or LINES either: pytest-xdist sets them (80, 24) in its workers, and an
        # app that finds them takes them for the terminal's size instead of tmux's window.
        hidden = {"DISPLAY", "WAYLAND_DISPLAY", "TMUX", "COLUMNS", "LINES"}
        env = {key: value for key, value in os.environ.items() if key not in hidden}
        # Per-user files (history, config, the crash log) go to the test's own folder.
        for kind in ("DATA", "CONFIG", "STATE"):
            env[f"XDG_{kind}_HOME"] = str(tmp_path / kind.lower())
        env.setdefault("TERM", "xterm-256color")
        self.env = env

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TERMINAL_DEADLINE,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, args: list[str], width: int = 120, height: int = 32, clipboard: str = "on") -> None:
        """The installed console script with ``args``."""
        self.run([str(CONSOLE_SCRIPT), *args], width, height, clipboard)

    def run(
        self, command: list[str], width: int = 120, height: int = 32, clipboard: str = "on", linger: bool = False
    ) -> None:
        """Any command; with ``linger``, its last screen stays after it ends (to read what it printed)."""
        line = " ".join(shlex.quote(part) for part in command)
        script = f"{line}; echo EXIT=$? > {shlex.quote(str(self.exit_file))}" + ("; sleep 60" if linger else "")
        self.tmux(
            "new-session", "-d", "-x", str(width), "-y", str(height), "sh", "-c", script,
            ";", "set", "-s", "set-clipboard", clipboard,
        )  # fmt: skip
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def screen(self, joined: bool = False) -> str:
        """The window's text; ``joined``: a line the terminal wrapped comes back as one."""
        return self.tmux("capture-pane", "-p", *(["-J"] if joined else []), check=False)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """Poll the screen until ``condition`` holds; fail with the last screen after the deadline."""
        deadline = time.monotonic() + TERMINAL_DEADLINE
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{text}")
            time.sleep(0.1)

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TERMINAL_DEADLINE
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.screen()}")
            time.sleep(0.1)

    def app_pid(self) -> int:
        """The process of the command (the window runs it from ``sh -c``)."""
        shell = self.tmux("display-message", "-p", "#{pane_pid}").strip()
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert len(children) == 1, f"the window's shell runs {children}"
        return int(children[0])

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        """All of ``text`` in one ``send-keys``: a burst, as a paste or fast typing over SSH."""
        self.tmux("send-keys", "-l", text)

    def buffer(self) -> str:
        return self.tmux("show-buffer", check=False)

    def exit_status(self) -> str | None:
        try:
            return self.exit_file.read_text().strip()
        except FileNotFoundError:
            return None

    def wait_for_exit(self) -> str | None:
        deadline = time.monotonic() + TERMINAL_DEADLINE
        while self.exit_status() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.exit_status()

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        if self.socket_path:  # the server leaves its socket file behind
            Path(self.socket_path).unlink(missing_ok=True)


def footer(screen: str) -> str:
    lines = screen.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


def table_ids(screen: str, prefix: str = "RPT-") -> list[str]:
    """The report IDs at the start of the table's rows, top to bottom."""
    ids = []
    for line in screen.splitlines():
        cells = line.replace("▊", " ").split()
        if cells and cells[0].startswith(prefix) and cells[1:2] != ["·"]:  # not the detail pane's facts
            ids.append(cells[0])
    return ids


def toasts(screen: str) -> str:
    """The notifications' text as one line (a long one wraps inside its box)."""
    parts = [line.rsplit("▌", 1)[1].strip() for line in screen.splitlines() if "▌" in line]
    return " ".join(part.rstrip("▎ ") for part in parts if part)
