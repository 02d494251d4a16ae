"""The Textual application: the browse screen on one archive."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .history import History
from .resources import styles_dir
from .safe import clean
from .screens.browse import BrowseScreen, describe_failure
from .screens.error import ErrorScreen
from .screens.export import ExportScreen
from .screens.help import HelpScreen
from .screens.history import HistoryScreen
from .screens.report import ReportScreen
from .store import Store
from .widgets.report_table import ReportTable


class ArchiveApp(App[None]):
    """Browse an archive of analysis reports from the keyboard."""

    CSS_PATH = [str(styles_dir() / "app.tcss")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(self, store: Store, note: str = "", history: History | None = None) -> None:
        super().__init__()
        self.store = store
        self.note = note
        self.history = history if history is not None else History(store.path)  # in memory

    def on_mount(self) -> None:
        self.sub_title = clean(self.store.path.name)
        try:
            self.title = clean(self.store.name())
        except Exception as error:  # damaged or vanished since it was opened: say so, no traceback
            self.push_screen(ErrorScreen(describe_failure(error)))
            return
        self.push_screen(BrowseScreen(self.store, self.note))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", ArchiveApp),
                    ("Report list", BrowseScreen),
                    ("Moving in the list", ReportTable),
                    ("Report screen", ReportScreen),
                    ("History", HistoryScreen),
                    ("Export", ExportScreen),
                ]
            )
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers the same actions as the keys of the current screen."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        owners: list[object] = [screen]
        if isinstance(screen, BrowseScreen):
            owners.append(screen.table)
        for owner in owners:
            for binding in getattr(type(owner), "BINDINGS", []):
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in {"quit", "command_palette"} or binding.description in seen:
                    continue
                seen.add(binding.description)
                key = binding.key.split(",")[0]
                yield SystemCommand(
                    binding.description,
                    f"key: {self.get_key_display(Binding(key, binding.action))}",
                    _runner(owner, binding.action),
                )
        yield SystemCommand("Help", "key: ?  every key and the search syntax", self.action_help)


def _runner(owner: object, action: str):
    def run() -> None:
        getattr(owner, f"action_{action}")()

    return run
