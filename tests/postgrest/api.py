"""A running PostgREST and the tenants of its database, as the tests address them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pypgflow_ops.playground.jwt import hs256

from .http import Client
from .server import AUTHENTICATED


@dataclass(frozen=True, slots=True)
class Api:
    """A running PostgREST and the tenants of its database."""

    url: str
    jwt_secret: str
    database_url: str
    tenants: dict[str, uuid.UUID]

    def client(self, claims: dict[str, Any] | None) -> Client:
        """A client sending a JWT with `claims`, or none at all."""
        token = None if claims is None else hs256(claims, self.jwt_secret)
        return Client(self.url, token)

    def tenant(self, slug: str, *, sub: str = "tester") -> Client:
        claims = {"role": AUTHENTICATED, "tenant_id": str(self.tenants[slug]), "sub": sub}
        return self.client(claims)
