"""Label schemes of the CRF: BIO (begin, inside, outside) and BILOU (begin, inside, last,
unit-length, outside).

With BILOU the CRF learns what ends a name and what a one-word name looks like as labels of
their own, not as whatever happens to follow an I- label; a model records the scheme it was
trained with, and its output is always turned back into BIO for the rest of the pipeline.
"""

from __future__ import annotations

SCHEMES = ("bio", "bilou")


def to_bilou(labels: list[str]) -> list[str]:
    """BIO labels -> BILOU (``B-PER I-PER`` -> ``B-PER L-PER``, ``B-LOC`` -> ``U-LOC``)."""
    out = []
    n = len(labels)
    for i, lab in enumerate(labels):
        if lab == "O":
            out.append(lab)
            continue
        typ = lab[2:]
        ends = i + 1 == n or labels[i + 1] != "I-" + typ
        if lab.startswith("B-"):
            out.append(("U-" if ends else "B-") + typ)
        else:
            out.append(("L-" if ends else "I-") + typ)
    return out


def to_bio(labels: list[str]) -> list[str]:
    """BILOU (or BIO) labels -> BIO: U- and a B- after a finished name begin one; L- and I-
    continue the name before them when it has their type, else begin one."""
    out = []
    prev = "O"
    for lab in labels:
        if lab == "O":
            out.append(lab)
        else:
            prefix, typ = lab[0], lab[2:]
            inside = prefix in "IL" and prev != "O" and prev[0] in "BI" and prev[2:] == typ
            out.append(("I-" if inside else "B-") + typ)
        prev = lab
    return out
