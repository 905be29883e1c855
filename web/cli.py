"""The ``quarry`` command: ingest, rebuild, extract, search, serve, collection, saved, annotations
(and train-ner).

Machine-readable output goes to stdout, human messages to stderr; exit status 1 when any input
failed, 2 for usage errors, 3 when the archive is busy or unusable. ``search`` and ``serve`` live
in their own modules (:mod:`.cli_search`, :mod:`.cli_serve`); what the commands share is in
:mod:`.cli_common`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from quarry.archive.datadir import DataDir
from quarry.archive.lock import Busy
from quarry.archive.readers import FORMATS, ReadOptions
from quarry.archive.report import printable

from .cli_annotations import annotations, collection, saved
from .cli_check import check
from .cli_common import (
    Progress,
    QuarryGroup,
    data_dir_option,
    err,
    field_map,
    follow_symlinks_option,
    json_line,
)
from .cli_search import search
from .cli_serve import serve


@click.group(cls=QuarryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quarry-archive")
def main() -> None:
    """Quarry: a searchable full-text research archive."""


main.add_command(search)
main.add_command(serve)
for command in (collection, saved, annotations):  # the researcher's own layer (cli_annotations.py)
    main.add_command(command)
main.add_command(check)


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
@follow_symlinks_option
@click.option(
    "--workers", type=int, default=None, help="Worker processes (default: all cores, at most 2)."
)
@click.option(
    "--wait", type=float, default=0.0, help="Seconds to wait for another writer to finish."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def ingest(paths, data_dir, mapping, fmt, no_entities, follow_symlinks, workers, wait, as_json):
    """Read files and folders into the archive and update the index.

    Symbolic links inside the folders given are reported and not followed (--follow-symlinks
    follows them); a path given here is read even when it is a link."""
    from quarry.index.update import ingest_and_index

    from .progress import IngestDisplay

    options = ReadOptions(field_map=field_map(mapping), format=fmt, follow_symlinks=follow_symlinks)
    display = IngestDisplay()
    try:
        done = ingest_and_index(data_dir, paths, options, entities=not no_entities, workers=workers,
                                progress=display, wait=wait)  # fmt: skip
    except Busy as exc:
        err(str(exc))
        sys.exit(3)
    except KeyboardInterrupt:
        # interrupted while indexing: the store keeps every committed article and the next
        # `quarry ingest` or `quarry rebuild` brings the index up to date first
        err("interrupted while updating the index: everything stored is kept; "
            "run `quarry ingest` again (or `quarry rebuild`) to finish")
        sys.exit(130)
    finally:
        display.close()
    report = done.report
    summary = report.lines(indexed=done.indexed, caught_up=done.caught_up)
    report.append_to_log(summary)
    if as_json:
        click.echo(json_line({**report.as_dict(), "indexed": done.indexed}))
    for line in summary:
        err(line)
    if report.stopped:  # a full disk: said last, and exit status 3 (the archive cannot take more)
        err(f"error: {report.stopped}: free some space and run `quarry ingest` again")
        sys.exit(3)
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
    from quarry.index.update import rebuild as run_rebuild

    from .progress import IngestDisplay

    if not DataDir(data_dir).store.exists():
        err(f"no archive at {data_dir}: run `quarry ingest PATH` first")
        sys.exit(3)
    progress, reread = Progress("indexed"), IngestDisplay("re-extracting")
    try:
        done = run_rebuild(data_dir, reextract=reextract, force=force, procs=procs, wait=wait,
                           progress=progress, reextract_progress=reread)  # fmt: skip
    except Busy as exc:
        err(str(exc))
        sys.exit(3)
    finally:
        reread.close()
        progress.done()
    for report in done.reextracted:
        for line in report.lines():
            err(line)
    for source in done.gone:
        err(f"source gone: {printable(source)} (re-extracted from its kept capture where there is one)")
    if not done.rebuilt:
        err(f"index is up to date ({done.articles} articles, {done.version}); "
            "nothing to rebuild (--force rebuilds anyway)")  # fmt: skip
        sys.exit(0)
    for reason in done.reasons:
        err(f"index: {printable(reason)}")
    if done.damaged:
        shown = ", ".join(done.damaged[:10]) + (f" and {len(done.damaged) - 10:,} more" if len(done.damaged) > 10 else "")
        err(f"left out {len(done.damaged):,} stored record{'s' if len(done.damaged) != 1 else ''} that cannot be "
            f"decoded (damaged): {shown}; `quarry check` names them, ingesting their sources again replaces them")  # fmt: skip
    if done.repaired != "index":
        err(f"{done.repaired} written again from the index in {done.seconds:.1f} s ({done.version})")
    else:
        err(f"index rebuilt: {done.articles} articles in {done.seconds:.1f} s -> {done.version}")
    sys.exit(1 if done.failed else 0)


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
@follow_symlinks_option
@data_dir_option
def extract(paths, no_entities, mapping, fmt, workers, follow_symlinks, data_dir):
    """Print the articles found in files as JSON Lines (nothing is stored)."""
    from quarry.archive.pipeline import extract_articles
    from quarry.archive.readers import Problem
    from quarry.archive.report import gave_no_article

    options = ReadOptions(field_map=field_map(mapping), format=fmt, follow_symlinks=follow_symlinks)
    lost = False  # an input gave no article
    for outcome in extract_articles(paths, options, not no_entities, data_dir, workers):
        if isinstance(outcome, Problem):
            err(printable(("skipped: " if outcome.skipped else "FAILED: ") + outcome.describe()))
            lost = lost or gave_no_article(outcome)
            continue
        a = outcome
        where = a.provenance[0] if a.provenance else None
        source = (
            where.source + (f"#{where.member}" if where and where.member else "") if where else None
        )
        click.echo(
            json_line(
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
                    "entities_note": a.entities_note,
                    "entity_mentions": [
                        {"text": m.text, "type": m.type, "name": m.name, "start": m.start, "end": m.end}
                        for m in a.entity_mentions
                    ],
                },
            )
        )
    sys.exit(1 if lost else 0)


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
        try:
            stats = train(data, language)
        except (FileNotFoundError, ModuleNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(json.dumps(stats, indent=1, default=str))


if __name__ == "__main__":
    main()
