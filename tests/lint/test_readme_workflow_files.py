"""Every example of the README's "Workflow files" section is what lint and `lint --fix` say it is:
the file lints clean, the wildcard and the conditions lint clean in a workflow, and the free-form
condition before `--fix` is an error that `--fix` turns into the text shown after it."""

from __future__ import annotations

from pathlib import Path

from pypgflow_ops.fixing.conditions import fix_conditions
from pypgflow_ops.lint import lint_source

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Workflow files\n", 1)[1].split("\n## ", 1)[0]
EXAMPLES = [block.split("```", 1)[0] for block in SECTION.split("```yaml\n")[1:]]
HEAD = """\
workflow:
  name: refund
  version: "1.0"
states:
  - name: requested
    initial: true
  - name: refunded
    final: true
transitions:
  - from: requested
    to: refunded
    name: refund
"""


def shown(text: str) -> list[str]:
    result = lint_source(text.encode(), "wf.yaml")
    return [f"{p.line}:{p.column}: {p.rule} {p.message}" for p in result.problems]


def example(starts: str, holding: str = "") -> str:
    """The one example of the section that starts with `starts` and holds `holding`."""
    (found,) = [e for e in EXAMPLES if e.startswith(starts) and holding in e]
    return found


FILE = example("workflow:\n")
WILDCARD = example('  - from: "*"\n')
CONDITIONS = example("    conditions:\n", "field_in")
BEFORE = example("    conditions:", "# before\n")
AFTER = example("    conditions:", "# after `pypgflow-ops lint --fix`\n")


def test_the_example_file_lints_clean() -> None:
    assert shown(FILE) == []


def test_the_wildcard_lints_clean_in_a_workflow() -> None:
    states = HEAD.replace("transitions:\n", "  - name: cancelled\n    final: true\ntransitions:\n")
    assert shown(states + WILDCARD) == []


def test_the_conditions_lint_clean() -> None:
    assert shown(HEAD + CONDITIONS) == []


def test_the_free_form_condition_is_an_error_that_fix_turns_into_the_text_after_it() -> None:
    before, after = HEAD + BEFORE, HEAD + AFTER
    assert [p.split(" ", 2)[1] for p in shown(before)] == ["unenforced-condition"]
    fixed = fix_conditions(before.encode(), "wf.yaml")
    assert [m.key for m in fixed.moved] == ["requires_approval"]
    assert fixed.data.decode().replace("# before", "# after `pypgflow-ops lint --fix`") == after
    assert shown(after) == []
