"""A desk appending to the audit trail, run in a process of its own (test_audit_trail)."""

import sys

from ptdesk.storage.actor import Actor, set_actor
from ptdesk.storage.audit_trail import Event, append
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope


def main(url: str, desk: str, count: int) -> None:
    set_actor(Actor(desk, frozenset()))
    factory = make_session_factory(create_engine_for(url))
    for i in range(count):
        with session_scope(factory) as s:
            append(s.connection(), [Event("print", "visits", str(i))])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
