"""Shared fixtures: a fixture archive ingested once per session, the Flask app and clients."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quarry.archive.readers import ReadOptions
from quarry.index.update import ingest_and_index
from quarry.web.settings import Settings

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


def make_archive(data_dir: Path, *paths: Path, entities: bool = True, options: ReadOptions | None = None):
    """Ingest ``paths`` into ``data_dir`` and index them, as ``quarry ingest`` does (one worker)."""
    return ingest_and_index(data_dir, paths, options, entities=entities, workers=1).report


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

    return create_app(Settings(data_dir=built_archive), {"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner():
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the browser tests (one Playwright per session: the files that drive
    a browser share it), or a skip with the reason."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not installed (pip install playwright)",
    )
    from browser_support import launch_chromium

    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
