"""The test suite's own rules: each module is in one layer, and no module imports another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

TESTS = Path(__file__).resolve().parent
LAYERS = {"unit", "app", "terminal"}
MODULES = sorted(TESTS.glob("test_*.py"))


def layer_marks(tree: ast.Module) -> list[str]:
    """The layer markers named in the module's ``pytestmark``."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            return [n.attr for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and n.attr in LAYERS]
    return []


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_each_module_is_in_exactly_one_layer(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert len(layer_marks(tree)) == 1, f"{path.name}: pytestmark must name one of {sorted(LAYERS)}"
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                marks = {n.attr for n in ast.walk(decorator) if isinstance(n, ast.Attribute)}
                assert not marks & LAYERS, f"{path.name}: {node.name} has a layer of its own; split the module"


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_no_module_imports_another_test_module(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[-1]
            assert not module.startswith("test_") and module != "conftest", f"{path.name} imports {node.module}"
