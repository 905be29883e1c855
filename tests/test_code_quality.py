"""The layering rules of the design card, and ruff, checked on every run."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _top(module: str) -> str:
    """The first name of a module path, inside the ``quarry`` namespace its room's name."""
    parts = module.split(".")
    return parts[1] if parts[0] == "quarry" and len(parts) > 1 else parts[0]


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(_top(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(_top(node.module))
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    "package,forbidden",
    [("archive", {"index", "web", "whoosh", "flask"}), ("index", {"web", "flask"}), ("web", {"whoosh"})],
)
def test_imports_go_one_way(package, forbidden):
    offenders = {f: sorted(names & forbidden) for f, names in _imports(package).items() if names & forbidden}
    assert not offenders


def test_ruff_clean():
    if shutil.which("ruff") is None and subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "archive", "index", "web", "tests", "bench"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_rooms_are_imported_through_the_quarry_namespace():
    """``import index`` would load a second copy of a module (and whatever shares its name in
    site-packages): every import of the project's rooms goes through ``quarry.``."""
    offenders = []
    for folder in ("archive", "index", "web", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                              if n.split(".")[0] in ("archive", "index", "web")]
    assert not offenders


def test_every_package_folder_is_installed():
    """pyproject.toml lists the installed packages by hand (the folders are mapped into the
    ``quarry`` namespace): a new package folder missing there would vanish from a real install."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        "quarry." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in ("archive", "index", "web")
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert found == listed
