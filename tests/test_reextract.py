"""`quarry rebuild --reextract`: sources read again with their options, captures used when gone."""

from __future__ import annotations

import json
import shutil

from conftest import CORPUS

from quarry.archive.datadir import DataDir
from quarry.archive.store import Store
from quarry.web.cli import main


def test_reextract_uses_saved_mapping_and_kept_captures(tmp_path, runner):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CORPUS / "html" / "hamas-funding.html", inputs / "page.html")
    (inputs / "odd.jsonl").write_text(json.dumps({"hed": "Odd Columns Export", "txt": "Talks in Kabul went on.\n\nThe Taliban sent envoys."}) + "\n")
    data = tmp_path / "data"
    out = runner.invoke(main, ["ingest", "--data-dir", str(data), "--no-entities", "--map", "title=hed", "--map", "body=txt", str(inputs)])
    assert out.exit_code == 0, out.output
    store = Store(DataDir(data).store)
    before = {a.id: a for a in store.iter_articles()}
    store.close()
    assert {a.title for a in before.values()} == {"Odd Columns Export", "How Hamas Moves Money Through Crypto Exchanges"}
    (inputs / "page.html").unlink()  # the original page is gone; its capture is kept
    out = runner.invoke(main, ["rebuild", "--data-dir", str(data), "--reextract"])
    assert out.exit_code == 0, out.output
    assert "source gone" in out.output
    store = Store(DataDir(data).store)
    after = {a.id: a for a in store.iter_articles()}
    store.close()
    assert set(after) == set(before)
    for aid, a in after.items():
        assert (a.title, a.body, a.published) == (before[aid].title, before[aid].body, before[aid].published)
