"""One report, opened with ACCESS: everything the archive holds about it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from ...core import views
from ...core.matches import Highlighter
from ...core.model import BRIEF_LIMITS, Report, Views
from ...core.safe import clean
from ...core.store import Store
from .. import actions
from ..messages import ArchiveChanged, CatchesUp, ViewHeard
from ..text import markdown_parser, safe_text, with_matches, with_matches_content
from ..widgets.chrome import TitleHeader
from ..widgets.detail import report_meta
from ..widgets.footer import KeysFooter
from ..workers import run_blocking

if TYPE_CHECKING:
    from textual.widgets import Markdown


def _markdown() -> type[Markdown]:
    """Textual's Markdown widget, loaded with markdown-it when a report is first opened."""
    from textual.widgets import Markdown

    return Markdown


PART = 10_000
"""Characters of a long summary or body shown at once; ``]`` and ``[`` move through the parts."""


class ReportScreen(CatchesUp, Screen[None]):
    """Title, ID, category, date, views, summary, body (as Markdown) and link.

    The summary and the body are read from the archive a part of ``PART``
    characters at a time (in a worker), so a 10 MB field costs no more to show
    than a short one.

    The list keeps one of these and shows each report it opens in it
    (:meth:`open`): building the screen, its header and its footer's keys anew
    at each report was most of what opening one cost.
    """

    BINDINGS = [
        Binding("escape", "close", "Back to list", id="close"),
        Binding("y", "copy_id", "Copy ID", id="copy-id"),
        Binding("o", "open_link", "Open link", id="open-link"),
        Binding("r", "related", "Related", id="related"),
        Binding("right_square_bracket", "part(1)", "Next part", show=False, id="next-part"),
        Binding("left_square_bracket", "part(-1)", "Previous part", show=False, id="previous-part"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="scroll-up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="scroll-down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="scroll-home"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="scroll-end"),
    ]

    class _Renewed(Message, bubble=False):
        def __init__(self, report: Report | None) -> None:
            super().__init__()
            self.report = report

    class _PartRead(Message, bubble=False):
        def __init__(self, opened: int, part: int, texts: dict[str, tuple[str | None, int]]) -> None:
            super().__init__()
            self.opened = opened
            """Which report opened in the screen this part is of (see :attr:`ReportScreen.opened`)."""
            self.part = part
            self.texts = texts

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``o`` (and its footer key) only when the report has a link."""
        if action == "open_link":
            return bool(self.report.url and self.report.url.strip())
        if action == "related":
            return self.related is not None
        return True

    def __init__(
        self,
        report: Report,
        store: Store | None = None,
        related: Callable[[Report], None] | None = None,
        matches: Highlighter | None = None,
    ) -> None:
        """``related`` lists the reports like one (``r``; without it, the key is not offered)."""
        super().__init__()
        self.store = store
        self.related = related
        self.opened = 0
        """How many reports were opened in the screen: a part read for an earlier one is not shown."""
        self._styled_for: int | None = None
        """The app's count of CSS changes when the screen was last shown (see :meth:`_restyle_if_css_changed`)."""
        self.open(report, matches)

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with VerticalScroll(id="report"):
            yield Static(id="report-title")
            yield Static(id="report-meta")
            yield Static(id="report-summary")
            # Links in an archive's body are data: a click shows the target, never opens it.
            yield _markdown()(id="report-body", parser_factory=markdown_parser, open_links=False)
            yield Static(id="report-more")
            yield Static(id="report-link")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show_opened()

    @on(events.ScreenResume)
    def _restyle_if_css_changed(self, event: events.ScreenResume) -> None:
        """Style the screen again as it is shown only if the app's CSS changed meanwhile (a theme chosen).

        Textual styles every widget of a screen pushed again, which the list's kept report
        screen is at each Enter: 33 widgets, to the styles they had. Its styles change only with the
        app's CSS, whose changes Textual counts (and styles the screens on the stack for,
        but not one kept off it). Runs before Textual's own handler, which reads the flag.
        """
        changes = self.app._css_update_count
        if changes == self._styled_for:
            event.refresh_styles = False
        self._styled_for = changes

    def open(self, report: Report, matches: Highlighter | None = None) -> None:
        """Show another report in this screen, from its top (before it is shown again)."""
        self.report = report
        self.matches = matches or Highlighter()
        """The words of the search the report was opened from, marked in its title and summary."""
        self.part = 0
        self.parts = 1
        """How many parts the longest of the summary and the body has (known once read)."""
        self.opened += 1
        self.missed_change = False  # (read just now)
        if self.is_mounted:
            self._show_opened()

    def _show_opened(self) -> None:
        """The report just opened: its facts at once, the summary and body once read (no earlier report's)."""
        self.show(self.report)
        # The summary as the list read it (all of it, unless it was cut) until its first part is
        # read: most often the same text, so the read changes nothing on screen.
        self._show_summary(self._summary_text(self.report.summary, len(self.report.summary or "")))
        self.query_one("#report-body").display = False
        self.query_one("#report-more").display = False
        report = self.query_one("#report")
        report.scroll_home(animate=False)
        report.focus()
        self.refresh_bindings()  # (``o`` is offered only for a report with a link)
        self._read_part(0)

    def show(self, report: Report) -> None:
        """Show the report's title, facts and link (the summary and body come a part at a time)."""
        self.report = report
        title = with_matches(safe_text(report.title, limit=BRIEF_LIMITS["title"]), self.matches)
        if "title" in report.cut and not title.plain.endswith("…"):
            title.append("…")
        self.query_one("#report-title", Static).update(title)
        self.query_one("#report-meta", Static).update(report_meta(report))
        link = self.query_one("#report-link", Static)
        link.display = bool(report.url)
        url = safe_text(report.url, limit=BRIEF_LIMITS["url"])
        link.update(Text.assemble(("Link: ", "bold"), url, "…" if "url" in report.cut else ""))

    def _show_views(self, views: Views) -> None:
        """Only the views changed: the line of facts is all that is drawn again.

        Only when the line changes shape (``9 views`` to ``10 views``) is the screen
        laid out again: a line that differs only in digits, at the same places,
        wraps as before, so nothing else on screen moves.
        """
        self.report = self.report.counted(views)
        meta = self.query_one("#report-meta", Static)
        text = report_meta(self.report)
        shown = meta.content
        same_shape = isinstance(shown, Text) and _differ_in_digits_only(shown.plain, text.plain)
        meta.update(text, layout=not same_shape)

    # -- the summary and the body, a part at a time ------------------------------------

    def _read_part(self, part: int) -> None:
        report, store, opened = self.report, self.store, self.opened

        def work() -> None:
            texts: dict[str, tuple[str | None, int]] = {}
            for name in ("summary", "body"):
                if store is not None and report.rowid is not None:
                    texts[name] = store.text_part(report.rowid, name, part * PART, PART)
                else:
                    whole = getattr(report, name)
                    texts[name] = (None, 0) if whole is None else (whole[part * PART : (part + 1) * PART], len(whole))
            self.post_message(self._PartRead(opened, part, texts))

        run_blocking(self, work, group="report-part", exclusive=True)

    @on(_PartRead)
    async def _part_read(self, message: _PartRead) -> None:
        if message.opened != self.opened:
            return
        self.part = message.part
        summary_text, summary_length = message.texts["summary"]
        body_text, body_length = message.texts["body"]
        self.parts = max(1, -(-max(summary_length, body_length) // PART))
        self._show_summary(self._summary_text(summary_text, summary_length))
        body: Markdown = self.query_one("#report-body", _markdown())
        body.display = bool(body_text)
        shown = clean(body_text or "", multiline=True)
        if shown or body.source:  # (no body, and none shown: nothing to redo)
            await body.update(shown)
        if self.matches:
            self._mark_body(body)
        more = self.query_one("#report-more", Static)
        more.display = self.parts > 1
        if self.parts > 1:
            longest = max(summary_length, body_length)
            shown_to = min(longest, (self.part + 1) * PART)
            more.update(
                Text(
                    f"Part {self.part + 1:,} of {self.parts:,} (characters {self.part * PART + 1:,} to {shown_to:,}"
                    f" of {longest:,}): ] shows the next part, [ the previous one",
                    style="bold",
                )
            )
        self.query_one("#report").scroll_home(animate=False)

    def _summary_text(self, text: str | None, length: int) -> Text:
        if length == 0:
            return Text("(no summary)" if self.part == 0 else "", style="dim")
        return with_matches(safe_text(text or "", multiline=True, limit=PART), self.matches)

    def _show_summary(self, text: Text) -> None:
        summary = self.query_one("#report-summary", Static)
        if text != summary.content:  # the same text again would lay the screen out for nothing
            summary.update(text)

    def _mark_body(self, body: Markdown) -> None:
        """The search's words marked in each block of the body's text (paragraphs, headings, items, cells)."""
        from textual.content import Content
        from textual.widgets.markdown import MarkdownBlock

        for block in body.query(MarkdownBlock):
            content = block.content
            if isinstance(content, Content) and content.plain:
                marked = with_matches_content(content, self.matches)
                if marked is not content:
                    block.update(marked)

    def action_part(self, step: int) -> None:
        wanted = self.part + step
        if 0 <= wanted < self.parts:
            self._read_part(wanted)
        else:
            self.notify("No more parts" if step > 0 else "This is the first part", severity="information")

    def on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        self.notify(f"Link: {clean(message.href)[:2000]}", markup=False)

    def action_close(self) -> None:
        self.dismiss()

    @on(ViewHeard)
    def _view_heard(self, message: ViewHeard) -> None:
        event = message.event
        if not isinstance(event, views.Counted):
            return
        counted = event.report
        same = counted.rowid == self.report.rowid if counted.rowid is not None else counted.id == self.report.id
        if same:
            self._show_views(counted.views)

    @on(ArchiveChanged)
    def _archive_changed(self) -> None:
        """Another session or program changed the archive: show this report's views as they now stand."""
        store, rowid = self.store, self.report.rowid
        if store is None or rowid is None:
            return

        def work() -> None:
            self.post_message(self._Renewed(store.get_row(rowid, brief=True)))

        run_blocking(self, work, group="report-renew", exclusive=True)

    @on(_Renewed)
    def _renewed(self, message: _Renewed) -> None:
        renewed = message.report
        if renewed is not None and renewed.rowid == self.report.rowid and renewed.views != self.report.views:
            self._show_views(renewed.views)

    def action_related(self) -> None:
        """Back to the list, listing the reports like this one."""
        report, related = self.report, self.related
        self.dismiss()
        if related is not None:
            related(report)

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


def _differ_in_digits_only(old: str, new: str) -> bool:
    return len(old) == len(new) and all(
        a == b or (a in "0123456789" and b in "0123456789") for a, b in zip(old, new, strict=True)
    )
