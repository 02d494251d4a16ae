"""The Textual application: the browse screen on one archive, and the one place worker failures land."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path

from textual import on
from textual.actions import ActionParseResult
from textual.app import SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.driver import Driver
from textual.events import DeliveryComplete, DeliveryFailed
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from ..core import crash
from ..core.errors import ArchiveError, Interrupted, from_os
from ..core.history import History
from ..core.safe import clean
from ..core.settings import SettingsFile
from ..core.store import Store
from ..core.views import NotCounted, ViewCounter, ViewEvent
from ..core.watch import WATCH_INTERVAL, Watcher
from .keys import OneKeyAtATime
from .messages import ArchiveChanged, CatchesUp, ViewHeard
from .screens.browse import BrowseScreen
from .screens.error import ErrorScreen
from .screens.export import ExportScreen
from .screens.help import HelpScreen
from .screens.history import HistoryScreen
from .screens.report import ReportScreen
from .widgets.report_table import ReportTable

STYLES = Path(__file__).parent / "styles"
SMALL = 70
"""Below this many columns the toolbar's controls narrow, to leave the search box room."""
SCREENSHOT = "tui-archive screenshot"
"""The name of a screenshot's delivery, told apart from an export's (and from Textual's own screenshot)."""
WIDE = 140
"""From this many columns the detail pane is beside the table; below, under it (so the title column gets the width)."""


class ArchiveApp(OneKeyAtATime):
    """Browse an archive of analysis reports from the keyboard."""

    CSS_PATH = [STYLES / "app.tcss"]
    HORIZONTAL_BREAKPOINTS = [(0, "-small"), (SMALL, "-narrow"), (WIDE, "-wide")]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="command-palette"),
    ]

    def __init__(
        self,
        store: Store,
        note: str = "",
        history: History | None = None,
        settings: SettingsFile | None = None,
        *,
        watch: float | None = WATCH_INTERVAL,
    ) -> None:
        """``watch``: noticing changes other sessions and programs make, as soon as the archive's files
        are written, else with this many seconds between looks (None: never look; see
        :class:`~tui_archive.core.watch.Watcher`)."""
        super().__init__()
        self.store = store
        self.note = note
        self.history = history if history is not None else History(store.path)  # in memory
        self.settings = settings if settings is not None else SettingsFile(None)  # nothing kept
        self._saved_theme: str | None = None
        """The theme the settings file holds (so only a change is written)."""
        self._said_settings_failed = False
        self.views = ViewCounter(store, self._view_event)
        """The one writer of views; what it does is posted back as :class:`ViewHeard`."""
        self.crash_message: str | None = None
        """The line said on leaving, after an unexpected error (see :meth:`_handle_exception`)."""
        self.watcher = Watcher(store, self._archive_changed, interval=watch) if watch is not None else None
        """Notices changes other connections make; each is posted as :class:`ArchiveChanged`."""

    def on_mount(self) -> None:
        self._use_saved_theme()
        self.sub_title = clean(self.store.path.name)
        try:
            self.title = clean(self.store.name())
        except ArchiveError as error:  # damaged or vanished since it was opened: say so, no traceback
            self.push_screen(ErrorScreen(str(error)))
            return
        browse = BrowseScreen(self.store, self.history, self.views, self.note)
        # The width's class from the start, as the screen's first resize would set it: that resize
        # then changes no class, and the first frame is not held up restyling every widget again.
        browse.add_class(*self._width_classes(), update=False)
        self.push_screen(browse)
        for repair in self.store.repairs:  # another program had broken the archive's structure
            self.notify(f"Archive repaired: {clean(repair)}", severity="warning", timeout=10, markup=False)
        if self.watcher is not None:
            self.watcher.start()
        for upgrade in self.store.upgrades:  # opened by a newer tui-archive for the first time
            self.notify(f"Archive upgraded: {clean(upgrade)}", timeout=10, markup=False)

    def _width_classes(self) -> set[str]:
        """The class of :attr:`HORIZONTAL_BREAKPOINTS` for the terminal's width, as Textual picks it."""
        width = self.size.width
        for at, name in sorted(self.HORIZONTAL_BREAKPOINTS, reverse=True):
            if width >= at:
                return {name}
        return set()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()
        self.views.close()

    def _archive_changed(self) -> None:
        """From the watcher's thread."""
        self.post_message(ArchiveChanged())

    @on(ArchiveChanged)
    def _forward_change(self) -> None:
        """The screen on top reads again what it shows (the list's rows and counts, an open report);
        a screen under it, once it is on top again (see :class:`CatchesUp`)."""
        for screen in self.screen_stack:
            if screen is self.screen:
                screen.post_message(ArchiveChanged())
            elif isinstance(screen, CatchesUp):
                screen.missed_change = True

    def _use_saved_theme(self) -> None:
        """Start in the theme chosen last time; a settings file that cannot be used is said once."""
        settings = self.settings.load()
        problem = settings.problem
        if settings.theme is not None and settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme is not None:
            problem = f"theme '{settings.theme}' (from {self.settings.path}) is not available: using the default theme"
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if problem:
            self.notify(clean(problem)[:300], severity="warning", timeout=10, markup=False)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme chosen (in the palette) is remembered for the next start."""
        if theme.name == self._saved_theme:
            return
        try:
            self.settings.save_theme(theme.name)
        except ArchiveError as error:
            if not self._said_settings_failed:  # once a session, not at every theme tried
                self._said_settings_failed = True
                self.notify(clean(error.sentence), severity="warning", markup=False)
            return
        self._saved_theme = theme.name

    def _handle_exception(self, error: Exception) -> None:
        """A fault in the app: the traceback goes to the crash log, and the app ends with status 1
        and one line on the terminal saying where the log is (Textual would print the traceback)."""
        self._return_code = 1
        if self._exception is None:  # (Pilot re-raises it, so tests see the fault)
            self._exception = error
            self._exception_event.set()
        if self.crash_message is None:  # (the command prints it once the terminal is restored)
            self.crash_message = crash.sentence(error, crash.write_log(error))
        self._close_messages_no_wait()

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Keys and palette commands run here. Once quitting, keys typed after ``q`` (``qe`` typed
        quickly) do nothing: a screen opened while the app closes would have no widgets."""
        if self._exit:
            return False
        return await super().run_action(action, default_namespace, namespaces)

    def _view_event(self, event: ViewEvent) -> None:
        """From the view counter's thread."""
        self.post_message(ViewHeard(event))

    @on(ViewHeard)
    def _view_heard(self, message: ViewHeard) -> None:
        """Every screen shows the change it holds (the list's row and status, an open report)."""
        if isinstance(message.event, NotCounted) and message.event.fault is not None:
            self._handle_exception(message.event.fault)
            return
        for screen in self.screen_stack:
            screen.post_message(ViewHeard(message.event))

    @on(DeliveryFailed)
    def _download_failed(self, event: DeliveryFailed) -> None:
        """Served to a browser: an export the browser did not receive in full; a screenshot not saved."""
        if event.name == SCREENSHOT:
            self._screenshot_failed(event.exception)
        if event.name == "export":
            self.notify("The export did not reach your browser: press e to try again", severity="error")

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker that reads or writes the archive ends here when it fails (see ``ui.workers``).

        An archive error is shown to the user; an interrupted read was superseded
        and is dropped; anything else is a fault in the app, which ends it.
        """
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, Interrupted):
            return
        if isinstance(error, ArchiveError):
            browse = next((s for s in self.screen_stack if isinstance(s, BrowseScreen)), None)
            if browse is not None:
                browse.show_failure(error)
            else:
                self.notify(clean(error.sentence), severity="error", markup=False)
            return
        if isinstance(error, Exception):
            self._handle_exception(error)

    def get_driver_class(self) -> type[Driver]:
        """In a terminal on Linux or macOS, Textual's driver with an input thread that sleeps while
        no key comes (see :mod:`.driver`); any other driver (a browser's, Windows') as Textual picks it."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from .driver import QuietLinuxDriver

            return QuietLinuxDriver
        return driver

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen in the current directory, as exports are, and say where.

        Textual's own saves to a Downloads folder (which a shared server seldom has),
        names the file after the archive's title and shows the path as markup. The
        palette's Screenshot calls this a moment after it is chosen; once the app is
        closing there is nothing left to draw, and nothing is saved. The file is
        always named ``tui-archive-<date>T<time>.svg``; ``time_format`` is not used.
        """
        if not self.is_running:
            return None
        try:
            directory = Path(path) if path is not None else Path.cwd()
        except OSError as error:  # the current directory was removed
            self._screenshot_failed(error)
            return None
        return self.deliver_text(
            io.StringIO(self.export_screenshot()),
            save_directory=directory,
            save_filename=filename or f"tui-archive-{datetime.now():%Y-%m-%dT%H%M%S}.svg",
            open_method="browser",
            mime_type="image/svg+xml",
            name=SCREENSHOT,
        )

    @on(DeliveryComplete)
    def _screenshot_saved(self, event: DeliveryComplete) -> None:
        if event.name == SCREENSHOT:
            where = "your browser has it" if event.path is None else f"saved as {event.path}"
            self.notify(clean(f"Screenshot {where}"), markup=False)

    def _screenshot_failed(self, error: BaseException) -> None:
        what = "The screenshot was not saved"
        sentence = from_os(error, what).sentence if isinstance(error, OSError) else what
        self.notify(clean(sentence), severity="error", markup=False)

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
        """The palette offers the same actions as the keys of the current screen, run as the keys run them.

        Each command offered works where it is offered: one Quit, no Help on the help
        screen (nor on the error screen, where the list's keys do not apply), and a
        command whose screen has gone by the time it runs does nothing.
        """
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # see deliver_screenshot
                command = command._replace(help="Save an SVG picture of the screen in the current directory")
            yield command
        seen: set[str] = set()
        owners: list[DOMNode] = [screen]
        if isinstance(screen, BrowseScreen):
            owners.append(screen.table)
        for owner in owners:
            for binding in getattr(type(owner), "BINDINGS", []):
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in {"quit", "app.quit", "command_palette"} or binding.description in seen:
                    continue
                seen.add(binding.description)
                key = binding.key.split(",")[0]
                yield SystemCommand(
                    binding.description,
                    f"key: {self.get_key_display(Binding(key, binding.action))}",
                    partial(self._run_command, binding.action, owner, screen),
                )
        if not isinstance(screen, (HelpScreen, ErrorScreen)):
            yield SystemCommand("Help", "key: ?  every key and the search syntax", self.action_help)

    async def _run_command(self, action: str, owner: DOMNode, screen: Screen) -> None:
        """A palette command, run on its screen if that is still the one shown."""
        if self.screen is screen:
            await self.run_action(action, owner)
