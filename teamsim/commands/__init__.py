"""One module per ``teamsim`` command, each with a ``register(app)`` function."""
