"""The pane beside the table: the highlighted report, in full."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from ...core.model import BRIEF_LIMITS, Report
from ..text import safe_text


def report_meta(report: Report) -> Text:
    """``RPT-1045 · Rare Earths · 2026-02-12 · 3 views``, archive text kept literal."""
    parts = [report.id or "(no ID)", report.category or "no category", report.date or "no date"]
    return Text(" · ").join([safe_text(part, limit=200) for part in parts] + [safe_text(report.views_label, limit=200)])


def _maybe_cut(report: Report, field: str, text: Text) -> Text:
    """The text, with "…" where the list read only part of it (the report screen shows it all)."""
    if field in report.cut and not text.plain.endswith("…"):
        text.append("…")
    return text


class DetailPane(VerticalScroll):
    """Title, ID, category, date, views and the whole summary, wrapped."""

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
    #detail-link {
        color: $text-muted;
        margin-bottom: 1;
    }
    #access {
        margin-bottom: 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-meta")
        yield Static(id="detail-summary")
        yield Static(id="detail-link")
        yield Button("Access ▸", id="access", variant="primary", compact=True, action="screen.access")

    def on_mount(self) -> None:
        self.show(None)

    def show(self, report: Report | None) -> None:
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
        title.update(_maybe_cut(report, "title", safe_text(report.title, limit=BRIEF_LIMITS["title"])))
        meta.update(report_meta(report))
        text = safe_text(report.summary or "(no summary)", multiline=True, limit=BRIEF_LIMITS["summary"])
        summary.update(_maybe_cut(report, "summary", text))
        button.display = True
        self.scroll_home(animate=False)
