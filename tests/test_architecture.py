"""The code keeps the design's shape: the direction of dependencies and the package faces.

DESIGN.md: arrows point one way, ``sim`` <- ``optimizer`` <- ``teamsim`` <- ``dashboard``.
STYLE.md, habit 15: the front ends (``teamsim``, ``dashboard``) go through the faces of
``sim`` and ``optimizer`` (``sim``, ``sim.scenario``, ``sim.rules``, ``optimizer``) and
import only the names those faces export; no module outside the command line imports a
command-line module (``teamsim.cli``, ``teamsim.commands``). Long calls name their
arguments.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "optimizer", "teamsim", "dashboard")
FRONT_ENDS = ("teamsim", "dashboard")
FACES = ("sim", "sim.scenario", "sim.rules", "optimizer", "calibrate")
CLI = ("teamsim.cli", "teamsim.commands", "teamsim.__main__")
# More positional arguments than this and a call must name them.
MOST_POSITIONAL = 4
# Calls that may pass more: the records appended in the simulator's hot loops (a keyword
# call doubles the cost of building one), and functions whose arguments are a variable
# list of the same thing (rich's cells and renderables, a random stream's keys).
POSITIONAL_ALLOWED = {
    "AbsenceRecord",
    "CallDayRecord",
    "DealRecord",
    "FunnelRecord",
    "TimeUseRecord",
    "WaitRecord",
    "add_row",
    "Group",
    "stream",
}
# What each package must never import: the arrows of DESIGN.md point one way.
NEVER = {
    "sim": ("optimizer", "teamsim", "dashboard"),
    "optimizer": ("teamsim", "dashboard"),
    "teamsim": ("dashboard",),
}


@dataclass(frozen=True)
class Import:
    """One imported module as written in a file: ``import m`` or ``from m import names``."""

    file: str  # relative to the project's root
    line: int
    importer: str  # the importing module's dotted name
    module: str
    names: tuple[str, ...] = ()  # the names of a ``from`` import

    def __str__(self) -> str:
        what = f"from {self.module} import {', '.join(self.names)}" if self.names else self.module
        return f"{self.file}:{self.line}: {what}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[Import]:
    """Every import of a file, those inside functions and ``TYPE_CHECKING`` included."""
    rel = path.relative_to(ROOT).as_posix()
    importer = _module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
        if isinstance(node, ast.Import):
            found += [Import(rel, node.lineno, importer, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolved against the importing package
                package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            names = tuple(a.name for a in node.names)
            found.append(Import(rel, node.lineno, importer, module, names))
    return found


def _all_imports(*packages: str) -> list[Import]:
    return [imp for package in packages for path in _sources(package) for imp in _imports(path)]


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _exports(face: str) -> set[str]:
    return set(importlib.import_module(face).__all__)


def _face_names_used(path: Path) -> list[tuple[int, str, str]]:
    """``face.name`` attribute reads of a face imported whole (``import optimizer``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = {
        (a.asname or a.name): a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for a in node.names
        if a.name in FACES and (a.asname or "." not in a.name)
    }
    return [
        (node.lineno, bound[node.value.id], node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in bound
    ]


def test_front_ends_import_sim_and_optimizer_through_their_faces() -> None:
    wrong = []
    for imp in _all_imports(*FRONT_ENDS):
        if not _within(imp.module, ("sim", "optimizer")):
            continue
        if imp.module not in FACES:
            wrong.append(f"{imp}: {imp.module} is not a face ({', '.join(FACES)})")
            continue
        exported = _exports(imp.module)
        sub_faces = {f.rpartition(".")[2] for f in FACES if f.startswith(imp.module + ".")}
        for name in imp.names:
            if name not in exported and name not in sub_faces:
                wrong.append(f"{imp}: {name} is not in {imp.module}.__all__")
    for package in FRONT_ENDS:
        for path in _sources(package):
            for line, face, name in _face_names_used(path):
                sub_face = f"{face}.{name}" in FACES
                if name not in _exports(face) and not sub_face:
                    rel = path.relative_to(ROOT).as_posix()
                    wrong.append(f"{rel}:{line}: {face}.{name} is not in {face}.__all__")
    assert not wrong, "deep imports:\n" + "\n".join(wrong)


def test_only_the_command_line_imports_command_line_modules() -> None:
    wrong = []
    for imp in _all_imports(*FRONT_ENDS):
        if _within(imp.importer, CLI):
            continue
        modules = [imp.module] + [f"{imp.module}.{n}" for n in imp.names]
        if any(_within(m, CLI) for m in modules):
            wrong.append(f"{imp}: a command-line module, imported by {imp.importer}")
    assert not wrong, "command-line modules imported elsewhere:\n" + "\n".join(wrong)


def test_dependencies_point_one_way() -> None:
    wrong = [
        f"{imp}: {package} never imports {', '.join(NEVER[package])}"
        for package in NEVER
        for imp in _all_imports(package)
        if _within(imp.module, NEVER[package])
    ]
    assert not wrong, "dependencies against the design:\n" + "\n".join(wrong)


@pytest.mark.parametrize("face", [*FACES, *FRONT_ENDS])
def test_each_face_imports_on_its_own_without_what_depends_on_it(face: str) -> None:
    # A fresh interpreter per face: an import cycle shows when that face comes first.
    code = f"import sys, {face}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    top = face.split(".")[0]
    assert not loaded & set(NEVER.get(top, ())), f"import {face} loads {loaded & set(NEVER[top])}"


@pytest.mark.parametrize("face", FACES)
def test_a_face_exports_names_it_has_once_each(face: str) -> None:
    module = importlib.import_module(face)
    names = module.__all__
    assert len(names) == len(set(names))
    assert [n for n in names if not hasattr(module, n)] == []


def test_long_calls_name_their_arguments() -> None:
    wrong = []
    for package in PACKAGES:
        for path in _sources(package):
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
                if not isinstance(node, ast.Call) or len(node.args) <= MOST_POSITIONAL:
                    continue
                callee = ast.unparse(node.func)
                if callee.rpartition(".")[2] not in POSITIONAL_ALLOWED:
                    wrong.append(f"{rel}:{node.lineno}: {callee} with {len(node.args)} positional")
    assert not wrong, "calls to write with keywords:\n" + "\n".join(wrong)


# The legacy attrition field has one reader (docs/dev/hiring_plan.md, section 2.1): the
# staffing rule that maps it to leavers a year; its model declares it. Calibration writes
# the YAML key (a string in a field path or a mapping), which is not an attribute read,
# so only ``.new_hires_per_year`` on an object counts.
LEGACY_ATTRITION = "new_hires_per_year"
LEGACY_ATTRITION_HOMES = {"sim/scenario/team.py", "sim/rules/staffing.py"}


def _attribute_reads(path: Path, attr: str) -> list[int]:
    """Lines of a file that read ``<object>.<attr>``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == attr
    ]


def test_legacy_attrition_is_read_only_by_the_staffing_rule() -> None:
    reads = {
        path.relative_to(ROOT).as_posix(): lines
        for package in (*PACKAGES, "calibrate", "benchmarks")
        for path in _sources(package)
        if (lines := _attribute_reads(path, LEGACY_ATTRITION))
    }
    wrong = [f"{f}:{lines}" for f, lines in reads.items() if f not in LEGACY_ATTRITION_HOMES]
    assert not wrong, "read staffing.leavers_per_year instead:\n" + "\n".join(wrong)
    # The check sees attribute reads at all: the rule itself reads the field.
    assert "sim/rules/staffing.py" in reads


# openpyxl's read-only workbook keeps its file open until ``close()``; a test that drops it
# leaves the garbage collector to close it, which pytest (warnings are errors) reports as
# an unraisable ResourceWarning in whichever test runs next (CI of stop 25 failed so).
# A fully loaded workbook closes its file when loading ends.
def _read_only_workbooks(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func).endswith("load_workbook")
        and any(k.arg == "read_only" for k in node.keywords)
    ]


def test_no_workbook_is_left_open(tmp_path: Path) -> None:
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for package in (*PACKAGES, "calibrate", "tests", "scripts")
        for path in _sources(package)
        if (lines := _read_only_workbooks(path))
    }
    assert not found, f"load the workbook fully (read_only leaves its file open): {found}"
    # The check sees such calls at all.
    fixture = "import openpyxl\nopenpyxl.load_workbook('x.xlsx', read_only=True)\n"
    probe = tmp_path / "probe.py"
    probe.write_text(fixture, encoding="utf-8")
    assert _read_only_workbooks(probe) == [2]
