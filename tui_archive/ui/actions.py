"""What the UI does beyond showing: copy to a clipboard (also over SSH), open a link, export, open by ID.

Screens call these; each tells the user what happened in a notification, and
what blocks runs in a worker whose failure reaches the app's one handler.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import webbrowser
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import NamedTuple
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

SYSTEM = "the clipboard"
BROWSER = "the browser's clipboard"
TERMINAL = "the terminal's clipboard (OSC 52)"
TMUX_ON = "tmux set -s set-clipboard on"


def copy(app: App, values: str | list[str]) -> str:
    """Copy ``values`` (one per line) and say where they went: SYSTEM, BROWSER or TERMINAL.

    The system clipboard (pyperclip) where there is one; otherwise, as over
    SSH with no X display, the terminal's own clipboard through an OSC 52
    escape sequence, which the terminal (or tmux) on the user's side may take
    or drop: nothing comes back to say which (see :func:`copied_message`).
    """
    # Archive text: no control character reaches the clipboard inside a value,
    # where a later paste into a shell or editor would act on it. (Callers refuse
    # values that have any, see has_controls; this is the last line of defence.)
    text = "\n".join(clean(value) for value in ([values] if isinstance(values, str) else values))
    if app.is_web:  # served to a browser (tui-archive serve): its clipboard, not the server's
        app.copy_to_clipboard(text)
        return BROWSER
    try:
        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own exception, or an OS error from xclip/xsel
        app.copy_to_clipboard(text)
        return TERMINAL
    return SYSTEM


class Copied(NamedTuple):
    """What was copied (for the message), where to, and what to say after it."""

    what: str
    where: str
    rest: str = ""


def tmux_clipboard() -> str | None:
    """tmux's ``set-clipboard`` option (on, external, off) when the app runs inside tmux, else None;
    "" when it cannot be read. A short subprocess: call it in a worker."""
    if not os.environ.get("TMUX"):
        return None
    try:
        result = subprocess.run(
            ["tmux", "show-options", "-sv", "set-clipboard"],
            capture_output=True,
            text=True,
            timeout=1,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def copied_message(copied: Copied, tmux: str | None) -> tuple[str, str]:
    """What to tell the user, and its severity: "Copied" only where it is known to have arrived.

    ``tmux`` is tmux's set-clipboard option (see :func:`tmux_clipboard`). Only
    ``on`` lets a program inside tmux set the clipboard; ``external`` (tmux's
    default) and ``off`` drop it.
    """
    what, where, rest = copied
    if where != TERMINAL:
        return f"Copied {what} to {where}{rest}", "information"
    if tmux == "on":
        return f"Copied {what} to tmux's paste buffer (OSC 52){rest}", "information"
    if tmux:
        return (
            f"Sent {what} by OSC 52{rest}, but tmux drops it (set-clipboard {clean(tmux)}): run {TMUX_ON}",
            "warning",
        )
    if tmux == "":
        return f"Sent {what} to {where}{rest} — if it did not arrive, in tmux run: {TMUX_ON}", "information"
    advice = "the terminal may not accept OSC 52 (README: Copying over SSH)"
    return f"Sent {what} to {where}{rest} — if it did not arrive, {advice}", "information"


def say_copied(screen: Screen, copied: Copied, *, warn: bool = False) -> None:
    """Tell the user where copied text went; inside tmux, ask tmux first (in a worker) whether it takes it."""

    def tell(message: str, severity: str) -> None:
        severity = "warning" if warn else severity
        screen.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    if copied.where == TERMINAL and os.environ.get("TMUX"):

        def work() -> None:
            screen.app.call_from_thread(tell, *copied_message(copied, tmux_clipboard()))

        run_blocking(screen, work, group="clipboard")
        return
    tell(*copied_message(copied, None))


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


def open_link(app: App, url: str | None) -> tuple[str, str] | Copied:
    """Open ``url`` in a browser, or copy it; return a message for the user and its severity,
    or (copied) what to say about the copy."""
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
    return Copied(f"link {shown}", where, f" ({reason})")


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
    say_copied(screen, Copied(clean(report.id), where))


def in_listed_order(store: Store, listing: Listing, marked: Iterable[Report]) -> list[Report]:
    """The marked reports in the order the listing shows them (its sort and search); any it does
    not hold (marked under another search) follow, in the order they were marked. Blocks: in a worker."""
    marked = list(marked)
    by_row = {report.rowid: report for report in marked if report.rowid is not None}
    order = store.listed_order(listing, by_row)
    placed = set(order)
    return [by_row[rowid] for rowid in order] + [
        report for report in marked if report.rowid is None or report.rowid not in placed
    ]


def copy_marked(screen: Screen, store: Store, listing: Listing, marked: Iterable[Report]) -> None:
    """Copy the marked reports' IDs in the listing's order (read in a worker), and say how many."""
    marked = list(marked)

    def work() -> None:
        ordered = in_listed_order(store, listing, marked)
        screen.app.call_from_thread(copy_reports_ids, screen, ordered)

    run_blocking(screen, work, group="copy")


def copy_reports_ids(screen: Screen, reports: list[Report]) -> None:
    """Copy these reports' IDs, one per line in this order (each once), and say how many.

    A marked report with no ID that can be copied (none, binary...) is counted
    and said; an ID with control characters is left out, and named.
    """
    usable = list(dict.fromkeys(report.id for report in reports if not report.id_problem))
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
    rest = "".join(f"; {problem}" for problem in problems)
    say_copied(screen, Copied(f"{len(good)} marked {noun}", where, rest), warn=bool(problems))


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
    outcome = open_link(screen.app, report.url)
    if isinstance(outcome, Copied):
        say_copied(screen, outcome)
        return
    message, severity = outcome
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
    """Ask for a format and a file, then export the marked reports (in the listing's order), or else the
    whole listing.

    Served to a browser, only the format is asked and the export is the browser's
    download: a browser's user names no file on the server.
    """
    if marked:
        what = f"the {len(marked)} marked report" + ("" if len(marked) == 1 else "s")
    else:
        what = (
            "the reports listed" if total is None else f"the {total:,} report" + ("" if total == 1 else "s") + " listed"
        )

    def marked_reports() -> Iterable[Report]:
        rows = [report.rowid for report in in_listed_order(store, listing, marked) if report.rowid is not None]
        return store.iter_rows(rows)

    def chosen(answer: tuple[str, Path | None] | None) -> None:
        if answer is None:
            return
        fmt, path = answer
        reports = marked_reports if marked else partial(store.iter_listing, listing)
        if path is None or screen.app.is_web:
            download_reports(screen, reports, fmt)
        else:
            export_reports(screen, reports, fmt, path)

    screen.app.push_screen(ExportScreen(what, download=screen.app.is_web), chosen)


NOTHING = "Nothing exported: no reports to export (none listed, none marked), so no file was written"


def export_reports(screen: Screen, reports: Callable[[], Iterable[Report]], fmt: str, path: Path) -> None:
    """Export in a worker, then say how many were written, and the file's full path (a failure reaches
    the app's handler). Nothing to export (the reports went meanwhile) leaves no empty file."""

    def work() -> None:
        count = export.to_file(reports(), fmt, path)
        if count == 0:
            path.unlink(missing_ok=True)
            screen.app.call_from_thread(screen.notify, NOTHING, severity="warning", markup=False)
            return
        noun = "report" if count == 1 else "reports"
        message = f"Exported {count:,} {noun} to {clean(path.absolute())}"
        screen.app.call_from_thread(screen.notify, message, markup=False)

    run_blocking(screen, work, group="export")


MIME_TYPES = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


def download_reports(screen: Screen, reports: Callable[[], Iterable[Report]], fmt: str) -> None:
    """Export in a worker into memory, then hand it to the browser as a download (nothing on the server's disk)."""

    def work() -> None:
        data, count = export.to_bytes(reports(), fmt)
        screen.app.call_from_thread(deliver, data, count)

    def deliver(data: bytes, count: int) -> None:
        if count == 0:
            screen.notify(NOTHING, severity="warning", markup=False)
            return
        name = f"reports.{fmt}"
        screen.app.deliver_binary(
            io.BytesIO(data), save_filename=name, mime_type=f"{MIME_TYPES[fmt]}; charset=utf-8", name="export"
        )
        noun = "report" if count == 1 else "reports"
        screen.notify(f"Exported {count:,} {noun}: your browser downloads {name}", markup=False)

    run_blocking(screen, work, group="export")
