"""Saved scenario variants in the run store (version 4): they outlive the process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from teamsim import store_schema
from teamsim.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
RETAIL = (ROOT / "scenarios" / "retail_bank.yaml").read_text(encoding="utf-8")


def _version(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    row = con.execute("SELECT value FROM teamsim_store WHERE key = 'schema_version'").fetchone()
    con.close()
    assert row is not None
    return int(row[0])


def _v3_store(path: Path) -> None:
    """A store as teamsim wrote it at version 3: no variants table."""
    con = duckdb.connect(str(path))
    con.execute(store_schema.V1_DDL)
    store_schema.MIGRATIONS[1](con)
    store_schema.MIGRATIONS[2](con)
    con.execute("UPDATE teamsim_store SET value = '3' WHERE key = 'schema_version'")
    con.close()


def test_variants_survive_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    Store(path).save_variant("more supervisors", RETAIL, origin="retail_bank.yaml edited")
    Store(path).save_variant("  lean team ", "name: lean\n")
    # Another interpreter, as after a restart of the dashboard, reads them back.
    code = (
        "import sys; from teamsim.store import Store; "
        "print([(v.name, v.origin, len(v.scenario_text)) for v in Store(sys.argv[1]).variants()])"
    )
    read = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert read.stdout.strip() == str(
        [("more supervisors", "retail_bank.yaml edited", len(RETAIL)), ("lean team", "", 11)]
    )
    assert _version(path) == store_schema.SCHEMA_VERSION == 4


def test_a_variant_of_the_same_name_is_replaced_and_can_be_deleted(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.duckdb")
    store.save_variant("v", "name: one\n")
    store.save_variant("v", "name: two\n")
    assert [(v.name, v.scenario_text) for v in store.variants()] == [("v", "name: two\n")]
    store.delete_variant("v")
    assert store.variants() == []
    with pytest.raises(StoreError, match="no saved variant 'v'"):
        store.delete_variant("v")
    with pytest.raises(ValueError, match="needs a name"):
        store.save_variant("  ", "name: x\n")


def test_no_store_yet_has_no_variants(tmp_path: Path) -> None:
    path = tmp_path / "none.duckdb"
    assert Store(path).variants() == []
    assert not path.exists()  # reading made no file


def test_a_version_3_store_is_read_as_is_and_migrated_on_write(tmp_path: Path) -> None:
    path = tmp_path / "v3.duckdb"
    _v3_store(path)
    store = Store(path)
    assert store.variants() == []
    assert _version(path) == 3  # reading left the file as it was
    store.save_variant("kept", "name: kept\n")
    assert _version(path) == 4
    assert [v.name for v in store.variants()] == ["kept"]
    assert store.list_runs().empty  # the runs table is untouched
