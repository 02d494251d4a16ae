"""What the UI does beyond showing: copy to a clipboard (also over SSH), open a link, export, open by ID.

Screens call these; each tells the user what happened in a notification, and
what blocks runs in a worker whose failure reaches the app's one handler.
"""

from __future__ import annotations

import io
import os
import sys
import webbrowser
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pyperclip
from textual.app import App
from textual.screen import Screen

from ..core import export
from ..core.listing import Listing
from ..core.model import BINARY, BRIEF_LIMITS, Report
from ..core.safe import clean, has_controls, reveal
from ..core.store import Store
from .screens.export import ExportScreen
from .workers import run_blocking


def copy(app: App, values: str | list[str]) -> str:
    """Copy ``values`` (one per line) and say where it went.

    The system clipboard (pyperclip) where there is one; otherwise, as over
    SSH with no X display, the terminal's own clipboard through an OSC 52
    escape sequence, which the terminal (or tmux) on the user's side receives.
    """
    # Archive text: no control character reaches the clipboard inside a value,
    # where a later paste into a shell or editor would act on it. (Callers refuse
    # values that have any, see has_controls; this is the last line of defence.)
    text = "\n".join(clean(value) for value in ([values] if isinstance(values, str) else values))
    if app.is_web:  # served to a browser (tui-archive serve): its clipboard, not the server's
        app.copy_to_clipboard(text)
        return "the browser's clipboard"
    try:
        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own exception, or an OS error from xclip/xsel
        app.copy_to_clipboard(text)
        return "the terminal clipboard"
    return "the clipboard"


CONTROLS = "control characters (a line break, an escape...) that a paste would act on"


WEB_SCHEMES = {"http", "https"}


def browser_available() -> bool:
    """Whether a graphical browser can be started from here.

    On Linux and the BSDs that needs a display (``DISPLAY`` or ``WAYLAND_DISPLAY``):
    over SSH without one, ``webbrowser`` would find a text browser such as lynx
    and run it on top of the app's own terminal.
    """
    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def is_web_address(url: str) -> bool:
    """Only http(s) links go to a browser; archive text is not trusted to name files or programs."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def open_link(app: App, url: str | None) -> tuple[str, str]:
    """Open ``url`` in a browser, or copy it; return a message for the user and its severity."""
    if not url or not url.strip():
        return "This report has no link", "warning"
    url = url.strip()
    shown = clean(url)
    if has_controls(url):
        return f"Neither opened nor copied: this report's link {reveal(url)} has {CONTROLS}", "warning"
    if is_web_address(url) and app.is_web:  # served (tui-archive serve): the user's own browser opens it
        app.open_url(url)
        return f"Opened {shown} in a new browser tab", "information"
    if is_web_address(url) and browser_available():
        try:
            if webbrowser.open(url, new=2):
                return f"Opened {shown} in the browser", "information"
        except webbrowser.Error:
            pass
    where = copy(app, shown)
    reason = "no browser here" if is_web_address(url) else "not a web address, so not opened"
    return f"Copied link {shown} to {where} ({reason})", "information"


def copy_report_id(screen: Screen, report: Report | None) -> None:
    """Copy a report's ID and say so (or that no report is highlighted)."""
    if report is None:
        screen.notify("No report highlighted", severity="warning")
        return
    if report.id_problem:
        screen.notify(f"Not copied: {report.id_problem}", severity="warning", markup=False)
        return
    if has_controls(report.id):
        screen.notify(f"Not copied: the ID {reveal(report.id)} has {CONTROLS}", severity="warning", markup=False)
        return
    where = copy(screen.app, report.id)
    screen.notify(f"Copied {clean(report.id)} to {where}", markup=False)


def copy_marked(screen: Screen, reports: list[Report]) -> None:
    """Copy the marked reports' IDs, one per line (each once), and say how many.

    A marked report with no ID that can be copied (none, binary...) is counted
    and said; an ID with control characters is left out, and named.
    """
    usable = sorted({report.id for report in reports if not report.id_problem})
    without = sum(1 for report in reports if report.id_problem)
    good = [report_id for report_id in usable if not has_controls(report_id)]
    bad = [reveal(report_id) for report_id in usable if has_controls(report_id)]
    named = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
    problems = []
    if without:
        noun = "report has" if without == 1 else "reports have"
        problems.append(f"{without} marked {noun} no ID that can be copied")
    if not good:
        if bad:
            problems.insert(0, f"{named}: {'its ID has' if len(bad) == 1 else 'their IDs have'} {CONTROLS}")
        screen.notify("Not copied: " + "; ".join(problems), severity="warning", markup=False)
        return
    if bad:
        problems.insert(0, f"left out {named}, with {CONTROLS}")
    where = copy(screen.app, good)
    noun = "ID" if len(good) == 1 else "IDs"
    message = "; ".join([f"Copied {len(good)} marked {noun} to {where}", *problems])
    screen.notify(message, severity="warning" if problems else "information", markup=False)


def open_report_link(screen: Screen, report: Report | None) -> None:
    """Open a report's link in a browser, or copy it where there is none, and say which."""
    if report is None:
        screen.notify("No report highlighted", severity="warning")
        return
    if "url" in report.cut or (report.url is not None and len(report.url) > BRIEF_LIMITS["url"]):
        limit = BRIEF_LIMITS["url"]
        screen.notify(f"This report's link is over {limit:,} characters long: not opened", severity="warning")
        return
    if report.url == BINARY:
        screen.notify("This report's link is binary data, not a web address: not opened", severity="warning")
        return
    message, severity = open_link(screen.app, report.url)
    screen.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]


def open_by_id(screen: Screen, store: Store, report_id: str, open_report: Callable[[Report], None]) -> None:
    """Open a report by its ID (from the history), read in a worker; say so if it has gone."""

    def work() -> None:
        report = store.get(report_id)
        if report is None:
            message = f"{clean(report_id)} is no longer in the archive"
            screen.app.call_from_thread(screen.notify, message, severity="warning", markup=False)
        else:
            screen.app.call_from_thread(open_report, report)

    run_blocking(screen, work, group="access")


def ask_and_export(screen: Screen, store: Store, marked: list[Report], listing: Listing, total: int | None) -> None:
    """Ask for a format and a file, then export the marked reports, or else the whole listing.

    Served to a browser, only the format is asked and the export is the browser's
    download: a browser's user names no file on the server.
    """
    if marked:
        what = f"the {len(marked)} marked report" + ("" if len(marked) == 1 else "s")
    else:
        what = (
            "the reports listed" if total is None else f"the {total:,} report" + ("" if total == 1 else "s") + " listed"
        )

    def chosen(answer: tuple[str, Path | None] | None) -> None:
        if answer is None:
            return
        fmt, path = answer
        rows = [report.rowid for report in marked if report.rowid is not None]
        reports = partial(store.iter_rows, rows) if marked else partial(store.iter_listing, listing)
        if path is None or screen.app.is_web:
            download_reports(screen, reports, fmt)
        else:
            export_reports(screen, reports, fmt, path)

    screen.app.push_screen(ExportScreen(what, download=screen.app.is_web), chosen)


def export_reports(screen: Screen, reports: Callable[[], Iterable[Report]], fmt: str, path: Path) -> None:
    """Export in a worker, then say how many were written where (a failure reaches the app's handler)."""

    def work() -> None:
        count = export.to_file(reports(), fmt, path)
        noun = "report" if count == 1 else "reports"
        screen.app.call_from_thread(screen.notify, f"Exported {count:,} {noun} to {clean(path)}", markup=False)

    run_blocking(screen, work, group="export")


MIME_TYPES = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


def download_reports(screen: Screen, reports: Callable[[], Iterable[Report]], fmt: str) -> None:
    """Export in a worker into memory, then hand it to the browser as a download (nothing on the server's disk)."""

    def work() -> None:
        data, count = export.to_bytes(reports(), fmt)
        screen.app.call_from_thread(deliver, data, count)

    def deliver(data: bytes, count: int) -> None:
        name = f"reports.{fmt}"
        screen.app.deliver_binary(
            io.BytesIO(data), save_filename=name, mime_type=f"{MIME_TYPES[fmt]}; charset=utf-8", name="export"
        )
        noun = "report" if count == 1 else "reports"
        screen.notify(f"Exported {count:,} {noun}: your browser downloads {name}", markup=False)

    run_blocking(screen, work, group="export")
