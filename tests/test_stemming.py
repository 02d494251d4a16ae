"""Search finds word forms, shows why a report matched, and archives of the previous version are upgraded.

At the store: stems, prefixes and phrases; where the words of a search are in a text; the words of a
body around a match. Upgrading a schema 2 archive keeps every report and view, and rows that
sqlite-utils writes afterwards are found. From the command line: the snippet, and marks only in a terminal.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from tui_archive import cli as cli_module
from tui_archive.cli import cli
from tui_archive.core import schema
from tui_archive.core import store as store_module
from tui_archive.core.listing import Listing
from tui_archive.core.matches import Highlighter, match_spans
from tui_archive.core.query import parse_query
from tui_archive.core.store import Store

from .helpers import SEED_IDS, make_store, views_in_file
from .samples import HARBOUR

pytestmark = pytest.mark.unit


def found(store: Store, text: str, *, typing: bool = False) -> list[str]:
    return sorted(report.id for report in store.window(Listing(text=text, typing=typing), 0, 100))


def marked(text: str, query: str, *, typing: bool = False, tokenize: str = schema.TOKENIZE) -> list[str]:
    """The words of ``text`` that ``query`` marks."""
    return [text[start:end] for start, end in match_spans(text, parse_query(query, typing=typing).terms, tokenize)]


@pytest.fixture
def harbour(store: Store) -> Store:
    """The seed page's four reports, and one whose body alone mentions supply chains."""
    with store.writer() as writer:
        writer.upsert(dict(HARBOUR))
    return store


# -- stems, prefixes and phrases at the store --------------------------------------------


def test_words_find_their_other_forms(store: Store):
    # The seed's titles say "Supply Chains" and its summaries "processing".
    assert found(store, "supply chain") == ["RPT-1279", "RPT-363"]
    assert found(store, '"supply chain"') == ["RPT-1279", "RPT-363"]
    assert found(store, "processes") == sorted(SEED_IDS)
    assert found(store, "Chains") == found(store, "chain") == ["RPT-1279", "RPT-363"]


def test_accents_are_ignored(tmp_path: Path):
    with make_store(tmp_path / "a.db", [{"id": "X-1", "title": "Café résumés"}]) as store:
        assert found(store, "cafe resume") == ["X-1"]


def test_prefixes_and_phrases_keep_working(store: Store):
    assert found(store, "chai*") == ["RPT-1279", "RPT-363"]
    assert found(store, "Malays*") == ["RPT-1045"]  # stemmed alone, the prefix would be malai*
    assert found(store, "magn* Malaysian") == ["RPT-1045"]
    assert found(store, '"rare earth supply chains"') == ["RPT-363"]
    assert found(store, '"chains supply"') == []  # a phrase is still in its order


def test_the_word_being_typed_finds_reports_at_every_letter(store: Store):
    word = "processing"
    for end in range(3, len(word) + 1):
        assert found(store, word[:end], typing=True) == sorted(SEED_IDS), word[:end]
    # A shorter word is looked for only where the letters typed after it begin an ending stemming
    # takes off: "rarew" is no form of "rare" (in every seed report).
    assert found(store, "rarew", typing=True) == []
    assert found(store, "rarewo", typing=True) == []


# -- why it matched ------------------------------------------------------------------------


def test_match_spans_are_the_words_that_stem_to_the_search_terms():
    title = "Rare Earth Supply Chains: China’s Processing Grip"
    assert marked(title, "supply chain processes") == ["Supply", "Chains", "Processing"]
    assert marked(title, '"supply chain"') == ["Supply Chains"]
    assert marked(title, "chai", typing=True) == ["Chains"]
    assert marked(title, "earth -china") == ["Earth"]  # a word left out is not marked
    assert marked(title, "category:energy") == []
    assert marked("the processing of processes", "process") == ["processing", "processes"]


def test_match_spans_follow_the_archives_tokenizer():
    """A read-only archive of the previous version does not stem: neither do its highlights."""
    assert marked("Supply Chains", "chain", tokenize=schema.UNSTEMMED) == []
    assert marked("Supply Chains", "chains", tokenize=schema.UNSTEMMED) == ["Chains"]


def test_match_spans_take_the_text_as_it_is_shown():
    # Cleaned text shows a control character as a symbol; the words around it are still found.
    assert marked("cobalt␂supply chains", "supply") == ["supply"]
    # Text that was not cleaned (holding the marks themselves) gets no spans rather than wrong ones.
    assert marked("cobalt\x02supply", "supply") == []
    assert Highlighter(parse_query("supply").terms).spans("Supply [bold]chains[/bold]") == [(0, 6)]


def test_a_match_only_in_the_body_gives_the_words_around_it(harbour: Store):
    report = harbour.get("RPT-9001")
    assert report is not None and report.rowid is not None
    snippet = harbour.snippet(report.rowid, parse_query("supply chains").terms)
    assert snippet is not None
    assert "processing ore for new supply chains across Asia" in snippet.text
    assert [snippet.text[a:b] for a, b in snippet.spans] == ["supply", "chains"]
    assert snippet.text.startswith("…") or snippet.text.endswith("…")  # around the match, not the whole body
    assert harbour.snippet(report.rowid, parse_query("magnet").terms) is None  # not in its body


def test_a_snippet_is_made_inert_with_its_spans_kept(store: Store):
    with store.writer() as writer:
        writer.upsert({"id": "X-1", "title": "t", "body": "alpha \x1b[31mred\r\nsupply\u202e chains omega"})
        writer.upsert({"id": "X-2", "title": "t", "body": "marks \x02 in the supply text \x03 itself"})
    one, two = (store.get(report_id) for report_id in ("X-1", "X-2"))
    assert one is not None and one.rowid is not None and two is not None and two.rowid is not None
    shown = store.snippet(one.rowid, parse_query("supply chains").terms)
    assert shown is not None
    cleaned = shown.cleaned()
    assert "\x1b" not in cleaned.text and "\u202e" not in cleaned.text and "\n" not in cleaned.text
    assert [cleaned.text[a:b] for a, b in cleaned.spans] == ["supply", "chains"]
    other = store.snippet(two.rowid, parse_query("supply").terms)
    assert other is not None and other.spans == ()  # the body holds the marks' characters: no spans guessed
    assert "␂" in other.cleaned().text


# -- upgrading an archive of schema version 2 --------------------------------------------------


def as_version_2(path: Path) -> None:
    """The archive as the previous version left it: schema 2, an index of whole words."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        schema.make_fts(conn)
        conn.execute("DROP TABLE reports_fts")
        conn.execute(schema.FTS_TABLE.replace(schema.TOKENIZE, schema.UNSTEMMED))
        schema.make_triggers(conn)
        schema.rebuild_fts(conn)
        conn.execute("PRAGMA user_version = 2")
        conn.execute("COMMIT")
    finally:
        conn.close()


def rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT rowid, * FROM reports ORDER BY rowid").fetchall()
    finally:
        conn.close()


def tokenizer_in_file(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return schema.fts_tokenize(conn)
    finally:
        conn.close()


def test_an_archive_of_the_previous_version_is_upgraded_in_place(archive_path: Path):
    as_version_2(archive_path)
    before = rows(archive_path)
    with Store(archive_path) as old:  # opened read-write by this version: upgraded, all in one
        pass
    assert tokenizer_in_file(archive_path) == schema.TOKENIZE
    with Store(archive_path) as store:
        assert not store.upgrades and not store.repairs  # once only
        assert found(store, "supply chain") == ["RPT-1279", "RPT-363"]
        assert store.count() == 4
    assert old.upgrades == ['searches now match word forms ("chains" finds "chain"): the full-text index was rebuilt']
    assert rows(archive_path) == before  # every report and view as it was
    assert views_in_file(archive_path, "RPT-280") == 1
    conn = sqlite3.connect(archive_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 3
    conn.close()


def test_an_archive_of_the_previous_version_without_its_index_is_searchable_once_upgraded(archive_path: Path):
    """sqlite-utils disable-fts on a schema 2 archive: the upgrade makes the index, stemming."""
    as_version_2(archive_path)
    db = sqlite_utils.Database(archive_path)
    db["reports"].disable_fts()
    db.close()
    with Store(archive_path) as store:
        assert found(store, "supply chain") == ["RPT-1279", "RPT-363"]


def test_a_stale_index_of_whole_words_is_made_again_to_stem(archive_path: Path):
    as_version_2(archive_path)
    conn = sqlite3.connect(archive_path)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("DROP TRIGGER reports_ai")
    conn.execute("INSERT INTO reports (id, title, views) VALUES ('NEW-1', 'Pangolin chains', 0)")
    conn.commit()
    conn.close()
    with Store(archive_path) as store:
        assert store.repairs  # out of step, with another tokenizer: one rebuild puts both right
        assert found(store, "chain") == ["NEW-1", "RPT-1279", "RPT-363"]
    with Store(archive_path) as store:
        assert store.repairs == []
    assert tokenizer_in_file(archive_path) == schema.TOKENIZE


def test_the_upgrade_reports_progress(tmp_path: Path):
    path = tmp_path / "many.db"
    make_store(path, ({"id": f"R-{n}", "title": f"chains {n}"} for n in range(45_000))).close()
    as_version_2(path)
    heard: list[tuple[int, int]] = []
    with Store(path, progress=lambda done, total: heard.append((done, total))) as store:
        assert store.count(Listing(text="chain")) == 45_000
    assert heard[0] == (0, 45_000) and heard[-1] == (45_000, 45_000) and len(heard) >= 3


def test_rows_sqlite_utils_writes_after_the_upgrade_are_found(archive_path: Path):
    as_version_2(archive_path)
    Store(archive_path).close()
    db = sqlite_utils.Database(archive_path)
    db["reports"].insert({"id": "SU-1", "title": "Processes of counting pangolins", "views": 0})
    db["reports"].update("RPT-280", {"title": "Nickel laterites"})
    assert db["reports"].detect_fts() == "reports_fts"  # sqlite-utils (and Datasette) still find the index
    assert [row["id"] for row in db["reports"].search("pangolin")] == ["SU-1"]
    db.close()
    with Store(archive_path) as store:
        assert store.repairs == []
        assert found(store, "processing pangolin") == ["SU-1"]
        assert found(store, "laterite") == ["RPT-280"]


def test_the_index_made_with_another_tokenizer_is_rebuilt_where_it_may_be(archive_path: Path):
    """Another program made the index again without the stemmer (sqlite-utils enable-fts --replace)."""
    db = sqlite_utils.Database(archive_path)
    db["reports"].enable_fts(["title", "summary", "body"], replace=True)
    db.close()
    with Store(archive_path) as store:
        assert store.repairs == [
            "rebuilt the full-text index so that searches match word forms (it had another tokenizer)"
        ]
        assert found(store, "supply chain") == ["RPT-1279", "RPT-363"]


def test_a_read_only_archive_of_the_previous_version_is_searched_as_it_is(archive_path: Path, monkeypatch):
    as_version_2(archive_path)
    before = archive_path.read_bytes()
    monkeypatch.setattr(store_module.os, "access", lambda path, mode, **kwargs: mode != os.W_OK)
    with Store(archive_path) as store:
        assert store.readonly and store.tokenize == schema.UNSTEMMED
        assert found(store, "supply chains") == ["RPT-1279", "RPT-363"]  # whole words, as before
        assert found(store, "supply chain") == []
    assert archive_path.read_bytes() == before


def test_an_archive_of_a_newer_version_is_refused(archive_path: Path):
    conn = sqlite3.connect(archive_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["search", "--db", str(archive_path), "chain"])
    assert result.exit_code == 1
    assert "written by a newer tui-archive" in result.output


# -- the command line ----------------------------------------------------------------------


def test_search_json_gives_the_snippet_on_request(harbour: Store):
    args = ["search", "--db", str(harbour.path), "--json"]
    plain = json.loads(CliRunner().invoke(cli, [*args, "supply", "chains"]).output)
    assert "snippet" not in plain[0]
    result = CliRunner().invoke(cli, [*args, "--snippet", "supply", "chains"])
    assert result.exit_code == 0, result.output
    reports = {report["id"]: report for report in json.loads(result.output)}
    assert set(reports) == {"RPT-9001", "RPT-1279", "RPT-363"}
    harbour_report = reports["RPT-9001"]
    text = harbour_report["snippet"]
    assert [text[a:b] for a, b in harbour_report["snippet_matches"]] == ["supply", "chains"]
    assert reports["RPT-363"]["snippet"] is None  # no body
    assert reports["RPT-363"]["snippet_matches"] == []


def test_search_marks_the_matches_only_in_a_terminal(harbour: Store, monkeypatch):
    args = ["search", "--db", str(harbour.path), "--snippet", "supply", "chains"]
    piped = CliRunner().invoke(cli, args, color=True)
    assert piped.exit_code == 0 and "\x1b" not in piped.output
    assert "Rare Earth Supply Chains" in piped.output
    monkeypatch.setattr(cli_module, "_to_terminal", lambda: True)
    shown = CliRunner().invoke(cli, args, color=True)
    assert shown.exit_code == 0
    bold_underlined = "\x1b[1m\x1b[4m"
    assert f"Rare Earth {bold_underlined}Supply\x1b[0m {bold_underlined}Chains\x1b[0m:" in shown.output
    assert f"new {bold_underlined}supply\x1b[0m {bold_underlined}chains\x1b[0m across" in shown.output


def test_snippet_goes_with_text_or_json_only(store: Store):
    result = CliRunner().invoke(cli, ["search", "--db", str(store.path), "--format", "csv", "--snippet", "x"])
    assert result.exit_code == 2 and "--snippet goes with the text listing or --json" in result.output
