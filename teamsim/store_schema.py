"""The run store's layout, by version, and the migrations between versions.

Version 1 was the first layout (runs without labels or parameters); version 2 adds
them. A file at an older version is migrated when it is next opened for writing.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

SCHEMA_VERSION = 2
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


# MIGRATIONS[v] takes a store from version v to v + 1.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _v1_to_v2}


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
