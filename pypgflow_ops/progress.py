"""A progress bar on stderr for long work, for a person at a terminal only.

Nothing is written when stderr is not a terminal (piped, redirected), in CI (`CI` is set), or on
a dumb terminal; nor for work that ends before DELAY_SECONDS, so quick runs do not flicker.
The bar is erased when the work ends, leaving the output exactly as without it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TextIO, TypeVar

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (done, total)


def no_progress(done: int, total: int) -> None:
    """Progress nobody watches."""


def advancing(batches: Iterable[list[T]], total: int, progress: Progress) -> list[T]:
    """The items of `batches`, reporting progress after each batch."""
    items: list[T] = []
    for batch in batches:
        items.extend(batch)
        progress(len(items), total)
    return items


DELAY_SECONDS = 0.3
_REDRAW_SECONDS = 0.1
_WIDTH = 30


def wanted(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Bar:
    """Call it with (done, total) as work advances; use it as a context manager to erase it."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self._label = label
        self._stream = stream or sys.stderr
        self._enabled = wanted(self._stream)
        self._started = time.monotonic()
        self._drawn_at: float | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self._started < DELAY_SECONDS:
            return
        if self._drawn_at is not None and now - self._drawn_at < _REDRAW_SECONDS and done < total:
            return
        filled = _WIDTH * done // total
        bar = "#" * filled + "." * (_WIDTH - filled)
        self._stream.write(f"\r{self._label} [{bar}] {done}/{total}")
        self._stream.flush()
        self._drawn_at = now

    def __enter__(self) -> Bar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._drawn_at is not None:
            self._stream.write("\r\x1b[K")  # back to the line's start, erased
            self._stream.flush()
