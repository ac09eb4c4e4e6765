"""libyaml (CSafeLoader) and the pure-Python parser give one verdict through our loader: the same
data, or a refusal under the same rule. Texts are generated from YAML's punctuation, where the two
parsers differ (`{description: Ready?, note: x}` was text to one and an error to the other)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pypgflow_ops.loading import load

pytestmark = pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")

ATOMS = st.sampled_from(
    (
        *("a", "key", "Ready?", "x?", "?", "? ", ":", ": ", "-", "- ", "{", "}", "[", "]", ","),
        *("'", '"', "#", " #", "\t", " ", "\n", "\n  ", "\n- ", "!", "!!str ", "&a ", "*a", "|"),
        *("%", "@", "`", "1", "0x1f", "1:30", "yes", "~", "null", ".5", "1e3", "...", "---", "<<"),
        *("description: ", "note: x", "\\", "é", "\\u00e9", '"\\x41"', "'it''s'", "|-\n  x"),
        *(">", ">+", ", "),
    )
)
TEMPLATES = st.sampled_from(
    ["{}", "a: {{{}}}\n", "a: [{}]\n", "- {}\n", "a:\n  {}\n", "{{{}}}\n", "a: {}\n", "? {}\n: b\n"]
)
CHARACTERS = st.text(st.sampled_from(list("ab?:{}[],'\" \n\t#-!&*|>%@`\\é1.")), max_size=30)
TEXTS = st.one_of(
    st.builds(str.format, TEMPLATES, st.lists(ATOMS, max_size=12).map("".join)), CHARACTERS
)


def verdict(text: str, loader: type[yaml.SafeLoader]) -> tuple[str, Any]:
    loaded = load(text.encode(), "fuzz.yaml", loader=loader)
    if loaded.document is not None:
        return "read", loaded.document.data
    return "refused", sorted({problem.rule for problem in loaded.problems})


@settings(max_examples=1000, deadline=None, database=None)
@given(TEXTS)
@example("workflow: {description: Ready?, note: x}\n")
@example("a: {key:}\n")
@example("a: [?b: c]\n")
@example("a: |#comment\n  x\n")
@example("a: [<<: Ready?]\n")
@example("%FOO bar\n---\na: 1\n")
def test_libyaml_and_the_pure_python_parser_agree(text: str) -> None:
    assert verdict(text, yaml.SafeLoader) == verdict(text, yaml.CSafeLoader)
