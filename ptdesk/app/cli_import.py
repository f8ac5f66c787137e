"""`ptdesk import KIND FILE.csv [--dry-run] [--format text|json]`: move a clinic in.

Exit 0 when every row was imported, 1 when some rows were refused (the good ones are
imported), 2 when the file could not be read (nothing imported). Rows and names are never
logged; the refused rows are printed with their line numbers for the person importing.
"""

import argparse
import json
import sys
from pathlib import Path

from ptdesk.domain.imports.columns import ImportKind


def add_database_options(p: argparse.ArgumentParser) -> None:
    """Also accepted after the command (SUPPRESS keeps the values given before it)."""
    p.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    p.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS)
    p.add_argument("--demo", action="store_true", default=argparse.SUPPRESS)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "import", help="import payers, patients, coverages, authorizations or visits from CSV",
        description="Import one CSV file (header row; comma or semicolon; UTF-8 or "
        "Windows-1252). Rows are matched on their key and updated, never duplicated; one "
        "transaction: a failure leaves the database as it was. Import in this order: payers, "
        "patients, coverages, authorizations, visits.")
    p.add_argument("kind", choices=[k.value for k in ImportKind], metavar="KIND",
                   help="payers, patients, coverages, authorizations or visits")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--dry-run", action="store_true",
                   help="check every row and report, import nothing")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_database_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.app.clock import local_today
    from ptdesk.app.context import open_context
    from ptdesk.services.imports.reader import ImportFileError, read_bytes
    from ptdesk.services.imports.service import ImportService

    kind = ImportKind(args.kind)
    try:
        data = read_bytes(args.file)
        ImportService.read(kind, data)
    except ImportFileError as exc:
        print(f"ptdesk import: cannot read the file: {exc}", file=sys.stderr)
        return 2
    ctx = open_context(args)
    try:
        report = ImportService(ctx.session_factory).run(
            kind, data, today=local_today(), dry_run=args.dry_run)
    except ImportFileError as exc:
        print(f"ptdesk import: cannot read the file: {exc}", file=sys.stderr)
        return 2
    finally:
        ctx.close()
    if args.format == "json":
        print(json.dumps({
            "kind": kind.value, "file": str(args.file), "dry_run": report.dry_run,
            "rows": report.rows_read, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": [{"line": p.line, "reason": p.reason} for p in report.problems],
            "notes": [{"line": p.line, "note": p.reason} for p in report.notes],
            "columns": {c.column: c.header for c in report.preview.columns},
            "ignored_columns": list(report.preview.ignored),
            "encoding": report.preview.encoding, "delimiter": report.preview.delimiter,
        }, indent=2, ensure_ascii=False))
    else:
        verb = "Checked (dry run, nothing imported)" if report.dry_run else "Imported"
        print(f"{verb} {kind.value} from {args.file}: {report.rows_read:,} rows, "
              f"{report.created:,} new, {report.updated:,} updated, "
              f"{report.unchanged:,} unchanged, {len(report.problems):,} refused.")
        for prob in report.problems:
            print(f"  line {prob.line}: {prob.reason}")
        if report.notes:
            print(f"{len(report.notes):,} rows imported with a note:")
            for note in report.notes[:50]:
                print(f"  line {note.line}: {note.reason}")
            if len(report.notes) > 50:
                print(f"  ... and {len(report.notes) - 50:,} more (--format json lists all)")
    return 1 if report.problems else 0
