"""`ptdesk superbill VISIT_ID --out FILE.pdf`: a visit's summary (superbill), the same document
the window prints from the visit (services/visits/summary.py), saved all or nothing and
recorded in the audit trail as an export."""

import argparse
import sys
from pathlib import Path

from ptdesk.app.cli_import import add_database_options
from ptdesk.app.cli_output import write_atomically


def _visit_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a visit number (a positive integer)")
    return value


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "superbill", help="save a visit's summary (superbill) as PDF",
        description="The visit summary of one visit: clinic, patient, payer and member id, "
        "provider, diagnoses, each service with its charge from the fee schedule in force, "
        "and any override. A voided visit is marked VOID.")
    p.add_argument("visit_id", type=_visit_id, metavar="VISIT_ID")
    p.add_argument("--out", type=Path, metavar="FILE.pdf", required=True,
                   help="where to write the PDF")
    add_database_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ptdesk.app.context import open_context
    from ptdesk.domain.errors import DomainError
    from ptdesk.domain.permissions import Permission
    from ptdesk.services.accounts.access import require
    from ptdesk.services.visits.summary import VisitSummaryService

    try:
        require(Permission.EXPORT_DATA)  # as every export (the command line holds every role)
        ctx = open_context(args)
    except DomainError as exc:
        print(f"ptdesk superbill: {exc.message}", file=sys.stderr)
        return 2
    try:
        summaries = VisitSummaryService(ctx.session_factory)
        try:
            doc = summaries.document(args.visit_id)
        except DomainError as exc:
            print(f"ptdesk superbill: visit {args.visit_id}: {exc.message}", file=sys.stderr)
            return 2
        try:
            write_atomically(args.out, doc.pdf)
        except OSError as exc:
            print(f"ptdesk superbill: --out: cannot write {args.out} ({exc.strerror or exc})",
                  file=sys.stderr)
            return 2
        summaries.printed(doc, "export")
    finally:
        ctx.close()
    print(f"Visit summary of visit {args.visit_id} saved to {args.out}"
          + (" (marked VOID: the visit was voided)." if doc.voided else "."))
    return 0
