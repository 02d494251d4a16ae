"""One report, opened with ACCESS: everything the archive holds about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...core import views
from ...core.model import Report
from ...core.safe import clean
from .. import actions
from ..messages import ViewHeard
from ..text import markdown_parser, safe_text
from ..widgets.detail import report_meta

if TYPE_CHECKING:
    from textual.widgets import Markdown


def _markdown() -> type[Markdown]:
    """Textual's Markdown widget, loaded with markdown-it when a report is first opened."""
    from textual.widgets import Markdown

    return Markdown


class ReportScreen(Screen[None]):
    """Title, ID, category, date, views, summary, body (as Markdown) and link."""

    BINDINGS = [
        Binding("escape", "close", "Back to list", id="close"),
        Binding("y", "copy_id", "Copy ID", id="copy-id"),
        Binding("o", "open_link", "Open link", id="open-link"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="scroll-up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="scroll-down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="scroll-home"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="scroll-end"),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report"):
            yield Static(id="report-title")
            yield Static(id="report-meta")
            yield Static(id="report-summary")
            # Links in an archive's body are data: a click shows the target, never opens it.
            yield _markdown()(id="report-body", parser_factory=markdown_parser, open_links=False)
            yield Static(id="report-link")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.report)
        self.query_one("#report").focus()

    def show(self, report: Report) -> None:
        """Show the report (again, when its view has been counted)."""
        self.report = report
        self.query_one("#report-title", Static).update(safe_text(report.title))
        self.query_one("#report-meta", Static).update(report_meta(report))
        self.query_one("#report-summary", Static).update(safe_text(report.summary or "(no summary)", multiline=True))
        body: Markdown = self.query_one("#report-body", _markdown())
        body.display = bool(report.body)
        body.update(clean(report.body, multiline=True))
        link = self.query_one("#report-link", Static)
        link.display = bool(report.url)
        link.update(Text.assemble(("Link: ", "bold"), safe_text(report.url)))

    def on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        self.notify(f"Link: {clean(message.href)}", markup=False)

    def action_close(self) -> None:
        self.dismiss()

    @on(ViewHeard)
    def _view_heard(self, message: ViewHeard) -> None:
        if isinstance(message.event, views.Counted) and message.event.report.id == self.report.id:
            self.show(message.event.report)

    def action_copy_id(self) -> None:
        actions.copy_report_id(self, self.report)

    def action_open_link(self) -> None:
        actions.open_report_link(self, self.report)

    def action_scroll_up(self) -> None:
        self.query_one("#report").scroll_up()

    def action_scroll_down(self) -> None:
        self.query_one("#report").scroll_down()

    def action_scroll_home(self) -> None:
        self.query_one("#report").scroll_home()

    def action_scroll_end(self) -> None:
        self.query_one("#report").scroll_end()
