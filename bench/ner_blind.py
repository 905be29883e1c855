"""The in-domain entity evaluation set: which documents, their text, and their frozen gold.

46 English news articles from ``../shared/corpus`` (conflict and militancy, politics, business),
chosen before any tagger output on them was looked at and annotated by ``bench/ner_guideline.md``;
gold in ``bench/ner_gold_blind.json``. Nothing here copies their text: it is read from
``../shared`` at evaluation time.

How the documents were chosen (2026-12-06, once):

- 20 English fundus pages (``fundus-news-html``) not used by any earlier entity gold of this
  project (``bench/ner_gold_fundus.json``, ``bench/ner_gold_indomain.json``), picked by their
  headline for politics, conflict, extremism and business;
- 26 Reuters articles (``reuters-news-106k``) of 250-800 words, drawn with
  ``random.Random(20261206)`` from those matching at least two words of a topic's pattern
  (militancy 9, conflict 6, politics 6, business 5; the patterns are in the session notes of
  issue 12). Some drawn for a topic are about another (oil markets for "militancy"): kept as drawn.

The text of a document is its body paragraphs: the manifest's ``body_paragraphs`` for a fundus
page; for a Reuters article its body split at blank lines, lines joined with single spaces.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "bench" / "ner_gold_blind.json"

FUNDUS = (
    "au/NineNews_2024_05_02.html.gz",
    "ca/FinancialPost_2026_06_06.html.gz",
    "ca/NationalPost_2024_08_28.html.gz",
    "ca/NationalPost_2025_05_08.html.gz",
    "ca/OttawaCitizen_2026_05_26.html.gz",
    "ca/TheGlobeAndMail_2024_08_28.html.gz",
    "uk/EuronewsEN_2026_01_06.html.gz",
    "uk/EveningStandard_2024_10_24.html.gz",
    "uk/Metro_2024_07_17.html.gz",
    "uk/Nature_2026_02_07.html.gz",
    "uk/TheMirror_2024_08_05.html.gz",
    "us/APNews_2024_09_03.html.gz",
    "us/RestOfWorld_2025_10_21.html.gz",
    "us/TechCrunch_2024_04_28.html.gz",
    "us/TheIntercept_2023_04_28.html.gz",
    "us/TheIntercept_2024_02_28.html.gz",
    "us/TheNation_2023_05_15.html.gz",
    "us/TheNation_2024_01_11.html.gz",
    "za/DailyMaverick_2026_01_06.html.gz",
    "za/TimesLive_2025_11_10.html.gz",
)
REUTERS = (
    "us-blackberry-india-idUSTRE67P0VT20100827",
    "us-palestinians-israel-hamas-idUSL126424220071012",
    "us-oil-prices-idUSL2149090220080521",
    "us-nigeria-opec-output-idUSTRE72725Z20110308",
    "us-saudi-king-usa-sb-idUSTRE4A537020081106",
    "us-nigeria-delta-idUSTRE55P1DS20090629",
    "us-india-mumbai-funds-idUSTRE4AR2SW20081128",
    "us-markets-oil-idUSTRE49B3Y620081229",
    "us-sudan-south-oil-idUSBRE96J04M20130720",
    "us-afghanistan-usa-biden-idUSTRE66H0ZF20100718",
    "us-markets-iran-idUSL2260733520070308",
    "us-eurozone-germany-votes-idUSTRE78Q47G20110927",
    "us-gold-council-conflict-mineral-idUSTRE7216ZN20110302",
    "us-markets-oil-idUSSP10407020071017",
    "us-eurozone-merkel-idUSTRE78R34620110928",
    "us-eurozone-spain-italy-idUSBRE85H0JG20120618",
    "us-japan-economy-boj-idUSBRE9251GO20130307",
    "us-eurozone-reaction-france-idUSTRE77G1RU20110817",
    "us-romania-shale-idUSBRE91D0MY20130214",
    "us-swiss-regulation-pay-idUSBRE92204N20130303",
    "us-france-strausskahn-idUSTRE63H1TB20100418",
    "us-markets-stocks-idUSBRE95I0N020130620",
    "us-teppco-enterprise-idUSTRE55S20X20090630",
    "us-glencorexstrata-idUSBRE94F0C420130516",
    "us-markets-stocks-idUSTRE67I1MJ20100830",
    "us-lgelectronics-earnings-idUSBRE93N06Y20130424",
)


def reuters_paragraphs(body: str) -> list[str]:
    """A Reuters body as paragraphs: split at blank lines, wrapped lines joined."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", body))
    return [p for p in paragraphs if p]


def documents(shared: Path) -> list[tuple[str, list[str]]]:
    """(document id, body paragraphs) of every document of the set, in a fixed order."""
    corpus = Path(shared) / "corpus"
    out: list[tuple[str, list[str]]] = []
    manifest = corpus / "fundus-news-html" / "gold_manifest.jsonl"
    rows = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["html_file"]] = row
    out += [("fundus:" + name, list(rows[name]["body_paragraphs"])) for name in FUNDUS]
    wanted = set(REUTERS)
    found: dict[str, list[str]] = {}
    path = corpus / "reuters-news-106k" / "reuters_news_106k.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if len(found) == len(wanted):
                break
            row = json.loads(line)
            if row["id"] in wanted:
                found[row["id"]] = reuters_paragraphs(row.get("body") or "")
    out += [("reuters:" + rid, found[rid]) for rid in REUTERS]
    return out


def load(shared: Path) -> list[tuple[str, list[str], dict]]:
    """(document id, paragraphs, gold) for every annotated document."""
    gold = {d["id"]: d for d in json.loads(GOLD.read_text(encoding="utf-8"))["documents"]}
    return [(doc_id, paras, gold[doc_id]) for doc_id, paras in documents(shared) if doc_id in gold]


if __name__ == "__main__":
    # print the documents for annotation: ``python bench/ner_blind.py [--shared DIR] [N ...]``
    import argparse

    ap = argparse.ArgumentParser(description="print the set's documents, numbered")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("numbers", nargs="*", type=int)
    args = ap.parse_args()
    for n, (doc_id, paras) in enumerate(documents(args.shared)):
        if args.numbers and n not in args.numbers:
            continue
        print(f"### {n} {doc_id}\n")
        print("\n\n".join(paras))
        print()
