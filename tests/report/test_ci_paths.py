"""CI formats name files relative to the git work tree that holds them, whatever the folder lint
runs in and however the file was named; text and json keep the name as given."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pypgflow_ops.cli import app
from pypgflow_ops.report.ci_paths import ci_path

UNREACHABLE = """\
workflow:
  name: lost
  version: "1"
states:
  - name: start
    initial: true
  - name: island
    final: true
  - name: done
    final: true
transitions:
  - from: start
    to: done
    name: finish
"""


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "deploy" / "flows").mkdir(parents=True)
    (tmp_path / "deploy" / "flows" / "lost.yaml").write_text(UNREACHABLE)
    return tmp_path


@pytest.fixture
def inside() -> Iterator[None]:
    old = Path.cwd()
    yield
    os.chdir(old)


def _lint(cwd: Path, *args: str) -> str:
    os.chdir(cwd)
    return CliRunner().invoke(app, ["lint", *args]).stdout


@pytest.mark.usefixtures("inside")
@pytest.mark.parametrize("cwd", ["", "deploy", "deploy/flows"])
@pytest.mark.parametrize("absolute", [False, True])
def test_github_names_the_file_from_the_repository_root(
    repository: Path, cwd: str, absolute: bool
) -> None:
    file = repository / "deploy" / "flows" / "lost.yaml"
    named = str(file) if absolute else os.path.relpath(file, repository / cwd)

    out = _lint(repository / cwd, "--format", "github", named)

    assert out.startswith("::error file=deploy/flows/lost.yaml,line=7,col=5,")


@pytest.mark.usefixtures("inside")
@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "junit"])
def test_every_ci_format_maps_an_absolute_path(repository: Path, fmt: str) -> None:
    out = _lint(repository / "deploy", "--format", fmt, str(repository / "deploy" / "flows"))

    assert '"deploy/flows/lost.yaml"' in out or 'name="deploy/flows/lost.yaml"' in out
    assert str(repository) not in out


@pytest.mark.usefixtures("inside")
def test_text_and_json_keep_the_path_as_given(repository: Path) -> None:
    file = str(repository / "deploy" / "flows" / "lost.yaml")

    text = _lint(repository / "deploy", file)
    document = json.loads(_lint(repository / "deploy", "--format", "json", "flows/lost.yaml"))

    assert text.startswith(f"{file}:7:5: error ")
    assert document["problems"][0]["file"] == "flows/lost.yaml"


@pytest.mark.usefixtures("inside")
def test_outside_a_work_tree_paths_are_relative_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    os.chdir(tmp_path / "a")
    assert ci_path(str(tmp_path / "a" / "b" / "x.yaml")) == "b/x.yaml"
    assert ci_path("./b/../b/x.yaml") == "b/x.yaml"


def test_a_linked_work_tree_or_submodule_has_a_git_file(tmp_path: Path) -> None:
    (tmp_path / "sub" / "flows").mkdir(parents=True)
    (tmp_path / "sub" / ".git").write_text("gitdir: ../.git/modules/sub\n")

    assert ci_path(str(tmp_path / "sub" / "flows" / "x.yaml")) == "flows/x.yaml"
