"""export: applied versions back into workflow files that lint clean and plan as "No changes"."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pypgflow_ops.config import load_config
from pypgflow_ops.lint import lint_paths
from pypgflow_ops.model import Workflow

from .cli import REPOSITORY, WORKFLOW_FILES, WORKFLOWS, apply, run

HOSTILE = (
    "'; drop table pypgflow.tenants; -- \" $$ {{ schema }} \\ \\N \t\r\n"
    " \u202e\u200b ü 中文 🚀 %s :name ?"
)
# Text that YAML 1.1 would turn into something else, or that needs a block, escapes or quotes.
TRICKY = [
    "no",
    "No",
    "null",
    "~",
    "y",
    "n",
    "on",
    "1.10",
    "1:30",
    "0755",
    "0x1f",
    "1e3",
    ".inf",
    "2024-01-01",
    "",
    " ",
    " leading",
    "trailing ",
    "- item",
    "# comment",
    "a: b",
    "*alias",
    "&anchor",
    "!tag",
    "{x}",
    "[1]",
    "@",
    "`",
    "line 1\nline 2",
    "ends with newline\n",
    "\nstarts with newline",
    "blank lines\n\n\nkept\n\n",
    "spaces  \n  around",
    "crlf\r\nline",
    "tab\there",
    "line\u2028separator",
    "paragraph\u2029separator",
    "\ufeffbom",
    HOSTILE,
]


def hostile_workflow() -> dict[str, object]:
    text = {f"k{i}": value for i, value in enumerate(TRICKY)}
    return {
        "workflow": {
            "name": "hostile",
            "version": "1.10",
            "metadata": {"description": "multi-line\ndescription\n", **text, "no": "null"},
        },
        "states": [
            {"name": "start", "initial": True, "metadata": {"display_name": HOSTILE, **text}},
            {"name": "done", "final": True, "metadata": {"display_name": "no"}},
        ],
        "transitions": [
            {
                "from": "start",
                "to": "done",
                "name": "finish",
                "conditions": {"field_required": ["null", "no"]},
                "context": {
                    "notes": TRICKY,
                    "numbers": [1, 1.5, 1.0, 0.1, -2.5e-10, 10**30],
                    "flags": [True, False, None],
                    "nested": {"y": {"n": TRICKY[:5]}},
                },
                "metadata": {"display_name": HOSTILE},
            }
        ],
    }


def as_json(document: object) -> str:
    """JSON is YAML; the characters lint refuses raw are written as escapes."""
    text = json.dumps(document, ensure_ascii=False)
    for character in "\u2028\u2029\ufeff":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


def models(folder: Path) -> dict[str, Workflow]:
    result = lint_paths([folder], load_config(None))
    assert result.problems == (), result.problems
    return {w.name: w for w in result.workflows}


def export(url: str, tenant: str, out: Path, *more: str) -> None:
    code, stdout, stderr = run(
        "export", "--tenant", tenant, "--database-url", url, "-o", out, *more
    )
    assert (code, stderr) == (0, ""), stdout + stderr


def assert_round_trip(url: str, tenant: str, source: Path, out: Path) -> None:
    export(url, tenant, out)
    exported, original = models(out), models(source)
    # every name, flag and free-text value, exactly (the canonical form ignores the order)
    assert {n: w.canonical() for n, w in exported.items()} == {
        n: w.canonical() for n, w in original.items()
    }
    code, stdout, _ = run("lint", out, "--format", "json")
    assert (code, json.loads(stdout)["problems"]) == (0, [])
    code, stdout, stderr = run("plan", out, "--tenant", tenant, "--database-url", url)
    assert code == 0, stdout + stderr
    assert "No changes." in stdout


def test_every_example_workflow_round_trips(applied: str, tmp_path: Path) -> None:
    assert_round_trip(applied, "acme", WORKFLOWS, tmp_path / "acme")
    assert sorted(p.name for p in (tmp_path / "acme").iterdir()) == sorted(
        p.name for p in WORKFLOW_FILES
    )


def test_hostile_text_survives_byte_for_byte(database_url: str, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "hostile.yaml").write_text(as_json(hostile_workflow()), encoding="utf-8")
    apply(source, "hostile", database_url)

    assert_round_trip(database_url, "hostile", source, tmp_path / "out")
    text = (tmp_path / "out" / "hostile.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# hostile version 1.10 (revision 1), exported from tenant hostile by pypgflow-ops export\n"
        "workflow:\n  name: hostile\n  version: '1.10'\n"
    )
    assert "  - name: done\n    final: true\n    metadata:\n      display_name: 'no'\n" in text


def test_only_the_active_versions_unless_all_versions(database_url: str, tmp_path: Path) -> None:
    for version in ("1", "2"):
        folder = tmp_path / f"v{version}"
        folder.mkdir()
        document = hostile_workflow()
        document["workflow"]["version"] = version  # type: ignore[index]
        (folder / "hostile.yaml").write_text(as_json(document), encoding="utf-8")
        apply(folder, "versions", database_url)

    export(database_url, "versions", tmp_path / "active")
    assert [p.name for p in (tmp_path / "active").iterdir()] == ["hostile.yaml"]
    assert models(tmp_path / "active")["hostile"].version == "2"

    export(database_url, "versions", tmp_path / "all", "--all-versions")
    files = sorted(p.relative_to(tmp_path / "all") for p in (tmp_path / "all").rglob("*.yaml"))
    assert files == [Path("hostile/1.yaml"), Path("hostile/2.yaml")]
    first = models(tmp_path / "all" / "hostile" / "1.yaml")["hostile"]
    assert first.canonical() == models(tmp_path / "v1")["hostile"].canonical()


def test_an_unknown_tenant(applied: str, tmp_path: Path) -> None:
    code, out, err = run("export", "--tenant", "initech", "--database-url", applied, "-o", tmp_path)
    assert (code, out) == (1, "")
    assert err == "pypgflow-ops: error: no tenant 'initech' in this database: nothing to export\n"
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder(applied: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, _, err = run(
        "export", "--tenant", "acme", "--database-url", applied, "-o", tmp_path / "file"
    )
    assert code == 1
    assert err.startswith(f"pypgflow-ops: error: cannot write {tmp_path / 'file'}/")


def test_a_database_without_the_runtime(make_database: object, tmp_path: Path) -> None:
    assert callable(make_database)
    code, out, err = run(
        "export", "--tenant", "acme", "--database-url", make_database(), "-o", tmp_path
    )
    assert (code, out) == (1, "")
    assert err.startswith("pypgflow-ops: error: the runtime is not installed in this database")
    assert list(tmp_path.iterdir()) == []


def insert_by_hand(url: str, tenant: str, name: str, version: str) -> None:
    """A definition written by SQL, not by apply: the runtime does not check its names."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "with t as (insert into pypgflow.tenants (slug, name) values (%(tenant)s, %(tenant)s)"
            " on conflict (slug) do update set name = excluded.name returning id),"
            " d as (insert into pypgflow.workflow_definitions"
            " (tenant_id, name, version, revision, content_hash)"
            " select id, %(name)s, %(version)s, 1, 'by hand' from t returning tenant_id, id),"
            " s as (insert into pypgflow.workflow_states (tenant_id, definition_id, name, initial)"
            " select tenant_id, id, 'start', true from d)"
            " insert into pypgflow.workflow_heads (tenant_id, name, definition_id)"
            " select tenant_id, %(name)s, id from d",
            {"tenant": tenant, "name": name, "version": version},
        )


@pytest.mark.parametrize(
    ("name", "version", "more"),
    [
        ("../../escaped", "1", ()),
        ("/escaped", "1", ()),
        ("fine", "../../escaped", ("--all-versions",)),
        ("with\nnewline", "1", ()),
    ],
)
def test_names_that_are_not_file_names_are_refused(
    runtime_database_url: str, tmp_path: Path, name: str, version: str, more: tuple[str, ...]
) -> None:
    tenant = f"byhand-{abs(hash((name, version))) % 10**6}"
    if name.startswith("/"):  # an absolute path, inside this test's folder
        name = f"{tmp_path}{name}"
    insert_by_hand(runtime_database_url, tenant, name, version)
    out_dir = tmp_path / "a" / "b" / "out"
    code, out, err = run(
        "export", "--tenant", tenant, "--database-url", runtime_database_url, "-o", out_dir, *more
    )
    assert (code, out) == (1, "")
    assert err.startswith("pypgflow-ops: error: ") and err.count("\n") == 1
    assert err.startswith(f"pypgflow-ops: error: workflow {name!r} version {version!r} cannot be")
    assert "is not a workflow file's" in err and err.endswith("Nothing was written\n")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_wildcard_is_written_back_as_a_quoted_star_after_the_other_transitions(
    database_url: str, tmp_path: Path
) -> None:
    source = REPOSITORY / "tests" / "diagram" / "fixtures" / "wildcard_v2.yaml"
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "fraud_review.yaml").write_bytes(source.read_bytes())
    apply(tmp_path / "source", "wildcards", database_url)

    assert_round_trip(database_url, "wildcards", tmp_path / "source", tmp_path / "out")
    text = (tmp_path / "out" / "fraud_review.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - from: on_hold\n    to: investigating\n    name: resume\n"
        '  - from: "*"\n    to: cancelled\n    name: cancel\n    conditions:\n'
        "      field_required: reason\n    metadata:\n      display_name: Cancel\n"
        '  - from: "*"\n    to: on_hold\n    name: hold\n'
    )
