"""The ``tui-archive`` commands for scripts (tui_archive.cli)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core.locations import ENV_VAR

from .helpers import SEED_IDS, SEED_PAGE, archive_contents, dump, make_store, views_in_file

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test may reach ./archive.db of the checkout or the per-user archive."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV_VAR, raising=False)


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def assert_clean_failure(result, *fragments: str):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (result.exception and not isinstance(result.exception, SystemExit)), repr(result.exception)
    for fragment in fragments:
        assert fragment in result.output


# -- search ----------------------------------------------------------------------------------


def test_search_json_lists_the_seed_newest_first(archive_path):
    result = run("search", "--json", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [r["id"] for r in reports] == SEED_IDS
    assert [r["date"] for r in reports] == ["2026-02-12", "2024-08-27", "2023-11-24", "2023-07-13"]
    assert [r["views"] for r in reports] == [0, 0, 0, 1]
    assert {r["category"] for r in reports} == {"Rare Earths"}
    assert reports[0]["title"].startswith("Rare Earth Midstream Power")
    assert reports[0]["summary"].startswith("A Malaysian engineering study")
    assert set(reports[0]) == {"id", "title", "category", "date", "views", "summary", "body", "url"}


def test_search_with_a_query(archive_path):
    result = run("search", "Malaysian", "--json", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["RPT-1045"]


def test_search_with_a_query_matching_nothing(archive_path):
    result = run("search", "zirconium", "--json", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_search_by_category(tmp_path):
    path = tmp_path / "cats.db"
    make_store(
        path,
        [
            {"id": "E1", "title": "Grid", "category": "Energy", "date": "2024-01-01"},
            {"id": "M1", "title": "Copper", "category": "Metals", "date": "2025-01-01"},
            {"id": "E2", "title": "Solar", "category": "Energy", "date": "2025-06-01"},
        ],
    ).close()
    result = run("search", "--category", "Energy", "--json", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["E2", "E1"]
    result = run("search", "-c", "Nope", "--json", "--db", str(path))
    assert json.loads(result.stdout) == []


def test_search_sort_views_and_limit(archive_path):
    result = run("search", "--sort", "views", "--json", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)][0] == "RPT-280"
    result = run("search", "--sort", "date", "--reverse", "--json", "--db", str(archive_path))
    assert [r["id"] for r in json.loads(result.stdout)] == SEED_IDS[::-1]
    result = run("search", "--limit", "2", "--json", "--db", str(archive_path))
    assert [r["id"] for r in json.loads(result.stdout)] == SEED_IDS[:2]
    result = run("search", "--limit", "2", "--offset", "3", "--json", "--db", str(archive_path))
    assert [r["id"] for r in json.loads(result.stdout)] == SEED_IDS[3:]


def test_search_rejects_an_unknown_sort(archive_path):
    result = run("search", "--sort", "colour", "--db", str(archive_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_search_plain_output_is_one_line_per_report(archive_path):
    result = run("search", "--limit", "3", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == SEED_IDS[:3]
    assert "3 of 4 reports" in result.stderr


def test_search_plain_output_is_inert(tmp_path):
    path = tmp_path / "hostile.db"
    make_store(path, [{"id": "H1", "title": "Evil \x1b]52;c;cGF3bmVk\x07 title\x1b[2J\nnext", "category": "X"}]).close()
    result = run("search", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "␛" in result.stdout
    assert len(result.stdout.splitlines()) == 1


def test_env_var_selects_the_archive(tmp_path):
    path = tmp_path / "other.db"
    make_store(path, [{"id": "ENV-1", "title": "Only in the env archive"}]).close()
    result = run("search", "--json", env={ENV_VAR: str(path)})
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["ENV-1"]


def test_db_option_before_the_command(archive_path):
    result = run("--db", str(archive_path), "search", "Malaysian", "--json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["RPT-1045"]


def test_archive_db_in_the_current_directory_is_used(archive_path):
    shutil.copyfile(archive_path, Path.cwd() / "archive.db")
    result = run("search", "--json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == SEED_IDS


# -- show ---------------------------------------------------------------------------------


def test_show_prints_the_report_and_counts_a_view(archive_path):
    assert views_in_file(archive_path, "RPT-280") == 1
    result = run("show", "RPT-280", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert "Rare Earths in 2023: China’s Processing Grip Drives a New Diversification Race" in result.stdout
    assert "GlobalData estimates global rare earth mine production reached 350,000t REO" in result.stdout
    assert "2 views" in result.stdout
    assert views_in_file(archive_path, "RPT-280") == 2


def test_show_no_count_leaves_views(archive_path):
    result = run("show", "RPT-280", "--no-count", "--json", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["views"] == 1
    assert views_in_file(archive_path, "RPT-280") == 1


def test_show_json(archive_path):
    result = run("show", "RPT-1045", "--json", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["id"], report["views"]) == ("RPT-1045", 1)
    assert report["summary"].startswith("A Malaysian engineering study")


def test_show_missing_report(archive_path):
    before = archive_contents(archive_path)
    result = run("show", "NOPE", "--db", str(archive_path))
    assert_clean_failure(result, "NOPE")
    assert "no report" in result.stderr.lower()
    assert result.stdout == ""
    assert archive_contents(archive_path) == before


# -- import -------------------------------------------------------------------------------------


def test_import_creates_a_new_archive(tmp_path):
    new = tmp_path / "fresh" / "new.db"
    new.parent.mkdir()
    result = run("import", str(SEED_PAGE), "--db", str(new))
    assert result.exit_code == 0, result.output
    assert "imported 4 reports" in result.stdout
    assert new.exists()
    listed = run("search", "--json", "--db", str(new))
    assert [r["id"] for r in json.loads(listed.stdout)] == SEED_IDS


def test_import_one_report_says_report(tmp_path):
    source = tmp_path / "one.csv"
    source.write_text("id,title\nO1,Only one\n", encoding="utf-8")
    result = run("import", str(source), "--db", str(tmp_path / "one.db"))
    assert result.exit_code == 0, result.output
    assert "imported 1 report " in result.stdout


def test_import_bad_file_changes_nothing(archive_path, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("id,title,views\nG1,Good,1\n,No id,2\nB2,Bad views,many\n", encoding="utf-8")
    before = archive_contents(archive_path)
    result = run("import", str(source), "--db", str(archive_path))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")][:-1]  # then the outcome
    assert len(errors) == 2, result.stderr
    assert str(source) in errors[0] and "line 3" in errors[0]
    assert str(source) in errors[1] and "line 4" in errors[1]
    assert archive_contents(archive_path) == before


def test_import_skip_bad(archive_path, tmp_path):
    source = tmp_path / "mixed.csv"
    source.write_text("id,title,views\nG1,Good,1\nB2,Bad views,many\n", encoding="utf-8")
    result = run("import", "--skip-bad", str(source), "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert "imported 1 report " in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 1 and "line 3" in skipped[0]
    assert views_in_file(archive_path, "G1") == 1


def test_import_from_standard_input(tmp_path):
    lines = "".join(json.dumps({"id": f"S{i}", "title": f"From stdin {i}"}) + "\n" for i in range(500))
    result = CliRunner().invoke(cli, ["import", "-", "--db", str(tmp_path / "in.db")], input=lines)
    assert result.exit_code == 0, result.output
    assert "imported 500 reports" in result.stdout
    listed = run("search", "--json", "-n", "1000", "--db", str(tmp_path / "in.db"))
    assert len(json.loads(listed.stdout)) == 500


def test_a_bad_line_on_standard_input_is_told_and_nothing_is_imported(archive_path):
    before = archive_contents(archive_path)
    result = CliRunner().invoke(cli, ["import", "-", "--db", str(archive_path)], input="id,title\nG1,Good\n,No id\n")
    assert_clean_failure(result, "standard input: line 3")
    assert archive_contents(archive_path) == before


def test_import_from_a_command_as_the_shell_passes_it(tmp_path):
    """``tui-archive import <(command)``: the shell passes a pipe as /dev/fd/N."""
    read, write = os.pipe()
    lines = "".join(json.dumps({"id": f"C{i}", "title": f"From a command {i}"}) + "\n" for i in range(100))

    def feed() -> None:
        with os.fdopen(write, "w", encoding="utf-8") as pipe:
            pipe.write(lines)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    db = tmp_path / "piped.db"
    command = [sys.executable, "-m", "tui_archive", "import", f"/dev/fd/{read}", "--db", str(db)]
    done = subprocess.run(command, pass_fds=(read,), capture_output=True, text=True, timeout=60)
    os.close(read)
    feeder.join(5)
    assert done.returncode == 0, done.stderr
    assert "imported 100 reports" in done.stdout
    assert len(json.loads(run("search", "--json", "-n", "1000", "--db", str(db)).stdout)) == 100


def test_import_missing_file(tmp_path, archive_path):
    before = archive_contents(archive_path)
    result = run("import", str(tmp_path / "ghost.csv"), "--db", str(archive_path))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "ghost.csv" in result.stderr
    assert archive_contents(archive_path) == before


# -- archives that cannot be opened --------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("search",), ("search", "--json", "magnet"), ("show", "RPT-280"), ("import", str(SEED_PAGE))],
    ids=["search", "search-json", "show", "import"],
)
def test_db_that_is_not_sqlite(not_sqlite, args):
    content = not_sqlite.read_bytes()
    result = run(*args, "--db", str(not_sqlite))
    assert_clean_failure(result, "not an SQLite archive")
    assert str(not_sqlite) in result.stderr
    assert not_sqlite.read_bytes() == content


def test_the_app_on_a_file_that_is_not_an_archive_says_so_and_starts_nothing(not_sqlite, tmp_path):
    """The app opens its archive while its modules load; what the opening finds wrong is still
    the one sentence and exit status 1, and the file is left as it was."""
    content = not_sqlite.read_bytes()
    result = run("--db", str(not_sqlite))
    assert_clean_failure(result, "not an SQLite archive")
    assert not_sqlite.read_bytes() == content
    missing = tmp_path / "missing.db"
    assert_clean_failure(run("--db", str(missing)), "no such archive")
    assert not missing.exists()


def test_db_that_does_not_exist(tmp_path):
    missing = tmp_path / "missing.db"
    result = run("search", "--db", str(missing))
    assert_clean_failure(result, "no such archive")
    assert not missing.exists()


# -- one style of error, and help that reads whole -------------------------------------------------


ERROR_CASES = {
    "app on a folder": ["--db", "{folder}"],
    "app on a file that is not an archive": ["--db", "{notes}"],
    "unknown command": ["frobnicate"],
    "search, not an archive": ["search", "cobalt", "--db", "{notes}"],
    "search, unknown sort": ["search", "--sort", "bogus", "--db", "{archive}"],
    "search, a word to leave out before --": ["search", "-cobalt", "--db", "{archive}"],
    "search, negative limit": ["search", "-n", "-1", "--db", "{archive}"],
    "show, no such ID": ["show", "RPT-0", "--db", "{archive}"],
    "show, no ID": ["show", "--db", "{archive}"],
    "show, not an archive": ["show", "RPT-1045", "--db", "{notes}"],
    "import, bad records": ["import", "{bad}", "--db", "{archive}"],
    "import, missing file": ["import", "{folder}/missing.csv", "--db", "{archive}"],
    "import, no file": ["import", "--db", "{archive}"],
    "repair, not an archive": ["repair", "--db", "{notes}"],
    "serve, bad token": ["serve", "--token", "a b", "--db", "{archive}"],
    "serve, bad port": ["serve", "--port", "0", "--db", "{archive}"],
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_every_command_says_its_errors_with_one_prefix(case: str, archive_path, not_sqlite, tmp_path):
    """Usage errors, archive errors and import problems alike: each error line starts with "Error: "."""
    folder = tmp_path / "folder"
    folder.mkdir()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,views\n,No id,2\nB2,Bad views,many\n", encoding="utf-8")
    places = {"folder": folder, "notes": not_sqlite, "archive": archive_path, "bad": bad}
    result = run(*(arg.format(**places) for arg in ERROR_CASES[case]))
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.stderr
    said = [line for line in lines if not line.startswith(("Usage: ", "Try '"))]
    assert all(line.startswith("Error: ") for line in said), result.stderr
    assert not any(line.lower().startswith("error:") and not line.startswith("Error: ") for line in lines)


COMMANDS = ["search", "show", "related", "import", "repair", "serve"]


def paragraphs(text: str) -> list[str]:
    """The help's prose, each paragraph as one line (wrapping undone)."""
    return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]


@pytest.mark.parametrize("width", [80, 50])
def test_the_command_list_gives_each_summary_whole(width: int):
    result = CliRunner().invoke(cli, ["--help"], terminal_width=width)
    assert result.exit_code == 0
    listing = result.stdout.split("Commands:")[1]
    entries = re.split(r"\n  (?=\w)", "\n" + listing)
    summaries = {entry.split()[0]: " ".join(entry.split()[1:]) for entry in entries if entry.strip()}
    assert sorted(summaries) == sorted(COMMANDS)
    for name, summary in summaries.items():
        assert summary == cli.commands[name].short_help, (name, summary)
        assert "..." not in summary and summary.endswith(".") and summary[0].isupper()


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_each_help_reads_as_whole_sentences(command: str, width: int):
    result = CliRunner().invoke(cli, [command, "--help"] if command else ["--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    text = result.stdout
    # No word broken at its hyphen over two lines (--skip-\nbad), nothing cut short, no line too wide.
    assert not re.search(r"\w-\n", text), text
    assert all(len(line) <= max(width, 80) for line in text.splitlines()), text
    description = text.split("Options:")[0].split("\n\n", 1)[1]
    table = re.compile(r"^ *\S.*?\S {2,}\S")  # the search syntax: a table, not prose
    prose = [paragraphs(raw)[0] for raw in description.split("\n\n") if raw.strip() and not table.match(raw)]
    assert prose, text
    for paragraph in prose:
        assert paragraph[0].isupper() and paragraph.endswith("."), paragraph
    if command == "import":
        assert "(unless --skip-bad)." in paragraphs(description)[-1]
    if command == "search":
        assert 'category:"rare earths"' in text  # a quoted value kept on one line
        assert "Only reports whose category starts with this, in any case" in " ".join(text.split())


def test_read_only_shows_and_searches_but_writes_nothing(archive_path: Path):
    """--read-only, for a replica or a copy: reading works, nothing in the file changes."""
    before = dump(archive_path)
    shown = CliRunner().invoke(cli, ["--read-only", "--db", str(archive_path), "show", "RPT-280"])
    assert shown.exit_code == 0, shown.output
    assert "RPT-280" in shown.stdout
    assert "read-only: this view was not counted" in shown.stderr
    found = CliRunner().invoke(cli, ["--read-only", "--db", str(archive_path), "search", "rare"])
    assert found.exit_code == 0 and "RPT-280" in found.stdout
    refused = CliRunner().invoke(cli, ["--read-only", "--db", str(archive_path), "import", str(archive_path)])
    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith("the archive is read-only")
    assert dump(archive_path) == before


def test_read_only_makes_no_archive(tmp_path: Path):
    missing = tmp_path / "replica.db"
    result = CliRunner().invoke(cli, ["--read-only", "--db", str(missing), "import", str(missing)])
    assert result.exit_code == 1 and "no such archive" in result.stderr
    assert not missing.exists()
