"""`ptdesk verify-audit`: check that no audit entry was changed or removed (the hash chain).

Exit 0: intact (the count is printed); 1: the first broken entry is named.
"""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "verify-audit", help="check the audit trail's hash chain (exit 1 if broken)",
        description="Walk the audit trail in order and recompute each entry's hash over the "
        "previous one: an entry changed or deleted after it was written is named.")
    p.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    p.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS)
    p.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from ptdesk.app.context import open_context
    from ptdesk.services.accounts.audit_log import AuditLogService

    ctx = open_context(args)
    try:
        check = AuditLogService(ctx.session_factory).verify()
    finally:
        ctx.close()
    if check.intact:
        print(f"audit trail intact: {check.entries} entries")
        return 0
    print(f"audit trail BROKEN at entry {check.broken_id}: {check.problem} "
          f"({check.entries} entries before it are intact)")
    return 1
