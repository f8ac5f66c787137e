"""Medicare: year-to-date PT+SLP allowed amount against the KX and review thresholds (pt-rules D2).

The amount is the clinic's own allowed amounts this calendar year plus other providers' amount
entered at intake (HETS / MAC portal). Thresholds are inputs (the billing engine's table holds
them by year; 2025 $2,410 and 2026 $2,480 rest on secondary sources only).

- "Exceeded" means strictly above: exactly at the threshold is not exceeded (pt-rules D2).
- Approaching: the amount left before the threshold is at or below `KxBands.approaching_within`
  (default $400, roughly four visits' allowed amount) -> Yellow, "prepare KX documentation".
- Exceeded: Yellow too, not Red. Crossing KX is not a denial: claims need the KX modifier and
  the plan of care and notes must justify continued care; the desk keeps treating.
- Above the targeted medical review threshold ($3,000 through 2027): still Yellow, with its
  own reason (claims may be reviewed; KX continues).
- Booked visits' estimated amount (optional) turns "below" into "approaching" when it would
  cross the threshold, with the words "the booked visits will cross it".
- Threshold unknown for the year: NOT_TRACKED with "enter this year's threshold".
"""

from dataclasses import dataclass
from decimal import Decimal

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import ReasonCode, Status, StatusReason

REVIEW_THRESHOLD_THROUGH_2027 = Decimal("3000.00")


@dataclass(frozen=True, slots=True)
class KxBands:
    approaching_within: Decimal = Decimal("400.00")

    def __post_init__(self) -> None:
        if not self.approaching_within.is_finite() or self.approaching_within < 0:
            raise ValidationErrors({"approaching_within": "The KX margin cannot be negative."})


DEFAULT_KX_BANDS = KxBands()


@dataclass(frozen=True, slots=True)
class KxInput:
    year: int
    # The KX threshold for `year`; None when the clinic has no figure for that year.
    threshold: Decimal | None
    own_amount: Decimal  # this clinic's PT+SLP allowed amounts, this calendar year
    elsewhere_amount: Decimal = Decimal("0")  # other providers, entered at intake
    # The calendar year `elsewhere_amount` belongs to; a figure from another year is ignored.
    elsewhere_year: int | None = None
    review_threshold: Decimal = REVIEW_THRESHOLD_THROUGH_2027
    # Estimated allowed amount of booked visits this year (0 when not estimated).
    booked_amount: Decimal = Decimal("0")
    threshold_note: str = ""  # e.g. "secondary sources only": shown with the figure


@dataclass(frozen=True, slots=True)
class KxStatus:
    data: KxInput
    elsewhere_counted: Decimal
    status: Status

    @property
    def ytd(self) -> Decimal:
        return self.data.own_amount + self.elsewhere_counted

    @property
    def exceeded(self) -> bool:
        t = self.data.threshold
        return t is not None and self.ytd > t

    @property
    def review_exceeded(self) -> bool:
        return self.ytd > self.data.review_threshold

    @property
    def left_before_kx(self) -> Decimal | None:
        t = self.data.threshold
        return None if t is None else max(Decimal("0"), t - self.ytd)

    def reasons(self) -> tuple[StatusReason, ...]:
        return _reasons(self)


def kx_status(data: KxInput, bands: KxBands = DEFAULT_KX_BANDS) -> KxStatus:
    elsewhere = (
        data.elsewhere_amount
        if data.elsewhere_year is None or data.elsewhere_year == data.year
        else Decimal("0")
    )
    ytd = data.own_amount + elsewhere
    if data.threshold is None:
        status = Status.NOT_TRACKED
    elif (
        ytd > data.threshold  # exceeded: KX required, not a denial
        or data.threshold - ytd <= bands.approaching_within  # approaching
        or ytd + data.booked_amount > data.threshold  # the booked visits will cross it
    ):
        status = Status.YELLOW
    else:
        status = Status.GREEN
    return KxStatus(data, elsewhere, status)


def _money(x: Decimal) -> str:
    return f"${x:,.2f}"


def _reasons(k: KxStatus) -> tuple[StatusReason, ...]:
    d = k.data
    subj = f"Medicare KX {d.year}"
    out: list[StatusReason] = []
    parts = f"{_money(d.own_amount)} here"
    if k.elsewhere_counted:
        parts += f" + {_money(k.elsewhere_counted)} elsewhere"
    note = f" ({d.threshold_note})" if d.threshold_note else ""
    if d.threshold is None:
        out.append(StatusReason(
            Status.NOT_TRACKED, ReasonCode.KX_THRESHOLD_UNKNOWN, subj, "KX threshold unknown",
            f"No KX threshold is on file for {d.year}; year to date {_money(k.ytd)} ({parts}).",
            f"Enter the {d.year} KX threshold in the clinic settings.",
        ))
    elif k.exceeded:
        out.append(StatusReason(
            Status.YELLOW, ReasonCode.KX_REQUIRED, subj, "KX modifier required",
            f"Year to date {_money(k.ytd)} ({parts}) is above the {d.year} KX threshold of "
            f"{_money(d.threshold)}{note}. KX modifier required from now on; this is not a "
            "denial.",
            "Add KX to therapy lines and make sure the plan of care and notes justify "
            "continued care.",
        ))
    else:
        left = d.threshold - k.ytd
        approaching = k.status is Status.YELLOW
        why = (
            f"; the booked visits (about {_money(d.booked_amount)}) will cross it"
            if d.booked_amount and k.ytd + d.booked_amount > d.threshold else ""
        )
        out.append(StatusReason(
            k.status,
            ReasonCode.KX_APPROACHING if approaching else ReasonCode.KX_BELOW, subj,
            f"{_money(left)} before KX",
            f"Year to date {_money(k.ytd)} ({parts}) against the {d.year} KX threshold of "
            f"{_money(d.threshold)}{note}: {_money(left)} left (at the threshold exactly, KX "
            f"is not yet needed){why}.",
            "Prepare the documentation: KX will be needed soon." if approaching else "",
        ))
    if k.review_exceeded:
        out.append(StatusReason(
            Status.YELLOW, ReasonCode.KX_REVIEW, subj, "over the review threshold",
            f"Year to date {_money(k.ytd)} is above the {_money(d.review_threshold)} targeted "
            "medical review threshold: claims may be reviewed. KX continues.",
            "Keep the documentation review-ready.",
        ))
    if d.elsewhere_amount and k.elsewhere_counted == 0:
        out.append(StatusReason(
            Status.NOT_TRACKED, ReasonCode.KX_ELSEWHERE_STALE, subj,
            "amount elsewhere is from another year",
            f"{_money(d.elsewhere_amount)} from other providers was entered for "
            f"{d.elsewhere_year}, not {d.year}, and is not counted.",
            "Check the MAC eligibility (HETS/portal) for this year's therapy amount.",
        ))
    return tuple(sorted(out, key=lambda x: -x.status.severity))
