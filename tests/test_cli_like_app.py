"""The command line behaves like the app: categories as category: does, IDs in any case, numbers as 30,000."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core.store import Store

from .helpers import SEED_IDS, make_store, views_in_file
from .samples import big_reports

pytestmark = pytest.mark.unit


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("asked", ["Rare Earths", "rare earths", "rare", "RARE EARTH"])
def test_category_takes_any_case_and_a_prefix(archive_path: Path, asked: str):
    result = run("search", "--category", asked, "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == SEED_IDS
    assert "hint" not in result.stderr


def test_an_unknown_category_gets_a_hint_naming_the_categories(archive_path: Path):
    result = run("search", "-c", "energy", "--db", str(archive_path))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "hint: no category starts with 'energy'; the categories are: Rare Earths" in result.stderr


def test_show_finds_an_id_in_any_case_when_only_one_report_has_it(archive_path: Path):
    result = run("show", "rpt-1045", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert "RPT-1045 · Rare Earths" in result.stdout
    assert views_in_file(archive_path, "RPT-1045") == 1


def test_show_does_not_guess_between_ids_that_differ_only_in_case(tmp_path: Path):
    path = tmp_path / "cases.db"
    make_store(path, [{"id": "B-x", "title": "one"}, {"id": "b-X", "title": "other"}]).close()
    assert "one" in run("show", "B-x", "--db", str(path), "--no-count").stdout  # as stored: that one
    result = run("show", "B-X", "--db", str(path), "--no-count")  # two reports in another case: neither
    assert result.exit_code == 1
    assert "no report with ID 'B-X'" in result.stderr


def test_counts_are_written_as_the_app_writes_them(tmp_path: Path):
    store: Store = make_store(tmp_path / "big.db", big_reports(1500))
    store.close()
    result = run("search", "--limit", "2", "--db", str(tmp_path / "big.db"))
    assert result.exit_code == 0
    assert result.stderr.strip() == "2 of 1,500 reports"
