"""Benchmark the estimate printed from the patient's screen (issue 11).

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_estimate_desk.py [--repeat N]

On the demo clinic (created under bench-out/estimate-demo on first use), for one insured
patient (cost estimate) and one self-pay patient (Good Faith Estimate, Spanish), as the
dialog does it: the pre-fill from the database (coverage, panel counts, fee schedules), the
engine, and the document (reportlab PDF). Also the page rasterising that printing and the
print preview add (PDFium at 150 and 300 dpi). Target: the document itself under 100 ms.
"""

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ptdesk.app.clock import local_now, local_today
from ptdesk.app.context import open_context
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.estimates.desk import EstimateDesk, render_pdf
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import PatientEstimate


def _ms(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--data-dir", default="bench-out/estimate-demo")
    args = ap.parse_args()
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    ctx = open_context(argparse.Namespace(data_dir=args.data_dir, db_url=None, demo=True))
    desk = EstimateDesk(ctx.session_factory, PanelService(ctx.session_factory))
    with session_scope(ctx.session_factory) as s:
        rows = s.execute(select(PatientEstimate.patient_id, PatientEstimate.kind)).all()
    today, now = local_today(), local_now()
    from PySide6.QtWidgets import QApplication

    from ptdesk.ui.pdf_printing import page_images

    app = QApplication.instance() or QApplication([])  # noqa: F841 (QImage needs it)
    render_pdf(desk.compute(desk.prefill(rows[0][0], today, now).scenario), lang="en",
               today=today)  # warm: fonts, tables, imports
    for pid, kind in sorted(rows, key=lambda r: r[1]):
        lang = "es" if kind == "gfe" else "en"
        pre_ms, _, prefill = _ms(lambda p=pid: desk.prefill(p, today, now), args.repeat)
        eng_ms, _, result = _ms(lambda p=prefill: desk.compute(p.scenario), args.repeat)
        doc_ms, doc_max, pdf = _ms(lambda r=result, lg=lang: render_pdf(r, lang=lg, today=today),
                                   args.repeat)
        r150, _, _ = _ms(lambda b=pdf: page_images(b, 150), max(3, args.repeat // 4))
        r300, _, pages = _ms(lambda b=pdf: page_images(b, 300), max(3, args.repeat // 4))
        print(f"{kind:8s} {lang}: pre-fill {pre_ms:6.1f} ms | engine {eng_ms:5.1f} ms | "
              f"document {doc_ms:5.1f} ms (max {doc_max:.1f}) | {len(pdf) // 1024} KB, "
              f"{len(pages)} page(s) | rasterise 150 dpi {r150:5.1f} ms, 300 dpi {r300:5.1f} ms")
    ctx.close()


if __name__ == "__main__":
    main()
