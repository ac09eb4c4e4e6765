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
    "runtime/v2/10_steps.sql": ("43e33a4a60c6980de53ec6f80ed8d103e8d0ecc0f5232fcffa2a65bbcade1afb"),
    "runtime/v2/20_tenancy.sql": (
        "463f305455ed1e3c04de0abb1155669604562458b79f5962f39e19a3498a580d"
    ),
    "runtime/v2/30_history.sql": (
        "ba396cae3d632db3bf1898e8ce5cb1aa7e8b0da2a16d18edbf485a0cfc468815"
    ),
    "runtime/v2/40_engine.sql": (
        "f38154c3b2cb42d895add8eb697219a2bf240db912877ff8821049bfa288f436"
    ),
    "runtime/v2/50_owner.sql": ("b8a7213e077783f8783f8dcfcd623ff1fefb787aed37ec5695a5e6f09b04fd14"),
    "runtime/v2/60_comments.sql": (
        "a507fd88df5978d73bc0e6198172bebdfdafb449168b39c58adeadcdc6ff7b1b"
    ),
    "runtime/v2/90_list_indexes.sql": (
        "936b6551a31652c199941f4aa213f565ff9c53acfaf533cbb22c9fd771f0c8e6"
    ),
    "runtime/v3/10_wildcard_transitions.sql": (
        "54c8a6a208dcf8a48e59a57b98aa31d2a22cec7425b2b39edcca64165c498d17"
    ),
    "runtime/v3/20_tenancy.sql": (
        "db9e7e288d242e5ee59855bb78b68beeb8a582f1068ac7328d2d90e4cc636941"
    ),
    "runtime/v3/30_definition_counts.sql": (
        "a22f1d6ce72688e3045ee3713b9cd5863df6307b48ece8468b6c5c7407fca100"
    ),
    "runtime/v3/40_engine.sql": (
        "7aacf3206ba9743855d5b4d80450ed2740e59a674e731498a25518ed0545207c"
    ),
    "runtime/v3/50_get_transitions.sql": (
        "d94534cdece9d75493c61f79bb5ff337fa1256ebb948cc46ff8653e5e621f586"
    ),
    "runtime/v3/60_migrations.sql": (
        "858e79e56924c62f0b10969cca19769da16db9cc1f81e62d109e40ffd16396cb"
    ),
}
