"""Recompute every patient's derived allocation and usage rows on a given connection: the hook
the schema upgrade calls (storage/migrate.py) after a revision that changes what they derive
from, inside the upgrade's own transaction, so an upgraded clinic never shows 0 used."""

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.authorizations.records import load_patients, reallocate
from ptdesk.storage.models import Patient

_BATCH = 2000


def rebuild_derived_usage(conn: Connection) -> int:
    """Returns the number of patients recomputed."""
    # The session joins the connection's transaction (it neither commits nor ends it).
    with Session(bind=conn) as s:
        ids = list(s.scalars(select(Patient.id).order_by(Patient.id)))
        for i in range(0, len(ids), _BATCH):
            for data in load_patients(s, ids[i:i + _BATCH]).values():
                reallocate(s, data)
        bump(s, ())
        s.flush()
    return len(ids)
