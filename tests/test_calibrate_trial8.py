"""Fresh-user trial 8 of `teamsim calibrate` (issue 10): reading a team's CRM exports.

A --column item naming a column the file lacks, or a column read as another field; a
deals file whose amount is under a name not recognised; a deals file with no status
column; an owner the team file does not list.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from teamsim.cli import app
from teamsim.records_io import read_records

runner = CliRunner()
CRM = Path(__file__).resolve().parents[1] / "examples" / "synthetic_crm"
COLUMNS = "'deal_id', 'owner', 'created', 'closed', 'status', 'stage', 'value', 'segment', "
COLUMNS += "'channel', 'account'"


def _words(text: str) -> str:
    return " ".join(text.split())


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["calibrate", *args], env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, _words(result.output)


def _deals(
    tmp_path: Path, *, rename: dict[str, str] | None = None, drop: tuple[str, ...] = ()
) -> Path:
    frame = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns=rename or {}).drop(columns=list(drop))
    path = tmp_path / "deals.csv"
    frame.to_csv(path, index=False)
    return path


def _won() -> int:
    return int((pd.read_csv(CRM / "deals.csv")["status"] == "won").sum())


# 1. A --column item the file cannot honour.


def test_a_column_mapped_that_the_file_lacks_is_refused(tmp_path: Path) -> None:
    deals = CRM / "deals.csv"
    out = tmp_path / "x.yaml"
    code, output = _run("--deals", str(deals), "--column", "owner=Kurator", "-o", str(out))
    assert code == 2 and not out.exists()
    assert (
        f"{deals}: --column owner=Kurator: no column 'Kurator' in the file (columns found: "
        f"{COLUMNS}; closest: 'owner'); without the item 'owner' is read as owner; or give "
        "one of the file's columns"
    ) in output


def test_a_typo_of_a_column_names_the_closest(tmp_path: Path) -> None:
    deals = _deals(tmp_path, rename={"owner": "Kurator"})
    records = read_records(deals=deals, columns={"owner": "Kurattor"})
    fatal = [str(p) for p in records.problems if p.fatal]
    listed = COLUMNS.replace("'owner'", "'Kurator'")
    # Each message once: the missing owner column is said by the column check too, so
    # only the one naming the item (from --column) is kept, and it names 'Kurator'.
    assert len(fatal) == 1
    assert fatal[0].startswith(
        f"{deals}: no column for 'owner' (columns found: {listed}; closest: 'Kurator'); "
        "'Kurattor' (from --column) is not among them"
    )
    # A column the file has but under another name: the item with a close name.
    records = read_records(deals=CRM / "deals.csv", columns={"segment": "segmnt"})
    assert [str(p) for p in records.problems if p.fatal] == [
        f"{CRM / 'deals.csv'}: --column segment=segmnt: no column 'segmnt' in the file "
        f"(columns found: {COLUMNS}; closest: 'segment'); give one of the file's columns, "
        "e.g. --column segment=segment"
    ]


def test_one_column_item_serves_every_file_that_has_it(tmp_path: Path) -> None:
    # person is a column of activities and team: the item is right if either has it.
    acts = pd.read_csv(CRM / "activities.csv", dtype=str, keep_default_na=False)
    acts = acts.rename(columns={"person": "Mitarbeiter"})
    path = tmp_path / "activities.csv"
    acts.to_csv(path, index=False)
    records = read_records(
        activities=path, team=CRM / "team.csv", columns={"person": "Mitarbeiter"}
    )
    assert [p for p in records.problems if p.fatal] == []
    assert records.activities is not None and records.activities["person"].notna().all()


def test_a_column_mapped_that_is_another_fields_column_is_refused(tmp_path: Path) -> None:
    deals = CRM / "deals.csv"
    out = tmp_path / "x.yaml"
    code, output = _run("--deals", str(deals), "--column", "owner=value", "-o", str(out))
    assert code == 2 and not out.exists()
    assert (
        f"{deals}: value: --column owner=value: column 'value' is mapped to owner but is "
        "also the deals' value column, so value would go unread; map owner to its own "
        f"column (columns found: {COLUMNS})"
    ) in output
    # Mapping the value onto the account column is refused alike, naming the account.
    records = read_records(deals=deals, columns={"owner": "value", "value": "account"})
    assert [p.message.split(", so")[0] for p in records.problems if p.fatal] == [
        "--column value=account: column 'account' is mapped to value but is also the "
        "deals' account column"
    ]


# 2. No value column.


def test_no_value_column_is_one_warning_naming_the_likely_column(tmp_path: Path) -> None:
    deals = _deals(tmp_path, rename={"value": "Netto"})
    out = tmp_path / "x.yaml"
    code, output = _run("--deals", str(deals), "-o", str(out))
    assert code == 0, output
    warning = (
        f"warning: {deals}: no value column (the deals' amount) was found (closest: "
        f"'Netto'); map it with --column value=Netto; until then the {_won():,} won deals "
        "have no amount, so deal values and revenue are not calibrated and no plan is "
        "taken from the records"
    )
    assert warning in output and output.count("no value column (the deals' amount)") == 1
    assert "columns not used" not in output  # the one warning says it
    reason = "no deal has an amount (no value column read: map it with --column value=<column>)"
    assert f"{reason}: segments.smb_core.deal_value segments.smb_expansion.deal_value" in output
    assert f"no plan given and {reason}: give --plan: plan.revenue_per_month" in output
    assert "no revenue won" not in output and "0 won deals" not in output
    # Mapped, the values are read and fitted.
    code, output = _run("--deals", str(deals), "--column", "value=Netto", "-o", str(out))
    assert code == 0 and "no value column" not in output
    assert "segments.smb_core.deal_value: $20K" in output


# 3. No status column.


def test_no_status_column_is_said_before_the_stage_advice(tmp_path: Path) -> None:
    deals = _deals(tmp_path, drop=("status",))
    out = tmp_path / "x.yaml"
    code, output = _run("--deals", str(deals), "-o", str(out))
    assert code == 2 and not out.exists()
    closed = int(pd.read_csv(CRM / "deals.csv")["closed"].notna().sum())
    listed = COLUMNS.replace("'status', ", "")
    said = (
        f"{deals}: no column for 'status' (won, lost or open): the stage column 'stage' "
        f"holds no won or lost word, so none of the {closed:,} deals with a closed date can "
        f"be told won or lost (columns found: {listed}; none close); map it with --column "
        "status=<column>; only if the stage column itself names how deals ended, in the "
        'CRM\'s own words, map those with --stage "<word>=won" and --stage "<word>=lost" '
        "instead"
    )
    assert said in output
    assert output.index(said) < output.index('--stage "proposal=lost"')
    # Renamed, the closest column is named.
    deals = _deals(tmp_path, rename={"status": "Abschluss-Status"})
    code, output = _run("--deals", str(deals), "-o", str(out))
    assert code == 2
    assert "(columns found: 'deal_id', 'owner', 'created', 'closed', 'Abschluss-Status', " in output
    assert "closest: 'Abschluss-Status'); map it with --column status=<column>" in output


def test_a_stage_column_with_won_and_lost_words_needs_no_status(tmp_path: Path) -> None:
    frame = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    ended = frame["status"].isin(["won", "lost"])
    frame.loc[ended, "stage"] = frame.loc[ended, "status"]
    path = tmp_path / "deals.csv"
    frame.drop(columns=["status"]).to_csv(path, index=False)
    records = read_records(deals=path)
    assert not any("no column for 'status'" in p.message for p in records.problems)
    assert records.deals is not None
    assert int((records.deals["status"] == "won").sum()) == _won()


# 4. An owner not in the team file.


def test_an_owner_not_in_the_team_file_says_what_happens_and_what_to_do(tmp_path: Path) -> None:
    frame = pd.read_csv(CRM / "deals.csv", dtype=str, keep_default_na=False)
    ghost = frame["owner"] == "sdr.03"
    frame.loc[ghost, "owner"] = "sdr.99"
    path = tmp_path / "deals.csv"
    frame.to_csv(path, index=False)
    team = CRM / "team.csv"
    records = read_records(deals=path, team=team)
    first = int(ghost.to_numpy().argmax()) + 2
    said = [str(p) for p in records.problems if "'sdr.99'" in p.message]
    assert said == [
        f"{path}:{first}: owner: owner 'sdr.99' is not in the team file {team} "
        f"({int(ghost.sum())} rows): the rows are kept (they count for the team's flow, win "
        "rate and cycle, and the person's results are shown) with no share of the plan; "
        f"add 'sdr.99' to {team}, or, if it is someone of the team spelled another way, "
        "correct the name in the deals file"
    ]
    assert records.deals is not None
    assert int((records.deals["owner"] == "sdr.99").sum()) == int(ghost.sum())
