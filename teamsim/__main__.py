"""``python -m teamsim``."""

from teamsim.cli import main

# Guarded: worker processes started by spawn or forkserver import __main__ again.
if __name__ == "__main__":
    main()
