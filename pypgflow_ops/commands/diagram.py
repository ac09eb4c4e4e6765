"""`pypgflow-ops diagram`: draw workflows as Graphviz (DOT, svg, png, pdf) or Mermaid.

Exit 0 when drawn; 1 when a file cannot be read into a workflow, Graphviz is missing or the
database cannot be reached; 2 on a usage error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pypgflow_ops.errors import ExitCode, PypgflowError, UsageError
from pypgflow_ops.terminal import printable

if TYPE_CHECKING:
    from pypgflow_ops.config import Config
    from pypgflow_ops.diagram.baseline import Baseline
    from pypgflow_ops.diagram.sources import Drawable


class Format(StrEnum):
    DOT = "dot"
    MERMAID = "mermaid"
    SVG = "svg"
    PNG = "png"
    PDF = "pdf"


def _check_against(
    against_ref: str | None, against_db: bool, tenant: str | None, database_url: str | None
) -> None:
    if against_ref is not None and against_db:
        raise UsageError("give --against-ref or --against-db, not both")
    if against_db and not tenant:
        raise UsageError("--against-db needs --tenant SLUG")
    if not against_db and (tenant or database_url):
        raise UsageError("--tenant and --database-url go with --against-db")


def _baseline(
    against_ref: str | None, tenant: str | None, database_url: str | None, config: Config
) -> Baseline | None:
    from pypgflow_ops.diagram import baseline

    if tenant:  # given only with --against-db (_check_against)
        from pypgflow_ops.deploy.tenant import checked_slug

        return baseline.from_database(database_url, checked_slug(tenant))
    return baseline.from_git(against_ref, config) if against_ref is not None else None


def _load(path: Path, config: Config) -> list[Drawable]:
    from pypgflow_ops.diagram.sources import Undrawable, load
    from pypgflow_ops.problems import LintResult
    from pypgflow_ops.report.text import render

    try:
        return load(path, config)
    except Undrawable as exc:
        shown = LintResult(len({p.file for p in exc.problems}), exc.problems, ())
        typer.echo(render(shown), err=True, nl=False)
        raise


def _check_output(path: Path, output: Path | None) -> None:
    if output is not None and not output.parent.exists():  # as `dot -o`: never create folders
        raise UsageError(f"{output}: folder {output.parent} does not exist; create it first")
    if not path.is_dir():
        return
    if output is None:
        raise UsageError(f"{path} is a folder: give -o DIR, the folder to write the diagrams to")
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} is a file: -o must name a folder when PATH is a folder")


def _destinations(
    path: Path, drawables: list[Drawable], output: Path | None, file_format: str
) -> list[tuple[Drawable, Path | None]]:
    from pypgflow_ops.diagram.drawing import SUFFIXES

    if output is None:  # standard output (a folder always has an output: _check_output)
        return [(drawable, None) for drawable in drawables]
    suffix = SUFFIXES[file_format]
    if path.is_dir():
        destinations: list[tuple[Drawable, Path | None]] = [
            (d, (output / Path(d.workflow.source or "").relative_to(path)).with_suffix(suffix))
            for d in drawables
        ]
        seen: dict[Path | None, str] = {}
        for drawable, destination in destinations:
            earlier = seen.setdefault(destination, drawable.workflow.source or "")
            if earlier != drawable.workflow.source:
                raise UsageError(
                    f"{earlier} and {drawable.workflow.source} would both be drawn "
                    f"to {destination}; rename one"
                )
        return destinations
    if output.is_dir():  # one file into an existing folder
        return [
            (d, output / Path(d.workflow.source or "").with_suffix(suffix).name) for d in drawables
        ]
    return [(drawable, output) for drawable in drawables]


def diagram(
    path: Path = typer.Argument(..., help="A workflow file, or a folder of them."),
    output_format: Format | None = typer.Option(
        None,
        "--format",
        "-f",
        help="dot, mermaid, svg, png or pdf. Default: from the -o suffix, else dot.",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="The file to write (default: standard output); a folder when PATH is a folder.",
        show_default=False,
    ),
    highlight_problems: bool = typer.Option(
        False,
        "--highlight-problems",
        help="Draw unreachable states and states with no path to a final state in red.",
    ),
    against_ref: str | None = typer.Option(
        None,
        "--against-ref",
        metavar="GIT_REF",
        help="Draw what changed since the file at this git ref.",
        show_default=False,
    ),
    against_db: bool = typer.Option(
        False, "--against-db", help="Draw what changed since the tenant's active version."
    ),
    tenant: str | None = typer.Option(
        None, "--tenant", help="The tenant's slug, for --against-db.", show_default=False
    ),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="For --against-db. Default: DATABASE_URL, else the usual PG* variables.",
        show_default=False,
    ),
) -> int:
    """Draw workflows, or what a change does to them, as Graphviz or Mermaid diagrams."""
    from pypgflow_ops.config import load_config
    from pypgflow_ops.diagram.drawing import BINARY_FORMATS, draw, format_for, scene_for

    file_format = format_for(output, output_format)
    if highlight_problems and (against_ref is not None or against_db):
        raise UsageError("--highlight-problems draws one version: leave out --against-*")
    if output is None and file_format in BINARY_FORMATS and sys.stdout.isatty():
        raise UsageError(f"{file_format} is binary: write it to a file with -o FILE")
    _check_against(against_ref, against_db, tenant, database_url)
    _check_output(path, output)
    config = load_config(None)
    drawables = _load(path, config)
    baseline = _baseline(against_ref, tenant, database_url, config)
    for drawable, destination in _destinations(path, drawables, output, file_format):
        scene = scene_for(drawable, highlight=highlight_problems, baseline=baseline)
        picture = draw(scene, file_format)
        for note in picture.notes:
            typer.echo(printable(note), err=True)
        if destination is None:
            typer.echo(picture.data, nl=False)
            continue
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(picture.data)
        except OSError as exc:
            raise PypgflowError(f"{destination}: cannot write: {exc.strerror}") from None
    return ExitCode.OK
