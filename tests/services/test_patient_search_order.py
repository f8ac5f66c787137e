"""Lookup on a clinic large enough that a one-letter search takes the name-order walk."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.demo.clinic import generate_clinic
from ptdesk.domain.search_keys import TermKind, name_key, parse_query
from ptdesk.services.patients import search as patient_search
from ptdesk.services.patients.records import PatientService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, PatientSearchTerm

TODAY = date(2026, 11, 24)


@pytest.fixture
def big_clinic(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    generate_clinic(
        session_factory, patients=500, today=TODAY, visits_per_patient=0, derive_usage=False
    )
    return session_factory


def _expected_first_page(factory: sessionmaker[Session], prefix: str, limit: int) -> list[int]:
    """Brute force: every patient with a name, chart or member key starting with the prefix."""
    kinds = (TermKind.NAME.value, TermKind.CHART.value, TermKind.MEMBER.value)
    with session_scope(factory) as s:
        ids = {
            pid
            for pid, kind, term in s.execute(
                select(PatientSearchTerm.patient_id, PatientSearchTerm.kind, PatientSearchTerm.term)
            )
            if kind in kinds and term.startswith(prefix)
        }
        ordered = s.execute(select(Patient.id, Patient.sort_name)).all()
    ranked = sorted(((name, pid) for pid, name in ordered if pid in ids))
    return [pid for _name, pid in ranked[:limit]]


@pytest.mark.parametrize("prefix", ["m", "s", "c"])
def test_dense_prefix_pages_in_name_order(
    big_clinic: sessionmaker[Session], prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 500-patient clinic stands in for a 100,000-patient one: lower the switch-over point.
    monkeypatch.setattr(patient_search, "_SORT_AFTER_FETCH", 40)
    with session_scope(big_clinic) as s:
        ids = patient_search.matching_ids(parse_query(prefix, TODAY))
        assert ids is not None
        matches = len(s.scalars(ids.distinct()).all())
    assert matches > patient_search._SORT_AFTER_FETCH  # the walk path, not the sort path
    result = PatientService(big_clinic).search(prefix, TODAY, limit=50)
    assert result.more
    assert [r.patient_id for r in result.rows] == _expected_first_page(big_clinic, prefix, 50)


def test_sparse_query_same_order_rule(big_clinic: sessionmaker[Session]) -> None:
    result = PatientService(big_clinic).search("smi", TODAY, limit=50)
    assert result.rows
    assert [r.patient_id for r in result.rows] == _expected_first_page(big_clinic, "smi", 50)


def test_accented_names_sort_with_their_letter(big_clinic: sessionmaker[Session]) -> None:
    with session_scope(big_clinic) as s:
        names = s.execute(select(Patient.last_name, Patient.sort_name)).all()
    for last, key in names:
        assert key.split(" ")[0] == name_key(last)
