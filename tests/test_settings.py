"""One settings object for the web app and the commands: `quarry search` honours the same cache
size and time budget as the web app, `quarry serve` runs waitress unless --debug, and a search
past its hard time limit answers with what it has and says so."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from flask import Flask

from quarry.index.api import Deadline, ErrorKind, SearchRequest
from quarry.index.engine import Archive
from quarry.web import create_app
from quarry.web.cli import main
from quarry.web.settings import Settings


@pytest.fixture()
def opened(monkeypatch):
    """The options every engine the commands open was made with."""
    made = []
    real = Archive.__init__

    def spy(self, data_dir, **options):
        made.append(options)
        real(self, data_dir, **options)

    monkeypatch.setattr(Archive, "__init__", spy)
    return made


def test_quarry_search_honours_the_cache_and_time_budget_settings(built_archive, opened, monkeypatch):
    run = CliRunner().invoke
    out = run(main, ["search", "--data-dir", str(built_archive), "--json", "--time-budget", "0",
                     "--cache-size", "0", "taliban"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["facets_timed_out"]  # no time for facets
    assert opened[-1] == {"cache_size": 0, "time_budget": 0.0, "request_deadline": 5.0}
    monkeypatch.setenv("QUARRY_TIME_BUDGET", "0")
    monkeypatch.setenv("QUARRY_CACHE_SIZE", "3")
    out = run(main, ["search", "--data-dir", str(built_archive), "--json", "taliban"])
    assert json.loads(out.output)["facets_timed_out"] and opened[-1] == {"cache_size": 3, "time_budget": 0.0, "request_deadline": 5.0}
    monkeypatch.setenv("QUARRY_TIME_BUDGET", "soon")
    out = run(main, ["search", "--data-dir", str(built_archive), "taliban"])
    assert out.exit_code == 2 and "QUARRY_TIME_BUDGET" in out.output


def test_the_web_app_searches_with_the_same_settings(built_archive, opened):
    client = create_app(Settings(data_dir=built_archive, time_budget=0.0, cache_size=5), {"TESTING": True}).test_client()
    assert client.get("/api/search?q=taliban").get_json()["facets_timed_out"]
    assert opened[-1] == {"cache_size": 5, "time_budget": 0.0, "request_deadline": 5.0}


@pytest.mark.parametrize("flags,server", [([], "waitress"), (["--debug"], "flask"),
                                          (["--production", "--workers", "1"], "waitress")])  # fmt: skip
def test_quarry_serve_runs_waitress_unless_debug(built_archive, monkeypatch, flags, server):
    import waitress

    calls = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: calls.append(("flask", self, kw)))
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append(("waitress", app, kw)))
    monkeypatch.setenv("QUARRY_TIME_BUDGET", "1.5")
    out = CliRunner().invoke(main, ["serve", "--data-dir", str(built_archive), "--port", "8099", "--live-links", *flags])
    assert out.exit_code == 0, out.output
    (kind, app, options), = calls
    assert kind == server and options["port"] == 8099
    assert options.get("debug", False) == (server == "flask")
    settings = app.extensions["quarry.settings"]
    assert (settings.data_dir, settings.live_links, settings.time_budget) == (built_archive, True, 1.5)


def test_debug_and_production_exclude_each_other(built_archive):
    out = CliRunner().invoke(main, ["serve", "--data-dir", str(built_archive), "--debug", "--production"])
    assert out.exit_code == 2 and "exclude each other" in out.output


def test_a_search_past_its_hard_limit_answers_with_what_it_has(built_archive):
    archive = Archive(built_archive, cache_size=0)
    result = archive.search(SearchRequest(q="taliban"), Deadline(budget=None, limit=0.0))
    assert result.error_kind is ErrorKind.TIMED_OUT and "results may be incomplete" in result.query_error
    assert result.total == 0 and result.hits == []  # stopped while matching: nothing found yet
    assert result.to_json()["error_kind"] == "timed_out"
    # the engine's own deadline has no hard limit: the same search completes
    assert archive.search(SearchRequest(q="taliban")).total > 0
