"""Input at the edges: what is typed as a query, what is given to import, and exports read back exactly.

A query never errors, whatever its numbers or length; the CLI takes several
words as one query and points to ``--`` for one starting with ``-word``.
Imports skip (or list) unreadable lines, refuse what they cannot hold, and
stay bounded in memory. The app's own CSV and JSON exports import back to
the very same reports, whatever their text.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shlex
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_archive.cli import cli
from tui_archive.core import export
from tui_archive.core.importers import ImportFailed, import_files
from tui_archive.core.listing import Listing
from tui_archive.core.model import COLUMNS, Report
from tui_archive.core.query import MAX_NUMBER, MAX_TERMS, parse_query
from tui_archive.core.readers import MAX_RECORD, normalise, read_file
from tui_archive.core.store import Store

from .helpers import archive_contents, make_store
from .samples import HOSTILE, LANGUAGE_REPORTS

pytestmark = pytest.mark.unit

BIG = "9" * 25  # beyond SQLite's 64-bit integers


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), obj={})
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


# -- numbers and length in a query ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"views:>{BIG}", set()),
        (f"views:<{BIG}", {"RPT-100", "RPT-101", "RPT-102", "RPT-200", "XR-1"}),
        (f"views:100..{BIG}", {"RPT-100", "RPT-200"}),
        (f"views:{'9' * 5000}", set()),  # longer than int() reads
    ],
)
def test_a_number_beyond_64_bits_is_read_as_the_largest_with_a_hint(language_store: Store, text, expected):
    listing = Listing(text=text)
    assert {report.id for report in language_store.window(listing, 0, 10)} == expected
    assert language_store.count(listing) == len(expected)
    assert any(f"{MAX_NUMBER:,}" in hint for hint in listing.query.hints)


@pytest.mark.parametrize(
    "field", ["id:RPT-{}", "category:c{}", "views:>{}", "-id:X{}", "after:2020", "word{}", "-word{}", '"a {}"']
)
def test_a_thousand_terms_search_the_first_ones_with_a_hint(language_store: Store, field: str):
    text = " ".join(field.format(i) for i in range(1000))
    listing = Listing(text=text)
    language_store.window(listing, 0, 10)
    language_store.count(listing)
    language_store.categories(listing)
    assert any(f"first {MAX_TERMS}" in hint for hint in listing.query.hints)


def test_terms_within_the_cap_get_no_hint():
    query = parse_query(" ".join(f"id:R{i}" for i in range(MAX_TERMS)) + " OR OR")
    assert len(query.where) == MAX_TERMS
    assert query.hints == ()


def test_cli_search_with_a_huge_number_says_so_in_one_line(language_store: Store):
    result = run("search", "--db", str(language_store.path), f"views:>{BIG}")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"hint: views: numbers stop at {MAX_NUMBER:,}, so a larger one was read as that",
        "0 reports",
    ]


@pytest.fixture
def dated(tmp_path: Path) -> Store:
    """Reports whose dates another program wrote: junk, impossible days, a number, none."""
    store = make_store(tmp_path / "dated.db", [{"id": f"D-{i}", "title": "dated"} for i in range(8)])
    conn = sqlite3.connect(store.path)
    with conn:
        for report_id, value in [
            ("D-0", "2024-05-01"),
            ("D-1", "zzz"),
            ("D-2", "2024-13-45"),
            ("D-3", 20240501),
            ("D-4", "2024-05-01 junk"),
            ("D-5", "9999-99-99"),
            ("D-6", "2023-02-30"),
            ("D-7", None),
        ]:
            conn.execute("UPDATE reports SET date = ? WHERE id = ?", [value, report_id])
    conn.close()
    yield store
    store.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("after:2024", {"D-0"}),
        ("before:2025", {"D-0"}),
        ("after:2000 before:2100", {"D-0"}),
        ("before:2024", set()),
        ("-after:2025", {"D-0", "D-1", "D-2", "D-3", "D-4", "D-5", "D-6", "D-7"}),
    ],
)
def test_date_filters_match_only_well_formed_dates(dated: Store, text: str, expected: set[str]):
    listing = Listing(text=text)
    assert {report.id for report in dated.window(listing, 0, 20)} == expected
    assert dated.count(listing) == len(expected)


# -- the CLI's query words ------------------------------------------------------------------


def ids_printed(result) -> list[str]:
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


def test_several_unquoted_words_are_one_query(language_store: Store):
    db = str(language_store.path)
    quoted = run("search", "--db", db, "supply chain")
    unquoted = run("search", "--db", db, "supply", "chain")
    assert unquoted.exit_code == quoted.exit_code == 0
    assert ids_printed(unquoted) == ids_printed(quoted)
    assert sorted(ids_printed(unquoted)) == ["RPT-102", "XR-1"]
    mixed = run("search", "supply", "--db", db, "-n", "5", "chain", "-china")  # ... words around options
    assert mixed.exit_code == 2  # -china is not an option: see below


@pytest.mark.parametrize("args", [["--", "-china", "supply"], ["supply", "--", "-china"], ["-n", "5", "--", "-china"]])
def test_a_query_starting_with_minus_word_goes_after_double_dash(language_store: Store, args: list[str]):
    result = run("search", "--db", str(language_store.path), *args)
    assert result.exit_code == 0, result.output
    assert "RPT-100" not in ids_printed(result) and "RPT-102" not in ids_printed(result)  # both mention China
    assert "RPT-200" in ids_printed(result)


@pytest.mark.parametrize("word", ["-cobalt", "-magnet", "-nickel", "-x", "-稀土", "-hello"])
def test_minus_word_before_double_dash_points_there(language_store: Store, word: str):
    result = run("search", "--db", str(language_store.path), word)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"search -- {shlex.quote(word)}" in result.stderr
    assert "Traceback" not in result.output


def test_options_still_work_around_the_query(language_store: Store):
    result = run("search", "--db", str(language_store.path), "-c", "Energy Metals", "-n", "1", "supply")
    assert ids_printed(result) == ["RPT-100"]
    result = run("search", "--db", str(language_store.path), "-n1", "--sort=views", "supply")
    assert ids_printed(result) == ["RPT-100"]


def test_search_help_tells_about_words_and_double_dash():
    result = run("search", "--help")
    assert "[QUERY]..." in result.stdout
    assert "search -- -china" in result.stdout


# -- importing -------------------------------------------------------------------------------


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


MIXED_LINES = (
    b'{"id": "A-1", "title": "good"}\n'
    b'{"id": "A-2", "title": \n'
    b"\xff\xfe not UTF-8\n"
    b'{"id": "A-3", "title": "big", "views": ' + BIG.encode() + b"}\n"
    b'{"id": "A-4", "title": "deep", "summary": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    b'{"id": "A-5", "title": "good"}\n'
)
MIXED_CSV = b"id,title,views\nA-1,good,1\nA-2,caf\xe9,2\nA-3,big," + BIG.encode() + b"\nA-5,good,3\n"


@pytest.mark.parametrize(
    ("name", "content", "bad"),
    [
        (
            "mixed.jsonl",
            MIXED_LINES,
            ["line 2: not valid JSON", "line 3: not UTF-8", "line 4: views", "line 5: not valid"],
        ),
        ("mixed", MIXED_LINES, ["line 2: not valid JSON", "line 3: not UTF-8", "line 4: views", "line 5: not valid"]),
        ("mixed.csv", MIXED_CSV, ["line 3: not UTF-8", "line 4: views should be at most"]),
    ],
)
def test_skip_bad_skips_unreadable_lines_and_lists_them(tmp_path: Path, name: str, content: bytes, bad: list[str]):
    source = write(tmp_path / name, content)
    db = str(tmp_path / "new.db")
    refused = run("import", str(source), "--db", db)
    assert refused.exit_code == 1
    for fragment in bad:  # every bad line is named, not only the first
        assert any(fragment in line for line in refused.stderr.splitlines()), (fragment, refused.stderr)
    assert "Traceback" not in refused.output
    result = run("import", "--skip-bad", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(bad)
    assert all(str(source) in line for line in skipped)
    assert result.stdout.strip().endswith(
        f"imported 2 reports into {db} (skipped {len(bad)} bad records, listed above)"
    )
    store = Store(Path(db))
    try:
        assert [report.id for report in store.window(Listing(sort="id"), 0, 10)] == ["A-1", "A-5"]
    finally:
        store.close()


@pytest.mark.parametrize("name", ["reports", "reports.jsonl"])
def test_json_lines_with_a_byte_order_mark_imports(tmp_path: Path, name: str):
    source = write(tmp_path / name, b'\xef\xbb\xbf{"id": "B-1", "title": "marked"}\n')
    result = run("import", str(source), "--db", str(tmp_path / "new.db"))
    assert result.exit_code == 0, result.output
    assert "imported 1 report into" in result.stdout


def test_json_array_with_a_byte_order_mark_imports(tmp_path: Path):
    source = write(tmp_path / "reports", b'\xef\xbb\xbf [{"id": "B-1", "title": "marked"}]')
    result = run("import", str(source), "--db", str(tmp_path / "new.db"))
    assert result.exit_code == 0, result.output
    assert "imported 1 report into" in result.stdout


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes", "just some words\n"),
        ("notes.csv", "name,description\n"),
        ("page.txt", "// A name and nothing else\n"),
    ],
)
def test_a_file_with_no_reports_is_an_error(tmp_path: Path, name: str, content: str):
    source = write(tmp_path / name, content)
    result = run("import", str(source), "--db", str(tmp_path / "new.db"))
    assert result.exit_code == 1
    assert f"{source}: no reports found" in result.stderr
    assert "imported" not in result.stdout


@pytest.mark.parametrize(("name", "content"), [("none.csv", "id,title\n"), ("none.json", "[]"), ("blank.jsonl", "\n")])
def test_an_export_of_nothing_imports_nothing_without_error(tmp_path: Path, name: str, content: str):
    result = run("import", str(write(tmp_path / name, content)), "--db", str(tmp_path / "new.db"))
    assert result.exit_code == 0, result.output
    assert "imported 0 reports" in result.stdout


@pytest.mark.parametrize(
    "content",
    [
        json.dumps([{"id": "V-1", "title": "t", "views": 2**63}]),
        json.dumps([{"id": "V-1", "title": "t", "views": 1e30}]),
        '[{"id": "V-1", "title": "t", "views": ' + "9" * 5000 + "}]",
    ],
)
def test_views_beyond_64_bits_are_refused_with_a_message(store: Store, tmp_path: Path, content: str):
    before = archive_contents(store.path)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [write(tmp_path / "big.json", content)])
    (problem,) = caught.value.problems
    assert "views" in str(problem) or "not valid JSON" in str(problem)
    assert len(str(problem)) < 300  # one readable line, not the number
    assert archive_contents(store.path) == before


def test_the_largest_views_import(empty_store: Store, tmp_path: Path):
    import_files(empty_store, [write(tmp_path / "max.csv", f"id,title,views\nV-1,t,{2**63 - 1}\n")])
    assert empty_store.get("V-1").views == 2**63 - 1


def test_an_endless_line_is_refused_not_read_into_memory(empty_store: Store):
    with pytest.raises(ImportFailed) as caught:
        import_files(empty_store, ["/dev/zero"])
    assert [str(problem) for problem in caught.value.problems] == [
        "/dev/zero: line 1: longer than 16 MB, so the file was not read"
    ]


@pytest.mark.parametrize("name", ["long.jsonl", "long.csv", "long.json"])
def test_a_record_over_the_cap_is_refused(empty_store: Store, tmp_path: Path, name: str):
    long_title = "x" * (MAX_RECORD + 10)
    if name.endswith(".csv"):
        content = f"id,title\nL-1,{long_title}\n"
    elif name.endswith(".jsonl"):
        content = json.dumps({"id": "L-1", "title": long_title}) + "\n"
    else:
        content = json.dumps([{"id": "L-0", "title": "short"}, {"id": "L-1", "title": long_title}])
    with pytest.raises(ImportFailed) as caught:
        import_files(empty_store, [write(tmp_path / name, content)])
    assert "16 MB" in str(caught.value.problems[0])
    assert empty_store.count() == 0


@pytest.mark.parametrize("name", ["deep.json", "deep"])
def test_deeply_nested_json_is_refused_with_a_message(empty_store: Store, tmp_path: Path, name: str):
    content = '[{"id": "N-1", "title": ' + "[" * 100_000 + "]" * 100_000 + "}]"
    with pytest.raises(ImportFailed) as caught:
        import_files(empty_store, [write(tmp_path / name, content)])
    assert "nested too deeply" in str(caught.value.problems[0])


def test_json_errors_name_their_line_in_a_long_array(empty_store: Store, tmp_path: Path):
    records = [json.dumps({"id": f"J-{i}", "title": "t" * 100}) for i in range(5000)]
    records[4000] = '{"id": "J-4000", "title": }'
    with pytest.raises(ImportFailed) as caught:
        import_files(empty_store, [write(tmp_path / "long.json", "[\n" + ",\n".join(records) + "\n]")])
    assert [problem.where for problem in caught.value.problems] == [""]
    assert "line 4002: not valid JSON" in str(caught.value.problems[0])


# -- exports read back exactly ----------------------------------------------------------------

# Text that CSV and JSON must carry: line breaks of every kind, quotes, separators, NUL, escapes.
AWKWARD = [
    "\r",
    "\n",
    "\r\n",
    "\n\r",
    '"',
    "'",
    ",",
    ";",
    "\t",
    "\x00",
    "\x1b]52;c;eA==\x07",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u202e",
    " ",
    "é",
    "漢",
    "🧲",
    "\\",
    "|",
    "a",
    "B",
]
awkward_text = st.one_of(
    st.text(min_size=1),
    st.lists(st.sampled_from(AWKWARD), min_size=1, max_size=30).map("".join),
    st.builds(
        lambda ch, n, tail: ch * n + tail,
        st.sampled_from(["x", "\r", '"', "漢"]),
        st.integers(131_000, 140_000),
        st.sampled_from(["", "\r", "\n", '"end"']),
    ),
).filter(lambda text: text.strip() != "")  # a field of only spaces is no value
an_id = awkward_text.filter(lambda text: text == text.strip())  # IDs are compared, so trimmed on import
maybe = st.none() | awkward_text
reports = st.builds(
    Report,
    id=an_id,
    title=awkward_text,
    category=maybe,
    date=st.none() | st.dates().map(lambda day: day.isoformat()),
    views=st.integers(0, 2**63 - 1),
    summary=maybe,
    body=maybe,
    url=maybe,
)


def read_back(reports_written: list[Report], fmt: str, tmp_path: Path) -> list[Report]:
    """Export as the app does (to a file), read the file as ``tui-archive import`` does."""
    path = tmp_path / f"export.{fmt}"
    path.unlink(missing_ok=True)
    assert export.to_file(reports_written, fmt, path) == len(reports_written)
    _, records, _ = read_file(path)
    return [Report(**{name: value for name, value in normalise(raw).items()}) for _, raw in records]


@given(
    rows=st.lists(reports, min_size=1, max_size=4, unique_by=lambda report: report.id),
    fmt=st.sampled_from(["csv", "json"]),
)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_csv_and_json_exports_read_back_exactly(tmp_path: Path, rows: list[Report], fmt: str):
    assert read_back(rows, fmt, tmp_path) == rows


def test_a_bare_carriage_return_is_quoted_in_csv():
    out = io.StringIO()
    export.write([Report(id="R-1", title="before\rafter")], "csv", out)
    assert '"before\rafter"' in out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_hostile_corpus_survives_export_and_import_through_the_cli(tmp_path: Path, fmt: str):
    source = make_store(tmp_path / "hostile.db", [*HOSTILE, *LANGUAGE_REPORTS])
    try:
        originals = {report.id: report for report in source.iter_listing(Listing())}
    finally:
        source.close()
    exported = tmp_path / f"all.{fmt}"
    result = run("search", "--db", str(tmp_path / "hostile.db"), "--limit", "100", "--format", fmt)
    exported.write_text(result.stdout, encoding="utf-8", newline="")
    imported = run("import", str(exported), "--db", str(tmp_path / "copy.db"))
    assert imported.exit_code == 0, imported.output
    copy = Store(tmp_path / "copy.db")
    try:
        assert {report.id: report for report in copy.iter_listing(Listing())} == originals
    finally:
        copy.close()
    assert len(originals) == len(HOSTILE) + len(LANGUAGE_REPORTS)
    assert set(COLUMNS) == {field.name for field in dataclasses.fields(Report) if field.compare}


@given(
    rows=st.lists(reports, min_size=1, max_size=3, unique_by=lambda report: report.id),
    fmt=st.sampled_from(["csv", "json"]),
)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_an_archive_exported_and_imported_is_the_same_archive(tmp_path_factory, rows: list[Report], fmt: str):
    folder = tmp_path_factory.mktemp("round")
    source = make_store(folder / "source.db", [vars(report) for report in rows])
    try:
        stored = list(source.iter_listing(Listing(sort="id")))
        assert export.to_file(stored, fmt, folder / f"out.{fmt}") == len(rows)
    finally:
        source.close()
    copy = Store(folder / "copy.db")
    try:
        import_files(copy, [folder / f"out.{fmt}"])
        assert list(copy.iter_listing(Listing(sort="id"))) == stored
    finally:
        copy.close()
    assert sorted(stored, key=lambda report: report.id) == sorted(rows, key=lambda report: report.id)


def test_a_byte_that_is_not_utf8_is_located_in_a_file_without_line_breaks(empty_store: Store, tmp_path: Path):
    content = b'[{"id": "U-1", "title": "' + "é".encode() * 3_000_000 + b'"}, {"id": "U-2", "title": "caf\xe9"}]'
    with pytest.raises(ImportFailed) as caught:
        import_files(empty_store, [write(tmp_path / "one-line.json", content)])
    (problem,) = caught.value.problems
    assert str(problem).endswith(f"line 1: not UTF-8 text (byte {content.index(b'caf') + 3} of the file)")
