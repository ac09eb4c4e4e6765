"""The plan comment poster against a local server that answers as GitHub's REST API does: issue
comments, 30 per page by default, `per_page` up to 100, pages linked by the `Link` header, a Bearer
token required. The module runs as the action runs it: `python -m pypgflow_ops.github_comment`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "ghs_test_token"
REPOSITORY = "acme/flows"
ISSUE = 7


class FakeGitHub(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.comments: list[dict[str, Any]] = []
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add(self, body: str) -> dict[str, Any]:
        comment = {
            "id": 1000 + len(self.comments),
            "body": body,
            "html_url": f"https://github.com/{REPOSITORY}/pull/{ISSUE}#issuecomment-"
            f"{1000 + len(self.comments)}",
        }
        self.comments.append(comment)
        return comment


class _Handler(BaseHTTPRequestHandler):
    server: FakeGitHub

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, document: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        self.server.requests.append(f"{self.command} {self.path}")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._answer(401, {"message": "Bad credentials"})
            return False
        return True

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length", 0))
        return str(json.loads(self.rfile.read(length))["body"])

    def do_GET(self) -> None:
        if not self._authorized():
            return
        url = urlsplit(self.path)
        if url.path != f"/repos/{REPOSITORY}/issues/{ISSUE}/comments":
            return self._answer(404, {"message": "Not Found"})
        query = parse_qs(url.query)
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        comments = self.server.comments
        headers = {}
        if page * per_page < len(comments):
            headers["Link"] = (
                f'<{self.server.url}{url.path}?per_page={per_page}&page={page + 1}>; rel="next", '
                f'<{self.server.url}{url.path}?per_page={per_page}&page=99>; rel="last"'
            )
        self._answer(200, comments[(page - 1) * per_page : page * per_page], headers)

    def do_POST(self) -> None:
        if self._authorized():
            self._answer(201, self.server.add(self._body()))

    def do_PATCH(self) -> None:
        if not self._authorized():
            return
        wanted = int(self.path.rsplit("/", 1)[1])
        for comment in self.server.comments:
            if comment["id"] == wanted:
                comment["body"] = self._body()
                return self._answer(200, comment)
        self._answer(404, {"message": "Not Found"})


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _post(github: FakeGitHub, body: str, tmp_path: Path, token: str = TOKEN) -> tuple[int, str]:
    file = tmp_path / "comment.md"
    file.write_text(body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pypgflow_ops.github_comment", str(file), "--issue", str(ISSUE)],
        env={"GITHUB_TOKEN": token, "GITHUB_API_URL": github.url, "GITHUB_REPOSITORY": REPOSITORY},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _plan(tenant: str, text: str) -> str:
    return f"<!-- pypgflow-ops plan: tenant={tenant} -->\n### plan\n\n{text}\n"


def test_the_first_post_creates_the_comment(github: FakeGitHub, tmp_path: Path) -> None:
    code, out = _post(github, _plan("acme", "one"), tmp_path)

    assert (code, out) == (
        0,
        f"created https://github.com/{REPOSITORY}/pull/{ISSUE}#issuecomment-1000\n",
    )
    assert [c["body"] for c in github.comments] == [_plan("acme", "one")]


def test_a_later_post_updates_it_on_any_page_and_never_duplicates(
    github: FakeGitHub, tmp_path: Path
) -> None:
    for n in range(150):
        github.add(f"a review comment {n}")
    github.add(_plan("other", "theirs"))
    _post(github, _plan("acme", "first push"), tmp_path)  # comment 152, on the second page

    code, out = _post(github, _plan("acme", "second push"), tmp_path)

    assert (code, out) == (
        0,
        f"updated https://github.com/{REPOSITORY}/pull/{ISSUE}#issuecomment-1151\n",
    )
    bodies = [c["body"] for c in github.comments]
    assert len(bodies) == 152
    assert bodies[-2:] == [_plan("other", "theirs"), _plan("acme", "second push")]
    assert github.requests[-3:] == [
        f"GET /repos/{REPOSITORY}/issues/{ISSUE}/comments?per_page=100",
        f"GET /repos/{REPOSITORY}/issues/{ISSUE}/comments?per_page=100&page=2",
        f"PATCH /repos/{REPOSITORY}/issues/comments/1151",
    ]


def test_a_refusal_is_one_line_and_exit_1(github: FakeGitHub, tmp_path: Path) -> None:
    code, out = _post(github, _plan("acme", "x"), tmp_path, token="wrong")

    assert code == 1
    assert out == (
        f"pypgflow-ops: cannot post the plan comment: GET {github.url}/repos/{REPOSITORY}/issues/"
        f"{ISSUE}/comments?per_page=100: 401 Bad credentials\n"
    )
    assert github.comments == []


def test_a_body_without_the_marker_is_refused(github: FakeGitHub, tmp_path: Path) -> None:
    code, out = _post(github, "### a plan\n", tmp_path)

    assert (code, github.requests) == (1, [])
    assert out.endswith("the comment must start with a pypgflow-ops plan marker line\n")
