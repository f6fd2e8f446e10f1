"""The secret key of the pseudonyms: given, from the environment, or a per-user key file.

A pseudonym is the name's HMAC under this key (:func:`calibrate.pseudonyms`), so the key
must be secret (anyone who has it can rebuild the mapping by hashing candidate names) and
the same from one run to the next (the same person gets the same pseudonym in every
report). Neither holds for a key taken from an output file's name; a random key kept in
the user's configuration folder holds both.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sim import TeamsimError

__all__ = ["KEY_BYTES", "PSEUDONYM_KEY_ENV", "pseudonym_key_file", "resolve_pseudonym_key"]

PSEUDONYM_KEY_ENV = "TEAMSIM_PSEUDONYM_KEY"
# 256 bits: the size of HMAC-SHA256's block output; more adds nothing (RFC 2104, sec. 3).
KEY_BYTES = 32


def pseudonym_key_file() -> Path:
    """Where the per-user key lives: ``$XDG_CONFIG_HOME/teamsim/pseudonym.key``.

    ``$XDG_CONFIG_HOME`` when it is set to an absolute path, else ``~/.config`` (the XDG
    Base Directory Specification, which says a relative value is to be ignored).
    """
    config = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return root / "teamsim" / "pseudonym.key"


def _create(path: Path) -> str | None:
    """Write a new random key to ``path`` readable by its owner only; None if it exists.

    O_EXCL: two runs starting at once must not each write a key of their own (the second
    would change the pseudonyms of the first); the loser reads the winner's key.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    # The umask can only take permissions away, yet a file created 0600 under a strange
    # umask is still checked: the key must not be readable by others.
    os.chmod(path, 0o600)
    return key


def _read(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise TeamsimError(
            f"pseudonym key file {path} is empty: delete it (a new key is then made, and "
            "pseudonyms change) or write the key you used before into it"
        )
    return key


def resolve_pseudonym_key(given: str | None) -> tuple[str, str]:
    """The pseudonyms' key and where it came from, for a message (never the key itself).

    In order: ``given`` (the command's ``--key``) when not empty; ``$TEAMSIM_PSEUDONYM_KEY``
    when set and not empty; else the key file :func:`pseudonym_key_file`, created on
    first use with ``secrets.token_hex(32)`` (64 hex characters), mode 0600, its folder
    created as needed.

    Returns:
        (key, source): source is "--key", "$TEAMSIM_PSEUDONYM_KEY", "key file PATH" or
        "key file PATH (created now)".

    Raises:
        TeamsimError: The key file cannot be read or written (the message names it), or
            it is empty.
    """
    if given:
        return given, "--key"
    env = os.environ.get(PSEUDONYM_KEY_ENV)
    if env:
        return env, f"${PSEUDONYM_KEY_ENV}"
    path = pseudonym_key_file()
    try:
        created = None if path.is_file() else _create(path)
        if created is not None:
            return created, f"key file {path} (created now)"
        return _read(path), f"key file {path}"
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TeamsimError(
            f"pseudonym key file {path}: cannot be read or written: {why}; give the key "
            f"with --key or ${PSEUDONYM_KEY_ENV}"
        ) from None
