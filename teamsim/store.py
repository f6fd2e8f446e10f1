"""The run store: one embedded DuckDB file holding every run and its tidy tables.

A run is written in one transaction, so it is complete or absent. DuckDB lets one
process write a file at a time; a second writer waits for the lock (up to a timeout)
and then fails with a clear message, never with a half-written run.

Each run carries two hashes: ``scenario_hash``, the SHA-256 of the validated scenario
with its overrides (:func:`sim.scenario_hash`: the hash ``simulate`` reports,
equal for equal scenarios however they are written), and ``scenario_text_hash``, the
SHA-256 of the scenario file's text as stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sim import SimMode, TeamsimError
from teamsim import store_schema
from teamsim.declared import LEFT_OUT_PARAM as LEFT_OUT_PARAM  # read here by its users
from teamsim.store_schema import META_TABLE, SCHEMA_VERSION, VARIANTS_TABLE

DEFAULT_STORE = "teamsim.duckdb"
STORE_ENV = "TEAMSIM_STORE"
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# The raw event tables: one row per person-day, call day, stage event, deal, wait or day
# away. Measured on the default scenario with 20 replications (benchmarks/bench_store.py),
# they are 96 % of a run's rows and about 11 of its 12 MB in the store; a run keeps them
# only when asked (--detail). Every other table (KPIs, per-person and per-month tables,
# plan tables, iterations) is what users read back, and is always kept.
DETAIL_TABLES = ("time_use", "calls", "funnel", "deals", "waits", "utilisation_day", "absences")


class StoreError(TeamsimError):
    """The store cannot be used: busy, foreign, damaged or missing a run."""


def default_store_path() -> Path:
    """``$TEAMSIM_STORE`` or ./teamsim.duckdb."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def scenario_text_hash(text: str) -> str:
    """SHA-256 of a scenario file's text: equal texts, equal hashes.

    Not the scenario's hash (:func:`sim.scenario_hash`): the same scenario
    written differently, or a text with different ``--set`` overrides, differ here.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunMeta:
    """Everything about a run except its tables."""

    kind: str  # simulate, plan, verify, sweep
    scenario_name: str
    scenario_text: str
    seed: int | None
    replications: int | None
    code_version: str
    started_at: dt.datetime
    status: str = "complete"  # or "partial": interrupted, finished replications kept
    label: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    finished_at: dt.datetime | None = None
    run_id: str = ""
    # SHA-256 of the validated scenario, overrides applied (sim.scenario_hash),
    # from the caller that has it (SimResult.scenario_hash). None: the store rebuilds it
    # from scenario_text and params["overrides"]; NULL if they do not validate.
    scenario_hash: str | None = None

    @property
    def scenario_text_hash(self) -> str:
        """SHA-256 of the scenario text as stored."""
        return scenario_text_hash(self.scenario_text)


@dataclass(frozen=True)
class Variant:
    """A scenario saved under a name (the dashboard's saved variants)."""

    name: str
    scenario_text: str
    origin: str  # where its text came from: "retail_bank.yaml edited", "upload x.yaml"
    saved_at: dt.datetime


def new_run_id(now: dt.datetime | None = None) -> str:
    """Sortable, unique and short enough to type: r20261128-142001-3fa2."""
    now = now or dt.datetime.now()
    return f"r{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:4]}"


class Store:
    """A run store file. Connections are short-lived so that other processes can use it.

    ``detail`` is what :meth:`save_run` does when not told: keep every table given
    (True) or leave out the raw event tables (False, what the commands do by default).
    """

    def __init__(
        self, path: Path | str | None = None, lock_timeout_s: float = 30.0, *, detail: bool = True
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.lock_timeout_s = lock_timeout_s
        self.detail = detail

    # -- writing ---------------------------------------------------------------------------
    def check_writable(self) -> None:
        """Open the store for writing now (creating it and its folder if need be).

        Called before long work, so that a store that cannot be written is said at once,
        not after the replications have run.

        Raises:
            StoreError: The path is a directory, not a store, busy, or its folder cannot
                be made.
        """
        with self._connect(write=True):
            pass

    def save_run(
        self, meta: RunMeta, tables: Mapping[str, pd.DataFrame], *, detail: bool | None = None
    ) -> str:
        """Write a run and its tables in one transaction; return its id.

        ``detail=False`` (None: the store's ``detail``) leaves out the raw event tables
        (:data:`DETAIL_TABLES`) and records their names in the run's params
        (``detail_left_out``), so that ``runs show`` and ``runs export`` can say so.
        """
        run_id = meta.run_id or new_run_id(meta.started_at)
        if not (self.detail if detail is None else detail):
            left_out = [name for name in tables if name in DETAIL_TABLES]
            tables = {k: v for k, v in tables.items() if k not in DETAIL_TABLES}
            if left_out:
                params = {**dict(meta.params), LEFT_OUT_PARAM: left_out}
                meta = dataclasses.replace(meta, params=params)
        for name, frame in tables.items():
            if not _TABLE_NAME.match(name):
                raise ValueError(f"table name {name!r} must be lower_snake_case")
            if "run_id" in frame.columns:
                raise ValueError(f"table {name!r} has a run_id column; the store adds its own")
        with self._connect(write=True) as con:
            con.begin()
            try:
                self._insert_meta(con, run_id, meta)
                for name, frame in tables.items():
                    _append_table(con, run_id, name, frame)
                con.commit()
            except BaseException:
                # Ctrl-C included: the run is either whole or absent.
                con.rollback()
                raise
        return run_id

    def delete_run(self, run_id: str) -> None:
        """Remove a run and its tables."""
        self.delete_runs([run_id])

    def delete_runs(self, run_ids: Sequence[str]) -> None:
        """Remove runs and their tables in one transaction (all or none).

        The file keeps its size (DuckDB reuses the freed blocks for later runs);
        :meth:`compact` gives the space back.

        Raises:
            StoreError: One of the runs is not in the store (nothing is deleted).
        """
        with self._connect(write=True) as con:
            for run_id in run_ids:
                self._require_run(con, run_id)
            con.begin()
            try:
                for run_id in run_ids:
                    _delete(con, run_id)
                con.commit()
            except BaseException:
                con.rollback()
                raise

    def compact(self) -> tuple[int, int]:
        """Rewrite the file without its free space; return its size before and after, bytes.

        Both sizes are of the file after a checkpoint (the write-ahead log written in).

        DuckDB neither shrinks a file on CHECKPOINT nor on VACUUM (measured with DuckDB
        1.5: deleting half the runs of a 120 MB store left it at 120 MB), so the store is
        copied into a new file (``COPY FROM DATABASE``) that then replaces the old one.
        The copy is made while this process holds the store's write lock.

        Raises:
            StoreError: The store is missing, busy or cannot be rewritten.
        """
        if not self.path.exists():
            raise self.missing()
        fresh = self.path.with_name(f".{self.path.name}.compact-{uuid.uuid4().hex[:6]}")
        try:
            with self._connect(write=True) as con:
                # Measured after the checkpoint: what the write-ahead log held is in the file.
                con.execute("CHECKPOINT")
                before = self.path.stat().st_size
                name = con.execute("SELECT current_database()").fetchone()
                con.execute(f"ATTACH '{fresh}' AS teamsim_compact")
                con.execute(
                    f'COPY FROM DATABASE "{name[0] if name else "main"}" TO teamsim_compact'
                )
                con.execute("DETACH teamsim_compact")
            os.replace(fresh, self.path)
        except (OSError, duckdb.Error) as exc:
            raise StoreError(f"cannot compact {self.path}: {exc}") from None
        finally:
            for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
                if leftover.exists():
                    leftover.unlink()
        return before, self.path.stat().st_size

    def stored_rows(self, run_ids: Sequence[str]) -> dict[str, int]:
        """Each run's rows over all its stored tables (the store's count), by run id."""
        if not run_ids:
            return {}
        with self._connect(write=False) as con:
            found = dict(
                con.execute(
                    "SELECT run_id, CAST(COALESCE(SUM(rows), 0) AS BIGINT) FROM run_tables "
                    "WHERE run_id IN (SELECT unnest(?)) GROUP BY run_id",
                    [list(run_ids)],
                ).fetchall()
            )
        return {run_id: int(found.get(run_id, 0)) for run_id in run_ids}

    def size_without(self, run_ids: Sequence[str]) -> tuple[int, int, int]:
        """The file's size now, compacted, and compacted without ``run_ids``, in bytes.

        Measured, not estimated: the store is copied to a temporary file as
        :meth:`compact` copies it (``COPY FROM DATABASE``: the second figure), then the
        runs are deleted from the copy and the copy is compacted as ``runs prune --yes``
        does (:meth:`delete_runs`, :meth:`compact`: the third). The second less the third
        is what the runs take; the first less the third what pruning them frees. "Now"
        counts the write-ahead log beside the file, which a checkpoint writes in. The
        store itself is only read.

        Raises:
            StoreError: The store is missing, busy, or a run is not in it.
        """
        with tempfile.TemporaryDirectory(prefix="teamsim-prune-") as folder:
            trial = Path(folder) / "trial.duckdb"
            with self._connect(write=False):  # waits for a writer, checks it is a store
                try:
                    copier = duckdb.connect()
                    try:
                        copier.execute(f"ATTACH {_quoted(self.path)} AS src (READ_ONLY)")
                        copier.execute(f"ATTACH {_quoted(trial)} AS dst")
                        copier.execute("COPY FROM DATABASE src TO dst")
                    finally:
                        copier.close()
                except duckdb.Error as exc:
                    raise StoreError(f"cannot measure a copy of {self.path}: {exc}") from None
                now = _with_wal(self.path)
            compacted = _with_wal(trial)  # closed: the copy is checkpointed
            copy = Store(trial, self.lock_timeout_s)
            copy.delete_runs(run_ids)
            _, without = copy.compact()
        return now, compacted, without

    def select_prune(
        self,
        *,
        older_than_days: float | None = None,
        kind: str | None = None,
        keep: int | None = None,
        now: dt.datetime | None = None,
    ) -> list[str]:
        """The runs ``runs prune`` would delete, newest first.

        A run goes when it matches every filter given: started more than
        ``older_than_days`` days before ``now``, of ``kind``, and not among the ``keep``
        newest runs of that selection (of ``kind``, or of all kinds). No filter: none.
        """
        runs = self.list_runs()
        if runs.empty or (older_than_days is None and kind is None and keep is None):
            return []
        if kind is not None:
            runs = runs[runs["kind"] == kind]
        if keep is not None:
            runs = runs.iloc[keep:]  # list_runs is newest first
        if older_than_days is not None:
            cutoff = (now or dt.datetime.now()) - dt.timedelta(days=older_than_days)
            runs = runs[pd.to_datetime(runs["started_at"]) < cutoff]
        return [str(r) for r in runs["run_id"]]

    def find_identical(
        self, *, scenario_hash: str, seed: int, replications: int, mode: str, code_version: str
    ) -> str | None:
        """The newest complete stored simulation of exactly this, or None.

        Identical: the same validated scenario (:func:`sim.scenario_hash`, so overrides
        included), seed, replications, simulation mode and teamsim version, status
        complete, with its KPI replications stored (kinds simulate and sweep-point).
        """
        if not self.path.exists():
            return None
        runs = self.list_runs()
        if runs.empty:
            return None
        same = runs[
            (runs["scenario_hash"] == scenario_hash)
            & (runs["seed"] == seed)
            & (runs["replications"] == replications)
            & (runs["code_version"] == code_version)
            & (runs["status"] == "complete")
            & runs["kind"].isin(["simulate", "sweep-point"])
        ]
        for run_id in same["run_id"]:
            meta = self.run_meta(str(run_id))
            if (
                meta["params"].get("mode", SimMode.BLOCK.value) == mode
                and "kpi_replications" in meta["tables"]
            ):
                return str(run_id)
        return None

    # -- saved variants --------------------------------------------------------------------
    def save_variant(self, name: str, scenario_text: str, origin: str = "") -> None:
        """Keep a scenario's text under a name; a variant of that name is replaced.

        The text is kept as given: it is checked by whoever saves it (the dashboard
        parses it first), and again by the loader whenever it is used.

        Raises:
            ValueError: An empty name.
            StoreError: The store cannot be written.
        """
        if not name.strip():
            raise ValueError("a variant needs a name")
        with self._connect(write=True) as con:
            con.execute(
                f"INSERT OR REPLACE INTO {VARIANTS_TABLE} VALUES (?, ?, ?, ?)",
                [name.strip(), scenario_text, origin, dt.datetime.now()],
            )

    def variants(self) -> list[Variant]:
        """The saved variants, oldest first; none from a store not yet made or not migrated.

        A store of an older version is read as it is (it has no variants yet).
        """
        if not self.path.exists():
            return []
        with self._connect(write=False) as con:
            if self._version(con) < 4:
                return []
            rows = con.execute(
                f"SELECT name, scenario_text, origin, saved_at FROM {VARIANTS_TABLE} "
                "ORDER BY saved_at, name"
            ).fetchall()
        return [Variant(*row) for row in rows]

    def delete_variant(self, name: str) -> None:
        """Forget a saved variant.

        Raises:
            StoreError: No variant of that name (or the store cannot be written).
        """
        with self._connect(write=True) as con:
            found = con.execute(f"SELECT 1 FROM {VARIANTS_TABLE} WHERE name = ?", [name]).fetchone()
            if found is None:
                raise StoreError(f"no saved variant {name!r} in {self.path}")
            con.execute(f"DELETE FROM {VARIANTS_TABLE} WHERE name = ?", [name])

    # -- reading ---------------------------------------------------------------------------
    def list_runs(self) -> pd.DataFrame:
        """One row per run, newest first, without the scenario text."""
        if not self.path.exists():
            return pd.DataFrame(columns=["run_id", "kind", "scenario_name", "status"])
        with self._connect(write=False) as con:
            version = self._version(con)
            old = version < SCHEMA_VERSION
            frame = con.execute(
                "SELECT run_id, kind, scenario_name, label, status, seed, replications, "
                "started_at, finished_at, scenario_hash, scenario_text_hash, code_version"
                + (", scenario_text, params" if old else "")
                + f" FROM ({store_schema.runs_select(version)}) AS runs "
                "ORDER BY started_at DESC, run_id DESC"
            ).df()
        if old:
            # An older file is read as it is: its hashes computed as migrating would.
            texts, params = frame.pop("scenario_text"), frame.pop("params")
            frame["scenario_hash"] = [
                store_schema.stored_scenario_hash(t, p) for t, p in zip(texts, params, strict=True)
            ]
        return frame

    def run_meta(self, run_id: str) -> dict[str, Any]:
        """A run's row, with its params decoded and its table names and sizes."""
        with self._connect(write=False) as con:
            self._require_run(con, run_id)
            version = self._version(con)
            cur = con.execute(
                f"SELECT * FROM ({store_schema.runs_select(version)}) AS runs WHERE run_id = ?",
                [run_id],
            )
            names = [d[0] for d in cur.description]
            row = dict(zip(names, cur.fetchone() or (), strict=True))
            if version < SCHEMA_VERSION:
                row["scenario_hash"] = store_schema.stored_scenario_hash(
                    row["scenario_text"], row.get("params")
                )
            row["params"] = json.loads(row.get("params") or "{}")
            row["tables"] = dict(
                con.execute(
                    "SELECT name, rows FROM run_tables WHERE run_id = ? ORDER BY name", [run_id]
                ).fetchall()
            )
            return row

    def load_table(self, run_id: str, name: str) -> pd.DataFrame:
        """One tidy table of a run, without the run_id column."""
        with self._connect(write=False) as con:
            self._require_run(con, run_id)
            known = con.execute(
                "SELECT 1 FROM run_tables WHERE run_id = ? AND name = ?", [run_id, name]
            ).fetchone()
            if known is None:
                raise StoreError(f"run {run_id} has no table {name!r}")
            exists = con.execute(
                "SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [f"t_{name}"]
            ).fetchone()
            if exists is None:
                return pd.DataFrame()
            frame = con.execute(f'SELECT * FROM "t_{name}" WHERE run_id = ?', [run_id]).df()
        return frame.drop(columns=["run_id"]).reset_index(drop=True)

    def load_tables(self, run_id: str) -> dict[str, pd.DataFrame]:
        """Every table of a run."""
        return {name: self.load_table(run_id, name) for name in self.run_meta(run_id)["tables"]}

    def missing(self) -> StoreError:
        """The error of a store file that is not there (reading never makes one)."""
        return StoreError(f"no store at {self.path} yet: nothing has been saved there")

    def resolve(self, prefix: str) -> str:
        """The run id that starts with ``prefix`` (ids are long to type).

        Raises:
            StoreError: No store at the path (said as such, not as a missing run), no
                run or several runs start so.
        """
        if not self.path.exists():
            raise self.missing()
        runs = self.list_runs()
        matches = [r for r in runs["run_id"].tolist() if str(r).startswith(prefix)]
        if len(matches) == 1:
            return str(matches[0])
        if not matches:
            raise StoreError(f"no run {prefix!r} in {self.path} (see `teamsim runs list`)")
        raise StoreError(f"{prefix!r} matches {len(matches)} runs; give more of the id")

    # -- connections -----------------------------------------------------------------------
    @contextmanager
    def _connect(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if not write and not self.path.exists():
            raise self.missing()
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"store path {self.path} is a directory; expected a .duckdb file")
        if write and not self.path.parent.exists():
            try:
                self.path.parent.mkdir(parents=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot make the folder {self.path.parent} for the store: {exc.strerror}"
                ) from None
        con = self._open(read_only=not write)
        try:
            self._check_layout(con, write)
            yield con
        finally:
            con.close()

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout_s
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise self._foreign(exc) from None
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"store {self.path} is busy: another teamsim process is using it "
                        f"(waited {self.lock_timeout_s:g} s); try again when it has finished"
                    ) from None
                time.sleep(0.2)
            except duckdb.Error as exc:
                raise self._foreign(exc) from None

    def _foreign(self, exc: Exception) -> StoreError:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StoreError(
            f"{self.path} is not a teamsim store, or a damaged one (DuckDB could not open "
            f"it: {first}); its runs cannot be read. Give another --store path or move the "
            f"file away; a copy from before the damage (a backup) is the way to the runs"
        )

    def _check_layout(self, con: duckdb.DuckDBPyConnection, write: bool) -> None:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if META_TABLE not in tables:
            if tables:
                raise StoreError(
                    f"{self.path} is a DuckDB database but not a teamsim store "
                    f"(it has tables {', '.join(sorted(tables)[:5])}); refusing to write to it"
                )
            if write:
                con.begin()
                store_schema.create(con)
                con.commit()
                return
            raise StoreError(f"{self.path} is an empty database: nothing has been saved")
        version = self._version(con)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer teamsim (store version {version}, "
                f"this one reads up to {SCHEMA_VERSION}); upgrade teamsim"
            )
        if version < SCHEMA_VERSION and write:
            # Reading leaves an older file as it is (runs_select presents it as current).
            con.begin()
            store_schema.migrate(con, version)
            con.commit()

    @staticmethod
    def _version(con: duckdb.DuckDBPyConnection) -> int:
        row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _require_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
        if con.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchone() is None:
            raise StoreError(f"no run {run_id!r} in this store (see `teamsim runs list`)")

    @staticmethod
    def _insert_meta(con: duckdb.DuckDBPyConnection, run_id: str, meta: RunMeta) -> None:
        con.execute(
            "INSERT INTO runs (run_id, kind, scenario_name, scenario_text, scenario_hash, "
            "scenario_text_hash, seed, replications, code_version, started_at, finished_at, "
            "status, label, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                meta.kind,
                meta.scenario_name,
                meta.scenario_text,
                meta.scenario_hash
                if meta.scenario_hash is not None
                else store_schema.stored_scenario_hash(meta.scenario_text, meta.params),
                meta.scenario_text_hash,
                meta.seed,
                meta.replications,
                meta.code_version,
                meta.started_at,
                meta.finished_at or dt.datetime.now(),
                meta.status,
                meta.label,
                json.dumps(dict(meta.params), sort_keys=True, default=str),
            ],
        )


def _with_wal(path: Path) -> int:
    """A DuckDB file's size with its write-ahead log's (what a checkpoint writes in)."""
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _quoted(path: Path) -> str:
    """A path as a SQL string literal (ATTACH takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _delete(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    names = [
        r[0]
        for r in con.execute("SELECT name FROM run_tables WHERE run_id = ?", [run_id]).fetchall()
    ]
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for name in names:
        if f"t_{name}" in present:  # an empty table was never created
            con.execute(f'DELETE FROM "t_{name}" WHERE run_id = ?', [run_id])
    con.execute("DELETE FROM run_tables WHERE run_id = ?", [run_id])
    con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])


def _append_table(
    con: duckdb.DuckDBPyConnection, run_id: str, name: str, frame: pd.DataFrame
) -> None:
    """Append a run's rows to the table of that name, creating or widening it as needed."""
    table = f"t_{name}"
    data = _typed(frame.reset_index(drop=True))
    con.execute("INSERT INTO run_tables VALUES (?, ?, ?)", [run_id, name, len(data)])
    if len(data.columns) == 0 or len(data) == 0:
        # Nothing to hold; an empty frame would also fix column types from no values.
        return
    con.register("incoming", data)
    try:
        exists = con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [table]
        ).fetchone()
        if exists is None:
            con.execute(
                f'CREATE TABLE "{table}" AS SELECT CAST(NULL AS VARCHAR) AS run_id, * '
                "FROM incoming LIMIT 0"
            )
        _reconcile_columns(con, table)
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT ? AS run_id, * FROM incoming', [run_id])
    finally:
        con.unregister("incoming")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as text, even when a run has only missing values in them."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object and all(v is None or isinstance(v, str) for v in values):
            out[column] = values.astype("string")
    return out


_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE")


def _reconcile_columns(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Add the incoming columns the table lacks; widen a column whose type differs."""
    have = {r[0]: r[1] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
    for column, dtype, *_ in con.execute("DESCRIBE incoming").fetchall():
        if column not in have:
            con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {dtype}')
        elif have[column] != dtype:
            wider = "DOUBLE" if {have[column], dtype} <= set(_NUMERIC) else "VARCHAR"
            if have[column] != wider:
                con.execute(f'ALTER TABLE "{table}" ALTER "{column}" TYPE {wider}')
