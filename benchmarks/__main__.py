"""The command line: ``python -m benchmarks [N ...]`` from the repository's root.

Each group of measurements runs in a fresh Python process (``python -m
benchmarks --child GROUP``), so that its RSS is its own; this process generates
the reports, runs the groups, times the store directly and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import subprocess
import sys
from pathlib import Path
from time import perf_counter

from . import __doc__ as PACKAGE_DOC
from . import app, generate, sessions, store, terminal
from .common import log
from .report import fmt_n, machine, print_notes, print_table, source_tree

ROOT = Path(__file__).resolve().parent.parent

CHILDREN = {
    "launch": app.child_launch,
    "search": app.child_search,
    "navigate": app.child_navigate,
    "baseline": app.child_baseline,
    "import": store.child_import,
    "session": sessions.child_session,
}


def run_as_child(args) -> None:
    function = CHILDREN[args.child]
    result = asyncio.run(function(args)) if inspect.iscoroutinefunction(function) else function(args)
    Path(args.out).write_text(json.dumps(result))


def run_child(group: str, workdir: Path, timeout: float = 3600, **options) -> dict:
    """Run one measurement group in a fresh Python process; its figures, or {"error": ...}."""
    out = workdir / f"child-{group}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "benchmarks", "--child", group, "--out", str(out)]
    for name, value in options.items():
        if value is not None:
            command += [f"--{name.replace('_', '-')}", str(value)]
    try:
        # The child's stdout goes to stderr too: stdout is kept for the final table.
        process = subprocess.run(command, cwd=ROOT, stdout=sys.stderr, stderr=sys.stderr, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{group}: timed out after {timeout:.0f} s"}
    if process.returncode != 0 or not out.exists():
        return {"error": f"{group}: exited with status {process.returncode} (traceback above)"}
    return json.loads(out.read_text())


def ensure_jsonl(workdir: Path, n: int) -> Path:
    """reports(n) as JSON Lines, generated once and cached (the generator is seeded)."""
    path = workdir / f"reports-{n}.jsonl"
    if path.exists():
        log(f"  using {path}")
        return path
    log(f"  generating {fmt_n(n)} reports into {path}")
    start = perf_counter()
    partial = path.with_suffix(".jsonl.part")
    with partial.open("w", encoding="utf-8") as out:
        for report in generate.reports(n):
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
    partial.rename(path)
    log(f"  generated in {perf_counter() - start:.1f} s")
    return path


def prepare_archive(workdir: Path, n: int, reuse: bool) -> tuple[Path, dict]:
    """The archive to measure, and the figures of a fresh import of N reports."""
    db = workdir / f"archive-{n}.db"
    jsonl = ensure_jsonl(workdir, n)
    if reuse and db.exists():
        log(f"  reusing {db}; a fresh import into a scratch archive for the import rate")
        scratch = workdir / f"import-{n}.db"
        figures = run_child("import", workdir, db=scratch, jsonl=jsonl)
        store.remove_archive(scratch)
    else:
        log(f"  importing into {db}")
        figures = run_child("import", workdir, db=db, jsonl=jsonl)
    if "error" not in figures:
        log(f"  imported {fmt_n(figures['written'])} reports in {figures['seconds']:.1f} s")
    return db, figures


def bench_size(n: int, args) -> dict:
    """Every measurement at one N."""
    workdir: Path = args.workdir
    started = perf_counter()
    tree = source_tree()
    log(f"== N = {fmt_n(n)}")
    db, imported = prepare_archive(workdir, n, args.reuse)
    figures: dict = {"n": n, "import": imported, "archive_mb": store.archive_mb(db)}
    log("  launch")
    figures["launch"] = [run_child("launch", workdir, db=db) for _ in range(args.launches)]
    log("  search, debounce as shipped")
    figures["search"] = run_child("search", workdir, db=db, reps=args.search_reps)
    log("  search, debounce set to 1 ms")
    figures["search_no_debounce"] = run_child("search", workdir, db=db, reps=args.search_reps, debounce=0.001)
    log("  End, sort, ACCESS through the app")
    figures["navigate"] = run_child("navigate", workdir, db=db, reps=args.app_access_samples)
    rows = min(n, args.baseline_cap)
    log(f"  baseline: stock DataTable with {fmt_n(rows)} rows")
    figures["baseline"] = run_child("baseline", workdir, db=db, rows=rows)
    log("  store, directly")
    try:
        figures["store"] = store.bench_store(db, args.access_samples)
    except Exception as error:  # the store is being changed meanwhile: report, carry on
        figures["store"] = {"error": f"store: {type(error).__name__}: {error}"}
    if args.terminal:
        figures["terminal"] = terminal.bench_terminal(
            db, ensure_jsonl(workdir, n), n, args.terminal_runs, args.baseline_cap
        )
    if args.sessions:
        try:
            figures["sessions"] = sessions.bench_sessions(db, args.sessions, workdir)
        except Exception as error:  # a session that failed to start says why above
            figures["sessions"] = {"error": f"sessions: {type(error).__name__}: {error}"}
    figures["seconds"] = perf_counter() - started
    figures["machine"] = machine(tree, source_tree())
    (workdir / f"results-{n}.json").write_text(json.dumps(figures, indent=1))
    log(f"  N = {fmt_n(n)} took {figures['seconds']:.0f} s")
    return figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(PACKAGE_DOC or "").splitlines()[0],
    )
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        default=[10_000, 100_000],
        metavar="N",
        help="archive sizes to measure (default: 10000 100000)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/tui-archive-bench"),
        help="where generated JSON Lines and archives are cached",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure an existing archive-N.db in the workdir instead of the fresh import",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the tables from the workdir's results-N.json, measuring nothing",
    )
    parser.add_argument("--launches", type=int, default=3, help="launches to take the median of")
    parser.add_argument("--search-reps", type=int, default=3, help="times each term is typed")
    parser.add_argument("--app-access-samples", type=int, default=10, help="reports opened in the app")
    parser.add_argument("--access-samples", type=int, default=200, help="store.access calls timed")
    parser.add_argument(
        "--sessions",
        type=int,
        default=0,
        metavar="S",
        help="also run S app sessions at once on the archive, with view counters and an import beside them",
    )
    parser.add_argument(
        "--terminal",
        action="store_true",
        help="also measure the installed command in tmux, beside the stock DataTable and VisiData",
    )
    parser.add_argument("--terminal-runs", type=int, default=5, help="launches in tmux per program")
    parser.add_argument("--baseline-cap", type=int, default=100_000, help="most rows given to the DataTable")
    # Used when this command runs itself as a child process for one group of measurements.
    for name in ("--child", "--out", "--db", "--jsonl", "--sync"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--debounce", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--think", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.workdir = args.workdir.resolve()  # the children run from the repository's root
    return args


def compile_package() -> None:
    """The package's bytecode, as ``pip install`` writes it: every launch and ``tui-archive show``
    is timed as installed. From a checkout with PYTHONDONTWRITEBYTECODE set, each would compile
    the package's source again: ``show`` at 1M took 0.16 s of CPU that way against 0.13 s
    (medians of 8 paired runs)."""
    import compileall

    import tui_archive

    compileall.compile_dir(str(Path(tui_archive.__file__).parent), quiet=1)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        run_as_child(args)
        return
    if args.report_only:
        for n in args.sizes:
            figures = json.loads((args.workdir / f"results-{n}.json").read_text())
            print(f"Machine: {figures['machine']}\n")
            print_table(figures)
            if "terminal" in figures:
                terminal.print_terminal(figures["terminal"], n)
        print_notes()
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    compile_package()
    started = perf_counter()
    for n in args.sizes:
        figures = bench_size(n, args)
        print(f"Machine: {figures['machine']}\n")
        print_table(figures)
        if "terminal" in figures:
            terminal.print_terminal(figures["terminal"], n)
    print_notes()
    log(f"all done in {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
