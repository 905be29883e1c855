"""Train the CRF named-entity model from the freely licensed corpora in ``../shared/ner-train``.

Run ``python -m quarry.archive.entities.train [--data DIR] [--out FILE]``. Every 10th unit of each
corpus (a document, or a block of sentences for corpora without document breaks) is kept
aside as the development split and never trained on; ``bench/ner_eval.py`` scores it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .authority import get_authority
from .features import sentence_features
from .text import tokenize

PACKAGE_DIR = Path(__file__).resolve().parent
MODEL_DIR = PACKAGE_DIR / "model"
DEFAULT_MODEL = MODEL_DIR / "ner.crfsuite"
DEFAULT_DATA = Path("../shared/ner-train")
LABELS = ("PER", "ORG", "LOC")
DEV_EVERY = 10
AUGMENT = ("wikigold", "uner", "re3d")  # corpora of edited prose whose person names are swapped

Sentence = list[tuple[str, str]]
Document = list[Sentence]

TRAINING_PARAMS = {
    "c1": 0.15,
    "c2": 0.02,
    "max_iterations": 150,
    "feature.minfreq": 2,
    "feature.possible_transitions": True,
}


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


def _blocks(sentences: list[Sentence], size: int) -> list[Document]:
    return [sentences[i : i + size] for i in range(0, len(sentences), size)]


# ---- corpus readers ---------------------------------------------------------------
def read_conll(path: Path, sep: str | None = None) -> list[Document]:
    """CoNLL-style file: token first, label last; -DOCSTART- separates documents."""
    docs: list[Document] = [[]]
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


def read_wikigold(root: Path) -> list[Document]:
    return read_conll(root / "wikigold" / "wikigold.conll.txt")


def read_btc(root: Path) -> list[Document]:
    """Broad Twitter Corpus: one tweet per sentence; @-mentions are dropped to O."""
    sents: list[Sentence] = []
    for path in sorted((root / "btc").glob("*.conll")):
        for doc in read_conll(path, sep="\t"):
            for sent in doc:
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
                clean = list(
                    zip([t for t, _ in clean], to_bio([lab for _, lab in clean]), strict=True)
                )
                if clean:
                    sents.append(clean)
    return _blocks(sents, 10)


def read_sec(root: Path) -> list[Document]:
    """SEC filings: the generic roles Borrower/Lender are not names (-> O)."""
    sents: list[Sentence] = []
    for path in sorted((root / "sec").glob("*.txt")):
        for doc in read_conll(path):
            for sent in doc:
                labs = [
                    "O" if t.lower() in ("borrower", "lender", "borrowers", "lenders") else lab
                    for t, lab in sent
                ]
                sents.append(list(zip([t for t, _ in sent], to_bio(labs), strict=True)))
    return _blocks(sents, 10)


def read_uner(root: Path) -> list[Document]:
    """UNER English-EWT (IOB2): ``# newdoc`` separates documents."""
    docs: list[Document] = []
    for path in sorted((root / "uner").glob("*.iob2")):
        doc: Document = []
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


_RE3D_TYPES = {"Person": "PER", "Organisation": "ORG", "Location": "LOC"}


def _re3d_spans(text: str, ents: list[dict]) -> list[tuple[int, int, str]]:
    auth = get_authority()
    cands = []
    for e in ents:
        typ = _RE3D_TYPES.get(e["type"])
        b, end = int(e["begin"]), int(e["end"])
        if e["type"] == "Nationality":
            hit = auth.canonical(text[b:end])
            typ = "LOC" if hit and hit[0] == "location" else None
        if not typ:
            continue
        b, end = _re3d_name(text, b, end, typ)
        if b < end:
            cands.append((-float(e.get("confidence", 1)), -(end - b), b, end, typ))
    chosen: list[tuple[int, int, str]] = []
    for _, _, b, end, typ in sorted(cands):
        if all(end <= c0 or b >= c1 for c0, c1, _ in chosen):
            chosen.append((b, end, typ))
    return chosen


# re3d marks every mention, pronouns and descriptions included ("He", "the dam", "Iraqi
# tribal sheikh", "120 Iraqi soldiers"); the extractor finds names only, so such spans are
# not taught as entities (nor scored as gold in the dev split).
_RE3D_PRONOUNS = frozenset(
    "i me he him she her it they them we us you his its their our this that these those "
    "who which one".split()
)
_RE3D_DETERMINERS = frozenset("the a an".split())
_RE3D_LOWER_OK = frozenset(
    "of and the de del della di da dos du la le von van der den al el bin ibn bint abu for "
    "on in y & upon ad ar as ash at az an ud ul".split()
)
_RE3D_PERSON_PREFIX = frozenset(
    """president vice prime minister secretary deputy foreign defence defense interior king
    queen prince emir sheikh shaykh general lieutenant colonel major captain sergeant
    commander admiral marshal brigadier senator governor mayor judge ambassador envoy special
    chief spokesman spokeswoman mr mrs ms dr professor sir lord lady former late leader
    iraqi syrian jordanian american russian iranian turkish kurdish saudi egyptian british
    french israeli lebanese un u.s. us""".split()
)


def _re3d_name(text: str, b: int, end: int, typ: str) -> tuple[int, int]:
    """The name inside a re3d mention span [b, end), or an empty span if it is not a name."""
    import re

    words = [(m.start() + b, m.end() + b, m.group()) for m in re.finditer(r"\S+", text[b:end])]
    # names only: drop leading lower-case words ("northern Iraq" -> "Iraq") and articles
    while words and (words[0][2][:1].islower() or words[0][2].lower() in _RE3D_DETERMINERS):
        if len(words) == 1:
            break
        words.pop(0)
    if typ == "PER":  # "Iraqi President Fuad Masum" -> "Fuad Masum"
        while len(words) > 1 and words[0][2].lower().rstrip(".,") in _RE3D_PERSON_PREFIX:
            words.pop(0)
    if not words:
        return b, b
    first = words[0][2]
    if not first[:1].isupper() or first.lower() in _RE3D_PRONOUNS:
        return b, b
    for _, _, w in words[1:]:
        core = w.strip(".,;:()'\"")
        if core[:1].islower() and core.lower() not in _RE3D_LOWER_OK and "-" not in core:
            return b, b  # a description, not a name ("Syrian state", "Iraqi tribal sheikh")
    return words[0][0], words[-1][1]


def read_re3d(root: Path) -> list[Document]:
    """re3d documents with character-span entities, tokenised like the extractor does."""
    sents: list[Sentence] = []
    for sub in sorted(p for p in (root / "re3d").iterdir() if p.is_dir()):
        ents_by_doc: dict[str, list[dict]] = {}
        for line in (sub / "entities.json").read_text(encoding="utf-8").splitlines():
            if line.strip():
                e = json.loads(line)
                ents_by_doc.setdefault(e["documentId"], []).append(e)
        for line in (sub / "documents.json").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            text = d["text"]
            spans = _re3d_spans(text, ents_by_doc.get(d["_id"], []))
            for para_start, para in _paragraphs(text):
                for sent in tokenize(para):
                    labs = []
                    for a, b, _ in sent:
                        a += para_start
                        b += para_start
                        lab = "O"
                        for s0, s1, typ in spans:
                            if s0 <= a and b <= s1:
                                lab = ("B-" if a == s0 else "I-") + typ
                                break
                        labs.append(lab)
                    sents.append(list(zip([t for _, _, t in sent], labs, strict=True)))
    return _blocks(sents, 5)


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for para in text.split("\n"):
        if para.strip():
            out.append((pos, para))
        pos += len(para) + 1
    return out


# ---- name augmentation ------------------------------------------------------------
# Written for this project: given names and family-name patterns from the regions the
# archive covers, substituted into training sentences in place of their person names, so
# that the CRF learns name shapes that the English corpora rarely show ("al-X", "bin X").
_GIVEN = """Abdullah Ahmad Ahmed Ali Amir Anas Asim Ayaz Bilal Bakr Faisal Farhan Fawad Hamid
Hamza Hassan Hussein Ibrahim Idris Imran Ismail Jamal Javed Junaid Kamal Karim Khalid Mahmoud
Mansour Marwan Mohammed Muhammad Mustafa Nabil Nasir Omar Osman Qasim Rahim Rashid Saad
Salman Samir Shahid Sharif Tariq Umar Usman Walid Yasin Yousef Zaid Zubair Aisha Fatima
Khadija Maryam Nadia Zainab Dmitry Sergei Alexei Nikolai Igor Oleg Pavel Yuri Anatoly
Ruslan Timur Farrukh Rustam Jamshid Bekzod Davron Sherzod Abdulaziz Emomali Akhmad Magomed
Shamil Dzhokhar Ahmet Mehmet Mustafa Kemal Selim Abubakar Ibrahim Musa Yusuf Aminu Abdi""".split()
_FAMILY = """Khan Ahmadi Karimi Haqqani Yusufzai Rahmani Nazari Hosseini Rezaei Sadiqi Mirza
Qureshi Siddiqui Chaudhry Malik Butt Abbasi Baig Durrani Kakar Mehsud Wazir Niazi Popal
Ivanov Petrov Sokolov Volkov Morozov Kuznetsov Orlov Kadyrov Basayev Umarov Rahmonov
Karimov Yilmaz Demir Kaya Celik Ozturk Aydin Abdi Warsame Farah Hassan Mohamud Yusuf
Osman Abubakar Shekau Barnawi Traore Diallo Coulibaly Toure Konate""".split()
_NISBA = """Masri Iraqi Shami Libi Tunisi Sudani Somali Urduni Kuwaiti Maqdisi Filistini
Turkistani Kurdi Hindi Britani Almani Amriki Ansari Hashimi Qurashi Muhajir Afghani Yemeni
Jazrawi Najdi Hijazi Baluchi Tajiki Uzbeki Shishani Dagestani Azdi Zahrani Ghamdi Harbi
Mosuli Halabi Dimashqi Homsi Raqqawi Anbari Falluji Tikriti Hadrami Adeni Maghribi""".split()
_PATTERNS = (
    "{g} {f}",
    "{g} al-{n}",
    "{g} {g2} al-{n}",
    "Abu {g} al-{n}",
    "{g} bin {g2}",
    "{g} {f}",
    "Abu {g}",
    "{g} ibn {g2} al-{n}",
    "{g} {g2} {f}",
)


def augment(docs: list[Document], every: int = 3, seed: int = 13) -> list[Sentence]:
    """Copies of sentences with a person name, each name swapped for a generated one."""
    import random

    rng = random.Random(seed)
    out: list[Sentence] = []
    k = 0
    for doc in docs:
        for sent in doc:
            if not any(lab == "B-PER" for _, lab in sent):
                continue
            k += 1
            if k % every:
                continue
            new: Sentence = []
            i = 0
            while i < len(sent):
                tok, lab = sent[i]
                if lab != "B-PER":
                    new.append((tok, lab))
                    i += 1
                    continue
                j = i + 1
                while j < len(sent) and sent[j][1] == "I-PER":
                    j += 1
                name = rng.choice(_PATTERNS).format(
                    g=rng.choice(_GIVEN),
                    g2=rng.choice(_GIVEN),
                    f=rng.choice(_FAMILY),
                    n=rng.choice(_NISBA),
                )
                for n, part in enumerate(name.split()):
                    new.append((part, "B-PER" if n == 0 else "I-PER"))
                i = j
            out.append(new)
    return out


READERS = {
    "wikigold": read_wikigold,
    "btc": read_btc,
    "sec": read_sec,
    "uner": read_uner,
    "re3d": read_re3d,
}


def load_corpora(data_dir: Path = DEFAULT_DATA) -> dict[str, list[Document]]:
    """Every corpus present under ``data_dir``, as documents of labelled sentences."""
    out = {}
    for name, reader in READERS.items():
        if (Path(data_dir) / name).exists():
            out[name] = reader(Path(data_dir))
    return out


def split(docs: list[Document]) -> tuple[list[Document], list[Document]]:
    """(train, dev): every 10th document is development data."""
    train = [d for i, d in enumerate(docs) if i % DEV_EVERY != DEV_EVERY - 1]
    dev = [d for i, d in enumerate(docs) if i % DEV_EVERY == DEV_EVERY - 1]
    return train, dev


# ---- training ---------------------------------------------------------------------
def train(
    data_dir: Path = DEFAULT_DATA,
    out: Path = DEFAULT_MODEL,
    params: dict | None = None,
    verbose: bool = False,
    corpora_names: list[str] | None = None,
) -> dict:
    """Train the CRF on the training split of every corpus; returns a summary dict."""
    import pycrfsuite

    t0 = time.perf_counter()
    auth = get_authority()
    corpora = load_corpora(Path(data_dir))
    if corpora_names:
        corpora = {k: v for k, v in corpora.items() if k in corpora_names}
    if not corpora:
        raise FileNotFoundError(f"no training corpora under {data_dir}")
    trainer = pycrfsuite.Trainer(verbose=verbose)
    opts = dict(TRAINING_PARAMS)
    opts.update(params or {})
    trainer.set_params(opts)
    stats: dict[str, dict[str, int]] = {}
    for name, docs in corpora.items():
        tr, dev = split(docs)
        n_sent = n_tok = 0
        for doc in tr:
            for sent in doc:
                toks = [t for t, _ in sent]
                trainer.append(
                    sentence_features(toks, auth.gazetteer(toks)), [lab for _, lab in sent]
                )
                n_sent += 1
                n_tok += len(toks)
        stats[name] = {
            "train_docs": len(tr),
            "dev_docs": len(dev),
            "sentences": n_sent,
            "tokens": n_tok,
        }
        if name in AUGMENT:
            extra = augment(tr)
            for sent in extra:
                toks = [t for t, _ in sent]
                trainer.append(
                    sentence_features(toks, auth.gazetteer(toks)), [lab for _, lab in sent]
                )
            stats[name]["augmented_sentences"] = len(extra)
    t1 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    t2 = time.perf_counter()
    summary = {
        "model": str(out),
        "bytes": out.stat().st_size,
        "corpora": stats,
        "params": opts,
        "authority_version": auth.version,
        "feature_seconds": round(t1 - t0, 1),
        "train_seconds": round(t2 - t1, 1),
        "iterations": trainer.logparser.last_iteration.get("num")
        if trainer.logparser.last_iteration
        else None,
    }
    write_attribution(out.parent / "ATTRIBUTION.md", list(corpora), summary)
    return summary


LICENCES = {
    "wikigold": (
        "wikigold (Balasuriya et al., 2009)",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "btc": (
        "Broad Twitter Corpus (Derczynski, Bontcheva and Roberts, 2016)",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "sec": (
        "SEC filings NER data (Salinas Alvarado, Verspoor and Baldwin, 2015)",
        "CC BY 3.0",
        "https://creativecommons.org/licenses/by/3.0/",
    ),
    "uner": (
        "Universal NER, English-EWT dev+test (Mayhew et al., 2024)",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
}
RE3D_LICENCES = {
    "Wikipedia": ("CC BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/"),
    "Australian Department of Foreign Affairs": (
        "CC BY 3.0 Australia",
        "https://creativecommons.org/licenses/by/3.0/au/",
    ),
    "Delegation of the European Union to Syria": (
        "EEAS/European Commission legal notice: reuse authorised provided the source is "
        "acknowledged",
        "https://eeas.europa.eu/delegations/syria/8157/legal-notice_en",
    ),
}


def write_attribution(path: Path, used: list[str], summary: dict) -> None:
    """ATTRIBUTION.md naming every data set the model was trained on and its licence."""
    lines = [
        "# NER model attribution",
        "",
        "`ner.crfsuite` is a CRF (python-crfsuite) trained by `archive/entities/train.py` on",
        "the training split (9 of every 10 documents or sentence blocks) of these data sets.",
        "No training text ships in this repository; only the learned feature weights.",
        "",
        "| data set | licence |",
        "|---|---|",
    ]
    for name in used:
        if name == "re3d":
            for sub, (lic, url) in RE3D_LICENCES.items():
                lines.append(f"| re3d (Dstl), {sub} subset | [{lic}]({url}) |")
        else:
            title, lic, url = LICENCES[name]
            lines.append(f"| {title} | [{lic}]({url}) |")
    sharealike = "uner" in used or "re3d" in used
    lines += [
        "",
        "Entity types were mapped to PER/ORG/LOC (GPE and place-like Nationality -> LOC;",
        "MISC and other types -> O). In a third of the wikigold/UNER/re3d sentences that",
        "contain a person name, a copy with the name swapped for a generated one (given and",
        "family names written for this project) is added, to teach the model more name shapes.",
        "The gazetteer feature comes from the project's own alias table",
        "(`archive/entities/data/aliases.tsv`).",
        "",
    ]
    if sharealike:
        lines += [
            "## Licence of the model",
            "",
            "The model was trained on ShareAlike data (UNER English-EWT, CC BY-SA 4.0; re3d",
            "Wikipedia subset, CC BY-SA 3.0), so **the model file `ner.crfsuite` is licensed",
            "under CC BY-SA 4.0** (https://creativecommons.org/licenses/by-sa/4.0/), with the",
            "attributions above (CC BY-SA 3.0 permits adaptations under a later version",
            "of the licence). The project's code remains under its own licence.",
            "",
        ]
    lines += [
        "## Training run",
        "",
        "- corpora: "
        + ", ".join(f"{k} ({v['sentences']} sentences)" for k, v in summary["corpora"].items()),
        f"- CRF parameters: {json.dumps(summary['params'])}",
        f"- alias table (gazetteer feature) version: {summary['authority_version']}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m quarry.archive.entities.train [--data DIR] [--out FILE]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ner-train directory")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="model file to write")
    ap.add_argument("--c1", type=float, default=None)
    ap.add_argument("--c2", type=float, default=None)
    ap.add_argument("--iterations", type=int, default=None)
    ap.add_argument("--corpora", nargs="*", choices=list(READERS), help="subset to train on")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    params = {}
    if args.c1 is not None:
        params["c1"] = args.c1
    if args.c2 is not None:
        params["c2"] = args.c2
    if args.iterations is not None:
        params["max_iterations"] = args.iterations
    summary = train(args.data, args.out, params, verbose=args.verbose, corpora_names=args.corpora)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
