"""The ``tui-archive`` command: the app, and commands for scripts, on the headless core.

Each command opens the archive once (:func:`open_archive`), and click closes it
when the command ends. Archive errors leave every command the same way: the
group turns :class:`~tui_archive.core.errors.ArchiveError` into its sentence
and exit status 1. The Textual UI is imported only to run the app.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import textwrap
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

import click

from . import __version__
from .core import export, memory
from .core.errors import ArchiveError, ViewRefused
from .core.export import FORMATS
from .core.listing import RELEVANCE, SORTS, Listing
from .core.locations import ENV_VAR, resolve
from .core.matches import Highlighter
from .core.model import Report
from .core.query import SEARCH_SYNTAX, Term
from .core.safe import clean, safe_json
from .core.store import Store
from .core.views import ViewCounter, ViewEvent, Waiting

F = TypeVar("F", bound=Callable[..., Any])


def archive_option(command: F) -> F:
    """``--db``, on the group and on every command: ``tui-archive --db x.db search`` or ``search --db x.db``."""
    return click.option(
        "--db",
        "db",
        envvar=ENV_VAR,
        type=click.Path(),  # a directory or a device is refused by the store, in a sentence
        help=f"Archive file (default: ./archive.db, else your own archive). Also ${ENV_VAR}.",
    )(command)


def open_archive(ctx: click.Context, db: str | None, *, create: bool = False) -> tuple[Store, str]:
    """The archive the command names (or the group, or the default), closed when the command ends.

    If another program broke its structure, opening repairs it (a progress bar
    while the full-text index is rebuilt, in a terminal) and says so on stderr;
    the app says so in a notification.
    """
    return _opened(ctx, *_open_store(ctx, db, create=create))


def _open_store(ctx: click.Context, db: str | None, *, create: bool = False) -> tuple[Store, str]:
    """The first half of :func:`open_archive`, which touches nothing of the command's but the
    terminal's stderr (the progress bar): it may run on a thread of its own."""
    root = ctx.find_root().params
    location = resolve(db or root.get("db"))
    with contextlib.ExitStack() as stack:
        progress = _progress_bar(stack, "rebuilding the full-text index") if sys.stderr.isatty() else None
        store = Store(location.path, create=create, progress=progress, readonly=bool(root.get("read_only")))
    return store, location.note


def _opened(ctx: click.Context, store: Store, note: str) -> tuple[Store, str]:
    """The second half of :func:`open_archive`: closed with the command, repairs told."""
    ctx.call_on_close(store.close)
    for repair in store.repairs:
        click.echo(f"repaired {clean(store.path)}: {clean(repair)}", err=True)
    for upgrade in store.upgrades:
        click.echo(f"upgraded {clean(store.path)}: {clean(upgrade)}", err=True)
    return store, note


class _Opening(threading.Thread):
    """Opens the archive (:func:`_open_store`) while the app's modules load.

    Loading Textual is Python work, holding the GIL; opening the archive is
    mostly SQLite reading the file and checking its structure, without it. On a
    thread of its own the opening takes none of the launch's time: 20 ms on a
    million reports the file system has cached, 100 to 200 ms when it has not.
    """

    def __init__(self, ctx: click.Context, db: str | None) -> None:
        super().__init__(name="open-archive", daemon=True)
        self.ctx, self.db = ctx, db
        self.opened: tuple[Store, str] | None = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.opened = _open_store(self.ctx, self.db)
        except BaseException as error:  # raised where the command waits for the archive
            self.error = error

    def result(self) -> tuple[Store, str]:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.opened is not None
        return _opened(self.ctx, *self.opened)


ERROR = "Error: "
"""The one prefix of every error the command prints: click's own (usage errors, ClickException),
an import's problem lines, archive errors and an unexpected fault alike."""

_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_KEPT_HYPHEN = "\u2011"  # a non-breaking hyphen while the text is wrapped, a plain one after


class HelpFormatter(click.HelpFormatter):
    """Help wrapped between words only: ``--skip-bad`` or ``read-only`` is never split at its hyphen."""

    def write_text(self, text: str) -> None:
        super().write_text(_HYPHEN.sub(_KEPT_HYPHEN, text))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        kept = [(_HYPHEN.sub(_KEPT_HYPHEN, first), _HYPHEN.sub(_KEPT_HYPHEN, second)) for first, second in rows]
        super().write_dl(kept, col_max, col_spacing)

    def getvalue(self) -> str:
        return super().getvalue().replace(_KEPT_HYPHEN, "-")


class ArchiveContext(click.Context):
    formatter_class = HelpFormatter


class ArchiveCommand(click.Command):
    """A command whose help is wrapped by :class:`HelpFormatter`."""

    context_class = ArchiveContext


class ArchiveGroup(click.Group):
    """The CLI's error boundary: an archive error is one line on stderr and exit status 1."""

    context_class = ArchiveContext
    command_class = ArchiveCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as error:
            for problem in getattr(error, "problems", ()):  # an ImportFailed: what was wrong, and where
                click.echo(f"{ERROR}{clean(str(problem))}", err=True)
            raise click.ClickException(clean(str(error))) from None


@click.group(cls=ArchiveGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@archive_option
@click.option(
    "--read-only",
    "read_only",
    is_flag=True,
    envvar="TUI_ARCHIVE_READ_ONLY",
    help="Open the archive without writing to it: views are not counted (for a replica or a copy).",
)
@click.version_option(__version__, prog_name="tui-archive")
@click.pass_context
def cli(ctx: click.Context, db: str | None, read_only: bool) -> None:
    """Browse an archive of analysis reports. With no command, start the app."""
    if ctx.invoked_subcommand is not None:
        return
    _require_utf8_terminal()
    memory.keep_flat(one_heap=True)  # before any thread starts
    opening = _Opening(ctx, db)
    from .core import locations
    from .core.history import History
    from .core.settings import SettingsFile
    from .ui.app import ArchiveApp  # Textual loads only for the app itself

    store, note = opening.result()
    app = ArchiveApp(store, note, History.for_user(store.path), SettingsFile(locations.settings_file()))
    app.run()
    if app.crash_message is not None:  # an unexpected error: one line saying where its log is
        click.echo(f"{ERROR}{app.crash_message}", err=True)
    if app.return_code:
        ctx.exit(app.return_code)


def _require_utf8_terminal() -> None:
    """The app draws with box and block characters; in a terminal whose encoding
    lacks them it would draw escape codes for each. Say so instead.
    (The commands for scripts still work there, with ``?`` for what cannot be shown.)"""
    stream = sys.__stderr__  # where Textual writes the screen
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if stream is not None and encoding and not encoding.startswith("utf"):
        raise click.ClickException(
            f"the app needs a UTF-8 terminal, and this one uses {stream.encoding}; "
            "set LANG=C.UTF-8 (or another UTF-8 locale) and unset PYTHONIOENCODING"
        )


def _syntax_help() -> str:
    """``search --help``: the search language, from the one table the help screen shows too."""
    width = max(len(typed) for typed, _ in SEARCH_SYNTAX) + 2
    # A table kept as it is (\b), each description wrapped between words to fit 78 columns with the indent.
    lines = [
        line
        for typed, finds in SEARCH_SYNTAX
        for line in textwrap.wrap(
            re.sub(r'"[^"]*"', lambda quoted: quoted.group().replace(" ", "\u00a0"), finds),  # "rare earths" whole
            76,
            initial_indent=f"{typed:<{width}}",
            subsequent_indent=" " * width,
            break_on_hyphens=False,
            break_long_words=False,
        )
    ]
    lines = [line.replace("\u00a0", " ") for line in lines]
    return (
        "List reports matching QUERY, in the search box's language. Several words are one query"
        " (search supply chain is search 'supply chain'); a query that starts with -word goes after --:"
        " search -- -china cobalt.\n\n\b\n" + "\n".join(lines)
    )


class SearchCommand(ArchiveCommand):
    """``search``, whose query may start with ``-word`` (leave the word out) after ``--``.

    Without ``--``, click would read ``-cobalt`` as ``-c obalt`` (a category) or
    ``-magnet`` as an unknown option ``-m``; such an argument is refused with a
    pointer to ``--`` instead.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag
            for name in param.opts
        }
        shorts = {name for param in self.params for name in param.opts + param.secondary_opts if len(name) == 2}
        shorts |= {name for name in ctx.help_option_names if len(name) == 2}
        previous = ""
        for arg in args:
            if arg == "--":
                break
            if (
                previous not in takes_value
                and arg.startswith("-")
                and not arg.startswith("--")
                and len(arg) > 1
                and arg not in shorts
                and not re.fullmatch(r"-n\d+", arg)  # -n10: the limit, written together
            ):
                import shlex

                raise click.UsageError(
                    f"{arg} is not an option. To leave out a word, put the query after --:"
                    f" tui-archive search -- {shlex.quote(arg)}  (for a category, write -c NAME)",
                    ctx=ctx,
                )
            previous = arg
        return super().parse_args(ctx, args)


@cli.command(
    cls=SearchCommand, help=_syntax_help(), short_help="List the reports a query finds, as the search box does."
)
@click.argument("query", nargs=-1)
@click.option(
    "--category", "-c", help="Only reports whose category starts with this, in any case (as category:NAME does)."
)
@click.option(
    "--sort",
    type=click.Choice([RELEVANCE, *SORTS]),
    help="Order (default: relevance with a query, else newest first).",
)
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=50, show_default=True, help="At most this many.")
@click.option("--all", "everything", is_flag=True, help="Every report found, however many (instead of --limit).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", *FORMATS]),
    default="text",
    show_default=True,
    help="text: tab-separated ID, date, views, category, title; csv and json: every field; md: a Markdown table.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--snippet",
    is_flag=True,
    help="With search words: the words of each report's body around the match (text: a last column;"
    ' json: "snippet" as stored and "snippet_matches", [start, end] of each match in it).',
)
@archive_option
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    category: str | None,
    sort: str | None,
    reverse: bool,
    limit: int,
    everything: bool,
    offset: int,
    fmt: str,
    as_json: bool,
    snippet: bool,
    db: str | None,
) -> None:
    if as_json:
        fmt = "json"
    if snippet and fmt not in ("text", "json"):
        raise click.UsageError("--snippet goes with the text listing or --json")
    store, _ = open_archive(ctx, db)
    text = " ".join(query)
    asked = category
    if category is not None and '"' not in category:  # as category: in the app: any case, a prefix
        text, category = f'{text} category:"{category}"'.strip(), None
    listing = Listing(text=text, category=category, sort=sort, reverse=reverse)
    for hint in listing.query.hints:
        click.echo(f"hint: {clean(hint)}", err=True)
    if asked is not None and store.count(listing) == 0:
        _hint_categories(store, asked)
    # Read as one snapshot, a window at a time, for exports of any size (and --all).
    reports = store.iter_listing(listing, offset=offset, limit=None if everything else limit)
    terms = listing.query.terms
    if fmt != "text":
        out = sys.stdout
        export.write(
            reports, fmt, out, inert=out.isatty(), extra=partial(_json_snippet, store, terms) if snippet else None
        )
        return
    # In a terminal, the words that match are marked; never in a pipe or a file.
    matches = Highlighter(terms, store.tokenize) if _to_terminal() else Highlighter()
    printed = 0
    for report in reports:
        cells = [
            _cell(value, name in report.cut)
            for name, value in (
                ("id", report.id),
                ("date", report.date),
                ("views", report.views),
                ("category", report.category),
            )
        ]
        title = _cell(report.title, "title" in report.cut)
        cells.append(_styled(title, matches.spans(title)))
        if snippet:
            found = store.snippet(report.rowid, terms) if report.rowid is not None else None
            words = found.cleaned() if found is not None else None
            cells.append("" if words is None else _styled(words.text, words.spans if matches else ()))
        click.echo("\t".join(cells))
        printed += 1
    total = store.count(listing)
    shown = f"{printed:,} of {total:,}" if printed < total else f"{total:,}"
    noun = "report" if total == 1 else "reports"
    click.echo(f"{shown} {noun}", err=True)


def _hint_categories(store: Store, asked: str) -> None:
    """An empty result for --category: say which categories there are, if none starts so."""
    asked = asked.lower()
    names = [c.name for c in store.categories(Listing()) if isinstance(c.name, str)]
    if not any(name.lower().startswith(asked) for name in names):
        shown = ", ".join(clean(name) for name in names[:8]) + (", …" if len(names) > 8 else "")
        click.echo(f"hint: no category starts with {clean(asked)!r}; the categories are: {shown}", err=True)


def _to_terminal() -> bool:
    """Is the listing read by a person (marks for the matches), not a pipe or a file?"""
    return sys.stdout.isatty()


def _json_snippet(store: Store, terms: tuple[Term, ...], report: Report) -> dict[str, object]:
    """``search --json --snippet``: the body's words around the match, as stored, and where the matches are."""
    found = store.snippet(report.rowid, terms) if report.rowid is not None else None
    if found is None:
        return {"snippet": None, "snippet_matches": []}
    return {"snippet": found.text, "snippet_matches": [list(span) for span in found.spans]}


def _styled(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Cleaned text with the spans in bold and underlined (for a terminal)."""
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], click.style(text[start:end], bold=True, underline=True)]
        at = end
    return "".join(pieces) + text[at:]


def _cell(value: object, cut: bool) -> str:
    """A field in the text listing: inert, on one line, and a bounded prefix of a long value."""
    text = clean(value)
    if cut or len(text) > TEXT_CELL:
        return text[:TEXT_CELL] + "…"
    return text


TEXT_CELL = 1000
"""The most characters of one field the text listing prints (a 10 MB title is not printed whole)."""


@cli.command(short_help="Print one report, counting a view of it.")
@click.argument("report_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-count", is_flag=True, help="Do not count this as a view.")
@archive_option
@click.pass_context
def show(ctx: click.Context, report_id: str, as_json: bool, no_count: bool, db: str | None) -> None:
    """Print one report and count one view of it, as ACCESS does in the app.

    While another program (an import) holds the archive, the view waits for it.
    """
    store, _ = open_archive(ctx, db)
    report_id = store.resolve_id(report_id)
    note = ""
    if no_count:
        report = store.get(report_id)
    elif store.readonly:
        report = store.get(report_id)
        note = "the archive is read-only: this view was not counted"
    else:
        try:
            report = _count_view(store, report_id)
        except ViewRefused as refused:
            report, note = store.get(report_id), refused.sentence
        else:  # the count, with every field in full
            full = store.get_row(report.rowid) if report is not None and report.rowid is not None else None
            report = full.counted(report.views) if full is not None and report is not None else report
    if report is None:
        raise click.ClickException(f"no report with ID {clean(report_id)!r}")
    if as_json:
        click.echo(safe_json(report.fields(), indent=2))
    else:
        click.echo(format_report(report))
    if note:
        click.echo(clean(note), err=True)


@cli.command(short_help="List the reports most like one, best first.")
@click.argument("report_id", metavar="ID")
@click.option("--limit", "-n", type=click.IntRange(min=0), default=10, show_default=True, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (as search --json does).")
@archive_option
@click.pass_context
def related(ctx: click.Context, report_id: str, limit: int, as_json: bool, db: str | None) -> None:
    """List the reports most like one, best first.

    As related:ID in a search: the reports sharing the rarest words of its title and summary,
    best match first, itself left out. Each line is as in search; stderr names the words
    searched for. ID is found as show finds it.
    """
    store, _ = open_archive(ctx, db)
    listing = store.related_listing(report_id)
    if listing is None:
        raise click.ClickException(f"no report with ID {clean(report_id)!r}")
    reports = list(store.iter_listing(listing, limit=limit))
    if as_json:
        export.write(reports, "json", sys.stdout, inert=sys.stdout.isatty())
    else:
        for report in reports:
            click.echo("\t".join(_cell(value, name in report.cut) for name, value in _text_fields(report)))
    words = listing.related.words if listing.related is not None else ()
    noun = "report" if len(reports) == 1 else "reports"
    if words:
        click.echo(
            f"{len(reports):,} {noun} like {clean(listing.query.related)}, by the words {clean(', '.join(words))}",
            err=True,
        )
    else:
        click.echo(
            f"no reports like {clean(listing.query.related)}: it shares none of its words with another report", err=True
        )


def _text_fields(report: Report) -> list[tuple[str, object]]:
    return [
        ("id", report.id),
        ("date", report.date),
        ("views", report.views),
        ("category", report.category),
        ("title", report.title),
    ]


BUSY_NOTE_AFTER = 1.0
"""Seconds a view may take before ``show`` says it is waiting for a busy archive."""


def _count_view(store: Store, report_id: str) -> Report | None:
    """Through the app's one writer of views, which waits out a busy archive (an import) as the
    app does, up to its patience; after about a second of waiting, stderr says so."""
    told = threading.Event()

    def tell() -> None:
        if not told.is_set():
            told.set()
            click.echo("the archive is busy (an import?): waiting to count the view", err=True)

    def heard(event: ViewEvent) -> None:
        if isinstance(event, Waiting):
            tell()

    counter = ViewCounter(store, heard)
    try:
        future = counter.count(report_id)
        try:
            return future.result(timeout=BUSY_NOTE_AFTER)
        except TimeoutError:
            tell()
        return future.result()
    finally:
        counter.close()


def format_report(report: Report) -> str:
    lines = [
        clean(report.title),
        " · ".join(
            [clean(report.id), clean(report.category or "no category"), clean(report.date or "no date")]
            + [clean(report.views_label)]
        ),
        "",
        clean(report.summary or "(no summary)", multiline=True),
    ]
    if report.body:
        lines += ["", clean(report.body, multiline=True)]
    if report.url:
        lines += ["", f"Link: {clean(report.url)}"]
    return "\n".join(lines)


@cli.command("import", short_help="Import reports from pages, CSV, JSON or JSON Lines files.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good records and list the bad ones (also lines that are not JSON or not UTF-8).",
)
@archive_option
@click.pass_context
def import_(ctx: click.Context, files: tuple[str, ...], skip_bad: bool, db: str | None) -> None:
    """Import reports from archive pages, CSV, JSON or JSON Lines files (upsert by ID).

    All or nothing: if any record is bad, nothing is written (unless --skip-bad).
    """
    from .core.importers import import_files  # (the readers load only for this command, not for the app)

    store, _ = open_archive(ctx, db, create=True)
    with contextlib.ExitStack() as stack:
        progress = _progress_bar(stack) if sys.stderr.isatty() else None  # for people, not scripts and logs
        result = import_files(store, files, skip_bad=skip_bad, progress=progress)
    for problem in result.problems:
        click.echo(f"skipped: {clean(str(problem))}", err=True)
    noun = "report" if result.written == 1 else "reports"
    skipped = len(result.problems)
    note = f" (skipped {skipped} bad record{'' if skipped == 1 else 's'}, listed above)" if skipped else ""
    click.echo(f"imported {result.written} {noun} into {clean(store.path)}{note}")


def _progress_bar(stack: contextlib.ExitStack, label: str = "importing") -> Callable[[int, int], None]:
    """A progress callback that draws a bar, made when the work first reports its size."""
    bars: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bar = click.progressbar(length=max(1, total), label=label, file=sys.stderr, width=40)
            bars.append(stack.enter_context(bar))
        bar = bars[0]
        bar.update(max(0, min(done, bar.length) - bar.pos))

    return progress


@cli.command(short_help="Check the archive fully and repair what other programs broke.")
@archive_option
@click.pass_context
def repair(ctx: click.Context, db: str | None) -> None:
    """Check the archive's structure fully and repair what other programs broke.

    Every command checks the structure cheaply when it opens the archive and
    repairs what it finds (a dropped full-text index, its triggers, a sort
    index). This also compares the full-text index with every report (seconds
    for a million) and rebuilds it if they differ.
    """
    store, _ = open_archive(ctx, db)
    if store.readonly:
        raise click.ClickException(f"{clean(store.path)}: the archive is read-only: it cannot be repaired here")
    with contextlib.ExitStack() as stack:
        progress = _progress_bar(stack, "rebuilding the full-text index") if sys.stderr.isatty() else None
        rebuilt = store.verify_index(progress)
    if rebuilt:
        click.echo(
            f"repaired {clean(store.path)}: rebuilt the full-text index (it did not match the reports)", err=True
        )
    if not (rebuilt or store.repairs):
        click.echo(f"{clean(store.path)}: nothing to repair", err=True)


@cli.command(short_help="Serve the app to web browsers, behind a token.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--token",
    envvar="TUI_ARCHIVE_TOKEN",
    help="The token to require (default: a new random one each start). Also $TUI_ARCHIVE_TOKEN.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests addressed to NAME (say, a reverse proxy's name). Repeatable.",
)
@archive_option
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, token: str | None, allowed_hosts: tuple[str, ...], db: str | None
) -> None:
    """Serve the app to web browsers (with textual-serve), for people without a terminal.

    Each browser tab runs its own copy of the app on the same archive, as
    this user, as a terminal session would. Stop the server with Ctrl+C.

    Who can use it: whoever has the URL it prints, which holds a token
    (http://127.0.0.1:8000/?token=...). Every user of this machine can
    connect to a port on 127.0.0.1; the token is what keeps them out, and
    anyone who sees the URL can drive the app: keep it to yourself. Requests
    without the token, for another host name, or from pages of another site
    are refused (403). The token is new at each start, unless --token or
    $TUI_ARCHIVE_TOKEN sets one. In the browser, e delivers the export as a
    download, never as a file on this machine.
    """
    try:
        from . import serve as web  # aiohttp and textual-serve load only here
    except ImportError as error:
        if (error.name or "").split(".")[0] not in WEB_STACK:
            raise
        raise click.ClickException(
            "serving to a browser needs textual-serve: pip install 'tui-archive[serve]'"
        ) from None
    try:
        token = web.check_token(token) if token is not None else web.new_token()
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--token' / $TUI_ARCHIVE_TOKEN") from None
    store, _ = open_archive(ctx, db)  # the archive is checked here, not in each browser tab
    path = store.path.resolve()
    click.echo(serve_message(path, host, port), err=True)

    def announce(url: str) -> None:
        click.echo(url)
        click.echo("open it in a browser; anyone who has this URL can use the app. Ctrl+C stops the server.", err=True)

    # A browser is UTF-8 whatever the server's locale (-X utf8); the absolute
    # path keeps every tab on this archive.
    try:
        web.serve(
            served_command(path),
            host=host,
            port=port,
            token=token,
            allowed_hosts=allowed_hosts,
            title=f"tui-archive: {clean(path.name)}",
            announce=announce,
        )
    except OSError as error:  # the port is taken, or the address is not this machine's
        raise click.ClickException(f"cannot serve on {clean(host)}:{port}: {clean(error.strerror or error)}") from None


def served_command(path: os.PathLike[str] | str) -> str:
    """The shell command textual-serve runs for each browser session: the app on ``path``."""
    import shlex
    import subprocess

    args = [sys.executable, "-X", "utf8", "-m", "tui_archive", "--db", os.fspath(path)]
    return subprocess.list2cmdline(args) if os.name == "nt" else shlex.join(args)


LOOPBACK = {"127.0.0.1", "::1", "localhost"}
WEB_STACK = {"textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2", "yarl"}
"""What the ``serve`` extra brings."""


def serve_message(path: os.PathLike[str] | str, host: str, port: int) -> str:
    message = f"archive: {clean(path)}"
    if host not in LOOPBACK:
        message += (
            f"\nwarning: listening on {clean(host)}, not only this machine: anyone who can reach port {port}"
            " and has the URL below can browse the archive and count views (plain HTTP: the token crosses"
            " the network unencrypted)"
        )
    if host in ("0.0.0.0", "::", ""):
        message += (
            "\nfrom another machine, open the URL with this machine's address or name"
            " in place of 127.0.0.1 (another name: --allow-host NAME)"
        )
    return message


def _tolerant_streams() -> None:
    """Characters the terminal's encoding lacks (LANG=C, PYTHONIOENCODING=ascii) print as ``?``
    instead of ending the command with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.errors or "strict") == "strict":
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main() -> None:
    _tolerant_streams()
    memory.keep_flat()
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a fault in the program: its traceback to the log, one line here
        from .core import crash

        click.echo(f"{ERROR}{crash.sentence(error, crash.write_log(error))}", err=True)
        sys.exit(1)
