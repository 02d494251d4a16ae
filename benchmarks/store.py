"""The import rate and the store called directly, without the app.

Nothing here imports tui_archive at module level: the launch measurement
counts the time to import the app, in a process that has not imported it yet.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import replace
from pathlib import Path
from time import perf_counter

from . import generate
from .common import PAGE, log, proc_status_mb


def timed(call, repeats: int = 3) -> float:
    """Median seconds of ``call()`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = perf_counter()
        call()
        times.append(perf_counter() - start)
    return statistics.median(times)


def archive_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def remove_archive(path: Path) -> None:
    for file in archive_files(path):
        file.unlink(missing_ok=True)


def archive_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in archive_files(path) if f.exists()) / 1e6


def child_import(args) -> dict:
    """A fresh import of the JSON Lines file: time of import_files, peak RSS, file size."""
    from tui_archive.core.importers import import_files
    from tui_archive.core.store import Store


    db = Path(args.db)
    remove_archive(db)
    store = Store(db)
    reported = [0]

    def progress(done: int, total: int) -> None:
        percent = done * 100 // max(1, total)
        if percent >= reported[0] + 20:
            reported[0] = percent
            log(f"    import {percent}%")

    start = perf_counter()
    result = import_files(store, [args.jsonl], progress=progress)
    seconds = perf_counter() - start
    start = perf_counter()
    store.close()
    return {
        "written": result.written,
        "seconds": seconds,
        "close_s": perf_counter() - start,
        "peak_rss_mb": proc_status_mb("VmHWM"),
        "size_mb": archive_mb(db),
    }


RELATED_SAMPLES = 20


def related_figures(store, n: int, samples: int = RELATED_SAMPLES) -> dict:
    """Reports like one, for ``samples`` reports at random, each read once as a new search would:
    the first page of ``related:ID`` (words read from the archive, then ranked), and
    ``tui-archive related ID``'s ten (the words, then the ten)."""
    from tui_archive.core.listing import Listing

    rng = random.Random(5)
    page, top = [], []
    for _ in range(samples):
        report_id = f"RPT-{rng.randint(1, n)}"
        start = perf_counter()
        store.window(Listing(text=f"related:{report_id}"), 0, PAGE, brief=True)
        page.append(perf_counter() - start)
        start = perf_counter()
        listing = store.related_listing(report_id)
        if listing is not None:
            list(store.iter_listing(listing, limit=10))
        top.append(perf_counter() - start)
    return {"page": page, "cli": top}


def bench_store(db: Path, access_samples: int) -> dict:
    """The store called directly: windows per sort and per term, count, categories, access."""
    from tui_archive.core.listing import SORTS, Listing
    from tui_archive.core.store import Store


    store = Store(db, create=False)

    def pages(listing: Listing, total: int) -> dict:
        middle, last = total // 2, max(0, total - PAGE)
        return {
            "first": timed(lambda: store.window(listing, 0, PAGE)),
            "middle": timed(lambda: store.window(listing, middle, PAGE)),
            "last": timed(lambda: store.window(listing, last, PAGE)),
            # The store may read a window near the end backwards when told the total.
            "middle_total": timed(lambda: store.window(listing, middle, PAGE, total=total)),
            "last_total": timed(lambda: store.window(listing, last, PAGE, total=total)),
        }

    def typed_prefix(prefix: str) -> float:
        """First page of a prefix as the app asks while typing (last word as a prefix), once."""
        return timed(lambda: store.window(Listing(text=prefix, typing=True), 0, PAGE), 1)

    def term_figures(term: str) -> dict:
        listing = Listing(text=term)
        matches = store.count(listing)
        return {
            "term": term,
            "matches": matches,
            **pages(listing, matches),
            "first_by_date": timed(lambda: store.window(replace(listing, sort="date"), 0, PAGE)),
            "typed": [(term[:k], typed_prefix(term[:k])) for k in range(1, len(term) + 1)],
            "count": timed(lambda: store.count(listing)),
            "categories": timed(lambda: store.categories(listing)),
        }

    result: dict = {"takes_total": True, "sorts": {}, "terms": {}}
    n = store.count(Listing())
    for sort in SORTS:
        log(f"    store: sort by {sort}")
        result["sorts"][sort] = pages(Listing(sort=sort), n)
    result["count"] = timed(lambda: store.count(Listing()))
    result["categories"] = timed(lambda: store.categories(Listing()))
    for kind, term in generate.terms().items():
        log(f"    store: {kind} term {term!r}")
        result["terms"][kind] = term_figures(term)
    log("    store: related reports")
    result["related"] = related_figures(store, n)
    rng = random.Random(3)
    times = []
    for _ in range(access_samples):
        report_id = f"RPT-{rng.randint(1, n)}"
        start = perf_counter()
        store.access(report_id)
        times.append(perf_counter() - start)
    result["access"] = times
    store.close()
    return result
