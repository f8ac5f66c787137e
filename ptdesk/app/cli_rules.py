"""`ptdesk rules import FILE` and `ptdesk rules list`: the billing rule tables, and the
ICD-10-CM code sets diagnoses are checked against (CMS's yearly order or codes file)."""

import argparse
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ptdesk.domain.words import plural

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("rules", help="billing rule tables: list them, import CMS files")
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    imp = sub.add_parser(
        "import",
        help="import a CMS quarterly MUE or NCCI PTP file (CSV or tab-delimited text), or "
             "CMS's yearly ICD-10-CM order or codes file (icd10cm_order_YYYY.txt)",
    )
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.add_argument("--effective", metavar="YYYY-MM-DD", default=None,
                     help="ICD-10-CM only: the first date of service the code set is in force "
                          "(default: from the file name, FY2027 = 2026-10-01, an April update "
                          "= April 1)")
    imp.add_argument("--allow-retiring", action="store_true",
                     help="ICD-10-CM only: import a file that drops more than 5%% of the codes "
                          "in force (refused otherwise: most likely a partial download)")
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
    _list_icd(args)
    return 0


def _list_icd(args: argparse.Namespace) -> None:
    from ptdesk.services.billing.icd10_import import icd_sets

    try:
        from ptdesk.app.context import open_context

        ctx = open_context(args)
        try:
            sets = icd_sets(ctx.session_factory)
        finally:
            ctx.close()
    except Exception as exc:
        log.warning("clinic database unavailable for the ICD-10-CM sets: %s", type(exc).__name__)
        sets = icd_sets(None)
    for c in sets:
        print(f"ICD-10-CM code set: version {c.name}, in force {c.effective_from} to "
              f"{c.effective_to}; {plural(c.codes, 'billable code')}")
        print(f"    source: {c.source}")


def _effective(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--effective: {text!r} is not a date (YYYY-MM-DD)") from None


def _run_icd_import(args: argparse.Namespace, ctx: object) -> int:
    from ptdesk.domain.icd10_release import IcdFileError
    from ptdesk.services.billing.icd10_import import import_icd_release

    try:
        result = import_icd_release(ctx.session_factory, args.file,  # type: ignore[attr-defined]
                                    datetime.now(UTC), _effective(args.effective),
                                    allow_retiring=args.allow_retiring)
    except (IcdFileError, ValueError) as exc:
        print(f"ptdesk rules import: {exc}", file=sys.stderr)
        return 2
    changes = ""
    if result.retired or result.added:
        changes = (f" ({result.added:,} new, {result.retired:,} retired since the set in force "
                   "the day before)")
    print(f"Imported {result.name} from {result.file_name}: {plural(result.codes, 'billable code')}"
          f"{changes}, for dates of service {result.effective_from} to {result.effective_to}.")
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
        if args.effective is not None or _is_icd(path):
            return _run_icd_import(args, ctx)
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


def _is_icd(path: Path) -> bool:
    from ptdesk.domain.icd10_release import looks_like_icd

    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            first = [f.readline() for _ in range(3)]
    except OSError:
        return False
    return looks_like_icd(first, path.name)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "rules_command", None) == "import":
        return _run_import(args)
    return _run_list(args)
