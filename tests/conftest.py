"""Shared fixtures: a fixture archive ingested once per session, the Flask app and clients."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quarry.archive.pipeline import ingest
from quarry.archive.store import Store
from quarry.index.build import build_index, store_path

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
BAD = FIXTURES / "bad"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or a skip when that folder is not here."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is only on development machines)")
    return path


def make_archive(data_dir: Path, *paths: Path, entities: bool = True):
    store = Store(store_path(data_dir))
    try:
        report = ingest(list(paths), store, entities=entities, data_dir=data_dir, workers=1)
    finally:
        store.close()
    build_index(data_dir)
    return report


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory) -> Path:
    """A data directory holding the fixture corpus (and the bad inputs, which are skipped)."""
    data_dir = tmp_path_factory.mktemp("archive")
    make_archive(data_dir, CORPUS, BAD)
    return data_dir


@pytest.fixture()
def archive_copy(built_archive, tmp_path) -> Path:
    """A private copy of the fixture archive for tests that write to it."""
    target = tmp_path / "data"
    shutil.copytree(built_archive, target)
    return target


@pytest.fixture()
def app(built_archive):
    from quarry.web import create_app

    return create_app({"TESTING": True, "DATA_DIR": built_archive})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner():
    from click.testing import CliRunner

    return CliRunner()
