"""`ptdesk export KIND|visits|fhir`: what ptdesk knows, out.

- `export payers|patients|coverages|authorizations|visits`: CSV in exactly the import format
  (every row; `ptdesk import` reads it back).
- `export visits --from D --to D [--format csv|json]`: the completed visits' lines as ptdesk
  billed them, in the input format of `ptdesk audit`.
- `export fhir --patient CHART [--out FILE.json]`: a FHIR R4 Bundle (Patient, Coverage,
  a preauthorization Claim per renewal request).
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from ptdesk.app.cli_board import _day
from ptdesk.app.cli_import import add_database_options
from ptdesk.app.cli_output import emit_text
from ptdesk.domain.imports.columns import ImportKind


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "export", help="export a kind as CSV (import format), billed lines, or FHIR",
        description="KIND payers/patients/coverages/authorizations/visits: every row as CSV in "
        "the import format. 'visits --from D --to D': the completed visits' billed lines in "
        "the input format of 'ptdesk audit'. 'fhir --patient CHART': a FHIR R4 Bundle.")
    p.add_argument("what", choices=[*(k.value for k in ImportKind), "fhir"], metavar="KIND",
                   help="payers, patients, coverages, authorizations, visits or fhir")
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD",
                   help="visits: first day of billed lines (with --to)")
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD",
                   help="visits: last day of billed lines (with --from)")
    p.add_argument("--format", choices=("csv", "json"), default=None,
                   help="billed lines: csv (default) or json")
    p.add_argument("--patient", metavar="CHART", help="fhir: the patient's chart number")
    p.add_argument("--out", type=Path, metavar="PATH", help="write here instead of stdout")
    add_database_options(p)
    p.set_defaults(handler=run)


def _check(args: argparse.Namespace) -> str | None:
    lines = args.start is not None or args.end is not None
    if args.what == "fhir":
        if not args.patient:
            return "--patient: give the chart number of the patient to export"
    elif lines and args.what != "visits":
        return "--from/--to: only for 'export visits' (billed lines)"
    if lines and (args.start is None or args.end is None):
        return "--from/--to: give both days"
    if lines and args.end < args.start:
        return "--to: the last day is before the first"
    if args.format is not None and not lines and args.what != "fhir" and args.format != "csv":
        return "--format: the import-format export is CSV only"
    return None


def _write(args: argparse.Namespace, out: TextIO) -> None:
    from ptdesk.app.clock import local_today
    from ptdesk.app.context import open_context

    today: date = local_today()
    ctx = open_context(args)
    try:
        if args.what == "fhir":
            from ptdesk.services.exports.fhir import fhir_bundle

            bundle = fhir_bundle(ctx.session_factory, args.patient, today)
            out.write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
        elif args.start is not None:
            from ptdesk.services.exports.billed_lines import write_billed_lines

            write_billed_lines(ctx.session_factory, args.start, args.end, out,
                               args.format or "csv")
        else:
            from ptdesk.services.exports.kinds import write_kind

            write_kind(ctx.session_factory, ImportKind(args.what), out, today)
    finally:
        ctx.close()


def run(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem is not None:
        print(f"ptdesk export: {problem}", file=sys.stderr)
        return 2
    return emit_text(args.out, lambda f: _write(args, f), "export")
