"""Ruby annotations (readings over Japanese words) stay inside their sentence."""

from __future__ import annotations

from quarry.archive.extract.html import extract_html
from quarry.archive.model import RawDocument

SENTENCE = (
    "市は月曜日、貯水池の水位が二十年ぶりの低さになったと発表し、"
    "<ruby><rb>渇水</rb><rp>（</rp><rt>かっすい</rt><rp>）</rp></ruby>\n"
    "対策として住民に節水を呼びかけた。"
)
OTHERS = [
    "農家はすでに灌漑を減らしており、今年の収穫は昨年より少なくなる見込みだという。",
    "市の担当者は、天候が変わらなければ数週間以内に給水制限を始める可能性があると述べた。",
    "技術者は来週ダムを点検し、その結果を受けて市がさらなる対策を決める予定である。",
]


def _body(paragraph: str) -> list[str]:
    html = (
        "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><title>貯水池が二十年ぶりの低水位</title></head>"
        f"<body><article><h1>貯水池が二十年ぶりの低水位</h1><p>{paragraph}</p>"
        + "".join(f"<p>{p}</p>" for p in OTHERS)
        + "</article></body></html>"
    )
    art = extract_html(RawDocument(source="p.html", kind="html", content=html.encode(), format="html"))
    assert art is not None
    return art.body


def test_a_reading_stays_in_its_sentence_with_the_page_s_parentheses() -> None:
    body = _body(SENTENCE)
    assert body[0].startswith("市は月曜日")
    assert "渇水（かっすい）" in body[0] and body[0].endswith("呼びかけた。")
    assert body[1:] == OTHERS


def test_a_reading_without_fallback_parentheses_is_left_out() -> None:
    bare = SENTENCE.replace("<rp>（</rp>", "").replace("<rp>）</rp>", "")
    body = _body(bare)
    assert "渇水" in body[0] and "かっすい" not in body[0] and body[0].endswith("呼びかけた。")
