"""The archive file and every query the app runs on it (tui_archive.store)."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlite_utils

from tui_archive.core import listing as listing_module
from tui_archive.core import store as store_module
from tui_archive.core.errors import ArchiveError
from tui_archive.core.importers import import_files
from tui_archive.core.listing import RELEVANCE, SORTS, Listing
from tui_archive.core.model import Category
from tui_archive.core.schema import SCHEMA_VERSION
from tui_archive.core.store import Store

from .helpers import SEED_IDS, make_store

pytestmark = pytest.mark.unit


def ids(reports) -> list[str]:
    return [report.id for report in reports]


def found(store: Store, text: str, **kwargs) -> list[str]:
    return ids(store.window(Listing(text=text, **kwargs), 0, 1000))


# -- a small archive with ties in every sort key -------------------------------------

RECORDS = [
    {"id": "R01", "title": "alpha", "category": "Energy", "date": "2024-01-01", "views": 3},
    {"id": "R02", "title": "ALPHA", "category": "Metals", "date": "2024-01-01", "views": 0},
    {"id": "R03", "title": "Bravo", "category": "agriculture", "date": "2022-06-30", "views": 3},
    {"id": "R04", "title": "charlie", "category": "Energy", "date": "2025-03-15", "views": 10},
    {"id": "R05", "title": "Delta", "category": "Metals", "date": "2024-01-01", "views": 0},
    {"id": "R06", "title": "bravo", "category": "Energy", "date": "2021-12-31", "views": 7},
    {"id": "R07", "title": "echo", "category": "agriculture", "date": "2025-03-15", "views": 3},
    {"id": "R08", "title": "Alpha", "category": "Rare Earths", "date": "2023-05-05", "views": 1},
    {"id": "R09", "title": "foxtrot", "category": "Metals", "date": "2020-02-02", "views": 10},
    {"id": "R10", "title": "Echo", "category": "Rare Earths", "date": "2023-05-05", "views": 0},
    {"id": "R11", "title": "golf", "category": "Energy", "date": "2024-01-01", "views": 2},
    {"id": "R12", "title": "delta", "category": "Rare Earths", "date": "2019-09-09", "views": 3},
]

# How the user expects each key to compare (NOCASE folds ASCII letters only; the data is ASCII).
KEYS = {
    "date": lambda r: r["date"],
    "title": lambda r: r["title"].lower(),
    "category": lambda r: r["category"].lower(),
    "views": lambda r: r["views"],
    "id": lambda r: r["id"],
}
NATURALLY_DESCENDING = {"date": True, "views": True, "title": False, "category": False, "id": False}


def expected_order(records, sort: str, reverse: bool) -> list[str]:
    ascending = [r["id"] for r in sorted(records, key=lambda r: (KEYS[sort](r), r["id"]))]
    descending = NATURALLY_DESCENDING[sort] != reverse
    return ascending[::-1] if descending else ascending


@pytest.fixture
def sorts_store(tmp_path):
    store = make_store(tmp_path / "sorts.db", RECORDS)
    yield store
    store.close()


# -- schema -----------------------------------------------------------------------------


def test_reports_table_has_the_documented_columns(empty_store):
    conn = sqlite3.connect(empty_store.path)
    columns = {row[1]: row for row in conn.execute("PRAGMA table_info(reports)")}
    conn.close()
    assert list(columns) == ["id", "title", "category", "date", "views", "summary", "body", "url"]
    # cid, name, type, notnull, dflt_value, pk
    assert columns["id"][2] == "TEXT" and columns["id"][5] == 1
    assert all(columns[name][5] == 0 for name in columns if name != "id")
    for name in ("title", "category", "date", "summary", "body", "url"):
        assert columns[name][2] == "TEXT", name
    assert columns["views"][2] == "INTEGER"
    assert columns["views"][4] == "0"


def test_a_row_written_without_views_gets_zero(empty_store):
    conn = sqlite3.connect(empty_store.path)
    conn.execute("INSERT INTO reports (id, title) VALUES ('X1', 'No views given')")
    conn.commit()
    conn.close()
    assert empty_store.get("X1").views == 0


def test_new_archive_has_schema_version_wal_and_default_name(empty_store):
    conn = sqlite3.connect(empty_store.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"reports", "reports_fts", "archive_meta"} <= tables
    assert empty_store.name() == store_module.DEFAULT_NAME


def test_archive_name_is_kept_in_archive_meta(tmp_path):
    path = tmp_path / "named.db"
    store = Store(path)
    store.set_name("Field Notes")
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM archive_meta WHERE key = 'name'").fetchall() == [("Field Notes",)]
    conn.close()
    reopened = Store(path)
    assert reopened.name() == "Field Notes"
    reopened.close()


def test_committed_archive_copy_is_current(committed_store):
    conn = sqlite3.connect(committed_store.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert committed_store.name() == "Global Analysis Archive"


def _window_sql(store: Store, listing: Listing) -> str:
    """The SQL store.window really runs for ``listing`` (values bound in)."""
    statements: list[str] = []
    with store.connection() as conn:
        conn.set_trace_callback(statements.append)
    try:
        store.window(listing, 0, 50)
    finally:
        with store.connection() as conn:
            conn.set_trace_callback(None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert selects, f"could not capture the window SQL: {statements}"
    return selects[-1]


@pytest.mark.parametrize("reverse", [False, True], ids=["natural", "reversed"])
@pytest.mark.parametrize("sort", list(SORTS))
def test_every_sort_reads_an_index_and_never_sorts_in_a_temp_btree(sorts_store, sort, reverse):
    sql = _window_sql(sorts_store, Listing(sort=sort, reverse=reverse))
    with sorts_store.connection() as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert any("USING INDEX" in step or "USING COVERING INDEX" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)


def test_default_order_within_a_category_uses_an_index(sorts_store):
    sql = _window_sql(sorts_store, Listing(category="Energy"))
    with sorts_store.connection() as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert any("INDEX" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)


# -- other programs open the file ----------------------------------------------------------


def test_file_opens_with_sqlite_utils(store):
    db = sqlite_utils.Database(store.path)
    try:
        assert {"reports", "reports_fts", "archive_meta"} <= set(db.table_names())
        assert db["reports"].count == 4
        assert db["reports"].detect_fts() == "reports_fts"
        assert [row["id"] for row in db["reports"].search("Malaysian")] == ["RPT-1045"]
    finally:
        db.close()


# -- full-text index kept in sync with writes from anywhere ----------------------------------


def _fts_integrity_check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def test_rows_written_by_plain_sqlite3_are_searchable(store):
    conn = sqlite3.connect(store.path)
    conn.execute(
        "INSERT INTO reports (id, title, summary, body) VALUES (?, ?, ?, ?)",
        ["X1", "Okapi census", "Giraffes of the forest", "Counted by drones"],
    )
    conn.commit()
    assert found(store, "okapi ") == ["X1"]
    assert found(store, "giraffes ") == ["X1"]
    assert found(store, "drones ") == ["X1"]
    assert store.count(Listing(text="okapi ")) == 1

    conn.execute("UPDATE reports SET title = 'Zebra census' WHERE id = 'X1'")
    conn.commit()
    assert found(store, "okapi ") == []
    assert found(store, "zebra ") == ["X1"]

    conn.execute("UPDATE reports SET summary = 'Stripes of the plains' WHERE id = 'X1'")
    conn.commit()
    assert found(store, "giraffes ") == []
    assert found(store, "stripes ") == ["X1"]

    conn.execute("DELETE FROM reports WHERE id = 'X1'")
    conn.commit()
    conn.close()
    assert found(store, "zebra ") == []
    assert found(store, "stripes ") == []
    assert store.count(Listing(text="zebra ")) == 0
    _fts_integrity_check(store.path)


def test_rows_written_by_sqlite_utils_are_searchable(store):
    db = sqlite_utils.Database(store.path)
    db["reports"].insert({"id": "X2", "title": "Lithium brine outlook", "summary": "Salar evaporation"})
    assert found(store, "lithium ") == ["X2"]
    assert found(store, "salar ") == ["X2"]
    db["reports"].upsert({"id": "X2", "title": "Cobalt outlook"}, pk="id")
    assert found(store, "lithium ") == []
    assert found(store, "cobalt ") == ["X2"]
    assert found(store, "salar ") == ["X2"]
    db["reports"].delete("X2")
    db.close()
    assert found(store, "cobalt ") == []
    assert store.count() == 4
    _fts_integrity_check(store.path)


def test_the_archive_count_stays_exact_whatever_other_programs_write(tmp_path):
    """The whole archive's count (read from the full-text index's record of its size) against
    count(*), from empty, through rows of every kind other programs write, across sizes whose
    numbers take one, two and three bytes in that record."""
    store = Store(tmp_path / "a.db")
    assert store.count() == 0
    db = sqlite_utils.Database(store.path)
    odd = [
        {"id": None, "title": "no ID", "summary": None},
        {"id": 42, "title": 7.5, "summary": b"\x00\xff", "category": b"bin"},
        {"id": "EMPTY", "title": "", "summary": ""},
    ]
    db["reports"].insert_all(odd)
    assert store.count() == 3
    db["reports"].insert_all({"id": f"N-{i}", "title": f"Note {i}"} for i in range(200))
    assert store.count() == 203
    db["reports"].insert_all({"id": f"M-{i}", "title": "x"} for i in range(16_400))
    assert store.count() == 16_603
    conn = sqlite3.connect(store.path)
    conn.execute("DELETE FROM reports WHERE id LIKE 'M-%' AND rowid % 3 = 0")
    conn.execute("UPDATE reports SET views = 5, title = 'renamed' WHERE id LIKE 'N-%'")
    conn.commit()
    actual = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert store.count() == actual < 16_603
    conn.execute("DELETE FROM reports")
    conn.commit()
    conn.close()
    db.close()
    assert store.count() == 0
    store.close()


def test_counting_a_view_is_a_one_row_write(store):
    conn = sqlite3.connect(store.path, isolation_level=None)
    before = conn.total_changes
    conn.execute("UPDATE reports SET views = views + 1 WHERE id = 'RPT-363'")
    assert conn.total_changes - before == 1

    # Changing an indexed column does go through the FTS trigger ...
    before = conn.total_changes
    conn.execute("UPDATE reports SET title = 'Tungsten supply' WHERE id = 'RPT-363'")
    assert conn.total_changes - before > 1
    conn.close()
    # ... so the new title is searchable and the old one is not.
    assert found(store, "tungsten ") == ["RPT-363"]
    assert "RPT-363" not in found(store, "diversification challenging ")


def _fts_shadow(path: Path) -> tuple[list, list, list]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM reports_fts_data ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM reports_fts_idx ORDER BY segid, term").fetchall(),
            conn.execute("SELECT * FROM reports_fts_docsize ORDER BY id").fetchall(),
        )
    finally:
        conn.close()


def test_access_leaves_the_full_text_index_untouched(store):
    before = _fts_shadow(store.path)
    for _ in range(3):
        store.access("RPT-1279")
    assert store.get("RPT-1279").views == 3
    assert _fts_shadow(store.path) == before

    with store.writer() as writer:
        writer.upsert({"id": "RPT-1279", "title": "Magnet moat, retitled"})
    assert _fts_shadow(store.path) != before
    assert found(store, "retitled ") == ["RPT-1279"]


# -- search ------------------------------------------------------------------------------------


def test_search_words_are_all_required(store):
    assert found(store, "Malaysian ") == ["RPT-1045"]
    assert found(store, "China Malaysian ") == ["RPT-1045"]
    assert found(store, "Malaysian GlobalData ") == []
    assert sorted(found(store, "GlobalData ")) == ["RPT-280"]


def test_search_ignores_case_and_accents(store):
    assert found(store, "MALAYSIAN ") == ["RPT-1045"]
    assert found(store, "Malaysián ") == ["RPT-1045"]


def test_search_quoted_phrase_must_match_as_written(store):
    assert sorted(found(store, '"processing grip"')) == ["RPT-280", "RPT-363"]
    assert found(store, '"grip processing"') == []
    # The same words unquoted match in any order.
    assert sorted(found(store, "grip processing ")) == ["RPT-280", "RPT-363"]


def test_search_hyphenated_and_numeric_words(store):
    assert found(store, "mine-to-magnet ") == ["RPT-1045"]
    assert sorted(found(store, "350,000t ")) == ["RPT-280", "RPT-363"]


def test_search_prefix_with_star(store):
    assert sorted(found(store, "magn* ")) == ["RPT-1045", "RPT-1279"]
    assert found(store, "magn* Malaysian ") == ["RPT-1045"]


def test_last_word_is_a_prefix_while_typing(store):
    assert sorted(found(store, "magn", typing=True)) == ["RPT-1045", "RPT-1279"]
    assert found(store, "Malays", typing=True) == ["RPT-1045"]
    # Once the word is finished (a space typed) it must match whole.
    assert found(store, "magn ", typing=True) == []
    assert found(store, "Malays ", typing=True) == []
    # From a script (not typing) words match whole unless they end in *.
    assert found(store, "Malays") == []
    assert found(store, "Malays*") == ["RPT-1045"]


def test_blank_search_lists_everything(store):
    for text in ("", "   ", "\t"):
        assert ids(store.window(Listing(text=text), 0, 100)) == SEED_IDS


HOSTILE = [
    '"',
    '""',
    '"unterminated phrase',
    "(",
    ")",
    "(magnet",
    "magnet)",
    "*",
    "* *",
    "magnet*)",
    "NEAR",
    "NEAR(",
    "NEAR(rare earth, 2)",
    "AND OR",
    "OR",
    "NOT",
    "rare AND",
    "-",
    "-magnet",
    ":",
    "title:magnet",
    "^",
    "^magnet",
    "'",
    "\\",
    "%_",
    "\x00",
    "{title summary}: magnet",
    "+",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_never_raises(store, text):
    reports = store.window(Listing(text=text), 0, 100)
    assert isinstance(reports, list)
    assert store.count(Listing(text=text)) == len(reports)
    assert isinstance(store.categories(Listing(text=text)), list)


@pytest.mark.parametrize("text", ["(magnet ", "magnet) ", "^magnet ", "magnet: ", "*magnet* "])
def test_syntax_characters_are_treated_as_plain_text(store, text):
    assert sorted(found(store, text)) == sorted(found(store, "magnet "))
    assert found(store, "magnet ")


def test_nothing_searchable_lists_everything(store):
    for text in ("*", "()", '"', "-", "^ :"):
        assert ids(store.window(Listing(text=text), 0, 100)) == SEED_IDS


@pytest.fixture
def relevance_store(tmp_path):
    store = make_store(
        tmp_path / "relevance.db",
        [
            {
                "id": "A",
                "title": "Cobalt",
                "date": "2020-01-01",
                "summary": "Cobalt cobalt cobalt: cobalt refining and cobalt mining.",
            },
            {
                "id": "B",
                "title": "Battery markets",
                "date": "2025-01-01",
                "summary": "A long survey of battery chemistry, nickel, lithium, manganese, graphite,"
                " copper, aluminium, recycling, logistics, pricing, and, briefly, cobalt.",
            },
            {"id": "C", "title": "Unrelated", "date": "2023-01-01", "summary": "Nothing to see here."},
        ],
    )
    yield store
    store.close()


def test_search_orders_best_match_first(relevance_store):
    assert ids(relevance_store.window(Listing(text="cobalt "), 0, 10)) == ["A", "B"]
    assert ids(relevance_store.window(Listing(text="cobalt ", sort=RELEVANCE), 0, 10)) == ["A", "B"]
    assert ids(relevance_store.window(Listing(text="cobalt ", reverse=True), 0, 10)) == ["B", "A"]


def test_equally_good_matches_list_newest_first_in_every_reader(tmp_path):
    """Reports that match equally well come newest first (reversed: oldest first), and the
    list's windows, the cursor's place, an export and the marked reports all agree on it."""
    same = [{"id": f"R{i}", "title": "Note", "summary": "Cobalt prices this week."} for i in range(1, 6)]
    best = {"id": "BEST", "title": "Note", "summary": "Cobalt, cobalt and cobalt."}
    store = make_store(tmp_path / "ties.db", [*same[:2], best, *same[2:]])
    try:
        rowid = {report.id: report.rowid for report in store.window(Listing(), 0, 10)}
        for reverse, expected in (
            (False, ["BEST", "R5", "R4", "R3", "R2", "R1"]),
            (True, ["R1", "R2", "R3", "R4", "R5", "BEST"]),
        ):
            listing = Listing(text="cobalt ", reverse=reverse)
            assert [r.id for offset in (0, 2, 4) for r in store.window(listing, offset, 2, brief=True)] == expected
            assert [r.id for r in store.iter_listing(listing, size=2)] == expected
            with store.session() as session:
                assert [session.position(listing, report_id) for report_id in expected] == list(range(6))
                assert session.position(listing, "nowhere") is None
            marked = [rowid["R2"], rowid["BEST"], rowid["R4"]]
            assert store.listed_order(listing, marked) == [rowid[i] for i in expected if rowid[i] in marked]
    finally:
        store.close()


def test_search_with_an_explicit_sort_uses_that_sort(relevance_store):
    assert ids(relevance_store.window(Listing(text="cobalt ", sort="date"), 0, 10)) == ["B", "A"]
    assert ids(relevance_store.window(Listing(text="cobalt ", sort="id"), 0, 10)) == ["A", "B"]


def test_relevance_without_search_text_means_newest_first(relevance_store):
    assert ids(relevance_store.window(Listing(sort=RELEVANCE), 0, 10)) == ["B", "C", "A"]


# -- sorting, filtering and windows ---------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True], ids=["natural", "reversed"])
@pytest.mark.parametrize("sort", list(SORTS))
def test_each_sort_orders_with_ties_broken_by_id(sorts_store, sort, reverse):
    listing = Listing(sort=sort, reverse=reverse)
    assert ids(sorts_store.window(listing, 0, 100)) == expected_order(RECORDS, sort, reverse)


def test_default_order_is_newest_first(sorts_store, store):
    assert ids(sorts_store.window(Listing(), 0, 100)) == expected_order(RECORDS, "date", False)
    assert ids(store.window(Listing(), 0, 100)) == SEED_IDS


def test_views_sort_puts_most_viewed_first(store):
    assert ids(store.window(Listing(sort="views"), 0, 10)) == ["RPT-280", "RPT-363", "RPT-1279", "RPT-1045"]


def test_category_filter(sorts_store):
    listing = Listing(category="Energy")
    energy = [r for r in RECORDS if r["category"] == "Energy"]
    assert ids(sorts_store.window(listing, 0, 100)) == expected_order(energy, "date", False)
    assert sorts_store.count(listing) == len(energy)
    assert ids(sorts_store.window(Listing(category="Energy", sort="title"), 0, 100)) == expected_order(
        energy, "title", False
    )
    assert sorts_store.window(Listing(category="No such category"), 0, 100) == []
    assert sorts_store.count(Listing(category="No such category")) == 0


def test_category_filter_combines_with_search(sorts_store):
    assert sorted(found(sorts_store, "alpha ")) == ["R01", "R02", "R08"]
    assert found(sorts_store, "alpha ", category="Metals") == ["R02"]
    assert sorts_store.count(Listing(text="alpha ", category="Metals")) == 1


LISTINGS = [
    Listing(),
    Listing(reverse=True),
    *(Listing(sort=sort) for sort in SORTS),
    *(Listing(sort=sort, reverse=True) for sort in SORTS),
    Listing(category="Energy", sort="views"),
    Listing(text="alpha "),
    Listing(text="a"),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=repr)
@pytest.mark.parametrize("size", [1, 5, 7])
def test_windows_concatenate_to_the_full_listing(sorts_store, listing, size):
    full = sorts_store.window(listing, 0, 1000)
    pieces = []
    for offset in range(0, len(full) + size, size):
        pieces += sorts_store.window(listing, offset, size)
    assert pieces == full
    assert sorts_store.count(listing) == len(full)
    assert sorts_store.window(listing, len(full), 10) == []


def test_count_without_listing_counts_everything(sorts_store):
    assert sorts_store.count() == len(RECORDS)


# -- single reports ------------------------------------------------------------------------------


def test_access_counts_one_view_and_returns_the_report(store):
    report = store.access("RPT-280")
    assert report is not None
    assert report.id == "RPT-280"
    assert report.title == "Rare Earths in 2023: China’s Processing Grip Drives a New Diversification Race"
    assert report.views == 2
    assert store.get("RPT-280").views == 2
    assert store.access("RPT-280").views == 3
    # Other reports are left alone.
    assert [store.get(i).views for i in SEED_IDS] == [0, 0, 0, 3]


def test_access_to_a_missing_report_returns_none_and_changes_nothing(store):
    assert store.access("NOPE") is None
    assert store.get("NOPE") is None
    assert [store.get(i).views for i in SEED_IDS] == [0, 0, 0, 1]


def test_concurrent_accesses_are_all_counted(store):
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            for _ in range(per_thread):
                assert store.access("RPT-1045") is not None
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    assert store.get("RPT-1045").views == threads * per_thread


def test_concurrent_accesses_from_two_sessions_are_all_counted(store):
    other = Store(store.path)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker(session: Store):
        try:
            barrier.wait()
            for _ in range(25):
                session.access("RPT-363")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    workers = [threading.Thread(target=worker, args=(s,)) for s in (store, other, store, other)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    other.close()
    assert errors == []
    assert store.get("RPT-363").views == 100


# -- categories ------------------------------------------------------------------------------


def test_categories_with_counts(sorts_store):
    assert sorts_store.categories() == [
        Category("agriculture", 2),
        Category("Energy", 4),
        Category("Metals", 3),
        Category("Rare Earths", 3),
    ]


def test_categories_follow_the_search_text(sorts_store):
    assert sorts_store.categories(Listing(text="alpha ")) == [
        Category("Energy", 1),
        Category("Metals", 1),
        Category("Rare Earths", 1),
    ]
    assert sorts_store.categories(Listing(text="zzzz ")) == []


def test_categories_ignore_the_listings_own_category(sorts_store):
    assert sorts_store.categories(Listing(category="Metals")) == sorts_store.categories()
    assert sorts_store.categories(Listing(text="alpha ", category="Metals")) == sorts_store.categories(
        Listing(text="alpha ")
    )


def test_reports_without_category_are_counted(tmp_path):
    store = make_store(
        tmp_path / "nocat.db",
        [{"id": "1", "title": "a", "category": "X"}, {"id": "2", "title": "b"}, {"id": "3", "title": "c"}],
    )
    try:
        assert store.categories() == [Category(None, 2), Category("X", 1)]
    finally:
        store.close()


# -- adopting and refusing files ----------------------------------------------------------------


@pytest.fixture
def foreign_path(tmp_path):
    """A reports table another program made with sqlite-utils, lacking most columns."""
    path = tmp_path / "foreign.db"
    db = sqlite_utils.Database(path)
    db["reports"].insert_all(
        [
            {"id": "F1", "title": "Okapi survey", "summary": "Forest giraffes counted"},
            {"id": "F2", "title": "Zebra count", "summary": "Stripes on the plains"},
        ],
        pk="id",
    )
    db.close()
    return path


def test_upgrade_in_place_adds_columns_fts_and_version(foreign_path):
    store = Store(foreign_path)
    try:
        conn = sqlite3.connect(foreign_path)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(reports)")]
        assert set(columns) == {"id", "title", "category", "date", "views", "summary", "body", "url"}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'reports_fts'").fetchone()[0] == 1
        conn.close()
        assert found(store, "okapi ") == ["F1"]
        assert found(store, "giraffes ") == ["F1"]
        assert found(store, "stripes ") == ["F2"]
        assert store.count() == 2
        report = store.get("F1")
        assert (report.title, report.summary) == ("Okapi survey", "Forest giraffes counted")
        # New rows land too, and are searchable.
        with store.writer() as writer:
            writer.upsert({"id": "F3", "title": "Tapir tracks"})
        assert found(store, "tapir ") == ["F3"]
    finally:
        store.close()
    # A second open is a no-op upgrade.
    again = Store(foreign_path)
    assert again.count() == 3
    again.close()


def test_upgraded_archive_counts_views(foreign_path):
    store = Store(foreign_path)
    try:
        assert store.get("F1").views == 0
        assert store.access("F1").views == 1
        assert store.access("F1").views == 2
    finally:
        store.close()


def test_upgrade_declares_added_columns_like_a_new_archive(foreign_path, tmp_path):
    Store(foreign_path).close()
    Store(tmp_path / "fresh.db").close()

    def declared(path):
        conn = sqlite3.connect(path)
        try:
            # name -> (type, default)
            return {row[1]: (row[2], row[4]) for row in conn.execute("PRAGMA table_info(reports)")}
        finally:
            conn.close()

    upgraded, fresh = declared(foreign_path), declared(tmp_path / "fresh.db")
    for name in ("category", "date", "views", "body", "url"):
        assert upgraded[name] == fresh[name], name


def test_upgraded_table_without_primary_key_is_refused_or_writable(tmp_path):
    """``sqlite-utils insert`` without --pk makes a rowid table; imports must still work (or be refused clearly)."""
    path = tmp_path / "nopk.db"
    db = sqlite_utils.Database(path)
    db["reports"].insert_all([{"id": "P1", "title": "Pangolin trade"}])
    db.close()
    try:
        store = Store(path)
    except ArchiveError:
        return
    source = tmp_path / "more.jsonl"
    source.write_text('{"id": "P1", "title": "Pangolin trade, revised"}\n{"id": "P2", "title": "Quoll"}\n')
    try:
        import_files(store, [source])
        assert store.count() == 2
        assert store.get("P1").title == "Pangolin trade, revised"
    finally:
        store.close()


def test_table_without_title_is_refused(tmp_path):
    path = tmp_path / "notitle.db"
    db = sqlite_utils.Database(path)
    db["reports"].insert({"id": "1", "name": "x"}, pk="id")
    db.close()
    with pytest.raises(ArchiveError, match="title"):
        Store(path)


def test_not_an_sqlite_file(tmp_path):
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 200
    path.write_bytes(content)
    with pytest.raises(ArchiveError) as caught:
        Store(path)
    message = str(caught.value)
    assert str(path) in message
    assert "not an SQLite archive" in message
    assert path.read_bytes() == content


def test_missing_directory(tmp_path):
    path = tmp_path / "no" / "such" / "dir" / "archive.db"
    with pytest.raises(ArchiveError, match="does not exist"):
        Store(path)
    assert not path.parent.exists()


def test_missing_file_without_create(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(ArchiveError, match="no such archive"):
        Store(path, create=False)
    assert not path.exists()


def test_archive_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveError, match="newer"):
        Store(path)


def _real_count(path: Path, word: str) -> int:
    """Reports with the word in title, summary or body, counted from the reports themselves."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, '') FROM reports"
        )
        return sum(1 for (text,) in rows if word in text.lower().split())


@pytest.mark.parametrize("typing", [False, True])
def test_counts_of_words_follow_writes_from_other_programs(tmp_path, typing):
    path = tmp_path / "counts.db"
    records = [{"id": f"C-{i}", "title": "cobalt" if i % 3 else "nickel", "summary": "the mine"} for i in range(30)]
    with make_store(path, records) as store:
        for word in ("cobalt", "nickel", "the", "zinc"):
            assert store.count(Listing(text=word, typing=typing)) == _real_count(path, word)
        # Another program adds and removes reports (its own connection: the archive's data_version moves).
        db = sqlite_utils.Database(path)
        db["reports"].insert_all([{"id": f"N-{i}", "title": "zinc cobalt"} for i in range(7)])
        db.execute("DELETE FROM reports WHERE id IN ('C-1', 'C-2')")
        db.conn.commit()
        db.close()
        for word in ("cobalt", "nickel", "the", "zinc"):
            assert store.count(Listing(text=word, typing=typing)) == _real_count(path, word)
        assert store.count(Listing()) == 35
        # And its own writes.
        with store.writer() as writer:
            writer.upsert({"id": "O-1", "title": "nickel zinc"})
        for word in ("cobalt", "nickel", "zinc"):
            assert store.count(Listing(text=word, typing=typing)) == _real_count(path, word)
        assert store.count(Listing()) == 36


def test_the_words_a_partial_word_becomes_follow_writes(tmp_path):
    path = tmp_path / "partial.db"
    with make_store(path, [{"id": "P-1", "title": "soda"}]) as store:
        with store.session() as session:
            assert session.complete(Listing(text="so", typing=True)).completions == ("soda",)
        db = sqlite_utils.Database(path)
        db["reports"].insert_all([{"id": f"P-{i}", "title": "solar"} for i in range(2, 5)])
        db.conn.commit()
        db.close()
        with store.session() as session:
            assert session.complete(Listing(text="so", typing=True)).completions == ("solar", "soda")


def test_the_words_a_partial_word_becomes_are_read_once_while_the_index_stands(tmp_path, monkeypatch):
    """Views counted elsewhere change the archive but not its words: the next session, on another
    connection, is not made to read the index's vocabulary again (0.2 to 0.5 s for a letter at 1M).
    A title changed by another program, its word count the same, is a change of words."""
    path = tmp_path / "partial.db"
    vocabulary_reads: list[str] = []
    read = listing_module.Reader._all

    def counted(self, sql, params):
        if "reports_fts_terms" in sql:
            vocabulary_reads.append(params[0])
        return read(self, sql, params)

    monkeypatch.setattr(listing_module.Reader, "_all", counted)
    with make_store(path, [{"id": "P-1", "title": "soda"}, {"id": "P-2", "title": "salt"}]) as store:
        with store.session() as session:
            assert session.complete(Listing(text="so", typing=True)).completions == ("soda",)
        with Store(path, create=False) as other:
            other.access("P-1")
            other.access("P-2")
        with store.session() as session:
            assert session.complete(Listing(text="so", typing=True)).completions == ("soda",)
        assert vocabulary_reads == ["so"]
        conn = sqlite3.connect(path)
        conn.execute("UPDATE reports SET title = 'sonar' WHERE id = 'P-1'")
        conn.commit()
        conn.close()
        with store.session() as session:
            assert session.complete(Listing(text="so", typing=True)).completions == ("sonar",)
        assert vocabulary_reads == ["so", "so"]


def test_a_read_only_archive_completes_partial_words_and_is_not_written(tmp_path, monkeypatch):
    path = tmp_path / "ro.db"
    make_store(path, [{"id": "P-1", "title": "soda"}]).close()
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode, **kw))
    with Store(path, create=False) as store:
        monkeypatch.undo()
        assert store.readonly
        assert store.count(Listing(text="so", typing=True)) == 0
        with store.session() as session:
            assert session.complete(Listing(text="so", typing=True)).completions == ("soda",)
    assert path.read_bytes() == before


def test_category_counts_follow_writes_from_other_programs(tmp_path):
    path = tmp_path / "cats.db"
    with make_store(path, [{"id": f"K-{i}", "title": "cobalt", "category": "Metals"} for i in range(3)]) as store:
        assert store.categories(Listing(text="cobalt")) == [Category("Metals", 3)]
        db = sqlite_utils.Database(path)
        db["reports"].insert_all([{"id": "K-9", "title": "cobalt", "category": "Energy"}])
        db.conn.commit()
        db.close()
        assert store.categories(Listing(text="cobalt")) == [Category("Energy", 1), Category("Metals", 3)]


def test_a_connection_that_imported_goes_back_with_the_store_cache(tmp_path):
    """An import reads with a larger page cache; the connection it borrowed is pooled again with the
    store's own (many sessions' memory depends on it), not SQLite's default."""
    store = Store(tmp_path / "a.db")
    with store.writer() as writer:
        writer.upsert({"id": "A-1", "title": "One"})
    with store.connection() as conn:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -store_module.CACHE_KB
    store.close()
