"""The Good Faith Estimate for uninsured and self-pay patients (45 CFR 149.610(c)(1)).

Every element (c)(1) requires, in the order a patient reads them (pt-rules H3):
(i) patient name and date of birth; (ii) the primary service in clear language with its
scheduled dates; (iii) the items and services expected, grouped by provider: (A) this clinic,
the convening provider, (B) co-providers (none expected); (iv) diagnosis codes, expected
service codes and expected charges; (v) the provider's name, NPI, TIN, the state and office
where the care is given; (vii) the notice that separate GFEs are issued on scheduling or
request, with how to ask, placed ABOVE (vi) the list of items scheduled separately; (viii)
additional services may be recommended; (ix) only an estimate; (x) the right to dispute when
billed $400 or more over the estimate, where the instructions are, and that a dispute will not
affect the care; (xi) not a contract.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Spacer

from ptdesk.domain.estimate_document import GFE_DISPUTE_THRESHOLD, EstimateDocument
from ptdesk.domain.estimate_model import Estimate, PricedLine
from ptdesk.domain.money import ZERO
from ptdesk.reports import styles as s
from ptdesk.reports.estimate_pdf import header_labels, prepared_lines
from ptdesk.reports.i18n import fmt, t


def expected_items(est: Estimate) -> list[tuple[str, int, int, Decimal, Decimal]]:
    """(code, units, visits, price each, expected charge) over the whole course, in the order
    the codes first appear; a code priced differently in two years gets a row per price."""
    rows: dict[tuple[str, Decimal], list[int]] = {}
    lines: Iterable[PricedLine] = (ln for v in est.visits for ln in v.lines)
    for ln in lines:
        each = ln.allowed / ln.units if ln.units else ZERO
        count = rows.setdefault((ln.code, each), [0, 0])
        count[0] += ln.units
        count[1] += 1
    return [(code, n[0], n[1], each, each * n[0]) for (code, each), n in rows.items()]


def _primary(data: EstimateDocument, lang: str) -> list[Flowable]:
    est = data.estimate
    plan = est.request.plan
    if data.service_description:
        text = data.service_description
    else:
        first_what = (t("gfe_eval", lang, code=plan.evaluation) if plan.evaluation
                      else t("gfe_treatment", lang))
        text = t("gfe_primary_text", lang, first_what=first_what, visits=plan.visit_count,
                 per_week=plan.visits_per_week)
    when = t("gfe_scheduled", lang, first=est.visits[0].date, last=est.visits[-1].date)
    return [s.para(t("gfe_primary", lang), s.H2), s.para(f"{text} {when}", s.BODY)]


def _provider(data: EstimateDocument, lang: str) -> list[Flowable]:
    c = data.clinic
    location = ", ".join(c.address_lines) if c.address_lines else s.BLANK + " " + s.BLANK
    pairs = [
        (t("patient", lang), s.or_blank(data.patient.name)),
        (t("dob", lang), fmt(data.patient.date_of_birth, lang) if data.patient.date_of_birth
         else s.BLANK),
    ]
    provider = [
        (t("gfe_provider_name", lang), s.or_blank(c.name)),
        (t("npi", lang), s.or_blank(c.npi)),
        (t("tin", lang), s.or_blank(c.tin)),
        (t("gfe_state", lang), s.or_blank(c.state)),
        (t("gfe_location", lang), location),
        (t("phone", lang), s.or_blank(c.phone)),
    ]
    return [s.field_grid(pairs), s.para(t("gfe_provider", lang), s.H2),
            s.field_grid(provider)]


def _items(data: EstimateDocument, lang: str) -> list[Flowable]:
    est = data.estimate
    names = data.code_descriptions.get(lang) or data.code_descriptions.get("en") or {}
    dx = ", ".join(data.diagnoses) if data.diagnoses else "-"
    rows = []
    for code, qty, visits, each, charge in expected_items(est):
        what = names.get(code, "")
        if qty != visits or visits > 1:  # "22 units over 11 visits": where the quantity comes from
            what = f"{what} ({t('gfe_units_over', lang, units=qty, visits=visits)})".strip()
        rows.append([code, what, dx, str(qty), fmt(each, lang), fmt(charge, lang)])
    total = [t("gfe_total", lang), "", "", "", "", fmt(est.totals.patient_pays, lang)]
    w = s.WIDTH
    table = s.data_table(
        [t("col_code", lang), t("col_description", lang), t("col_dx", lang), t("col_qty", lang),
         t("col_price", lang), t("col_charge", lang)],
        rows, [0.1 * w, 0.4 * w, 0.14 * w, 0.1 * w, 0.12 * w, 0.14 * w],
        numeric=(3, 4, 5), total=total, total_label_span=5, wrap=(1, 2),
    )
    name = data.clinic.name or t("gfe_this_clinic", lang)
    dx_line = (", ".join(data.diagnoses) if data.diagnoses else t("gfe_no_diagnoses", lang))
    return [
        s.para(t("gfe_items", lang), s.H2),
        s.para(f"{t('gfe_diagnoses', lang)}: {dx_line}", s.BODY),
        Spacer(1, 3),
        s.para(t("gfe_group_a", lang, name=name), s.BODY, bold=True),
        Spacer(1, 2),
        table,
        Spacer(1, 4),
        s.para(t("gfe_group_b", lang), s.BODY),
    ]


def _separately_scheduled(data: EstimateDocument, lang: str) -> list[Flowable]:
    contact = data.clinic.contact or data.clinic.phone or s.BLANK
    listed = list(data.separately_scheduled) or [t("gfe_separate_none", lang)]
    # (vii) goes above the (vi) list, as 149.610(c)(1)(vii) places it
    return [s.para(t("gfe_separate", lang), s.H2),
            s.para(t("gfe_separate_disclaimer", lang, contact=contact), s.BODY),
            *s.bullets(listed, s.BODY)]


def _disclaimers(lang: str) -> list[Flowable]:
    texts = [t("gfe_additional", lang), t("gfe_only_estimate", lang),
             t("gfe_dispute", lang, threshold=GFE_DISPUTE_THRESHOLD),
             t("gfe_not_contract", lang), t("gfe_keep", lang)]
    return [KeepTogether([s.para(t("gfe_disclaimers", lang), s.H2), *s.bullets(texts, s.BODY)])]


def build_good_faith_estimate_pdf(
    data: EstimateDocument, out: BinaryIO | str, *, lang: str = "en", invariant: bool = False
) -> None:
    """Write the Good Faith Estimate as a PDF to `out`. The charges are the estimate's
    self-pay figures (the request's payer type should be self_pay or uninsured)."""
    title = t("gfe_title", lang)
    story: list[Flowable] = s.letterhead(
        data.clinic, title,
        [t("gfe_subtitle", lang), t("gfe_law", lang), *prepared_lines(data, lang)],
        header_labels(lang))
    story.append(s.para(t("gfe_intro", lang), s.BODY))
    story.append(Spacer(1, 5))
    story += _provider(data, lang)
    story += _primary(data, lang)
    story += _items(data, lang)
    story += _separately_scheduled(data, lang)
    story += _disclaimers(lang)
    if data.notes:
        story += s.bullets(list(data.notes), s.BODY)
    s.build_document(
        out, story, title=title, author=data.clinic.name or "ptdesk",
        footer_left=f"{data.clinic.name or ''}  ·  {title}".strip(" ·"),
        page_label=lambda n, total: t("page", lang, n=n, total=total),
        invariant=invariant, lang=lang,
    )
