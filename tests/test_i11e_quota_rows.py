"""Issue 11 (trial e): the verify quota table leaves out a role that never dials, in the
CLI as the dashboard's chart does (one rule, teamsim.verify_view.dialling_quotas)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console

from teamsim.io import load_scenario
from teamsim.verify_view import _quotas, dialling_quotas

ROOT = Path(__file__).resolve().parent.parent


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "role": ["seller", "account_executive"], "level": ["line", "line"], "people": [6, 5],
        "naive_dials_per_day": [120.0, 0.0], "planned_dials_per_day": [38.2, 0.0],
        "quota_set": [39, 0], "simulated_dials_per_day": [37.9, 0.0],
        "simulated_utilisation": [0.8, 0.6],
    })  # fmt: skip


def test_a_role_that_never_dials_is_left_out_of_the_cli_table() -> None:
    sc = load_scenario(ROOT / "scenarios" / "b2b_smb.yaml")
    assert list(dialling_quotas(_table())["role"]) == ["seller"]
    console = Console(width=200, record=True)
    console.print(_quotas(_table(), sc))
    text = console.export_text()
    assert "Account executive" not in text and "account_executive" not in text
    assert "38.2" in text


def test_the_dashboard_uses_the_same_rule() -> None:
    source = (ROOT / "dashboard" / "views" / "plan.py").read_text(encoding="utf-8")
    assert "dialling_quotas(quotas)" in source and "def _dialling" not in source
