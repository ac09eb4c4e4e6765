"""DOT text to svg, png or pdf through the graphviz package and Graphviz's programs."""

from __future__ import annotations

from pypgflow_ops.errors import PypgflowError

RENDERED_FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "Graphviz's `dot` program is not installed: install Graphviz (Debian/Ubuntu: "
    "apt-get install graphviz; macOS: brew install graphviz; others: "
    "https://graphviz.org/download/), or use --format dot or --format mermaid"
)


def render(dot_text: str, file_format: str) -> bytes:
    """Lay out and draw; the layout engine is the one the DOT text names (dot unless large)."""
    import graphviz

    try:
        return bytes(graphviz.Source(dot_text).pipe(format=file_format))
    except graphviz.ExecutableNotFound:
        raise PypgflowError(INSTALL_HINT) from None
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        reason = stderr.strip().splitlines()[0] if stderr.strip() else f"exit code {exc.returncode}"
        raise PypgflowError(f"Graphviz failed to draw the diagram: {reason}") from None
