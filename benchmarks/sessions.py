"""Many people on one archive: ``--sessions N`` app sessions, view counters and an import at once.

The promise measured: N sessions of the app on one archive (each its own
process, driven headless), while command-line processes count views with
``tui-archive show`` and one ``tui-archive import`` adds reports:

- no view lost and no "locked" error anywhere (the file's views rise by
  exactly the views asked for, by the sessions and the command line);
- each session's page and search latency p95 within 1.5x of a lone session's;
- N idle sessions together use under 5% of one core;
- memory per session under 60 MB.

The sessions start together and wait on files in a shared folder: ``idle``
(measure their own CPU while nothing happens), ``active`` (search, page and
open reports in a loop) and ``stop``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
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
THINK = 8.0
"""Mean seconds a person spends reading between two things they do (drawn at random, exponentially):
50 sessions then search, page and open about six times a second together."""
CLI_COUNTERS = 10
CLI_VIEWS_EACH = 20
IMPORTED = 50_000


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    opened = 0
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await browse_loaded(pilot)
        (sync / f"ready-{os.getpid()}").touch()
        await wait_for_file(sync / "idle")
        cpu, wall = cpu_seconds(), monotonic()
        # One sleep to the end of the idle time (the file says when), so that nothing of the
        # benchmark's own wakes up meanwhile: on this machine a thread waking costs 0.03 to
        # 0.5 ms of CPU, and a look for a file twice a second in each of 50 sessions would
        # count as several percent of a core.
        await asyncio.sleep(max(0.0, float((sync / "idle").read_text()) - time()))
        idle = {"cpu_s": cpu_seconds() - cpu, "wall_s": monotonic() - wall}
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
        "idle": idle,
        "search_s": search_s,
        "page_s": page_s,
        "opened": opened,
        "rss_mb": rss,
        "hwm_mb": hwm,
        "failure": lost,
    }


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def total_views(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT coalesce(sum(views), 0) FROM reports").fetchone()[0])


def run_sessions(db: Path, sessions: int, workdir: Path, writers: bool, think: float = THINK) -> dict:
    """``sessions`` sessions on ``db``; with ``writers``, the view counters and the import run meanwhile."""
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
    sleep(IDLE_SECONDS + 1.0)
    (sync / "active").touch()
    cli = shutil.which("tui-archive", path=str(Path(sys.executable).parent)) or "tui-archive"
    counters: list[subprocess.Popen] = []
    importer = None
    active_started = monotonic()
    if writers:
        jsonl = sync / "more.jsonl"
        with jsonl.open("w", encoding="utf-8") as out:
            for report in generate.reports(IMPORTED, seed=99):
                report["id"] = "NEW-" + report["id"]
                report["views"] = 0  # the views measured are those counted meanwhile
                out.write(json.dumps(report) + "\n")
        importer = subprocess.Popen(
            [cli, "import", str(jsonl), "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        ids = [f"RPT-{i}" for i in range(1, 200)]
        gap = ACTIVE_SECONDS / (CLI_VIEWS_EACH + 1)  # spread over the active time, as people run them
        script = "; ".join(
            f"sleep {gap:.2f}; {cli} show {id} --db {db} >/dev/null" for id in random.sample(ids, CLI_VIEWS_EACH)
        )
        counters = [
            subprocess.Popen(["sh", "-c", script], stderr=subprocess.PIPE, text=True) for _ in range(CLI_COUNTERS)
        ]
    while monotonic() - active_started < ACTIVE_SECONDS:
        sleep(0.2)
    errors = []
    for process in [*counters, *([importer] if importer else [])]:
        _, stderr = process.communicate()
        errors += [line for line in stderr.splitlines() if "ocked" in line or "Error" in line]
    (sync / "stop").touch()
    for child in children:
        child.wait(timeout=600)
    results = [json.loads(out.read_text()) for out in outs if out.exists()]
    opened = sum(result["opened"] for result in results)
    asked = opened + (CLI_COUNTERS * CLI_VIEWS_EACH if writers else 0)
    counted = total_views(db) - views_before
    idle_cpu = sum(result["idle"]["cpu_s"] for result in results)
    idle_wall = max((result["idle"]["wall_s"] for result in results), default=float("nan"))
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
        "idle_core_pct": 100 * idle_cpu / idle_wall if idle_wall else float("nan"),
        "search_p95_s": p95([s for result in results for s in result["search_s"]]),
        "page_p95_s": p95([s for result in results for s in result["page_s"]]),
        "searches": sum(len(result["search_s"]) for result in results),
        "rss_mb_max": max((result["rss_mb"] for result in results), default=float("nan")),
        "rss_mb_median": sorted(result["rss_mb"] for result in results)[len(results) // 2] if results else 0,
    }


def bench_sessions(db: Path, sessions: int, workdir: Path) -> dict:
    """A lone session (the reference), then ``sessions`` at once with the writers, on a copy of ``db``."""
    copy = workdir / f"sessions-{db.name}"
    shutil.copy(db, copy)
    try:
        log("  sessions: one alone")
        alone = run_sessions(copy, 1, workdir, writers=False, think=1.0)  # more samples; latency is its own
        log(f"  sessions: {sessions} at once, with {CLI_COUNTERS} view counters and an import of {IMPORTED:,}")
        together = run_sessions(copy, sessions, workdir, writers=True)
    finally:
        copy.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
    return {"alone": alone, "together": together}
