"""`ptdesk board [--date YYYY-MM-DD] [--format json|csv] [--out PATH]`: the practice board as
of a day, ordered by chart so two exports compare byte for byte."""

import argparse
import csv
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO

from ptdesk.app.cli_import import add_database_options
from ptdesk.app.cli_output import emit_text


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "board", help="the practice board as of a day, as JSON or CSV",
        description="Every active patient: status, the check-in decision, the reasons, and "
        "each authorization's counts. Visits on or before the day count as used when "
        "checked in or completed; later ones as booked.")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--out", type=Path, metavar="PATH", help="write here instead of stdout")
    add_database_options(p)
    p.set_defaults(handler=run)


def write_board(args: argparse.Namespace, out: TextIO) -> None:
    from ptdesk.app.clock import local_now, local_today
    from ptdesk.app.context import open_context
    from ptdesk.services.exports.board_export import (
        BOARD_CSV_COLUMNS,
        board_csv_rows,
        board_document,
        board_lines,
    )

    day = args.date or local_today()
    # Stored times are aware (storage.types.Instant); a past day is seen from its noon, in the
    # desk's own zone.
    now = (local_now() if args.date is None
           else datetime.combine(day, time(12, 0)).astimezone())
    ctx = open_context(args)
    try:
        lines = board_lines(ctx.session_factory, day, now)
    finally:
        ctx.close()
    if args.format == "json":
        out.write(json.dumps(board_document(lines, day), indent=2, ensure_ascii=False) + "\n")
    else:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(BOARD_CSV_COLUMNS)
        w.writerows(board_csv_rows(lines))


def run(args: argparse.Namespace) -> int:
    return emit_text(args.out, lambda f: write_board(args, f), "board")
