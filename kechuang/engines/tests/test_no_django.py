"""The engines are plain Python: no module under kechuang/engines imports Django, directly or
through another module, so they run (and are tested) without a configured project."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ENGINES = Path(__file__).resolve().parents[1]
ROOT = ENGINES.parents[1]
SOURCES = sorted(ENGINES.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = [module_name(path) for path in SOURCES]


def imported_roots(tree: ast.AST) -> set[str]:
    """The top-level package of every absolute import in a module, wherever it stands."""
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_every_engine_module_is_checked():
    assert "kechuang.engines.monitoring.compute" in MODULES
    assert "kechuang.engines.uscc" in MODULES
    assert len(MODULES) > 10


@pytest.mark.parametrize("path", SOURCES, ids=MODULES)
def test_no_direct_django_import(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert "django" not in imported_roots(tree)


def test_no_module_pulls_django_in():
    """Import each engine module in a fresh interpreter and name the first one after which
    Django is loaded (an import through a helper outside the engines counts too)."""
    script = "\n".join(
        [
            "import importlib, sys",
            f"for name in {MODULES!r}:",
            "    importlib.import_module(name)",
            "    if 'django' in sys.modules:",
            "        sys.exit('django imported by ' + name)",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr or done.stdout
