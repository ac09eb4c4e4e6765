"""The README's "Use it in CI" snippets name what exists: the hook, the formats, the examples."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pypgflow_ops.report.lint import LINT_FORMATS

REPO = Path(__file__).resolve().parents[2]


def _section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Use it in CI\n", 1)[1].split("\n## ", 1)[0]


def _snippets() -> list[dict[str, object]]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", _section(), re.S)]


def test_the_pre_commit_snippet_names_the_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    snippet = _snippets()[0]

    assert snippet["repos"][0]["hooks"] == [{"id": hooks[0]["id"]}]  # type: ignore[index]


def test_the_gitlab_snippet_writes_both_reports_with_real_formats() -> None:
    job = _snippets()[1]["lint-workflows"]
    script = " ".join(job["script"])  # type: ignore[index]

    formats = re.findall(r"--format (\S+)", script)
    assert formats == ["gitlab", "junit"] and set(formats) <= set(LINT_FORMATS)
    assert job["artifacts"]["reports"] == {  # type: ignore[index]
        "codequality": "gl-code-quality-report.json",
        "junit": "pypgflow-ops-junit.xml",
    }


def test_the_linked_examples_exist() -> None:
    for link in re.findall(r"\]\(((?:examples|docs)/[^)]+)\)", _section()):
        assert (REPO / link).is_file(), link
