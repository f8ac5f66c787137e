"""`ptdesk rules import FILE` and `ptdesk rules list`: the billing rule tables."""

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ptdesk.domain.words import plural

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("rules", help="billing rule tables: list them, import CMS files")
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    imp = sub.add_parser(
        "import",
        help="import a CMS quarterly MUE or NCCI PTP file (CSV or tab-delimited text)",
    )
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.set_defaults(handler=run)
    lst = sub.add_parser("list", help="show each rule table with its version, source, confidence")
    lst.set_defaults(handler=run)
    p.set_defaults(handler=run)


def _run_list(args: argparse.Namespace) -> int:
    from ptdesk.storage.rule_tables import load_bundled_ruleset

    try:
        from ptdesk.app.context import open_context
        from ptdesk.storage.engine import session_scope
        from ptdesk.storage.rule_tables import load_ruleset

        ctx = open_context(args)
        try:
            with session_scope(ctx.session_factory) as s:
                rules = load_ruleset(s)
        finally:
            ctx.close()
    except Exception as exc:
        log.warning("clinic database unavailable for rules list: %s", type(exc).__name__)
        print("(clinic database unavailable: showing the bundled tables only)", file=sys.stderr)
        rules = load_bundled_ruleset()
    for t in rules.tables:
        print(f"{t.name}: version {t.version}; {plural(t.rows, 'row')}")
        print(f"    source: {t.source}")
        print(f"    confidence: {t.confidence}")
    return 0


def _run_import(args: argparse.Namespace) -> int:
    from ptdesk.app.context import open_context
    from ptdesk.services.billing.rule_data import RuleImportError, import_rule_file
    from ptdesk.storage.rule_tables import load_bundled_ruleset

    path: Path = args.file
    if not path.is_file():
        print(f"ptdesk rules import: {path} is not a file", file=sys.stderr)
        return 2
    try:
        ctx = open_context(args)
    except Exception as exc:
        print(f"ptdesk rules import: cannot open the clinic database ({exc})", file=sys.stderr)
        return 2
    try:
        result = import_rule_file(
            ctx.session_factory, path, load_bundled_ruleset(), datetime.now(UTC)
        )
    except RuleImportError as exc:
        print(f"ptdesk rules import: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        log.exception("rule import failed")
        print(
            f"ptdesk rules import: the import failed ({type(exc).__name__}); see the log",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()
    span = ""
    if result.effective_from:
        span = f", for dates {result.effective_from} to {result.effective_to}"
    print(
        f"Imported {result.kind.upper()} table {result.version}{span}: "
        f"{plural(result.rows_kept, 'row')} for ptdesk's codes (of {result.rows_read:,} in the "
        "file)."
    )
    return 0


def run(args: argparse.Namespace) -> int:
    if getattr(args, "rules_command", None) == "import":
        return _run_import(args)
    return _run_list(args)
