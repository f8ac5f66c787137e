"""`ptdesk estimate --patient CHART [--visits N] [--per-week K] [--format json|pdf]
[--lang en|es] [--out PATH]`: the estimate for one of the clinic's patients, pre-filled exactly
as the patient's screen pre-fills it (coverage benefits, visits used, authorization, the payer's
fee schedule, self-pay prices, clinic details); same JSON as `--scenario`.

`--demo`, `--data-dir` and `--db-url` work before the command (as for every command) or after
it. The CLI prints; it does not record the estimate as given to the patient (the screen does).
"""

import argparse
from typing import Any

from ptdesk.domain.errors import DomainError


def _positive(limit: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not 1 <= value <= limit:
            raise argparse.ArgumentTypeError(f"{value} is not between 1 and {limit}")
        return value

    return parse


def register_patient_mode(p: argparse.ArgumentParser, mode: Any) -> None:
    mode.add_argument("--patient", metavar="CHART",
                      help="a patient of the clinic, by chart number (uses the database)")
    p.add_argument("--visits", metavar="N", type=_positive(120),
                   help="--patient: visits in the plan of care, evaluation included (default 12)")
    p.add_argument("--per-week", metavar="K", type=_positive(7),
                   help="--patient: visits per week (default 2)")
    # The global database options, accepted after the command too; SUPPRESS keeps the value
    # given before the command when they are not repeated here.
    p.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)
    p.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)
    p.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def run_patient(args: argparse.Namespace) -> int:
    from ptdesk.app.cli_estimate import _fail
    from ptdesk.app.cli_output import write_atomically
    from ptdesk.app.clock import local_now, local_today
    from ptdesk.app.context import open_context
    from ptdesk.services.authorizations.panel import PanelService
    from ptdesk.services.estimates.desk import EstimateDesk, render_pdf
    from ptdesk.services.estimates.scenario import render_json

    if args.format == "pdf" and args.out is None:
        return _fail("--out: a PDF needs a file to write to (--out estimate.pdf)")
    if args.out is not None and args.out.is_dir():
        return _fail(f"--out: {args.out} is a folder; give a file name")
    try:
        ctx = open_context(args)
    except DomainError as exc:
        return _fail(f"--db-url: {exc.message}")
    try:
        desk = EstimateDesk(ctx.session_factory, PanelService(ctx.session_factory))
        today, now = local_today(), local_now()
        patient_id = desk.patient_by_chart(args.patient)
        prefill = desk.prefill(patient_id, today, now, visits=args.visits,
                               per_week=args.per_week)
        result = desk.compute(prefill.scenario)
        if args.format == "pdf":
            data = render_pdf(result, lang=args.lang, document=args.document, today=today)
        else:
            data = render_json(result)
    except DomainError as exc:
        return _fail(exc.message)
    finally:
        ctx.close()
    if args.out is None:
        import sys

        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return 0
    try:
        write_atomically(args.out, data)
    except OSError as exc:
        return _fail(f"--out: cannot write {args.out} ({exc.strerror})")
    return 0
