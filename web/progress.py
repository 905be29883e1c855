"""The progress of an ingest on the terminal: files and bytes read of the total, the rate and
the time left; a progress bar (tqdm) when stderr is a terminal, a plain line every ten seconds
(less often as a long run goes on) when it is piped to a file or another program.

File names are shown with their control characters escaped (an input cannot move the cursor or
forge a line).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from quarry.archive.report import IngestProgress, human_duration, human_size, printable, shorten

__all__ = ["IngestDisplay"]


class IngestDisplay:
    """Called with the state of an ingest after each document; :meth:`close` before the summary."""

    def __init__(self, label: str = "ingest", stream: TextIO | None = None, interval: float = 10.0,
                 clock=time.monotonic) -> None:  # fmt: skip
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if not self.tty else 0.2
        self.clock = clock
        self.bar = None
        self.last = None  # when the display last changed
        self.state: IngestProgress | None = None

    def __call__(self, state: IngestProgress) -> None:
        self.state = state
        now = self.clock()
        if self.last is None:
            self.last = now
            self._start(state)
        elif now - self.last >= max(self.interval, 0.1 * (now - state.started)):
            self.last = now  # piped: every 10 s, then every tenth of the time so far (long runs)
            self._show(state, now)

    def _start(self, state: IngestProgress) -> None:
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=state.bytes_total or None, unit="B", unit_scale=True, unit_divisor=1000,
                            desc=self.label, file=self.stream, dynamic_ncols=True, leave=False,
                            mininterval=0, smoothing=0.1)  # fmt: skip
            self._show(state, self.clock())
        else:
            self._line(f"{self.label}: {state.files_total:,} files, {human_size(state.bytes_total)} to read")

    def _show(self, state: IngestProgress, now: float) -> None:
        files = f"{state.files_done:,}/{state.files_total:,} files, {state.documents:,} documents"
        if self.bar is not None:
            current = shorten(printable(state.current.rsplit("/", 1)[-1]), 40, keep="end")
            self.bar.set_postfix_str(f"{files}, {current}", refresh=False)
            self.bar.update(state.bytes_done - self.bar.n)  # redraws: tqdm keeps rate and time left
            return
        elapsed = max(now - state.started, 1e-9)
        line = f"{self.label}: {files}, {human_size(state.bytes_done)} of {human_size(state.bytes_total)}"
        if state.bytes_total:
            line += f" ({100 * state.bytes_done / state.bytes_total:.0f}%)"
        rate = state.bytes_done / elapsed
        line += f", {human_size(rate)}/s, {state.documents / elapsed:,.1f} documents/s"
        if rate > 0 and state.bytes_total > state.bytes_done:
            line += f", about {human_duration((state.bytes_total - state.bytes_done) / rate)} left"
        self._line(line)

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Take the bar off the terminal (the summary follows); a piped run gets a last line."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.state is not None and not self.tty and self.last is not None:
            self._show(self.state, self.clock())
        self.last = None
