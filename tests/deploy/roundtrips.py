"""Count a connection's round trips from libpq's protocol trace: each simple Query and each Sync
(the end of an extended-protocol batch, however many statements it carries) waits for the server.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import pq

_WAITS = re.compile(r"^F\t\d+\t(Query|Sync)\b", re.MULTILINE)


@dataclass
class RoundTrips:
    count: int = 0


@contextmanager
def counted(conn: psycopg.Connection[Any]) -> Iterator[RoundTrips]:
    trips = RoundTrips()
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as trace:
        conn.pgconn.trace(trace.fileno())
        conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield trips
        finally:
            conn.pgconn.untrace()
            trace.seek(0)
            trips.count = sum(1 for _ in _WAITS.finditer(trace.read()))
