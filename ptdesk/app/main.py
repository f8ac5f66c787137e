"""`ptdesk` and `python -m ptdesk`: the window by default, or a command (audit, rules ...).

The GUI and the commands are two faces of the same services (docs/architecture.md §1).
"""

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from ptdesk import __version__
from ptdesk.app.paths import app_paths

log = logging.getLogger(__name__)

# Modules that add a subcommand: each has register(subparsers) and sets `handler`.
_COMMAND_MODULES: tuple[str, ...] = (
    "ptdesk.app.cli_audit",
    "ptdesk.app.cli_backup",
    "ptdesk.app.cli_board",
    "ptdesk.app.cli_demo",
    "ptdesk.app.cli_encryption",
    "ptdesk.app.cli_estimate",
    "ptdesk.app.cli_export",
    "ptdesk.app.cli_import",
    "ptdesk.app.cli_rules",
    "ptdesk.app.cli_users",
    "ptdesk.app.cli_verify_audit",
)


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ptdesk",
        description="Front-desk software for physical-therapy clinics. "
        "With no command, opens the window.",
        add_help=with_commands,
        exit_on_error=with_commands,
    )
    parser.add_argument("--version", action="version", version=f"ptdesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder for the database, backups and logs (default: PTDESK_DATA_DIR, "
        "then the platform's user data folder)",
    )
    parser.add_argument(
        "--db-url",
        metavar="URL",
        help="any SQLAlchemy database URL, e.g. postgresql+psycopg://user@server/ptdesk "
        "for several front-desk computers sharing one database",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the synthetic demo clinic (created on first use)"
    )
    parser.add_argument(
        "--smoke-test", action="store_true", help=argparse.SUPPRESS
    )  # opens the window, closes it, prints the platform: for CI and packaging checks
    if not with_commands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. Opening the window (no command: the everyday start) does not import
    the command modules, some of which load the billing engine (issue 3: start-up time)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(a in ("-h", "--help") for a in argv):
        try:
            args, rest = build_parser(with_commands=False).parse_known_args(argv)
        except argparse.ArgumentError:
            rest = ["(let the full parser say what is wrong)"]
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from ptdesk.app.logging_setup import configure_logging

    paths = app_paths(args.data_dir, demo=args.demo)
    try:
        configure_logging(paths.logs_dir)
    except OSError as exc:
        print(f"ptdesk: cannot write to the data folder {paths.data_dir}: {exc}", file=sys.stderr)
        return 2
    handler = getattr(args, "handler", None)
    if handler is not None:
        return run_command(handler, args)
    from ptdesk.app.gui import run_gui

    return run_gui(args)


def run_command(handler: object, args: argparse.Namespace) -> int:
    """Run a subcommand; a user never sees a traceback, only one clear line."""
    from ptdesk.domain.errors import DomainError
    from ptdesk.storage.actor import command_line_actor, set_actor

    # A command that writes the clinic's database is recorded in the audit trail as
    # "command line: <os account>" (issue 12); nobody signs in on a command line.
    set_actor(command_line_actor())
    try:
        result = handler(args)  # type: ignore[operator]
        return int(result)
    except DomainError as exc:
        print(f"ptdesk: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ptdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`ptdesk board | head`): not an error of ptdesk's. Point stdout
        # at /dev/null so the interpreter's final flush does not fail again, and exit as a
        # Unix filter killed by SIGPIPE would (128 + 13), quietly.
        # ValueError: no real file behind stdout (io.UnsupportedOperation).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:
        log.exception("command %s failed", args.command)
        print(
            "ptdesk: an unexpected error stopped the command; details are in the log file",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
