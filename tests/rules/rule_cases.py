"""The rule cases in cases/<rule-id>.yaml: workflow files that a rule must flag, and files that must
lint clean. Shared by test_rule_cases.py and generate_docs.py.

    rule: unreachable-state
    cases:
      - name: a state nothing leads to
        fails_at: [14]           # exactly the lines where this rule is reported
        file: |
          workflow: ...
      - name: every state reachable
        passes: true             # the whole file lints without any problem
        file: |
          ...

A case across files gives `files: [{path, text}, ...]` instead of `file`, and `fails_at` as a
mapping from path to lines.

A case of a rule that compares with a git ref (`lint --against-ref`) also gives
`at_ref: [{path, text}, ...]`, the files as committed on branch `main` (REF) of a throwaway
repository; the case's files then replace them in the work tree and `lint --against-ref main .`
runs there. `fails_at` may name a file that exists only at the ref.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pypgflow_ops.lint import lint_paths, lint_source
from pypgflow_ops.problems import LintResult

CASES_DIR = Path(__file__).resolve().parent / "cases"
SINGLE_FILE = "workflow.yaml"
REF = "main"


class CaseFileError(Exception):
    """A case file that does not have the shape above."""


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    files: Mapping[str, str]  # path -> text
    fails_at: Mapping[str, tuple[int, ...]]  # path -> lines; empty for a passing case
    at_ref: Mapping[str, str]  # path -> text at REF; empty when the case needs no git ref

    @property
    def passes(self) -> bool:
        return not self.fails_at

    @property
    def single(self) -> bool:
        return tuple(self.files) == (SINGLE_FILE,) and not self.at_ref

    @property
    def paths(self) -> list[str]:
        """Every path the case names, now or at REF."""
        return [*self.files, *(path for path in self.at_ref if path not in self.files)]


def _lines(value: Any, where: str) -> tuple[int, ...]:
    if not (isinstance(value, list) and value and all(type(n) is int for n in value)):
        raise CaseFileError(f"{where}: fails_at must list line numbers")
    return tuple(sorted(value))


def _files(raw: Mapping[str, Any], where: str) -> dict[str, str]:
    if ("file" in raw) == ("files" in raw):
        raise CaseFileError(f"{where}: give either `file` or `files`")
    if "file" in raw:
        return {SINGLE_FILE: raw["file"]}
    return {entry["path"]: entry["text"] for entry in raw["files"]}


def _fails_at(
    raw: Mapping[str, Any], files: Mapping[str, str | None], where: str
) -> dict[str, tuple[int, ...]]:
    if raw.get("passes") is True:
        if "fails_at" in raw:
            raise CaseFileError(f"{where}: a passing case has no fails_at")
        return {}
    if "fails_at" not in raw:
        raise CaseFileError(f"{where}: give `fails_at` or `passes: true`")
    given = raw["fails_at"]
    if isinstance(given, list):
        given = {SINGLE_FILE: given}
    if not set(given) <= set(files):
        raise CaseFileError(f"{where}: fails_at names a file the case does not have")
    return {path: _lines(lines, where) for path, lines in given.items()}


def _case(rule: str, raw: Mapping[str, Any], where: str) -> Case:
    where = f"{where}: {raw.get('name', '(unnamed case)')}"
    files = _files(raw, where)
    at_ref = {entry["path"]: entry["text"] for entry in raw.get("at_ref", [])}
    return Case(rule, raw["name"], files, _fails_at(raw, {**at_ref, **files}, where), at_ref)


def load_case_file(path: Path) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if raw.get("rule") != path.stem:
        raise CaseFileError(f"{path.name}: `rule` must be {path.stem!r}, the file's name")
    return [_case(raw["rule"], case, path.name) for case in raw["cases"]]


def all_cases() -> dict[str, list[Case]]:
    """Every case file's cases, by rule id, in file name order."""
    return {path.stem: load_case_file(path) for path in sorted(CASES_DIR.glob("*.yaml"))}


def _write(files: Mapping[str, str]) -> None:
    for path, text in files.items():
        Path(path).write_text(text, encoding="utf-8")


def _commit(files: Mapping[str, str]) -> None:
    """A repository whose branch REF holds `files`; the work tree is left empty."""
    git = ["git", "-c", "user.name=case", "-c", "user.email=case@example.com"]
    subprocess.run([*git, "init", "-q", "-b", REF], check=True)
    _write(files)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "at ref"], check=True)
    for path in files:
        Path(path).unlink()


def lint_case(case: Case) -> LintResult:
    """Lint the case's file(s) as `pypgflow-ops lint` would: a folder's from inside it, as `.`."""
    if case.single:
        return lint_source(case.files[SINGLE_FILE].encode("utf-8"), SINGLE_FILE)
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        if case.at_ref:
            _commit(case.at_ref)
        _write(case.files)
        return lint_paths([Path(".")], against_ref=REF if case.at_ref else None)
