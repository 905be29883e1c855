"""The ``quarry`` command: ingest, rebuild, extract, search, serve (and train-ner, sample).

Machine-readable output goes to stdout, human messages to stderr; exit status 1 when any input
failed, 2 for usage errors, 3 when the archive is busy or unusable.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import time
from pathlib import Path

import click

from quarry.archive.datadir import default_data_dir
from quarry.archive.lock import Busy, writer_lock
from quarry.archive.readers import FORMATS, ReadOptions

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default="./quarry-data or $QUARRY_DATA",
    help="Directory holding the article store and the index.",
)


def _err(message: str) -> None:
    click.echo(message, err=True)


class _Progress:
    """A one-line counter on a terminal; silent when stderr is not a terminal."""

    def __init__(self, label: str):
        self.label = label
        self.count = 0
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, n: int) -> None:
        self.count += n
        now = time.monotonic()
        if self.tty and now - self.last > 0.2:
            self.last = now
            click.echo(f"\r{self.label}: {self.count}", err=True, nl=False)

    def done(self) -> None:
        if self.tty and self.count:
            click.echo(f"\r{self.label}: {self.count}", err=True)


def _field_map(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        if not sep or not target or not column:
            raise click.BadParameter(
                f"{pair!r}: use FIELD=COLUMN, e.g. body=text", param_hint="--map"
            )
        out[target.strip()] = column.strip()
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quarry-archive")
def main() -> None:
    """Quarry: a searchable full-text research archive."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@data_dir_option
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="For JSONL/CSV: read an article field from another column (title, body, url, "
    "published, authors, categories, site, language, person, organization, location).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="Force the input format instead of detecting it.",
)
@click.option("--no-entities", is_flag=True, help="Skip named-entity extraction.")
@click.option(
    "--workers", type=int, default=None, help="Worker processes (default: all cores, at most 2)."
)
@click.option(
    "--wait", type=float, default=0.0, help="Seconds to wait for another writer to finish."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def ingest(paths, data_dir, mapping, fmt, no_entities, workers, wait, as_json):
    """Read files and folders into the archive and update the index."""
    from quarry.archive.pipeline import ingest as run_ingest
    from quarry.archive.store import Store
    from quarry.index.build import store_path, sync_index

    options = ReadOptions(field_map=_field_map(mapping), format=fmt)
    try:
        with writer_lock(data_dir, wait):
            caught_up = sync_index(data_dir)  # finish an earlier interrupted run first
            store = Store(store_path(data_dir))
            progress = _Progress("documents")
            try:
                report = run_ingest(
                    paths,
                    store,
                    options,
                    entities=not no_entities,
                    data_dir=data_dir,
                    workers=workers,
                    progress=progress,
                )
            finally:
                store.close()
                progress.done()
            indexed = caught_up + sync_index(data_dir)
    except Busy as exc:
        _err(str(exc))
        sys.exit(3)
    except KeyboardInterrupt:
        # interrupted while indexing: the store keeps every committed article and the next
        # `quarry ingest` or `quarry rebuild` brings the index up to date first
        _err("interrupted while updating the index: everything stored is kept; "
             "run `quarry ingest` again (or `quarry rebuild`) to finish")
        sys.exit(130)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "indexed": indexed}))
    for line in report.lines():
        _err(line)
    _err(f"indexed: {indexed}" + (f" ({caught_up} left over from an interrupted run)" if caught_up else ""))
    if report.interrupted:
        sys.exit(130)
    sys.exit(1 if report.failed else 0)


@main.command()
@data_dir_option
@click.option(
    "--reextract",
    is_flag=True,
    help="Re-read every original source first (after an extractor or model upgrade).",
)
@click.option(
    "--procs",
    type=int,
    default=None,
    help="Index writer processes (default: 2 for large archives).",
)
@click.option(
    "--wait", type=float, default=0.0, help="Seconds to wait for another writer to finish."
)
@click.option("--force", is_flag=True, help="Rebuild even when the index is healthy and up to date.")
def rebuild(data_dir, reextract, procs, wait, force):
    """Build a fresh index from the store and switch to it atomically.

    When the index is healthy and already holds everything in the store (and nothing is
    re-extracted), there is nothing to do and it says so; --force rebuilds anyway.
    """
    from quarry.archive.store import Store
    from quarry.index.build import build_index, index_up_to_date, store_path

    if not store_path(data_dir).exists():
        _err(f"no archive at {data_dir}: run `quarry ingest PATH` first")
        sys.exit(3)
    status = 0
    try:
        with writer_lock(data_dir, wait):
            store = Store(store_path(data_dir))
            try:
                count = store.count()
                if reextract:
                    status = _reextract(store, data_dir)
                    count = store.count()
            finally:
                store.close()
            t0 = time.perf_counter()
            if not force and not reextract:
                current = index_up_to_date(data_dir)
                if current is not None:
                    _err(f"index is up to date ({count} articles, {current}); "
                         "nothing to rebuild (--force rebuilds anyway)")
                    sys.exit(0)
            progress = _Progress("indexed")
            procs = procs or (2 if count > 5000 else 1)
            path = build_index(data_dir, procs=procs, progress=progress)
            progress.done()
    except Busy as exc:
        _err(str(exc))
        sys.exit(3)
    _err(f"index rebuilt: {count} articles in {time.perf_counter() - t0:.1f} s -> {path.name}")
    sys.exit(status)


def _reextract(store, data_dir: Path) -> int:
    """Re-read every source (with the options it was ingested with); pages whose files are
    gone are re-extracted from the captures kept in the data directory."""
    from quarry.archive.pipeline import ingest as run_ingest
    from quarry.archive.pipeline import raws_from_captures

    files = sorted({Path(src) for src, _, _ in store.sources()})
    missing = {str(f) for f in files if not f.exists()}
    groups: dict[str, list[Path]] = {}
    for f in files:
        if str(f) not in missing:
            groups.setdefault(store.get_meta(f"options:{f}") or "{}", []).append(f)
    progress = _Progress("re-extracted")
    status = 0
    runs = list(groups.items()) or [("{}", [])]
    for n, (saved, group) in enumerate(runs):
        opts = json.loads(saved)
        extra = raws_from_captures(store, data_dir, missing) if n == 0 and missing else ()
        report = run_ingest(group, store, ReadOptions(field_map=opts.get("field_map", {}), format=opts.get("format")),
                            data_dir=data_dir, reextract=True, progress=progress, extra=extra)
        for line in report.lines():
            _err(line)
        status = status or (1 if report.failed else 0)
    progress.done()
    for f in sorted(missing):
        _err(f"source gone: {f} (re-extracted from its kept capture where there is one)")
    return status


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-entities", is_flag=True, help="Skip named-entity extraction.")
@click.option(
    "--map", "mapping", multiple=True, metavar="FIELD=COLUMN", help="Field mapping for JSONL/CSV."
)
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS))
)
@click.option("--workers", type=int, default=None)
@data_dir_option
def extract(paths, no_entities, mapping, fmt, workers, data_dir):
    """Print the articles found in files as JSON Lines (nothing is stored)."""
    from quarry.archive.pipeline import iter_raw, process_all
    from quarry.archive.readers import Problem

    options = ReadOptions(field_map=_field_map(mapping), format=fmt)
    failed = False
    for _raw, outcome in process_all(
        iter_raw(paths, options), options.field_map, not no_entities, data_dir, workers
    ):
        if isinstance(outcome, Problem):
            _err(("skipped: " if outcome.skipped else "FAILED: ") + outcome.describe())
            failed = failed or not outcome.skipped
            continue
        a = outcome
        where = a.provenance[0] if a.provenance else None
        source = (
            where.source + (f"#{where.member}" if where and where.member else "") if where else None
        )
        click.echo(
            json.dumps(
                {
                    "source": source,
                    "url": a.url,
                    "title": a.title,
                    "other_titles": a.other_titles,
                    "date": a.published_iso,
                    "authors": a.authors,
                    "categories": a.categories,
                    "site": a.site,
                    "views": a.views,
                    "body": a.text,
                    "language": a.language,
                    "entities": a.entities.as_dict(),
                },
                ensure_ascii=False,
            )
        )
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("query", nargs=-1)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Keep articles with this facet value (repeatable).",
)
@click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Drop articles with this facet value.",
)
@click.option("--from", "date_from", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", help="Published on or before.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]))
@click.option("--page", type=int, default=1)
@click.option("--size", type=int, default=20)
@click.option(
    "--json", "as_json", is_flag=True, help="Print results and facets as one JSON object."
)
@click.option(
    "--format", "fmt", help="Export the whole result set: csv, jsonl, ris, bib, csl.json."
)
@data_dir_option
def search(query, filters, excludes, date_from, date_to, sort, page, size, as_json, fmt, data_dir):
    """Search the archive: the same results and facet counts as the web page."""
    from quarry.index.api import FACETS, SearchRequest
    from quarry.index.search import Archive

    args: dict[str, list[str]] = {"q": [" ".join(query)], "page": [str(page)], "size": [str(size)]}
    for prefix, pairs in (("f", filters), ("x", excludes)):
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or name not in FACETS:
                raise click.BadParameter(
                    f"{pair!r}: use FIELD=VALUE with FIELD one of {', '.join(FACETS)}"
                )
            args.setdefault(f"{prefix}.{name}", []).append(value)
    if date_from:
        args["from"] = [date_from]
    if date_to:
        args["to"] = [date_to]
    if sort:
        args["sort"] = [sort]
    req = SearchRequest.from_args(args)
    archive = Archive(data_dir)
    if fmt:
        from quarry.web.exports import EXPORT_FORMATS

        if fmt not in EXPORT_FORMATS:
            raise click.BadParameter(f"unknown format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
        writer = EXPORT_FORMATS[fmt][2]
        for chunk in writer(archive.iter_articles(req)):
            sys.stdout.write(chunk)
        return
    result = archive.search(req)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    if result.query_error:
        _err(f"note: {result.query_error}")
    click.echo(f"{result.total} articles")
    for n, hit in enumerate(result.hits, start=(req.page - 1) * req.page_size + 1):
        meta = " · ".join(
            x for x in [hit.date or "undated", hit.site or "", ", ".join(hit.categories)] if x
        )
        click.echo(f"{n:>4}. {hit.title}\n      {meta}\n      id {hit.id}")
        if hit.also_titled:  # found through another of its headlines: say which
            click.echo(f"      also headlined: {html.unescape(re.sub(r'</?mark>', '', hit.also_titled))}")
    if result.suggestion:
        click.echo(f"did you mean: {result.suggestion}")
    for facet in result.facets:
        if facet.values:
            values = ", ".join(f"{v.value} ({v.count})" for v in facet.values)
            click.echo(f"{facet.label}: {values}")


@main.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--production",
    is_flag=True,
    help="Serve with a production server instead of Flask's development server: waitress "
    "(one process, several threads), or gunicorn with --workers N processes.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="With --production: worker processes. 2 or more serve with gunicorn (each worker opens "
    "its own archive); 1 serves with waitress in one process; 0 (the default) means one per CPU.",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="With --production: threads per process [default: 8 with waitress, 2 per gunicorn worker].",
)
@click.option(
    "--max-requests",
    type=click.IntRange(min=0),
    default=0,
    help="With gunicorn: restart a worker after this many requests (plus up to 10% jitter); "
    "0 never does.",
)
@click.option("--access-log", is_flag=True, help="With gunicorn: log every request to stderr.")
@click.option(
    "--sample",
    is_flag=True,
    help="Serve the bundled sample archive (ingested on first run) when the data directory is empty.",
)
@click.option("--live-links", is_flag=True, help="Show outbound article links as live links.")
def serve(data_dir, host, port, production, workers, threads, max_requests, access_log, sample,
          live_links):  # fmt: skip
    """Run the web app."""
    from quarry.index.build import check_index, current_version, outdated_schema, store_path
    from quarry.web import create_app

    if not production and (workers is not None or max_requests or access_log):
        raise click.UsageError("--workers, --max-requests and --access-log need --production")
    if production and not workers:
        workers = _cpu_count()  # searching is pure Python: one process per core uses them all
    gunicorn = production and workers is not None and workers > 1
    if production and not gunicorn and (max_requests or access_log):
        _err("note: --max-requests and --access-log apply to gunicorn (--workers 2 or more)")
    if sample and not store_path(data_dir).exists():
        _ingest_sample(data_dir)
    if store_path(data_dir).exists() and current_version(data_dir) is None:
        from quarry.index.build import build_index

        try:
            with writer_lock(data_dir):
                if current_version(data_dir) is None:
                    build_index(data_dir)
        except Busy:
            _err("another quarry process is writing to this archive; serving what is there")
    problem = check_index(data_dir) or outdated_schema(data_dir)
    if problem:
        _err(f"warning: {problem}")
    if host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("QUARRY_ALLOW_REMOTE"):
        _err(
            f"warning: binding to {host} makes this archive reachable from other machines; "
            "set QUARRY_ALLOW_REMOTE=1 to silence this warning once that is intended"
        )
    app_config = {"DATA_DIR": data_dir, "LIVE_LINKS": live_links}
    if gunicorn:
        threads = threads or 2
        _err(f"Quarry: serving {data_dir} on http://{_netloc(host, port)}/ "
             f"(gunicorn: {workers} workers x {threads} threads)")  # fmt: skip
        _gunicorn(app_config, host, port, workers, threads, max_requests, access_log)
        return
    app = create_app(app_config)
    _err(f"Quarry: serving {data_dir} on http://{_netloc(host, port)}/")
    if production:
        from waitress import serve as waitress_serve

        waitress_serve(app, host=host, port=port, threads=threads or 8)
    else:
        app.run(host=host, port=port, debug=False, threaded=True)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _gunicorn(app_config: dict, host: str, port: int, workers: int, threads: int,
              max_requests: int, access_log: bool) -> None:  # fmt: skip
    """Serve with gunicorn: a master process and ``workers`` gthread workers.

    Nothing is preloaded: each worker builds its own app (and so its own Archive, Whoosh file
    handles and SQLite connections) after the fork, in :meth:`QuarryGunicorn.load`.
    """
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # not installed, or not on this platform (gunicorn needs POSIX)
        _err("gunicorn is not available here (pip install gunicorn); "
             "--workers 1 serves with waitress in one process")  # fmt: skip
        sys.exit(1)

    class QuarryGunicorn(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": [_netloc(host, port)],
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "preload_app": False,
                # a worker that stops checking in for this long is killed and replaced; requests
                # themselves are bounded by REQUEST_TIME_BUDGET (2 s) for their facets
                "timeout": 60,
                "graceful_timeout": 10,  # SIGTERM: let requests in flight finish, at most this
                "keepalive": 5,
                "max_requests": max_requests,
                "max_requests_jitter": max_requests // 10,
                "accesslog": "-" if access_log else None,
                "errorlog": "-",
                "proc_name": "quarry",
                # gunicorn >= 25 opens a control socket in a shared place ($HOME/.gunicorn): a
                # second server would take it over, and Quarry does not use it
                "control_socket_disable": True,
            }
            for key, value in settings.items():
                if key in self.cfg.settings:  # settings this gunicorn version knows
                    self.cfg.set(key, value)

        def load(self):
            from quarry.web import create_app

            return create_app(app_config)

    QuarryGunicorn().run()


def _ingest_sample(data_dir: Path) -> None:
    from quarry.archive.pipeline import ingest as run_ingest
    from quarry.archive.samples import sample_dir
    from quarry.archive.store import Store
    from quarry.index.build import build_index, store_path

    _err(f"first run: building the sample archive in {data_dir} …")
    with writer_lock(data_dir, wait=60):
        store = Store(store_path(data_dir))
        try:
            report = run_ingest([sample_dir()], store, data_dir=data_dir)
        finally:
            store.close()
        build_index(data_dir)
    _err(f"sample archive: {report.new} articles")


@main.command("train-ner")
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path),
    default=Path("../shared/ner-train"),
    show_default=True,
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Train this language's model (repeatable; default: every shipped language).",
)
def train_ner(data, languages):
    """Train the entity models from the NER training data and write them into the package."""
    from quarry.archive.entities.tagger import tagger_languages
    from quarry.archive.entities.train import RECIPES, train

    for language in languages or tagger_languages() or ("en",):
        if language not in RECIPES:
            raise click.UsageError(f"no training recipe for language {language!r}")
        stats = train(data, language)
        click.echo(json.dumps(stats, indent=1, default=str))


if __name__ == "__main__":
    main()
