"""The loader never raises anything but ScenarioError, whatever it is given."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario import Scenario
from sim.scenario.loader import parse_scenario
from tests.scenario_texts import BASE

BASE_DATA = yaml.safe_load(BASE)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=20,
)


def _parse(content: str | bytes) -> None:
    try:
        result = parse_scenario(content, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        for problem in exc.problems:
            assert problem.source, problem
            assert "\n" not in problem.message
    else:
        assert isinstance(result, Scenario)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    _parse(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(content: bytes) -> None:
    _parse(content)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values)
def test_arbitrary_yaml_documents(value: object) -> None:
    _parse(yaml.safe_dump(value))


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


ALL_PATHS = _paths(BASE_DATA)


def _replace(data: object, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], rest, value)}
    assert isinstance(data, list) and isinstance(head, int)
    items = list(data)
    items[head] = _replace(items[head], rest, value)
    return items


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL_PATHS), yaml_values)
def test_valid_scenario_with_one_field_replaced(path: tuple[object, ...], value: object) -> None:
    _parse(yaml.safe_dump(_replace(BASE_DATA, path, value)))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ALL_PATHS), st.text(max_size=30))
def test_set_overrides_never_crash(path: tuple[object, ...], value: str) -> None:
    dotted = ".".join(str(p) for p in path)
    try:
        parse_scenario(BASE, "fuzz.yaml", [f"{dotted}={value}"])
    except ScenarioError as exc:
        assert exc.problems
