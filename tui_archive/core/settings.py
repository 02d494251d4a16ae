"""The user's settings for the app: a small JSON file in the config directory.

For now it holds the theme chosen in the command palette, so the next start
uses it. The file is the user's, and may be edited by hand or damaged: one
that cannot be read or understood never stops the app, which starts with the
default and says so (:attr:`Settings.problem`); choosing a theme again writes
a new file, keeping the damaged one beside it as ``settings.json.bad``. Keys
this version does not know are kept when the file is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import from_os

MAX_BYTES = 64_000
"""A settings file larger than this is not read (it cannot have been written by us)."""
MAX_THEME = 100
"""Characters of a theme name; a longer one is not a theme."""


@dataclass(frozen=True)
class Settings:
    theme: str | None = None
    """The theme's name, as Textual knows it (``textual-light``); None for the default."""
    problem: str = ""
    """Why the file was not used, in one sentence for the user; empty when it was (or is absent)."""


class SettingsFile:
    """The settings file at ``path``; ``path=None`` keeps nothing (tests, a throwaway session)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._damaged = False

    def load(self) -> Settings:
        """The settings saved, or the defaults (with the reason) when the file cannot be used."""
        if self.path is None:
            return Settings()
        data, problem = _read(self.path)
        self._damaged = bool(problem)
        if problem:
            return Settings(problem=f"settings not read from {self.path} ({problem}): using the default theme")
        theme = data.get("theme")
        if theme is None:
            return Settings()
        if not isinstance(theme, str) or not theme.strip() or len(theme) > MAX_THEME:
            return Settings(problem=f"the theme in {self.path} is not a theme name: using the default theme")
        return Settings(theme=theme)

    def save_theme(self, theme: str) -> None:
        """Remember ``theme``. Raises :class:`~.errors.FileFailed` when the file cannot be written."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data, problem = _read(self.path)
            if problem or self._damaged:
                _keep_damaged(self.path)
                self._damaged = False
                data = {}
            data["theme"] = theme
            _write(self.path, data)
        except OSError as error:
            raise from_os(error, f"theme not remembered in {self.path}") from error


def _read(path: Path) -> tuple[dict[str, Any], str]:
    """The file's settings, and what is wrong with it (empty: nothing; a missing file is no settings yet)."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}, ""
    except OSError as error:
        return {}, error.strerror or str(error)
    if len(raw) > MAX_BYTES:
        return {}, f"larger than {MAX_BYTES:,} bytes"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return {}, "not UTF-8 text"
    except (ValueError, RecursionError):
        return {}, "not JSON"
    if not isinstance(data, dict):
        return {}, "not a JSON object"
    return data, ""


def _write(path: Path, data: dict[str, Any]) -> None:
    """Write a new file and rename it over the old one: never half a file."""
    fd, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2, ensure_ascii=False)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _keep_damaged(path: Path) -> None:
    """Keep a damaged file as ``.bad`` (replacing an older one), for whoever wants to look."""
    try:
        if path.is_file():
            os.replace(path, path.with_name(path.name + ".bad"))
    except OSError:
        pass  # it is written over instead
