"""The pane beside the table: the highlighted report, in full."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from ...core.model import Report
from ..text import safe_text


def report_meta(report: Report) -> Text:
    """``RPT-1045 · Rare Earths · 2026-02-12 · 3 views``, archive text kept literal."""
    parts = [report.id, report.category or "no category", report.date or "no date"]
    views = f"{report.views} view" + ("" if report.views == 1 else "s")
    return Text(" · ").join([safe_text(part) for part in parts] + [Text(views)])


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
        color: $accent;
    }
    #detail-meta {
        color: $text-muted;
        margin-bottom: 1;
    }
    #detail-summary {
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
        yield Button("Access ▸", id="access", variant="primary", compact=True, action="screen.access")

    def on_mount(self) -> None:
        self.show(None)

    def show(self, report: Report | None) -> None:
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        summary = self.query_one("#detail-summary", Static)
        button = self.query_one("#access", Button)
        if report is None:
            title.update("")
            meta.update("")
            summary.update(Text("No report highlighted.", style="dim"))
            button.display = False
            return
        title.update(safe_text(report.title))
        meta.update(report_meta(report))
        summary.update(safe_text(report.summary or "(no summary)", multiline=True))
        button.display = True
        self.scroll_home(animate=False)
