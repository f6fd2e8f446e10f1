"""How the suite is scheduled over xdist workers (``make test``: ``-n 2 --dist loadgroup``).

Under ``loadgroup`` every test without an ``xdist_group`` mark is its own unit of work,
so the tests of one file go to both workers by turns, and a fixture a file shares at
module scope (one simulation, calibration or plan that several of its tests read) was
built once on each worker. A test that reads such a fixture of its own file is grouped
here with the file's other readers, so that the fixture is built once; a test grouped by
hand keeps its group. Groups are units of work: xdist hands out the largest first.

On a worker the tests marked ``slow`` are moved ahead of the others (the order is
otherwise the files'), so that the long tests are handed out early and the run does
not end with one worker on a long test while the other has nothing left.
"""

from __future__ import annotations

import os

import pytest
from packaging.version import Version

_SHARED_SCOPES = frozenset({"module", "package", "session"})
# Files whose shared fixture costs less than spreading their tests gains: the cut files of
# test_calibrate_sparse are written in milliseconds for 151 calibrations.
_SPREAD = frozenset({"tests/test_calibrate_sparse.py"})


def _file_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _reads_a_shared_fixture_of_its_file(item: pytest.Item) -> bool:
    """True when ``item`` reads a fixture defined in its own file above function scope."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:  # (not a test function: a doctest, say)
        return False
    for definitions in info.name2fixturedefs.values():
        used = definitions[-1]  # the definition this test reads (the closest)
        if used.scope in _SHARED_SCOPES and used.baseid == _file_of(item):
            return True
    return False


@pytest.hookimpl(tryfirst=True)  # before xdist turns the marks into groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the readers of a file's shared fixture; on a worker, slow tests first."""
    for item in items:
        grouped = item.get_closest_marker("xdist_group") is not None
        if (
            not grouped
            and _file_of(item) not in _SPREAD
            and _reads_a_shared_fixture_of_its_file(item)
        ):
            item.add_marker(pytest.mark.xdist_group(_file_of(item)))
    if os.environ.get("PYTEST_XDIST_WORKER"):  # (alone, the files' order keeps fixtures)
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse ``--dist loadgroup`` on a pytest that makes xdist ignore every group.

    xdist marks a grouped test by a suffix of its node id (``...::test@group``); pytest
    9.2's structured node ids drop that suffix, so each group is spread over the workers
    and each worker rebuilds the shared fixtures (pytest-xdist#1386): the run is slower
    and nothing says why. pyproject.toml keeps pytest below 9.2 until xdist reads the
    groups another way; lift both together.
    """
    if config.getoption("dist", "no") != "loadgroup":
        return
    if Version(pytest.__version__) >= Version("9.2"):
        raise pytest.UsageError(
            f"--dist loadgroup: pytest {pytest.__version__} makes xdist ignore every "
            "xdist_group mark (pytest-xdist#1386); the test extra wants pytest below 9.2: "
            "pip install -e '.[test]'"
        )
