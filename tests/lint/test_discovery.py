"""Which files a lint run reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pypgflow_ops.discovery import discover
from pypgflow_ops.errors import UsageError


def touch(folder: Path, name: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x: 1\n")
    return path


def test_workflow_files_below_a_folder_sorted_hidden_ones_and_other_files_skipped(
    tmp_path: Path,
) -> None:
    touch(tmp_path, "b.yml")
    touch(tmp_path, "a/A.YAML")
    touch(tmp_path, ".pypgflow-ops.yaml")
    touch(tmp_path, ".git/x.yaml")
    touch(tmp_path, "notes.txt")
    assert discover([tmp_path]) == [str(tmp_path / "a/A.YAML"), str(tmp_path / "b.yml")]


def test_a_file_named_twice_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "wf.yaml")
    monkeypatch.chdir(tmp_path)
    assert discover([Path("wf.yaml"), tmp_path / "wf.yaml", Path(".")]) == ["wf.yaml"]


def test_a_fifo_in_a_folder_is_not_read_and_one_named_is_refused(tmp_path: Path) -> None:
    touch(tmp_path, "wf.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    assert discover([tmp_path]) == [str(tmp_path / "wf.yaml")]
    with pytest.raises(UsageError, match=r"pipe\.yaml: not a regular file"):
        discover([tmp_path / "pipe.yaml"])


def test_a_folder_without_workflow_files_is_a_usage_error(tmp_path: Path) -> None:
    touch(tmp_path, "readme.md")
    with pytest.raises(UsageError, match=r"no \*\.yaml or \*\.yml files in this folder"):
        discover([tmp_path])
