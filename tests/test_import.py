"""Reading reports from files into the archive (tui_archive.importers)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

from tui_archive.core import importers
from tui_archive.core.importers import ImportFailed, import_files
from tui_archive.core.listing import Listing
from tui_archive.core.store import Store

from .helpers import COMMITTED_ARCHIVE, SEED_IDS, SEED_PAGE, archive_contents

pytestmark = pytest.mark.unit

SEED_TITLES = {
    "RPT-1045": "Rare Earth Midstream Power: Why China’s Processing Edge Remains the Decisive Chokepoint",
    "RPT-1279": "China’s Rare Earth Edge: Processing Know-How and Magnet Supply Chains Remain the Decisive Moat",
    "RPT-363": "Rare Earth Supply Chains: China’s Processing Grip Keeps Diversification Challenging",
    "RPT-280": "Rare Earths in 2023: China’s Processing Grip Drives a New Diversification Race",
}
SEED_DATES = ["2026-02-12", "2024-08-27", "2023-11-24", "2023-07-13"]
SEED_VIEWS = [0, 0, 0, 1]
SUMMARY_OPENINGS = [
    "A Malaysian engineering study highlighted by the source",
    "The source argues that China’s rare earth dominance persists",
    "Global rare earth mine production reached an estimated 350,000t REO",
    "GlobalData estimates global rare earth mine production",
]


def page_paragraphs() -> list[str]:
    """The page's summary paragraphs as a reader sees them: text lines that are neither the name nor the table."""
    lines = [line.strip() for line in SEED_PAGE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("//") and not line.startswith("|")]


def distinct(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def all_reports(store: Store):
    return store.window(Listing(sort="id"), 0, 100_000)


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- the seed page -----------------------------------------------------------------------


def test_the_page_repeats_each_of_four_paragraphs_twice():
    paragraphs = page_paragraphs()
    assert len(paragraphs) == 8
    assert len(distinct(paragraphs)) == 4
    assert paragraphs[:4] == paragraphs[4:]


def test_seed_page_gives_exactly_the_four_reports(empty_store):
    result = import_files(empty_store, [SEED_PAGE])
    assert result.written == 4
    assert result.problems == []
    reports = empty_store.window(Listing(), 0, 100)
    assert [r.id for r in reports] == SEED_IDS
    assert empty_store.count() == 4
    assert {r.id: r.title for r in reports} == SEED_TITLES
    assert [r.category for r in reports] == ["Rare Earths"] * 4
    assert [r.date for r in reports] == SEED_DATES
    assert [r.views for r in reports] == SEED_VIEWS
    assert [r.body for r in reports] == [None] * 4
    assert [r.url for r in reports] == [None] * 4


def test_seed_page_pairs_each_report_with_its_own_summary(empty_store):
    import_files(empty_store, [SEED_PAGE])
    summaries = [empty_store.get(report_id).summary for report_id in SEED_IDS]
    assert summaries == distinct(page_paragraphs())
    for summary, opening in zip(summaries, SUMMARY_OPENINGS, strict=True):
        assert summary.startswith(opening)
    assert len(set(summaries)) == 4


def test_seed_page_names_the_archive(empty_store):
    import_files(empty_store, [SEED_PAGE])
    assert empty_store.name() == "Global Analysis Archive"


def test_reimporting_the_page_does_not_duplicate(seed_imported):
    before = archive_contents(seed_imported.path)
    result = import_files(seed_imported, [SEED_PAGE])
    assert result.written == 4
    assert seed_imported.count() == 4
    assert archive_contents(seed_imported.path) == before


def test_committed_archive_holds_the_pages_reports(committed_store, seed_imported):
    digest = hashlib.sha256(COMMITTED_ARCHIVE.read_bytes()).hexdigest()
    assert committed_store.path != COMMITTED_ARCHIVE

    def facts(s: Store):
        return [(r.id, r.title, r.category, r.date, r.summary, r.body, r.url) for r in all_reports(s)]

    assert facts(committed_store) == facts(seed_imported)
    assert [r.id for r in committed_store.window(Listing(), 0, 100)] == SEED_IDS
    assert committed_store.name() == seed_imported.name() == "Global Analysis Archive"
    assert hashlib.sha256(COMMITTED_ARCHIVE.read_bytes()).hexdigest() == digest


def test_the_archive_the_tests_start_from_is_the_committed_one(archive_path, committed_archive):
    """The fixtures build their archive from the seed page; it holds what the shipped archive.db holds."""
    assert archive_contents(archive_path) == archive_contents(committed_archive)
    reports, _ = archive_contents(archive_path)
    assert {row[0]: row[4] for row in reports} == {"RPT-1045": 0, "RPT-1279": 0, "RPT-363": 0, "RPT-280": 1}


# -- other formats ----------------------------------------------------------------------------


def test_csv_import_with_aliases(empty_store, tmp_path):
    source = write(
        tmp_path / "reports.csv",
        "Report ID,Title,Category,Date,Views,Summary,Link\n"
        'C1,"Copper, again",Metals,2024-03-05,12,Smelter margins,https://example.org/c1\n'
        "C2,Nickel glut,Metals,2023-11-30,,,\n",
    )
    result = import_files(empty_store, [source])
    assert result.written == 2
    assert result.files == [str(source)]
    c1, c2 = empty_store.get("C1"), empty_store.get("C2")
    assert (c1.title, c1.category, c1.date, c1.views, c1.summary, c1.url) == (
        "Copper, again",
        "Metals",
        "2024-03-05",
        12,
        "Smelter margins",
        "https://example.org/c1",
    )
    assert (c2.title, c2.views, c2.summary, c2.url) == ("Nickel glut", 0, None, None)
    assert [r.id for r in empty_store.window(Listing(text="smelter "), 0, 10)] == ["C1"]


def test_json_array_import(empty_store, tmp_path):
    records = [
        {"id": "J1", "title": "Graphite anodes", "views": 4, "date": "2024-05-06T10:30:00", "link": "https://j/1"},
        {"id": "J2", "title": "Manganese", "category": "Battery metals", "summary": "Cathode demand"},
    ]
    source = write(tmp_path / "reports.json", json.dumps(records, indent=2))
    assert import_files(empty_store, [source]).written == 2
    j1, j2 = empty_store.get("J1"), empty_store.get("J2")
    assert (j1.title, j1.views, j1.date, j1.url) == ("Graphite anodes", 4, "2024-05-06", "https://j/1")
    assert (j2.category, j2.summary, j2.views) == ("Battery metals", "Cathode demand", 0)


def test_json_lines_import(empty_store, tmp_path):
    source = write(
        tmp_path / "reports.jsonl",
        '{"id": "L1", "title": "Tin", "views": "3"}\n'
        "\n"
        '{"ID": "L2", "Title": "Tungsten", "Link": "https://l/2", "body": "Long text"}\n',
    )
    assert import_files(empty_store, [source]).written == 2
    assert empty_store.get("L1").views == 3
    l2 = empty_store.get("L2")
    assert (l2.title, l2.url, l2.body) == ("Tungsten", "https://l/2", "Long text")
    assert [r.id for r in empty_store.window(Listing(text="long text "), 0, 10)] == ["L2"]


def test_tab_separated_file_import(empty_store, tmp_path):
    source = write(tmp_path / "reports.tsv", "id\ttitle\tcategory\nT1\tTantalum, capacitors\tMetals\n")
    assert import_files(empty_store, [source]).written == 1
    report = empty_store.get("T1")
    assert (report.title, report.category) == ("Tantalum, capacitors", "Metals")


def test_several_files_in_one_import(empty_store, tmp_path):
    csv_file = write(tmp_path / "a.csv", "id,title\nA1,First\n")
    jsonl_file = write(tmp_path / "b.jsonl", '{"id": "B1", "title": "Second"}\n')
    result = import_files(empty_store, [csv_file, jsonl_file, SEED_PAGE])
    assert result.written == 6
    assert empty_store.count() == 6
    assert empty_store.name() == "Global Analysis Archive"


def test_reimport_updates_and_keeps_omitted_fields(empty_store, tmp_path):
    first = write(
        tmp_path / "first.json",
        json.dumps(
            [
                {
                    "id": "U1",
                    "title": "Old title",
                    "category": "Energy",
                    "date": "2022-02-02",
                    "views": 5,
                    "summary": "Kept summary",
                    "url": "https://u/1",
                }
            ]
        ),
    )
    import_files(empty_store, [first])
    second = write(tmp_path / "second.jsonl", '{"id": "U1", "title": "New title"}\n')
    assert import_files(empty_store, [second]).written == 1
    assert empty_store.count() == 1
    report = empty_store.get("U1")
    assert (report.title, report.category, report.date, report.views, report.summary, report.url) == (
        "New title",
        "Energy",
        "2022-02-02",
        5,
        "Kept summary",
        "https://u/1",
    )
    assert [r.id for r in empty_store.window(Listing(text="new title "), 0, 10)] == ["U1"]
    assert empty_store.window(Listing(text="old "), 0, 10) == []


def test_reimport_into_the_seed_archive_updates_in_place(store, tmp_path):
    source = write(tmp_path / "fix.csv", "id,title\nRPT-363,Corrected title\n")
    import_files(store, [source])
    assert store.count() == 4
    report = store.get("RPT-363")
    assert report.title == "Corrected title"
    assert report.summary.startswith(SUMMARY_OPENINGS[2])
    assert report.date == "2023-11-24"


# -- bad input: all or nothing -------------------------------------------------------------------

BAD_FILES = {
    "missing id": ("bad.csv", "id,title\nG1,Good one\n,No id here\n", ["line 3", "id"]),
    "missing title": ("bad.csv", "id,title\nG1,Good one\nB1,\n", ["line 3", "title"]),
    "views many": ("bad.csv", "id,title,views\nG1,Good one,2\nB1,Bad one,many\n", ["line 3", "views", "many"]),
    "date yesterday": (
        "bad.jsonl",
        '{"id": "G1", "title": "Good one"}\n{"id": "B1", "title": "Bad one", "date": "yesterday"}\n',
        ["line 2", "date", "yesterday"],
    ),
    "json record": (
        "bad.json",
        '[{"id": "G1", "title": "Good one"}, {"id": "B1", "title": "Bad one", "views": -3}]',
        ["record 2", "views"],
    ),
    "malformed json": ("bad.json", '[{"id": "G1", "title": "Good one"},\n{"id": "B1", "title": }\n]', ["line 2"]),
    "jsonl bad line": ("bad.jsonl", '{"id": "G1", "title": "Good one"}\n{"id": "B1", "title": \n', ["line 2"]),
    "undecodable": ("bad.csv", b"id,title\nG1,Good one\nB1,caf\xe9\n", ["UTF-8"]),
    "page bad date": (
        "bad.txt",
        "// Bad Page\nSummary.\n| ID | Title | Date |\n|---|---|---|\n| G1 | Good one | 2024-01-01 |\n"
        "| B1 | Bad one | yesterday |\n",
        ["line 6", "date"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_input_imports_nothing(store, tmp_path, case):
    name, content, fragments = BAD_FILES[case]
    source = write(tmp_path / name, content)
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [source])
    problems = [str(problem) for problem in caught.value.problems]
    assert problems, "ImportFailed without problems"
    assert any(all(fragment in p for fragment in fragments) for p in problems), problems
    assert all(str(source) in p for p in problems), problems
    assert archive_contents(store.path) == before
    assert store.count() == 4
    assert store.get("G1") is None


def piped(path: Path, content: str) -> threading.Thread:
    """A FIFO at ``path`` that a thread writes ``content`` into, once, as a command would."""
    os.mkfifo(path)

    def write_once() -> None:
        with contextlib.suppress(BrokenPipeError), path.open("w", encoding="utf-8") as fifo:
            fifo.write(content)  # (an import that stops reading closes the pipe)

    writer = threading.Thread(target=write_once, daemon=True)
    writer.start()
    return writer


@pytest.mark.parametrize("reports", [2, 3000])  # within the first 4 KB read to tell the format, and far past it
def test_a_pipe_imports_every_report(empty_store, tmp_path, reports):
    lines = "".join(json.dumps({"id": f"P{i}", "title": f"Piped {i}"}) + "\n" for i in range(reports))
    writer = piped(tmp_path / "fifo", lines)
    result = import_files(empty_store, [tmp_path / "fifo"])
    writer.join(5)
    assert result.written == reports
    assert empty_store.count() == reports
    assert empty_store.get(f"P{reports - 1}").title == f"Piped {reports - 1}"


def test_a_bad_record_in_a_pipe_is_told_by_its_name_and_line_and_imports_nothing(store, tmp_path):
    writer = piped(tmp_path / "fifo", "id,title,views\nG1,Good,1\nB2,Bad views,many\n")
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [tmp_path / "fifo"])
    writer.join(5)
    assert [(p.file, p.where) for p in caught.value.problems] == [(str(tmp_path / "fifo"), "line 3")]
    assert archive_contents(store.path) == before


def test_a_pipe_longer_than_the_limit_is_refused_and_leaves_nothing_behind(store, tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_PIPED", 4096)
    monkeypatch.setattr(importers.tempfile, "tempdir", str(tmp_path / "spool"))
    (tmp_path / "spool").mkdir()
    lines = "".join(json.dumps({"id": f"P{i}", "title": f"Piped {i}"}) + "\n" for i in range(1000))
    writer = piped(tmp_path / "fifo", lines)
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [tmp_path / "fifo"])
    writer.join(5)
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "fifo")
    assert "through a pipe: save it to a file and import that" in problem.message
    assert archive_contents(store.path) == before
    assert list((tmp_path / "spool").iterdir()) == []  # the copy is gone


def test_missing_file_imports_nothing(store, tmp_path):
    good = write(tmp_path / "good.csv", "id,title\nG1,Good one\n")
    missing = tmp_path / "nowhere.csv"
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [good, missing])
    assert [str(p) for p in caught.value.problems] == [f"{missing}: no such file"]
    assert archive_contents(store.path) == before


def test_every_problem_is_listed_with_its_line(store, tmp_path):
    source = write(
        tmp_path / "several.csv",
        "id,title,views,date\nG1,Good,1,2024-01-01\n,No id,1,2024-01-01\nG2,Good,2,2024-01-02\n"
        "B2,Bad views,many,2024-01-01\nB3,Bad date,0,yesterday\n",
    )
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [source])
    problems = caught.value.problems
    assert [(p.file, p.where) for p in problems] == [
        (str(source), "line 3"),
        (str(source), "line 5"),
        (str(source), "line 6"),
    ]
    assert archive_contents(store.path) == before


def test_a_bad_file_spoils_the_whole_import(store, tmp_path):
    good = write(tmp_path / "good.jsonl", '{"id": "G1", "title": "Good one"}\n')
    bad = write(tmp_path / "bad.csv", "id,title\nB1,\n")
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [good, bad])
    assert [(p.file, p.where) for p in caught.value.problems] == [(str(bad), "line 2")]
    assert archive_contents(store.path) == before


def test_page_with_more_summaries_than_reports_is_refused(store, tmp_path):
    source = write(
        tmp_path / "page.txt",
        "// Odd Page\nFirst summary.\nSecond summary.\n| ID | Title |\n|---|---|\n| P1 | Only one |\n",
    )
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [source])
    assert all(str(source) in str(p) for p in caught.value.problems)
    assert archive_contents(store.path) == before
    assert store.name() == "Global Analysis Archive"


def test_undecodable_byte_is_located_in_a_large_file(store, tmp_path):
    good = b"".join(b"R%05d,Report number %05d\n" % (i, i) for i in range(2000))
    content = b"id,title\n" + good + b"X1,caf\xe9\n"
    source = write(tmp_path / "large.csv", content)
    offset, line = content.index(b"\xe9"), content.count(b"\n", 0, content.index(b"\xe9")) + 1
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [source])
    (problem,) = caught.value.problems
    message = str(problem)
    assert f"line {line}" in message or f"byte {offset}" in message, message
    assert store.count() == 4


def test_skip_bad_imports_the_good_records(store, tmp_path):
    source = write(
        tmp_path / "mixed.csv",
        "id,title,views\nG1,Good one,1\nB1,Bad one,many\nG2,Good two,\n,No id,\n",
    )
    result = import_files(store, [source], skip_bad=True)
    assert result.written == 2
    assert [(p.file, p.where) for p in result.problems] == [(str(source), "line 3"), (str(source), "line 5")]
    assert store.count() == 6
    assert store.get("G1").views == 1
    assert store.get("G2").title == "Good two"
    assert store.get("B1") is None


def test_skip_bad_with_nothing_bad(empty_store, tmp_path):
    source = write(tmp_path / "ok.csv", "id,title\nG1,Good one\n")
    result = import_files(empty_store, [source], skip_bad=True)
    assert (result.written, result.problems) == (1, [])


def _many_rows(count: int) -> str:
    return "".join(f"M{i:05d},Many report {i},Bulk,2024-01-{1 + i % 28:02d},{i % 7}\n" for i in range(count))


def test_large_import_lands_every_record(store, tmp_path):
    source = write(tmp_path / "many.csv", "id,title,category,date,views\n" + _many_rows(4500))
    result = import_files(store, [source])
    assert result.written == 4500
    assert store.count() == 4504
    assert store.count(Listing(category="Bulk")) == 4500
    last = store.get("M04499")
    assert (last.title, last.date, last.views) == ("Many report 4499", "2024-01-20", 4499 % 7)


def test_bad_record_at_the_end_of_a_large_file_undoes_everything(store, tmp_path):
    source = write(
        tmp_path / "many.csv", "id,title,category,date,views\n" + _many_rows(4500) + "BAD,Bad one,Bulk,never,0\n"
    )
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [source])
    assert [(p.file, p.where) for p in caught.value.problems] == [(str(source), "line 4502")]
    assert archive_contents(store.path) == before
    assert store.count(Listing(category="Bulk")) == 0


def test_repeated_id_in_one_file_keeps_the_last(empty_store, tmp_path):
    source = write(tmp_path / "dupes.jsonl", '{"id": "D1", "title": "First"}\n{"id": "D1", "title": "Second"}\n')
    import_files(empty_store, [source])
    assert empty_store.count() == 1
    assert empty_store.get("D1").title == "Second"


def test_importing_the_same_file_again_changes_nothing_and_an_edit_is_found(empty_store, tmp_path):
    """Reports imported again unchanged are left alone; a changed one is re-indexed; the index matches."""
    rows = [{"id": f"S{i}", "title": f"steady report {i}", "summary": "cobalt", "views": i} for i in range(300)]
    source = write(tmp_path / "same.jsonl", "".join(json.dumps(row) + "\n" for row in rows))
    import_files(empty_store, [source])
    before = archive_contents(empty_store.path)
    assert import_files(empty_store, [source]).written == 300
    assert archive_contents(empty_store.path) == before
    rows[7] = {**rows[7], "title": "edited report", "summary": "nickel"}
    rows[8] = {**rows[8], "views": 1000}  # a field that is not indexed
    write(source, "".join(json.dumps(row) + "\n" for row in rows))
    import_files(empty_store, [source])
    assert empty_store.count(Listing(text="cobalt")) == 299
    assert [r.id for r in empty_store.window(Listing(text="nickel edited"), 0, 10)] == ["S7"]
    assert empty_store.count(Listing(text="steady")) == 299
    assert empty_store.get("S8").views == 1000
    assert not empty_store.verify_index()  # nothing to rebuild: the index matches the reports
    with empty_store.connection() as conn:  # the import's larger index buffer is not left behind
        assert conn.execute("SELECT v FROM reports_fts_config WHERE k = 'hashsize'").fetchone()[0] == 1024 * 1024


def test_new_and_existing_reports_mixed_over_several_batches(empty_store, tmp_path, monkeypatch):
    """New reports and ones already in the archive, interleaved, some met again in a later batch of
    the same import: each new one is added once, each known one updated keeping the fields the file
    leaves out, and the full-text index holds exactly the words now in the reports."""
    import tui_archive.core.importers as importers

    monkeypatch.setattr(importers, "_BATCH", 3)
    first = [{"id": f"K{i}", "title": f"known cobalt {i}", "category": "Metals", "views": i} for i in range(6)]
    import_files(empty_store, [write(tmp_path / "first.jsonl", "".join(json.dumps(r) + "\n" for r in first))])
    with empty_store.connection() as conn:  # one report another program wrote, its ID stored as a number
        conn.execute("INSERT INTO reports (id, title, views) VALUES (42, 'numbered lithium', 2)")
    second = [
        {"id": "N1", "title": "new nickel one"},
        {"id": "K1", "title": "known zinc changed"},
        {"id": "N2", "title": "new nickel two", "views": 9},
        {"id": "K2", "title": "known cobalt 2"},  # unchanged
        {"id": "42", "title": "numbered copper", "summary": "now with words"},
        {"id": "N1", "title": "new nickel one again", "date": "2024-05-06"},  # met again, a later batch
        {"id": "K1", "title": "known zinc changed twice", "category": "Alloys"},
        {"id": "N3", "title": "new nickel three"},
    ]
    result = import_files(
        empty_store, [write(tmp_path / "second.jsonl", "".join(json.dumps(r) + "\n" for r in second))]
    )
    assert result.written == 8
    assert empty_store.count() == 10
    rows = {r.id: (r.title, r.category, r.date, r.views, r.summary) for r in all_reports(empty_store)}
    assert rows["N1"] == ("new nickel one again", None, "2024-05-06", 0, None)
    assert rows["N2"] == ("new nickel two", None, None, 9, None)
    assert rows["K1"] == ("known zinc changed twice", "Alloys", None, 1, None)
    assert rows["K2"] == ("known cobalt 2", "Metals", None, 2, None)
    assert rows["42"] == ("numbered copper", None, None, 2, "now with words")
    assert empty_store.count(Listing(text="nickel")) == 3
    assert empty_store.count(Listing(text="cobalt")) == 5  # K0 to K5 but the changed K1
    assert [r.id for r in empty_store.window(Listing(text="zinc twice"), 0, 10)] == ["K1"]
    assert [r.id for r in empty_store.window(Listing(text="copper words"), 0, 10)] == ["42"]
    assert empty_store.count(Listing(text="lithium")) == 0
    assert not empty_store.verify_index()


def test_the_committed_archive_is_current_and_opens_as_it_is(committed_store):
    """The sample archive in the repository is of the current schema: a fresh checkout's first run
    neither upgrades nor repairs it (and so does not change a file under version control)."""
    assert committed_store.upgrades == [] and committed_store.repairs == []
