"""Channels in team templates (issue 14, stage U7b): each unit's own copy, with its volumes.

tests/data/two_branches_channels.yaml gives the template "branch" a walk-in desk and
partners' referrals; North and South each get their copy (north__walk_ins...) with their
own volumes, and the segments name the template's ids for every branch's copies. It must
validate to its written-out twin tests/data/two_branches_channels_flat.yaml; a problem in a
made channel names the line the file wrote the value on; ``--set`` reaches a made channel
through its unit; and each branch's desk is answered by its own people. Line numbers are
the file's: it says to edit it with care.
"""

from __future__ import annotations

from pathlib import Path

from sim import simulate
from sim.errors import Problem, dotted
from sim.runner import scenario_hash
from sim.scenario import InboundChannel, ReferralChannel, Scenario, parse_scenario, place_problem
from sim.scenario.yamlmap import parse_with_nodes
from tests.units_helpers import only, problems_in

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "tests" / "data" / "two_branches_channels.yaml").read_text(encoding="utf-8")
FLAT = (ROOT / "tests" / "data" / "two_branches_channels_flat.yaml").read_text(encoding="utf-8")
LINES = TEXT.splitlines()


def templated(*overrides: str, text: str = TEXT) -> Scenario:
    return parse_scenario(text, "net.yaml", overrides)


def problems_of(*overrides: str, text: str = TEXT) -> list[Problem]:
    return problems_in(text, overrides)


def at_line(problem: Problem, line: int, starts: str, text: str = TEXT) -> None:
    """The problem names the file and ``line``, and that line (of ``text``) is the one meant."""
    assert (problem.source, problem.line) == ("net.yaml", line), str(problem)
    line_text = text.splitlines()[line - 1].strip()
    assert line_text.startswith(starts), line_text


def volume(sc: Scenario, cid: str) -> float:
    channel = sc.channels[cid]
    if isinstance(channel, InboundChannel):
        return channel.requests_per_day
    assert isinstance(channel, ReferralChannel)
    return channel.leads_per_week


def test_a_templated_file_is_its_written_out_twin() -> None:
    flat = parse_scenario(FLAT, "flat.yaml")
    made = templated()
    assert made == flat
    assert made.model_dump() == flat.model_dump()
    assert scenario_hash(made) == scenario_hash(flat)
    # The written channels first, then each unit's copies in the template's order.
    assert (
        list(made.channels)
        == list(flat.channels)
        == [
            "payroll_client_staff",
            "non_client_company_staff",
            "individuals",
            "north__walk_ins",
            "north__partners",
            "south__walk_ins",
            "south__partners",
        ]
    )
    # Each unit's volumes: North's desk is busier, South's referrals fewer.
    assert [volume(made, c) for c in list(made.channels)[3:]] == [10, 8, 6, 5]
    assert {c: made.channels[c].unit for c in list(made.channels)[3:]} == {
        "north__walk_ins": "north",
        "north__partners": "north",
        "south__walk_ins": "south",
        "south__partners": "south",
    }
    titles = [made.channels[c].title for c in list(made.channels)[3:]]
    assert titles == [
        "Walk-ins, North branch",
        "Partners, North branch",
        "Walk-ins, South branch",
        "Partners of South",  # the unit's own title
    ]


def test_a_segment_naming_a_template_channel_has_every_units_copy() -> None:
    loan = templated().segments["consumer_loan"]
    assert loan.channels == [
        "payroll_client_staff",
        "individuals",
        "north__partners",
        "south__partners",
        "north__walk_ins",
        "south__walk_ins",
    ]
    assert loan.lead_weight == {
        "payroll_client_staff": 4,
        "north__partners": 4,
        "south__partners": 4,
    }
    assert (loan.weight_of("south__partners"), loan.weight_of("north__walk_ins")) == (4, 1)
    # A copy named by its own id keeps its own weight.
    text = TEXT.replace("partners: 4}", "partners: 4, south__partners: 2}")
    weights = templated(text=text).segments["consumer_loan"].lead_weight
    assert weights == {"payroll_client_staff": 4, "north__partners": 4, "south__partners": 2}


def test_the_dump_is_flat_and_validates_to_itself() -> None:
    sc = templated()
    dumped = sc.model_dump()
    assert "templates" not in dumped
    assert "channels" not in dumped["units"]["north"]
    assert Scenario.model_validate(dumped) == sc
    assert scenario_hash(Scenario.model_validate(dumped)) == scenario_hash(sc)


def test_a_templated_mapping_validated_directly_is_the_same_scenario() -> None:
    data, _ = parse_with_nodes(TEXT)
    assert Scenario.model_validate(data) == templated()


def test_a_template_roles_channels_are_the_units_copies() -> None:
    text = TEXT.replace(
        "        deputy: client_manager\n",
        "        deputy: client_manager\n"
        "        channels: [walk_ins, partners, individuals, payroll_client_staff]\n",
    )
    roles = templated(text=text).roles
    assert roles["north__client_manager"].channels == [
        "north__walk_ins",
        "north__partners",
        "individuals",
        "payroll_client_staff",
    ]
    assert roles["south__client_manager"].channels == [
        "south__walk_ins",
        "south__partners",
        "individuals",
        "payroll_client_staff",
    ]
    # A unit's change to the role's channels names the template's too.
    changed = TEXT.replace(
        '{title: "Client manager, South"}',
        '{title: "Client manager, South", channels: [walk_ins, individuals]}',
    )
    roles = templated(text=changed).roles
    assert roles["south__client_manager"].channels == ["south__walk_ins", "individuals"]
    assert roles["north__client_manager"].channels is None
    # A role written outside the template: every unit's copy, as in a segment.
    head = TEXT.replace(
        "    unit: region_a\n    headcount: 1\n",
        "    unit: region_a\n    headcount: 1\n    channels: [individuals, walk_ins]\n",
    )
    assert templated(text=head).roles["regional_head"].channels == [
        "individuals",
        "north__walk_ins",
        "south__walk_ins",
    ]


def test_an_error_in_a_template_channel_names_its_line_and_the_made_channels() -> None:
    text = TEXT.replace("answer_within_min: 30", "answer_within_min: -30")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "templates.branch.channels.walk_ins.answer_within_min"
    assert problem.message == (
        "expected greater than or equal to 0, got -30 (in channels north__walk_ins, "
        "south__walk_ins)"
    )
    at_line(problem, 77, "answer_within_min:")
    # North writes its own requests_per_day: the template's is South's alone.
    text = TEXT.replace("requests_per_day: 6 ", "requests_per_day: -6 ")
    problem = only(problems_of(text=text))
    assert (
        problem.message
        == "expected greater than or equal to 0, got -6 (in channel south__walk_ins)"
    )
    at_line(problem, 75, "requests_per_day:")


def test_a_template_channel_feeding_no_segment() -> None:
    text = TEXT.replace("individuals, partners, walk_ins]", "individuals, partners]")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "templates.branch.channels.walk_ins"
    assert problem.message == (
        "feeds no segment; list it in a segment's channels (in channels north__walk_ins, "
        "south__walk_ins)"
    )
    at_line(problem, 72, "walk_ins:")


def test_a_units_channel_error_names_the_units_line() -> None:
    text = TEXT.replace("{requests_per_day: 10}", "{requests_per_day: -10}")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "units.north.channels.walk_ins.requests_per_day"
    assert problem.message == "expected greater than or equal to 0, got -10"
    at_line(problem, 39, "walk_ins:")


def test_a_problem_on_a_copy_in_a_segment_names_the_templates_id() -> None:
    item = place_problem(TEXT, "net.yaml", ("segments", "consumer_loan", "channels", 5), "x")
    assert (dotted(item.path), item.message) == ("segments.consumer_loan.channels.3", "x")
    at_line(item, 127, "channels: [payroll_client_staff, individuals, partners, walk_ins]")
    weight = ("segments", "consumer_loan", "lead_weight", "south__partners")
    assert dotted(place_problem(TEXT, "net.yaml", weight, "x").path) == (
        "segments.consumer_loan.lead_weight.partners"
    )
    later = place_problem(TEXT, "net.yaml", ("segments", "payroll_project", "channels", 3), "x")
    assert dotted(later.path) == "segments.payroll_project.channels.2"  # payroll_client_staff


def test_an_unknown_channel_in_a_units_channels() -> None:
    text = TEXT.replace("walk_ins: {requests_per_day: 10}", "walk_in: {requests_per_day: 10}")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "units.north.channels.walk_in"
    assert problem.message == (
        "the unit's template has no channel 'walk_in' (did you mean 'walk_ins'?); expected one "
        "of: walk_ins, partners"
    )
    at_line(problem, 39, "walk_in:", text)


def test_a_made_channel_clashing_with_a_written_one() -> None:
    written = "channels:\n  north__partners: {kind: referral, leads_per_week: 1, unit: north}\n"
    text = TEXT.replace("channels:\n  payroll_client_staff:", f"{written}  payroll_client_staff:")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "units.north.template"
    assert problem.message == (
        "the template's channel 'partners' would make channel 'north__partners' for this "
        "unit, and a channel written in channels: (channels.north__partners) has that id: "
        "rename one of them"
    )
    at_line(problem, 33, "template:")


def test_a_template_channel_id_is_not_also_a_written_channels() -> None:
    written = "channels:\n  partners: {kind: referral, leads_per_week: 1}\n"
    text = TEXT.replace("channels:\n  payroll_client_staff:", f"{written}  payroll_client_staff:")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "templates.branch.channels.partners"
    assert problem.message.startswith(
        "a channel written in channels: (channels.partners) has this id too; outside the "
        "template the id stands for every unit's copy"
    )
    at_line(problem, 80, "partners:")


def test_a_unit_written_in_a_template_channel_or_a_units_change() -> None:
    text = TEXT.replace("        kind: referral\n", "        kind: referral\n        unit: north\n")
    problem = only(problems_of(text=text))
    assert dotted(problem.path) == "templates.branch.channels.partners.unit"
    assert problem.message == (
        "a template's channel is in the unit that uses the template: leave unit out"
    )
    at_line(problem, 83, "unit: north", text)
    problem = only(problems_of("units.south.channels.partners.unit=north"))
    assert dotted(problem.path) == "units.south.channels.partners.unit"
    assert problem.message == "the unit's channels are in unit 'south': leave unit out"


def test_a_units_channels_without_a_template() -> None:
    problem = only(problems_of("units.region_a.channels={walk_ins: {requests_per_day: 1}}"))
    assert dotted(problem.path) == "units.region_a.channels"
    assert problem.message == (
        "a unit's channels are for the channels of its template, and this unit has none: "
        "write template: <id>, or write the unit's channels in channels: with unit: region_a"
    )


def test_set_a_units_channel_volume() -> None:
    sc = templated("units.south.channels.walk_ins.requests_per_day=20")
    assert (volume(sc, "south__walk_ins"), volume(sc, "north__walk_ins")) == (20, 10)
    # South writes partners already: the --set changes that field and keeps its title.
    sc = templated("units.south.channels.partners.leads_per_week=2")
    assert (volume(sc, "south__partners"), sc.channels["south__partners"].title) == (
        2,
        "Partners of South",
    )
    problem = only(problems_of("units.south.channels.walk_ins.requests_per_day=-1"))
    assert problem.source == "--set units.south.channels.walk_ins.requests_per_day=-1"
    assert dotted(problem.path) == "units.south.channels.walk_ins.requests_per_day"


def test_set_on_a_made_channel_goes_to_its_unit() -> None:
    sc = templated(
        "channels.north__walk_ins.requests_per_day=3",
        "channels.south__walk_ins.handle_min.mean=9",
    )
    assert (volume(sc, "north__walk_ins"), volume(sc, "south__walk_ins")) == (3, 6)
    # Into a field the unit does not write: the template's value, changed where set.
    south, north = sc.channels["south__walk_ins"], sc.channels["north__walk_ins"]
    assert isinstance(south, InboundChannel) and isinstance(north, InboundChannel)
    assert south.handle_min.model_dump() == {"kind": "lognormal", "mean": 9, "sd": 3}
    assert north.handle_min.expected_value() == 6
    problem = only(problems_of("channels.south__walk_ins.requests_per_day=-3"))
    assert problem.source == "--set channels.south__walk_ins.requests_per_day=-3"
    assert dotted(problem.path) == "units.south.channels.walk_ins.requests_per_day"


def test_set_into_a_units_channels_knows_a_channels_fields() -> None:
    typo = only(problems_of("units.south.channels.walk_ins.requests_per_dya=20"))
    assert dotted(typo.path) == "units.south.channels.walk_ins.requests_per_dya"
    assert typo.message == "unknown field 'requests_per_dya'; did you mean 'requests_per_day'?"
    deeper = only(problems_of("units.south.channels.walk_ins.profil.interval_min=15"))
    assert deeper.message.startswith("no key 'profil' here; did you mean 'profile'?")
    assert "requests_per_day, handle_min" in deeper.message  # an inbound channel's fields
    unknown = only(problems_of("units.south.channels.walk_inz.requests_per_day=20"))
    assert unknown.message.startswith("no key 'walk_inz' here; did you mean 'walk_ins'?")


def test_each_branchs_desk_is_answered_by_its_own_people() -> None:
    sc = templated("calendar.horizon_days=30")
    run = simulate(sc, replications=1, seed=20261202, workers=1)
    waits = run.frames.waits
    answered = waits.loc[(waits["kind"] == "inbound") & (waits["server"] != "")]
    units = answered.groupby("channel")["server"].agg(
        lambda s: {sc.roles[p.rpartition(".")[0]].unit for p in s}
    )
    assert units.to_dict() == {"north__walk_ins": {"north"}, "south__walk_ins": {"south"}}
    # Each desk's own volume: North's 10 requests a day to South's 6.
    counts = answered.groupby("channel").size()
    assert 1.3 < counts["north__walk_ins"] / counts["south__walk_ins"] < 2.1
    deals = run.frames.deals
    owners = deals.groupby("channel")["owner"].agg(
        lambda s: {sc.roles[p.rpartition(".")[0]].unit for p in s}
    )
    assert (owners["north__partners"], owners["south__partners"]) == ({"north"}, {"south"})
