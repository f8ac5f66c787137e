"""A desk appending to the audit trail, run in a process of its own (test_audit_trail)."""

import sys

from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.storage.actor import Actor, set_actor
from ptdesk.storage.audit_trail import Event, append
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.models import Payer


def main(url: str, desk: str, count: int) -> None:
    set_actor(Actor(desk, frozenset()))
    factory = make_session_factory(create_engine_for(url))
    for i in range(count):
        with session_scope(factory) as s:  # a row write (the flush event) and an event
            s.add(Payer(name=f"{desk} payer {i}", kind=PayerKind.COMMERCIAL,
                        unit_method=UnitMethod.AMA))
            s.flush()
            append(s.connection(), [Event("print", "visits", str(i))])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
