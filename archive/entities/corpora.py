"""Readers for the freely licensed NER training corpora, and the fixed split of their units.

Every reader turns one corpus folder of ``../shared/ner-train`` into *units*: documents where the
corpus has document breaks, fixed blocks of consecutive sentences where it has none. A unit is a
list of sentences; a sentence is a list of (token, BIO label) pairs over PER/ORG/LOC (MISC and
every other type are O).

The split (:func:`split_of`) is fixed by the unit's index in its corpus, never by its content:
``i % 10 == 9`` is the **test** split (the development split of the model shipped before, so that
neither model trained on it), ``i % 10 == 4`` the **tune** split (errors may be studied and
choices made on it; the shipped model is never trained on it), every other unit is training data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Sentence = list[tuple[str, str]]
Unit = list[Sentence]

DEFAULT_DATA = Path("../shared/ner-train")
SPLIT_EVERY = 10
TEST_REMAINDER = 9
TUNE_REMAINDER = 4
SPLITS = ("train", "tune", "test")


def split_of(index: int) -> str:
    """The split of the unit at ``index`` in its corpus: "test", "tune" or "train"."""
    rest = index % SPLIT_EVERY
    if rest == TEST_REMAINDER:
        return "test"
    if rest == TUNE_REMAINDER:
        return "tune"
    return "train"


def split(units: list[Unit], which: str) -> list[Unit]:
    """The units of one split ("train", "tune" or "test"), in corpus order."""
    if which not in SPLITS:
        raise ValueError(f"unknown split {which!r} (one of {', '.join(SPLITS)})")
    return [u for i, u in enumerate(units) if split_of(i) == which]


# ---- label handling ---------------------------------------------------------------
def _short(label: str) -> str:
    label = label.upper()
    if label.startswith(("PER", "PERSON")):
        return "PER"
    if label.startswith(("ORG", "CORP", "GROUP")):
        return "ORG"
    if label.startswith(("LOC", "GPE", "GEO")):
        return "LOC"
    return ""


def to_bio(labels: list[str]) -> list[str]:
    """IOB1/IOB2/plain labels -> BIO over PER/ORG/LOC (MISC and others -> O)."""
    out = []
    prev = ""
    for lab in labels:
        if lab in ("O", "", "_", "-") or "-" not in lab and not _short(lab):
            out.append("O")
            prev = ""
            continue
        prefix, _, typ = lab.partition("-") if "-" in lab else ("I", "", lab)
        typ = _short(typ)
        if not typ:
            out.append("O")
            prev = ""
            continue
        if prefix.upper() == "B" or prev != typ:
            out.append("B-" + typ)
        else:
            out.append("I-" + typ)
        prev = typ
    return out


def blocks(sentences: list[Sentence], size: int) -> list[Unit]:
    """Fixed blocks of ``size`` consecutive sentences (the last may be shorter)."""
    return [sentences[i : i + size] for i in range(0, len(sentences), size)]


def sentences_of(units: list[Unit]) -> list[Sentence]:
    return [s for u in units for s in u]


# ---- generic formats --------------------------------------------------------------
def read_conll(path: Path, sep: str | None = None) -> list[Unit]:
    """CoNLL-style file: token first, label last; ``-DOCSTART-`` separates documents."""
    docs: list[Unit] = [[]]
    toks: list[str] = []
    labs: list[str] = []

    def flush() -> None:
        if toks:
            docs[-1].append(list(zip(toks, to_bio(labs), strict=True)))
        toks.clear()
        labs.clear()

    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            flush()
            continue
        parts = line.split(sep) if sep else line.split()
        if parts[0] == "-DOCSTART-":
            flush()
            if docs[-1]:
                docs.append([])
            continue
        if len(parts) < 2:
            continue
        toks.append(parts[0])
        labs.append(parts[-1])
    flush()
    return [d for d in docs if d]


def read_iob2(path: Path) -> list[Unit]:
    """Universal NER files (id, token, label columns): ``# newdoc`` separates documents."""
    docs: list[Unit] = []
    doc: Unit = []
    toks: list[str] = []
    labs: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# newdoc"):
            if doc:
                docs.append(doc)
            doc = []
            continue
        if line.startswith("#"):
            continue
        if not line.strip():
            if toks:
                doc.append(list(zip(toks, to_bio(labs), strict=True)))
            toks, labs = [], []
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            toks.append(parts[1])
            labs.append(parts[2])
    if doc:
        docs.append(doc)
    return docs


def _conll_blocks(paths: list[Path], size: int) -> list[Unit]:
    """Sentence blocks of each file in turn (blocks never span two files)."""
    out: list[Unit] = []
    for path in paths:
        out += blocks(sentences_of(read_conll(path)), size)
    return out


# ---- English corpora --------------------------------------------------------------
def read_wikigold(root: Path) -> list[Unit]:
    return read_conll(root / "wikigold" / "wikigold.conll.txt")


def read_btc(root: Path) -> list[Unit]:
    """Broad Twitter Corpus: one tweet per sentence, blocks of 10; @-mentions are O."""
    sents: list[Sentence] = []
    for path in sorted((root / "btc").glob("*.conll")):
        for sent in sentences_of(read_conll(path, sep="\t")):
            clean: Sentence = []
            after_at = False
            for tok, lab in sent:
                if tok == "@":
                    after_at = True
                    continue
                if after_at or tok.startswith("@"):
                    lab = "O"
                after_at = False
                clean.append((tok, lab))
            labels = to_bio([lab for _, lab in clean])
            clean = list(zip([t for t, _ in clean], labels, strict=True))
            if clean:
                sents.append(clean)
    return blocks(sents, 10)


def read_sec(root: Path) -> list[Unit]:
    """SEC filings in blocks of 10 sentences; the generic roles Borrower/Lender are O."""
    roles = ("borrower", "lender", "borrowers", "lenders")
    sents: list[Sentence] = []
    for path in sorted((root / "sec").glob("*.txt")):
        for sent in sentences_of(read_conll(path)):
            labs = ["O" if t.lower() in roles else lab for t, lab in sent]
            sents.append(list(zip([t for t, _ in sent], to_bio(labs), strict=True)))
    return blocks(sents, 10)


def read_uner(root: Path) -> list[Unit]:
    """UNER English-EWT dev and test: documents."""
    return [d for p in sorted((root / "uner").glob("*.iob2")) for d in read_iob2(p)]


def read_uner_ewt_train(root: Path) -> list[Unit]:
    """UNER English-EWT train: documents."""
    return [d for p in sorted((root / "uner-ewt-train").glob("*.iob2")) for d in read_iob2(p)]


def read_uner_pud(root: Path) -> list[Unit]:
    """UNER English-PUD: documents (``-DOCSTART-``)."""
    return [d for p in sorted((root / "uner-pud").glob("*.conll")) for d in read_conll(p)]


def read_redocred(root: Path) -> list[Unit]:
    """Re-DocRED dev and test: one Wikipedia introduction per document."""
    return [d for p in sorted((root / "redocred").glob("*.conll")) for d in read_conll(p)]


def read_crossner(root: Path) -> list[Unit]:
    """CrossNER's five domain files, in blocks of 10 sentences (a file is not a document)."""
    return _conll_blocks(sorted((root / "crossner").glob("*.conll")), 10)


def read_re3d(root: Path) -> list[Unit]:
    from .re3d import read_re3d as read

    return read(root)


# ---- German and French ------------------------------------------------------------
def read_germeval(root: Path) -> list[Unit]:
    """GermEval 2014 dev+test: independent sentences, blocks of 10."""
    return _conll_blocks(sorted((root / "de" / "germeval2014").glob("*.conll")), 10)


def read_uner_de_pud(root: Path) -> list[Unit]:
    """UNER German-PUD: documents."""
    return [d for p in sorted((root / "de" / "uner-de-pud").glob("*.conll")) for d in read_conll(p)]


def read_europeana_de(root: Path) -> list[Unit]:
    """Europeana Newspapers (German, historic OCR): pseudo-sentences in blocks of 10."""
    return _conll_blocks(sorted((root / "de" / "europeana-de").glob("*.conll")), 10)


def read_europeana_fr(root: Path) -> list[Unit]:
    """Europeana Newspapers (French, historic OCR): pseudo-sentences in blocks of 10."""
    return _conll_blocks(sorted((root / "fr" / "europeana-fr").glob("*.conll")), 10)


@dataclass(frozen=True)
class Corpus:
    """One training corpus: its language, where it lives and how it is read."""

    name: str
    language: str
    folder: str
    reader: Callable[[Path], list[Unit]]


CORPORA: dict[str, Corpus] = {
    c.name: c
    for c in (
        Corpus("wikigold", "en", "wikigold", read_wikigold),
        Corpus("btc", "en", "btc", read_btc),
        Corpus("sec", "en", "sec", read_sec),
        Corpus("uner", "en", "uner", read_uner),
        Corpus("re3d", "en", "re3d", read_re3d),
        Corpus("uner-ewt-train", "en", "uner-ewt-train", read_uner_ewt_train),
        Corpus("uner-pud", "en", "uner-pud", read_uner_pud),
        Corpus("redocred", "en", "redocred", read_redocred),
        Corpus("crossner", "en", "crossner", read_crossner),
        Corpus("germeval", "de", "de/germeval2014", read_germeval),
        Corpus("uner-de-pud", "de", "de/uner-de-pud", read_uner_de_pud),
        Corpus("europeana-de", "de", "de/europeana-de", read_europeana_de),
        Corpus("europeana-fr", "fr", "fr/europeana-fr", read_europeana_fr),
    )
}


def corpus_names(language: str) -> list[str]:
    """The corpora of one language, in a fixed order."""
    return [c.name for c in CORPORA.values() if c.language == language]


def load_corpora(
    data_dir: Path = DEFAULT_DATA, names: list[str] | None = None, language: str | None = None
) -> dict[str, list[Unit]]:
    """The units of every corpus present under ``data_dir`` (optionally only ``names`` or one
    ``language``), by corpus name."""
    out = {}
    for corpus in CORPORA.values():
        if names is not None and corpus.name not in names:
            continue
        if language is not None and corpus.language != language:
            continue
        if (Path(data_dir) / corpus.folder).exists():
            out[corpus.name] = corpus.reader(Path(data_dir))
    return out
