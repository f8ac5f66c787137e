"""Patient lookup: the search-term index and the search itself.

Every key a patient can be found by lives in `patient_search_terms` as a normalised string
(ptdesk.domain.search_keys). A typed word becomes range scans `term >= 'smi' AND term < 'smj'`
on the (kind, term) index, one per kind of key it may be; all words must match (INTERSECT).
Only the page of results that is returned gets its phone, payer and visits, in a fixed number
of queries whatever the page size.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
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
from ptdesk.storage.models import Coverage, Patient, PatientSearchTerm, Payer, Visit

_BATCH = 500
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
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        session.execute(delete(PatientSearchTerm).where(PatientSearchTerm.patient_id.in_(batch)))
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
        if values:
            conn.execute(insert(PatientSearchTerm), values)
        if sort_names:
            conn.execute(update(Patient).where(Patient.id == bindparam("pid")).values(
                sort_name=bindparam("sname")),
                [{"pid": r["id"], "sname": r["sort_name"]} for r in sort_names])
        written += len(values)
    return written


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


# Up to this many matching keys, the matches are sorted by name and the first page kept
# (measured on 100,000 patients: at most ~13 ms). Beyond it (a one-letter search), matches are
# dense enough that walking patients in name order finds a page within a few hundred rows
# (~4 ms); sorting 30,000 matches would take ~35 ms. See benchmarks/bench_lookup.py.
_SORT_AFTER_FETCH = 10_000


def _token_exists(token: TokenQuery) -> ColumnElement[bool]:
    """Correlated: this patient has a key starting with the token (probes by patient_id)."""
    T = aliased(PatientSearchTerm)
    ranges = [
        and_(T.kind == kind.value, T.term >= prefix, T.term < prefix_upper_bound(prefix))
        for kind, prefix in token.lookups()
        if prefix
    ]
    return exists().where(T.patient_id == Patient.id, or_(*ranges))


def _page_filter(
    session: Session, query: PatientQuery, ids: Select[tuple[int]]
) -> ColumnElement[bool]:
    """How to pick the page: sort the (few) matches, or walk the name index (many)."""
    if query.date_of_birth is not None:
        return Patient.date_of_birth == query.date_of_birth
    capped = ids.limit(_SORT_AFTER_FETCH + 1).subquery()
    matches = session.scalar(select(func.count()).select_from(capped)) or 0
    if matches <= _SORT_AFTER_FETCH:
        return Patient.id.in_(ids)
    return and_(*(_token_exists(t) for t in query.tokens if t.prefix))


def search_patients(session: Session, text: str, today: date, limit: int) -> PatientSearchResult:
    query = parse_query(text, today)
    ids = matching_ids(query)
    if ids is None:
        return PatientSearchResult(text=text, rows=())
    page = session.execute(
        select(
            Patient.id,
            Patient.chart_number,
            Patient.last_name,
            Patient.first_name,
            Patient.preferred_name,
            Patient.date_of_birth,
            Patient.phone_mobile,
            Patient.phone_home,
            Patient.active,
        )
        .where(_page_filter(session, query, ids))
        .order_by(Patient.sort_name, Patient.id)
        .limit(limit + 1)
    ).all()
    more = len(page) > limit
    page = page[:limit]
    page_ids = [p.id for p in page]
    payers = primary_payers(session, page_ids, today)
    visits = visit_dates(session, page_ids, today)
    rows = tuple(
        PatientSearchRow(
            patient_id=p.id,
            chart_number=p.chart_number,
            display_name=display_name(p.last_name, p.first_name, p.preferred_name),
            last_name=p.last_name,
            first_name=p.first_name,
            date_of_birth=p.date_of_birth,
            age=age_on(p.date_of_birth, today),
            phone=p.phone_mobile or p.phone_home,
            primary_payer=payers.get(p.id, ""),
            next_visit=visits.get(p.id, (None, None))[0],
            last_visit=visits.get(p.id, (None, None))[1],
            active=p.active,
        )
        for p in page
    )
    return PatientSearchResult(text=text, rows=rows, more=more, kind=_kind(query))


@cache
def _payers_statement() -> Select[tuple[int, str]]:
    """Built once, like `_visits_statement` (the lookup sends both on every keystroke)."""
    today: BindParameter[date] = bindparam("today")
    return (
        select(Coverage.patient_id, Payer.name)
        .join(Payer, Payer.id == Coverage.payer_id)
        .where(
            Coverage.patient_id.in_(bindparam("ids", expanding=True)),
            Coverage.priority == 1,
            Coverage.effective_date <= today,
            or_(Coverage.end_date.is_(None), Coverage.end_date >= today),
        )
        .order_by(Coverage.patient_id, Coverage.effective_date)
    )


@cache
def _visits_statement() -> Select[tuple[int, date | None, date | None]]:
    today: BindParameter[date] = bindparam("today")
    upcoming = and_(Visit.status.in_(_UPCOMING), Visit.visit_date >= today)
    happened = and_(Visit.status.in_(_HAPPENED), Visit.visit_date <= today)
    return (
        select(
            Visit.patient_id,
            func.min(case((upcoming, Visit.visit_date))),
            func.max(case((happened, Visit.visit_date))),
        )
        .where(Visit.patient_id.in_(bindparam("ids", expanding=True)))
        .group_by(Visit.patient_id)
    )


def primary_payers(session: Session, patient_ids: Sequence[int], today: date) -> dict[int, str]:
    """Payer name of each patient's primary coverage in force today (one query)."""
    if not patient_ids:
        return {}
    rows = session.connection().execute(
        _payers_statement(), {"ids": list(patient_ids), "today": today})
    return {pid: name for pid, name in rows}  # the latest start wins


def visit_dates(
    session: Session, patient_ids: Sequence[int], today: date
) -> dict[int, tuple[date | None, date | None]]:
    """(next booked visit from today, last visit that happened) per patient (one query)."""
    if not patient_ids:
        return {}
    rows = session.connection().execute(
        _visits_statement(), {"ids": list(patient_ids), "today": today})
    return {pid: (nxt, last) for pid, nxt, last in rows}
