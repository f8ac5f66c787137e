"""Importing the five kinds on SQLite and PostgreSQL (issue 13): good rows, every kind of bad
row with its line number, re-import idempotence, encodings and separators, and a failure in
the middle leaving nothing behind."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.imports.columns import ImportKind
from ptdesk.domain.payers import ProviderRole, VisitStatus
from ptdesk.services.authorizations import records as auth_records
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.imports.reader import ImportFileError
from ptdesk.services.imports.service import ImportService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Authorization,
    AuthorizationUsage,
    Coverage,
    Patient,
    PatientSearchTerm,
    Payer,
    Provider,
    ServiceLine,
    Visit,
)

TODAY = date(2026, 12, 1)
K = ImportKind

PAYERS = (
    "name,payer_type,unit_method,requires_authorization\n"
    "Acme Health,commercial,ama,yes\n"
    "Medicare,medicare,cms,no\n"
)
PATIENTS = (
    "chart,last_name,first_name,preferred_name,date_of_birth,sex,phone,email,address,city,"
    "state,zip,active\n"
    "C1,Rivera,Ana,,1961-03-07,F,555-0101,,1 Main St,Springfield,IL,62701,yes\n"
    "C2,Okafor,Ben,,04/02/1950,M,,,,,,,yes\n"
    "C3,Lindqvist,Cora,,1970-01-01,F,,,,,,,no\n"
)
COVERAGES = (
    "chart,payer,rank,member_id,effective,end,deductible,copay,coinsurance_percent\n"
    "C1,Acme Health,primary,ACM123,2026-01-01,,500,25,\n"
    "C2,Medicare,primary,1EG4TE5MK72,2025-01-01,,257,,20\n"
    "C3,Acme Health,primary,ACM999,2026-01-01,,,,\n"
)
AUTHS = (
    "chart,payer,number,status,start,end,visits,units,codes,used_before\n"
    "C1,Acme Health,A-100,approved,2026-11-01,2026-12-31,12,,97110 97140,2\n"
)
VISITS = (
    "chart,date,time,provider,payer,status,lines\n"
    "C1,2026-11-20,09:00,Pat Therapist,,completed,97110:23;97140:15\n"
    "C1,2026-11-24,09:00,1234567893,,checked_in,\n"
    "C1,2026-12-10,09:00,,,booked,\n"
    "C1,2026-12-14,09:00,,Acme Health,cancelled,\n"
)


def run(factory: sessionmaker[Session], kind: ImportKind, text: str | bytes, **kw: object):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return ImportService(factory).run(kind, data, today=TODAY, **kw)  # type: ignore[arg-type]


def _count(factory: sessionmaker[Session], model: type) -> int:
    with session_scope(factory) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def clinic(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_scope(session_factory) as s:
        s.add(Provider(first_name="Pat", last_name="Therapist", npi="1234567893",
                       role=ProviderRole.PT))
    for kind, text in ((K.PAYERS, PAYERS), (K.PATIENTS, PATIENTS), (K.COVERAGES, COVERAGES),
                       (K.AUTHORIZATIONS, AUTHS)):
        report = run(session_factory, kind, text)
        assert report.problems == (), report.problems
    return session_factory


def test_good_rows_of_every_kind(clinic: sessionmaker[Session]) -> None:
    r = run(clinic, K.VISITS, VISITS)
    assert (r.created, r.problems, r.notes) == (4, (), ())
    with session_scope(clinic) as s:
        assert s.scalar(select(Payer.requires_prior_auth).where(Payer.name == "Acme Health"))
        ana = s.scalars(select(Patient).where(Patient.chart_number == "C1")).one()
        assert (ana.date_of_birth, ana.phone_mobile, ana.postal_code) == (
            date(1961, 3, 7), "555-0101", "62701")
        assert s.scalar(select(Patient.date_of_birth).where(Patient.chart_number == "C2")) == \
            date(1950, 4, 2)
        # searchable like a patient typed in the form (name, chart and member id)
        terms = set(s.scalars(select(PatientSearchTerm.term)
                              .where(PatientSearchTerm.patient_id == ana.id)))
        assert {"rivera", "acm123"} <= terms
        cov = s.scalars(select(Coverage).where(Coverage.patient_id == ana.id)).one()
        assert str(cov.deductible) == "500.00"
        assert str(cov.copay) == "25.00"
        visits = s.scalars(select(Visit).where(Visit.patient_id == ana.id)
                           .order_by(Visit.visit_date)).all()
        assert [v.status for v in visits] == [VisitStatus.COMPLETED, VisitStatus.CHECKED_IN,
                                              VisitStatus.BOOKED, VisitStatus.CANCELLED]
        assert visits[0].provider_id is not None
        assert visits[1].provider_id is not None
        # billed like the session form: AMA per code, 23 min -> 2 units, 15 min -> 1, GP
        assert [(ln.code, ln.units, ln.modifiers) for ln in visits[0].lines] == [
            ("97110", 2, "GP"), ("97140", 1, "GP")]
        assert all(ln.allowed_amount for ln in visits[0].lines)
        # counted like visits entered in the app: drawn from the authorization, derived usage
        auth = s.scalars(select(Authorization)).one()
        assert [v.authorization_id for v in visits[:3]] == [auth.id] * 3
        usage = s.scalars(select(AuthorizationUsage)).one()
        assert (usage.used, usage.booked) == (2, 1)
        # and exactly what the app's own derivation would store
        data = auth_records.load_patient(s, ana.id)
        alloc = auth_records.allocate(data.visits, auth_records.patient_records(data))
    counts = alloc.counts()
    assert counts[(auth.id, "")].used == 2
    assert counts[(auth.id, "")].booked == 1
    AuthorizationService(clinic).reallocate_patient(ana.id)
    with session_scope(clinic) as s:
        again = s.scalars(select(AuthorizationUsage)).one()
        assert (again.used, again.booked) == (2, 1)


def test_every_kind_of_bad_row_with_its_line(clinic: sessionmaker[Session]) -> None:
    text = (
        "chart,date,time,provider,payer,status,lines\n"
        "C9,2026-11-20,09:00,,,completed,\n"  # 2 unknown chart
        "C1,2026-11-31,09:00,,,completed,\n"  # 3 bad date
        "C1,2026-11-21,09:00,,Nobody Care,completed,\n"  # 4 unknown payer
        "C3,2026-12-20,10:00,,,booked,\n"  # 5 inactive patient
        "C1,2026-11-22,10:00,,,completed,97110:20\n"  # 6 good
        "C1,2026-11-22,10:00,,,cancelled,\n"  # 7 duplicate key
        "C2,2026-11-22,10:00,,Acme Health,completed,\n"  # 8 no coverage with that payer
        "C1,2026-11-23,10:00,,,completed,99999:10\n"  # 9 unknown code
    )
    r = run(clinic, K.VISITS, text)
    assert r.created == 1
    lines = {p.line: p.reason for p in r.problems}
    assert sorted(lines) == [2, 3, 4, 5, 7, 8, 9]
    assert "unknown chart C9" in lines[2]
    assert "not a real date" in lines[3]
    assert "unknown payer" in lines[4]
    assert "inactive" in lines[5]
    assert "duplicate of line 6" in lines[7]
    assert "no coverage with Acme Health" in lines[8]
    assert "99999" in lines[9]
    cov = run(clinic, K.COVERAGES,
              "chart,payer,rank,member_id,effective,end,oop_max\n"
              "C1,Medicare,secondary,X,2026-05-01,2026-04-01,\n"  # end before start
              "C2,Acme Health,secondary,X,2026-01-01,,-10\n"  # negative money
              "C2,Acme Health,primary,X,2026-01-01,,\n")  # a second primary in force
    reasons = {p.line: p.reason for p in cov.problems}
    assert "before effective" in reasons[2]
    assert "negative" in reasons[3]
    assert "another primary" in reasons[4]
    auth = run(clinic, K.AUTHORIZATIONS,
               "chart,payer,number,start,end,visits\n"
               "C1,Acme Health,B-1,2026-03-01,2026-02-01,5\n"
               "C1,Acme Health,B-2,2026-01-01,2026-02-01,-5\n"
               "C1,Acme Health,B-3,2026-01-01,2026-02-01,5\n"
               "C1,Acme Health,B-3,2026-01-01,2026-03-01,6\n"
               "C1,Acme Health,B-4,2026-01-01,2026-02-01,2\n")
    reasons = {p.line: p.reason for p in auth.problems}
    assert "before start" in reasons[2]
    assert "negative" in reasons[3]
    assert "duplicate of line 4" in reasons[5]
    assert auth.created == 2


def test_reimporting_changes_nothing(clinic: sessionmaker[Session]) -> None:
    run(clinic, K.VISITS, VISITS)
    before = {m: _count(clinic, m) for m in (Patient, Coverage, Authorization, Visit,
                                              ServiceLine, PatientSearchTerm)}
    for kind, text in ((K.PAYERS, PAYERS), (K.PATIENTS, PATIENTS), (K.COVERAGES, COVERAGES),
                       (K.AUTHORIZATIONS, AUTHS), (K.VISITS, VISITS)):
        r = run(clinic, kind, text)
        assert (r.created, r.updated, r.problems) == (0, 0, ()), kind
        assert r.unchanged == r.rows_read
    assert before == {m: _count(clinic, m) for m in before}
    # a changed row is updated in place, never duplicated
    r = run(clinic, K.PATIENTS, PATIENTS.replace("Rivera,Ana", "Rivera-Diaz,Ana"))
    assert (r.created, r.updated) == (0, 1)
    assert _count(clinic, Patient) == 3


def test_windows_1252_bom_and_semicolons(session_factory: sessionmaker[Session]) -> None:
    run(session_factory, K.PAYERS, PAYERS)
    cp = ("Chart Number;Last Name;First Name;Date of Birth;Zip Code\n"
          "C7;Müller;Zoë;07/04/1976;02139\n").encode("cp1252")
    r = run(session_factory, K.PATIENTS, cp)
    assert (r.created, r.preview.encoding, r.preview.delimiter) == (1, "windows-1252", ";")
    bom = ("\ufeffMRN,Surname,First,DOB\nC8,Ngô,Minh,1980-02-29\n").encode()
    r = run(session_factory, K.PATIENTS, bom)
    assert (r.created, r.preview.encoding, r.problems) == (1, "utf-8 (BOM)", ())
    with session_scope(session_factory) as s:
        names = set(s.scalars(select(Patient.last_name)))
    assert names == {"Müller", "Ngô"}


def test_unreadable_files_are_refused_whole(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(ImportFileError, match="no column for date_of_birth"):
        run(session_factory, K.PATIENTS, "chart,last_name,first_name\nC1,A,B\n")
    with pytest.raises(ImportFileError, match="empty"):
        run(session_factory, K.PATIENTS, "")


def test_a_failure_in_the_middle_leaves_nothing(clinic: sessionmaker[Session],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    before = (_count(clinic, Visit), _count(clinic, AuthorizationUsage))

    def broken(*_a: object) -> None:
        raise RuntimeError("disk full")

    # the visits are written, then the derivation fails: all of it must go
    monkeypatch.setattr("ptdesk.services.imports.service.derive", broken)
    with pytest.raises(RuntimeError):
        run(clinic, K.VISITS, VISITS)
    assert (_count(clinic, Visit), _count(clinic, AuthorizationUsage)) == before


def test_dry_run_reports_and_keeps_nothing(clinic: sessionmaker[Session]) -> None:
    r = run(clinic, K.VISITS, VISITS + "C9,2026-11-20,09:00,,,completed,\n", dry_run=True)
    assert r.dry_run
    assert r.created == 4
    assert [p.line for p in r.problems] == [6]
    assert _count(clinic, Visit) == 0


def test_mapping_can_be_changed(session_factory: sessionmaker[Session]) -> None:
    text = "id,surname,given,born,other\nC1,Rivera,Ana,1961-03-07,x\n"
    preview = ImportService.read(K.PATIENTS, text.encode())
    assert set(preview.missing) == {"chart", "first_name", "date_of_birth"}
    r = run(session_factory, K.PATIENTS, text, mapping={
        "chart": "id", "first_name": "given", "date_of_birth": "born"})
    assert r.created == 1
    assert r.preview.missing == ()


def test_progress_reaches_the_end(clinic: sessionmaker[Session]) -> None:
    seen: list[int] = []
    run(clinic, K.VISITS, VISITS, progress=seen.append)
    assert seen[-1] == 100
    assert seen == sorted(seen)


def test_a_later_visit_file_updates_statuses(clinic: sessionmaker[Session]) -> None:
    run(clinic, K.VISITS, VISITS)
    r = run(clinic, K.VISITS, VISITS.replace("12-10,09:00,,,booked", "12-10,09:00,,,cancelled"))
    assert (r.created, r.updated, r.unchanged) == (0, 1, 3)
    with session_scope(clinic) as s:
        usage = s.scalars(select(AuthorizationUsage)).one()
        assert (usage.used, usage.booked) == (2, 0)
