"""In a real terminal: the installed command in tmux, timed from Enter in the shell to what is on screen.

``python -m benchmarks N --reuse --terminal`` starts a shell in tmux (120x32, DISPLAY
unset, as over SSH), types the command and Enter, and polls ``tmux capture-pane``
(every 2 ms) until the rows are drawn. The same run measures, where they do the
same work, Textual's stock DataTable (``benchmarks/stock.py``, capped like the
headless baseline) and VisiData (``vd`` on the archive's JSON Lines, if installed):

- launch: Enter in the shell to the first rows on screen (and, for the app, to
  the total on the status line; for VisiData, to every row loaded);
- a word typed in one burst (one ``send-keys``, as a paste or a fast typist over
  SSH) to its first rows on screen and to its count on the status line (the app only:
  VisiData's search is a regex over loaded rows, a different thing);
- End to the last row on screen;
- memory of the process once loaded.

Figures include tmux's own delay and the 2 ms polling; they are what a person sees.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from statistics import median
from time import perf_counter, sleep

from .common import log

WIDTH, HEIGHT = 120, 32
ROW_ID = re.compile(r"\bRPT-\d+")
PROMPT = "$ "


class Terminal:
    """One tmux server with one shell in a 120x32 window."""

    def __init__(self, name: str) -> None:
        self.socket = f"bench-{name}-{os.getpid()}"
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX")}
        # The shell's own environment is set on its command line: tmux gives a new pane the server's.
        shell = f"env -u DISPLAY -u WAYLAND_DISPLAY PS1={shlex.quote(PROMPT)} ENV= sh"
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT)]
            + [shell],
            env=env,
            check=True,
        )
        self.wait(self.at_prompt, 10, "the shell's prompt")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        """All of ``text`` in one write, as a paste or a burst over SSH arrives."""
        self.tmux("send-keys", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def at_prompt(self, screen: str) -> bool:
        lines = [line for line in screen.splitlines() if line.strip()]
        return bool(lines) and lines[-1].rstrip() == PROMPT.rstrip()

    def wait(self, test: Callable[[str], bool], timeout: float = 60.0, what: str = "") -> float:
        """Poll the screen until ``test(screen)``; the moment it was seen."""
        return self.wait_each({what: test}, timeout, what)[what]

    def wait_each(self, tests: dict[str, Callable[[str], bool]], timeout: float, what: str) -> dict[str, float]:
        """Poll the screen until each of ``tests`` has held once; the moment each was first seen."""
        deadline = perf_counter() + timeout
        seen: dict[str, float] = {}
        while True:
            screen = self.screen()
            now = perf_counter()
            seen |= {name: now for name, test in tests.items() if name not in seen and test(screen)}
            if len(seen) == len(tests):
                return seen
            if now > deadline:
                raise TimeoutError(f"{what}: not on screen after {timeout:.0f} s:\n{screen}")
            sleep(0.002)

    def run(self, command: str) -> float:
        """Type ``command`` and Enter at the prompt; the moment Enter was sent."""
        self.wait(self.at_prompt, 30, "the shell's prompt")
        self.send("clear", "Enter")
        self.wait(lambda s: s.strip() == PROMPT.strip(), 10, "a clear screen")
        self.type(command)
        started = perf_counter()
        self.send("Enter")
        return started

    def program_rss_mb(self) -> float:
        """Resident memory of the program the shell is running."""
        shell = self.tmux("display-message", "-p", "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        total = 0
        for pid in children:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
        return total / 1024

    def quit(self, *keys: str) -> None:
        self.send(*keys)
        self.wait(self.at_prompt, 30, "the prompt after quitting")

    def close(self) -> None:
        self.tmux("kill-server")


def table_rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if ROW_ID.search(line)]


def first_id(screen: str) -> str | None:
    rows = table_rows(screen)
    match = ROW_ID.search(rows[0]) if rows else None
    return match.group(0) if match else None


def spread(values: list[float]) -> dict:
    return {"min": min(values), "median": median(values), "max": max(values), "runs": len(values)} if values else {}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] if values else float("nan")


def expected_ids(db: Path, words: list[str]) -> dict:
    """What the app should show: the first ID for each word as typed, the last ID of the listing, the total."""
    from tui_archive.core.listing import Listing
    from tui_archive.core.store import Store

    with Store(db, create=False) as store:
        total = store.count(Listing())
        last = store.window(Listing(), total - 1, 1)[0].id
        firsts = {word: store.window(Listing(text=word, typing=True), 0, 1)[0].id for word in words}
    return {"total": total, "last": last, "firsts": firsts}


def bench_app(db: Path, cli: str, runs: int, words: list[str]) -> dict:
    facts = expected_ids(db, words)
    total = f"of {facts['total']:,} report"
    at_end = f"row {facts['total']:,} of"
    term = Terminal("app")
    launch, counted, ends, end_status, rss = [], [], [], [], []
    burst_rows: list[float] = []
    burst_count: list[float] = []
    by_word: dict[str, list[tuple[float, float]]] = {word: [] for word in words}
    try:
        for _ in range(runs):
            started = term.run(f"{shlex.quote(cli)} --db {shlex.quote(str(db))}")
            shown = term.wait(lambda s: len(table_rows(s)) >= 3, 60, "the app's first rows")
            launch.append(shown - started)
            counted.append(term.wait(lambda s: total in s, 60, "the app's total") - started)
            rss.append(term.program_rss_mb())
            sleep(0.5)
            before = table_rows(term.screen())
            started = perf_counter()
            term.send("End")
            # As VisiData's End is timed (its rows change), and the last report among them; then the
            # status line's row number, which Textual draws a frame or two after the table.
            seen = term.wait_each(
                {
                    "rows": lambda s, before=before: (
                        (rows := table_rows(s)) != before and any(facts["last"] in row for row in rows)
                    ),
                    "status": lambda s: at_end in s,
                },
                30,
                "the last row",
            )
            ends.append(seen["rows"] - started)
            end_status.append(seen["status"] - started)
            term.send("Home")
            term.wait(lambda s: "row 1 of" in s, 30, "the first row again")
            for word in words:
                sleep(0.3)
                first = facts["firsts"][word]
                started = perf_counter()
                term.type("/" + word)  # from the list: / focuses the search box, then the word
                rows_at = term.wait(lambda s, first=first: first_id(s) == first, 60, f"rows for {word!r}")
                count_at = term.wait(
                    lambda s, word=word: re.search(rf"of [\d,]+ match '{re.escape(word)}'", s) is not None,
                    60,
                    f"the count for {word!r}",
                )
                burst_rows.append(rows_at - started)
                burst_count.append(count_at - started)
                by_word[word].append((rows_at - started, count_at - started))
                term.send("C-u")
                term.wait(lambda s: total in s, 60, "the whole archive again")
                term.send("Escape")
                sleep(0.2)
            term.quit("q")
    finally:
        term.close()
    return {
        "launch_s": spread(launch),
        "counted_s": spread(counted),
        "end_s": spread(ends),
        "end_status_s": spread(end_status),
        "rss_mb": spread(rss),
        "burst_rows_s": spread(burst_rows) | {"p95": p95(burst_rows)},
        "burst_count_s": spread(burst_count) | {"p95": p95(burst_count)},
        "burst_by_word": {
            word: {"rows_s": spread([r for r, _ in pairs]), "count_s": spread([c for _, c in pairs])}
            for word, pairs in by_word.items()
        },
        "words": words,
    }


def bench_stock(db: Path, rows: int, runs: int) -> dict:
    term = Terminal("stock")
    launch, rss = [], []
    try:
        for _ in range(runs):
            command = f"{shlex.quote(sys.executable)} -m benchmarks.stock {shlex.quote(str(db))} {rows}"
            started = term.run(f"cd {shlex.quote(str(Path(__file__).resolve().parent.parent))} && {command}")
            launch.append(term.wait(lambda s: len(table_rows(s)) >= 3, 600, "the stock table's rows") - started)
            rss.append(term.program_rss_mb())
            term.quit("q")
    finally:
        term.close()
    return {"rows": rows, "launch_s": spread(launch), "rss_mb": spread(rss)}


def bench_visidata(jsonl: Path, n: int, runs: int) -> dict:
    vd = shutil.which("vd", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if vd is None:
        return {"error": "VisiData (vd) is not installed: pip install visidata"}
    term = Terminal("vd")
    launch, loaded, ends, rss = [], [], [], []
    try:
        for _ in range(runs):
            started = term.run(f"{shlex.quote(vd)} {shlex.quote(str(jsonl))}")
            launch.append(term.wait(lambda s: len(table_rows(s)) >= 3, 600, "VisiData's first rows") - started)
            loaded.append(term.wait(lambda s: f" {n} rows" in s, 1800, "VisiData's rows, all loaded") - started)
            rss.append(term.program_rss_mb())
            sleep(0.5)
            before = table_rows(term.screen())
            started = perf_counter()
            term.type("gj")  # go-bottom
            moved = term.wait(lambda s, before=before: table_rows(s) != before, 30, "VisiData's last row")
            ends.append(moved - started)
            term.quit("C-q")
    finally:
        term.close()
    return {"launch_s": spread(launch), "loaded_s": spread(loaded), "end_s": spread(ends), "rss_mb": spread(rss)}


def bench_terminal(db: Path, jsonl: Path, n: int, runs: int, baseline_cap: int) -> dict:
    if shutil.which("tmux") is None:
        return {"error": "tmux is not installed"}
    cli = shutil.which("tui-archive", path=str(Path(sys.executable).parent)) or "tui-archive"
    from . import generate

    terms = generate.terms()
    words = list(terms.values())  # rare, medium (in about 2% of reports), and the word in nearly every one
    figures: dict = {}
    for name, bench in (
        ("app", lambda: bench_app(db, cli, runs, words)),
        ("stock", lambda: bench_stock(db, min(n, baseline_cap), runs)),
        ("visidata", lambda: bench_visidata(jsonl, n, runs)),
    ):
        log(f"  in tmux: {name}")
        try:
            figures[name] = bench()
        except Exception as error:  # one tool failing leaves the others' figures
            figures[name] = {"error": f"{type(error).__name__}: {error}"}
    return figures


def ms(spread_: dict, key: str = "median") -> str:
    return f"{spread_[key] * 1000:,.0f} ms" if spread_ else "—"


def span(spread_: dict) -> str:
    if not spread_:
        return "—"
    return f"{ms(spread_, 'min')} · {ms(spread_)} · {ms(spread_, 'max')} ({spread_['runs']} runs)"


def print_terminal(figures: dict, n: int) -> None:
    print(f"\n#### In tmux, 120x32, N = {n:,}: min · median · max\n")
    print("| what | tui-archive | stock DataTable | VisiData |")
    print("|---|---|---|---|")
    app, stock, vd = figures.get("app", {}), figures.get("stock", {}), figures.get("visidata", {})
    for part, name in ((app, "tui-archive"), (stock, "stock DataTable"), (vd, "VisiData")):
        if "error" in part:
            print(f"| {name} failed | {part['error'].splitlines()[0]} | | |")
    cap = f" ({stock['rows']:,} rows)" if stock.get("rows") else ""
    rows = [
        (
            "launch: Enter to first rows",
            span(app.get("launch_s", {})),
            span(stock.get("launch_s", {})) + cap,
            span(vd.get("launch_s", {})),
        ),
        (
            "launch: Enter to the total / every row loaded",
            span(app.get("counted_s", {})),
            "(every row added)",
            span(vd.get("loaded_s", {})),
        ),
        ("End to the last row", span(app.get("end_s", {})), "—", span(vd.get("end_s", {}))),
        ("End to its row number on the status line", span(app.get("end_status_s", {})), "—", "—"),
        ("memory once loaded (RSS)", _mb(app), _mb(stock), _mb(vd)),
    ]
    for what, *cells in rows:
        print(f"| {what} | " + " | ".join(cells) + " |")
    if app.get("burst_rows_s"):
        words = ", ".join(f"'{w}'" for w in app["words"])
        print(
            f"\nA word typed in one burst ({words}, {app['burst_rows_s']['runs']} bursts): to its first rows"
            f" {span(app['burst_rows_s'])}, p95 {ms(app['burst_rows_s'], 'p95')}; to its count on the status line"
            f" {span(app['burst_count_s'])}, p95 {ms(app['burst_count_s'], 'p95')}."
        )
        for word, figures in app.get("burst_by_word", {}).items():
            print(f"- '{word}': rows {span(figures['rows_s'])}; count {span(figures['count_s'])}")


def _mb(part: dict) -> str:
    spread_ = part.get("rss_mb", {})
    return f"{spread_['median']:.0f} MB" if spread_ else "—"
