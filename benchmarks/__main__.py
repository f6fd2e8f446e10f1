"""Run every ``bench_*`` module's ``main()``, in name order (or only those named)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def discover() -> list[str]:
    """Names of the benchmark modules in this package, e.g. ``bench_sim``."""
    found = pkgutil.iter_modules(benchmarks.__path__)
    return sorted(m.name for m in found if m.name.startswith("bench_") and not m.ispkg)


def main(argv: list[str]) -> int:
    names = discover()
    wanted = [a if a.startswith("bench_") else f"bench_{a}" for a in argv]
    unknown = [w for w in wanted if w not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(names)}")
        return 2
    for name in wanted or names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
