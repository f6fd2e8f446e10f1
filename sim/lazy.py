"""Faces that import a name when it is first asked for, so a command's ``--help`` stays light.

A face lists its names once, as the imports of an ``if TYPE_CHECKING:`` block (what mypy
and readers see) and in ``__all__``; :func:`lazy_face` reads that block and loads each
module behind the face on the first use of one of its names: ``from sim import
TeamsimError`` loads :mod:`sim.errors`, not the runner, pandas and SciPy.
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path
from typing import Any


class _Face(types.ModuleType):
    """A package whose exported names load on first access."""

    _behind: dict[str, tuple[str, str]]  # name -> (module, name there)

    def __getattr__(self, name: str) -> Any:
        # Called only when the name is not yet in the module's namespace.
        found = self.__dict__["_behind"].get(name)
        if found is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(found[0]), found[1])
        types.ModuleType.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Loading a submodule binds it to its package (``sim.diagnose``); where the face
        # exports a name of that spelling (the function ``diagnose``), the face's name wins,
        # as it did when the face imported everything at once.
        if (
            isinstance(value, types.ModuleType)
            and name in self.__dict__["_behind"]
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            return
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.__dict__["_behind"]))


def _behind(source: str) -> dict[str, tuple[str, str]]:
    """Each name imported in the ``if TYPE_CHECKING:`` blocks of a face's source."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom) and imp.module and not imp.level:
                    for alias in imp.names:
                        found[alias.asname or alias.name] = (imp.module, alias.name)
    return found


def lazy_face(name: str) -> None:
    """Make the package ``name`` (a face) load its ``TYPE_CHECKING`` imports on first use."""
    module = sys.modules[name]
    path = Path(module.__file__ or "")
    behind = _behind(path.read_text(encoding="utf-8"))
    missing = sorted(set(getattr(module, "__all__", ())) - behind.keys() - module.__dict__.keys())
    if missing:  # a name in __all__ that nothing would load: the face's own mistake
        raise ImportError(f"{name}: __all__ names {', '.join(missing)}, which it never imports")
    module.__dict__["_behind"] = behind
    module.__class__ = _Face
