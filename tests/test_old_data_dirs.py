"""Data directories made by an older Quarry open, or say "run `quarry rebuild`" and then work.

Before Quarry's folders were installed as ``quarry.archive``, ``quarry.index`` and ``quarry.web``,
Whoosh pickled the schema's stemmer into every index as ``index.schema.SnowballStem``, and the facet
columns were pickled ``index.columns`` classes. Here such a directory is made the way that code
made it: the same index build with the stemmer's class and the columns' classes living under the
old module names, which are then gone (nothing named ``index`` is importable, as in an install).
"""

from __future__ import annotations

import pickle
import shutil
import sys
import types

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CORPUS, make_archive

from quarry.index import schema as schema_module
from quarry.index.api import ErrorKind, SearchRequest
from quarry.index.build import build_index, check_index, current_version
from quarry.index.engine import Archive
from quarry.index.update import rebuild
from quarry.index.verify import verify_index
from quarry.web import create_app
from quarry.web.cli import main
from quarry.web.settings import Settings

OLDER = "made by an older version of Quarry"


def counts(data_dir) -> dict:
    result = Archive(data_dir).search(SearchRequest(facet_limits={"category": 100, "site": 100}))
    assert result.error_kind is None, result.query_error
    return {"total": result.total, "facets": result.to_json()["facets"]}


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    """A data directory made by this Quarry, and its counts."""
    data = tmp_path_factory.mktemp("current") / "data"
    make_archive(data, CORPUS / "html", CORPUS / "pages", entities=False)
    return data, counts(data)


def _old_module(monkeypatch, name: str, cls: type) -> None:
    """``cls`` importable (and so pickled) as ``<name>.<its name>`` while ``monkeypatch`` lasts."""
    module = types.ModuleType(name)
    setattr(module, cls.__name__, cls)
    monkeypatch.setattr(cls, "__module__", name)
    monkeypatch.setitem(sys.modules, name, module)


@pytest.fixture()
def old(current, tmp_path):
    """The same archive with its index made the pre-namespace way."""
    data = tmp_path / "data"
    shutil.copytree(current[0], data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "index", types.ModuleType("index"))
        _old_module(mp, "index.schema", schema_module.SnowballStem)
        version = build_index(data)

        class Columns:  # what the old code pickled beside each generation
            def __init__(self):
                self.ndocs, self.live = 1, np.ones(1, dtype=bool)

        Columns.__qualname__ = "Columns"
        _old_module(mp, "index.columns", Columns)
        for npz in version.glob("columns-*.npz"):
            with open(npz.with_suffix(".pkl"), "wb") as fh:
                pickle.dump(Columns(), fh)
            npz.unlink()
    # and now nothing named `index` can be imported: as in an installed Quarry
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "index", None)
        yield data, current[1]


def test_an_old_index_says_run_quarry_rebuild_everywhere(old, monkeypatch):
    import waitress

    data, _ = old
    result = Archive(data).search(SearchRequest(q="taliban"))
    assert result.error_kind is ErrorKind.UNAVAILABLE
    assert OLDER in result.query_error and "run `quarry rebuild`" in result.query_error
    health = Archive(data).health()
    assert not health.ok and OLDER in health.error
    assert OLDER in check_index(data)
    # the page, the JSON API, quarry search and quarry serve say so
    client = create_app(Settings(data_dir=data), {"TESTING": True}).test_client()
    page = client.get("/?q=taliban").get_data(as_text=True)
    assert "cannot be searched yet" in page and OLDER in page and "quarry rebuild" in page
    api = client.get("/api/search?q=taliban").get_json()
    assert api["error_kind"] == "unavailable" and OLDER in api["query_error"]
    out = CliRunner().invoke(main, ["search", "--data-dir", str(data), "taliban"])
    assert out.exit_code == 3 and OLDER in out.output and "quarry rebuild" in out.output
    served = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.append(kw))
    out = CliRunner().invoke(main, ["serve", "--data-dir", str(data), "--port", "0"])
    assert out.exit_code == 0 and served
    assert "warning:" in out.output and OLDER in out.output


def test_quarry_rebuild_then_works(old):
    data, reference = old
    out = CliRunner().invoke(main, ["rebuild", "--data-dir", str(data)])  # no --force needed
    assert out.exit_code == 0 and "index rebuilt" in out.output, out.output
    assert check_index(data) is None
    assert counts(data) == reference
    assert not list(current_version(data).glob("*.pkl"))


def test_quarry_ingest_into_an_old_index_rebuilds_it(old):
    data, reference = old
    out = CliRunner().invoke(main, ["ingest", "--data-dir", str(data), "--no-entities", str(CORPUS / "html")])
    assert out.exit_code == 0, out.output
    assert counts(data) == reference


def test_pickled_columns_are_not_read_but_rebuilt(current, tmp_path):
    """An index this Quarry can read, with the columns an older Quarry pickled beside it (and
    one generation's columns garbled): the columns are made again from the index (a garbled
    file by `quarry rebuild`: readers leave it as they found it)."""
    data = tmp_path / "data"
    shutil.copytree(current[0], data)
    version = current_version(data)
    npz = max(version.glob("columns-*.npz"), key=lambda f: int(f.name.split("-")[1].split(".")[0]))
    npz.with_suffix(".pkl").write_bytes(pickle.dumps({"not": "read"}))
    npz.unlink()
    assert counts(data) == current[1]
    assert npz.exists()  # written again, as plain arrays
    npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])  # a damaged file
    assert counts(data) == current[1]  # built from the index in memory; the file is left for
    assert verify_index(data).columns_only  # `quarry check` to find and `quarry rebuild` to mend
    assert rebuild(data).repaired == "facet columns"
    with np.load(npz, allow_pickle=False) as arrays:  # readable again
        assert int(arrays["ndocs"][0]) == current[1]["total"]

