"""Colour follows no-color.org in every command: NO_COLOR set and not empty turns it off."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from pypgflow_ops.terminal import wants_color

from .process import on_a_terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "colour"), [(None, True), ("", True), ("1", False)])
def test_no_color_set_and_not_empty_turns_colour_off(
    no_color: str | None, colour: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)

    assert wants_color(_Terminal()) is colour
    assert wants_color(io.StringIO()) is False


@pytest.mark.parametrize(("no_color", "colour"), [("", True), ("1", False)])
def test_lint_and_plan_agree_on_no_color(
    no_color: str, colour: bool, make_database: Callable[..., str]
) -> None:
    plan = ["plan", "workflows", "--tenant", "acme", "--database-url", make_database()]
    for args in (["lint", "workflows"], plan):
        shown = on_a_terminal(*args, env={"NO_COLOR": no_color})

        assert (b"\x1b[" in shown) is colour, (args[0], shown)
