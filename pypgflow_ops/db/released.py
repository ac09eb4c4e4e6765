"""The SHA-256 of every released runtime step's template text: a released step is never edited.

The upgrade to version 2 records these for the version 1 steps a database got before checksums
were kept; `db status` compares what a database recorded with what this pypgflow-ops runs.
"""

from __future__ import annotations

RELEASED_CHECKSUMS: dict[str, str] = {
    "runtime/v1/10_tables.sql": (
        "79ff2f4a6d8eaa6274c52abfb79b71e0d507a6a1a2b361024d547d694089afac"
    ),
    "runtime/v1/20_triggers.sql": (
        "80572a8fa4ccfba205e4a2d9c13671c37bf40788b42d2fc880afdadeac113bc9"
    ),
    "runtime/v1/30_tenancy.sql": (
        "61d92422c7bd8d3dbd6f51ef6b4504ea797c40ffe22046688b6f6b08fd109cf4"
    ),
    "runtime/v1/40_api_views.sql": (
        "de591102d67c3d78a0701a7ec46570d32227d90df91f636cfda18ac1430d4a0e"
    ),
    "runtime/v1/50_engine.sql": (
        "855c9b4a9ddf59f91c16d8916582f257c7c9fee0aeea376c97e77fcf3139a2d7"
    ),
    "runtime/v1/60_privileges.sql": (
        "b1202838e22e21f8a6a2150eb9d9657cdb1b6d7a211048d147313e8dd2a56d64"
    ),
}
