"""The pane beside the table: the highlighted report, in full."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Button

from ...core.matches import Highlighter, Snippet
from ...core.model import BRIEF_LIMITS, Report
from ...core.store import Store
from ..text import safe_text, snippet_text, with_matches
from ..workers import run_blocking
from .scrolling import set_virtual_height


def report_meta(report: Report) -> Text:
    """``RPT-1045 · Rare Earths · 2026-02-12 · 3 views``, archive text kept literal."""
    parts = [report.id or "(no ID)", report.category or "no category", report.date or "no date"]
    return Text(" · ").join([safe_text(part, limit=200) for part in parts] + [safe_text(report.views_label, limit=200)])


def _maybe_cut(report: Report, field: str, text: Text) -> Text:
    """The text, with "…" where the list read only part of it (the report screen shows it all)."""
    if field in report.cut and not text.plain.endswith("…"):
        text.append("…")
    return text


class ReportText(ScrollView, can_focus=True):
    """The highlighted report's title, facts, summary, the body's words around a match and its link,
    wrapped to the pane's width and drawn a line at a time.

    Another report highlighted is wrapped into lines here and drawn again in place: the
    rest of the screen is laid out again only when the pane's scrollbar comes or goes.
    (As a column of widgets, each sized to its text, every report highlighted laid the
    whole screen out again, twice for each PageDown at 120x32: a third of its CPU.)
    """

    COMPONENT_CLASSES = {"report-text--title", "report-text--meta", "report-text--note"}

    DEFAULT_CSS = """
    ReportText {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-gutter: stable;
        background: $surface;
    }
    ReportText > .report-text--title {
        text-style: bold;
        color: $text-primary;
    }
    ReportText > .report-text--meta {
        color: $text-muted;
    }
    ReportText > .report-text--note {
        color: $text-muted;
    }
    """

    _LOOKS = {
        "title": "report-text--title",
        "meta": "report-text--meta",
        "snippet": "report-text--note",
        "link": "report-text--note",
    }
    _TIGHT = {"title"}
    """Parts with no blank line between them and the next (the title sits on the facts)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._parts: dict[str, Text] = {}
        self._lines: list[tuple[str | None, Strip]] = []
        """Each line wrapped, with the look of its part: the colours are the theme's when drawn."""

    def part(self, name: str) -> str:
        """The text shown as ``name`` (title, meta, summary, snippet, link), unwrapped; "" if none."""
        text = self._parts.get(name)
        return text.plain if text is not None else ""

    def show(self, parts: dict[str, Text]) -> None:
        """Show these parts, in this order, from the first line."""
        self._parts = dict(parts)
        self._wrap()
        self.scroll_home(animate=False)

    def put(self, name: str, text: Text, *, before: str | None = None) -> None:
        """Show ``text`` as the part ``name``, the reader left where they are: in its place if it is
        shown, else before the part ``before`` if that is shown, else last."""
        names = list(self._parts)
        if name not in self._parts and before in self._parts:
            at = names.index(before)
            self._parts = {key: self._parts.get(key, text) for key in [*names[:at], name, *names[at:]]}
        else:
            self._parts[name] = text
        self._wrap()

    def on_resize(self) -> None:
        self._wrap()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or not self.is_mounted:
            return
        console = self.app.console
        options = console.options.update_width(width)
        lines: list[tuple[str | None, Strip]] = []
        previous = ""
        for name, text in self._parts.items():
            if lines and previous not in self._TIGHT:
                lines.append((None, Strip([])))
            look = self._LOOKS.get(name)
            lines += [(look, Strip(line)) for line in console.render_lines(text, options, pad=False, new_lines=False)]
            previous = name
        self._lines = lines
        set_virtual_height(self, len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, base = self.scrollable_content_region.width, self.rich_style
        index = round(self.scroll_y) + y
        if index >= len(self._lines):
            return Strip.blank(width, base)
        look, line = self._lines[index]
        style = base + self.get_component_rich_style(look) if look else base
        return line.apply_style(style).extend_cell_length(width, base)


class DetailPane(Vertical):
    """Title, ID, category, date, views and the whole summary, wrapped; the search's words marked in them,
    and where they match only in the body, the words of the body around the match. The Access button
    stays at the foot of the pane, however long the text above it."""

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
        border: tall $panel;
        background: $surface;
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
        yield ReportText(id="detail-text")
        yield Button("Access ▸", id="access", variant="primary", compact=True, action="screen.access")

    def on_mount(self) -> None:
        self.show(None)

    def part(self, name: str) -> str:
        """The text shown as ``name`` (title, meta, summary, snippet, link); "" if none."""
        return self.query_one(ReportText).part(name)

    def show(self, report: Report | None, matches: Highlighter | None = None) -> None:
        """Show ``report`` (none: say so), the words of the search (``matches``) marked."""
        matches = matches or Highlighter()
        shown = self.report
        text = self.query_one(ReportText)
        if (
            report is not None
            and shown is not None
            and matches == self.matches
            and report.views != shown.views
            and report == shown.counted(report.views)
        ):  # the report shown, with a view counted: only its views change
            self.report = report
            text.put("meta", report_meta(report))
            return
        self.report = report
        self.matches = matches
        button = self.query_one("#access", Button)
        if report is None:
            text.show({"summary": Text("No report highlighted.", style="dim")})
            button.display = False
            return
        title = with_matches(safe_text(report.title, limit=BRIEF_LIMITS["title"]), matches)
        summary = safe_text(report.summary or "(no summary)", multiline=True, limit=BRIEF_LIMITS["summary"])
        if report.summary:
            with_matches(summary, matches)
        parts = {
            "title": _maybe_cut(report, "title", title),
            "meta": report_meta(report),
            "summary": _maybe_cut(report, "summary", summary),
        }
        if report.url and report.url.strip():
            parts["link"] = Text.assemble("o opens ", safe_text(report.url, limit=BRIEF_LIMITS["url"]))
        text.show(parts)
        button.display = True
        seen = any(span.style for span in title.spans) or any(span.style for span in summary.spans)
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
        snippet = Text.assemble(("In the body: ", "bold"), snippet_text(message.snippet, self.matches))
        self.query_one(ReportText).put("snippet", snippet, before="link")  # after the summary
