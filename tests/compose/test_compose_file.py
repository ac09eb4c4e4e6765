"""deploy/compose.yaml against the Compose Specification's JSON Schema, offline (no Docker engine
here): the vendored schema (SOURCE.md) and jsonschema. Then what the playground promises."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

HERE = Path(__file__).resolve().parent
DEPLOY = HERE.parents[1] / "deploy"
SCHEMA = HERE / "compose-spec.json"
SCHEMA_SHA256 = "d549057ebc2925f39f62799eab0db7b9e2c18b35b6c00595199116da3ed10e64"


def validator() -> jsonschema.protocols.Validator:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256  # as vendored
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)  # type: ignore[no-any-return]


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
    return document


def environment(service: str) -> dict[str, str]:
    return compose()["services"][service]["environment"]  # type: ignore[no-any-return]


def test_the_compose_file_is_valid_against_the_compose_spec() -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(compose())]
    assert errors == []


@pytest.mark.parametrize(
    "broken",
    [
        {"services": {"db": {"image": "postgres:15", "healthcheck": {"tset": ["CMD", "x"]}}}},
        {"services": {"db": {"image": "postgres:15", "depends_on": {"x": {"condition": "up"}}}}},
        {"servcies": {}},
    ],
)
def test_the_validator_refuses_what_compose_refuses(broken: dict[str, Any]) -> None:
    assert list(validator().iter_errors(broken))


def test_the_seed_ports_and_images() -> None:
    services = compose()["services"]
    ports = {name: service.get("ports") for name, service in services.items()}
    assert ports == {
        "db": ["5432:5432"],
        "setup": None,
        "postgrest": ["3000:3000"],
        "swagger": ["8080:8080"],
    }
    assert services["db"]["image"] == "postgres:15"
    assert services["postgrest"]["image"].startswith("postgrest/postgrest:v12.")


def test_postgrest_serves_api_for_the_runtime_roles() -> None:
    postgrest = environment("postgrest")
    assert (postgrest["PGRST_DB_SCHEMAS"], postgrest["PGRST_DB_ANON_ROLE"]) == (
        "api",
        "pypgflow_anon",
    )
    assert postgrest["PGRST_JWT_SECRET"] == "${JWT_SECRET}"
    assert postgrest["PGRST_DB_URI"].startswith("postgresql://pypgflow_authenticator@")
    assert environment("swagger")["API_URL"] == "http://localhost:3000/"


def test_setup_applies_the_workflows_and_prints_a_jwt_before_postgrest_starts() -> None:
    services = compose()["services"]
    script = services["setup"]["command"][-1]
    assert 'pypgflow-ops apply /src/workflows --tenant "$$DEMO_TENANT" --yes' in script
    assert script.endswith("python -m pypgflow_ops.playground.demo")
    assert services["postgrest"]["depends_on"] == {
        "setup": {"condition": "service_completed_successfully"}
    }


def test_every_variable_the_file_uses_is_in_env_example() -> None:
    used = set(re.findall(r"(?<!\$)\$\{(\w+)", (DEPLOY / "compose.yaml").read_text("utf-8")))
    example = (DEPLOY / ".env.example").read_text("utf-8")
    defined = {line.split("=", 1)[0] for line in example.splitlines() if re.match(r"\w+=", line)}
    assert (
        used
        == defined
        == {
            "POSTGRES_PASSWORD",
            "AUTHENTICATOR_PASSWORD",
            "JWT_SECRET",
            "DEMO_TENANT",
        }
    )
    assert len(re.search(r"^JWT_SECRET=(.*)$", example, re.M)[1]) >= 32  # type: ignore[index]


def test_passwords_reach_libpq_as_pgpassword_not_inside_a_url() -> None:
    """A password with '@', '/', '%' or '#' (what `openssl rand -base64` prints) breaks a URL."""
    urls = [environment("setup")["DATABASE_URL"], environment("postgrest")["PGRST_DB_URI"]]
    assert all("PASSWORD" not in url and "@db:5432/" in url for url in urls)
    assert environment("setup")["PGPASSWORD"] == "${POSTGRES_PASSWORD}"
    assert environment("postgrest")["PGPASSWORD"] == "${AUTHENTICATOR_PASSWORD}"


def test_the_database_is_healthy_once_it_listens_on_tcp() -> None:
    """The image's first start runs a server on the Unix socket only while it initialises; a
    socket check would call it healthy before the real server starts."""
    check = compose()["services"]["db"]["healthcheck"]["test"]
    assert "-h 127.0.0.1" in check[-1]
