"""The plan of care: certification, recertification and the progress report (pt-rules §F).

Medicare (Pub 100-02 Ch. 15, pt-rules F1-F5) always applies these rules; another payer only
when the clinic turns its per-payer setting on. One `PlanOfCare` is one certification period:
a recertification is recorded as a new plan (its own plan date, end and first treatment day),
and the latest plan of an episode is the one that speaks for today.

- F1: the physician/NPP certifies within 30 days of the initial treatment (the evaluation
  counts); a verbal order must be signed within 14 days.
- F2/F5: the certification lasts for the plan's stated duration or 90 calendar days from the
  initial treatment, whichever is less: recertification is due at
  `min(plan end, first visit + 90 days)`. A visit on that day is still inside the window;
  the day after, the plan is past its certification window (check-in stops).
- F3/F5: a progress report at least once every 10 treatment days, the first period beginning
  on the episode's first day; due when the treatment days since the last report reach 10,
  warn at 8.

Lead times for "recertification due soon" reuse the clinic's status day bands (Red <= 7 days,
Yellow <= 21 by default): no rule sets them, like the authorization bands (pt-rules G2).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import (
    DEFAULT_BANDS,
    ReasonCode,
    Status,
    StatusBands,
    StatusReason,
    long_date,
    plural,
    short_date,
)


@dataclass(frozen=True, slots=True)
class PlanOfCareRules:
    """The figures of pt-rules F (CMS Pub 100-02 Ch. 15 §220.1.2-220.3 [S12])."""

    cert_days: int = 30  # F1: certify within 30 days of the initial treatment
    verbal_sign_days: int = 14  # F1: a verbal certification signed within 14 days
    cert_interval_days: int = 90  # F2: at most 90 calendar days from the initial treatment
    progress_every: int = 10  # F3: a progress report at least every 10 treatment days
    progress_warn_at: int = 8  # F5: warn at 8


MEDICARE_POC_RULES = PlanOfCareRules()


@dataclass(frozen=True, slots=True)
class PlanOfCare:
    plan_id: int
    coverage_id: int | None
    first_visit: date  # the initial treatment of this certification period (evaluation counts)
    plan_date: date
    plan_end: date  # the end of the plan's stated duration
    certifier: str = ""  # physician / NPP who certifies
    sent_on: date | None = None
    signed_on: date | None = None
    verbal_order_on: date | None = None
    last_progress_report_on: date | None = None
    payer_name: str = ""

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if self.plan_end < self.plan_date:
            errors["plan_end"] = "The plan ends before it was written."
        if self.plan_end < self.first_visit:
            errors["plan_end"] = "The plan ends before the first treatment."
        if self.signed_on is not None and self.sent_on is not None and (
            self.signed_on < self.sent_on
        ):
            errors["signed_on"] = "The plan cannot be signed before it was sent."
        if errors:
            raise ValidationErrors(errors)

    @property
    def subject(self) -> str:
        return f"Plan of care ({self.payer_name})" if self.payer_name else "Plan of care"

    @property
    def doctor(self) -> str:
        return self.certifier or "the physician"


def recert_due(first_visit: date, plan_end: date,
               rules: PlanOfCareRules = MEDICARE_POC_RULES) -> date:
    """pt-rules F2/F5: `min(plan end, first visit + 90 days)`."""
    return min(plan_end, first_visit + timedelta(days=rules.cert_interval_days))


def cert_due(first_visit: date, rules: PlanOfCareRules = MEDICARE_POC_RULES) -> date:
    """pt-rules F1/F5: certification due 30 days after the first visit."""
    return first_visit + timedelta(days=rules.cert_days)


def treatment_days_since_report(
    treatment_days: Iterable[date], first_visit: date, last_report: date | None
) -> int:
    """Distinct treatment days in the current reporting period (pt-rules F3): from the
    episode's first day (inclusive) when no report was written yet, else the days after the
    last report (the report's own day closed the previous period)."""
    if last_report is None:
        return len({d for d in treatment_days if d >= first_visit})
    return len({d for d in treatment_days if d > last_report and d >= first_visit})


@dataclass(frozen=True, slots=True)
class PlanOfCareStatus:
    plan: PlanOfCare
    today: date
    bands: StatusBands
    rules: PlanOfCareRules
    treatment_days: int  # since the last progress report (or the episode's first day)
    recert_due: date
    cert_due: date
    status: Status

    @property
    def recert_overdue(self) -> bool:
        """Past its certification window: treating today would be outside the plan."""
        return self.today > self.recert_due

    @property
    def recert_days_left(self) -> int:
        return (self.recert_due - self.today).days

    @property
    def visits_to_progress_report(self) -> int:
        """Treatment days left before the progress report is due (0 = due now)."""
        return max(0, self.rules.progress_every - self.treatment_days)

    @property
    def next_step(self) -> str:
        """The most urgent thing to do, for the board's work list ("" when nothing)."""
        worst = next((r for r in self.reasons() if r.next_step), None)
        return worst.next_step if worst is not None else ""

    def reasons(self) -> tuple[StatusReason, ...]:
        return _reasons(self)


def plan_of_care_status(
    plan: PlanOfCare,
    treatment_days: int,
    today: date,
    bands: StatusBands = DEFAULT_BANDS,
    rules: PlanOfCareRules = MEDICARE_POC_RULES,
) -> PlanOfCareStatus:
    due = recert_due(plan.first_visit, plan.plan_end, rules)
    cdue = cert_due(plan.first_visit, rules)
    st = _recert_status(today, due, bands)
    for s in (_progress_status(treatment_days, rules), _cert_status(plan, today, cdue, rules)):
        if s.severity > st.severity:
            st = s
    return PlanOfCareStatus(plan, today, bands, rules, treatment_days, due, cdue, st)


def _recert_status(today: date, due: date, bands: StatusBands) -> Status:
    return Status.RED if today > due else bands.for_days((due - today).days)


def _progress_status(n: int, rules: PlanOfCareRules) -> Status:
    if n >= rules.progress_every:
        return Status.RED
    return Status.YELLOW if n >= rules.progress_warn_at else Status.GREEN


def _cert_status(plan: PlanOfCare, today: date, due: date, rules: PlanOfCareRules) -> Status:
    if plan.signed_on is not None:
        return Status.GREEN
    if plan.verbal_order_on is not None and (
        today > plan.verbal_order_on + timedelta(days=rules.verbal_sign_days)
    ):
        return Status.RED
    return Status.RED if today > due else Status.YELLOW


def _reasons(p: PlanOfCareStatus) -> tuple[StatusReason, ...]:
    plan = p.plan
    subj = plan.subject
    out: list[StatusReason] = []
    # Recertification (F2).
    if p.recert_overdue:
        out.append(StatusReason(
            Status.RED, ReasonCode.POC_RECERT_OVERDUE, subj, "recertification overdue",
            f"The plan was certified through {long_date(p.recert_due)} (the plan's end or 90 "
            f"days from the first treatment on {long_date(plan.first_visit)}, whichever is "
            "sooner); treatment after that is outside the plan.",
            "Recertification overdue: get the physician's signature"
            + (f" ({plan.certifier})" if plan.certifier else "") + " on an updated plan.",
        ))
    else:
        s = p.bands.for_days(p.recert_days_left)
        when = "today" if p.recert_days_left == 0 else short_date(p.recert_due)
        out.append(StatusReason(
            s, ReasonCode.POC_RECERT_DUE if s is not Status.GREEN else ReasonCode.POC_OK,
            subj, f"recert due {when}",
            f"Certified through {long_date(p.recert_due)}: min(plan end "
            f"{long_date(plan.plan_end)}, first treatment {long_date(plan.first_visit)} + "
            f"{p.rules.cert_interval_days} days).",
            f"Send the updated plan to {plan.doctor} for recertification before "
            f"{short_date(p.recert_due)}." if s is not Status.GREEN else "",
        ))
    # Progress report (F3).
    n, every = p.treatment_days, p.rules.progress_every
    if n >= p.rules.progress_warn_at:
        left = p.visits_to_progress_report
        phrase = ("progress report due now" if left == 0
                  else f"progress report due in {plural(left, 'visit')}")
        out.append(StatusReason(
            Status.RED if left == 0 else Status.YELLOW, ReasonCode.POC_PROGRESS_DUE, subj,
            phrase,
            f"{plural(n, 'treatment day')} since the "
            f"{'last progress report' if plan.last_progress_report_on else 'first day'}; "
            f"a progress report is due at least every {every} treatment days.",
            "The PT (not the PTA) writes the progress report at this visit." if left <= 1
            else f"Plan the progress report: {phrase}.",
        ))
    # Certification (F1).
    if plan.signed_on is None:
        out.append(_unsigned(p))
    return tuple(sorted(out, key=lambda x: -x.status.severity))


def _unsigned(p: PlanOfCareStatus) -> StatusReason:
    plan = p.plan
    subj = plan.subject
    if plan.verbal_order_on is not None:
        due = plan.verbal_order_on + timedelta(days=p.rules.verbal_sign_days)
        late = p.today > due
        return StatusReason(
            Status.RED if late else Status.YELLOW, ReasonCode.POC_VERBAL_UNSIGNED, subj,
            "verbal order unsigned",
            f"A verbal order was taken on {long_date(plan.verbal_order_on)}; it must be "
            f"signed within {p.rules.verbal_sign_days} days ({long_date(due)}).",
            f"Get {plan.doctor}'s signature on the plan of care"
            + (" (late: document the delay)." if late else f" by {short_date(due)}."),
        )
    late = p.today > p.cert_due
    sent = (f"sent {long_date(plan.sent_on)}, not yet signed" if plan.sent_on
            else "not yet sent for signature")
    return StatusReason(
        Status.RED if late else Status.YELLOW, ReasonCode.POC_CERT_UNSIGNED, subj,
        "certification unsigned",
        f"The plan of care is {sent}; certification is due within {p.rules.cert_days} days of "
        f"the first treatment ({long_date(p.cert_due)}).",
        (f"Get {plan.doctor}'s signature; certification is late, document the delay."
         if late else
         f"Get {plan.doctor}'s signature by {short_date(p.cert_due)}." if plan.sent_on
         else f"Send the plan of care to {plan.doctor} for signature."),
    )
