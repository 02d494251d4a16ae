"""Many people on one archive: ``--sessions N`` app sessions, view counters and an import at once.

The promise measured: N sessions of the app on one archive (each its own
process, driven headless), while command-line processes count views with
``tui-archive show`` (each at moments of its own, drawn at random) and one
``tui-archive import`` adds reports:

- no view lost and no "locked" error anywhere (the file's views rise by
  exactly the views asked for, by the sessions and the command line);
- each session's page and search latency p95 within 1.5x of a lone session's;
- N idle sessions together use under 5% of one core;
- memory per session under 60 MB.

The sessions start together and wait on files in a shared folder: ``idle``
(sleep while nothing happens), ``active`` (search, page and open reports in a
loop) and ``stop``. Idle CPU is read by this process from ``/proc`` (each
thread's ``schedstat``), so that measuring it wakes no session: on this machine
one wake after a 20 s sleep costs 8 to 40 ms of CPU, as much as the idle
session spends in all. Idle is also measured for N sessions of the installed
command in tmux: a terminal's driver reads keys on a thread of its own, which
headless sessions do not have.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from time import monotonic, perf_counter, sleep, time

from . import generate
from .app import browse_loaded, open_app, press_and_wait, wait_until
from .common import SIZE, log, proc_status_mb

IDLE_SECONDS = 20.0
SETTLE_SECONDS = 15.0
"""After the last session has loaded, before idle is measured: a session that has just shown its
first page still counts its categories and reads ahead its last rows, and with 50 starting on 2
cores the last of that work runs seconds later (idle measured at once read 35-46% of a core,
measured after this pause 4%; a lone session idle in tmux uses no measurable CPU)."""
ACTIVE_SECONDS = 60.0
ALONE_SECONDS = 180.0
"""The lone session's active time: at a round every 3 s or so, some 60 samples of each latency, so
that its p95 (the reference the fifty are held to) is not the second-largest of 21."""
THINK = 8.0
"""Mean seconds a person spends reading between two things they do (drawn at random, exponentially):
50 sessions then search, page and open about six times a second together."""
CLI_COUNTERS = 10
CLI_VIEWS_EACH = 20
IMPORTED = 50_000


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds all threads of these processes have used, read from /proc (which wakes none of them)."""
    total = 0
    for pid in pids:
        for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                total += int(stat.read_text().split()[0])
            except (OSError, IndexError, ValueError):  # a thread that has just ended
                continue
    return total / 1e9


def children_cpu_seconds() -> float:
    """CPU seconds of this process's children (and theirs) that have ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_idle(pids: list[int], seconds: float) -> float:
    """Percent of one core the processes used together over ``seconds``, measured from outside."""
    cpu, wall = cpu_seconds(pids), monotonic()
    sleep(seconds)
    return 100 * (cpu_seconds(pids) - cpu) / (monotonic() - wall)


async def wait_for_file(path: Path) -> None:
    while not path.exists():
        await asyncio.sleep(0.5)  # rarely: this polling is in the idle CPU measured


async def child_session(args) -> dict:
    """One session: load, sit idle while told to, then search, page and open reports until told to stop."""
    from textual.widgets import Input

    sync = Path(args.sync)
    rng = random.Random(args.rows or 0)
    think = args.think or THINK
    words = list(generate.terms().values())[1:] + generate.vocabulary()[200:260]
    app = open_app(args.db)
    search_s: list[float] = []
    page_s: list[float] = []
    search_at: list[float] = []  # wall-clock start of each sample, to place it against the import
    page_at: list[float] = []
    opened = 0
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await browse_loaded(pilot)
        (sync / f"ready-{os.getpid()}").touch()
        await wait_for_file(sync / "idle")
        # One sleep to the end of the idle time (the file says when), so that nothing of the
        # benchmark's own wakes up meanwhile; the parent reads the CPU used from /proc.
        await asyncio.sleep(max(0.0, float((sync / "idle").read_text()) - time()))
        await wait_for_file(sync / "active")
        search = screen.query_one("#search", Input)
        stop = sync / "stop"
        await asyncio.sleep(rng.expovariate(1 / think))  # not all at once
        while not stop.exists():
            word = rng.choice([w for w in words if w != table.listing.text])  # the same word twice is no search
            before = table.generation
            started = perf_counter()
            search.value = word  # as pasted: one change, then the search box's pause
            await wait_until(
                pilot,
                lambda before=before, word=word: table.generation != before and table.listing.text == word,
                f"results for {word!r}",
            )
            search_s.append(perf_counter() - started)
            search_at.append(time() - search_s[-1])
            await asyncio.sleep(rng.expovariate(1 / think))
            table.focus()
            await pilot.pause()
            if table.row_count > 1:
                row = table.cursor_row
                pressed, done = await press_and_wait(
                    pilot,
                    "pagedown",
                    lambda row=row: table.cursor_row != row and table.report_at(table.cursor_row) is not None,
                    "the next page",
                )
                page_s.append(done - pressed)
                page_at.append(time() - (perf_counter() - pressed))
                await pilot.press("enter")  # ACCESS: one view
                opened += 1
                await pilot.pause()
                await pilot.press("escape")
            await asyncio.sleep(rng.expovariate(1 / think))
        await pilot.pause()
        lost = screen.status.failure
        rss = proc_status_mb("VmRSS")
        hwm = proc_status_mb("VmHWM")
    app.views.close()
    return {
        "search_s": search_s,
        "page_s": page_s,
        "search_at": search_at,
        "page_at": page_at,
        "opened": opened,
        "rss_mb": rss,
        "hwm_mb": hwm,
        "failure": lost,
    }


def counter_script(cli: str, db: Path, ids: list[str], active: float) -> str:
    """A shell script that counts :data:`CLI_VIEWS_EACH` views with ``tui-archive show`` at moments
    drawn at random over ``active`` seconds, as people run them (each counter its own moments).

    Counters that all waited the same gap between views ran ``show`` ten at a time, every
    2.9 s, in step: 12 to 16 threads waited for the two cores for 0.6 s each time, a load
    that no group of people running commands makes.
    """
    moments = sorted(random.uniform(0, active * 0.95) for _ in range(CLI_VIEWS_EACH))
    gaps = [later - earlier for earlier, later in zip([0.0, *moments], moments, strict=False)]
    return "; ".join(
        f"sleep {gap:.2f}; {cli} show {id} --db {db} >/dev/null"
        for gap, id in zip(gaps, random.sample(ids, CLI_VIEWS_EACH), strict=True)
    )


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def during_import(results: list[dict], started: float, ended: float | None) -> dict:
    """The p95s of the samples taken while the import ran (from ``started`` to ``ended``, None: still
    running) and of the others: where the tail comes from."""
    figures: dict = {"import_s": (ended or time()) - started}
    ended = ended or float("inf")
    for kind in ("search", "page"):
        pairs = [pair for result in results for pair in zip(result[f"{kind}_at"], result[f"{kind}_s"], strict=True)]
        inside = [s for at, s in pairs if started <= at < ended]
        outside = [s for at, s in pairs if not started <= at < ended]
        figures[f"{kind}_p95_during_import_s"] = p95(inside)
        figures[f"{kind}_p95_after_import_s"] = p95(outside)
        figures[f"{kind}_during_import"] = len(inside)
    return figures


def total_views(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT coalesce(sum(views), 0) FROM reports").fetchone()[0])


def run_sessions(
    db: Path, sessions: int, workdir: Path, writers: bool, think: float = THINK, active: float = ACTIVE_SECONDS
) -> dict:
    """``sessions`` sessions on ``db``, active for ``active`` seconds; with ``writers``, the view
    counters and the import run meanwhile."""
    sync = Path(tempfile.mkdtemp(prefix="sessions-", dir=workdir))
    outs = [sync / f"session-{i}.json" for i in range(sessions)]
    command = [sys.executable, "-m", "benchmarks", "--child", "session", "--db", str(db), "--sync", str(sync)]
    command += ["--think", str(think)]
    root = Path(__file__).resolve().parent.parent
    children = [
        subprocess.Popen([*command, "--out", str(out), "--rows", str(i)], cwd=root, stdout=subprocess.DEVNULL)
        for i, out in enumerate(outs)
    ]
    views_before = total_views(db)
    started = monotonic()
    while len(list(sync.glob("ready-*"))) < sessions:
        if any(child.poll() not in (None, 0) for child in children):
            raise RuntimeError("a session failed to start (traceback above)")
        sleep(0.2)
    log(f"    {sessions} sessions loaded in {monotonic() - started:.1f} s; idle for {IDLE_SECONDS:.0f} s")
    sleep(SETTLE_SECONDS)
    ready = sync / "idle.tmp"
    ready.write_text(str(time() + IDLE_SECONDS))
    ready.rename(sync / "idle")  # whole when seen
    sleep(1.5)  # each session has seen the file (it looks every 0.5 s) and gone to sleep
    idle_pct = measure_idle([child.pid for child in children], IDLE_SECONDS - 2.0)
    sleep(1.5)
    cli = shutil.which("tui-archive", path=str(Path(sys.executable).parent)) or "tui-archive"
    counters: list[subprocess.Popen] = []
    importer = None
    jsonl = sync / "more.jsonl"
    if writers:  # written before the active minute: the benchmark's own work is not in it
        with jsonl.open("w", encoding="utf-8") as out:
            for report in generate.reports(IMPORTED, seed=99):
                report["id"] = "NEW-" + report["id"]
                report["views"] = 0  # the views measured are those counted meanwhile
                out.write(json.dumps(report) + "\n")
    pids = [child.pid for child in children]
    sessions_cpu, others_cpu = cpu_seconds(pids), children_cpu_seconds()
    (sync / "active").touch()
    active_started = monotonic()
    import_started, import_ended = time(), None
    if writers:
        importer = subprocess.Popen(
            [cli, "import", str(jsonl), "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        ids = [f"RPT-{i}" for i in range(1, 200)]
        counters = [
            subprocess.Popen(["sh", "-c", counter_script(cli, db, ids, active)], stderr=subprocess.PIPE, text=True)
            for _ in range(CLI_COUNTERS)
        ]
    while monotonic() - active_started < active:
        sleep(0.2)
        if importer and import_ended is None and importer.poll() is not None:
            import_ended = time()
    sessions_cpu = cpu_seconds(pids) - sessions_cpu
    errors = []
    for process in [*counters, *([importer] if importer else [])]:
        _, stderr = process.communicate()
        errors += [line for line in stderr.splitlines() if "ocked" in line or "Error" in line]
    others_cpu = children_cpu_seconds() - others_cpu  # the show processes and the import, once ended
    (sync / "stop").touch()
    for child in children:
        child.wait(timeout=600)
    results = [json.loads(out.read_text()) for out in outs if out.exists()]
    opened = sum(result["opened"] for result in results)
    asked = opened + (CLI_COUNTERS * CLI_VIEWS_EACH if writers else 0)
    counted = total_views(db) - views_before
    shutil.rmtree(sync, ignore_errors=True)
    return {
        "sessions": sessions,
        "finished": len(results),
        "writers": writers,
        "views_asked": asked,
        "views_counted": counted,
        "errors": errors[:5],
        "error_count": len(errors),
        "failures": [result["failure"] for result in results if result["failure"]],
        "idle_core_pct": idle_pct,
        "active_cpu_s": {"sessions": sessions_cpu, "show_and_import": others_cpu, "seconds": active},
        "search_p95_s": p95([s for result in results for s in result["search_s"]]),
        "page_p95_s": p95([s for result in results for s in result["page_s"]]),
        **(during_import(results, import_started, import_ended) if writers else {}),
        "searches": sum(len(result["search_s"]) for result in results),
        "pages": sum(len(result["page_s"]) for result in results),
        "rss_mb_max": max((result["rss_mb"] for result in results), default=float("nan")),
        "rss_mb_median": sorted(result["rss_mb"] for result in results)[len(results) // 2] if results else 0,
    }


def bench_sessions(db: Path, sessions: int, workdir: Path) -> dict:
    """A lone session (the reference), then ``sessions`` at once with the writers, on a copy of ``db``."""
    copy = workdir / f"sessions-{db.name}"
    shutil.copy(db, copy)
    try:
        log("  sessions: one alone")
        # More samples: a lone session's latency is its own, with no one to wait for.
        alone = run_sessions(copy, 1, workdir, writers=False, think=1.0, active=ALONE_SECONDS)
        log(f"  sessions: {sessions} at once, with {CLI_COUNTERS} view counters and an import of {IMPORTED:,}")
        together = run_sessions(copy, sessions, workdir, writers=True)
        log(f"  sessions: {sessions} idle in tmux")
        terminals = idle_in_terminals(copy, sessions)
    finally:
        copy.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
    return {"alone": alone, "together": together, "terminals": terminals}


def idle_in_terminals(db: Path, sessions: int) -> dict:
    """``sessions`` of the installed command, each in a window of one tmux server (DISPLAY unset), idle."""
    cli = shutil.which("tui-archive", path=str(Path(sys.executable).parent)) or "tui-archive"
    socket = f"bench-idle-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX")}
    command = f"env -u DISPLAY {shlex.quote(cli)} --db {shlex.quote(str(db))}"

    def tmux(*args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", socket, "-f", "/dev/null", *args], env=env, capture_output=True, text=True
        ).stdout

    tmux("new-session", "-d", "-x", "120", "-y", "32", command)
    for _ in range(sessions - 1):
        tmux("new-window", "-d", command)
    try:
        started = monotonic()
        while sum("row 1 of" in tmux("capture-pane", "-p", "-t", f":{i}") for i in range(sessions)) < sessions:
            if monotonic() - started > 300:
                raise TimeoutError(f"{sessions} sessions in tmux: not all showed their list in 300 s")
            sleep(1.0)
        log(f"    {sessions} sessions in tmux loaded in {monotonic() - started:.1f} s")
        sleep(SETTLE_SECONDS)
        pids = [int(pid) for pid in tmux("list-panes", "-a", "-F", "#{pane_pid}").split()]
        pids += [int(child) for pid in pids for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        pct = measure_idle(pids, IDLE_SECONDS)
        apps = [pid for pid in pids if Path(f"/proc/{pid}/comm").read_text().strip() == "tui-archive"]
        rss = sorted(proc_status_mb("VmRSS", pid) for pid in apps)
    finally:
        tmux("kill-server")
    return {"sessions": sessions, "idle_core_pct": pct, "rss_mb_median": rss[len(rss) // 2] if rss else float("nan")}
