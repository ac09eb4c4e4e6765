"""The exit policy, through a real process, for every command: 0 success, 1 a problem the user can
fix, 2 a usage error (or changes under plan --detailed-exitcode, where usage errors are 1), 3 a bug,
always, with the traceback saved to a file named in the one line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from .process import REPO, pypgflow_ops, with_failing

EXAMPLE = REPO / "workflows" / "expense_approval.yaml"
BUG_LINE = re.compile(
    r"pypgflow-ops: internal error \(this is a bug, please report it\): "
    r"ZeroDivisionError: forced crash; traceback saved to (?P<file>\S+)\n"
)
REFUSED = "permission denied for schema pypgflow (SQLSTATE 42501)"

Args = Callable[[str], list[str]]  # the database URL -> the command line
COMMANDS: dict[str, Args] = {
    "lint": lambda _: ["lint", "workflows"],
    "plan": lambda url: ["plan", "workflows", "--tenant", "acme", "--database-url", url],
    "apply": lambda url: ["apply", "workflows", "--tenant", "acme", "--database-url", url, "--yes"],
    "diagram": lambda _: ["diagram", str(EXAMPLE), "--format", "mermaid"],
    "db status": lambda url: ["db", "status", "--database-url", url],
    "db upgrade": lambda url: ["db", "upgrade", "--database-url", url],
}
CRASH_INSIDE = {
    "lint": "pypgflow_ops.lint.lint_paths",
    "plan": "pypgflow_ops.deploy.apply.plan_against",
    "apply": "pypgflow_ops.deploy.apply.plan_against",
    "diagram": "pypgflow_ops.diagram.drawing.draw",
    "db status": "pypgflow_ops.db.runtime.installed_version",
    "db upgrade": "pypgflow_ops.db.runtime.upgrade",
}
USAGE_ERRORS = {
    "lint": ["lint", "--format", "bogus"],
    "plan": ["plan", "workflows"],
    "apply": ["apply", "workflows", "--yes"],
    "diagram": ["diagram"],
    "db status": ["db", "status", "--bogus"],
    "db upgrade": ["db", "upgrade", "--bogus"],
}
# A query that fails inside a command: wrapped at the database boundary into one line, exit 1.
REFUSAL_INSIDE = {
    "diagram": "pypgflow_ops.deploy.introspect.active_workflows",
    "plan": "pypgflow_ops.deploy.introspect.read_live_state",
    "apply": "pypgflow_ops.deploy.apply.read_live_state",
    "db status": "pypgflow_ops.db.runtime.installed_version",
    "db upgrade": "pypgflow_ops.db.runtime.upgrade",
}


@pytest.fixture
def url(make_database: Callable[..., str]) -> str:
    return make_database()


def _url_for(command: str, make_database: Callable[..., str]) -> str:
    return "" if command in ("lint", "diagram") else make_database()


@pytest.mark.parametrize("command", COMMANDS)
def test_success_exits_0(command: str, make_database: Callable[..., str]) -> None:
    done = pypgflow_ops(*COMMANDS[command](_url_for(command, make_database)))

    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("command", ["plan", "apply", "db status", "db upgrade"])
def test_an_unreachable_database_exits_1(command: str, pg_server: str) -> None:
    missing = pg_server.rsplit("/", 1)[0] + "/pypgflow_no_such_database"

    done = pypgflow_ops(*COMMANDS[command](missing))

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("pypgflow-ops: error: cannot connect to PostgreSQL (")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("command", REFUSAL_INSIDE)
def test_a_database_refusal_inside_a_command_exits_1(
    command: str, make_database: Callable[..., str]
) -> None:
    url = make_database()
    args = COMMANDS[command](url)
    if command == "diagram":
        args = [*args, "--against-db", "--tenant", "acme", "--database-url", url]

    done = with_failing(REFUSAL_INSIDE[command], *args, raising="database")

    assert done.returncode == 1
    assert done.stderr.startswith("pypgflow-ops: error: ")
    assert done.stderr.endswith(f"{REFUSED}\n") and done.stderr.count("\n") == 1


def test_lint_and_diagram_refuse_a_broken_file_with_exit_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("workflow: [\n")

    assert pypgflow_ops("lint", broken).returncode == 1
    assert pypgflow_ops("diagram", broken).returncode == 1


def test_diagram_against_an_unreachable_database_exits_1(pg_server: str) -> None:
    missing = pg_server.rsplit("/", 1)[0] + "/pypgflow_no_such_database"
    against = ["--against-db", "--tenant", "acme", "--database-url", missing]

    done = pypgflow_ops("diagram", EXAMPLE, *against)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("pypgflow-ops: error: cannot connect to PostgreSQL (")


@pytest.mark.parametrize("command", USAGE_ERRORS)
def test_a_usage_error_exits_2(command: str) -> None:
    done = pypgflow_ops(*USAGE_ERRORS[command])

    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_crash_exits_3_with_the_traceback_in_the_file_it_names(
    command: str, make_database: Callable[..., str], tmp_path: Path
) -> None:
    args = COMMANDS[command](_url_for(command, make_database))

    done = with_failing(CRASH_INSIDE[command], *args, env={"TMPDIR": str(tmp_path)})

    assert done.returncode == 3
    shown = BUG_LINE.fullmatch(done.stderr)
    assert shown is not None, done.stderr
    saved = Path(shown["file"])
    assert saved.parent == tmp_path
    assert "Traceback (most recent call last)" in saved.read_text()
    assert "ZeroDivisionError: forced crash" in saved.read_text()


def test_debug_shows_the_traceback_instead_of_saving_it(tmp_path: Path) -> None:
    done = with_failing(
        CRASH_INSIDE["lint"], "--debug", "lint", "workflows", env={"TMPDIR": str(tmp_path)}
    )

    assert done.returncode == 3
    assert done.stderr.startswith("Traceback (most recent call last)")
    assert done.stderr.endswith(
        "pypgflow-ops: internal error (this is a bug, please report it): "
        "ZeroDivisionError: forced crash\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_escaped_database_error_is_a_bug_not_a_refusal(tmp_path: Path) -> None:
    """Only the database boundary turns a psycopg error into exit 1: elsewhere it is a bug."""
    done = with_failing(
        "pypgflow_ops.lint.lint_paths",
        "lint",
        "workflows",
        raising="database",
        env={"TMPDIR": str(tmp_path)},
    )

    assert done.returncode == 3
    assert done.stderr.startswith("pypgflow-ops: internal error (this is a bug")


class TestDetailedExitcode:
    def test_changes_exit_2_and_none_exit_0(self, url: str) -> None:
        plan = [*COMMANDS["plan"](url), "--detailed-exitcode"]

        assert pypgflow_ops(*plan).returncode == 2
        assert pypgflow_ops(*COMMANDS["apply"](url)).returncode == 0
        assert pypgflow_ops(*plan).returncode == 0

    @pytest.mark.parametrize(
        "args",
        [
            ["plan", "workflows", "--detailed-exitcode"],  # --tenant missing
            ["plan", "workflows", "--format", "bogus", "--tenant", "a", "--detailed-exitcode"],
            ["plan", "--bogus", "workflows", "--tenant", "a", "--detailed-exitcode"],
            ["plan", "workflows", "--tenant", "Not A Slug", "--detailed-exitcode"],
        ],
    )
    def test_a_usage_error_exits_1(self, args: list[str]) -> None:
        done = pypgflow_ops(*args)

        assert (done.returncode, done.stdout) == (1, "")
        assert "Traceback" not in done.stderr

    def test_a_crash_inside_plan_against_exits_3_never_2(self, url: str, tmp_path: Path) -> None:
        done = with_failing(
            CRASH_INSIDE["plan"],
            *COMMANDS["plan"](url),
            "--detailed-exitcode",
            env={"TMPDIR": str(tmp_path)},
        )

        assert done.returncode == 3
        assert BUG_LINE.fullmatch(done.stderr), done.stderr

    def test_the_word_plan_elsewhere_does_not_change_another_commands_usage_exit(self) -> None:
        assert pypgflow_ops("lint", "plan", "--detailed-exitcode").returncode == 2
