"""The CRF's label schemes: BILOU for training and back to BIO for the pipeline."""

from __future__ import annotations

from quarry.archive.entities.labels import to_bilou, to_bio

BIO = ["B-PER", "I-PER", "O", "B-LOC", "B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "B-PER"]


def test_bilou_marks_the_last_word_and_one_word_names() -> None:
    assert to_bilou(BIO) == [
        "B-PER", "L-PER", "O", "U-LOC", "B-ORG", "I-ORG", "L-ORG", "O", "U-PER", "U-PER",
    ]  # fmt: skip
    assert to_bio(to_bilou(BIO)) == BIO


def test_a_crf_output_that_breaks_the_scheme_still_gives_whole_names() -> None:
    # an I- or L- with nothing to continue begins a name; after an L- or U- the next one does
    assert to_bio(["I-PER", "L-PER", "U-LOC", "L-ORG", "O", "L-LOC"]) == [
        "B-PER", "I-PER", "B-LOC", "B-ORG", "O", "B-LOC",
    ]  # fmt: skip
    assert to_bio(["B-PER", "L-PER", "L-PER"]) == ["B-PER", "I-PER", "B-PER"]
    assert to_bio(["B-PER", "I-ORG"]) == ["B-PER", "B-ORG"]
