"""One error base class, and the one boundary that turns errors into a line and an exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec

P = ParamSpec("P")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_BUG = 2
EXIT_INTERRUPTED = 130


class PypgflowError(Exception):
    """An expected failure: its message is shown to the user as one line."""

    exit_code = EXIT_FAILURE


class UsageError(PypgflowError):
    """The command line asks for something impossible (a missing path, a bad option value)."""

    exit_code = EXIT_USAGE


def fail(message: str, exit_code: int) -> SystemExit:
    sys.stderr.write(f"pypgflow-ops: {message}\n")
    return SystemExit(exit_code)


def unexpected(exc: Exception) -> SystemExit:
    """A failure no command expected: a database's answer is still the user's to act on."""
    if type(exc).__module__.partition(".")[0] == "psycopg":  # imported only then: it is slow
        import psycopg

        from pypgflow_ops.db.failure import one_line

        if isinstance(exc, psycopg.Error):
            return fail(f"error: the database refused: {one_line(exc)}", EXIT_FAILURE)
    if type(exc).__name__ == "Abort":  # click's, when a prompt is closed (Ctrl-D, Ctrl-C)
        return fail("aborted", EXIT_FAILURE)
    return fail(
        f"internal error (this is a bug, please report it): {type(exc).__name__}: {exc}",
        EXIT_BUG,
    )


def error_boundary(command: Callable[P, int]) -> Callable[P, None]:
    """Run a command that returns an exit code; never let a Traceback reach the user.

    Expected errors become one line and their exit code; anything else is a bug, said in one line.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            code = command(*args, **kwargs)
        except PypgflowError as exc:
            raise fail(f"error: {exc}", exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", EXIT_INTERRUPTED) from None
        except Exception as exc:
            raise unexpected(exc) from None
        if code:
            raise SystemExit(code)

    return run
