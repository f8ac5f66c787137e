"""The check-in decision: go, go with what to do next, or stop (issue 10, item 1).

"No valid auth, no appointment": check-in acts on what ptdesk already knows. The decision is
taken over the very parts the status chip is made of (`patient_status.patient_status`): the
authorizations' statuses (with their derived used/booked counts), the plan-year limits, Medicare
KX, the coverage checks (does the payer require an authorization?) and the plan of care. The
decision carries that `PatientStatus`, so the chip and the check-in come from one evaluation
and cannot disagree: every stop has a Red or None chip behind it (tested).

Stop (rule ids `stop.*`), for the visit's coverage:
- the payer requires an authorization and none covers today: `auth_exhausted` (in force, all
  used), `auth_not_started`, `auth_pending` (only a request or placeholder), `auth_expired`,
  `auth_missing`; or today's codes are not covered by any usable one: `codes_not_covered`;
- the plan-year visit limit is reached: `limit_reached`;
- the plan of care (Medicare, or a payer with the plan-of-care setting on) is past its
  certification window: `recert_overdue`.
Warn (`warn.<reason code>`): coverage is in force, with something to do (a Yellow or Red
reason: visits or days running low, booked visits beyond the authorization, KX, progress report
or recertification due). Go (`go.*`): covered, self-pay, or a payer without prior authorization.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ptdesk.domain.authorization import AuthorizationStatus, Phase
from ptdesk.domain.kx_status import KxStatus
from ptdesk.domain.patient_status import CoverageCheck, PatientStatus, patient_status
from ptdesk.domain.plan_of_care import PlanOfCareStatus
from ptdesk.domain.status import ReasonCode, Status, StatusReason, long_date, plural, short_date
from ptdesk.domain.visit_limits import LimitStatus


class Outcome(StrEnum):
    GO = "go"
    WARN = "warn"  # go, with what to do next
    STOP = "stop"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def icon_name(self) -> str:
        """Same shapes as the status chip: check, exclamation triangle, stop octagon."""
        return _ICONS[self]

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_LABELS = {Outcome.GO: "Go", Outcome.WARN: "Go, with a next step", Outcome.STOP: "Stop"}
_ICONS = {Outcome.GO: "status-green", Outcome.WARN: "status-yellow", Outcome.STOP: "status-red"}
_SEVERITY = {Outcome.GO: 0, Outcome.WARN: 1, Outcome.STOP: 2}


class Rule(StrEnum):
    """Stable ids of the stop and go rules (warnings use `warn.<ReasonCode>`)."""

    GO_COVERED = "go.covered"
    GO_NO_AUTH_REQUIRED = "go.no_auth_required"
    GO_SELF_PAY = "go.self_pay"
    STOP_AUTH_EXPIRED = "stop.auth_expired"
    STOP_AUTH_EXHAUSTED = "stop.auth_exhausted"
    STOP_AUTH_NOT_STARTED = "stop.auth_not_started"
    STOP_AUTH_PENDING = "stop.auth_pending"
    STOP_AUTH_MISSING = "stop.auth_missing"
    STOP_CODES_NOT_COVERED = "stop.codes_not_covered"
    STOP_LIMIT_REACHED = "stop.limit_reached"
    STOP_RECERT_OVERDUE = "stop.recert_overdue"


@dataclass(frozen=True, slots=True)
class Finding:
    outcome: Outcome
    rule: str  # a `Rule` value, or "warn.<reason code>"
    subject: str
    phrase: str  # short words: "expired Nov 30", "2 visits left"
    sentence: str
    next_step: str = ""


@dataclass(frozen=True, slots=True)
class CheckInDecision:
    outcome: Outcome
    findings: tuple[Finding, ...]  # stops first, then warnings, then the go reasons
    status: PatientStatus  # the chip, from the same parts

    @property
    def headline(self) -> Finding:
        return self.findings[0]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings)

    @property
    def stop_rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings if f.outcome is Outcome.STOP)

    @property
    def line(self) -> str:
        """One line for the desk: "Stop · Auth 123 (Aetna) expired Nov 30: Get a new ..."."""
        h = self.headline
        words = f"{self.outcome.label} · {h.subject} {h.phrase}".strip()
        more = sum(1 for f in self.findings[1:] if f.outcome is not Outcome.GO)
        tail = f" (+{more} more)" if more else ""
        return f"{words}: {h.next_step}{tail}" if h.next_step else f"{words}{tail}"

    @property
    def chip_status(self) -> Status:
        return self.status.status


def decide_check_in(
    today: date,
    *,
    authorizations: Iterable[AuthorizationStatus] = (),
    limits: Iterable[LimitStatus] = (),
    kx: KxStatus | None = None,
    coverages: Iterable[CoverageCheck] = (),
    plans: Iterable[PlanOfCareStatus] = (),
    codes: Sequence[str] = (),
    self_pay: bool = False,
) -> CheckInDecision:
    """Decide today's check-in for the parts of the visit's coverage (the caller passes only
    those; a self-pay visit passes `self_pay=True` and no coverage parts).

    `authorizations` are the statuses of the coverage's authorizations as the panel or board
    computed them (used = checked-in + completed + carried in; today's booked visit is not yet
    used). `codes` are today's planned codes when known (a booked visit with lines); empty
    means "not known yet": only the visit itself is checked.
    """
    auths = tuple(authorizations)
    lims = tuple(limits)
    covs = tuple(coverages)
    plan_list = tuple(plans)
    status = patient_status(auths, lims, kx, covs, plan_list)
    stops: list[Finding] = []
    warns: list[Finding] = []
    gos: list[Finding] = []
    if self_pay:
        gos.append(Finding(Outcome.GO, Rule.GO_SELF_PAY, "Self-pay", "no authorization needed",
                           "The visit is billed to the patient: no authorization is needed."))
    for c in covs:
        mine = tuple(a for a in auths if a.record.coverage_id == c.rule.coverage_id)
        if c.rule.requires_auth:
            _auth_findings(c, mine, today, codes, stops, gos)
        else:
            subj = c.rule.payer_name or "Coverage"
            gos.append(Finding(Outcome.GO, Rule.GO_NO_AUTH_REQUIRED, subj,
                               "no authorization required",
                               f"{subj} does not require prior authorization."))
    for lim in lims:
        if lim.used >= lim.limit.limit:
            head = _first(lim.reasons(), ReasonCode.LIMIT_REACHED)
            stops.append(Finding(
                Outcome.STOP, Rule.STOP_LIMIT_REACHED, lim.limit.subject, "reached",
                head.sentence if head else "The plan-year visit limit is reached.",
                head.next_step if head else ""))
    for p in plan_list:
        if p.recert_overdue:
            head = _first(p.reasons(), ReasonCode.POC_RECERT_OVERDUE)
            stops.append(Finding(
                Outcome.STOP, Rule.STOP_RECERT_OVERDUE, p.plan.subject,
                f"past its certification ({short_date(p.recert_due)})",
                head.sentence if head else "", head.next_step if head else ""))
    # Everything Yellow or Red the chip lists becomes what to do next, unless it is already
    # said as a stop (the same reason twice would only repeat the words).
    stopped_codes: set[ReasonCode | None] = {_STOP_REASON.get(f.rule) for f in stops}
    if any(f.rule in _AUTH_STOPS for f in stops):
        # Today's booked visit is one of the "booked visits not covered": the stop says it.
        stopped_codes.add(ReasonCode.BOOKED_UNCOVERED)
    for r in status.reasons:
        if r.status in (Status.RED, Status.YELLOW, Status.NONE) and r.code not in stopped_codes:
            if r.code in _NOT_A_WARNING:
                continue
            warns.append(Finding(Outcome.WARN, f"warn.{r.code.value}", r.subject, r.phrase,
                                 r.sentence, r.next_step))
    if stops and status.status.severity < Status.NONE.severity:
        # Only today's codes can stop a visit the counts call covered: the chip shows it too.
        f = stops[0]
        extra = StatusReason(Status.RED, ReasonCode.BOOKED_UNCOVERED, f.subject, f.phrase,
                             f.sentence, f.next_step)
        status = PatientStatus(Status.RED, (extra, *status.reasons))
    if stops:
        outcome = Outcome.STOP
    elif warns:
        outcome = Outcome.WARN
    else:
        outcome = Outcome.GO
    if not (stops or warns or gos):
        gos.append(Finding(Outcome.GO, Rule.GO_COVERED, "Coverage", "nothing to check",
                           "No authorization, limit or plan of care applies to this visit."))
    return CheckInDecision(outcome, (*stops, *warns, *gos), status)


# Reasons a stop already says (left out of the warnings when that stop is given).
_STOP_REASON: dict[str, ReasonCode] = {
    Rule.STOP_LIMIT_REACHED: ReasonCode.LIMIT_REACHED,
    Rule.STOP_RECERT_OVERDUE: ReasonCode.POC_RECERT_OVERDUE,
}
_AUTH_STOPS = frozenset({Rule.STOP_AUTH_EXPIRED, Rule.STOP_AUTH_EXHAUSTED,
                         Rule.STOP_AUTH_NOT_STARTED, Rule.STOP_AUTH_PENDING,
                         Rule.STOP_AUTH_MISSING, Rule.STOP_CODES_NOT_COVERED})
# Reasons that concern coverage decided by the authorization rules above: when the coverage
# is stopped or covered they add nothing at check-in (the stop's words already say them).
_NOT_A_WARNING = frozenset({ReasonCode.NO_AUTH_IN_FORCE, ReasonCode.AUTH_EXPIRED,
                            ReasonCode.AUTH_EXHAUSTED})


def _first(reasons: Iterable[StatusReason], code: ReasonCode) -> StatusReason | None:
    return next((r for r in reasons if r.code is code), None)


def _auth_findings(
    c: CoverageCheck,
    auths: tuple[AuthorizationStatus, ...],
    today: date,
    codes: Sequence[str],
    stops: list[Finding],
    gos: list[Finding],
) -> None:
    subj = c.rule.payer_name or "Coverage"
    usable = [a for a in auths if a.phase is Phase.IN_FORCE]
    with_room = [a for a in usable if a.used < a.authorized]
    if with_room:
        uncovered = [code for code in dict.fromkeys(codes)
                     if not any(a.record.terms.covers_code(code) for a in with_room)]
        if uncovered:
            names = ", ".join(uncovered)
            stops.append(Finding(
                Outcome.STOP, Rule.STOP_CODES_NOT_COVERED, subj,
                f"{names} not authorized",
                f"No authorization in force covers {names} today.",
                "Ask the payer to add the code, or change today's plan."))
            return
        best = min(with_room, key=lambda a: (a.record.effective_end, a.record.auth_id))
        gos.append(Finding(
            Outcome.GO, Rule.GO_COVERED, best.record.subject,
            f"{plural(best.remaining, best.record.noun)} left",
            f"Covered today: {best.summary}, through {long_date(best.record.effective_end)}."))
        return
    if usable:
        a = usable[0]
        over = f" ({plural(a.overdrawn, a.record.noun)} beyond it)" if a.overdrawn else ""
        stops.append(Finding(
            Outcome.STOP, Rule.STOP_AUTH_EXHAUSTED, a.record.subject,
            f"all {plural(a.authorized, a.record.noun)} used",
            f"All {plural(a.authorized, a.record.noun)} authorized are used{over}: today would "
            f"be visit {a.used + 1} of {a.authorized}.",
            "Get more visits approved before treating."))
        return
    upcoming = sorted((a for a in auths if a.phase is Phase.UPCOMING),
                      key=lambda a: a.record.terms.start)
    expired = sorted((a for a in auths if a.phase in (Phase.EXPIRED, Phase.ENDED)),
                     key=lambda a: a.record.effective_end)
    pending = c.pending or any(a.phase is Phase.PENDING for a in auths)
    if upcoming:
        a = upcoming[0]
        stops.append(Finding(
            Outcome.STOP, Rule.STOP_AUTH_NOT_STARTED, a.record.subject,
            f"starts {short_date(a.record.terms.start)}",
            f"The authorization starts on {long_date(a.record.terms.start)}; nothing covers "
            "today.",
            "Reschedule on or after the start date, or ask the payer to move it."))
    elif pending:
        was = (f" The last authorization ended {long_date(expired[-1].record.effective_end)}."
               if expired else "")
        stops.append(Finding(
            Outcome.STOP, Rule.STOP_AUTH_PENDING, subj, "request pending only",
            f"{subj} requires an authorization; a request is with the payer but nothing is "
            f"approved for today.{was}",
            "Call the payer for a decision before treating."))
    elif expired:
        a = expired[-1]
        end = a.record.effective_end
        when = "yesterday" if (today - end).days == 1 else short_date(end)
        stops.append(Finding(
            Outcome.STOP, Rule.STOP_AUTH_EXPIRED, a.record.subject, f"expired {when}",
            f"Ended on {long_date(end)}; visits after that date are not covered "
            f"({a.summary}).",
            "Get a new authorization before treating."))
    else:
        stops.append(Finding(
            Outcome.STOP, Rule.STOP_AUTH_MISSING, subj, "no authorization",
            f"{subj} requires an authorization and none is on file.",
            "Request an authorization before treating."))
