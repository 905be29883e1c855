"""``quarry search``: the same results and facet counts as the web page, on the terminal.

It opens the engine from the same settings as the web app (cache size, time budget). A search
the engine could not run as asked is reported by its kind: an index that cannot be read exits 3,
a refused query exits 2; a query read as plain words, or stopped by its time limit, is noted.
"""

from __future__ import annotations

import html
import re
import shlex
import sys

import click

from quarry.archive.annotations.exporting import write_annotated
from quarry.archive.exports import BODY_CHOICES, CSV_BODY_HELP, EXPORT_FORMATS, writer_options
from quarry.archive.report import printable
from quarry.index.api import (
    FACETS,
    AliasExpansion,
    EngineError,
    ErrorKind,
    RequestTooLarge,
    SearchRequest,
)

from .cli_common import data_dir_option, engine_options, err, json_line, load_settings

EXIT_STATUS = {ErrorKind.UNAVAILABLE: 3, ErrorKind.REFUSED: 2}  # other kinds still answer


@click.command()
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
@click.option(
    "--as-typed",
    "as_typed",
    multiple=True,
    metavar="WORDS",
    help="Search this alias of the query only as typed, not its entity's other names.",
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
    "--format", "fmt", help="Export the whole result set: " + ", ".join(EXPORT_FORMATS) + "."
)
@click.option("--body", type=click.Choice(BODY_CHOICES), help=CSV_BODY_HELP)
@data_dir_option
@engine_options
def search(query, filters, excludes, as_typed, date_from, date_to, sort, page, size, as_json, fmt, body,
           data_dir, cache_size, time_budget, request_deadline):  # fmt: skip
    """Search the archive: the same results and facet counts as the web page."""
    args: dict[str, list[str]] = {"q": [" ".join(query)], "page": [str(page)], "size": [str(size)]}
    for prefix, pairs in (("f", filters), ("x", excludes)):
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or name not in FACETS:
                raise click.BadParameter(
                    f"{pair!r}: use FIELD=VALUE with FIELD one of {', '.join(FACETS)}"
                )
            args.setdefault(f"{prefix}.{name}", []).append(value)
    if as_typed:
        args["as_typed"] = list(as_typed)
    if date_from:
        args["from"] = [date_from]
    if date_to:
        args["to"] = [date_to]
    if sort:
        args["sort"] = [sort]
    try:
        req = SearchRequest.from_args(args)
    except RequestTooLarge as exc:
        raise click.UsageError(str(exc)) from None
    engine = load_settings(data_dir=data_dir, cache_size=cache_size, time_budget=time_budget,
                           request_deadline=request_deadline).open_engine()  # fmt: skip
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise click.BadParameter(f"unknown format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
        if body and fmt != "csv":
            raise click.BadParameter("--body applies to --format csv only")
        options = writer_options(fmt, {"body": body} if body else {})
        try:
            rows = engine.export_rows(req)
        except EngineError as exc:
            err(f"error: {printable(exc.message)}")
            sys.exit(EXIT_STATUS.get(exc.kind, 1))
        from .cli_annotations import notes_lookup  # with the researcher's tags and notes

        for chunk in write_annotated(fmt, rows, notes_lookup(data_dir), **options):
            sys.stdout.write(chunk)
        return
    result = engine.search(req)
    status = EXIT_STATUS.get(result.error_kind, 0)
    if as_json:
        click.echo(json_line(result.to_json()))
        sys.exit(status)
    if result.query_error:
        err(f"{'error' if status else 'note'}: {printable(result.query_error)}")
    if status:
        sys.exit(status)
    for e in result.expansions:
        err(f"note: {printable(expansion_note(e))}")
    click.echo(f"{result.total} articles")
    # everything from the archive is printed escaped: a title cannot forge a line or drive the terminal
    for n, hit in enumerate(result.hits, start=(req.page - 1) * req.page_size + 1):
        meta = " · ".join(
            x for x in [hit.date or "undated", hit.site or "", ", ".join(hit.categories)] if x
        )
        click.echo(f"{n:>4}. {printable(hit.title)}\n      {printable(meta)}\n      id {hit.id}")
        if hit.url:
            click.echo(f"      {printable(hit.url)}")
        if hit.also_titled:  # found through another of its headlines: say which
            also = html.unescape(re.sub(r"</?mark>", "", hit.also_titled))
            click.echo(f"      also headlined: {printable(also)}")
        if hit.tags or hit.note:  # the researcher's own
            click.echo("      " + printable("; ".join(x for x in (" ".join(f"#{t}" for t in hit.tags),
                                                     f"note: {hit.note[:100]}" if hit.note else "") if x)))  # fmt: skip
    if result.suggestion:
        click.echo(f"did you mean: {printable(result.suggestion)}")
    for facet in result.facets:
        if facet.values:
            values = ", ".join(f"{v.value} ({v.count})" for v in facet.values)
            click.echo(f"{facet.label}: {printable(values)}")


def expansion_note(e: AliasExpansion) -> str:
    """What searching an alias also searched, and how to undo it (or redo it)."""
    if not e.expanded:
        return (f"searched “{e.typed}” only as typed "
                f"(without --as-typed it also searches {e.name})")  # fmt: skip
    names = f" and the names {', '.join(e.added)}" if e.added else ""
    return (f"also searched for “{e.typed}”: articles tagged {e.name} ({e.type}){names}; "
            f"--as-typed {shlex.quote(e.typed)} searches it only as typed")  # fmt: skip
