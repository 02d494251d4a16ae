"""The pane beside the table: the highlighted report, in full."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from ...core.matches import Highlighter, Snippet
from ...core.model import BRIEF_LIMITS, Report
from ...core.store import Store
from ..text import safe_text, snippet_text, with_matches
from ..workers import run_blocking


def report_meta(report: Report) -> Text:
    """``RPT-1045 · Rare Earths · 2026-02-12 · 3 views``, archive text kept literal."""
    parts = [report.id or "(no ID)", report.category or "no category", report.date or "no date"]
    return Text(" · ").join([safe_text(part, limit=200) for part in parts] + [safe_text(report.views_label, limit=200)])


def show_views(meta: Static, report: Report) -> None:
    """Draw the line of facts again for a view counted.

    Only when the line changes shape (``9 views`` to ``10 views``) is the screen
    laid out again: a line that differs only in digits, at the same places,
    wraps as before, so nothing else on screen moves.
    """
    text = report_meta(report)
    shown = meta.content
    same_shape = isinstance(shown, Text) and _differ_in_digits_only(shown.plain, text.plain)
    meta.update(text, layout=not same_shape)


def _differ_in_digits_only(old: str, new: str) -> bool:
    return len(old) == len(new) and all(
        a == b or (a in "0123456789" and b in "0123456789") for a, b in zip(old, new, strict=True)
    )


def _maybe_cut(report: Report, field: str, text: Text) -> Text:
    """The text, with "…" where the list read only part of it (the report screen shows it all)."""
    if field in report.cut and not text.plain.endswith("…"):
        text.append("…")
    return text


class DetailPane(VerticalScroll):
    """Title, ID, category, date, views and the whole summary, wrapped; the search's words marked in them,
    and where they match only in the body, the words of the body around the match."""

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
        border: tall $panel;
        background: $surface;
    }
    #detail-title {
        text-style: bold;
        color: $text-primary;
    }
    #detail-meta {
        color: $text-muted;
        margin-bottom: 1;
    }
    #detail-summary {
        margin-bottom: 1;
    }
    #detail-snippet {
        margin-bottom: 1;
        color: $text-muted;
    }
    #detail-link {
        color: $text-muted;
        margin-bottom: 1;
    }
    #access {
        margin-bottom: 1;
    }
    """

    class _SnippetRead(Message, bubble=False):
        def __init__(self, report: Report, snippet: Snippet | None) -> None:
            super().__init__()
            self.report = report
            self.snippet = snippet

    def __init__(self, store: Store | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        """Where the body's words around a match are read from (none: not shown)."""
        self.report: Report | None = None
        self.matches = Highlighter()

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-meta")
        yield Static(id="detail-summary")
        yield Static(id="detail-snippet")
        yield Static(id="detail-link")
        yield Button("Access ▸", id="access", variant="primary", compact=True, action="screen.access")

    def on_mount(self) -> None:
        self.show(None)

    def show(self, report: Report | None, matches: Highlighter | None = None) -> None:
        """Show ``report`` (none: say so), the words of the search (``matches``) marked."""
        matches = matches or Highlighter()
        shown = self.report
        if (
            report is not None
            and shown is not None
            and matches == self.matches
            and report.views != shown.views
            and report == shown.counted(report.views)
        ):  # the report shown, with a view counted: only its views change
            self.report = report
            show_views(self.query_one("#detail-meta", Static), report)
            return
        self.report = report
        self.matches = matches
        snippet = self.query_one("#detail-snippet", Static)
        snippet.display = False
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        summary = self.query_one("#detail-summary", Static)
        button = self.query_one("#access", Button)
        link = self.query_one("#detail-link", Static)
        link.display = bool(report is not None and report.url and report.url.strip())
        if report is not None and link.display:
            link.update(Text.assemble("o opens ", safe_text(report.url, limit=BRIEF_LIMITS["url"])))
        if report is None:
            title.update("")
            meta.update("")
            summary.update(Text("No report highlighted.", style="dim"))
            button.display = False
            return
        title_text = with_matches(safe_text(report.title, limit=BRIEF_LIMITS["title"]), matches)
        title.update(_maybe_cut(report, "title", title_text))
        meta.update(report_meta(report))
        text = safe_text(report.summary or "(no summary)", multiline=True, limit=BRIEF_LIMITS["summary"])
        if report.summary:
            with_matches(text, matches)
        summary.update(_maybe_cut(report, "summary", text))
        button.display = True
        self.scroll_home(animate=False)
        seen = any(span.style for span in title_text.spans) or any(span.style for span in text.spans)
        if matches and not seen and self.store is not None and report.rowid is not None:
            self._read_snippet(self.store, report, matches)

    def _read_snippet(self, store: Store, report: Report, matches: Highlighter) -> None:
        """The search matches the report but not in its title or summary: the body's words around the match."""
        rowid = report.rowid
        assert rowid is not None

        def work() -> None:
            self.post_message(self._SnippetRead(report, store.snippet(rowid, matches.terms)))

        run_blocking(self, work, group="detail-snippet", exclusive=True)

    @on(_SnippetRead)
    def _snippet_read(self, message: _SnippetRead) -> None:
        if message.report is not self.report or message.snippet is None:
            return  # another report is shown by now, or the body does not match either
        snippet = self.query_one("#detail-snippet", Static)
        snippet.update(Text.assemble(("In the body: ", "bold"), snippet_text(message.snippet, self.matches)))
        snippet.display = True
