"""`ptdesk audit FILE [--format json|csv] [--out PATH]`: the retrospective billing audit.

Exit 0 when the file was audited (findings or not), 2 when it could not be read, with one line
on stderr. No traceback reaches the user; rows and patient ids are never logged.
"""

import argparse
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO, cast

from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.words import plural
from ptdesk.services.billing.audit import AuditInputError, audit_stream, open_audit_file
from ptdesk.services.billing.audit_output import CSV_COLUMNS

log = logging.getLogger(__name__)
_POOL_FROM_BYTES = 4 << 20  # below this a pool costs more than it saves


COLUMNS_HELP = f"""\
input columns (header row; any order; names as below; other columns are ignored):
  required
    visit_id            one visit's rows together (rows of a visit must be contiguous)
    date                date of service: YYYY-MM-DD or MM/DD/YYYY
    payer_type          medicare, medicare_advantage, medicaid, commercial,
                        workers_comp or self_pay
    code                CPT/HCPCS code billed, e.g. 97110
    minutes             minutes of that code (whole number; 0 for untimed codes)
  optional
    patient_id          echoed in the output (never logged)
    unit_method         cms (total timed minutes; the default when blank) or ama
                        (each code on its own 8-minute rule)
    assistant_minutes   minutes the PTA furnished independently (CQ de minimis rule)
    billed_units        units that were billed, compared with the recomputed units
    billed_modifiers    modifiers billed: "GP KX", "GP,CQ" or "GP;59"
    ytd_allowed_before  Medicare: PT+SLP allowed amount this year before the visit (KX)
    allowed_amount      allowed amount of the line, in dollars
    auth_visits         visits the authorization allows
    auth_start          authorization start (YYYY-MM-DD or MM/DD/YYYY)
    auth_end            authorization end (YYYY-MM-DD or MM/DD/YYYY)
    auth_codes          codes the authorization names, e.g. "97110 97112"
    visit_number        this visit's number under the authorization

output (--format json): {{"visits": [{{visit_id, date, patient_id, total_timed_minutes,
  lines: [{{code, minutes, units, modifiers, ...}}], findings: [...], explanation}}],
  "summary": {{visits, lines, invalid_rows, findings_by_rule, units_overbilled,
  units_underbilled}}}}
output (--format csv): one row per finding with the columns
  {", ".join(CSV_COLUMNS)}
  (row: the input row; source and table_version: the rule and the table it came from)

A row that cannot be read is reported as an INVALID_ROW finding naming the row and the
field; the rest of the file is still audited. Exit 0 when the file was audited (with or
without findings), 2 when it could not be read.

example:
  ptdesk audit claims.csv --format csv --out findings.csv
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "audit",
        help="recompute billed units and modifiers from a CSV of past service lines",
        description="Audit past service lines (CSV, one row per line, header row) and report "
        "every difference from what should have been billed.",
        epilog=COLUMNS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", type=Path, help="CSV file of service lines")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format")
    p.add_argument("--out", metavar="PATH", type=Path, help="write here instead of stdout")
    p.add_argument(
        "--bundled-rules",
        action="store_true",
        help="use only the rule tables shipped with ptdesk (ignore the clinic's imports)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes that audit in parallel (default: 2 for a file over 4 MB when the "
        "computer has 2 cores or more, else 1)",
    )
    p.set_defaults(handler=run)


def _load_rules(args: argparse.Namespace) -> tuple[RuleSet, str]:
    from ptdesk.storage.rule_tables import load_bundled_ruleset

    if getattr(args, "bundled_rules", False):
        return load_bundled_ruleset(), "bundled tables"
    try:
        from ptdesk.app.context import open_context
        from ptdesk.storage.engine import session_scope
        from ptdesk.storage.rule_tables import load_ruleset

        ctx = open_context(args)
        try:
            with session_scope(ctx.session_factory) as s:
                return load_ruleset(s), "bundled tables + clinic imports"
        finally:
            ctx.close()
    except Exception as exc:  # the audit still works on the bundled tables
        log.warning("clinic rule imports unavailable, using bundled tables: %s", type(exc).__name__)
        return load_bundled_ruleset(), "bundled tables (clinic database unavailable)"


class _Progress:
    def __init__(self, stream: TextIO, total_bytes: int) -> None:
        self.stream = stream
        self.total = max(total_bytes, 1)
        self.start = time.monotonic()

    def __call__(self, rows: int, done_bytes: int) -> None:
        frac = min(done_bytes / self.total, 1.0)
        filled = int(frac * 30)
        rate = rows / max(time.monotonic() - self.start, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {frac:6.1%} {rows:,} rows {rate:,.0f}/s"
        )
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _workers(f: TextIO, asked: int | None) -> int:
    """Worker processes for the audit: one per core for a large file, none for a small one."""
    if asked is not None:
        return max(1, min(asked, 8))
    try:
        size = os.fstat(f.fileno()).st_size
    except (OSError, ValueError):
        return 1
    if size < _POOL_FROM_BYTES:
        return 1
    return max(1, min(2, len(os.sched_getaffinity(0))))


def _scratch(out_path: Path | None) -> TextIO:
    """Where the report is written first: a temporary file beside the destination (moved into
    place when complete), or a spooled buffer for stdout, so a failure leaves no half report."""
    if out_path is None:
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by _deliver or _discard)
            max_size=8 << 20, mode="w+", encoding="utf-8", newline=""
        )
        return cast(TextIO, spool)
    folder = out_path.parent
    part = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by _deliver/_discard)
        "w", encoding="utf-8", newline="", dir=folder, prefix=f".{out_path.name}.",
        suffix=".part", delete=False,
    )
    return cast(TextIO, part)


def _deliver(out: TextIO, out_path: Path | None) -> None:
    if out_path is None:
        out.seek(0)
        shutil.copyfileobj(out, sys.stdout, 1 << 20)
        sys.stdout.flush()
        out.close()
        return
    out.flush()
    os.fsync(out.fileno())
    out.close()
    os.replace(out.name, out_path)


def _discard(out: TextIO) -> None:
    name = getattr(out, "name", None)
    out.close()
    if isinstance(name, str):
        with contextlib.suppress(OSError):
            os.unlink(name)


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    out_path: Path | None = args.out
    try:
        f = open_audit_file(path)
    except AuditInputError as exc:
        print(f"ptdesk audit: cannot read the file: {exc}", file=sys.stderr)
        return 2
    progress = None
    if sys.stderr.isatty():
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        bar = _Progress(sys.stderr, size)
        raw = f.buffer

        def progress(rows: int) -> None:
            try:
                done = raw.tell()
            except OSError:
                done = 0
            bar(rows, done)

    out: TextIO
    try:
        rules, label = _load_rules(args)
        try:
            out = _scratch(out_path)
        except OSError as exc:
            print(f"ptdesk audit: cannot write {out_path}: {exc.strerror}", file=sys.stderr)
            return 2
        try:
            summary = audit_stream(
                f, out, args.format, rules, progress, _workers(f, getattr(args, "workers", None))
            )
            _deliver(out, out_path)
        except BaseException:
            _discard(out)
            raise
        if progress is not None:
            bar.end()
    except AuditInputError as exc:
        print(f"ptdesk audit: cannot read the file: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ptdesk audit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("audit failed")
        print(
            f"ptdesk audit: the audit stopped unexpectedly ({type(exc).__name__}); "
            "see the log for details",
            file=sys.stderr,
        )
        return 1
    finally:
        f.close()
    if sys.stderr.isatty():
        print(
            f"Audited {plural(summary.visits, 'visit')}, {plural(summary.lines, 'line')} with "
            f"{label}: {plural(sum(summary.findings_by_rule.values()), 'finding')}.",
            file=sys.stderr,
        )
    return 0
