"""`pypgflow-ops diagram` as users call it: formats, files and folders, errors, change diagrams."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from diagram_cases import EXAMPLES, FIXTURES, GOLDEN
from typer.testing import CliRunner

from pypgflow_ops.cli import app

runner = CliRunner()
INSTALL_LINE = (
    "pypgflow-ops: error: Graphviz's `dot` program is not installed: install Graphviz "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; others: "
    "https://graphviz.org/download/), or use --format dot or --format mermaid\n"
)


def run(*args: str | Path, cwd: Path | None = None) -> tuple[int, bytes, str]:
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, ["diagram", *map(str, args)])
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout_bytes, result.stderr


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[Path]:
    """A repository whose last commit has refund.yaml at version 1.0; the work tree has 1.1."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    shutil.copy(FIXTURES / "change_old.yaml", tmp_path / "refund.yaml")
    git("add", "refund.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "1.0")
    shutil.copy(FIXTURES / "change_new.yaml", tmp_path / "refund.yaml")
    yield tmp_path


def test_dot_to_standard_output_by_default() -> None:
    assert run(EXAMPLES[0]) == (0, golden(f"{EXAMPLES[0].stem}.dot"), "")


def test_mermaid_to_a_file(tmp_path: Path) -> None:
    code, out, err = run(EXAMPLES[0], "--format", "mermaid", "-o", tmp_path / "x.txt")
    assert (code, out, err) == (0, b"", "")
    assert (tmp_path / "x.txt").read_bytes() == golden(f"{EXAMPLES[0].stem}.mmd")


def test_the_output_suffix_chooses_the_format(tmp_path: Path) -> None:
    assert run(EXAMPLES[0], "-o", tmp_path / "x.svg")[0] == 0
    assert run(EXAMPLES[0], "-o", tmp_path / "x.mmd")[0] == 0
    assert (tmp_path / "x.svg").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "x.mmd").read_bytes() == golden(f"{EXAMPLES[0].stem}.mmd")


def test_a_folder_gives_one_diagram_per_workflow_in_the_output_folder(tmp_path: Path) -> None:
    source = tmp_path / "defs"
    (source / "more").mkdir(parents=True)
    shutil.copy(EXAMPLES[0], source / "a.yaml")
    shutil.copy(EXAMPLES[1], source / "more" / "b.yml")
    code, out, err = run(source, "-f", "png", "-o", tmp_path / "pictures")
    assert (code, out, err) == (0, b"", "")
    written = sorted(
        p.relative_to(tmp_path / "pictures") for p in (tmp_path / "pictures").rglob("*.*")
    )
    assert written == [Path("a.png"), Path("more/b.png")]
    assert (tmp_path / "pictures" / "a.png").read_bytes().startswith(b"\x89PNG\r\n")


def test_a_file_into_an_existing_folder_keeps_its_name(tmp_path: Path) -> None:
    assert run(EXAMPLES[0], "-f", "svg", "-o", tmp_path)[:2] == (0, b"")
    assert [p.name for p in tmp_path.iterdir()] == [f"{EXAMPLES[0].stem}.svg"]


def test_a_folder_needs_an_output_folder(tmp_path: Path) -> None:
    code, out, err = run(FIXTURES.parent.parent.parent / "workflows")
    assert (code, out) == (2, b"")
    assert err.endswith("is a folder: give -o DIR, the folder to write the diagrams to\n")


def test_a_folder_without_workflows_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, "-o", tmp_path / "out")
    assert (code, out) == (2, b"")
    assert err.startswith(f"pypgflow-ops: error: {tmp_path}: no *.yaml or *.yml files")
    assert not (tmp_path / "out").exists()


def test_a_file_lint_cannot_read_is_refused_with_its_problems(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("workflow:\n  name: x\n  version: '1'\nstates: []\n")
    code, out, err = run("bad.yaml", cwd=tmp_path)
    assert (code, out) == (1, b"")
    lines = err.splitlines()  # lint's own report (its wording is lint's), then one line
    assert [line[:28] for line in lines[:2]] == [
        "bad.yaml:1:1: error schema (",
        "bad.yaml:4:9: error schema s",
    ]
    assert lines[2:] == [
        "Found 2 problems (2 errors, 0 warnings) in 1 file.",
        "pypgflow-ops: error: bad.yaml: cannot draw what lint cannot read; fix the errors above",
    ]


def test_without_graphviz_a_picture_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert run(EXAMPLES[0], "-o", tmp_path / "x.svg") == (1, b"", INSTALL_LINE)
    assert run(EXAMPLES[0], "-f", "mermaid")[0] == 0  # text formats need no Graphviz


def test_highlight_problems() -> None:
    code, out, _ = run(FIXTURES / "problems.yaml", "--highlight-problems")
    assert (code, out) == (0, golden("problems.dot"))


def test_against_a_git_ref(git_repo: Path) -> None:
    code, out, err = run("refund.yaml", "--against-ref", "HEAD", "-f", "mermaid", cwd=git_repo)
    assert (code, out, err) == (0, golden("change.mmd"), "")


def test_against_a_ref_without_the_file_everything_is_added(git_repo: Path) -> None:
    shutil.copy(FIXTURES / "change_new.yaml", git_repo / "new.yaml")
    code, out, _ = run("new.yaml", "--against-ref", "HEAD", cwd=git_repo)
    assert (code, out) == (0, golden("change_from_nothing.dot"))


def test_an_unknown_ref_is_a_usage_error(git_repo: Path) -> None:
    code, out, err = run("refund.yaml", "--against-ref", "nope", cwd=git_repo)
    assert (code, out) == (2, b"")
    assert err == (
        "pypgflow-ops: error: --against-ref nope: no such commit; "
        "fetch it first: git fetch --depth=1 origin nope\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--against-db"], "--against-db needs --tenant SLUG"),
        (["--all-tenants"], "--tenant, --all-tenants and --database-url go with --against-db"),
        (["--against-db", "--tenant", "a", "--tenant", "a"], "--tenant 'a' is given twice"),
        (["--against-db", "--tenant", "a", "--all-tenants"], "give --tenant SLUG (as often "),
        (["--against-db", "--all-tenants"], "--all-tenants needs a `tenants` table in "),
        (["--against-db", "--against-ref", "HEAD", "--tenant", "t"], "give --against-ref or "),
        (["--tenant", "acme"], "--tenant, --all-tenants and --database-url go with --against-db"),
        (["--highlight-problems", "--against-ref", "HEAD"], "--highlight-problems draws one "),
    ],
)
def test_options_that_do_not_go_together(args: list[str], message: str) -> None:
    code, out, err = run(EXAMPLES[0], *args)
    assert (code, out) == (2, b"")
    assert err.startswith(f"pypgflow-ops: error: {message}")


def test_against_the_database(database_url: str) -> None:
    applied = runner.invoke(
        app,
        [
            "apply",
            str(FIXTURES / "change_old.yaml"),
            "--tenant",
            "acme",
            "--yes",
            "--database-url",
            database_url,
        ],
    )
    assert applied.exit_code == 0, applied.stderr
    code, out, err = run(
        FIXTURES / "change_new.yaml",
        "--against-db",
        "--tenant",
        "acme",
        "--database-url",
        database_url,
        "-f",
        "mermaid",
    )
    assert (code, out, err) == (0, golden("change.mmd"), "")
    code, out, _ = run(
        FIXTURES / "change_new.yaml",
        "--against-db",
        "--tenant",
        "other",
        "--database-url",
        database_url,
        "-f",
        "mermaid",
    )
    assert (code, out) == (0, golden("change_from_nothing.mmd"))


def _apply(database_url: str, tenant: str, path: Path) -> None:
    args = ["apply", str(path), "--tenant", tenant, "--yes", "--database-url", database_url]
    applied = runner.invoke(app, args)
    assert applied.exit_code == 0, applied.stderr


def test_against_the_database_a_wildcard_read_back_is_the_files(database_url: str) -> None:
    _apply(database_url, "wild", FIXTURES / "wildcard.yaml")
    args = ["--against-db", "--tenant", "wild", "--database-url", database_url]
    for suffix, form in ((".mmd", "mermaid"), (".dot", "dot")):
        code, out, err = run(FIXTURES / "wildcard_v2.yaml", *args, "-f", form)
        assert (code, out, err) == (0, golden(f"change_wildcard{suffix}"), "")


def test_against_the_database_for_several_tenants(database_url: str, tmp_path: Path) -> None:
    _apply(database_url, "acme", FIXTURES / "change_old.yaml")
    against = ["--against-db", "--tenant", "acme", "--tenant", "other"]
    against += ["--database-url", database_url, "-f", "mermaid"]
    code, out, err = run(FIXTURES / "change_new.yaml", *against, "-o", tmp_path)
    assert (code, out, err) == (0, b"", "")
    assert (tmp_path / "acme" / "change_new.mmd").read_bytes() == golden("change.mmd")
    drawn = (tmp_path / "other" / "change_new.mmd").read_bytes()
    assert drawn == golden("change_from_nothing.mmd")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme", "other"]

    folder = tmp_path / "wf"
    folder.mkdir()
    shutil.copy(FIXTURES / "change_new.yaml", folder / "refund.yaml")
    code, _, err = run(folder, *against, "-o", tmp_path / "out")
    assert (code, err) == (0, "")
    assert (tmp_path / "out" / "acme" / "refund.mmd").read_bytes() == golden("change.mmd")
    assert (tmp_path / "out" / "other" / "refund.mmd").exists()

    for output in ([], ["-o", str(tmp_path / "one.mmd")]):
        code, out, err = run(FIXTURES / "change_new.yaml", *against, *output)
        assert (code, out) == (2, b"")
        assert err == (
            "pypgflow-ops: error: 2 tenants give a diagram each: "
            "give -o DIR, an existing folder to write one folder per tenant into\n"
        )
    assert not (tmp_path / "one.mmd").exists()


def test_against_the_database_for_all_tenants(database_url: str, tmp_path: Path) -> None:
    _apply(database_url, "acme", FIXTURES / "change_old.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pypgflow-ops.tenants]\nacme = ["."]\nbeta = ["."]\n', encoding="utf-8"
    )
    shutil.copy(FIXTURES / "change_new.yaml", tmp_path / "refund.yaml")
    (tmp_path / "out").mkdir()
    args = ["refund.yaml", "--against-db", "--all-tenants", "--database-url", database_url]
    code, _, err = run(*args, "-f", "mermaid", "-o", "out", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert (tmp_path / "out" / "acme" / "refund.mmd").read_bytes() == golden("change.mmd")
    drawn = (tmp_path / "out" / "beta" / "refund.mmd").read_bytes()
    assert drawn == golden("change_from_nothing.mmd")


def test_png_is_not_written_to_a_terminal() -> None:
    terminal, screen = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pypgflow_ops", "diagram", str(EXAMPLES[0]), "-f", "png"],
            stdout=screen,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(screen)
        os.close(terminal)
    assert (done.returncode, done.stderr) == (
        2,
        "pypgflow-ops: error: png is binary: write it to a file with -o FILE\n",
    )


def test_an_unreachable_database_is_one_line_and_exit_1() -> None:
    code, out, err = run(
        EXAMPLES[0],
        "--against-db",
        "--tenant",
        "acme",
        "--database-url",
        "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
    )
    assert (code, out) == (1, b"")
    assert err.startswith("pypgflow-ops: error: ")
    assert err.count("\n") == 1


def test_a_file_unchanged_since_the_ref_says_so(git_repo: Path) -> None:
    shutil.copy(FIXTURES / "change_old.yaml", git_repo / "refund.yaml")
    code, out, _ = run("refund.yaml", "--against-ref", "HEAD", "-f", "mermaid", cwd=git_repo)
    assert code == 0
    assert b"version 1.0, unchanged" in out


def test_a_version_at_the_ref_that_is_not_a_workflow_is_named_with_its_first_problem(
    git_repo: Path,
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=git_repo, check=True, capture_output=True)

    (git_repo / "refund.yaml").write_text("states: []\n")
    git("add", "refund.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "broken")
    shutil.copy(FIXTURES / "change_new.yaml", git_repo / "refund.yaml")
    code, out, err = run("refund.yaml", "--against-ref", "HEAD", cwd=git_repo)
    assert (code, out) == (1, b"")
    assert err.startswith(
        "pypgflow-ops: error: HEAD:refund.yaml: the version at HEAD is not a "
        "readable workflow (line 1: "
    )
    assert err.rstrip().endswith("; compare with another ref)") or "compare with another ref" in err


def test_two_files_that_would_be_drawn_to_one_name_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "defs"
    source.mkdir()
    shutil.copy(EXAMPLES[0], source / "a.yaml")
    shutil.copy(EXAMPLES[1], source / "a.yml")
    code, _, err = run(source, "-f", "mermaid", "-o", tmp_path / "out")
    assert code == 2
    assert "would both be drawn to" in err
    assert not (tmp_path / "out").exists()


def test_an_unwritable_output_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, _, err = run(EXAMPLES[0], "-f", "mermaid", "-o", tmp_path / "file" / "x.mmd")
    assert code == 1
    assert err.startswith(f"pypgflow-ops: error: {tmp_path / 'file' / 'x.mmd'}: cannot write: ")
    assert err.count("\n") == 1


def test_mermaid_over_its_default_limits_says_so(tmp_path: Path) -> None:
    lines = ["workflow:", "  name: wide", '  version: "1"', "states:"]
    lines += [f"  - name: s{i}" + ("\n    initial: true" if i == 0 else "") for i in range(300)]
    lines += ["  - name: done", "    final: true", "transitions:"]
    for i in range(300):
        lines += [f"  - from: s{i}", "    to: done", f"    name: finish{i}"]
        lines += [f"  - from: s{i}", f"    to: s{(i + 1) % 300}", f"    name: next{i}"]
    (tmp_path / "wide.yaml").write_text("\n".join(lines) + "\n")
    code, out, err = run(tmp_path / "wide.yaml", "-f", "mermaid")
    assert code == 0
    assert out.startswith(b"---\n")
    assert "over Mermaid's default limits (500 edges, 50,000 characters)" in err


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_an_output_into_a_missing_folder_is_a_usage_error_and_creates_nothing(
    tmp_path: Path, fmt: str
) -> None:
    """As `dot -o` does: no folder is created on the way to the file."""
    target = tmp_path / "missing" / "deeper" / "x.out"
    code, out, err = run(EXAMPLES[0], "-f", fmt, "-o", target)
    assert (code, out) == (2, b"")
    assert err == (
        f"pypgflow-ops: error: {target}: folder {target.parent} does not exist; create it first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_folder_output_inside_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "pictures"
    code, _, err = run(FIXTURES.parent.parent.parent / "workflows", "-o", target)
    assert code == 2
    assert err.endswith(f"{target}: folder {target.parent} does not exist; create it first\n")
    assert list(tmp_path.iterdir()) == []
