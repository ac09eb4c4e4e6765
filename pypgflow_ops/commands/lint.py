"""`pypgflow-ops lint`: check workflow files; exit 0 clean, 1 errors found, 2 usage error."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pypgflow_ops.report.lint import LINT_FORMATS

if TYPE_CHECKING:
    LintFormatName = str
else:  # typer offers an enum's values as the choices: built from the reporter table
    LintFormatName = StrEnum("LintFormatName", {name: name for name in LINT_FORMATS})


def lint(
    paths: list[Path] = typer.Argument(
        None,
        help="Workflow files or folders (searched for *.yaml, *.yml). "
        "Default: `paths` from the configuration, else workflows/.",
        show_default=False,
    ),
    output_format: LintFormatName = typer.Option("text", "--format", "-f", help="Output format."),
    config_file: Path | None = typer.Option(
        None,
        "--config",
        help="Configuration file (default: the nearest .pypgflow-ops.yaml, "
        "or pyproject.toml with [tool.pypgflow-ops]).",
    ),
    against_ref: str | None = typer.Option(
        None,
        "--against-ref",
        metavar="GIT_REF",
        help="Also compare each workflow with its form at this git ref (by workflow name): "
        "versions not bumped or gone backwards, workflows removed.",
        show_default=False,
    ),
    fix: bool = typer.Option(
        False,
        "--fix",
        help="First fix what lint can in place: move the keys of `conditions` the runtime does "
        "not enforce (unenforced-condition) under the transition's `context`, keeping the rest "
        "of the file byte for byte; each key moved is said on stderr. Then lint as usual.",
    ),
) -> int:
    """Check workflow files against the schema and the state-machine rules."""
    from pypgflow_ops.config import load_config
    from pypgflow_ops.errors import UsageError
    from pypgflow_ops.lint import lint_paths
    from pypgflow_ops.progress import Bar
    from pypgflow_ops.terminal import wants_color

    config = load_config(config_file)
    if not paths:
        base = config.source.parent if config.source else Path()
        paths = [Path(os.path.relpath(base / p)) for p in config.paths]
        missing = [p for p in paths if not p.exists()]
        if missing:
            origin = f"`paths` in {config.source}" if config.source else "the default path"
            raise UsageError(
                f"{missing[0]}: no such file or folder (from {origin}); name the files to lint"
            )
    if fix:
        from pypgflow_ops.fixing import fix_paths

        for done in fix_paths(paths, config):
            typer.echo(str(done), err=True)
    with Bar("Linting") as progress:
        result = lint_paths(paths, config, progress, against_ref)
    typer.echo(LINT_FORMATS[output_format](result, color=wants_color()), nl=False)
    return result.exit_code
