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


# Only these modules import Whoosh at all, each for a reason; postings.py alone reads its private
# structures (the names it reads are listed in tests/test_postings.py).
WHOOSH_IMPORTERS = {
    "index/postings.py": "the one room for Whoosh's private structures: postings, positions, field "
                         "lengths, read fast and checked against Whoosh's public readers at open",
    "index/schema.py": "the schema: Whoosh's field types and analyzers (public API)",
    "index/build.py": "creating, opening, writing and checking index versions (public API)",
    "index/query.py": "parsing the query language with Whoosh's query parser (public API)",
    "index/plan.py": "the one walk of the parsed query: reads Whoosh's query classes to turn them "
                     "into the matcher's own tree (public API)",
}  # fmt: skip
MAX_MODULE_LINES = 400
# what web may take from archive directly (everything else goes through index's engine contract)
WEB_FROM_ARCHIVE = {
    "quarry.archive.model": "record types (Article, ENTITY_TYPES)",
    "quarry.archive.datadir": "the data directory's layout and its default",
    "quarry.archive.exports": "the export writers (CSV, JSONL, RIS, BibTeX, CSL-JSON, reference lists)",
    "quarry.archive.citation": "the article's CSL-JSON record and its citation in APA, Chicago or MLA",
    "quarry.archive.readers": "the input formats and read options of `quarry ingest` and `quarry extract`",
    "quarry.archive.lock": "Busy: another writer holds the data directory",
    "quarry.archive.store_errors": "what the store raises: the commands' messages for a damaged store, a full disk",
    "quarry.archive.pipeline": "`quarry extract`: files to articles, nothing stored or indexed",
    "quarry.archive.report": "the ingest report and progress state the CLI prints (plain data and text)",
    "quarry.archive.entities.train": "`quarry train-ner`: the entity model, no index involved",
    "quarry.archive.entities.tagger": "`quarry train-ner`: the languages that have a model",
    "quarry.archive.samples": "the bundled sample's folder (`quarry serve --sample`)",
    "quarry.archive.annotations": "the researcher's own database (collections, tags, notes, saved "
                                  "searches): the pages and commands read and write it",
    "quarry.archive.annotations.exporting": "exports with tags, notes and a collection's header",
    "quarry.archive.annotations.transfer": "`quarry annotations export|import` (JSON Lines)",
}  # fmt: skip


def test_only_the_listed_modules_import_whoosh():
    importers = {f for f, names in _imports("index").items() if "whoosh" in names}
    importers |= {f for pkg in ("archive", "web") for f, names in _imports(pkg).items() if "whoosh" in names}
    assert importers == set(WHOOSH_IMPORTERS)


def test_web_takes_from_archive_only_what_is_listed():
    used = set()
    for path in (ROOT / "web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("quarry.archive"):
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used |= {a.name for a in node.names if a.name.startswith("quarry.archive")}
    assert used <= set(WEB_FROM_ARCHIVE), sorted(used - set(WEB_FROM_ARCHIVE))


@pytest.mark.parametrize("package", ["index", "web"])
def test_no_module_is_over_400_lines(package):
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}  # fmt: skip
    assert not long


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


def test_every_library_the_code_imports_is_a_declared_dependency():
    """A library imported by the code but reaching the test machine only through another package
    (or only installed by hand) breaks a fresh install: each one must be in pyproject.toml's
    dependencies (or, used only by `quarry train-ner`, its `train` extra), by its distribution's
    name."""
    import importlib.metadata
    import re

    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["train"]  # training's own extra
    declared = {re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in specs}
    distributions = importlib.metadata.packages_distributions()
    imported = set().union(*(names for folder in ("archive", "index", "web") for names in _imports(folder).values()))
    third_party = imported - set(sys.stdlib_module_names) - {"archive", "index", "web", "quarry"}
    missing = {name: distributions.get(name) for name in third_party
               if not {d.lower().replace("_", "-") for d in distributions.get(name, [name])} & declared}  # fmt: skip
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
