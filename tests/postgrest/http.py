"""A minimal PostgREST client over urllib: one request in, its status and decoded JSON body out."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: Any


@dataclass(frozen=True, slots=True)
class Client:
    """Requests to one PostgREST server, with `token` as the bearer JWT (None: anonymous)."""

    base_url: str
    token: str | None = None

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, payload: Any) -> Response:
        return self.request("POST", path, payload)

    def request(self, method: str, path: str, payload: Any = None, *,
                headers: dict[str, str] | None = None) -> Response:
        headers = {"Accept": "application/json", **(headers or {})}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(payload).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
                return Response(answer.status, _decoded(answer.read()))
        except urllib.error.HTTPError as refused:
            return Response(refused.code, _decoded(refused.read()))


def _decoded(body: bytes) -> Any:
    return json.loads(body) if body else None
