"""What the ``quarry`` commands share: the data directory and engine options, messages on stderr,
a progress counter, and field mappings for JSONL/CSV.
"""

from __future__ import annotations

import errno
import json
import re
import sys
import time
from pathlib import Path

import click

from quarry.archive.datadir import default_data_dir
from quarry.archive.lock import Busy
from quarry.archive.report import printable
from quarry.archive.store_errors import DiskFull, StoreError

from .settings import Settings, SettingsError

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default="./quarry-data or $QUARRY_DATA",
    help="Directory holding the article store and the index.",
)

follow_symlinks_option = click.option(
    "--follow-symlinks", is_flag=True,
    help="Follow symbolic links inside the folders given (by default each is reported and skipped: "
    "a link may point at private files anywhere on the machine).",
)  # fmt: skip


def engine_options(command):
    """``--cache-size``, ``--time-budget`` and ``--request-deadline``: how the engine searches
    (the web app and ``quarry search`` read the same settings)."""
    command = click.option(
        "--request-deadline", type=click.FloatRange(min=0), default=None,
        help="Seconds after which a search stops and answers with what it has found "
        "[default: $QUARRY_REQUEST_DEADLINE or 5].",
    )(command)  # fmt: skip
    command = click.option(
        "--time-budget", type=click.FloatRange(min=0), default=None,
        help="Seconds a search may take before facet counts are left out "
        "[default: $QUARRY_TIME_BUDGET or 2].",
    )(command)  # fmt: skip
    return click.option(
        "--cache-size", type=click.IntRange(min=0), default=None,
        help="Queries whose matches are kept per index generation, 0 for none "
        "[default: $QUARRY_CACHE_SIZE or 128].",
    )(command)  # fmt: skip


def load_settings(**flags) -> Settings:
    """The settings from the environment and these flags; a bad environment value is a usage
    error (exit 2) that names it."""
    try:
        return Settings.load(**flags)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


def err(message: str) -> None:
    click.echo(message, err=True)


# what JSON leaves raw that a terminal acts on: C1 controls, line separators, direction controls
_JSON_UNSAFE = re.compile("[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_line(value: object) -> str:
    """JSON for a terminal: non-ASCII text kept readable, but every character that could drive
    the terminal or reorder a line written as a JSON escape (the same string once parsed)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


class QuarryGroup(click.Group):
    """The ``quarry`` command group: what no command can go on from becomes one clear message
    and exit status 3 (never a traceback): a store that cannot be read, a full disk, another
    writer at work or a lock that cannot be taken."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DiskFull as exc:
            err(f"error: {exc}: free some space and run the command again; what was written before "
                "it filled is kept")  # fmt: skip
        except StoreError as exc:
            err(f"error: {printable(exc)}: `quarry check` says what is wrong; restore store.sqlite "
                "from a backup if it cannot be read")  # fmt: skip
        except Busy as exc:
            err(f"error: {printable(exc)}")
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            err("error: the disk holding the archive is full: free some space and run the command "
                "again; what was written before it filled is kept")  # fmt: skip
        sys.exit(3)


class Progress:
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


def field_map(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        if not sep or not target or not column:
            raise click.BadParameter(
                f"{pair!r}: use FIELD=COLUMN, e.g. body=text", param_hint="--map"
            )
        out[target.strip()] = column.strip()
    return out
