"""The layers hold at run time: the core and the CLI's commands for scripts load no Textual or Rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

UI_PACKAGES = ("textual", "rich")

LOADED_UI = (
    f"import sys; loaded = sorted(m for m in sys.modules if m.split('.')[0] in {set(UI_PACKAGES)!r}); "
    "print(' '.join(loaded)); sys.exit(1 if loaded else 0)"
)


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_every_core_module_loads_without_textual_or_rich():
    code = (
        "import importlib, pkgutil, tui_archive.core as core; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(core.__path__, 'tui_archive.core.')]; "
        + LOADED_UI
    )
    result = run(code)
    assert result.returncode == 0, f"the core loaded {result.stdout.strip()} {result.stderr}"


@pytest.mark.parametrize(
    "args",
    [
        ["search", "magnet"],
        ["search", "", "--format", "json"],
        ["show", "RPT-1045", "--no-count"],
        ["import", "{seed}"],
    ],
)
def test_cli_commands_for_scripts_load_no_ui(args, seed_page: Path, tmp_path: Path):
    """Scripts pay for neither Textual nor Rich: only the app itself loads them."""
    db = tmp_path / "layers.db"
    seed = str(seed_page)
    argv = ["tui-archive", "--db", str(db), *(a.replace("{seed}", seed) for a in args)]
    code = (
        f"import sys; sys.argv = {argv!r}\n"
        "from tui_archive.core.importers import import_files\n"
        "from tui_archive.core.store import Store\n"
        f"with Store({str(db)!r}) as store: import_files(store, [{seed!r}])\n"
        "from tui_archive.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        + LOADED_UI.replace("; ", "\n")
    )
    result = run(code)
    assert result.returncode == 0, f"{args} loaded {result.stdout.strip()[-300:]} {result.stderr[-2000:]}"
