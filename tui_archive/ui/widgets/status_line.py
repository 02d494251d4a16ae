"""The status line under the list: how many reports match, the sort, marks and problems; hints below it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ...core.listing import SORT_LABELS, Listing
from ...core.safe import clean
from ...core.views import Counted, ViewEvent, Waiting
from ..text import label, safe_text


class StatusLine(Static):
    """Drawn from its fields; the screen sets them and the line redraws itself."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 4;
        padding: 0 2;
        background: $panel;
        color: $text-muted;
    }
    StatusLine > .status-line--problem {
        color: $text-error;
        text-style: bold;
    }
    StatusLine > .status-line--hint {
        color: $text-warning;
    }
    StatusLine:light > .status-line--hint {
        color: $foreground;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {"status-line--problem", "status-line--hint"}
    """In the theme's colours: a problem (a failure) and a hint (a note about the query, read-only)."""

    listing: reactive[Listing] = reactive(Listing, always_update=True)
    """The listing on screen (its text, category, sort and hints)."""
    total: reactive[int | None] = reactive(None)
    """How many reports it holds; None until counted."""
    archive_total: reactive[int | None] = reactive(None)
    """How many reports the archive holds."""
    has_rows: reactive[bool] = reactive(False)
    """Whether the first rows of the listing are on screen (then it says "counting…")."""
    row: reactive[int] = reactive(0)
    """The highlighted row (0 is the first)."""
    marked: reactive[int] = reactive(0)
    added: reactive[int] = reactive(0)
    """Reports added to the archive since the list was read (R shows them)."""
    failure: reactive[str] = reactive("")
    """A problem to show in red until the next listing loads (or until it is over)."""

    def __init__(self, *, readonly: bool = False, note: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.readonly = readonly
        self.note = note

    def watch_listing(self, old: Listing, new: Listing) -> None:
        """Lay the screen out again only when the lines of hints under the status come or go (or change)."""
        if old.query.hints or new.query.hints:
            self.refresh(layout=True)

    def heard(self, event: ViewEvent) -> None:
        """Say what the view counter did (in a notification too), until it is over."""
        if isinstance(event, Counted):
            if event.after_waiting:
                self.failure = ""
            return
        if isinstance(event, Waiting):
            which = f"the view of {event.report_id}" if event.report_id else "the view"
            self.failure = f"archive busy (an import?): {which} will be counted when it is free"
            self.notify(clean(self.failure), severity="warning", markup=False)
        else:
            sentence = event.error.sentence
            self.failure = sentence if sentence.startswith("view not counted") else f"view not counted: {sentence}"
            self.notify(clean(self.failure), severity="error", markup=False)

    def render(self) -> RenderableType:
        """One line; below it, any hints about the search, in full (wrapped, never cut off)."""
        line = self._line()
        line.no_wrap = True
        line.overflow = "ellipsis"
        hints = self.listing.query.hints
        if not hints:
            return line
        return Group(line, Text("  ·  ").join(safe_text(hint, style=self._style("hint")) for hint in hints))

    def _line(self) -> Text:
        listing = self.listing
        total = self.total
        parts: list[Text] = []
        if self.failure:
            parts.append(safe_text(self.failure, style=self._style("problem")))
        elif total is None:
            parts.append(Text("counting…" if self.has_rows else "searching…" if listing.filtered else "loading…"))
        elif not listing.filtered:
            where = f"row {self.row + 1:,} of " if total else ""
            parts.append(Text(f"{where}{total:,} report" + ("" if total == 1 else "s")))
        else:
            if total:
                parts.append(Text(f"row {self.row + 1:,} of {total:,}"))
            text = Text(f"{total:,} of {self.archive_total or 0:,}")
            if listing.category is not None:
                text.append(" in ")
                text.append_text(label(listing.category))
            if not listing.query.empty:
                text.append(" match '")
                text.append_text(safe_text(listing.text.strip()))
                text.append("'")
            parts.append(text)
            if total == 0 and listing.match is not None and listing.query.partial is None:
                parts.append(Text("try fewer words, or a prefix like magn*", style="dim"))
        if self.added:
            noun, them = ("report", "it") if self.added == 1 else ("reports", "them")
            parts.append(
                Text(f"{self.added:,} new {noun}: R shows {them}", style=self._style("hint") + Style(bold=True))
            )
        arrow = "▼" if listing.descending else "▲"
        parts.append(Text(f"sorted by {SORT_LABELS[listing.effective_sort]} {arrow}"))
        if self.marked:
            parts.append(Text(f"{self.marked} marked", style="bold"))
        if self.readonly:
            parts.append(Text("read-only: views are not counted", style=self._style("hint")))
        if self.note:
            parts.append(safe_text(self.note, style="dim"))
        return Text("  ·  ").join(parts)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"status-line--{name}", partial=True)
