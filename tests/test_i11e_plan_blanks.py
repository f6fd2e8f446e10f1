"""Issue 11 (trial e): the dashboard's Plan page leaves blank what ``teamsim plan`` leaves
blank: a role that does not dial has no dials or quotas (not None, not 0), and a role with
no hours of a duty has an empty cell in the duty grid (not 0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.tables import duty_hours, plan_roles
from optimizer import PLANNED_DIALS, RECOMMENDED_QUOTA, TODAYS_QUOTA, call_quotas, plan
from sim import title
from teamsim.commands.plan import _duties
from teamsim.io import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_a_role_that_does_not_dial_has_blank_dials_and_quotas() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    solved = plan(sc, marginals=False)
    roles = pd.DataFrame([r.__dict__ for r in solved.roles])
    shown = plan_roles(roles, sc.currency, sc.money_locale, call_quotas(solved, sc))
    head = shown.set_index("role").loc["Head of direct sales"]
    assert [head[c] for c in (PLANNED_DIALS, RECOMMENDED_QUOTA, TODAYS_QUOTA)] == ["", "", ""]
    manager = shown.set_index("role").loc["Client manager"]
    assert manager[TODAYS_QUOTA] == "30" and manager[PLANNED_DIALS] != ""


def test_the_duty_grid_is_the_clis_cell_for_cell() -> None:
    sc = load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    solved = plan(sc, marginals=False)
    duties = pd.DataFrame([d.__dict__ for d in solved.duties])
    duties["activity"] = [title(str(a), sc) for a in duties["activity"]]
    duties["role"] = [title(str(r), sc) for r in duties["role"]]
    grid = duty_hours(duties)
    cli = _duties(solved, sc)
    heads = [str(c.header) for c in cli.columns]
    cells = [list(c._cells) for c in cli.columns]
    blanks = 0
    for i, work in enumerate(cells[0]):
        for j, role in enumerate(heads[1:], start=1):
            assert grid.loc[work, role] == cells[j][i], (work, role)
            blanks += cells[j][i] == ""
    assert blanks  # the head of sales does no after-sale work: blank, not 0
