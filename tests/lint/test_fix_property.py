"""`lint --fix` on generated block-style transitions: it never fails, moves every movable key or
refuses the file untouched, keeps every value, and a second run changes nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pypgflow_ops.fixing.conditions import fix_conditions
from pypgflow_ops.lint import lint_source
from pypgflow_ops.loading import load

HEAD = """\
workflow:
  name: w
  version: "1"
states:
  - name: a
    initial: true
  - name: b
    final: true
transitions:
"""

VALUES = [
    "1000",
    '"low"',
    "true",
    "null",
    "[eu, us]",
    "{a: 1,\n{i}  b: 2}",
    "\n{i}  - one\n{i}  - two",
    "|\n{i}  first\n\n{i}  last\n",
    "\n{i}  nested: 1\n{i}  deeper:\n{i}    x: y",
    "1000   # a comment",
]
ENFORCED = ["field_required: x", "field_min: {amount: 1}"]


@st.composite
def transitions(draw: st.DrawFn) -> str:
    indent = " " * draw(st.sampled_from([6, 8]))  # the entries of conditions and context
    key_indent = "    "
    entries = []
    for number in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            entries.append(indent + draw(st.sampled_from(ENFORCED)) + "\n")
            continue
        comment = draw(st.sampled_from(["", f"{indent}# about k{number}\n", "\n"]))
        value = draw(st.sampled_from(VALUES)).replace("{i}", indent)
        entries.append(f"{comment}{indent}k{number}: {value}\n")
    conditions = key_indent + "conditions:\n" + "".join(dict.fromkeys(entries))
    context = draw(
        st.sampled_from(
            [
                "",
                key_indent + "context: {}\n",
                key_indent + "context:\n" + " " * draw(st.sampled_from([6, 8])) + "kept: 1\n",
                key_indent + "context: {kept: 1}\n",
                key_indent + "context:\n      k0: 1\n",
            ]
        )
    )
    parts = [conditions, context] if draw(st.booleans()) else [context, conditions]
    return "  - from: a\n    to: b\n    name: go\n" + "".join(parts)


@settings(max_examples=300, deadline=None)
@given(transitions(), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_fix_keeps_every_value_and_is_idempotent(body: str, eol: str, unended: bool) -> None:
    text = (HEAD + body).replace("\n", eol)
    data = (text.removesuffix(eol) if unended else text).encode()
    if load(data, "wf.yaml").document is None:
        return  # a generated duplicate key or the like: lint reports it, fix leaves it
    fixed = fix_conditions(data, "wf.yaml")
    if fixed.refused is not None:
        assert fixed.data is data
        return
    rules = {p.rule for p in lint_source(fixed.data, "wf.yaml").problems}
    assert "unenforced-condition" not in rules
    assert (eol == "\n") == (b"\r\n" not in fixed.data)
    again = fix_conditions(fixed.data, "wf.yaml")
    assert (again.data, again.moved, again.refused) == (fixed.data, (), None)
