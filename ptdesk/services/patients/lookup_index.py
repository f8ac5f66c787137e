"""The patient lookup's keys in memory: which patients match a typed text, in name order.

Issue 9 #3: SQLite's own range scans over `patient_search_terms` cost 6-11 ms of CPU a
keystroke on 100,000 patients ("s" alone matches 20,000 of them). The same keys held here as
sorted arrays answer with `bisect` and C-level set operations in 0.5-2 ms; one statement
then fetches the page's rows by id (`search.search_patients`). The keys are read from the
table itself (not recomputed), so the index matches exactly what the SQL search would.

Kept current across desks without a schema change: every rewrite of a patient's keys inserts
new rows before deleting the old ones under the "patient_search" counter row's lock
(`search.rewrite_search_terms`), so term ids only grow, in commit order. Before each search,
`SELECT max(id)` (one primary-key probe) tells whether anything changed; if so, the patients
with rows above the last id seen are re-read into a small overlay that supersedes their old
entries. Many changes at once (an import) reload the whole index instead.
"""

import logging
import threading
import time
from array import array
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from heapq import nsmallest
from itertools import islice

from sqlalchemy import distinct, func, literal, select, tuple_
from sqlalchemy.orm import Session

from ptdesk.domain.search_keys import PatientQuery, TermKind, prefix_upper_bound
from ptdesk.storage.models import Patient, PatientSearchTerm

log = logging.getLogger(__name__)

# More patients changed than this since the load (an import on another desk): reload whole
# rather than patch (every lookup subtracts the changed patients and merges their overlay;
# the reload costs ~0.7 s once).
RELOAD_AFTER = 1_000
# Up to this many matches are sorted by name; beyond it the name order is walked against the
# set of matches, which stops after a page: (page / density) set probes in C.
_SORT_UP_TO = 3_000


class _Keys:
    """One kind of key, compact: its distinct terms sorted and packed into one string (with
    their offsets, for `bisect`), and for each term the patients that have it, as slices of
    one int array. ~20 MB for 100,000 patients, where a list of string objects took twice."""

    __slots__ = ("_last", "_parts", "blob", "offsets", "pids", "posts")

    def __init__(self) -> None:
        self.blob = ""
        self.offsets = array("i")  # term i is blob[offsets[i]:offsets[i + 1]]
        self.posts = array("i")  # term i's patients are pids[posts[i]:posts[i + 1]]
        self.pids = array("i")
        self._parts: list[str] = []  # the terms while loading (in term order)
        self._last: str | None = None

    def add(self, term: str, pid: int) -> None:
        """The next (term, patient) pair in (term, patient) order."""
        if term != self._last:
            self._last = term
            self._parts.append(term)
            self.posts.append(len(self.pids))
        self.pids.append(pid)

    def seal(self) -> None:
        at = 0
        for term in self._parts:
            self.offsets.append(at)
            at += len(term)
        self.offsets.append(at)
        self.posts.append(len(self.pids))
        self.blob = "".join(self._parts)
        self._parts, self._last = [], None

    def __len__(self) -> int:  # the distinct terms, as a sequence for bisect
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.blob[self.offsets[i]:self.offsets[i + 1]]

    def range(self, prefix: str, upper: str) -> Sequence[int]:
        lo = bisect_left(self, prefix)
        hi = bisect_left(self, upper, lo)
        return self.pids[self.posts[lo]:self.posts[hi]]


class _State:
    """One loaded index: the base arrays plus the overlay of patients changed since."""

    def __init__(self) -> None:
        self.keys: dict[str, _Keys] = {}
        self.sort_names: dict[int, str] = {}  # patient id -> sort_name
        self.order: list[int] = []  # patient ids by (sort_name, id)
        self.seen = 0  # the highest term id applied
        self.stale: set[int] = set()  # patients whose base entries are superseded
        self.overlay: dict[str, list[tuple[str, int]]] = {}  # kind -> sorted (term, id)
        self.shared: dict[str, str] = {}  # one object per distinct sort name (while loading)

    def seal(self) -> None:
        """Loading done: the keys packed, the loading aids dropped."""
        for keys in self.keys.values():
            keys.seal()
        self.shared = {}

    def range(self, kind: str, prefix: str) -> set[int]:
        upper = prefix_upper_bound(prefix)
        keys = self.keys.get(kind)
        found = set(keys.range(prefix, upper)) if keys is not None else set()
        if self.stale:
            found -= self.stale
            extra = self.overlay.get(kind)
            if extra:
                lo = bisect_left(extra, (prefix,))
                hi = bisect_left(extra, (upper,), lo)
                found.update(pid for _term, pid in extra[lo:hi])
        return found


# The load in parts of at most this many rows (~30-50 ms of CPU on this machine), so a
# keystroke arriving while the index loads on the one worker thread waits for one part, not
# the whole (~0.7 s for 100,000 patients). Each part goes on after the last row it read.
_PART_ROWS = 30_000
_SORT_NAMES = "sort names"
_WHAT = (_SORT_NAMES, *(kind.value for kind in TermKind))

_Resume = tuple[str, int] | None  # (sort name or term, patient id) last read


def _begin(s: Session) -> _State:
    state = _State()
    # The id first: anything written after it is re-read by the first refresh (harmless if the
    # parts read later already saw it), so the loaded state is never older than `seen`.
    state.seen = s.connection().execute(select(func.max(PatientSearchTerm.id))).scalar() or 0
    return state


def _load_part(s: Session, state: _State, what: str, after: _Resume) -> _Resume:
    """Up to _PART_ROWS rows of `what` after `after`; where to go on from, None when done."""
    conn = s.connection()
    read = 0
    last: tuple[str, int] | None = None
    if what == _SORT_NAMES:
        stmt = select(Patient.sort_name, Patient.id).order_by(Patient.sort_name, Patient.id)
        if after is not None:
            stmt = stmt.where(tuple_(Patient.sort_name, Patient.id) > tuple_(*map(literal, after)))
        shared, sort_names, order = state.shared, state.sort_names, state.order
        for name, pid in conn.execute(stmt.limit(_PART_ROWS)):
            sort_names[pid] = shared.setdefault(name, name)
            order.append(pid)
            read += 1
            last = name, pid
    else:
        T = PatientSearchTerm
        # The (kind, term, patient_id) index returns the rows already in this order.
        stmt = (select(T.term, T.patient_id).where(T.kind == what)
                .order_by(T.term, T.patient_id))
        if after is not None:
            stmt = stmt.where(tuple_(T.term, T.patient_id) > tuple_(*map(literal, after)))
        add = state.keys.setdefault(what, _Keys()).add
        for term, pid in conn.execute(stmt.limit(_PART_ROWS)):
            add(term, pid)
            read += 1
            last = term, pid
    return last if read == _PART_ROWS else None


def _load(s: Session) -> _State:
    state = _begin(s)
    for what in _WHAT:
        after = _load_part(s, state, what, None)
        while after is not None:
            after = _load_part(s, state, what, after)
    return state


class LookupIndex:
    """The search keys of every patient; thread-safe, loaded once and patched per search."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: _State | None = None
        # While loading (the task runner's worker only): the parts so far, what is left to
        # read, and where the current one goes on from.
        self._loading: _State | None = None
        self._left: list[str] = []
        self._after: _Resume = None
        self._started = 0.0

    @property
    def loaded(self) -> bool:
        return self._state is not None

    def load_part(self, s: Session) -> bool:
        """Load the next part of the index; True once it is complete (and in use). One thread
        at a time: the task runner's worker."""
        if self._state is not None:
            return True
        if self._loading is None:
            self._loading, self._left, self._after = _begin(s), list(_WHAT), None
            self._started = time.perf_counter()
        self._after = _load_part(s, self._loading, self._left[0], self._after)
        if self._after is None:
            self._left.pop(0)
        if self._left:
            return False
        state, self._loading = self._loading, None
        state.seal()
        with self._lock:
            self._state = state
        log.info("patient lookup index loaded: %d patients in %.0f ms", len(state.sort_names),
                 (time.perf_counter() - self._started) * 1000)
        return True

    def page(self, s: Session, query: PatientQuery, limit: int) -> list[int] | None:
        """The first `limit + 1` matching patient ids in name order (sort_name, id), after
        catching up with other desks' changes; None when the index is not loaded."""
        with self._lock:
            state = self._state
            if state is None:
                return None
            state = self._refresh(s, state)
            found: set[int] | None = None
            for token in query.tokens:
                if not token.prefix:
                    continue
                sets = [state.range(kind.value, prefix) for kind, prefix in token.lookups()
                        if prefix]
                ids = max(sets, key=len)  # the others added to the largest: no copy of it
                for other in sets:
                    if other is not ids:
                        ids |= other
                found = ids if found is None else found & ids
                if not found:
                    return []
            if found is None:
                return []
            if len(found) <= _SORT_UP_TO:
                # By id, then (stable) by name: (sort_name, id) order with C-level keys.
                return nsmallest(limit + 1, sorted(found), key=state.sort_names.__getitem__)
            return list(islice(filter(found.__contains__, state.order), limit + 1))

    def _refresh(self, s: Session, state: _State) -> _State:
        T = PatientSearchTerm
        conn = s.connection()
        top = conn.execute(select(func.max(T.id))).scalar() or 0
        if top == state.seen:
            return state
        changed = list(conn.execute(
            select(distinct(T.patient_id)).where(T.id > state.seen).limit(RELOAD_AFTER + 1)
        ).scalars())
        if top < state.seen or len(changed) + len(state.stale) > RELOAD_AFTER:
            # Rows went away (a patient removed) or too many changed: start again.
            log.info("patient lookup index: reloading (%d patients changed)", len(changed))
            self._state = state = _load(s)
            state.seal()
            return state
        self._apply(s, state, changed)
        state.seen = top
        return state

    @staticmethod
    def _apply(s: Session, state: _State, changed: Iterable[int]) -> None:
        """Re-read these patients' keys and sort names into the overlay."""
        ids = set(changed)
        T = PatientSearchTerm
        conn = s.connection()
        for kind, entries in state.overlay.items():  # their previous overlay entries go
            state.overlay[kind] = [e for e in entries if e[1] not in ids]
        for kind, term, pid in conn.execute(
            select(T.kind, T.term, T.patient_id).where(T.patient_id.in_(sorted(ids)))
        ):
            insort(state.overlay.setdefault(kind, []), (term, pid))
        names = dict(conn.execute(
            select(Patient.id, Patient.sort_name).where(Patient.id.in_(sorted(ids)))
        ).tuples().all())
        sort_names = state.sort_names

        def key(pid: int) -> tuple[str, int]:
            return sort_names[pid], pid

        for pid in sorted(ids):
            if pid in sort_names:  # found under its old name, then moved to the new one
                del state.order[bisect_left(state.order, key(pid), key=key)]
                del sort_names[pid]
            new = names.get(pid)
            if new is not None:
                sort_names[pid] = new
                insort(state.order, pid, key=key)
        state.stale.update(ids)
