"""Thresholds counted in words hold for languages written without spaces between words:
a Japanese or Chinese paragraph is not one "word" (``text_keys.word_count``)."""

from __future__ import annotations

from test_html_body import tree_of

from quarry.archive.extract.gaps import fill_gaps
from quarry.archive.extract.tail import drop_outside_tail
from quarry.archive.extract.text_keys import word_count

# made-up news prose in Japanese: no spaces, so each paragraph is a single split() "word"
STORY = [
    "県の水道局は月曜日、貯水池の水位が二十年ぶりの低さまで下がったと発表した。",
    "当局は各家庭に対し、水の使用量を二割減らすよう求め、散水の制限も検討していると述べた。",
    "谷の農家はすでにかんがいを減らしており、今年の収穫は例年より少なくなると見込んでいる。",
    "技術者は来週ダムを点検し、その結果を見て当局が追加の節水策を決める予定だという。",
    "水道局は月末に貯水池の水位について新しい数字を公表すると説明した。",
]


def test_words_of_unspaced_scripts_count_at_about_two_characters_each() -> None:
    assert word_count("Reservoir levels fell, officials said.") == 5
    assert word_count("貯水池の水位が下がった") == 5  # eleven characters
    assert word_count("Die 水位 fiel") == 3
    assert word_count("저수지 수위가 크게 낮아졌다") == 4  # Korean is written with spaces
    assert word_count(STORY[0]) >= 8


def test_a_skipped_japanese_paragraph_goes_back_in_its_place() -> None:
    tree = tree_of("<div class='text'>" + "".join(f"<p>{p}</p>" for p in STORY) + "</div>")
    assert fill_gaps([STORY[0], STORY[1], STORY[3], STORY[4]], tree) == STORY


def test_a_japanese_offer_after_the_article_outside_its_container_goes() -> None:
    offer = "今なら二週間無料で全文をお読みいただけます。ご自宅にもお届けします。"
    page = tree_of(
        "<main><div class='story'>" + "".join(f"<p>{p}</p>" for p in STORY) + "</div>"
        f"<div class='after'><p>{offer}</p><div><span>ログイン</span></div></div></main>"
    )
    assert drop_outside_tail([*STORY, offer, "ログイン"], page) == STORY
