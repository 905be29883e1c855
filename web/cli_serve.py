"""``quarry serve``: the web app on waitress (threads), gunicorn (worker processes, with
``--production``) or, only with ``--debug``, Flask's development server.
"""

from __future__ import annotations

import os
import sys

import click

from quarry.archive.lock import Busy

from .cli_common import data_dir_option, engine_options, err, load_settings
from .limits import (
    MAX_HEADER_FIELD_BYTES,
    MAX_HEADER_FIELDS,
    MAX_REQUEST_LINE,
    WAITRESS_HEADER_BYTES,
)
from .settings import Settings

WAITRESS_THREADS = 8
GUNICORN_THREADS = 2


@click.command()
@data_dir_option
@click.option("--host", default=None, help="Interface to bind to.  [default: 127.0.0.1]")
@click.option("--port", default=None, type=int, help="Port to listen on.  [default: 8080]")
@click.option(
    "--production",
    is_flag=True,
    help="Serve with gunicorn worker processes (--workers N, default one per CPU); without it, "
    "waitress serves in one process with several threads.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Flask's development server with its debugger and reloader (for working on Quarry "
    "itself; never on a shared machine).",
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
    help=f"Threads per process [default: {WAITRESS_THREADS} with waitress, {GUNICORN_THREADS} per "
    "gunicorn worker].",
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
@click.option("--live-links", is_flag=True, default=None,
              help="Show outbound article links as live links [default: $QUARRY_LIVE_LINKS or off].")  # fmt: skip
@engine_options
def serve(data_dir, host, port, production, debug, workers, threads, max_requests, access_log, sample,
          live_links, cache_size, time_budget, request_deadline):  # fmt: skip
    """Run the web app."""
    from quarry.index.build import check_index, outdated_schema
    from quarry.index.update import index_if_missing
    from quarry.index.verify import store_opens

    if debug and production:
        raise click.UsageError("--debug and --production exclude each other")
    if not production and (workers is not None or max_requests or access_log):
        raise click.UsageError("--workers, --max-requests and --access-log need --production")
    settings = load_settings(data_dir=data_dir, host=host, port=port, live_links=live_links or None,
                             cache_size=cache_size, time_budget=time_budget,
                             request_deadline=request_deadline)  # fmt: skip
    if production and not workers:
        workers = _cpu_count()  # searching is pure Python: one process per core uses them all
    gunicorn = production and workers is not None and workers > 1
    if production and not gunicorn and (max_requests or access_log):
        err("note: --max-requests and --access-log apply to gunicorn (--workers 2 or more)")
    data = settings.data
    if sample and not data.store.exists():
        _ingest_sample(settings)
    try:
        index_if_missing(data)
    except Busy as exc:
        err(f"note: {exc}; serving what is there")
    waiting = store_opens(data)  # a store that cannot be read: a message and exit status 3, not a server
    if waiting:
        err(f"warning: {waiting:,} stored article{'s are' if waiting != 1 else ' is'} not indexed yet "
            "(an interrupted ingest?): run `quarry rebuild` to search them")  # fmt: skip
    problem = check_index(data) or outdated_schema(data)
    if problem:
        err(f"warning: {problem}")
    if settings.remote and not settings.allow_remote:
        err(
            f"warning: binding to {settings.host} makes this archive reachable from other machines; "
            "set QUARRY_ALLOW_REMOTE=1 to silence this warning once that is intended"
        )
    if settings.remote and not settings.user_header:
        err("note: tags, notes, collections and saved searches are read-only on this bind; "
            "set QUARRY_USER_HEADER to the header an authenticating proxy names the user in")  # fmt: skip
    where = f"Quarry: serving {data.root} on http://{_netloc(settings.host, settings.port)}/"
    if gunicorn:
        threads = threads or GUNICORN_THREADS
        err(f"{where} (gunicorn: {workers} workers x {threads} threads)")
        _gunicorn(settings, workers, threads, max_requests, access_log)
        return
    from quarry.web import create_app

    app = create_app(settings)
    if debug:
        err(f"{where} (Flask's development server, debugger on)")
        app.run(host=settings.host, port=settings.port, debug=True, threaded=True)
        return
    from waitress import serve as waitress_serve

    threads = threads or WAITRESS_THREADS
    err(f"{where} (waitress: {threads} threads)")
    # a request's whole head is bounded before it is read; the app refuses long lines itself
    waitress_serve(app, host=settings.host, port=settings.port, threads=threads,
                   max_request_header_size=WAITRESS_HEADER_BYTES)  # fmt: skip


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _gunicorn(settings: Settings, workers: int, threads: int, max_requests: int, access_log: bool) -> None:
    """Serve with gunicorn: a master process and ``workers`` gthread workers.

    Nothing is preloaded: each worker builds its own app (and so its own engine, Whoosh file
    handles and SQLite connections) after the fork, in :meth:`QuarryGunicorn.load`.
    """
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # not installed, or not on this platform (gunicorn needs POSIX)
        err("gunicorn is not available here (pip install gunicorn); "
            "--workers 1 serves with waitress in one process")  # fmt: skip
        sys.exit(1)

    class QuarryGunicorn(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": [_netloc(settings.host, settings.port)],
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "preload_app": False,
                # a worker that stops checking in for this long is killed and replaced; requests
                # themselves are bounded by the time budget (2 s) for their facets
                "timeout": 60,
                "graceful_timeout": 10,  # SIGTERM: let requests in flight finish, at most this
                "keepalive": 5,
                # gunicorn's own defaults, named: the app applies the same under waitress
                "limit_request_line": MAX_REQUEST_LINE,
                "limit_request_fields": MAX_HEADER_FIELDS,
                "limit_request_field_size": MAX_HEADER_FIELD_BYTES,
                "max_requests": max_requests,
                "max_requests_jitter": max_requests // 10,
                "accesslog": "-" if access_log else None,
                "errorlog": "-",
                "proc_name": "quarry",
                # gunicorn >= 25 opens a control socket in a shared place ($HOME/.gunicorn): a
                # second server would take it over, and Quarry does not use it
                "control_socket_disable": True,
            }
            for key, value in options.items():
                if key in self.cfg.settings:  # settings this gunicorn version knows
                    self.cfg.set(key, value)

        def load(self):
            from quarry.web import create_app

            return create_app(settings)

    QuarryGunicorn().run()


def _ingest_sample(settings: Settings) -> None:
    from quarry.archive.samples import sample_dir
    from quarry.index.update import ingest_and_index

    err(f"first run: building the sample archive in {settings.data_dir} …")
    done = ingest_and_index(settings.data_dir, [sample_dir()], wait=60)
    err(f"sample archive: {done.report.new} articles")
