"""The patient cost estimate (issue 11 item 3): US Letter, English or Spanish.

Clinic letterhead; patient, payer and plan; the total the patient pays in a box; the plan of
care; visit by visit (date, codes, allowed, plan pays, you pay, what applies) with totals; the
benefits and assumptions used (as of which date, verified by whom); plain-language notes.
"""

from typing import BinaryIO

from reportlab.platypus import Flowable, Spacer

from ptdesk.domain.estimate_document import EstimateDocument
from ptdesk.domain.estimate_model import Estimate, VisitEstimate
from ptdesk.reports import styles as s
from ptdesk.reports.i18n import (
    assumption_text,
    fmt,
    payer_label,
    phase_text,
    short_date,
    t,
)


def header_labels(lang: str) -> dict[str, str]:
    return {"phone": t("phone", lang), "npi": t("npi", lang), "tin": t("tin", lang)}


def prepared_lines(data: EstimateDocument, lang: str) -> list[str]:
    lines = []
    if data.prepared_on is not None:
        lines.append(t("prepared", lang, date=data.prepared_on))
    if data.prepared_by:
        lines.append(f"{t('prepared_by', lang)}: {data.prepared_by}")
    return lines


def lines_text(lines: tuple[tuple[str, int], ...], lang: str, *, words: bool = False) -> str:
    """"97110 ×2" in a table cell; "97110 (2 units)" in a sentence."""
    def one(code: str, units: int) -> str:
        if units == 1:
            return code
        return f"{code} ({t('units', lang, n=units)})" if words else f"{code} \u00d7{units}"

    return ", ".join(one(code, units) for code, units in lines)


def _patient_block(data: EstimateDocument, lang: str) -> list[Flowable]:
    est = data.estimate
    b = est.request.benefits
    as_of = est.request.as_of or est.request.plan.first_visit
    pairs = [
        (t("patient", lang), s.or_blank(data.patient.name)),
        (t("dob", lang), fmt(data.patient.date_of_birth, lang) if data.patient.date_of_birth
         else s.BLANK),
        (t("payer", lang), data.payer_name or payer_label(est.request.payer_type, lang)),
        (t("plan", lang), data.plan_name or "-"),
    ]
    if not est.request.payer_type.pays_own_way:
        pairs += [
            (t("benefits_as_of", lang), fmt((b.verified_on if b and b.verified_on else as_of),
                                            lang)),
            (t("verified_by", lang), (b.verified_by if b and b.verified_by else
                                      t("not_verified", lang))),
        ]
    if data.member_id_last4:
        pairs.append((t("member", lang), data.member_id_last4))
    return [s.field_grid(pairs)]


def _summary(est: Estimate, lang: str) -> list[Flowable]:
    tot = est.totals
    n = len(est.visits)
    flow: list[Flowable] = [
        s.para(f"{t('you_pay', lang)}: {fmt(tot.patient_pays, lang)} "
               f"{t('for_visits', lang, n=n)}", s.BIG_FIGURE),
    ]
    if not est.request.payer_type.pays_own_way:
        flow.append(s.para(f"{t('plan_pays', lang)}: {fmt(tot.insurance_pays, lang)}  ·  "
                           f"{t('allowed_total', lang)}: {fmt(tot.allowed, lang)}", s.BODY))
    ext = [v for v in est.visits if v.needs_extension]
    if ext:
        flow.append(s.para(t("if_not_extended_total", lang, first=ext[0].n, last=ext[-1].n,
                             amount=tot.patient_pays_if_not_extended), s.BODY))
    return [s.boxed(flow)]


def plan_text(est: Estimate, lang: str) -> list[str]:
    plan = est.request.plan
    out = [t("plan_text", lang, visits=plan.visit_count, per_week=plan.visits_per_week,
             first=est.visits[0].date, last=est.visits[-1].date)]
    if plan.first_visit_lines is None and plan.evaluation:
        out.append(t("plan_first_eval", lang, code=plan.evaluation))
    if plan.per_visit:
        each = lines_text(tuple((ln.code, ln.units) for ln in plan.per_visit), lang, words=True)
        out.append(t("plan_each_visit", lang, codes=each))
    return out


def _what_applies(v: VisitEstimate, lang: str) -> str:
    text = phase_text(v.phases, lang)
    if v.needs_extension and v.if_not_extended is not None:
        text += "; " + t("needs_extension", lang, amount=v.if_not_extended)
    return text


def visit_table(est: Estimate, lang: str) -> Flowable:
    own_way = est.request.payer_type.pays_own_way
    header = [t("col_n", lang), t("col_date", lang), t("col_codes", lang),
              t("col_allowed", lang), t("col_plan_pays", lang), t("col_you_pay", lang),
              t("col_phase", lang)]
    rows = [
        [str(v.n), short_date(v.date, lang),
         lines_text(tuple((ln.code, ln.units) for ln in v.lines), lang),
         fmt(v.allowed, lang), fmt(v.insurance_pays, lang), fmt(v.patient_pays, lang),
         _what_applies(v, lang)]
        for v in est.visits
    ]
    tot = est.totals
    total = [t("total", lang), "", "", fmt(tot.allowed, lang), fmt(tot.insurance_pays, lang),
             fmt(tot.patient_pays, lang), ""]
    w = s.WIDTH
    widths = [0.04 * w, 0.145 * w, 0.125 * w, 0.11 * w, 0.11 * w, 0.11 * w, 0.36 * w]
    if own_way:  # no plan: drop the "plan pays" column, widen "what applies"
        header.pop(4)
        total.pop(4)
        for r in rows:
            r.pop(4)
        widths = [0.04 * w, 0.15 * w, 0.2 * w, 0.12 * w, 0.12 * w, 0.37 * w]
    numeric = (3, 4, 5) if not own_way else (3, 4)
    return s.data_table(header, rows, widths, numeric=numeric, total=total, total_label_span=3,
                        wrap=(len(header) - 1,))


def build_estimate_pdf(
    data: EstimateDocument, out: BinaryIO | str, *, lang: str = "en", invariant: bool = False
) -> None:
    """Write the estimate as a PDF to `out` (a path or a binary file). `invariant`: the same
    data gives the same bytes (tests, reprinting a stored estimate)."""
    est = data.estimate
    title = t("estimate_title", lang)
    story: list[Flowable] = s.letterhead(data.clinic, title, prepared_lines(data, lang),
                                         header_labels(lang))
    story += _patient_block(data, lang)
    story.append(Spacer(1, 6))
    story += _summary(est, lang)
    story.append(s.para(t("plan_of_care", lang), s.H2))
    story.append(s.para(" ".join(plan_text(est, lang)), s.BODY))
    story.append(s.para(t("visit_by_visit", lang), s.H2))
    story.append(visit_table(est, lang))
    story.append(s.para(t("basis", lang), s.H2))
    story += s.bullets([assumption_text(a, lang) for a in est.assumptions])
    story.append(s.para(t("good_to_know", lang), s.H2))
    notes = [t("note_not_bill", lang), t("note_terms", lang), t("note_changes", lang)]
    story += s.bullets([*notes, *data.notes])
    s.build_document(
        out, story, title=title, author=data.clinic.name or "ptdesk",
        footer_left=f"{data.clinic.name or ''}  ·  {title}".strip(" ·"),
        page_label=lambda n, total: t("page", lang, n=n, total=total),
        invariant=invariant, lang=lang,
    )
