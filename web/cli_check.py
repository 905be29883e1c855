"""``quarry check``: is the archive whole? A verdict for the store and for the index.

Exit status 0 when both are healthy, 1 when damage was found (``quarry rebuild`` repairs the
index's; the store's damaged records are named), 3 when the store cannot be opened at all or
another writer is at work. It holds the writer lock while it reads, so no commit moves files
under it.
"""

from __future__ import annotations

import sys

import click

from quarry.archive.lock import writer_lock
from quarry.archive.report import printable

from .cli_common import data_dir_option, err

REMEDY = {
    "store": "restore store.sqlite from a backup, or ingest the sources of the damaged records again",
    "index": "`quarry rebuild` builds whatever part of the index is damaged again from the store",
}


@click.command()
@data_dir_option
@click.option("--quick", is_flag=True, help="Probe the postings instead of reading every one.")
@click.option("--wait", type=float, default=0.0, help="Seconds to wait for a writer to finish.")
def check(data_dir, quick, wait):
    """Check the store and the index for damage; say what is wrong and what repairs it."""
    from quarry.index.verify import HEALTHY, check_archive

    if not data_dir.is_dir():
        err(f"no archive at {printable(data_dir)}")
        sys.exit(3)
    with writer_lock(data_dir, wait):
        found = check_archive(data_dir, thorough=not quick)
    for part in found.parts:
        notes = f" ({'; '.join(part.notes)})" if part.notes and part.verdict == HEALTHY else ""
        click.echo(f"{part.name}: {part.verdict}{notes}")
        for problem in part.problems:
            click.echo(f"  - {printable(problem)}")
        if part.verdict != HEALTHY:
            for note in part.notes:
                click.echo(f"  note: {printable(note)}")
            click.echo(f"  remedy: {REMEDY[part.name]}")
    verdict = {0: "the archive is healthy", 1: "damage found", 3: "the archive cannot be read"}[found.status]
    click.echo(f"verdict: {verdict}")
    sys.exit(found.status)
