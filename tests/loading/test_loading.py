"""The strict loader: every bad input gets one located problem, with libyaml and without it."""

from __future__ import annotations

import time

import pytest
import yaml

from pypgflow_ops.loading import ImplicitScalar, load
from pypgflow_ops.model import Position

LOADERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest) -> type[yaml.SafeLoader]:
    loader_class: type[yaml.SafeLoader] = request.param
    return loader_class


def only_problem(data: bytes, loader: type[yaml.SafeLoader]) -> tuple[int, int, str, str]:
    loaded = load(data, "wf.yaml", loader=loader)
    assert loaded.document is None
    assert len(loaded.problems) == 1, loaded.problems
    problem = loaded.problems[0]
    assert problem.file == "wf.yaml"
    return problem.line, problem.column, problem.rule, problem.message


DIRECTIVE = "the %s directive is not allowed: this tool reads YAML 1.1, strictly; remove the line"

BAD_INPUTS = [
    ("syntax error", b"a: [1, 2\nb: 3\n", 2, None, "yaml-syntax", None),
    ("tab after a colon (libyaml accepts it)", b"a:\tb\n", 1, 3, "yaml-syntax", "tab character"),
    ("tab in indentation", b"a:\n\tb: 1\n", 2, 1, "yaml-syntax", "tab character"),
    ("tab inside quotes", b'a: "x\ty"\n', 1, 6, "yaml-syntax", "tab character"),
    ("byte that is not UTF-8", b"a: 1\nb: caf\xe9\n", 2, 7, "yaml-syntax", "not UTF-8"),
    ("NUL byte", b"a: 1\nbb: x\x00\n", 2, 6, "yaml-syntax", "U+0000"),
    ("escape control character", b"a: \x1b[31m\n", 1, 4, "yaml-syntax", "U+001B"),
    ("NUL from an escape", b'a: "x\\0y"\n', 1, 4, "yaml-syntax", "NUL"),
    ("escape character from an escape", b'a: "\\e[31mred"\n', 1, 4, "yaml-syntax", "U+001B"),
    ("escaped key control", b'"k\\x07": 1\n', 1, 1, "yaml-syntax", "U+0007"),
    ("empty file", b"", 1, 1, "yaml-syntax", "empty"),
    ("only comments", b"# nothing\n", 1, 1, "yaml-syntax", "empty"),
    ("two documents", b"a: 1\n---\nb: 2\n", 2, 1, "yaml-syntax", "second YAML document"),
    ("top level list", b"- a\n- b\n", 1, 1, "yaml-syntax", "top level must be a mapping"),
    ("top level scalar", b"hello\n", 1, 1, "yaml-syntax", "top level must be a mapping"),
    ("number key", b"a:\n  1: x\n", 2, 3, "yaml-syntax", 'quote it: "1"'),
    ("boolean key", b"on: push\n", 1, 1, "yaml-syntax", "boolean true"),
    ("mapping key", b"? [a]\n: 1\n", 1, 3, "yaml-syntax", "mapping key must be text"),
    ("duplicate key", b"a: 1\nb:\n  c: 1\n  c: 2\n", 4, 3, "duplicate-key", "first at line 3"),
    ("anchor", b"a: &x 1\nb: 2\n", 1, 4, "yaml-anchor", "&x"),
    ("alias", b"a: [1]\nb: *x\n", 2, 4, "yaml-anchor", None),
    ("merge key", b"a:\n  <<: {b: 1}\n", 2, 3, "yaml-anchor", "merge keys"),
    ("deep nesting", b"a: " + b"[" * 100 + b"]" * 100 + b"\n", 1, None, "yaml-syntax", "nesting"),
    ("huge integer", b"a: " + b"9" * 5000 + b"\n", 1, 4, "yaml-syntax", "integer too large"),
    ("not a JSON number", b"a: .inf\n", 1, 4, "yaml-syntax", "JSON"),
    ("python tag", b"a: !!python/name:os.system x\n", 1, 4, "yaml-syntax", "explicit tag"),
    ("huge hex integer", b"a: 0x" + b"f" * 5000 + b"\n", 1, 4, "yaml-syntax", "too large"),
    ("huge base-60 integer", b"a: " + b"59:" * 3000 + b"1\n", 1, 4, "yaml-syntax", "too large"),
    ("lone carriage return", b"a: 1\rb: 2\n", 1, 5, "yaml-syntax", "line feed"),
    ("next-line character", "a: x\x85y\n".encode(), 1, 5, "yaml-syntax", "U+0085"),
    ("line separator", "a: x\u2028y\n".encode(), 1, 5, "yaml-syntax", "U+2028"),
    ("%YAML directive", b"%YAML 1.2\n---\na: 1\n", 1, 1, "yaml-syntax", DIRECTIVE % "%YAML"),
    ("%YAML 1.1 directive", b"%YAML 1.1\n---\na: 1\n", 1, 1, "yaml-syntax", DIRECTIVE % "%YAML"),
    ("%YAML 2.0 directive", b"%YAML 2.0\n---\na: 1\n", 1, 1, "yaml-syntax", DIRECTIVE % "%YAML"),
    ("%TAG directive", b"%TAG !e! tag:e.com,2000:\n---\na: 1\n", 1, 1, "yaml-syntax", "%TAG"),
    ("directive after a comment", b"# c\n\n%YAML 1.2\n---\na: 1\n", 3, 1, "yaml-syntax", "%YAML"),
    ("unknown directive", b"%FOO bar\n---\na: 1\n", 1, 1, "yaml-syntax", DIRECTIVE % "%FOO"),
]


@pytest.mark.parametrize(
    ("data", "line", "column", "rule", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_INPUTS],
)
def test_bad_input_is_one_located_problem(
    loader: type[yaml.SafeLoader],
    data: bytes,
    line: int,
    column: int | None,
    rule: str,
    fragment: str | None,
) -> None:
    got_line, got_column, got_rule, message = only_problem(data, loader)
    assert (got_line, got_rule) == (line, rule)
    if column is not None:
        assert got_column == column
    if fragment is not None:
        assert fragment in message


def test_every_line_with_a_tab_is_reported() -> None:
    loaded = load(b"a:\tb\nc: d\ne:\tf\t\n", "wf.yaml")
    assert [(p.line, p.column) for p in loaded.problems] == [(1, 3), (3, 3)]


def test_columns_count_characters_not_bytes(loader: type[yaml.SafeLoader]) -> None:
    line, column, _, _ = only_problem("k: ééé\x01\n".encode(), loader)
    assert (line, column) == (1, 7)


def test_alias_bomb_is_refused_at_once(loader: type[yaml.SafeLoader]) -> None:
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n".encode()
        for i in range(9)
    )
    started = time.perf_counter()
    _, _, rule, _ = only_problem(bomb, loader)
    assert rule == "yaml-anchor"
    assert time.perf_counter() - started < 1  # a bound for a hang, not a speed target


def test_every_value_and_key_keeps_its_position_on_request(loader: type[yaml.SafeLoader]) -> None:
    text = b"workflow:\n  name: x\nstates:\n  - name: a\n    initial: true\n"
    loaded = load(text, "f", loader=loader, every_position=True)
    assert loaded.document is not None
    assert loaded.document.data == {
        "workflow": {"name": "x"},
        "states": [{"name": "a", "initial": True}],
    }
    assert loaded.document.position(("states", 0)) == Position(4, 5)
    assert loaded.document.position(("states", 0, "initial")) == Position(5, 14)
    assert loaded.document.key_position(("states",)) == Position(3, 1)
    assert loaded.document.position(("states", 0, "missing")) == Position(4, 5)


def test_by_default_only_the_top_two_levels_are_placed(loader: type[yaml.SafeLoader]) -> None:
    text = b"workflow:\n  name: x\nstates:\n  - name: a\n    initial: true\n"
    loaded = load(text, "f", loader=loader)
    assert loaded.document is not None
    assert loaded.document.key_position(("states",)) == Position(3, 1)
    assert loaded.document.position(("states", 0)) == Position(4, 5)
    # deeper nodes fall back to the entry that holds them
    assert loaded.document.position(("states", 0, "name")) == Position(4, 5)


def test_a_deep_duplicate_key_still_names_the_first_line(loader: type[yaml.SafeLoader]) -> None:
    text = b"states:\n  - name: a\n    metadata:\n      x: 1\n      y: 2\n      x: 3\n"
    assert only_problem(text, loader)[:3] == (6, 7, "duplicate-key")
    assert "first at line 4" in only_problem(text, loader)[3]


def test_yaml_11_conversions_are_recorded_with_the_text_written(
    loader: type[yaml.SafeLoader],
) -> None:
    loaded = load(
        b"a: no\nb: 1.10\nc: 0755\nd: 1:30\ne: n\nf: '0755'\ng: 2024-01-01\nh: 7\n",
        "f",
        loader=loader,
    )
    assert loaded.document is not None
    assert loaded.document.data == {
        "a": False,
        "b": 1.1,
        "c": 493,
        "d": 90,
        "e": "n",
        "f": "0755",
        "g": "2024-01-01",
        "h": 7,
    }
    recorded = {s.path: (s.text, s.ambiguous) for s in loaded.document.implicit}
    assert recorded == {
        ("a",): ("no", True),
        ("b",): ("1.10", False),
        ("c",): ("0755", True),
        ("d",): ("1:30", True),
        ("e",): ("n", True),
        ("h",): ("7", False),
    }
    assert all(isinstance(s, ImplicitScalar) for s in loaded.document.implicit)


TRICKY_SCALARS = [
    "yes",
    "Yes",
    "YES",
    "yEs",
    "no",
    "NO",
    "on",
    "ON",
    "oN",
    "off",
    "Off",
    "true",
    "True",
    "tRUE",
    "false",
    "FALSE",
    "null",
    "Null",
    "NULL",
    "nULL",
    "~",
    "",
    "y",
    "n",
    "Y",
    "N",
    "1",
    "-1",
    "+1",
    "0755",
    "0x1F",
    "0b101",
    "1_000",
    "1:30",
    "1.10",
    ".5",
    "-.inf",
    ".NaN",
    "1e3",
    "2024-01-01",
    "2024-01-01 10:00:00",
    "<<",
    "=",
    "to",
    "from",
    "name",
    "final",
    "tabula",
    "offset",
    "nothing",
    "Yesterday",
    "onward",
    "é",
    "élan",
    "n1",
    "y2",
    "t",
    "f",
]


@pytest.mark.parametrize("text", TRICKY_SCALARS)
def test_the_resolver_shortcut_never_skips_a_scalar_yaml_would_convert(text: str) -> None:
    from pypgflow_ops.loading.scalars import maybe_converted

    resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if resolved != "tag:yaml.org,2002:str":
        assert maybe_converted(text)


def test_crlf_line_endings_are_fine(loader: type[yaml.SafeLoader]) -> None:
    loaded = load(b"a: 1\r\nb:\r\n  c: 2\r\n", "f", loader=loader)
    assert loaded.document is not None
    assert loaded.document.data == {"a": 1, "b": {"c": 2}}


def test_character_checks_are_linear_in_the_size_of_the_file() -> None:
    # 200,000 lines with a tab each: a rescan from the top per match would take minutes.
    text = b"a:\tb\n" * 200_000
    started = time.perf_counter()
    loaded = load(text, "f")
    assert len(loaded.problems) == 200_000
    assert loaded.problems[-1].line == 200_000
    assert time.perf_counter() - started < 30  # a bound for a hang, not a speed target


def test_a_syntax_error_says_where_the_unclosed_structure_started(
    loader: type[yaml.SafeLoader],
) -> None:
    _, _, rule, message = only_problem(b"a: 1\nb: [1, 2\nc: 3\n", loader)
    assert rule == "yaml-syntax"
    assert "line 2" in message
    assert message.endswith("check the indentation, quotes and brackets")


def test_an_unquoted_wildcard_says_to_quote_it(loader: type[yaml.SafeLoader]) -> None:
    text = b"transitions:\n  - from: *\n    to: cancelled\n"
    line, column, rule, message = only_problem(text, loader)
    assert (line, column, rule) == (2, 12, "yaml-syntax")
    assert message.endswith(
        'a bare * starts a YAML alias: a transition from any state is `from: "*"`'
    )
