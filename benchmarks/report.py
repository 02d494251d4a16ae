"""The figures as a Markdown table: percentiles, targets, the machine and commit line, and the notes."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .common import PAGE, SIZE

ROOT = Path(__file__).resolve().parent.parent

# The targets (at 1,000,000 reports on 2 cores): (text, check of a figure).
TARGETS = {
    "import": ("≥ 30,000 reports/s", lambda rate: rate >= 30_000),
    "launch": ("≤ 0.5 s", lambda s: s <= 0.5),
    "rss": ("≤ 100 MB", lambda mb: mb <= 100),
    "search": ("p95 ≤ 150 ms", lambda s: s <= 0.150),
    "search_common": ("p95 ≤ 300 ms", lambda s: s <= 0.300),
    "end": ("≤ 50 ms", lambda s: s <= 0.050),
    "sort": ("≤ 100 ms", lambda s: s <= 0.100),
    "access": ("≤ 5 ms", lambda s: s <= 0.005),
    "sessions_views": ("every view counted, no error", lambda lost: lost == 0),
    "sessions_latency": ("p95 ≤ 1.5× a lone session's", lambda ratio: ratio <= 1.5),
    "sessions_idle": ("< 5% of one core", lambda pct: pct < 5),
    "sessions_rss": ("< 60 MB each", lambda mb: mb < 60),
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating between the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    ms = seconds * 1000
    if ms >= 10:
        return f"{ms:.0f} ms"
    if ms >= 1:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def fmt_n(n: int) -> str:
    return f"{n:,}"


@dataclass
class Line:
    what: str
    n: int
    figure: str
    target: str = "—"


def with_target(key: str, value: float, text: str) -> tuple[str, str]:
    target, meets = TARGETS[key]
    return f"{text} {'✓' if meets(value) else '✗'}", target


def report_lines(f: dict) -> tuple[list[Line], list[str]]:
    """Table lines and the errors met, for one N."""
    n = f["n"]
    lines: list[Line] = []
    errors: list[str] = []

    def failed(part) -> bool:
        parts = part if isinstance(part, list) else [part]
        bad = [p["error"] for p in parts if "error" in p]
        errors.extend(bad)
        return bool(bad)

    imp = f["import"]
    if not failed(imp):
        rate = imp["written"] / imp["seconds"]
        lines.append(
            Line(
                "import incl. full-text index (JSON Lines)",
                n,
                *with_target(
                    "import",
                    rate,
                    f"{rate:,.0f} reports/s ({imp['seconds']:.1f} s, peak RSS {imp['peak_rss_mb']:.0f} MB, "
                    f"{imp['size_mb']:,.0f} MB file)",
                ),
            )
        )

    launches = [x for x in f["launch"] if "error" not in x]
    failed(f["launch"])
    if launches:
        first = statistics.median(x["first_row_s"] for x in launches)
        painted = statistics.median(x["first_row_painted_s"] for x in launches)
        count = statistics.median(x["counted_s"] for x in launches)
        lines.append(
            Line(
                f"launch to first row (median of {len(launches)})",
                n,
                *with_target(
                    "launch",
                    first,
                    f"{fmt_s(first)} in table, {fmt_s(painted)} painted; count in at {fmt_s(count)} "
                    f"(before: {fmt_s(statistics.median(x['imports_s'] for x in launches))} importing the app)",
                ),
            )
        )
        rss = statistics.median(x["rss_mb"] for x in launches)
        lines.append(Line("RSS after load", n, *with_target("rss", rss, f"{rss:.0f} MB")))

    for key in ("search", "search_no_debounce"):
        search = f[key]
        if failed(search):
            continue
        debounce_ms = round(search.get("debounce_s", 0.08) * 1000)
        label = f"incl. {debounce_ms} ms debounce" if key == "search" else "debounce patched to 1 ms"
        for kind, samples in search["samples"].items():
            values = [seconds for _, seconds in samples]
            slowest, worst = max(samples, key=lambda sample: sample[1])
            p95 = percentile(values, 95)
            term = search["terms"][kind]
            lines.append(
                Line(
                    f"search per keystroke, {kind} term '{term}', {label}",
                    n,
                    *with_target(
                        "search_common" if kind == "common" else "search",
                        p95,
                        f"p50 {fmt_s(percentile(values, 50))} · p95 {fmt_s(p95)} · max {fmt_s(worst)} at "
                        f"'{slowest}' ({len(values)} keys)",
                    ),
                )
            )
        if key == "search_no_debounce":
            lines.append(
                Line(
                    "search, last key to count and categories in (1 ms debounce)",
                    n,
                    " · ".join(f"{kind} {fmt_s(statistics.median(v))}" for kind, v in search["counted_after"].items()),
                )
            )

    nav = f["navigate"]
    if not failed(nav):
        worst_end = max(nav["end"])
        cold = " (the session's first End)" if nav["end"].index(worst_end) == 0 else ""
        lines.append(
            Line(
                f"End to the last row loaded ({len(nav['end'])} sorts)",
                n,
                *with_target(
                    "end",
                    worst_end,
                    f"median {fmt_s(statistics.median(nav['end']))} · max {fmt_s(worst_end)}{cold}; "
                    f"at most {fmt_n(nav['max_held_rows'])} rows held",
                ),
            )
        )
        worst_sort = max(nav["sort"])
        lines.append(
            Line(
                f"change of sort, `s` to first row ({len(nav['sort'])} sorts)",
                n,
                *with_target(
                    "sort", worst_sort, f"median {fmt_s(statistics.median(nav['sort']))} · max {fmt_s(worst_sort)}"
                ),
            )
        )
        lines.append(
            Line(
                "ACCESS in the app: Enter until the table's views rise",
                n,
                f"p50 {fmt_s(percentile(nav['access'], 50))} · p95 {fmt_s(percentile(nav['access'], 95))} "
                f"({len(nav['access'])} reports)",
            )
        )

    store = f["store"]
    if not failed(store):
        lines += store_lines(store, n)

    base = f["baseline"]
    if not failed(base):
        figure = (
            f"{fmt_s(base['first_row_painted_s'])} to first row painted, RSS {base['rss_mb']:.0f} MB "
            f"({fmt_n(base['rows'])} rows)"
        )
        if launches:
            ours = statistics.median(x["first_row_painted_s"] for x in launches)
            ours_rss = statistics.median(x["rss_mb"] for x in launches)
            ratio = base["first_row_painted_s"] / ours
            figure += (
                f"; {ratio:,.{0 if ratio >= 10 else 1}f}× our time to first row painted "
                f"and {base['rss_mb'] / ours_rss:.1f}× our RSS at N = {fmt_n(n)}"
            )
        lines.append(Line("baseline: stock Textual DataTable, add_rows", n, figure))
    if "sessions" in f and not failed(f["sessions"]):
        lines += session_lines(f["sessions"], n)
    return lines, errors


def _samples(figures: dict, kind: str) -> str:
    count = figures.get("searches" if kind == "search" else "pages")
    return "?" if count is None else f"{count:,}"


def session_lines(figures: dict, n: int) -> list[Line]:
    """Many sessions on one archive, beside a lone one (see benchmarks/sessions.py)."""
    alone, together = figures["alone"], figures["together"]
    s = together["sessions"]
    lost = together["views_asked"] - together["views_counted"] + together["error_count"] + len(together["failures"])
    lines = [
        Line(
            f"{s} sessions + 10 view counters + an import: views",
            n,
            *with_target(
                "sessions_views",
                lost,
                f"{together['views_counted']:,} counted of {together['views_asked']:,} asked, "
                f"{together['error_count']} errors ({together['finished']}/{s} sessions finished)",
            ),
        )
    ]
    for kind in ("search", "page"):
        ratio = together[f"{kind}_p95_s"] / alone[f"{kind}_p95_s"]
        lines.append(
            Line(
                f"{s} sessions: {kind} p95"
                + (" (a pasted word to its rows)" if kind == "search" else " (PageDown to its rows)"),
                n,
                *with_target(
                    "sessions_latency",
                    ratio,
                    f"{fmt_s(together[f'{kind}_p95_s'])} vs {fmt_s(alone[f'{kind}_p95_s'])} alone ({ratio:.2f}×; "
                    f"{_samples(together, kind)} and {_samples(alone, kind)} samples)",
                ),
            )
        )
    if "search_p95_during_import_s" in together:
        lines.append(
            Line(
                f"{s} sessions: p95 while the import ran · after it",
                n,
                f"search {fmt_s(together['search_p95_during_import_s'])} · "
                f"{fmt_s(together['search_p95_after_import_s'])}, page "
                f"{fmt_s(together['page_p95_during_import_s'])} · {fmt_s(together['page_p95_after_import_s'])} "
                f"(the import took {together['import_s']:.1f} s)",
            )
        )
    lines.append(
        Line(
            f"{s} idle sessions (headless), CPU together",
            n,
            *with_target("sessions_idle", together["idle_core_pct"], f"{together['idle_core_pct']:.1f}% of one core"),
        )
    )
    active = together.get("active_cpu_s")
    if active:
        lines.append(
            Line(
                f"{s} sessions: CPU in the active minute (2 cores give {2 * active['seconds']:.0f} s)",
                n,
                f"sessions {active['sessions']:.1f} s, `show` processes and the import "
                f"{active['show_and_import']:.1f} s",
            )
        )
    terminals = figures.get("terminals")
    if terminals:
        pct = terminals["idle_core_pct"]
        lines.append(
            Line(
                f"{terminals['sessions']} idle sessions in tmux (the installed command), CPU together",
                n,
                *with_target(
                    "sessions_idle", pct, f"{pct:.1f}% of one core (RSS median {terminals['rss_mb_median']:.0f} MB)"
                ),
            )
        )
    lines.append(
        Line(
            f"{s} sessions, RSS each",
            n,
            *with_target(
                "sessions_rss",
                together["rss_mb_max"],
                f"median {together['rss_mb_median']:.0f} MB, max {together['rss_mb_max']:.0f} MB",
            ),
        )
    )
    return lines


def store_lines(store: dict, n: int) -> list[Line]:
    """The lines for the store called directly."""
    lines: list[Line] = []
    access = store["access"]
    p95 = percentile(access, 95)
    lines.append(
        Line(
            f"ACCESS: store.access (view counted), {len(access)} reports",
            n,
            *with_target("access", p95, f"p50 {fmt_s(percentile(access, 50))} · p95 {fmt_s(p95)}"),
        )
    )

    def pages(x: dict) -> str:
        text = f"first {fmt_s(x['first'])} · middle {fmt_s(x['middle'])} · last {fmt_s(x['last'])}"
        if "last_total" in x:
            text += f" (given the total: middle {fmt_s(x['middle_total'])} · last {fmt_s(x['last_total'])})"
        return text

    for sort, x in store["sorts"].items():
        lines.append(Line(f"store: window of {PAGE}, sorted by {sort}", n, pages(x)))
    lines.append(
        Line("store: count · categories, whole archive", n, f"{fmt_s(store['count'])} · {fmt_s(store['categories'])}")
    )
    if "related" in store:
        for key, what in (("page", f"first page of related:ID ({PAGE} rows)"), ("cli", "tui-archive related ID (10)")):
            times = sorted(store["related"][key])
            lines.append(
                Line(
                    f"store: {what}, {len(times)} reports at random",
                    n,
                    f"min {fmt_s(times[0])} · median {fmt_s(statistics.median(times))} · max {fmt_s(times[-1])}",
                    "< 200 ms",
                )
            )
    for kind, x in store["terms"].items():
        lines.append(
            Line(
                f"store: {kind} term '{x['term']}' ({fmt_n(x['matches'])} matches), best match",
                n,
                f"{pages(x)} · by date: first {fmt_s(x['first_by_date'])} · count {fmt_s(x['count'])} "
                f"· categories {fmt_s(x['categories'])}",
            )
        )
        if x.get("typed"):
            lines.append(
                Line(
                    f"store: first page for each prefix typed of '{x['term']}' (as a prefix, best match)",
                    n,
                    " · ".join(f"'{prefix}' {fmt_s(seconds)}" for prefix, seconds in x["typed"]),
                )
            )
    return lines


def source_tree() -> str:
    """The commit of the code measured, and whether tui_archive/ differs from it."""

    def git(*command: str) -> str:
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    try:
        dirty = git("status", "--porcelain", "--", "tui_archive")
        return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if dirty else "")
    except OSError:
        return "unknown"


def machine(tree_before: str, tree_after: str) -> str:
    """The date, CPUs, system, Python, SQLite, Textual and the commit measured, on one line."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual

    tree = f"tui-archive at {tree_before}"
    if tree_after != tree_before:  # another developer committed or edited during the run
        tree += f", changed to {tree_after} during the run"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · {cpus} CPUs ({model}) · "
        f"{platform.system()} {platform.release()} · Python {platform.python_version()} · "
        f"SQLite {sqlite3.sqlite_version} · Textual {textual.__version__} · {tree}"
    )


def print_table(figures: dict) -> None:
    lines, errors = report_lines(figures)
    print(
        f"### N = {fmt_n(figures['n'])} (run took {figures['seconds']:.0f} s, "
        f"archive {figures['archive_mb']:,.0f} MB)\n"
    )
    print("| what | N | figure | target |")
    print("|---|---:|---|---|")
    for line in lines:
        print(f"| {line.what} | {fmt_n(line.n)} | {line.figure} | {line.target} |")
    for error in errors:
        print(f"\n**Not measured**: {error}")
    print(flush=True)


def print_notes() -> None:
    print(
        "Targets are the issue's, for 1,000,000 reports on 2 cores; ✓/✗ compare each figure with them. "
        f"App figures are from `App.run_test(size={SIZE})`, headless, one process per group. "
        "'In table' means the ReportTable holds the row; 'painted' means the table has drawn a row "
        "of that listing (both polled every 5 ms). A search keystroke counts from the key press until "
        "the table holds that prefix's first page; the count and categories follow later. The next key "
        "goes once pilot.press has seen the app idle after the previous one (at most ~2 s later), so the "
        "previous prefix's count may still be running, or not. End and "
        "sort are measured once the count is in; End, once per sort order. The baseline's rows are "
        "read from the archive before its clock starts. Each child process imports tui_archive as it "
        "is on disk when it starts."
    )
