"""`ptdesk estimate --scenario FILE.json [--format json|pdf] [--lang en|es] [--out PATH]`.

A patient's cost estimate visit by visit, for someone who is not a patient yet (the phone
call "how much will PT cost me?"). Exit 0 when written; 2 with one line naming the field and
the problem when the scenario is not acceptable, and then nothing is written: the output is
built in memory and `--out` is replaced atomically (temp file + os.replace).

The `--patient CHART` mode (against the clinic's database) is added by the estimates desk work
(issue 11); it registers its own arguments here and dispatches in `run`.
"""

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from ptdesk.app.cli_output import write_atomically
from ptdesk.domain.errors import DomainError

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "estimate",
        help="what a patient will owe for a plan of care, visit by visit (JSON or PDF)",
        description="Estimate a patient's cost for a plan of care, visit by visit: deductible, "
        "coinsurance or copay, out-of-pocket maximum, visit limit and authorization. For "
        "uninsured and self-pay patients the PDF is a Good Faith Estimate (45 CFR 149.610).",
    )
    # one mode is required; `--patient CHART` joins this group (issue 11, the desk side)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--scenario", metavar="FILE.json", type=Path,
                      help="the scenario: payer type, benefits, fees, plan of care (see README)")
    p.add_argument("--format", choices=("json", "pdf"), default="json", help="output format")
    p.add_argument("--lang", choices=("en", "es"), default="en",
                   help="language of the PDF (English or Spanish)")
    p.add_argument("--document", choices=("auto", "estimate", "gfe"), default="auto",
                   help="PDF only: auto = Good Faith Estimate for self-pay/uninsured, "
                   "else the cost estimate")
    p.add_argument("--out", metavar="PATH", type=Path,
                   help="write here instead of stdout (required for PDF)")
    # --- issue 11, the desk side: `--patient CHART` against the clinic's database ------------
    from ptdesk.app.cli_estimate_patient import register_patient_mode

    register_patient_mode(p, mode)
    # --- end of the desk side ----------------------------------------------------------------
    p.set_defaults(handler=run)


def _fail(message: str) -> int:
    print(f"ptdesk estimate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from ptdesk.app.clock import local_today
    from ptdesk.services.estimates.scenario import estimate_scenario, render_json, render_pdf

    if getattr(args, "patient", None) is not None:  # issue 11, the desk side
        from ptdesk.app.cli_estimate_patient import run_patient

        return run_patient(args)
    out: Path | None = args.out
    if args.format == "pdf" and out is None:
        return _fail("--out: a PDF needs a file to write to (--out estimate.pdf)")
    if out is not None and out.is_dir():
        return _fail(f"--out: {out} is a folder; give a file name")
    try:
        result = estimate_scenario(args.scenario)
        if args.format == "pdf":
            data = render_pdf(result, lang=args.lang, document=args.document,
                              today=local_today())
        else:
            data = render_json(result)
    except DomainError as exc:
        return _fail(exc.message)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return 0
    try:
        write_atomically(out, data)
    except OSError as exc:
        return _fail(f"--out: cannot write {out} ({exc.strerror})")
    return 0
