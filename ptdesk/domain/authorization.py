"""One authorization: what it allows, what it has used, and its effective status.

The status is computed from COUNTS (`UsageCounts`), never from visits, so the practice board
(counts from SQL GROUP BY over persisted allocations) and one patient's panel (counts derived
from that patient's visits by `visit_allocation.allocate`) go through the very same rules.

Effective status (issue 5): the worse of the visit band and the day band, so an authorization
with visits left but days running out is treated as running out; expired or exhausted is Red;
booked visits beyond the authorization make it at least Yellow (Red when the first uncovered
booked visit is within the Red day band), so the desk acts before the visit.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import (
    DEFAULT_BANDS,
    ReasonCode,
    Status,
    StatusBands,
    StatusReason,
    agree,
    for_coverage,
    long_date,
    plural,
    short_date,
)


class AuthState(StrEnum):
    """Mirrors the stored state (storage.models.authorizations.AuthorizationState)."""

    ACTIVE = "active"  # approved and usable within its dates
    PENDING = "pending"  # placeholder while a request is with the payer: nothing draws from it
    ENDED = "ended"  # closed early by the clinic (discharge, replaced)


class Phase(StrEnum):
    UPCOMING = "upcoming"  # approved, starts after today
    IN_FORCE = "in_force"  # today is within start..end (end inclusive)
    EXPIRED = "expired"  # end date passed
    ENDED = "ended"  # closed early by the clinic
    PENDING = "pending"  # placeholder for a request awaiting the payer


@dataclass(frozen=True, slots=True)
class AuthorizationRecord:
    """An authorization as the rules see it.

    A units-counted authorization that approves units per code ("24 units of 97110, 12 of
    97140") is passed as one record per code (`pool_code` set, see `unit_pools`), so each
    allowance is tracked and coloured on its own.
    """

    auth_id: int
    coverage_id: int
    terms: AuthorizationTerms
    state: AuthState = AuthState.ACTIVE
    # Visits (or units) used under this authorization before the clinic used ptdesk.
    carried_in: int = 0
    ended_on: date | None = None
    payer_name: str = ""
    pool_code: str = ""
    # For a units-counted record: units a visit typically uses, to express units left as
    # visits for the bands (1 = the bands apply to units as they are).
    units_per_visit: int = 1
    # "" for the patient's primary coverage, else "secondary"/"tertiary" (`coverage_role`).
    coverage_role: str = ""

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if self.terms.end < self.terms.start:
            errors["end"] = "The end date is before the start date."
        if self.terms.authorized < 0:
            errors["authorized"] = "The authorized count cannot be negative."
        if self.carried_in < 0:
            errors["carried_in"] = "Visits used before ptdesk cannot be negative."
        if self.units_per_visit < 1:
            errors["units_per_visit"] = "Units per visit must be at least 1."
        if errors:
            raise ValidationErrors(errors)

    @property
    def key(self) -> tuple[int, str]:
        return (self.auth_id, self.pool_code)

    @property
    def counts_units(self) -> bool:
        return self.terms.counts is AuthUnit.UNITS

    @property
    def effective_end(self) -> date:
        """The last covered day: the end date, or the day the clinic ended it if earlier."""
        if self.ended_on is not None and self.ended_on < self.terms.end:
            return self.ended_on
        return self.terms.end

    @property
    def subject(self) -> str:
        name = f"Auth {self.terms.number}" if self.terms.number else f"Auth #{self.auth_id}"
        if self.pool_code:
            name += f" · {self.pool_code} units"
        return f"{name} ({self.payer_name})" if self.payer_name else name

    @property
    def noun(self) -> str:
        return "unit" if self.counts_units else "visit"

    def usable_on(self, day: date) -> bool:
        """Can a visit on `day` draw from it? Active, and start <= day <= effective end."""
        return self.state is AuthState.ACTIVE and self.terms.start <= day <= self.effective_end

    def phase(self, today: date) -> Phase:
        if self.state is AuthState.PENDING:
            return Phase.PENDING
        if self.state is AuthState.ENDED or (
            self.ended_on is not None and self.ended_on < today
        ):
            return Phase.ENDED
        if today > self.terms.end:
            return Phase.EXPIRED
        if today < self.terms.start:
            return Phase.UPCOMING
        return Phase.IN_FORCE


def unit_pools(
    auth_id: int,
    coverage_id: int,
    terms: AuthorizationTerms,
    units_by_code: dict[str, int],
    **kwargs: object,
) -> tuple[AuthorizationRecord, ...]:
    """One record per code of a units-per-code authorization (sorted by code).

    `kwargs` are the other `AuthorizationRecord` fields (state, payer_name, ...). A carried-in
    count, when any, must be given per pool by building the records directly.
    """
    return tuple(
        AuthorizationRecord(
            auth_id,
            coverage_id,
            AuthorizationTerms(
                start=terms.start,
                end=terms.end,
                authorized=units,
                codes=frozenset({code}),
                counts=AuthUnit.UNITS,
                number=terms.number,
            ),
            pool_code=code,
            **kwargs,  # type: ignore[arg-type]
        )
        for code, units in sorted(units_by_code.items())
    )


@dataclass(frozen=True, slots=True)
class UsageCounts:
    """What a visit count query returns for one authorization (or pool).

    used: visits (or units) drawn by checked-in and completed visits, NOT including the
    carried-in count. booked: visits (or units) drawn by booked visits (projected use).
    last_booked: date of the last booked visit drawing from it. first_booked_over: date of the
    first booked visit beyond the authorized count, when known (the per-visit path knows it;
    the SQL path may leave it None and the last booked date is used in the words).
    """

    used: int = 0
    booked: int = 0
    last_booked: date | None = None
    first_booked_over: date | None = None


NO_USAGE = UsageCounts()


@dataclass(frozen=True, slots=True)
class AuthorizationStatus:
    record: AuthorizationRecord
    today: date
    bands: StatusBands
    used: int  # including carried-in
    booked: int
    last_booked: date | None
    first_booked_over: date | None
    status: Status
    phase: Phase

    @property
    def authorized(self) -> int:
        return self.record.terms.authorized

    @property
    def remaining(self) -> int:
        """Authorized minus used (never below 0; see `overdrawn`)."""
        return max(0, self.authorized - self.used)

    @property
    def overdrawn(self) -> int:
        return max(0, self.used - self.authorized)

    @property
    def booked_over(self) -> int:
        """Booked visits (units) the authorization cannot cover by count."""
        return max(0, self.used + self.booked - self.authorized) - self.overdrawn

    @property
    def days_left(self) -> int:
        """Calendar days from today to the last covered day; 0 = ends today (still covered)."""
        return (self.record.effective_end - self.today).days

    @property
    def remaining_visits(self) -> int:
        """Remaining, in visits: units are divided by the record's units per visit."""
        return self.remaining // self.record.units_per_visit

    @property
    def summary(self) -> str:
        """"8 authorized, 5 used, 4 booked, 3 left" (units for a units-counted one)."""
        n = self.record.noun
        return (
            f"{plural(self.authorized, n)} authorized, {self.used} used, "
            f"{self.booked} booked, {self.remaining} left"
        )

    def reasons(self) -> tuple[StatusReason, ...]:
        """Every reason behind the status, worst first (built on demand: the board only
        needs `status`)."""
        r = self.record
        return for_coverage(_reasons(self), r.coverage_role, r.payer_name)


def authorization_status(
    record: AuthorizationRecord,
    counts: UsageCounts,
    today: date,
    bands: StatusBands = DEFAULT_BANDS,
) -> AuthorizationStatus:
    """The effective status of one authorization from its counts. Cheap: no strings built."""
    used = counts.used + record.carried_in
    phase = record.phase(today)
    if phase is Phase.PENDING or phase is Phase.ENDED:
        status = Status.NOT_TRACKED
    elif phase is Phase.EXPIRED or used >= record.terms.authorized:
        status = Status.RED
    else:
        remaining_visits = (record.terms.authorized - used) // record.units_per_visit
        status = bands.for_remaining(remaining_visits)
        by_days = bands.for_days((record.effective_end - today).days)
        if by_days.severity > status.severity:
            status = by_days
        if used + counts.booked > record.terms.authorized and status is not Status.RED:
            status = _over_status(counts, today, bands)
    return AuthorizationStatus(
        record, today, bands, used, counts.booked, counts.last_booked,
        counts.first_booked_over, status, phase,
    )


def _over_status(counts: UsageCounts, today: date, bands: StatusBands) -> Status:
    first = counts.first_booked_over or counts.last_booked
    if first is not None and (first - today).days <= bands.red_days:
        return Status.RED
    return Status.YELLOW


def _reasons(a: AuthorizationStatus) -> tuple[StatusReason, ...]:
    r = a.record
    subj = r.subject
    n = r.noun
    phase = a.phase
    out: list[StatusReason] = []
    if phase is Phase.PENDING:
        return (
            StatusReason(
                Status.NOT_TRACKED, ReasonCode.AUTH_PENDING, subj, "request pending",
                f"Placeholder while a request is with the payer ({short_date(r.terms.start)} "
                f"to {short_date(r.terms.end)}); no visit draws from it until it is approved.",
                "Follow the request; record the decision when it arrives.",
            ),
        )
    if phase is Phase.ENDED:
        return (
            StatusReason(
                Status.NOT_TRACKED, ReasonCode.AUTH_OK, subj,
                f"ended {short_date(r.effective_end)}",
                f"Closed by the clinic on {long_date(r.effective_end)}; {a.summary}.",
            ),
        )
    if phase is Phase.EXPIRED:
        out.append(StatusReason(
            Status.RED, ReasonCode.AUTH_EXPIRED, subj, f"expired {short_date(r.terms.end)}",
            f"Ended on {long_date(r.terms.end)}; visits after that date are not covered "
            f"({a.summary}).",
            "Get a new authorization before the next visit.",
        ))
        return tuple(out)
    if a.used >= a.authorized:
        over = f" ({plural(a.overdrawn, n)} beyond it)" if a.overdrawn else ""
        out.append(StatusReason(
            Status.RED, ReasonCode.AUTH_EXHAUSTED, subj, f"0 {n}s left",
            f"{'The' if a.authorized == 1 else 'All'} {plural(a.authorized, n)} authorized "
            f"{agree(a.authorized, 'is')} used{over}; {a.summary}.",
            "Do not treat under this authorization; renew before the next visit.",
        ))
    else:
        vb = a.bands.for_remaining(a.remaining_visits)
        about = (
            f" (about {plural(a.remaining_visits, 'visit')})"
            if r.counts_units and r.units_per_visit > 1 else ""
        )
        left = f"{plural(a.remaining, n)} left"
        out.append(StatusReason(
            vb, ReasonCode.AUTH_VISITS_LOW if vb is not Status.GREEN else ReasonCode.AUTH_OK,
            subj, left, f"{a.summary}{about}.", _next_step(vb),
        ))
        db = a.bands.for_days(a.days_left)
        if phase is Phase.UPCOMING:
            out.append(StatusReason(
                Status.GREEN, ReasonCode.AUTH_NOT_STARTED, subj,
                f"starts {short_date(r.terms.start)}",
                f"Starts {long_date(r.terms.start)}; visits before then do not draw from it.",
            ))
        when = "ends today" if a.days_left == 0 else f"{plural(a.days_left, 'day')} left"
        still = f", even though {left}" if db.severity > vb.severity else ""
        out.append(StatusReason(
            db, ReasonCode.AUTH_DAYS_LOW if db is not Status.GREEN else ReasonCode.AUTH_OK,
            subj, when,
            f"Covers visits through {long_date(r.effective_end)} (a visit on that day is "
            f"covered){still}.",
            _next_step(db),
        ))
    if a.booked_over > 0:
        over_status = _over_status(
            UsageCounts(a.used, a.booked, a.last_booked, a.first_booked_over),
            a.today, a.bands,
        )
        if a.booked_over == 1 and a.last_booked is not None and (
            a.first_booked_over in (None, a.last_booked)
        ):
            which = f"the last booked visit ({short_date(a.last_booked)}) is not covered"
        elif a.first_booked_over is not None and a.booked_over > 1:
            which = (f"the booked {n}s from {short_date(a.first_booked_over)} are not covered")
        elif a.first_booked_over is not None:
            which = f"the booked {n} on {short_date(a.first_booked_over)} is not covered"
        elif a.last_booked is not None:
            which = (f"{plural(a.booked_over, 'booked ' + n)} not covered, "
                     f"the last booked visit ({short_date(a.last_booked)}) among them")
        else:
            which = f"{plural(a.booked_over, 'booked ' + n)} not covered"
        out.append(StatusReason(
            over_status, ReasonCode.BOOKED_BEYOND_AUTH, subj,
            f"{plural(a.booked_over, 'booked ' + n)} not covered",
            f"{plural(a.authorized, n)} authorized, {a.used} used, {a.booked} booked: {which}.",
            "Request more visits before the first uncovered visit, or reschedule it.",
        ))
    return tuple(sorted(out, key=lambda x: -x.status.severity))


def _next_step(s: Status) -> str:
    if s is Status.RED:
        return "Renew now: send the extension request today."
    if s is Status.YELLOW:
        return "Send the extension request now."
    return ""
