"""APA, Chicago and MLA rendered by citeproc-py from the official CSL styles, and the four gaps
of citeproc-py that archive/citation/styles.py mends (each shown here by the output it fixes)."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from quarry.archive.citation import STYLES, csl_item, render
from quarry.archive.citation import styles as citation_styles
from quarry.archive.model import Article, Provenance

CAPTURED = [Provenance(source="capture.warc", captured="2023-05-06T09:30:00Z")]
NEWS = Article(
    id="1111aaaa2222bbbb", title="Why does ISKP target Pakistan?", body=["p"],
    url="https://times.example/2022/03/iskp", published=date(2022, 3, 15),
    authors=["Jonas Brandt", "Jan van der Berg"], site="Example Times", language="en",
)  # fmt: skip
BLOG = Article(
    id="3333cccc4444dddd", title="Reading the al-Naba editorials", body=["p"],
    url="https://blog.example.org/2020/01/al-naba", published=date(2020, 1, 2),
    authors=["Martin Luther King Jr."], site="Example Notes", language="en", provenance=CAPTURED,
)  # fmt: skip
CORPORATE = Article(
    id="5555eeee6666ffff", title="Far-right networks online", body=["p"],
    url="https://eer.example/far-right-networks", authors=["European Eye on Radicalization"],
    site="European Eye on Radicalization", language="en", provenance=CAPTURED,
)  # fmt: skip
UNSIGNED = Article(
    id="7777aaaa8888bbbb", title="Wer sind die Islamisten?", body=["p"],
    url="https://www.derstandard.at/story/2000123/wer-sind", published=date(2021, 3, 4),
    authors=["DerStandard"], site="derStandard.at", language="de",
)  # fmt: skip

EXPECTED = {
    ("news", "apa"): "Brandt, J., & van der Berg, J. (2022, March 15). Why does ISKP target Pakistan? Example Times. https://times.example/2022/03/iskp",
    ("news", "chicago"): "Brandt, Jonas, and Jan van der Berg. “Why Does ISKP Target Pakistan?” Example Times, March 15, 2022. https://times.example/2022/03/iskp.",
    ("news", "chicago-author-date"): "Brandt, Jonas, and Jan van der Berg. 2022. “Why Does ISKP Target Pakistan?” Example Times, March 15. https://times.example/2022/03/iskp.",
    ("news", "mla"): "Brandt, Jonas, and Jan van der Berg. “Why Does ISKP Target Pakistan?” Example Times, 15 Mar. 2022, https://times.example/2022/03/iskp.",
    ("blog", "apa"): "King, M. L., Jr. (2020, January 2). Reading the al-Naba editorials. Example Notes. https://blog.example.org/2020/01/al-naba",
    ("blog", "chicago"): "King, Martin Luther, Jr. “Reading the al-Naba Editorials.” Example Notes, January 2, 2020. https://blog.example.org/2020/01/al-naba.",
    ("blog", "chicago-author-date"): "King, Martin Luther, Jr. 2020. “Reading the al-Naba Editorials.” Example Notes, January 2. https://blog.example.org/2020/01/al-naba.",
    ("blog", "mla"): "King, Martin Luther, Jr. “Reading the al-Naba Editorials.” Example Notes, 2 Jan. 2020, https://blog.example.org/2020/01/al-naba.",
    ("corporate", "apa"): "European Eye on Radicalization. (n.d.). Far-right networks online. Retrieved May 6, 2023, from https://eer.example/far-right-networks",
    ("corporate", "chicago"): "European Eye on Radicalization. “Far-right Networks Online.” Accessed May 6, 2023. https://eer.example/far-right-networks.",
    ("corporate", "chicago-author-date"): "European Eye on Radicalization. n.d. “Far-right Networks Online.” Accessed May 6, 2023. https://eer.example/far-right-networks.",
    ("corporate", "mla"): "European Eye on Radicalization. Far-right Networks Online. https://eer.example/far-right-networks. Accessed 6 May 2023.",
    ("unsigned", "apa"): "Wer sind die Islamisten? (2021, March 4). derStandard.at. https://www.derstandard.at/story/2000123/wer-sind",
    ("unsigned", "chicago"): "derStandard.at. “Wer sind die Islamisten?” March 4, 2021. https://www.derstandard.at/story/2000123/wer-sind.",
    ("unsigned", "mla"): "“Wer sind die Islamisten?” derStandard.at, 4 Mar. 2021, https://www.derstandard.at/story/2000123/wer-sind.",
}  # fmt: skip
CASES = {"news": NEWS, "blog": BLOG, "corporate": CORPORATE, "unsigned": UNSIGNED}


@pytest.mark.parametrize("case,style", sorted(EXPECTED))
def test_rendered_citation(case, style):
    assert render(csl_item(CASES[case]), style) == EXPECTED[case, style]


def test_html_keeps_the_styles_markup_and_escapes_the_record():
    html = render(csl_item(NEWS), "apa", html=True)
    assert "<i>Example Times</i>" in html and "&amp; van der Berg" in html
    hostile = Article(
        id="9999", title='<script>alert("x")</script> & <i>not italic</i>', body=[],
        authors=["Émile <b>Bold</b>"], site="<img src=x onerror=alert(1)>",
    )  # fmt: skip
    html = render(csl_item(hostile), "apa", html=True)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;i&gt;not italic&lt;/i&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "&lt;img" in html
    # the plain form is the text itself (escaping is the page's job)
    assert render(csl_item(hostile), "apa").startswith("Émile <b>Bold</b>. (n.d.).")


# -- the mended gaps ------------------------------------------------------------------------


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("title", ["Is this the end?", "Stop now!", "It ended.", "Not “quoted”?"])
def test_a_title_ending_in_punctuation_gets_no_second_mark(style, title):
    a = Article(id="ab", title=title, body=[], authors=["Jane Doe"], site="Example Times",
                published=date(2021, 1, 2), url="https://times.example/2021/01/x")  # fmt: skip
    for html in (False, True):
        text = render(csl_item(a), style, html=html)
        assert title.rstrip("?!.").casefold() in text.casefold()  # some styles title-case it
        for doubled in ("?.", "!.", "..", "?,", "!,", "?”.", "!”.", ".”.", "?</i>.", ".</i>."):
            assert doubled not in text, (style, text)


def test_punctuation_goes_inside_the_styles_quotes_only():
    a = Article(id="ab", title='The "caliphate" returns', body=[], authors=["Jane Doe"],
                site="Example Times", published=date(2021, 1, 2))  # fmt: skip
    text = render(csl_item(a), "chicago")
    assert '“The "caliphate" Returns.” Example Times' in text  # en-US: the period moves inside
    assert render(csl_item(a), "mla").count("”") == 1


def test_empty_variables_print_no_label():
    # chicago's edition label used to print "Edition." for every newspaper article
    for style in STYLES:
        assert "dition" not in render(csl_item(NEWS), style)


def test_given_names_stay_whole_where_the_style_says_so():
    assert render(csl_item(NEWS), "mla").startswith("Brandt, Jonas, and Jan van der Berg.")
    assert render(csl_item(NEWS), "apa").startswith("Brandt, J., & van der Berg, J.")


def test_a_substituted_variable_is_not_repeated():
    for style in STYLES:
        text = render(csl_item(UNSIGNED), style)
        assert text.count("Islamisten") == 1 and text.count("derStandard.at") == 1, text


def test_mends_are_installed_once_and_keep_citeprocs_own_behaviour():
    import citeproc.model

    process = citeproc.model.Label.process
    citation_styles._install_mends()
    assert citeproc.model.Label.process is process  # not wrapped twice


# -- speed and safety -----------------------------------------------------------------------


def test_a_style_is_parsed_once_for_many_records(monkeypatch):
    calls = []
    parse = citation_styles.CitationStylesStyle

    def counting(*args, **kw):
        calls.append(args)
        return parse(*args, **kw)

    citation_styles._parsed.cache_clear()
    monkeypatch.setattr(citation_styles, "CitationStylesStyle", counting)
    items = [csl_item(Article(id=f"{i:016x}", title=f"Title {i}", body=[], authors=["Jane Doe"]))
             for i in range(60)]  # fmt: skip
    texts = [render(item, "mla") for item in items] + [render(item, "mla", html=True) for item in items]
    assert len(calls) == 2  # plain and HTML, once each
    assert all(f"Title {i}" in texts[i] for i in range(60))
    citation_styles._parsed.cache_clear()


def test_concurrent_renders_match_serial_ones():
    items = [csl_item(a) for a in CASES.values()]
    expected = {(i, s, h): render(item, s, html=h) for i, item in enumerate(items)
                for s in STYLES for h in (False, True)}  # fmt: skip
    got: dict = {}

    def work(offset: int) -> None:
        keys = list(expected)
        for key in keys[offset:] + keys[:offset]:
            i, s, h = key
            got.setdefault(key, set()).add(render(items[i], s, html=h))

    threads = [threading.Thread(target=work, args=(n * 5,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {k: {v} for k, v in expected.items()} == got


@pytest.mark.parametrize("style", list(STYLES))
def test_hostile_records_render(style):
    records = [
        Article(id="0", title="", body=[]),
        Article(id="1", title="x" * 20_000, body=[], authors=["A" * 500]),
        Article(id="2", title='<span class="nocase">{}</span> \\ % $ \ue000\ue001\ue002 ” .', body=[],
                authors=["\u202eJane Doe", "@@@", "{{x}}"], site="\ue002", published=date(1, 1, 1)),
    ]  # fmt: skip
    for a in records:
        text = render(csl_item(a), style)
        assert "\ue000" not in text and "\ue002" not in text
        assert render(csl_item(a), style, html=True) is not None


def test_a_record_that_cannot_be_rendered_does_not_end_the_reference_list(monkeypatch):
    from quarry.archive import exports

    def fails_on_blog(item, style):
        if item["id"] == BLOG.id:
            raise ValueError("bad record")
        return render(item, style)

    monkeypatch.setattr(exports, "render", fails_on_blog)
    text = "".join(exports.EXPORT_FORMATS["mla"][2]([NEWS, BLOG, CORPORATE]))
    assert text.split("\n\n")[:3] == [
        EXPECTED["news", "mla"],
        f"[article {BLOG.id} could not be formatted: ValueError]",
        EXPECTED["corporate", "mla"],
    ]
