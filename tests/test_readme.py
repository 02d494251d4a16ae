"""The README describes the search language the app speaks: every row of SEARCH_SYNTAX."""

from __future__ import annotations

import pytest

from tui_archive.core.query import SEARCH_SYNTAX

from .helpers import README

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("example", [example for example, _ in SEARCH_SYNTAX])
def test_readme_lists_each_search_syntax_example(example: str):
    assert f"`{example}`" in README.read_text(encoding="utf-8"), f"README.md does not show `{example}`"
