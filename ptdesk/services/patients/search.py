"""Patient lookup: the search-term index and the search itself.

Every key a patient can be found by lives in `patient_search_terms` as a normalised string
(ptdesk.domain.search_keys). A typed word becomes range scans `term >= 'smi' AND term < 'smj'`
on the (kind, term) index, one per kind of key it may be; all words must match (INTERSECT).
Only the page of results that is returned gets its phone, payer and visits, in a fixed number
of queries whatever the page size. Once the Patients page has had the keys loaded into memory
(`lookup_index`, issue 9 #3), words are answered there and only the page is read here, by id.
"""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    intersect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from ptdesk.domain.patient_rules import age_on
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.search_keys import (
    PatientQuery,
    TermKind,
    TokenQuery,
    parse_query,
    patient_terms,
    prefix_upper_bound,
    sort_name,
)
from ptdesk.services.patients.dtos import PatientSearchResult, PatientSearchRow, display_name
from ptdesk.services.patients.lookup_index import LookupIndex
from ptdesk.storage.concurrency import insert_ignore
from ptdesk.storage.models import (
    ChangeCounter,
    Coverage,
    Patient,
    PatientSearchTerm,
    Payer,
    Visit,
)

_BATCH = 500
TERMS_COUNTER = "patient_search"  # bumped (and locked) by every rewrite of search terms
_UPCOMING = (VisitStatus.BOOKED, VisitStatus.CHECKED_IN)
_HAPPENED = (VisitStatus.CHECKED_IN, VisitStatus.COMPLETED)


def rewrite_search_terms(session: Session, patient_ids: Iterable[int]) -> int:
    """Replace the search terms of these patients from their current rows; returns rows written.

    Called whenever a patient or one of their coverages changes, and usable for bulk loading
    (batches of a few hundred patients per statement). Flushes the session first.
    """
    session.flush()
    ids = sorted(set(patient_ids))
    written = 0
    if ids:
        _lock_term_ids(session.connection())
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        members: dict[int, list[str]] = {}
        member_rows = session.execute(
            select(Coverage.patient_id, Coverage.member_id).where(Coverage.patient_id.in_(batch))
        )
        for pid, member_id in member_rows:
            members.setdefault(pid, []).append(member_id)
        patients = session.execute(
            select(
                Patient.id,
                Patient.last_name,
                Patient.first_name,
                Patient.preferred_name,
                Patient.middle_name,
                Patient.phone_mobile,
                Patient.phone_home,
                Patient.chart_number,
            ).where(Patient.id.in_(batch))
        )
        values: list[dict[str, object]] = []
        sort_names: list[dict[str, object]] = []
        for p in patients:
            sort_names.append({"id": p.id, "sort_name": sort_name(p.last_name, p.first_name)})
            terms = patient_terms(
                last_name=p.last_name,
                first_name=p.first_name,
                preferred_name=p.preferred_name,
                middle_name=p.middle_name,
                phones=(p.phone_mobile, p.phone_home),
                chart_number=p.chart_number,
                member_ids=tuple(members.get(p.id, ())),
            )
            values.extend(
                {"patient_id": p.id, "kind": t.kind.value, "term": t.term[:80]}
                for t in sorted(terms, key=lambda t: (t.kind, t.term))
            )
        # Core executemany (the session is flushed above): no ORM bookkeeping per row, which
        # is most of the cost when an import rewrites 100,000 patients' terms.
        conn = session.connection()
        # The new rows first, then the old ones (ids up to the highest before) go: ids only
        # grow, even on SQLite, which reuses the highest id after a delete (lookup_index).
        below = conn.execute(select(func.max(PatientSearchTerm.id))).scalar() or 0
        if values:
            conn.execute(insert(PatientSearchTerm), values)
        conn.execute(delete(PatientSearchTerm).where(PatientSearchTerm.patient_id.in_(batch),
                                                     PatientSearchTerm.id <= below))
        if sort_names:
            conn.execute(update(Patient).where(Patient.id == bindparam("pid")).values(
                sort_name=bindparam("sname")),
                [{"pid": r["id"], "sname": r["sort_name"]} for r in sort_names])
        written += len(values)
    return written


def _lock_term_ids(conn: Connection) -> None:
    """Serialise writers of search terms until commit (the "patient_search" counter row), so
    term ids are handed out in commit order: a desk that has seen id N has seen every row up
    to N (PostgreSQL's sequence alone gives ids at insert time, not in commit order)."""
    bump = (update(ChangeCounter).where(ChangeCounter.name == TERMS_COUNTER)
            .values(value=ChangeCounter.value + 1))
    if conn.execute(bump).rowcount == 0:
        insert_ignore(conn, ChangeCounter, {"name": TERMS_COUNTER, "value": 0})
        conn.execute(bump)


def _token_ids(token: TokenQuery) -> Select[tuple[int]]:
    """Patient ids any of whose keys starts with the token, one index range scan per kind."""
    T = PatientSearchTerm
    ranges: list[ColumnElement[bool]] = [
        and_(T.kind == kind.value, T.term >= prefix, T.term < prefix_upper_bound(prefix))
        for kind, prefix in token.lookups()
        if prefix
    ]
    return select(T.patient_id).where(or_(*ranges))


def matching_ids(query: PatientQuery) -> Select[tuple[int]] | None:
    """A SELECT of the ids of every matching patient (unordered), or None for an empty query."""
    if query.date_of_birth is not None:
        return select(Patient.id).where(Patient.date_of_birth == query.date_of_birth)
    selects = [_token_ids(t) for t in query.tokens if t.prefix]
    if not selects:
        return None
    if len(selects) == 1:
        return selects[0]
    compound = intersect(*selects).subquery()
    return select(compound.c.patient_id)


def _kind(query: PatientQuery) -> str:
    if query.date_of_birth is not None:
        return "date of birth"
    kinds = {k for t in query.tokens for k in t.kinds}
    return "number" if TermKind.NAME not in kinds else "name"


# How the page is found depends on how many keys match (measured on 100,000 patients, SQLite,
# CPU, counting matching keys): up to _SORT_AFTER_FETCH the matches are looked up and sorted
# by name (~1.5 us each: 2,500 matches ~4 ms); up to _WALK_WITH_SET the name index is walked
# against the set of matching ids built once (a 2-letter or rare 1-letter prefix: "jo" 4 ms,
# "o" 6 ms, where sorting took 10 and probing every walked patient 31); beyond it (a common
# first letter) the walk probes each patient's own keys, as matches are dense enough to fill a
# page within a few hundred rows ("s": ~3 ms, where building the set of 21,000 ids took 27).
_SORT_AFTER_FETCH = 4_000
_WALK_WITH_SET = 15_000


# One statement per shape of query (date of birth, or how many words with how many key kinds
# each; sorted or walked; page size), built and compiled once: typing sends the same few shapes
# again and again, with only the prefixes bound. Building them per keystroke (and SQLAlchemy's
# cache key for each) cost more CPU than SQLite's own work for a 3-letter search.
def _ranges(i: int, n: int, table: Any) -> ColumnElement[bool]:
    """Token `i`'s key ranges, one per (kind, prefix) lookup, as bound parameters."""
    return or_(*(
        and_(table.kind == bindparam(f"k{i}_{j}"),
             table.term >= bindparam(f"lo{i}_{j}"),
             table.term < bindparam(f"hi{i}_{j}"))
        for j in range(n)
    ))


def _shaped_ids(shape: tuple[int, ...]) -> Select[tuple[int]]:
    T = PatientSearchTerm
    selects = [select(T.patient_id).where(_ranges(i, n, T)) for i, n in enumerate(shape)]
    if len(selects) == 1:
        return selects[0]
    return select(intersect(*selects).subquery().c.patient_id)


@lru_cache(maxsize=64)
def _count_statement(shape: tuple[int, ...]) -> Select[tuple[int]]:
    capped = _shaped_ids(shape).limit(_WALK_WITH_SET + 1).subquery()
    return select(func.count()).select_from(capped)


def _token_exists(i: int, n: int) -> ColumnElement[bool]:
    """Correlated: this patient has a key starting with token i (probes by patient_id)."""
    T = aliased(PatientSearchTerm)
    return exists().where(T.patient_id == Patient.id, _ranges(i, n, T))


@lru_cache(maxsize=64)
def _page_statement(mode: str, shape: tuple[int, ...], limit: int) -> Select[Any]:
    """The page of patients in name order with their primary payer and next/last visit.

    mode "dob": by date of birth; "sort": the (few) matching ids sorted; "walk_set": the name
    index walked against the set of matches; "walk": the name index walked, each patient probed
    for every token (many matches). The payer and the visit dates
    are correlated subqueries on the page's rows only (one statement, not three).
    """
    if mode == "dob":
        where: ColumnElement[bool] = Patient.date_of_birth == bindparam("dob")
    elif mode == "ids":  # the page the in-memory index found (lookup_index)
        where = Patient.id.in_(bindparam("ids", expanding=True))
    elif mode == "sort":
        where = Patient.id.in_(_shaped_ids(shape))
    elif mode == "walk_set":
        # `id + 0`: not the primary key's index, so the planner walks the name index and
        # tests each id against the matches (a list built once) until the page is full.
        where = (Patient.id + 0).in_(_shaped_ids(shape))
    else:
        where = and_(*(_token_exists(i, n) for i, n in enumerate(shape)))
    page = (
        select(Patient.id, Patient.chart_number, Patient.last_name, Patient.first_name,
               Patient.preferred_name, Patient.date_of_birth, Patient.phone_mobile,
               Patient.phone_home, Patient.active, Patient.sort_name)
        .where(where).order_by(Patient.sort_name, Patient.id).limit(limit + 1).subquery("page")
    )
    today: BindParameter[date] = bindparam("today", type_=Visit.visit_date.type)
    payer = (
        select(Payer.name).join(Coverage, Payer.id == Coverage.payer_id)
        .where(Coverage.patient_id == page.c.id, Coverage.priority == 1,
               Coverage.effective_date <= today,
               or_(Coverage.end_date.is_(None), Coverage.end_date >= today))
        .order_by(Coverage.effective_date.desc(), Coverage.id.desc()).limit(1)  # latest start
        .scalar_subquery()
    )
    upcoming = (
        select(func.min(Visit.visit_date))
        .where(Visit.patient_id == page.c.id, Visit.status.in_(_UPCOMING),
               Visit.visit_date >= today).scalar_subquery()
    )
    happened = (
        select(func.max(Visit.visit_date))
        .where(Visit.patient_id == page.c.id, Visit.status.in_(_HAPPENED),
               Visit.visit_date <= today).scalar_subquery()
    )
    return (select(*(c for c in page.c if c.name != "sort_name"), payer, upcoming, happened)
            .order_by(page.c.sort_name, page.c.id))


def _params(query: PatientQuery) -> tuple[tuple[int, ...], dict[str, object]]:
    shape: list[int] = []
    params: dict[str, object] = {}
    for i, token in enumerate(t for t in query.tokens if t.prefix):
        pairs = token.lookups()
        shape.append(len(pairs))
        for j, (kind, prefix) in enumerate(pairs):
            params[f"k{i}_{j}"] = kind.value
            params[f"lo{i}_{j}"] = prefix
            params[f"hi{i}_{j}"] = prefix_upper_bound(prefix)
    return tuple(shape), params


def search_patients(session: Session, text: str, today: date, limit: int,
                    index: LookupIndex | None = None) -> PatientSearchResult:
    """The search; words through `index` when it is loaded (the same answer, sooner)."""
    query = parse_query(text, today)
    conn = session.connection()
    if query.date_of_birth is not None:
        shape: tuple[int, ...] = ()
        params: dict[str, object] = {"dob": query.date_of_birth}
        mode = "dob"
    else:
        shape, params = _params(query)
        if not shape:
            return PatientSearchResult(text=text, rows=())
        found = index.page(session, query, limit) if index is not None else None
        if found is not None:
            if not found:
                return PatientSearchResult(text=text, rows=(), kind=_kind(query))
            shape, params, mode = (), {"ids": found}, "ids"
        else:
            matches = conn.execute(_count_statement(shape), params).scalar() or 0
            mode = ("sort" if matches <= _SORT_AFTER_FETCH
                    else "walk_set" if matches <= _WALK_WITH_SET else "walk")
    params["today"] = today
    page = conn.execute(_page_statement(mode, shape, limit), params).all()
    more = len(page) > limit
    rows = tuple(
        PatientSearchRow(
            patient_id=pid,
            chart_number=chart,
            display_name=display_name(last, first, preferred),
            last_name=last,
            first_name=first,
            date_of_birth=dob,
            age=age_on(dob, today),
            phone=mobile or home,
            primary_payer=payer or "",
            next_visit=nxt,
            last_visit=prev,
            active=active,
        )
        for pid, chart, last, first, preferred, dob, mobile, home, active, payer, nxt, prev
        in page[:limit]
    )
    return PatientSearchResult(text=text, rows=rows, more=more, kind=_kind(query))
