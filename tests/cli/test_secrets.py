"""A password in a database URL never reaches a message, however malformed the URL is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pypgflow_ops.db.connect import redacted

from .process import REPO, pypgflow_ops

MALFORMED = [
    "postgresql://u:SECRETPW@[::1",
    "postgresql://u:SECRETPW@127.0.0.1:99999/db",
    "postgresql://u:SECRETPW@127.0.0.1:abc/db",
    "postgresql://u:SECRET%50W@[::1",
    "postgresql://u:SECRET@PW@127.0.0.1:abc/db",
    "postgresql://u@127.0.0.1:5432/db?password=SECRETPW&port=bad",
    "host=127.0.0.1 password=SECRETPW port=x",
    "host=127.0.0.1 password='SECRETPW' sslmode=bogus",
    "host=127.0.0.1 password = SECRETPW dbname='unterminated",
    "dbname='postgresql://u:SECRETPW@127.0.0.1:bad/db' connect_timeout=2",
]
EXAMPLE = REPO / "workflows" / "expense_approval.yaml"
COMMANDS = {
    "db status": ["db", "status"],
    "db upgrade": ["db", "upgrade"],
    "plan": ["plan", "workflows", "--tenant", "acme"],
    "apply": ["apply", "workflows", "--tenant", "acme", "--yes"],
    "diagram": ["diagram", str(EXAMPLE), "--against-db", "--tenant", "acme"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("url", MALFORMED)
def test_no_command_shows_the_password_of_a_malformed_url(command: str, url: str) -> None:
    done = pypgflow_ops(*COMMANDS[command], "--database-url", url)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("pypgflow-ops: error: ") and done.stderr.count("\n") == 1
    for secret in ("SECRET", "PW"):
        assert secret not in done.stderr


def test_status_shows_where_it_connects_without_the_password(tmp_path: Path) -> None:
    done = pypgflow_ops("db", "status", "--database-url", MALFORMED[0], cwd=tmp_path)

    assert "u:***@[::1" in done.stderr


@pytest.mark.parametrize(
    ("text", "url", "shown"),
    [
        (
            'in URI: "postgresql://u:pw@[::1"',
            "postgresql://u:pw@[::1",
            'in URI: "postgresql://u:***@[::1"',
        ),
        ("host 'b@h'", "postgresql://u:a@b@h", "host '***@h'"),
        ("pw is a b", "host=h password='a b' port=p", "pw is ***"),
        ("database a%20b", "postgresql://u:a%20b@h", "database ***"),
        ("database a b", "postgresql://u:a%20b@h", "database ***"),
        ("no password here", "postgresql://u@h/db", "no password here"),
    ],
)
def test_redacted_hides_every_form_of_the_password(text: str, url: str, shown: str) -> None:
    assert redacted(text, url) == shown
