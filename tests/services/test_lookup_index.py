"""The lookup's keys in memory (issue 9 #3): the same answers as the SQL search, on SQLite and
PostgreSQL, and still the same after other desks add and edit patients."""

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.demo.clinic import generate_clinic
from ptdesk.domain.search_keys import TermKind
from ptdesk.services.patients import lookup_index
from ptdesk.services.patients import search as patient_search
from ptdesk.services.patients.dtos import CoverageDraft, PatientDraft
from ptdesk.services.patients.lookup_index import LookupIndex
from ptdesk.services.patients.records import PatientService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, PatientSearchTerm, Payer

TODAY = date(2026, 11, 24)

# Every shape of text the box sees: one to three letters, whole names, two words, digits
# (phone ends, chart numbers), dates of birth, punctuation, nothing found, blank.
FIXED_TEXTS = [
    "s", "m", "a", "z", "sm", "jo", "smi", "smith", "smi jo", "jo smi", "o'b", "garcía",
    "nguyen", "le", "c", "c0", "c00001", "1", "12", "123", "1234", "5550", "555-01",
    "(512) 555", "x9", "w12", "1eg", "qqq", "zz yy", "  ", "", "-", "s m", "a b c",
    "03/07/1961", "3/7/61", "1961-03-07", "13/45/2000", "2/30/1990",
]


def _texts(factory: sessionmaker[Session], n: int, seed: int) -> list[str]:
    """Fixed texts and random ones made from the clinic's own keys, prefixes and dates."""
    rng = random.Random(seed)
    with session_scope(factory) as s:
        terms = s.execute(select(PatientSearchTerm.kind, PatientSearchTerm.term)).all()
        dobs = list(s.scalars(select(Patient.date_of_birth)))
    texts = list(FIXED_TEXTS)
    for _ in range(n):
        kind, term = rng.choice(terms)
        cut = term[: rng.randint(1, len(term))]
        if kind == TermKind.PHONE_REVERSED.value:
            cut = term[::-1][-rng.randint(4, len(term)):]  # a phone's last digits
        roll = rng.random()
        if roll < 0.25:
            other = rng.choice(terms)[1]
            cut = f"{cut} {other[: rng.randint(1, 3)]}"
        elif roll < 0.35:
            d = rng.choice(dobs)
            cut = rng.choice([f"{d.month}/{d.day}/{d.year}", d.isoformat(),
                              f"{d.month:02d}-{d.day:02d}-{d.year % 100:02d}"])
        elif roll < 0.45:
            cut = cut.upper() + rng.choice(["", ",", " ", "-"])
        texts.append(cut)
    return texts


def _loaded(factory: sessionmaker[Session]) -> PatientService:
    service = PatientService(factory)
    while not service.prepare_lookup():
        pass
    return service


@pytest.fixture
def clinic(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    generate_clinic(
        session_factory, patients=300, today=TODAY, derive_usage=False
    )
    return session_factory


_SQL_ALLOWED = [True]


@pytest.fixture
def no_sql_lookup(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Words searched through SQL fail (but in `_both`): proves an answer came from the index."""
    real = patient_search._count_statement

    def refuse(shape: tuple[int, ...]) -> Any:
        assert _SQL_ALLOWED[0], "searched through SQL"
        return real(shape)

    monkeypatch.setattr(patient_search, "_count_statement", refuse)
    _SQL_ALLOWED[0] = False
    yield
    _SQL_ALLOWED[0] = True


def _both(factory: sessionmaker[Session], index: LookupIndex, text: str, limit: int) -> None:
    allowed, _SQL_ALLOWED[0] = _SQL_ALLOWED[0], True
    try:
        with session_scope(factory) as s:
            through_sql = patient_search.search_patients(s, text, TODAY, limit)
    finally:
        _SQL_ALLOWED[0] = allowed
    with session_scope(factory) as s:
        through_index = patient_search.search_patients(s, text, TODAY, limit, index)
    assert through_index == through_sql, text


@pytest.mark.parametrize("sort_up_to", [1_000, 3])  # sorting the matches / walking the order
@pytest.mark.parametrize("limit", [100, 7])
def test_same_answers_as_sql(clinic: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
                             sort_up_to: int, limit: int) -> None:
    monkeypatch.setattr(lookup_index, "_SORT_UP_TO", sort_up_to)
    index = _loaded(clinic)._index
    assert index.loaded
    texts = _texts(clinic, 150, seed=limit + sort_up_to)
    for text in texts:
        _both(clinic, index, text, limit)


def test_other_desks_changes_are_found(clinic: sessionmaker[Session],
                                       no_sql_lookup: None) -> None:
    mine = _loaded(clinic)
    other = PatientService(clinic)  # another desk on the same database
    new = other.create_patient(PatientDraft(last_name="Zyqwer", first_name="Anna",
                                            date_of_birth=date(1970, 1, 2),
                                            phone_mobile="(512) 555-9876"), TODAY)
    assert [r.patient_id for r in mine.search("zyq", TODAY).rows] == [new.id]
    assert [r.patient_id for r in mine.search("9876", TODAY).rows] == [new.id]
    # Renamed: found by the new name, no longer by the old one, and sorted by the new one.
    first = mine.search("a", TODAY).rows[0]
    detail = other.get(first.patient_id, TODAY).patient
    other.update_patient(first.patient_id, PatientDraft(
        last_name="Zzyzx", first_name=detail.first_name, date_of_birth=detail.date_of_birth,
        chart_number=detail.chart_number), TODAY)
    assert [r.patient_id for r in mine.search("zzyz", TODAY).rows] == [first.patient_id]
    assert first.patient_id not in [r.patient_id for r in mine.search(
        first.last_name[:3], TODAY, limit=1000).rows]
    # A member id added on another desk.
    with session_scope(clinic) as s:
        payer_id = s.scalars(select(Payer.id)).first()
    assert payer_id is not None
    other.add_coverage(new.id, CoverageDraft(payer_id=payer_id, member_id="QX-4477-K",
                                             effective_date=date(2026, 1, 1),
                                             coinsurance_pct=Decimal("20")), TODAY)
    assert [r.patient_id for r in mine.search("qx44", TODAY).rows] == [new.id]
    for text in ["a", "z", "zz", "s", "9876", "qx", "anna zy", "c0"]:
        _both(clinic, mine._index, text, 50)


def test_editing_the_newest_patient_is_seen(clinic: sessionmaker[Session],
                                            no_sql_lookup: None) -> None:
    """SQLite hands out the highest id again after it is deleted: the rewrite adds the new keys
    before removing the old, so the change still shows as ids above the last one seen."""
    other = PatientService(clinic)
    newest = other.create_patient(PatientDraft(last_name="Quimby", first_name="Ed",
                                               date_of_birth=date(1980, 5, 5)), TODAY)
    mine = _loaded(clinic)
    with session_scope(clinic) as s:
        top = s.scalar(select(func.max(PatientSearchTerm.id)))
    other.update_patient(newest.id, PatientDraft(last_name="Vexley", first_name="Ed",
                                                 date_of_birth=date(1980, 5, 5),
                                                 chart_number=newest.chart_number), TODAY)
    with session_scope(clinic) as s:
        rows = s.execute(select(PatientSearchTerm.id).where(
            PatientSearchTerm.patient_id == newest.id)).scalars().all()
    assert top is not None
    assert min(rows) > top
    assert [r.patient_id for r in mine.search("vexl", TODAY).rows] == [newest.id]
    assert mine.search("quimb", TODAY).rows == ()


def test_many_changes_reload_the_index(clinic: sessionmaker[Session], no_sql_lookup: None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup_index, "RELOAD_AFTER", 2)
    mine = _loaded(clinic)
    other = PatientService(clinic)
    made = [other.create_patient(PatientDraft(last_name=f"Wobbly{c}", first_name="Jo",
                                              date_of_birth=date(1990, 1, 1)), TODAY).id
            for c in "abc"]
    assert [r.patient_id for r in mine.search("wobbly", TODAY).rows] == made
    for text in ["w", "wo", "jo", "jo wob"]:
        _both(clinic, mine._index, text, 100)


def test_a_change_while_loading_is_caught_up(clinic: sessionmaker[Session],
                                             no_sql_lookup: None) -> None:
    mine = PatientService(clinic)
    assert mine.prepare_lookup() is False  # the first part only: searches still go to SQL
    other = PatientService(clinic)
    late = other.create_patient(PatientDraft(last_name="Aardvark", first_name="Lu",
                                             date_of_birth=date(1999, 9, 9)), TODAY)
    while not mine.prepare_lookup():
        pass
    assert mine.search("a", TODAY).rows[0].patient_id == late.id
    assert [r.patient_id for r in mine.search("aardv lu", TODAY).rows] == [late.id]


def test_searches_go_through_sql_until_loaded(clinic: sessionmaker[Session]) -> None:
    service = PatientService(clinic)
    with session_scope(clinic) as s:
        expected = patient_search.search_patients(s, "sm", TODAY, 100)
    assert service.search("sm", TODAY) == expected
    assert not service._index.loaded


def test_loaded_in_small_parts_the_same(clinic: sessionmaker[Session],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part goes on after the last (term, patient) it read: none lost, none twice, also
    where one name is shared by more patients than a part holds."""
    monkeypatch.setattr(lookup_index, "_PART_ROWS", 7)
    service = PatientService(clinic)
    parts = 1
    while not service.prepare_lookup():
        parts += 1
    with session_scope(clinic) as s:
        rows = s.scalar(select(func.count()).select_from(PatientSearchTerm)) or 0
    assert parts > rows // 7
    index = service._index
    for text in _texts(clinic, 60, seed=5):
        _both(clinic, index, text, 100)
