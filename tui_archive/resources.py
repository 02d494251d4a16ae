"""Files that ship with the package: styles and the sample archive page."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent

SAMPLE_PAGE = _HERE / "data" / "global-analysis-archive.txt"


def styles_dir() -> Path:
    """The ``.tcss`` folder: inside the installed package, or beside it in a checkout."""
    installed = _HERE / "styles"
    return installed if installed.is_dir() else _HERE.parent / "styles"
