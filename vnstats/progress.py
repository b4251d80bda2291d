"""The progress line on a terminal's standard error, the one-line messages
that may interrupt it (``vnstats: PATH: problem``), and the summary line a
batch ends with on a terminal."""
from __future__ import annotations

import os
import time
from typing import TextIO

REDRAW_SECONDS = 0.1


class Progress:
    """Files done, figures found, rate and time left, redrawn in place.
    When not ``shown`` it only relays messages."""

    def __init__(self, stream: TextIO, shown: bool, total: int | None = None):
        self.stream, self.shown, self.total = stream, shown, total
        self.done = self.figures = self.errors = 0
        self.kinds: dict[str, int] = {}
        self._start = self._drawn_at = time.monotonic()
        self._drawn = False

    def advance(self, figures: int, kinds: dict | None = None, failed: bool = False) -> None:
        """One more document done, with ``figures`` figures (``kinds``: how many
        of each kind), ``failed`` if it has an error."""
        self.done += 1
        self.figures += figures
        self.errors += failed
        for kind, n in (kinds or {}).items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n
        now = time.monotonic()
        if not self.shown or (self.total is None and self.done < 2):     # one file: no bar
            return
        if now - self._drawn_at >= REDRAW_SECONDS or self.done == self.total:
            self._drawn_at = now
            self._draw(now)

    def message(self, source: str, problem: str) -> None:
        self.clear()
        self.stream.write(f"vnstats: {printable(source)}: {problem}\n")
        self.stream.flush()

    def summary(self) -> None:
        """When shown: the line the batch ends with, in place of the progress
        line: documents, figures by kind, errors, time."""
        if not self.shown or (self.total is None and self.done < 2):
            return
        self.clear()
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.kinds.items(), key=lambda kv: -kv[1]))
        errors = f"{self.errors:,} error{'s' if self.errors != 1 else ''}"
        self.stream.write(f"vnstats: {self.done:,} documents, {self.figures:,} figures"
                          + (f" ({kinds})" if kinds else "")
                          + f", {errors}, {_clock(time.monotonic() - self._start)}\n")
        self.stream.flush()

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        parts = [f"{self.done:,}" + (f"/{self.total:,}" if self.total else "") + " files",
                 f"{self.figures:,} figures", f"{rate:,.1f} files/s"]
        if self.total and rate > 0:
            parts.append(f"{_clock((self.total - self.done) / rate)} left")
        line = "vnstats: " + ", ".join(parts)
        try:
            width = os.get_terminal_size(self.stream.fileno()).columns or 80   # 0: size unknown
        except (OSError, ValueError, AttributeError):
            width = 80
        self.stream.write("\r" + line[:max(width - 1, 0)] + "\x1b[K")
        self.stream.flush()
        self._drawn = True


def printable(path: str) -> str:
    """``path`` on one line: control characters (a newline in a file name) and
    bytes that are not UTF-8 written as Python escapes."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for c in path)


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02}:{s:02}" if h else f"{m}:{s:02}"
