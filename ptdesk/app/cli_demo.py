"""`ptdesk demo generate`: build a synthetic clinic of any size (for trying ptdesk, benchmarks).

Without `--db-url` it fills the demo clinic's own database (`<data dir>/demo/...`), the one
`ptdesk --demo` opens, so a generated clinic never lands in a real clinic's file. Either way the
database must have no patients yet.
"""

import argparse
import sys
import time
from datetime import date

from ptdesk.app.clock import local_today
from ptdesk.app.paths import app_paths
from ptdesk.domain.words import plural


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    demo = subparsers.add_parser("demo", help="the synthetic demo clinic")
    actions = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    gen = actions.add_parser(
        "generate",
        help="fill an empty database with a synthetic clinic of any size",
        description="Fill an empty database with synthetic patients, coverages, "
        "authorizations and visits. Without --db-url, the demo clinic's database is used.",
    )
    gen.add_argument("--patients", type=_count, required=True, metavar="N")
    gen.add_argument(
        "--visits-per-patient",
        type=_count,
        metavar="K",
        help="exactly K visits per patient (default: a realistic episode of 0-20)",
    )
    gen.add_argument("--seed", type=int, default=7, help="same seed, same clinic (default 7)")
    gen.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day the clinic is generated around (default: today)",
    )
    # Also accepted after the command; SUPPRESS keeps the values given before it.
    gen.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    gen.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS)
    gen.set_defaults(handler=run)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def run(args: argparse.Namespace) -> int:
    # Imported here: every command module is imported to build the parser, also for the GUI.
    from ptdesk.app.context import open_context
    from ptdesk.demo.clinic import generate_clinic

    target = argparse.Namespace(**vars(args))
    target.demo = False  # never seed the 300-patient demo first
    if not getattr(args, "db_url", None):
        paths = app_paths(getattr(args, "data_dir", None), demo=True)
        paths.root.mkdir(parents=True, exist_ok=True)
        target.db_url = f"sqlite:///{paths.database_file}"
    ctx = open_context(target)
    tty = sys.stdout.isatty()
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        line = f"generated {done:,} of {total:,} patients ({time.perf_counter() - started:.1f} s)"
        print(("\r" + line) if tty else line, end="" if tty else "\n", flush=True)

    try:
        summary = generate_clinic(
            ctx.session_factory,
            patients=args.patients,
            today=args.today or local_today(),
            seed=args.seed,
            visits_per_patient=args.visits_per_patient,
            progress=progress,
        )
    finally:
        ctx.close()
    if tty:
        print()
    s = summary
    print(
        f"Synthetic clinic generated in {s.seconds:.1f} s ({ctx.db_label}): "
        f"{plural(s.patients, 'patient')}, {plural(s.coverages, 'coverage')}, "
        f"{plural(s.authorizations, 'authorization')} "
        f"({s.authorizations_in_force:,} in force today), {plural(s.visits, 'visit')}, "
        f"{plural(s.service_lines, 'service line')}, {plural(s.search_terms, 'search key')}, "
        f"{plural(s.payers, 'payer')}, {plural(s.providers, 'provider')}."
    )
    return 0
