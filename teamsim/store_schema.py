"""The run store's layout, by version, and the migrations between versions.

Version 1 was the first layout (runs without labels or parameters); version 2 adds
them. Up to version 2, ``runs.scenario_hash`` held the SHA-256 of the scenario file's
*text*; version 3 gives the name its one meaning, the SHA-256 of the *validated*
scenario with its overrides applied (:func:`sim.scenario_hash`, the hash a
simulation reports), and keeps the text's hash as ``scenario_text_hash``. Version 4
adds the ``variants`` table: scenarios saved under a name in the dashboard, so that they
outlive the browser session.

A file at an older version is migrated when it is next opened for writing. Until
then it is read as it is, presented in the current layout (:func:`runs_select`), so
reading never changes a file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import duckdb

from sim import TeamsimError, scenario_hash
from sim.scenario import parse_scenario

SCHEMA_VERSION = 4
META_TABLE = "teamsim_store"

V1_DDL = f"""
CREATE TABLE {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    scenario_name VARCHAR NOT NULL,
    scenario_text VARCHAR NOT NULL,
    scenario_hash VARCHAR NOT NULL,
    seed BIGINT,
    replications INTEGER,
    code_version VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL
);
CREATE TABLE run_tables (
    run_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    PRIMARY KEY (run_id, name)
);
INSERT INTO {META_TABLE} VALUES ('schema_version', '1');
"""


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ALTER TABLE runs ADD COLUMN label VARCHAR DEFAULT ''")
    con.execute("ALTER TABLE runs ADD COLUMN params VARCHAR DEFAULT '{}'")


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    """The old text hash moves to ``scenario_text_hash``; ``scenario_hash`` is recomputed.

    The validated scenario is rebuilt from the stored text and the run's overrides; a
    run whose scenario no longer validates (an older format) keeps a NULL
    ``scenario_hash``, which ``teamsim runs show`` explains. Nothing else changes.
    """
    con.execute("ALTER TABLE runs ADD COLUMN scenario_text_hash VARCHAR")
    con.execute("UPDATE runs SET scenario_text_hash = scenario_hash")
    con.execute("ALTER TABLE runs ALTER COLUMN scenario_hash DROP NOT NULL")
    rows = con.execute("SELECT run_id, scenario_text, params FROM runs").fetchall()
    hashes = [[stored_scenario_hash(text, params), run_id] for run_id, text, params in rows]
    if hashes:
        con.executemany("UPDATE runs SET scenario_hash = ? WHERE run_id = ?", hashes)


VARIANTS_TABLE = "variants"


def _v3_to_v4(con: duckdb.DuckDBPyConnection) -> None:
    """Named scenario variants: the scenario's text, where it came from, when it was saved."""
    con.execute(
        f"CREATE TABLE {VARIANTS_TABLE} ("
        "name VARCHAR PRIMARY KEY, "
        "scenario_text VARCHAR NOT NULL, "
        "origin VARCHAR NOT NULL DEFAULT '', "
        "saved_at TIMESTAMP NOT NULL)"
    )


# MIGRATIONS[v] takes a store from version v to v + 1.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
}

# The runs table of an older file in the current layout (see runs_select): columns
# added since are filled as their migration fills them, bar scenario_hash (in Python).
_AS_CURRENT = {
    1: "SELECT * REPLACE (CAST(NULL AS VARCHAR) AS scenario_hash), '' AS label, "
    "'{}' AS params, scenario_hash AS scenario_text_hash FROM runs",
    2: "SELECT * REPLACE (CAST(NULL AS VARCHAR) AS scenario_hash), "
    "scenario_hash AS scenario_text_hash FROM runs",
}


def runs_select(version: int) -> str:
    """A query for the runs table of a store at ``version``, in the current layout.

    Before version 3, ``scenario_hash`` comes back NULL: the reader fills it in with
    :func:`stored_scenario_hash`, as the migration would.
    """
    return _AS_CURRENT.get(version, "SELECT * FROM runs")


def stored_scenario_hash(text: str, params: str | Mapping[str, Any] | None) -> str | None:
    """The scenario hash of a stored run (:func:`sim.scenario_hash`), or None.

    The scenario is rebuilt from its text and the ``overrides`` in the run's params
    (JSON text or a mapping); None when it does not validate (a file from an older
    teamsim, or not a scenario at all).
    """
    if isinstance(params, str):
        try:
            params = json.loads(params or "{}")
        except ValueError:
            return None
    overrides = params.get("overrides", []) if isinstance(params, Mapping) else []
    if isinstance(overrides, str) or not isinstance(overrides, Sequence):
        return None
    if not all(isinstance(o, str) for o in overrides):
        return None
    return _hash_of(text, tuple(overrides))


@lru_cache(maxsize=256)
def _hash_of(text: str, overrides: tuple[str, ...]) -> str | None:
    # Many runs share one text and its overrides (replications, compares, sweeps).
    try:
        return scenario_hash(parse_scenario(text, "stored scenario", overrides))
    except TeamsimError:
        return None


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Lay out an empty store at the current version."""
    con.execute(V1_DDL)
    migrate(con, 1)


def migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Bring a store from ``version`` to the current one, step by step."""
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](con)
        version += 1
        con.execute(
            f"UPDATE {META_TABLE} SET value = ? WHERE key = 'schema_version'", [str(version)]
        )
