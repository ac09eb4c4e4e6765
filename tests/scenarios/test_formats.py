"""The test command's --format choices are the names of the reporters' table."""

from __future__ import annotations

from pypgflow_ops.commands.test import TestFormat
from pypgflow_ops.report.scenarios import TEST_FORMATS


def test_the_format_choices_are_the_reporters() -> None:
    assert [f.value for f in TestFormat] == list(TEST_FORMATS)
