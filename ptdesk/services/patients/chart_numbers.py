"""Handing out chart numbers, safe when several desks create patients at once.

The counter is an `app_settings` row per prefix. Its row is created first in a transaction of
its own (two desks racing to create it: the loser's insert fails and it moves on), then every
new patient's transaction starts by writing to it, which locks it (the row on PostgreSQL, the
database on SQLite) until that transaction ends, so two desks never read the same number.
The caller retries the whole transaction on a unique violation all the same (a chart typed by
hand elsewhere between the check and the commit).
"""

from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.chart_numbers import (
    DEFAULT_PREFIX,
    DIGITS,
    chart_number_of,
    format_chart,
    prefix_problem,
)
from ptdesk.domain.errors import ValidationErrors
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AppSetting, Patient

PREFIX_SETTING = "patients.chart_prefix"
COUNTER_SETTING = "patients.next_chart:"  # + the prefix


def chart_prefix(s: Session) -> str:
    value = s.scalar(select(AppSetting.value).where(AppSetting.key == PREFIX_SETTING))
    return DEFAULT_PREFIX if value is None else value


def set_chart_prefix(factory: sessionmaker[Session], prefix: str) -> str:
    prefix = prefix.strip().upper()
    problem = prefix_problem(prefix)
    if problem:
        raise ValidationErrors({"chart_prefix": problem})
    with session_scope(factory) as s:
        row = s.get(AppSetting, PREFIX_SETTING)
        if row is None:
            s.add(AppSetting(key=PREFIX_SETTING, value=prefix))
        else:
            row.value = prefix
    return prefix


def ensure_counter(factory: sessionmaker[Session]) -> None:
    """Create the counter row of the current prefix if it is missing (its own transaction)."""
    try:
        with session_scope(factory) as s:
            key = COUNTER_SETTING + chart_prefix(s)
            if s.get(AppSetting, key) is None:
                s.add(AppSetting(key=key, value=""))
    except IntegrityError:
        pass  # another desk created it first: that is all we needed


def _highest(s: Session, prefix: str) -> int:
    """The highest number already used with this prefix (0 when none). Fixed-width numbers
    sort as text, so the database finds it without reading every chart."""
    q = (select(Patient.chart_number)
         .where(Patient.chart_number.like(prefix + "%"),
                func.length(Patient.chart_number) == len(prefix) + DIGITS)
         .order_by(Patient.chart_number.desc()))
    for chart in s.scalars(q.limit(50)):
        n = chart_number_of(chart, prefix)
        if n is not None:
            return n
    return max((n for c in s.scalars(q) if (n := chart_number_of(c, prefix)) is not None),
               default=0)


def next_chart_number(s: Session) -> str:
    """The next chart of the clinic's scheme, inside the caller's transaction (call
    `ensure_counter` before that transaction)."""
    prefix = chart_prefix(s)
    key = COUNTER_SETTING + prefix
    # A write first: on PostgreSQL it locks the counter row until this transaction ends; on
    # SQLite it takes the database's write lock before anything is read (pysqlite runs reads
    # outside a transaction until the first write, so a SELECT ... FOR UPDATE locks nothing).
    locked = cast("CursorResult[Any]", s.execute(
        update(AppSetting).where(AppSetting.key == key).values(value=AppSetting.value)
    ))
    if not locked.rowcount:  # ensure_counter was not called: create it in this transaction
        s.add(AppSetting(key=key, value=""))
        s.flush()
    counter = s.get_one(AppSetting, key, populate_existing=True)
    number = max(_highest(s, prefix), int(counter.value) if counter.value.isdigit() else 0) + 1
    while s.scalar(select(func.count()).where(Patient.chart_number ==
                                               format_chart(prefix, number))):
        number += 1  # taken in another shape (more digits than the padding)
    counter.value = str(number)
    return format_chart(prefix, number)
