"""When a Good Faith Estimate is due (45 CFR 149.610(b)(1)(ii); pt-rules.md §H3, CRS IF12338).

- Service scheduled at least 10 business days ahead: within 3 business days after scheduling.
- Scheduled at least 3 business days ahead: within 1 business day after scheduling.
- Scheduled fewer than 3 business days ahead: no GFE is required.
- Asked for by the patient: within 3 business days after the request.
- A recurring course (PT): one GFE may cover up to 12 months of it (confidence: medium).

"N business days ahead" counts the business days after the scheduling day up to and including
the service day: booked Monday for Thursday is 3 ahead (Monday is 3 business days before).
"""

from dataclasses import dataclass
from datetime import date

from ptdesk.domain.business_days import BusinessCalendar

AHEAD_FOR_ONE_DAY = 3
AHEAD_FOR_THREE_DAYS = 10
REQUEST_DAYS = 3
COVERS_MONTHS = 12


@dataclass(frozen=True, slots=True)
class GfeDue:
    due: date | None  # None = no GFE required (booked fewer than 3 business days ahead)
    business_days_ahead: int
    why: str


def gfe_due(scheduled_on: date, service_on: date, calendar: BusinessCalendar) -> GfeDue:
    ahead = calendar.between(scheduled_on, service_on)
    if ahead >= AHEAD_FOR_THREE_DAYS:
        return GfeDue(calendar.add(scheduled_on, 3), ahead,
                      f"booked {ahead} business days ahead (10 or more): due within 3 "
                      "business days of booking")
    if ahead >= AHEAD_FOR_ONE_DAY:
        return GfeDue(calendar.add(scheduled_on, 1), ahead,
                      f"booked {ahead} business days ahead (3 to 9): due within 1 business "
                      "day of booking")
    return GfeDue(None, ahead, f"booked {ahead} business days ahead (fewer than 3): "
                  "no Good Faith Estimate is required before the visit")


def gfe_due_on_request(requested_on: date, calendar: BusinessCalendar) -> date:
    return calendar.add(requested_on, REQUEST_DAYS)


def covers(given_on: date, service_on: date) -> bool:
    """A GFE given on `given_on` covers a recurring course's visits for 12 months."""
    if service_on < given_on:
        return False
    months = (service_on.year - given_on.year) * 12 + service_on.month - given_on.month
    return months < COVERS_MONTHS or (months == COVERS_MONTHS and service_on.day < given_on.day)
