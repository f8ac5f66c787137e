"""`ptdesk` and `python -m ptdesk`: the window by default, or a command (audit, rules ...).

The GUI and the commands are two faces of the same services (DESIGN.md §1).
"""

import argparse
import logging
import sys
from collections.abc import Sequence

from ptdesk import __version__
from ptdesk.app.paths import app_paths

log = logging.getLogger(__name__)

# Modules that add a subcommand: each has register(subparsers) and sets `handler`.
_COMMAND_MODULES: tuple[str, ...] = (
    "ptdesk.app.cli_audit",
    "ptdesk.app.cli_demo",
    "ptdesk.app.cli_rules",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ptdesk",
        description="Front-desk software for physical-therapy clinics. "
        "With no command, opens the window.",
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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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

    try:
        result = handler(args)  # type: ignore[operator]
        return int(result)
    except DomainError as exc:
        print(f"ptdesk: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ptdesk: interrupted", file=sys.stderr)
        return 130
    except Exception:
        log.exception("command %s failed", args.command)
        print(
            "ptdesk: an unexpected error stopped the command; details are in the log file",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
