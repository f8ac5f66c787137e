"""The patients service on SQLite and PostgreSQL: lookup by every kind of key, the record,
create/edit with validation, duplicates, coverages."""

import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.payers import PayerKind, ProviderRole, UnitMethod, VisitStatus
from ptdesk.services.clinic.reference import ReferenceService
from ptdesk.services.patients.dtos import CoverageDraft, CoverageState, PatientDraft
from ptdesk.services.patients.records import PatientNotFound, PatientService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, PatientSearchTerm, Payer, Provider, Visit

TODAY = date(2026, 3, 10)


class Clinic:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.service = PatientService(factory)
        with session_scope(factory) as s:
            self.medicare = Payer(
                name="Medicare Part B", kind=PayerKind.MEDICARE, unit_method=UnitMethod.CMS
            )
            self.aetna = Payer(name="Aetna", kind=PayerKind.COMMERCIAL, unit_method=UnitMethod.AMA)
            self.gone = Payer(
                name="Old Plan",
                kind=PayerKind.COMMERCIAL,
                unit_method=UnitMethod.AMA,
                active=False,
            )
            self.pt = Provider(
                first_name="Dana", last_name="Lee", credentials="PT", role=ProviderRole.PT
            )
            s.add_all([self.medicare, self.aetna, self.gone, self.pt])
        self.ids: dict[str, int] = {}

    def add(self, key: str, last: str, first: str, dob: date, **kw: object) -> int:
        draft = PatientDraft(last_name=last, first_name=first, date_of_birth=dob, **kw)  # type: ignore[arg-type]
        self.ids[key] = self.service.create_patient(draft, TODAY).id
        return self.ids[key]

    def cover(self, key: str, payer: Payer, member: str, **kw: object) -> int:
        draft = CoverageDraft(
            payer_id=payer.id,
            member_id=member,
            effective_date=date(2025, 1, 1),
            **kw,  # type: ignore[arg-type]
        )
        return self.service.add_coverage(self.ids[key], draft, TODAY).id

    def visit(self, key: str, when: date, status: VisitStatus) -> None:
        with session_scope(self.factory) as s:
            s.add(
                Visit(
                    patient_id=self.ids[key], visit_date=when, status=status, provider_id=self.pt.id
                )
            )


@pytest.fixture
def clinic(session_factory: sessionmaker[Session]) -> Clinic:
    c = Clinic(session_factory)
    c.add("jo", "Smith", "Jo", date(1961, 3, 7), phone_mobile="512-555-0134", chart_number="A-77")
    c.add("john", "Smithers", "John", date(1950, 1, 2), phone_home="(737) 555-0199")
    c.add("jose", "Núñez", "José", date(1988, 11, 30), preferred_name="Pepe")
    c.add("obrien", "O'Brien", "Siobhán", date(1975, 6, 15))
    c.add("anna", "Jones", "Anna", date(1961, 3, 7), middle_name="Smith")
    c.add("zed", "Zimmer", "Zed", date(2001, 8, 9), active=False)
    c.cover("jo", c.medicare, "1EG4-TE5-MK72")
    c.cover("jo", c.aetna, "W123456789", priority=2)
    c.cover("jose", c.aetna, "W987654321")
    c.visit("jo", TODAY - timedelta(days=30), VisitStatus.COMPLETED)
    c.visit("jo", TODAY + timedelta(days=2), VisitStatus.BOOKED)
    c.visit("jo", TODAY + timedelta(days=9), VisitStatus.BOOKED)
    c.visit("jose", TODAY - timedelta(days=3), VisitStatus.COMPLETED)
    c.visit("jose", TODAY - timedelta(days=1), VisitStatus.NO_SHOW)
    return c


def found(clinic: Clinic, text: str) -> list[str]:
    result = clinic.service.search(text, TODAY)
    by_id = {v: k for k, v in clinic.ids.items()}
    return [by_id[r.patient_id] for r in result.rows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s", ["anna", "obrien", "jo", "john"]),  # middle name Smith, Siobhán, Smith, Smithers
        ("sm", ["anna", "jo", "john"]),
        ("smi", ["anna", "jo", "john"]),
        ("SMITHE", ["john"]),
        ("smi jo", ["anna", "jo", "john"]),  # Anna Smith Jones, Jo Smith, John Smithers
        ("smith, jo", ["anna", "jo", "john"]),
        ("jo smi", ["anna", "jo", "john"]),
        ("smi joh", ["john"]),
        ("nunez", ["jose"]),
        ("núñ", ["jose"]),
        ("JOSE", ["jose"]),
        ("pepe", ["jose"]),
        ("o'bri", ["obrien"]),
        ("obrien", ["obrien"]),
        ("O Brien", ["obrien"]),
        ("siobhan", ["obrien"]),
        ("z", ["zed"]),  # inactive patients are still found
        ("xyz", []),
        ("", []),
        ("   ", []),
    ],
)
def test_search_by_name(clinic: Clinic, text: str, expected: list[str]) -> None:
    assert found(clinic, text) == expected


@pytest.mark.parametrize("text", ["03/07/1961", "3/7/61", "1961-03-07", "3-7-1961", " 3/7/1961 "])
def test_search_by_date_of_birth(clinic: Clinic, text: str) -> None:
    assert found(clinic, text) == ["anna", "jo"]
    assert clinic.service.search(text, TODAY).kind == "date of birth"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5125550134", ["jo"]),
        ("(512) 555-0134", ["jo"]),
        ("+1 512 555 0134", ["jo"]),
        ("512555", ["jo"]),  # the start of the number
        ("0134", ["jo"]),  # the last four
        ("0199", ["john"]),
        ("555-0199", ["john"]),
        ("7375550199", ["john"]),
    ],
)
def test_search_by_phone(clinic: Clinic, text: str, expected: list[str]) -> None:
    assert found(clinic, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A-77", ["jo"]),
        ("a77", ["jo"]),
        ("1eg4te5", ["jo"]),  # Medicare MBI typed without dashes
        ("1EG4-TE5-MK72", ["jo"]),
        ("w1234", ["jo"]),
        ("W987654321", ["jose"]),
        ("w", ["jose", "jo"]),  # Núñez before Smith  # a letter can start a member id too
    ],
)
def test_search_by_chart_and_member_id(clinic: Clinic, text: str, expected: list[str]) -> None:
    assert found(clinic, text) == expected


def test_auto_chart_numbers_are_found(clinic: Clinic) -> None:
    chart = clinic.service.get(clinic.ids["john"], TODAY).patient.chart_number
    assert re.fullmatch(r"C\d{6}", chart)
    assert found(clinic, chart) == ["john"]


def test_search_row_carries_what_the_desk_needs(clinic: Clinic) -> None:
    rows = {r.patient_id: r for r in clinic.service.search("smi", TODAY).rows}
    jo = rows[clinic.ids["jo"]]
    assert jo.display_name == "Smith, Jo"
    assert jo.chart_number == "A-77"
    assert (jo.date_of_birth, jo.age) == (date(1961, 3, 7), 65)
    assert jo.phone == "(512) 555-0134"
    assert jo.primary_payer == "Medicare Part B"
    assert jo.next_visit == TODAY + timedelta(days=2)
    assert jo.last_visit == TODAY - timedelta(days=30)
    john = rows[clinic.ids["john"]]
    assert (john.phone, john.primary_payer, john.next_visit, john.last_visit) == (
        "(737) 555-0199",
        "",
        None,
        None,
    )
    jose = clinic.service.search("pepe", TODAY).rows[0]
    assert jose.display_name == 'Núñez, José "Pepe"'
    assert jose.last_visit == TODAY - timedelta(days=3)  # the no-show did not happen


def test_limit_and_more(clinic: Clinic) -> None:
    result = clinic.service.search("s", TODAY, limit=2)
    assert len(result.rows) == 2
    assert result.more
    assert not clinic.service.search("s", TODAY, limit=4).more


@pytest.fixture
def statements(session_factory: sessionmaker[Session]) -> Iterator[list[str]]:
    engine = session_factory.kw["bind"]
    assert isinstance(engine, Engine)
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_search_runs_a_constant_number_of_queries(clinic: Clinic, statements: list[str]) -> None:
    clinic.service.search("xyz", TODAY)
    empty = len(statements)
    statements.clear()
    clinic.service.search("z", TODAY)
    one = len(statements)
    statements.clear()
    clinic.service.search("s", TODAY)
    assert len(statements) == one <= empty + 2
    assert one <= 4  # page, payers, visits (+ transaction statements on some drivers)


def test_search_terms_use_the_kind_term_index(clinic: Clinic) -> None:
    engine = clinic.factory.kw["bind"]
    if engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    from ptdesk.domain.search_keys import parse_query
    from ptdesk.services.patients.search import matching_ids

    ids = matching_ids(parse_query("smi jo", TODAY))
    assert ids is not None
    compiled = ids.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert "ix_patient_search_terms_kind_term" in plan
    assert "SCAN patient_search_terms" not in plan


def test_get_record(clinic: Clinic) -> None:
    record = clinic.service.get(clinic.ids["jo"], TODAY)
    assert record.patient.display_name == "Smith, Jo"
    assert record.age == 65
    primary, secondary = record.in_force(1), record.in_force(2)
    assert primary is not None
    assert primary.payer_name == "Medicare Part B"
    assert secondary is not None
    assert secondary.payer_name == "Aetna"
    assert [c.state for c in record.coverages] == [CoverageState.ACTIVE, CoverageState.ACTIVE]
    assert [v.visit_date for v in record.upcoming_visits] == [
        TODAY + timedelta(days=2),
        TODAY + timedelta(days=9),
    ]
    assert [v.provider_name for v in record.past_visits] == ["Dana Lee, PT"]
    with pytest.raises(PatientNotFound):
        clinic.service.get(999_999, TODAY)


def test_create_validates_and_keeps_nothing(clinic: Clinic) -> None:
    bad = PatientDraft(last_name="", first_name="Al", date_of_birth=TODAY + timedelta(days=1))
    with pytest.raises(ValidationErrors) as info:
        clinic.service.create_patient(bad, TODAY)
    assert set(info.value.errors) == {"last_name", "date_of_birth"}
    assert found(clinic, "al") == []


def test_chart_numbers_assigned_and_unique(clinic: Clinic) -> None:
    """One scheme: the clinic's prefix (default C) and 6 digits, as the demo's charts."""
    charts = [clinic.service.get(i, TODAY).patient.chart_number for i in clinic.ids.values()]
    auto = [int(c[1:]) for c in charts if c.startswith("C")]
    assert len(auto) == len(set(auto)) == 5
    assert auto == sorted(auto) == list(range(1, 6))
    with pytest.raises(ValidationErrors) as info:
        clinic.add("dup", "Other", "Person", date(1990, 1, 1), chart_number="A-77")
    assert "belongs to another patient" in info.value.errors["chart_number"]
    # a chart of the scheme typed by hand (or imported) moves the next number past it
    clinic.add("typed", "Typed", "Chart", date(1990, 1, 1), chart_number="C000040")
    new_id = clinic.add("next", "Next", "One", date(1990, 1, 1))
    assert clinic.service.get(new_id, TODAY).patient.chart_number == "C000041"


def test_chart_prefix_is_the_clinic_s(clinic: Clinic) -> None:
    assert clinic.service.chart_prefix() == "C"
    assert clinic.service.set_chart_prefix(" pt- ") == "PT-"
    new_id = clinic.add("p1", "Prefix", "One", date(1990, 1, 1))
    assert clinic.service.get(new_id, TODAY).patient.chart_number == "PT-000001"
    for bad in ("TOOLONG", "C 1", "c%"):
        with pytest.raises(ValidationErrors) as info:
            clinic.service.set_chart_prefix(bad)
        assert "chart_prefix" in info.value.errors
    clinic.service.set_chart_prefix("C")
    new_id = clinic.add("p2", "Prefix", "Two", date(1990, 1, 1))
    assert clinic.service.get(new_id, TODAY).patient.chart_number == "C000006"


def test_two_desks_creating_patients_at_once_get_different_charts(
    session_factory: sessionmaker[Session],
) -> None:
    """Several threads (desks) each with their own connection, on SQLite and PostgreSQL."""
    service = PatientService(session_factory)
    start = threading.Barrier(4)
    charts: list[str] = []
    errors: list[BaseException] = []

    def desk(k: int) -> None:
        try:
            start.wait()
            for i in range(5):
                draft = PatientDraft(last_name=f"Desk{k}", first_name=f"P{i}",
                                     date_of_birth=date(1980, 1, 1 + i))
                charts.append(service.create_patient(draft, TODAY).chart_number)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(charts) == [f"C{n:06d}" for n in range(1, 21)]


def test_update_patient_rewrites_terms(clinic: Clinic) -> None:
    pid = clinic.ids["john"]
    draft = clinic.service.get(pid, TODAY).patient.to_draft()
    clinic.service.update_patient(
        pid, replace(draft, last_name="Walker", phone_home="(512) 555-0777"), TODAY
    )
    assert found(clinic, "smithe") == []
    assert found(clinic, "walk joh") == ["john"]
    assert found(clinic, "0777") == ["john"]
    assert found(clinic, "0199") == []
    with session_scope(clinic.factory) as s:
        kinds = set(
            s.scalars(select(PatientSearchTerm.kind).where(PatientSearchTerm.patient_id == pid))
        )
    assert kinds == {"name", "phone", "phone_rev", "chart"}


def test_find_possible_duplicates(clinic: Clinic) -> None:
    svc = clinic.service
    hits = svc.find_possible_duplicates("SMITH", " jo", date(1961, 3, 7))
    assert [h.patient_id for h in hits] == [clinic.ids["jo"]]
    assert hits[0].display_name == "Smith, Jo"
    assert [
        h.patient_id for h in svc.find_possible_duplicates("Nunez", "Jose", date(1988, 11, 30))
    ] == [clinic.ids["jose"]]
    assert svc.find_possible_duplicates("Jo", "Smith", date(1961, 3, 7))  # swapped
    assert svc.find_possible_duplicates("Smith", "Jo", date(1961, 3, 8)) == ()
    assert svc.find_possible_duplicates("Smith", "Joanne", date(1961, 3, 7)) == ()
    assert svc.find_possible_duplicates("Smith", "Jo", date(1961, 3, 7), clinic.ids["jo"]) == ()
    assert svc.find_possible_duplicates("Smith", "Jo", None) == ()


def test_coverages_add_update_end(clinic: Clinic) -> None:
    svc = clinic.service
    pid = clinic.ids["john"]
    cov = svc.add_coverage(
        pid,
        CoverageDraft(
            payer_id=clinic.aetna.id,
            member_id="  ZZ-555 ",
            effective_date=date(2026, 1, 1),
            deductible=Decimal("500"),
            deductible_met=Decimal("120.50"),
            coinsurance_pct=Decimal("20"),
            visit_limit_per_year=30,
        ),
        TODAY,
    )
    assert (cov.payer_name, cov.member_id, cov.state) == ("Aetna", "ZZ-555", CoverageState.ACTIVE)
    assert cov.draft.deductible_met == Decimal("120.50")
    assert found(clinic, "zz555") == ["john"]
    assert clinic.service.search("smithe", TODAY).rows[0].primary_payer == "Aetna"

    with pytest.raises(ValidationErrors) as info:  # a second primary on the same dates
        svc.add_coverage(
            pid,
            CoverageDraft(payer_id=clinic.medicare.id, member_id="M1", effective_date=TODAY),
            TODAY,
        )
    assert "Aetna is already the primary" in info.value.errors["priority"]

    with pytest.raises(ValidationErrors) as info:
        svc.update_coverage(cov.id, replace(cov.draft, copay=Decimal("-5")), TODAY)
    assert "negative" in info.value.errors["copay"]

    updated = svc.update_coverage(cov.id, replace(cov.draft, member_id="YY-1"), TODAY)
    assert updated.member_id == "YY-1"
    assert found(clinic, "zz555") == []
    assert found(clinic, "yy1") == ["john"]

    with pytest.raises(ValidationErrors):
        svc.end_coverage(cov.id, date(2025, 12, 31), TODAY)
    ended = svc.end_coverage(cov.id, TODAY - timedelta(days=1), TODAY)
    assert ended.state is CoverageState.ENDED
    assert clinic.service.search("smithe", TODAY).rows[0].primary_payer == ""
    assert found(clinic, "yy1") == ["john"]  # old member ids still find the patient
    # now a new primary fits
    svc.add_coverage(
        pid,
        CoverageDraft(payer_id=clinic.medicare.id, member_id="M1", effective_date=TODAY),
        TODAY,
    )
    assert clinic.service.search("smithe", TODAY).rows[0].primary_payer == "Medicare Part B"


def test_rewrite_all_terms_for_bulk_loads(clinic: Clinic) -> None:
    with session_scope(clinic.factory) as s:
        s.execute(
            insert(Patient),
            [
                {
                    "chart_number": f"B{i}",
                    "last_name": f"Bulk{i}",
                    "first_name": "Pat",
                    "date_of_birth": date(1970, 1, 1),
                }
                for i in range(3)
            ],
        )
    assert clinic.service.search("bulk", TODAY).rows == ()
    assert clinic.service.rewrite_search_terms() > 0
    assert [r.last_name for r in clinic.service.search("bulk", TODAY).rows] == [
        "Bulk0",
        "Bulk1",
        "Bulk2",
    ]
    assert found(clinic, "smi jo") == ["anna", "jo", "john"]


def test_reference_pick_lists(clinic: Clinic) -> None:
    ref = ReferenceService(clinic.factory)
    assert [p.name for p in ref.payers()] == ["Aetna", "Medicare Part B"]
    assert [p.name for p in ref.payers(include_inactive=True)] == [
        "Aetna",
        "Medicare Part B",
        "Old Plan",
    ]
    assert ref.payers()[1].label == "Medicare Part B (Medicare)"
    assert [p.name for p in ref.providers()] == ["Lee, Dana, PT"]
