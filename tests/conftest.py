"""Shared fixtures: archives in temporary folders, built from the seed page, never the committed archive.db.

The helpers the tests read and wait with are in helpers.py; record sets in samples.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui_archive.core.importers import import_files
from tui_archive.core.store import Store

from .helpers import COMMITTED_ARCHIVE, CONSOLE_SCRIPT, SEED_PAGE, Served, Terminal, make_store, write_foreign_archive
from .samples import HOSTILE, HOSTILE_NAME, LANGUAGE_REPORTS, big_reports, huge_rows, typed_rows


@pytest.fixture
def seed_page() -> Path:
    return SEED_PAGE


@pytest.fixture(scope="session")
def seed_template(tmp_path_factory) -> Path:
    """The seed page imported into a new archive, once per session (each test gets a copy)."""
    path = tmp_path_factory.mktemp("seed-template") / "archive.db"
    store = Store(path)
    import_files(store, [SEED_PAGE])
    store.close()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the template archive is not one file after closing: {leftovers}"
    return path


@pytest.fixture
def archive_path(tmp_path: Path, seed_template: Path) -> Path:
    """A new archive of the seed page's four reports (RPT-280 with its one view), safe to write to."""
    path = tmp_path / "archive.db"
    shutil.copyfile(seed_template, path)
    return path


@pytest.fixture
def store(archive_path: Path):
    store = Store(archive_path)
    yield store
    store.close()


@pytest.fixture
def committed_archive(tmp_path: Path) -> Path:
    """A copy of the committed archive.db, the file shipped with the project."""
    folder = tmp_path / "committed"
    folder.mkdir()
    path = folder / "archive.db"
    shutil.copyfile(COMMITTED_ARCHIVE, path)
    return path


@pytest.fixture
def committed_store(committed_archive: Path):
    store = Store(committed_archive)
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path):
    store = Store(tmp_path / "new.db")
    yield store
    store.close()


@pytest.fixture
def not_sqlite(tmp_path: Path) -> Path:
    """A file named like an archive that is not one."""
    path = tmp_path / "notes.db"
    path.write_text("Shopping list: milk, eggs.\n" * 100, encoding="utf-8")
    return path


@pytest.fixture
def seed_imported(tmp_path: Path):
    """A new archive made by importing the seed page, in the test itself."""
    store = Store(tmp_path / "seed.db")
    import_files(store, [SEED_PAGE])
    yield store
    store.close()


@pytest.fixture
def hostile_store(tmp_path: Path):
    """Reports whose text carries markup, escape sequences, bidi overrides, huge and wide fields."""
    store = make_store(tmp_path / "hostile.db", HOSTILE)
    store.set_name(HOSTILE_NAME)
    yield store
    store.close()


@pytest.fixture(scope="module")
def language_store(tmp_path_factory):
    """Five reports for the search language's fields, phrases, exclusion and OR (read only)."""
    store = make_store(tmp_path_factory.mktemp("ql") / "ql.db", LANGUAGE_REPORTS)
    yield store
    store.close()


@pytest.fixture(scope="session")
def big_archive(tmp_path_factory) -> Path:
    """50,000 reports, built once per session (tests only read it)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    make_store(path, big_reports()).close()
    return path


@pytest.fixture
def big_store(big_archive: Path):
    store = Store(big_archive)
    yield store
    store.close()


@pytest.fixture
def served(tmp_path: Path, archive_path: Path):
    """``tui-archive serve`` on a copy of the seed archive, in a folder whose name needs quoting."""
    folder = tmp_path / "a folder with 'quotes' and spaces"
    folder.mkdir()
    db = folder / "archive.db"
    shutil.copyfile(archive_path, db)
    server = Served(tmp_path, db)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def typed_template(tmp_path_factory) -> Path:
    """Rows another program wrote: every kind of SQLite value in every column (built once)."""
    return write_foreign_archive(tmp_path_factory.mktemp("typed") / "typed.db", typed_rows())


@pytest.fixture
def typed_archive(tmp_path: Path, typed_template: Path) -> Path:
    """A copy of the typed rows' archive, safe to write to."""
    path = tmp_path / "typed.db"
    shutil.copyfile(typed_template, path)
    return path


@pytest.fixture(scope="module")
def huge_archive(tmp_path_factory) -> Path:
    """A 10 MB value in each column, one row each (about 200 MB; one per test module)."""
    return write_foreign_archive(tmp_path_factory.mktemp("huge") / "huge.db", huge_rows())


@pytest.fixture
def terminal(tmp_path: Path):
    """A private tmux server for the installed console script (see helpers.Terminal); closed after."""
    assert CONSOLE_SCRIPT.exists(), f"the console script is not installed at {CONSOLE_SCRIPT}"
    terminal = Terminal(tmp_path)
    try:
        yield terminal
    finally:
        terminal.close()
