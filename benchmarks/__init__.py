"""Where the performance figures come from: ``python -m benchmarks`` (``make bench``).

Each module named ``bench_*.py`` here has a ``main()`` that runs its measurements and
prints them; ``python -m benchmarks`` runs them all, or only those named on the command
line (``python -m benchmarks sim``).
"""
