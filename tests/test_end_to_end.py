"""From files to search: ingest the fixtures, search, facet, filter, rebuild; counts made by hand."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter

from conftest import BAD, CORPUS, make_archive

from quarry.archive.datadir import DataDir
from quarry.archive.store import Store
from quarry.index.api import SearchRequest
from quarry.index.build import build_index, current_version, outdated_schema
from quarry.index.engine import Archive
from quarry.web.cli import main

# What each fixture article is, written down by hand (not computed by Quarry).
EXPECTED = {
    "eer-one-category": {"site": "European Eye on Radicalization", "category": ["Analysis"], "year": "2021"},
    "eer-12k-views": {"site": "European Eye on Radicalization",
                      "category": ["Contributors’ Opinions", "Opinion Pieces", "Reports"], "year": "2022"},
    "generic-capture": {"site": None, "category": [], "year": "2022"},
    "hamas-funding": {"site": "Example Security Review", "category": ["Analysis"], "year": "2023"},
    "taliban-courts": {"site": "Example Monitor", "category": ["Analysis"], "year": "2022"},
    "iskp-jalalabad": {"site": "Example Monitor", "category": ["Analysis"], "year": "2022"},
    "wagner-mali": {"site": "Example Wire", "category": ["Reports"], "year": "2023"},
    "pkk-talks": {"site": "Example Wire", "category": ["Reports", "Analysis"], "year": "2023"},
}


def expected_counts(field: str, keep=lambda e: True) -> dict[str, int]:
    counts: Counter = Counter()
    for entry in EXPECTED.values():
        if not keep(entry):
            continue
        values = entry[field]
        values = values if isinstance(values, list) else ([values] if values else [])
        counts.update(values)
    return dict(counts)


def facet_counts(result, name: str) -> dict[str, int]:
    facet = next(f for f in result.facets if f.name == name)
    return {v.value: v.count for v in facet.values}


def test_ingest_accounts_for_every_input(tmp_path):
    report = make_archive(tmp_path, CORPUS, BAD)
    assert report.new == len(EXPECTED)
    assert report.stored + report.duplicate + len(report.skipped) == report.read
    reasons = {p.source.rsplit("/", 1)[-1]: p.reason for p in report.skipped}
    assert reasons["empty.html"] == "empty file"
    assert reasons["binary.html"].startswith("binary file")
    assert reasons["truncated.html.gz"].startswith("damaged gzip")
    assert reasons["nav-only.html"] == "no article found"
    assert "not valid JSON" in reasons["items.jsonl"] or any("not valid JSON" in p.reason for p in report.skipped)
    assert len(report.failed) >= 4  # empty, binary, truncated, broken JSON line, record without body


def test_browse_counts_equal_hand_counts(built_archive):
    result = Archive(built_archive).search(SearchRequest())
    assert result.total == len(EXPECTED)
    assert facet_counts(result, "category") == expected_counts("category")
    assert facet_counts(result, "site") == expected_counts("site")
    assert facet_counts(result, "year") == expected_counts("year")
    # newest first when browsing
    dates = [h.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)


def test_facet_count_equals_results_after_clicking(built_archive):
    archive = Archive(built_archive)
    before = archive.search(SearchRequest())
    for name in ("category", "site", "year", "author", "organization", "location"):
        for value in before.facets[[f.name for f in before.facets].index(name)].values:
            after = archive.search(SearchRequest(filters={name: [value.value]}))
            assert after.total == value.count, (name, value.value)


def test_filter_updates_other_counts(built_archive):
    archive = Archive(built_archive)
    result = archive.search(SearchRequest(filters={"category": ["Reports"]}))
    keep = lambda e: "Reports" in e["category"]  # noqa: E731
    assert result.total == sum(map(keep, EXPECTED.values()))
    assert facet_counts(result, "year") == expected_counts("year", keep)
    assert facet_counts(result, "site") == expected_counts("site", keep)
    # the selected facet keeps the counts of its other values (OR within a facet)
    assert facet_counts(result, "category") == expected_counts("category")
    both = archive.search(SearchRequest(filters={"category": ["Reports", "Opinion Pieces"]}))
    assert both.total == sum("Reports" in e["category"] or "Opinion Pieces" in e["category"] for e in EXPECTED.values())
    excluded = archive.search(SearchRequest(excludes={"category": ["Analysis"]}))
    assert excluded.total == sum("Analysis" not in e["category"] for e in EXPECTED.values())


def test_query_and_date_filters(built_archive):
    archive = Archive(built_archive)
    assert archive.search(SearchRequest(q="Hezbollah")).total >= 1
    r = archive.search(SearchRequest(date_from="2023", date_to="2023-12"))
    assert r.total == expected_counts("year")["2023"]
    r = archive.search(SearchRequest(q="published:[2022-01 TO 2022-12]"))
    assert r.total == expected_counts("year")["2022"]
    assert r.query_error is None


def test_malformed_query_is_reported_not_raised(built_archive):
    r = Archive(built_archive).search(SearchRequest(q='"Taliban courts (AND'))
    assert r.query_error
    assert r.total >= 1  # searched the plain words


def test_alias_query_finds_the_canonical_entity(built_archive):
    archive = Archive(built_archive)
    by_alias = {h.id for h in archive.search(SearchRequest(q="ISIS-K", page_size=100)).hits}
    by_name = {h.id for h in archive.search(SearchRequest(q="Islamic State Khorasan Province", page_size=100)).hits}
    assert by_alias and by_alias == by_name


def test_rebuild_gives_identical_counts(archive_copy):
    archive = Archive(archive_copy)
    before = archive.search(SearchRequest()).to_json()
    old_version = current_version(archive_copy)
    build_index(archive_copy)
    assert current_version(archive_copy) != old_version
    after = Archive(archive_copy).search(SearchRequest()).to_json()
    assert after["total"] == before["total"]
    assert after["facets"] == before["facets"]


def test_same_article_from_two_sources_is_stored_once(archive_copy, tmp_path):
    copy = tmp_path / "again"
    copy.mkdir()
    shutil.copy(CORPUS / "html" / "hamas-funding.html", copy / "saved-page.html")
    report = make_archive(archive_copy, copy, CORPUS / "html")
    assert report.new == 0 and report.duplicate == 2
    store = Store(DataDir(archive_copy).store)
    try:
        assert store.count() == len(EXPECTED)
        (article,) = [a for a in store.iter_articles() if a.title.startswith("How Hamas")]
        assert {p.source.rsplit("/", 1)[-1] for p in article.provenance} == {"hamas-funding.html", "saved-page.html"}
    finally:
        store.close()


def test_cli_search_json_matches_api(built_archive, runner):
    out = runner.invoke(main, ["search", "--data-dir", str(built_archive), "--json", "--filter", "category=Analysis", "Taliban"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    api = Archive(built_archive).search(SearchRequest(q="Taliban", filters={"category": ["Analysis"]})).to_json()
    assert data["total"] == api["total"] >= 1
    assert data["facets"] == api["facets"]
    assert {"id", "title", "date", "url", "site", "categories", "snippet"} <= set(data["results"][0])


def test_cli_ingest_exit_status_and_summary(tmp_path, runner):
    data = tmp_path / "d"
    out = runner.invoke(main, ["ingest", "--data-dir", str(data), str(CORPUS), str(BAD), "--no-entities"])
    assert out.exit_code == 1  # some inputs failed, the good ones are stored and indexed
    assert "empty file" in out.output
    assert Archive(data).search(SearchRequest()).total == len(EXPECTED)
    again = runner.invoke(main, ["ingest", "--data-dir", str(data), str(CORPUS), "--no-entities"])
    assert again.exit_code == 1  # the broken JSON line is still broken
    assert "new: 0" in again.output
    assert Archive(data).search(SearchRequest()).total == len(EXPECTED)


def test_cli_extract_contract(runner):
    out = runner.invoke(main, ["extract", "--no-entities", str(CORPUS / "pages" / "eer-12k-views.txt")])
    assert out.exit_code == 0
    (record,) = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert set(record) >= {"source", "url", "title", "other_titles", "date", "authors", "categories", "body",
                           "language", "entities"}
    assert record["date"] == "2022-11-09"
    assert record["body"].count("\n\n") >= 2


def test_did_you_mean_offers_a_real_word(built_archive):
    result = Archive(built_archive).search(SearchRequest(q="Hezbolah finances"))
    assert result.total == 0
    assert result.suggestion == "hezbollah finances"
    assert Archive(built_archive).search(SearchRequest(q=result.suggestion)).total >= 1


def test_rebuild_with_nothing_changed_says_so_and_force_rebuilds(archive_copy, runner):
    before = current_version(archive_copy)
    out = runner.invoke(main, ["rebuild", "--data-dir", str(archive_copy)])
    assert out.exit_code == 0 and "up to date" in out.output
    assert current_version(archive_copy) == before
    out = runner.invoke(main, ["rebuild", "--force", "--data-dir", str(archive_copy)])
    assert out.exit_code == 0 and "rebuilt" in out.output
    assert current_version(archive_copy) != before
    # a damaged index is rebuilt without --force
    postings = next(current_version(archive_copy).glob("*.pst"))
    postings.unlink()
    out = runner.invoke(main, ["rebuild", "--data-dir", str(archive_copy)])
    assert out.exit_code == 0 and "rebuilt" in out.output
    assert Archive(archive_copy).search(SearchRequest()).total == len(EXPECTED)
    # an index an older Quarry built (another schema) is named as such and rebuilt without --force
    meta_path = current_version(archive_copy) / "meta.json"
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "schema": 1}))
    assert "older version of Quarry" in outdated_schema(archive_copy)
    out = runner.invoke(main, ["rebuild", "--data-dir", str(archive_copy)])
    assert out.exit_code == 0 and "rebuilt" in out.output
    assert outdated_schema(archive_copy) is None
    # ingesting into such an index rebuilds it whole rather than adding documents of a new make
    meta_path = current_version(archive_copy) / "meta.json"
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "schema": 1}))
    before = current_version(archive_copy)
    out = runner.invoke(main, ["ingest", "--data-dir", str(archive_copy), str(CORPUS / "html")])
    assert out.exit_code == 0, out.output
    assert current_version(archive_copy) != before and outdated_schema(archive_copy) is None
    assert Archive(archive_copy).search(SearchRequest()).total == len(EXPECTED)


def test_quoted_field_values_and_date_ranges(built_archive):
    archive = Archive(built_archive)
    assert archive.search(SearchRequest(q='author:"Ivo Petrov"')).total == 2
    assert archive.search(SearchRequest(q='author:"ivo petrov" PKK')).total == 1
    assert archive.search(SearchRequest(q='title:"Taliban Courts"')).total == 1
    in_2022 = expected_counts("year")["2022"]
    for q in ("published:[2022 TO 2022-12]", "date:[2022-01 TO 2022-12]", "published:[2022 TO 2022]"):
        result = archive.search(SearchRequest(q=q))
        assert result.total == in_2022, q
        assert result.request.q == q  # the page still shows what was typed
    assert archive.search(SearchRequest(q="published:[2023 TO]")).total == expected_counts("year")["2023"]
    # a range inside an alternative is left to the query engine
    either = archive.search(SearchRequest(q="Hezbollah OR published:[2021-01 TO 2021-12]"))
    assert either.total == 2


Q_MANY = "Taliban OR Russia OR union OR groups OR officials OR Mali OR PKK OR Hezbollah OR Hamas OR channels"


def test_filtered_ranking_is_the_unfiltered_ranking_restricted(built_archive):
    archive = Archive(built_archive, cache_size=0)
    everything = archive.search(SearchRequest(q=Q_MANY, page_size=100))
    assert everything.total >= 6
    for site in ("Example Wire", "Example Monitor", "European Eye on Radicalization"):
        narrowed = archive.search(SearchRequest(q=Q_MANY, filters={"site": [site]}, page_size=1))
        expected = [h.id for h in everything.hits if h.site == site]
        assert narrowed.total == len(expected)
        assert [h.id for h in narrowed.hits] == expected[:1]
        full = [a.id for a in archive.export_rows(SearchRequest(q=Q_MANY, filters={"site": [site]}))]
        assert full == expected


def test_extreme_dates_in_filters(built_archive):
    archive = Archive(built_archive)
    assert archive.search(SearchRequest(date_from="0000", date_to="9999-12")).total == len(EXPECTED)
    assert archive.search(SearchRequest(date_from="9999-12-31")).total == 0
    assert archive.search(SearchRequest(q="published:[0000 TO 9999-12]")).total == len(EXPECTED)


def test_entity_export_narrows_even_with_a_filter_of_the_same_facet(built_archive, client):
    archive = Archive(built_archive)
    view = archive.entity("location", "Mali")
    assert view is not None and view.result.total >= 1
    page = client.get("/entity/location/Mali").get_data(as_text=True)
    assert "in.location=Mali" in page
    # the entity page's own restriction is ANDed: adding another location keeps it inside Mali
    narrowed = client.get("/export.jsonl?in.location=Mali&f.location=Bamako").get_data(as_text=True)
    ids = {json.loads(line)["id"] for line in narrowed.splitlines() if line.strip()}
    both = archive.search(SearchRequest(filters={"location": ["Bamako"]}, within=("location", "Mali"), page_size=100))
    assert ids == {h.id for h in both.hits}
    mali = {h.id for h in archive.search(SearchRequest(filters={"location": ["Mali"]}, page_size=100)).hits}
    assert ids <= mali
    assert SearchRequest.from_args({"in.location": ["Mali"]}).within == (("location", "Mali"),)
    assert ("in.location", "Mali") in SearchRequest(within=("location", "Mali")).to_args()


def test_a_within_restriction_is_shown_and_removable(client):
    page = client.get("/?in.location=Mali").get_data(as_text=True)
    assert "Only Location" in page and "Mali" in page
    data = client.get("/api/search?in.location=Mali").get_json()
    assert 0 < data["total"] < client.get("/api/search").get_json()["total"]


def test_wildcard_over_too_many_words_says_so_instead_of_counting_part(built_archive, monkeypatch):
    import quarry.index.arraymatch as am

    monkeypatch.setattr(am, "MAX_EXPANSIONS", 3)
    r = Archive(built_archive).search(SearchRequest(q="t*"))
    assert r.total == 0 and r.hits == []
    assert "“t*” stands for more than 3 different words" in r.query_error and r.query_refused
    assert all(v.count == 0 for f in r.facets for v in f.values)
    monkeypatch.setattr(am, "MAX_EXPANSIONS", 100_000)
    assert Archive(built_archive).search(SearchRequest(q="t*")).total > 0


def test_minus_excludes_a_word_and_hyphenated_names_stay_whole(built_archive):
    archive = Archive(built_archive)

    def ids(q: str) -> set[str]:
        return {h.id for h in archive.search(SearchRequest(q=q, page_size=100)).hits}

    without = ids("islamic -taliban")
    assert without and without == ids("islamic NOT taliban")
    assert ids("islamic taliban") and not without & ids("islamic taliban")
    assert without | ids("islamic taliban") == ids("islamic")
    assert ids("far-right") == ids('"far right"') != set()


def test_other_headline_finds_the_article_and_says_so(built_archive, client, runner):
    # hamas-funding.html gives a social-card headline (twitter:title) whose word "ledgers" is
    # neither in its title nor in its text
    archive = Archive(built_archive)
    r = archive.search(SearchRequest(q="ledgers"))
    assert [h.title for h in r.hits] == ["How Hamas Moves Money Through Crypto Exchanges"]
    assert r.hits[0].also_titled == "Inside the <mark>ledgers</mark> of Hamas&#x27;s crypto fundraising"
    assert [h.id for h in archive.search(SearchRequest(q="title:ledger")).hits] == [r.hits[0].id]
    # a word the title shows needs no second headline to explain the match
    shown = {h.id: h for h in archive.search(SearchRequest(q="hamas crypto")).hits}
    assert shown[r.hits[0].id].also_titled == ""
    page = client.get(f"/article/{r.hits[0].id}").get_data(as_text=True)
    assert "Also headlined: <q>Inside the ledgers of Hamas&#39;s crypto fundraising</q>" in page
    listing = client.get("/?q=ledgers").get_data(as_text=True)
    assert "Also headlined: Inside the <mark>ledgers</mark>" in listing
    out = runner.invoke(main, ["search", "--data-dir", str(built_archive), "ledgers"])
    assert "also headlined: Inside the ledgers of Hamas's crypto fundraising" in out.output
    header, row = csv.reader(io.StringIO(client.get("/export.csv?q=ledgers").get_data(as_text=True)))
    assert dict(zip(header, row, strict=True))["other_titles"] == "Inside the ledgers of Hamas's crypto fundraising"
