"""`ptdesk verify-audit`: check that no audit entry was changed or removed (the hash chain),
and that the trail still reaches the head this computer last saw (so the newest entries
were not deleted from its end: storage/audit_anchor.py, with its limits).

Exit 0: intact (the count and the head are printed, and the head is remembered);
1: the first broken entry is named, or the trail ends before the remembered head.
"""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = subparsers.add_parser(
        "verify-audit", help="check the audit trail's hash chain (exit 1 if broken)",
        description="Walk the audit trail in order and recompute each entry's hash over the "
        "previous one: an entry changed or deleted after it was written is named. The trail "
        "must also still reach the last entry this computer saw (its head, kept in the data "
        "folder): deleting the newest entries is detected too. The head is printed: keep it "
        "elsewhere as well for a check that does not rely on this computer.")
    p.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    p.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS)
    p.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from ptdesk.app.clock import local_now
    from ptdesk.app.context import open_context
    from ptdesk.services.accounts.audit_anchor import AuditAnchorService
    from ptdesk.services.accounts.audit_log import AuditLogService

    ctx = open_context(args)
    try:
        check = AuditLogService(ctx.session_factory).verify()
        anchors = AuditAnchorService(ctx.session_factory, ctx.paths.root, local_now)
        anchored = anchors.check_and_remember() if check.intact else anchors.check()
    finally:
        ctx.close()
    if not check.intact:
        print(f"audit trail BROKEN at entry {check.broken_id}: {check.problem} "
              f"({check.entries} entries before it are intact)")
        return 1
    if anchored.problem is not None:
        print(f"audit trail SHORTENED: {anchored.problem} ({check.entries} entries now)")
        return 1
    head = anchored.head
    print(f"audit trail intact: {check.entries} entries")
    if head.last_id is not None:
        print(f"head: entry {head.last_id}, hash {head.hash}")
    return 0
