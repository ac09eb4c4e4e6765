"""Post a plan comment on a pull request, or update the one posted before: one comment per tenant.

    GITHUB_TOKEN=... python -m pypgflow_ops.github_comment --repository OWNER/NAME --issue N FILE

The comment is found by the marker on the body's first line (`<!-- pypgflow-ops plan: tenant=T
-->`), looking through every page of the pull request's comments (GitHub's REST API, pages linked
by the `Link` header). GITHUB_API_URL (set on GitHub's runners; GitHub Enterprise has its own)
defaults to https://api.github.com. Exit 0 done, 1 refused by GitHub (one line), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypgflow_ops import __version__
from pypgflow_ops.terminal import printable

MARKER = re.compile(r"<!-- pypgflow-ops plan: tenant=[a-z0-9_-]+ -->")
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class GitHubError(Exception):
    """GitHub refused a request: said in one line."""


@dataclass(frozen=True, slots=True)
class GitHub:
    api: str  # https://api.github.com, without a trailing slash
    token: str

    def request(self, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        """The decoded JSON answer; for a GET, its pages joined when `Link` names a next one."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers=self._headers())
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.load(response)
                following = _NEXT.search(response.headers.get("Link", ""))
        except urllib.error.HTTPError as exc:
            raise GitHubError(f"{method} {url}: {exc.code} {printable(_message(exc))}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = str(getattr(exc, "reason", exc))
            raise GitHubError(f"{method} {url}: {printable(reason)}") from None
        if following and isinstance(answer, list):
            return answer + self.request("GET", following.group(1))
        return answer

    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "User-Agent": f"pypgflow-ops/{__version__}",
            "X-GitHub-Api-Version": "2022-11-28",
        }


def _message(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.load(error).get("message", error.reason))
    except (ValueError, AttributeError):
        return str(error.reason)


def post_or_update(github: GitHub, repository: str, issue: int, body: str) -> str:
    """Update the comment whose first line is `body`'s marker, else create one; say which."""
    marker = body.split("\n", 1)[0]
    if not MARKER.fullmatch(marker):
        raise ValueError("the comment must start with a pypgflow-ops plan marker line")
    comments = github.request(
        "GET", f"{github.api}/repos/{repository}/issues/{issue}/comments?per_page=100"
    )
    mine = [c for c in comments if str(c.get("body", "")).split("\n", 1)[0].strip() == marker]
    if mine:
        updated = github.request(
            "PATCH",
            f"{github.api}/repos/{repository}/issues/comments/{mine[0]['id']}",
            {"body": body},
        )
        return f"updated {updated['html_url']}"
    created = github.request(
        "POST", f"{github.api}/repos/{repository}/issues/{issue}/comments", {"body": body}
    )
    return f"created {created['html_url']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pypgflow_ops.github_comment")
    parser.add_argument("body", type=Path, help="the comment, as `plan -f markdown` wrote it")
    parser.add_argument("--repository", default=os.environ.get("GITHUB_REPOSITORY"))
    parser.add_argument("--issue", type=int, required=True, help="the pull request's number")
    args = parser.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN")
    if not token or not args.repository:
        parser.error("GITHUB_TOKEN and --repository (or GITHUB_REPOSITORY) are needed")
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    try:
        body = args.body.read_text(encoding="utf-8")
        print(post_or_update(GitHub(api, token), args.repository, args.issue, body))
    except (GitHubError, OSError, ValueError) as exc:
        print(f"pypgflow-ops: cannot post the plan comment: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
