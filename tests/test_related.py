"""Reports like one report: related:ID in the search language, and tui-archive related."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core.listing import RELEVANCE_CANDIDATES, Listing
from tui_archive.core.locations import ENV_VAR
from tui_archive.core.query import parse_query, related_text
from tui_archive.core.related import HOLDING
from tui_archive.core.store import Store

from .helpers import make_store

pytestmark = pytest.mark.unit

FILLER_WORDS = "market supply report analysis trade prices demand outlook".split()


def records() -> list[dict]:
    """A report on a Zambian cobalt refinery, two that share some of its rarer words, one that shares
    only common words, and filler that makes the common words common."""
    rows = [
        {"id": "RPT-1", "title": "Cobalt refinery in Zambia", "summary": "Kitwe smelter expansion and market supply"},
        {"id": "RPT-2", "title": "Zambia cobalt refinery restarts", "summary": "Kitwe smelter back online"},
        {"id": "RPT-3", "title": "Copper belt news", "summary": "A new smelter near Kitwe, market supply"},
        {"id": "RPT-4", "title": "Market supply outlook", "summary": "Market supply and trade prices"},
        {"id": "RPT-5", "title": "Lonely words", "summary": ""},
    ]
    for n in range(6, 40):
        words = " ".join(FILLER_WORDS[(n + k) % len(FILLER_WORDS)] for k in range(5))
        rows.append({"id": f"RPT-{n}", "title": words, "summary": f"{words} and more {words}"})
    return rows


@pytest.fixture
def related_store(tmp_path: Path):
    store = make_store(tmp_path / "related.db", records())
    yield store
    store.close()


def ids(store: Store, text: str) -> list[str]:
    return [report.id for report in store.window(Listing(text=text), 0, 50)]


def test_reports_sharing_the_rarest_words_come_first_and_the_report_itself_is_left_out(related_store: Store):
    found = ids(related_store, "related:RPT-1")
    assert "RPT-1" not in found
    assert found[:2] == ["RPT-2", "RPT-3"]  # all its rare words, then one (smelter, kitwe)
    assert "RPT-4" not in found and "RPT-5" not in found  # common words only; no word in common
    assert related_store.count(Listing(text="related:RPT-1")) == len(found)


def test_an_id_in_another_case_is_found_and_an_unknown_id_lists_nothing(related_store: Store):
    assert ids(related_store, "related:rpt-1") == ids(related_store, "related:RPT-1")
    assert ids(related_store, "related:RPT-999") == []
    assert related_store.count(Listing(text="related:RPT-999")) == 0
    assert related_store.related_listing("RPT-999") is None


def test_a_report_sharing_no_word_has_no_related_reports(related_store: Store):
    listing = related_store.related_listing("RPT-5")
    assert listing is not None and listing.related is not None and listing.related.terms == ()
    assert ids(related_store, "related:RPT-5") == []


def test_other_words_and_fields_narrow_the_related_reports(related_store: Store):
    assert ids(related_store, "related:RPT-1 restarts") == ["RPT-2"]
    assert ids(related_store, "related:RPT-1 -restarts")[:1] == ["RPT-3"]


def test_related_text_round_trips_ids_with_spaces_and_refuses_quotes():
    assert parse_query(related_text("RPT-1") or "").related == "RPT-1"
    assert parse_query(related_text("Report one") or "").related == "Report one"
    assert related_text('say "hi"') is None
    assert not parse_query("related:RPT-1").empty


def test_the_words_chosen_are_all_ranked():
    """The reports the words find are fewer than the best-match listing ranks in full."""
    assert HOLDING <= RELEVANCE_CANDIDATES


def test_a_read_only_archive_is_not_written(tmp_path: Path, monkeypatch):
    path = tmp_path / "ro.db"
    make_store(path, records()).close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode, **kw))
    store = Store(path, create=False)
    monkeypatch.undo()
    assert store.readonly
    try:
        assert ids(store, "related:RPT-1")[:2] == ["RPT-2", "RPT-3"]
    finally:
        store.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # The words table lives in temp: other tools see no new table in the file.
    with Store(path, create=False) as again, again.connection() as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert not any("related" in name for name in names)


# -- tui-archive related -------------------------------------------------------------------


@pytest.fixture
def related_db(tmp_path: Path, monkeypatch) -> Path:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = tmp_path / "cli.db"
    make_store(path, records()).close()
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cli_lists_related_reports_best_first_and_names_the_words(related_db: Path):
    result = run("related", "rpt-1", "--db", str(related_db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines[:2]] == ["RPT-2", "RPT-3"]
    assert all(not line.startswith("RPT-1\t") for line in lines)
    assert "like RPT-1, by the words" in result.stderr and "kitwe" in result.stderr


def test_cli_json_is_a_list_of_reports_as_search_gives_them(related_db: Path):
    result = run("related", "RPT-1", "--json", "--limit", "1", "--db", str(related_db))
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [report["id"] for report in reports] == ["RPT-2"]
    searched = json.loads(run("search", "id:RPT-2", "--json", "--db", str(related_db)).stdout)
    assert reports == searched


def test_cli_unknown_id_is_one_line_and_exit_1(related_db: Path):
    result = run("related", "RPT-999", "--db", str(related_db))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["Error: no report with ID 'RPT-999'"]


def test_cli_report_with_no_shared_words_says_so(related_db: Path):
    result = run("related", "RPT-5", "--db", str(related_db))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no reports like RPT-5" in result.stderr
