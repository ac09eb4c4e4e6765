"""The progress bar: on a terminal's stderr only, never in CI or when piped, erased at the end."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest

from pypgflow_ops import progress

from .cli import REPOSITORY, WORKFLOWS

# lint as the command line runs it, with the bar's delay at 0 so that a quick run draws it too
LINT = (
    "import sys; import pypgflow_ops.progress as p; p.DELAY_SECONDS = 0; "
    "from pypgflow_ops.cli import main; sys.argv = ['pypgflow-ops', 'lint', *sys.argv[1:]]; main()"
)


def run_lint(*, tty: bool, ci: bool) -> tuple[int, str, bytes]:
    """(exit code, stdout, what reached stderr) of lint over the example workflows."""
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm"}
    if ci:
        environment["CI"] = "true"
    main, secondary = pty.openpty() if tty else os.pipe()
    with os.fdopen(main, "rb", buffering=0) as reader:
        result = subprocess.run(
            [sys.executable, "-c", LINT, str(WORKFLOWS)],
            cwd=REPOSITORY,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
            check=False,
        )
        os.close(secondary)
        err = b""
        while True:
            try:
                chunk = reader.read(4096)
            except OSError:  # a pty whose other end is closed
                break
            if not chunk:
                break
            err += chunk
    return result.returncode, result.stdout, err


def read_at_least(reader: io.RawIOBase, size: int) -> bytes:
    """What a pty holds, up to `size` bytes: one read may return only the first write."""
    data = b""
    while len(data) < size and select.select([reader], [], [], 5)[0]:
        data += reader.read(size - len(data)) or b""
    return data


def test_a_terminal_sees_the_bar_then_nothing_of_it() -> None:
    code, out, err = run_lint(tty=True, ci=False)
    assert (code, out) == (0, run_lint(tty=False, ci=False)[1])  # stdout as without the bar
    assert err.startswith(b"\rLinting [")
    assert b"] 4/4" in err and err.endswith(b"\r\x1b[K")


@pytest.mark.parametrize(("tty", "ci"), [(False, False), (True, True)])
def test_piped_or_in_ci_nothing_extra(tty: bool, ci: bool) -> None:
    code, out, err = run_lint(tty=tty, ci=ci)
    files = len(list(WORKFLOWS.glob("*.yaml")))  # the workflows and their scenario files
    assert (code, err) == (0, b"") and out.endswith(f"({files} files).\n")


def test_the_bar_draws_each_step_and_erases_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    main, secondary = pty.openpty()
    with os.fdopen(secondary, "w") as terminal, os.fdopen(main, "rb", buffering=0) as reader:
        with progress.Bar("Applying", terminal) as bar:
            bar(0, 3)
            bar(3, 3)  # the last step is always drawn
        expected = (
            b"\rApplying [..............................] 0/3"
            b"\rApplying [##############################] 3/3\r\x1b[K"
        )
        assert read_at_least(reader, len(expected)) == expected


def test_no_bar_on_a_stream_that_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0)
    stream = io.StringIO()
    with progress.Bar("Linting", stream) as bar:
        bar(1, 1)
    assert stream.getvalue() == ""


def test_quick_work_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY_SECONDS", 3600)
    main, secondary = pty.openpty()
    with os.fdopen(secondary, "w") as terminal, os.fdopen(main, "rb", buffering=0) as reader:
        with progress.Bar("Linting", terminal) as bar:
            bar(1, 1)
        terminal.write("x")
        terminal.flush()
        assert reader.read(4096) == b"x"
