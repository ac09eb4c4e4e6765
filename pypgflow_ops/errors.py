"""The exit policy, one error base class, and the one boundary that turns errors into a line and an
exit code."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from enum import IntEnum
from typing import ParamSpec

import typer
from typer._click.exceptions import ClickException
from typer._click.globals import get_current_context

from pypgflow_ops import __version__
from pypgflow_ops.terminal import printable

P = ParamSpec("P")


class ExitCode(IntEnum):
    """What every command's exit status means: pipelines script against these."""

    OK = 0  # success, or nothing to change
    FAILURE = 1  # a problem the user can fix: lint errors, a database refusal, a stale plan, ...
    USAGE = 2  # the command line asks for something impossible
    CHANGES = 2  # `plan --detailed-exitcode`: changes pending (its usage errors are FAILURE)
    BUG = 3  # an internal error, whatever the options: never read as success or changes
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class PypgflowError(Exception):
    """An expected failure: its message is shown to the user as one line."""

    exit_code = ExitCode.FAILURE


class UsageError(PypgflowError):
    """The command line asks for something impossible (a missing path, a bad option value)."""

    exit_code = ExitCode.USAGE


def fail(message: str, exit_code: int) -> SystemExit:
    sys.stderr.write(f"pypgflow-ops: {printable(message)}\n")
    return SystemExit(exit_code)


def _save_traceback(exc: BaseException) -> str:
    """The traceback in a new file under the temporary folder: its name, or why it could not be."""
    try:
        fd, path = tempfile.mkstemp(prefix="pypgflow-ops-bug-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(f"pypgflow-ops {__version__}, Python {sys.version.split()[0]}\n")
            file.write("".join(traceback.format_exception(exc)))
    except OSError as error:
        return f"the traceback could not be saved ({error.strerror}): run again with --debug"
    return f"traceback saved to {path}"


def _debugging() -> bool:
    """Whether the root command was given --debug (False outside a command)."""
    context = get_current_context(silent=True)
    return bool(context and context.find_root().params.get("debug"))


def bug(exc: BaseException, *, debug: bool = False) -> SystemExit:
    """An internal error: one line saying so, and the traceback in a file (or, debugging, shown)."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    message = f"internal error (this is a bug, please report it): {type(exc).__name__}: {exc}"
    return fail(message if debug else f"{message}; {_save_traceback(exc)}", ExitCode.BUG)


def error_boundary(command: Callable[P, int]) -> Callable[P, None]:
    """Run a command that returns an exit code; never let a Traceback reach the user.

    Expected errors become one line and their exit code; anything else is a bug (exit 3).
    click's own exceptions (usage errors raised while a command runs) go on to the outer boundary.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            code = command(*args, **kwargs)
        except PypgflowError as exc:
            raise fail(f"error: {exc}", exc.exit_code) from None
        except typer.Abort:  # a prompt closed with Ctrl-D: no answer is no consent
            raise fail("aborted", ExitCode.FAILURE) from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitCode.INTERRUPTED) from None
        except (ClickException, typer.Exit):
            raise
        except Exception as exc:
            raise bug(exc, debug=_debugging()) from None
        if code:
            raise SystemExit(code)

    return run
