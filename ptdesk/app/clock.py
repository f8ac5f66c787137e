"""The only place ptdesk reads the clock: the clinic's local date and time.

Rules take `today` as an argument; the app passes `local_today` down, and tests pass a fixed day.
"""

from datetime import date, datetime


def local_now() -> datetime:
    return datetime.now().astimezone()


def local_today() -> date:
    return local_now().date()
