"""The change counter every desk polls: bumped by every authorization, visit, request or band
change, with the patients it named, so a board kept in memory recomputes only those.
"""

from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ptdesk.storage.concurrency import insert_ignore
from ptdesk.storage.models import ChangeCounter, PatientChange

COUNTER = "authorizations"  # bumped by every authorization, visit, request or band change


# The COUNTER value at the last change that named no patient (bands, a whole-clinic
# reallocation): a board kept in memory must then be rebuilt whole, not patient by patient.
WHOLE_CLINIC = "authorizations.whole_clinic"


def bump(s: Session, patient_ids: Iterable[int]) -> int:
    """Advance the change counter and mark the patients changed at the new value."""
    conn = s.connection()
    res = conn.execute(update(ChangeCounter).where(ChangeCounter.name == COUNTER)
                       .values(value=ChangeCounter.value + 1))
    if res.rowcount == 0:
        # Two desks making the very first change at once both find no row: one inserts, the
        # other's insert is ignored and it bumps the row the first one wrote.
        insert_ignore(conn, ChangeCounter, {"name": COUNTER, "value": 0})
        conn.execute(update(ChangeCounter).where(ChangeCounter.name == COUNTER)
                     .values(value=ChangeCounter.value + 1))
    value = int(conn.execute(select(ChangeCounter.value)
                             .where(ChangeCounter.name == COUNTER)).scalar_one())
    pids = set(patient_ids)
    if not pids:
        res = conn.execute(update(ChangeCounter).where(ChangeCounter.name == WHOLE_CLINIC)
                           .values(value=value))
        if res.rowcount == 0:
            insert_ignore(conn, ChangeCounter, {"name": WHOLE_CLINIC, "value": value})
    for pid in pids:
        res = conn.execute(update(PatientChange).where(PatientChange.patient_id == pid)
                           .values(seq=value))
        if res.rowcount == 0:
            conn.execute(insert(PatientChange).values(patient_id=pid, seq=value))
    return value


def current_token(s: Session) -> int:
    """The change counter's value (0 before the first change)."""
    v = s.execute(select(ChangeCounter.value).where(ChangeCounter.name == COUNTER)).scalar()
    return int(v or 0)
