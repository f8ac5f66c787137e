"""The command line's way to unlock an encrypted database: the environment variable
PTDESK_PASSPHRASE (the passphrase or the recovery key), else a prompt that does not echo when
a person is at a terminal. Never an argument: any account on the computer can read a command
line (ps, /proc/<pid>/cmdline)."""

import getpass
import os
import sys

from ptdesk.domain.errors import DomainError

ENV_PASSPHRASE = "PTDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "PTDESK_NEW_PASSPHRASE"


class NotUnlocked(DomainError):
    """The encrypted database's secret was not given, or did not open it."""


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


class CommandLineSecret:
    """Once from the environment (a wrong one stops the command), or up to three prompts."""

    def __init__(self) -> None:
        self._prompts = 0
        self.last: str | None = None  # the secret given last (`encryption passphrase` reuses it)

    def __call__(self, problem: str | None) -> str | None:
        self.last = self._ask(problem)
        return self.last

    def _ask(self, problem: str | None) -> str | None:
        if os.environ.get(ENV_PASSPHRASE):
            if problem is not None:
                raise NotUnlocked(f"{ENV_PASSPHRASE}: {problem}")
            return os.environ[ENV_PASSPHRASE]
        if not _interactive():
            raise NotUnlocked("The database is encrypted: set PTDESK_PASSPHRASE to its "
                              "passphrase or recovery key, or run the command in a terminal "
                              "to be asked.")
        if problem is not None:
            print(f"ptdesk: {problem}", file=sys.stderr)
            if self._prompts >= 3:
                raise NotUnlocked(problem)
        self._prompts += 1
        return getpass.getpass("Passphrase or recovery key of the clinic's database: ") or None


def new_passphrase_on_command_line() -> tuple[str, str]:
    """A new passphrase: PTDESK_NEW_PASSPHRASE, else typed twice at a terminal."""
    if os.environ.get(ENV_NEW_PASSPHRASE):
        value = os.environ[ENV_NEW_PASSPHRASE]
        return value, value
    if not _interactive():
        raise NotUnlocked("Set PTDESK_NEW_PASSPHRASE to the new passphrase, or run the "
                          "command in a terminal to be asked.")
    first = getpass.getpass("New passphrase (at least 10 characters): ")
    return first, getpass.getpass("The same passphrase again: ")
