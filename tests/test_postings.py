"""index/postings.py is the one room where Whoosh's private structures are read: every private name
it touches is listed here with what it is, and the test fails when the module uses one that is not
listed (or no longer uses one that is). Whoosh is pinned (whoosh3==3.54.0) and the check at open
falls back to Whoosh's public readers when the installed version or a probe disagrees
(tests/test_arraymatch.py); this list says what to look at when the pin moves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
POSTINGS = ROOT / "index" / "postings.py"

# private attributes of Whoosh objects, read by the fast readers
PRIVATE_NAMES = {
    # a segment reader's parts
    "_terms": "SegmentReader._terms: the segment's term table, which makes raw posting matchers "
              "(its public postings() wraps them to skip deleted documents one by one)",
    "_perdoc": "SegmentReader._perdoc: the per-document reader holding the field-length columns",
    # a block posting matcher (whoosh.codec.whoosh3.W3LeafMatcher) and its on-disk blocks
    "_postfile": "W3LeafMatcher._postfile: the postings file",
    "_dataoffset": "W3LeafMatcher._dataoffset: where the current block's pickled data starts",
    "_nextoffset": "W3LeafMatcher._nextoffset: where the next block starts",
    "_compression": "W3LeafMatcher._compression: whether the block's data is zlib-compressed",
    "_byteids": "W3LeafMatcher._byteids: ids stored as they are, not delta-coded",
    "_lastblock": "W3LeafMatcher._lastblock: the current block is the last",
    "_goto": "W3LeafMatcher._goto(offset): read the block header at an offset",
    "_all_weights": "W3LeafMatcher._all_weights: the one weight of every posting when stored once",
    # a posting list held in memory (whoosh.matching.ListMatcher, for short lists)
    "_ids": "ListMatcher._ids: its document numbers",
    "_weights": "ListMatcher._weights: their weights",
    "_values": "ListMatcher._values: their encoded values (positions)",
    # the field-length column (whoosh.columns reader of LENGTHS_COLUMN)
    "_count": "the column reader's number of documents",
    "_dbfile": "the column reader's file",
    "_basepos": "the column reader's offset of its first byte in the file",
    # elsewhere
    "_field_B": "BM25F._field_B: per-field B values (the matcher reproduces one B only)",
    "_btexts": "MultiTerm._btexts(reader): the indexed words a wildcard or range stands for, "
               "lazily (the public existing_terms reads them all before the limit can refuse)",
}  # fmt: skip

# names imported from Whoosh
IMPORTS = {
    ("whoosh", None): "the installed version (whoosh.versionstring), checked at open",
    ("whoosh.codec.whoosh3", "W3LeafMatcher"): "the block posting matcher whose blocks are read",
    ("whoosh.codec.whoosh3", "LENGTHS_COLUMN"): "the column type of the field lengths",
    ("whoosh.matching", "ListMatcher"): "the in-memory posting matcher",
    ("whoosh.scoring", "BM25F"): "the only weighting the matcher reproduces",
    ("whoosh.util.numeric", "byte_to_length"): "how Whoosh decodes a one-byte field length",
}


def _used(path: Path) -> tuple[set[str], set[tuple[str, str | None]]]:
    """Private attributes read on objects other than the module's own (``self``), including
    through ``getattr(x, "_name")``, and the names imported from Whoosh."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private, imports = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                private.add(node.attr)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
              and str(node.args[1].value).startswith("_")):  # fmt: skip
            private.add(node.args[1].value)
        elif isinstance(node, ast.Import):
            imports |= {(a.name, None) for a in node.names if a.name.split(".")[0] == "whoosh"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            imports |= {(node.module, a.name) for a in node.names}
    return private, imports


def test_every_private_name_of_whoosh_is_listed():
    private, imports = _used(POSTINGS)
    assert private == set(PRIVATE_NAMES), (
        f"not listed: {sorted(private - set(PRIVATE_NAMES))}; listed but unused: "
        f"{sorted(set(PRIVATE_NAMES) - private)}"
    )
    assert imports == set(IMPORTS)


def test_the_guard_sees_private_names(tmp_path):
    """The scan itself finds attribute reads, getattr strings and imports (a guard that sees
    nothing would pass any module)."""
    sample = tmp_path / "sample.py"
    sample.write_text("import whoosh\nfrom whoosh.codec import x\n\n"
                      "def f(m):\n    return m._secret, getattr(m, '_hidden', 1), m.public\n")  # fmt: skip
    private, imports = _used(sample)
    assert private == {"_secret", "_hidden"}
    assert imports == {("whoosh", None), ("whoosh.codec", "x")}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=1200).map(sorted), min_size=1, max_size=8),
       st.booleans())
def test_positions_decode_like_whoosh(position_lists, cut_stop):
    from whoosh.formats import Positions

    from quarry.index.postings import _fast_positions

    fmt = Positions()
    values = [fmt.encode(p) for p in position_lists]
    if cut_stop:  # Whoosh's posting writer may drop the pickle's final STOP byte
        values = [v[:-1] for v in values]
    counts, positions = _fast_positions(values)
    assert counts.tolist() == [len(p) for p in position_lists]
    split = np.split(positions, np.cumsum(counts)[:-1])
    assert [s.tolist() for s in split] == [fmt.decode_positions(v) for v in values]
