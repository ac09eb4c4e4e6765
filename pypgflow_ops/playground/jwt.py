"""HS256 JSON Web Tokens, as PostgREST verifies them, made with the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def hs256(claims: dict[str, Any], secret: str) -> str:
    header = _segment({"alg": "HS256", "typ": "JWT"})
    payload = _segment(claims)
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_base64url(signature)}"


def _segment(value: dict[str, Any]) -> str:
    return _base64url(json.dumps(value, separators=(",", ":")).encode())


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
