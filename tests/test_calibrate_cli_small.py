"""Small faults a new user found in ``teamsim calibrate``: each reproduced, then fixed.

The pseudonyms' key (a secret per user, not the output's name), ``-o`` that is not YAML,
the back-test's processes, "1 people", and ``<bool>`` in the help.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from calibrate import counted, pseudonyms
from calibrate.fit.common import Findings
from calibrate.fit.team import fit_team
from sim import TeamsimError
from sim.scenario import parse_scenario
from teamsim.calibration import CalibrateRequest, read_team_records
from teamsim.cli import app
from teamsim.pseudonym_key import PSEUDONYM_KEY_ENV, pseudonym_key_file, resolve_pseudonym_key

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "examples" / "synthetic_crm"
BASE = ROOT / "scenarios" / "b2b_smb.yaml"
CALLERS = ROOT / "tests" / "data" / "callers_ramp.yaml"
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A configuration folder of the test's own, no key in the environment."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    return folder


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


# 1. The pseudonyms' key ---------------------------------------------------------------


def test_the_key_file_is_made_once_private_and_reused(config: Path) -> None:
    path = config / "teamsim" / "pseudonym.key"
    assert pseudonym_key_file() == path
    key, source = resolve_pseudonym_key(None)
    assert source == f"key file {path} (created now)"
    assert re.fullmatch(r"[0-9a-f]{64}", key)  # secrets.token_hex(32)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == key
    again, source = resolve_pseudonym_key(None)
    assert (again, source) == (key, f"key file {path}")


def test_the_environment_wins_over_the_file_and_key_over_both(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_file, _ = resolve_pseudonym_key(None)
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "from the environment")
    assert resolve_pseudonym_key(None) == ("from the environment", "$TEAMSIM_PSEUDONYM_KEY")
    assert resolve_pseudonym_key("given") == ("given", "--key")
    monkeypatch.delenv(PSEUDONYM_KEY_ENV)
    assert resolve_pseudonym_key(None)[0] == from_file


def test_a_key_file_that_cannot_be_used_is_a_message_naming_it(
    config: Path, tmp_path: Path
) -> None:
    config.mkdir()
    (config / "teamsim").write_text("a file where the folder should be")
    path = config / "teamsim" / "pseudonym.key"
    with pytest.raises(TeamsimError) as caught:
        resolve_pseudonym_key(None)
    assert str(caught.value).startswith(f"pseudonym key file {path}: cannot be read or written")
    (config / "teamsim").unlink()
    (config / "teamsim").mkdir()
    path.write_text("\n")
    with pytest.raises(TeamsimError, match=f"pseudonym key file {re.escape(str(path))} is empty"):
        resolve_pseudonym_key(None)


def test_two_outputs_give_the_same_pseudonyms(config: Path, tmp_path: Path) -> None:
    # What calibrate reads with the key the command resolves: the output's name, which
    # used to be the key, no longer changes the pseudonyms.
    key, _ = resolve_pseudonym_key(None)
    names = set(pd.read_csv(CRM / "team.csv")["person"])
    seen: list[pd.DataFrame] = []
    for out in ("a.yaml", "b.yaml"):
        request = CalibrateRequest(
            out_path=tmp_path / out, team=CRM / "team.csv", pseudonymise=True, key=key
        )
        team = read_team_records(request, None).team
        assert team is not None
        seen.append(team)
    assert seen[0]["person"].tolist() == seen[1]["person"].tolist()
    mapping = pseudonyms(names, key=key)
    assert sorted(seen[0]["person"]) == sorted(mapping.values())


def test_a_request_without_a_key_uses_the_key_file(config: Path) -> None:
    # The dashboard's request has no key and no output: it gets the per-user key file's
    # pseudonyms (it used to get the fixed word "teamsim", which anyone could reverse).
    request = CalibrateRequest(team=CRM / "team.csv", pseudonymise=True)
    team = read_team_records(request, None).team
    assert team is not None
    key = (config / "teamsim" / "pseudonym.key").read_text().strip()
    names = set(pd.read_csv(CRM / "team.csv")["person"])
    assert sorted(team["person"]) == sorted(pseudonyms(names, key=key).values())
    assert sorted(team["person"]) != sorted(pseudonyms(names, key="teamsim").values())


@pytest.mark.slow
def test_two_runs_with_different_outputs_give_the_same_pseudonyms(
    config: Path, tmp_path: Path
) -> None:
    deals = tmp_path / "deals.csv"
    # The first 120 deals: enough for the per-person table, quick to fit.
    deals.write_text("".join((CRM / "deals.csv").read_text().splitlines(keepends=True)[:121]))
    shown = []
    for out in ("a.yaml", "b.yaml"):
        code, output = _run(
            "calibrate",
            "--deals",
            str(deals),
            "--base",
            str(BASE),
            "-o",
            str(tmp_path / out),
            "--pseudonymise",
            "--report",
        )
        assert code == 0, output
        shown.append(set(re.findall(r"person-\d+", output)))
    key = (config / "teamsim" / "pseudonym.key").read_text().strip()
    owners = set(pd.read_csv(deals)["owner"])
    assert shown[0] == shown[1] == set(pseudonyms(owners, key=key).values())


def test_the_command_says_where_the_key_came_from_never_the_key(
    config: Path, tmp_path: Path
) -> None:
    # -o x.xlsx is refused after the key is resolved: the line is printed, no work done.
    code, output = _run(
        "calibrate", "--team", str(CRM / "team.csv"), "-o", str(tmp_path / "x.xlsx"),
        "--pseudonymise",
    )  # fmt: skip
    path = config / "teamsim" / "pseudonym.key"
    assert code == 2
    assert f"pseudonym key: key file {path} (created now)" in output.replace("\n", "")
    assert path.read_text().strip() not in output


# 2. -o must be YAML -------------------------------------------------------------------


def test_a_workbook_name_for_the_scenario_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    # The deals file does not even exist: the refusal comes first.
    code, output = _run("calibrate", "--deals", str(tmp_path / "none.csv"), "-o", str(out))
    assert code == 2
    message = (
        f"error: -o {out}: the scenario is written as YAML; name it .yaml "
        f"(the workbook is --excel {out})"
    )
    assert output.replace("\n", "").strip() == message
    assert not out.exists()
    code, output = _run("calibrate", "--deals", str(CRM / "deals.csv"), "-o", str(tmp_path / "x"))
    assert code == 2
    assert output.replace("\n", "").strip().endswith("name it .yaml")


# 3. The back-test's processes -----------------------------------------------------------


def _help(command: str, option: str) -> str:
    """An option's help text as the command declares it (the rendered help wraps it)."""
    # typer 0.29 brings its own copy of click: read the objects, not their classes.
    group: Any = typer.main.get_command(app)
    (param,) = [p for p in group.commands[command].params if p.name == option]
    return str(param.help or "")


def test_workers_default_to_every_core_as_simulate_says(tmp_path: Path) -> None:
    assert _help("calibrate", "workers").endswith("(default: every core, as teamsim simulate).")
    assert _help("simulate", "workers").endswith("(default: every core).")
    code, output = _run(
        "calibrate", "--deals", str(CRM / "deals.csv"), "-o", str(tmp_path / "x.yaml"),
        "--workers", "0",
    )  # fmt: skip
    assert code == 2
    assert "--workers" in output  # typer's own words for the range differ by version


# 4. Plurals ---------------------------------------------------------------------------


def test_counted() -> None:
    assert counted(1, "person") == "1 person"
    assert counted(2, "person") == "2 people"
    assert counted(0, "manager") == "0 managers"
    assert counted(1, "manager") == "1 manager"
    assert counted(3, "sheep", "sheep") == "3 sheep"


def test_one_person_and_one_manager_in_the_team_fit() -> None:
    base = parse_scenario(CALLERS.read_bytes(), str(CALLERS))
    team = pd.DataFrame(
        {
            "person": ["Lea", "Ann", "Bob"],
            "role": ["team_lead", "caller", "caller"],
            "manager": [None, "Lea", "Lea"],
            "unit": [None, None, None],
            "start": pd.Series([pd.NaT] * 3, dtype="datetime64[ns]"),
            "days_away": [20.0, 20.0, 20.0],
        }
    )
    out = Findings()
    day = pd.Timestamp("2027-01-04")
    fit_team(team, base, (day, day + pd.Timedelta(days=90)), out)
    notes = {f.path: f.note for f in out.fits}
    assert notes[("roles", "team_lead", "headcount")] == "fitted: 1 person in the team file"
    assert notes[("roles", "caller", "headcount", "current")] == "fitted: 2 people in the team file"
    (span,) = [u.fit for u in out.unwritten if u.what == "span of control"]
    assert span == "team_lead: max 2, mean 2 reports (1 manager)"


def test_validate_counts_one_person() -> None:
    code, output = _run(
        "validate", str(CALLERS),
        "--set", "roles.caller.headcount.min=0", "--set", "roles.caller.headcount.current=0",
    )  # fmt: skip
    assert code == 0
    assert output.startswith(
        f"ok {CALLERS}: Twelve callers, three-stage funnel (2 roles, 1 person)"
    )


# 5. Flags in the help -----------------------------------------------------------------


def test_flags_show_as_flags_in_the_help() -> None:
    for command in ("calibrate", "simulate", "validate"):
        code, output = _run(command, "--help")
        assert code == 0
        assert "<bool>" not in output
        assert "--help" in output


def test_the_key_help_names_the_key_file() -> None:
    text = _help("calibrate", "key")
    # Not "$XDG_CONFIG_HOME/teamsim/pseudonym.key": one token that long is cut ("…") in
    # the help's column at 80.
    assert "teamsim/pseudonym.key under $XDG_CONFIG_HOME (~/.config when unset)" in text
    assert "output file's name" not in text


@pytest.mark.parametrize("plan", ["-5", "0", "nan"])
def test_a_plan_that_is_not_above_zero_is_refused(tmp_path: Path, plan: str) -> None:
    code, output = _run(
        "calibrate", "--deals", str(CRM / "deals.csv"), "--plan", plan, "-o",
        str(tmp_path / "p.yaml"),
    )  # fmt: skip
    assert code == 2
    assert f"--plan {float(plan):g}: expected a revenue a month above 0" in output
    assert not (tmp_path / "p.yaml").exists()
