"""action.yml's own scripts, run as a runner runs a composite step (`bash --noprofile --norc -eo
pipefail`), with the environment its `env:` gives them, against a real database: plan writes the
comment and the saved plan and sets the outputs; apply applies that saved plan."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
FLOW = """\
workflow: {name: expense, version: "1"}
states:
  - {name: start, initial: true}
  - {name: done, final: true}
transitions:
  - {from: start, to: done, name: finish}
"""


def _step(name: str) -> str:
    steps = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    script: str = next(s["run"] for s in steps if s.get("name") == name)
    return script


def _run(name: str, cwd: Path, **env: str) -> tuple[int, str, dict[str, str]]:
    outputs = cwd / "github_output"
    outputs.write_text("")
    environment = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(cwd),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(cwd / "summary.md"),
        **env,
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _step(name)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    pairs = (line.split("=", 1) for line in outputs.read_text().splitlines())
    return done.returncode, done.stdout + done.stderr, dict(pairs)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "expense.yaml").write_text(FLOW)
    return tmp_path


def _git(folder: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    subprocess.run(command, cwd=folder, check=True, capture_output=True)


def test_lint_annotates_and_fails_on_errors(checkout: Path) -> None:
    _git(checkout, "init", "-q")
    _git(checkout, "add", "workflows")
    _git(checkout, "commit", "-q", "-m", "base")
    _git(checkout, "update-ref", "refs/remotes/origin/main", "HEAD")  # the PR's base, fetched
    bad = FLOW.replace("expense", "bad").replace(", final: true", "")
    (checkout / "workflows" / "bad.yaml").write_text(bad)
    (checkout / "workflows" / "expense.yaml").write_text(FLOW.replace("finish", "close"))

    code, out, _ = _run(
        "Lint", checkout, WORKFLOW_PATHS="workflows/", AGAINST_REF="origin/main", SARIF="true"
    )

    assert code == 1
    assert out.startswith("::error file=workflows/bad.yaml,line=")
    assert "::error file=workflows/expense.yaml,line=1,col=36,title=version-not-bumped::" in out
    assert '"uri": "workflows/bad.yaml"' in (checkout / "pypgflow-ops.sarif").read_text()


SCENARIOS = """\
workflow: expense
scenarios:
  - name: an expense finishes
    start: {entity_table: expenses, entity_id: "1"}
    steps:
      - to: done
    expect: {state: done, finished: true}
"""


@pytest.mark.database
def test_test_runs_the_scenarios_and_fails_on_a_failing_one(
    checkout: Path, database_url: str
) -> None:
    scenarios = checkout / "workflows" / "expense.scenarios.yaml"
    scenarios.write_text(SCENARIOS)

    code, out, _ = _run(
        "Test", checkout, WORKFLOW_PATHS="workflows/", DATABASE_URL_INPUT=database_url
    )
    assert (code, out.startswith("::notice ")) == (0, True), out

    scenarios.write_text(SCENARIOS.replace("finished: true", "finished: false"))
    code, out, _ = _run(
        "Test", checkout, WORKFLOW_PATHS="workflows/", DATABASE_URL_INPUT=database_url
    )
    assert code == 1
    assert out.startswith("::error file=workflows/expense.scenarios.yaml,line="), out


@pytest.mark.database
def test_plan_then_apply_the_saved_plan(checkout: Path, database_url: str) -> None:
    code, out, outputs = _run(
        "Plan",
        checkout,
        WORKFLOW_PATHS="workflows/",
        TENANT="acme",
        DATABASE_URL_INPUT=database_url,
        PLAN_FILE="plan-acme.json",
    )

    assert code == 0, out
    assert outputs == {
        "status": "2",
        "comment": str(checkout / "pypgflow-ops-plan-acme.md"),
        "plan-file": "plan-acme.json",
        "has-changes": "true",
    }
    comment = Path(outputs["comment"]).read_text()
    assert comment.startswith("<!-- pypgflow-ops plan: tenant=acme -->\n")
    assert (checkout / "summary.md").read_text() == comment

    artifact = checkout / "pypgflow-ops-plan"  # where the download step puts the artifact
    artifact.mkdir()
    (checkout / "plan-acme.json").rename(artifact / "plan-acme.json")
    code, out, outputs = _run(
        "Apply the saved plan",
        checkout,
        TENANT="acme",
        DATABASE_URL_INPUT=database_url,
        PLAN_FILE="plan-acme.json",
        FOLDER=str(artifact),
    )

    assert code == 0, out
    assert "Applied (deployment " in out
    assert outputs == {"plan-file": str(artifact / "plan-acme.json")}


@pytest.mark.database
def test_a_plan_refused_by_lint_still_writes_the_comment(checkout: Path, database_url: str) -> None:
    (checkout / "workflows" / "expense.yaml").write_text(FLOW.replace(", final: true", ""))

    code, _, outputs = _run(
        "Plan",
        checkout,
        WORKFLOW_PATHS="",
        TENANT="acme",
        DATABASE_URL_INPUT=database_url,
        PLAN_FILE="plan-acme.json",
    )

    assert (code, outputs["status"], outputs["has-changes"]) == (0, "1", "false")
    assert "#### Lint problems" in Path(outputs["comment"]).read_text()
    assert not (checkout / "plan-acme.json").exists()
