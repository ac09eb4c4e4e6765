import os

from pypgflow_ops.report.sarif import _artifact_location


def test_a_relative_file_name_that_is_not_utf8_becomes_a_percent_encoded_uri() -> None:
    name = os.fsdecode(b"flows/bad\xff name.yaml")
    assert _artifact_location(name) == {
        "uri": "flows/bad%FF%20name.yaml",
        "uriBaseId": "%SRCROOT%",
    }
