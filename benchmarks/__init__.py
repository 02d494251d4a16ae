"""Benchmark tui-archive at N reports: import, the app headless, the store, and the stock DataTable.

Run by hand from the repository's root (never by CI):

    .venv/bin/python -m benchmarks                        # N = 10,000 and 100,000
    .venv/bin/python -m benchmarks 1000000 --reuse        # keep the 1M archive between runs
    .venv/bin/python -m benchmarks 2000 --workdir /tmp/bench-small --launches 1 --search-reps 1

For each N it generates N synthetic reports as JSON Lines (:mod:`benchmarks.generate`,
cached in --workdir), imports them into a fresh archive (the import rate), then
measures the real app under ``App.run_test(size=(120, 32))``, one subprocess per
group of measurements so that each RSS is the app's own:

- launch: from opening the Store and creating the app to the first row in the
  table (and to the first row painted, and to the count), and RSS after load;
- search: typing rare, medium and common terms key by key into the search box,
  the time from each key press until the table holds that prefix's results;
  once with the toolbar's debounce as shipped (40 ms), once with it set to 1 ms
  (Textual's timers need a delay above 0);
- navigate: End (to the last row loaded), a change of sort (``s``, to the first
  row of the new order loaded), ACCESS through the app (Enter until the view
  count in the table rises);
- baseline: Textual's stock DataTable given the same rows with ``add_rows``
  (at most --baseline-cap of them), until its first row is painted.

The store is also timed directly (first, middle and last pages per sort, count,
categories, each search term, and ``access``). Progress goes to stderr; the
Markdown table goes to stdout, ready for the README. Raw figures are written to
``<workdir>/results-<N>.json``.

The app is read only through what it exposes: the report table's ``generation``,
``drawn_generation``, ``counted``, ``row_count``, ``report_at()`` and
``held_rows``, the status line's ``total``, and the toolbar's ``SEARCH_DEBOUNCE``.

A reused archive (--reuse) still gets a fresh import for the import rate (into a
scratch file, deleted after). ``access`` counts real views in the benchmark
archive, so its view counts drift a little from run to run.

Modules: :mod:`benchmarks.app` (the app headless and the DataTable baseline),
:mod:`benchmarks.store` (the import and the store called directly),
:mod:`benchmarks.report` (the Markdown table), :mod:`benchmarks.generate`
(the synthetic reports), and ``__main__`` (the command line).
"""
