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
    against_ref: str | None,
    against_db: bool,
    tenants: list[str] | None,
    all_tenants: bool,
    database_url: str | None,
) -> None:
    if against_ref is not None and against_db:
        raise UsageError("give --against-ref or --against-db, not both")
    if against_db and not (tenants or all_tenants):
        raise UsageError("--against-db needs --tenant SLUG (as often as needed) or --all-tenants")
    if not against_db and (tenants or all_tenants or database_url):
        raise UsageError("--tenant, --all-tenants and --database-url go with --against-db")


def _tenants(tenants: list[str] | None, all_tenants: bool, config: Config) -> tuple[str, ...]:
    """The tenants to compare with, chosen as plan and apply choose them."""
    from pypgflow_ops.deploy.targets import select

    return select(tenants, all_tenants, [Path()], config).tenants


def _baselines(
    against_ref: str | None, tenants: tuple[str, ...], database_url: str | None, config: Config
) -> list[Baseline | None]:
    """One baseline per tenant with --against-db, else the one of --against-ref (or none)."""
    from pypgflow_ops.diagram import baseline

    if tenants:
        return list(baseline.from_database(database_url, tenants))
    return [baseline.from_git(against_ref, config) if against_ref is not None else None]


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
    path: Path,
    drawables: list[Drawable],
    output: Path | None,
    file_format: str,
    in_folder: bool = False,
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
    if in_folder or output.is_dir():  # one file into a folder
        return [
            (d, output / Path(d.workflow.source or "").with_suffix(suffix).name) for d in drawables
        ]
    return [(drawable, output) for drawable in drawables]


def _check_tenant_output(path: Path, output: Path | None, tenants: int) -> None:
    """Several tenants: one folder per tenant in -o DIR, so that no two names collide."""
    if output is None or not (path.is_dir() or output.is_dir()):
        raise UsageError(
            f"{tenants} tenants give a diagram each: "
            "give -o DIR, an existing folder to write one folder per tenant into"
        )


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
    tenant: list[str] | None = typer.Option(
        None,
        "--tenant",
        help="A tenant's slug, for --against-db; give it once per tenant.",
        show_default=False,
    ),
    all_tenants: bool = typer.Option(
        False,
        "--all-tenants",
        help="For --against-db: every tenant of the configuration's `tenants` table.",
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
    _check_against(against_ref, against_db, tenant, all_tenants, database_url)
    _check_output(path, output)
    config = load_config(None)
    tenants = _tenants(tenant, all_tenants, config) if against_db else ()
    if len(tenants) > 1:  # refused before anything is read
        _check_tenant_output(path, output, len(tenants))
    drawables = _load(path, config)
    baselines = _baselines(against_ref, tenants, database_url, config)
    outputs = []
    for slug, baseline in zip(tenants or (None,), baselines, strict=True):
        if output is not None and slug is not None and len(tenants) > 1:
            chosen = _destinations(path, drawables, output / slug, file_format, in_folder=True)
        else:
            chosen = _destinations(path, drawables, output, file_format)
        outputs += [(baseline, drawable, destination) for drawable, destination in chosen]
    for baseline, drawable, destination in outputs:
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
