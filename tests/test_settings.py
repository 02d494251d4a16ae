"""The settings file: the theme chosen is remembered, and a damaged file never stops anything."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui_archive.core import locations
from tui_archive.core.errors import FileFailed
from tui_archive.core.settings import MAX_BYTES, Settings, SettingsFile

pytestmark = pytest.mark.unit


def test_the_file_lives_in_the_users_config_directory(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert locations.settings_file() == tmp_path / "config" / "tui-archive" / "settings.json"


def test_a_theme_saved_is_the_theme_loaded(tmp_path: Path):
    path = tmp_path / "config" / "tui-archive" / "settings.json"  # the folders do not exist yet
    assert SettingsFile(path).load() == Settings()
    SettingsFile(path).save_theme("textual-light")
    assert SettingsFile(path).load() == Settings(theme="textual-light")
    SettingsFile(path).save_theme("nord")
    assert SettingsFile(path).load() == Settings(theme="nord")
    assert json.loads(path.read_text(encoding="utf-8")) == {"theme": "nord"}
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]  # no temporary file left


def test_keys_it_does_not_know_are_kept(tmp_path: Path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "nord", "later": [1, 2]}), encoding="utf-8")
    SettingsFile(path).save_theme("gruvbox")
    assert json.loads(path.read_text(encoding="utf-8")) == {"theme": "gruvbox", "later": [1, 2]}


DAMAGED = {
    "not JSON": b'{"theme": ',
    "not UTF-8": b'{"theme": "\xff\xfe"}',
    "a list": b'["textual-light"]',
    "too large": b'{"theme": "nord", "x": "' + b"a" * MAX_BYTES + b'"}',
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
}
NOT_A_THEME = {
    "a theme that is a number": b'{"theme": 42}',
    "a blank theme": b'{"theme": "  "}',
    "a theme of 10,000 characters": b'{"theme": "' + b"t" * 10_000 + b'"}',
}


@pytest.mark.parametrize("content", [*DAMAGED.values(), *NOT_A_THEME.values()], ids=[*DAMAGED, *NOT_A_THEME])
def test_a_damaged_file_gives_the_default_and_says_why(tmp_path: Path, content: bytes):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings = SettingsFile(path).load()
    assert settings.theme is None
    assert str(path) in settings.problem and "using the default theme" in settings.problem
    assert "\n" not in settings.problem and len(settings.problem) < 300 + len(str(path))


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_choosing_a_theme_over_a_damaged_file_writes_a_good_one_and_keeps_the_old(tmp_path: Path, content: bytes):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings = SettingsFile(path)
    settings.load()
    settings.save_theme("textual-light")
    assert SettingsFile(path).load() == Settings(theme="textual-light")
    assert (tmp_path / "settings.json.bad").read_bytes() == content


@pytest.mark.parametrize("content", NOT_A_THEME.values(), ids=NOT_A_THEME.keys())
def test_choosing_a_theme_replaces_one_that_is_not_a_name(tmp_path: Path, content: bytes):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    SettingsFile(path).save_theme("textual-light")
    assert SettingsFile(path).load() == Settings(theme="textual-light")


def test_a_directory_in_its_place_is_not_read_and_not_written(tmp_path: Path):
    path = tmp_path / "settings.json"
    path.mkdir()
    settings = SettingsFile(path)
    assert "using the default theme" in settings.load().problem
    with pytest.raises(FileFailed, match="theme not remembered"):
        settings.save_theme("nord")
    assert path.is_dir()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that apply")
def test_an_unreadable_file_gives_the_default(tmp_path: Path):
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "nord"}', encoding="utf-8")
    path.chmod(0)
    try:
        settings = SettingsFile(path).load()
    finally:
        path.chmod(0o600)
    assert settings.theme is None and "using the default theme" in settings.problem


def test_a_config_folder_that_cannot_be_made_is_a_file_failure(tmp_path: Path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    settings = SettingsFile(blocker / "tui-archive" / "settings.json")
    assert settings.load().theme is None
    with pytest.raises(FileFailed, match="theme not remembered"):
        settings.save_theme("nord")


def test_no_file_keeps_nothing(tmp_path: Path):
    settings = SettingsFile(None)
    settings.save_theme("nord")
    assert settings.load() == Settings()
