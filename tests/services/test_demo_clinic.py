"""The synthetic demo clinic: every payer kind, every authorization state, findable patients,
the same clinic for the same seed, on SQLite and PostgreSQL."""

import hashlib
import itertools
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.demo.clinic import (
    DEMO_PATIENTS,
    ClinicNotEmpty,
    ensure_demo_clinic,
    generate_clinic,
)
from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.payers import PayerKind, ProviderRole, UnitMethod, VisitStatus
from ptdesk.domain.search_keys import patient_terms, prefix_upper_bound
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.migrate import upgrade_to_head
from ptdesk.storage.models import (
    Authorization,
    AuthorizationState,
    Coverage,
    Patient,
    PatientSearchTerm,
    Payer,
    Provider,
    ServiceLine,
    Visit,
)

TODAY = date(2025, 11, 24)


@pytest.fixture
def demo(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    summary = ensure_demo_clinic(session_factory, today=TODAY)
    assert summary is not None
    assert summary.patients == DEMO_PATIENTS
    return session_factory


def _auth_states(s: Session) -> Counter[str]:
    """Classify every authorization by where it stands on TODAY, from the recorded visits."""
    priority = dict(s.execute(select(Coverage.id, Coverage.priority)).all())
    patient_of = dict(s.execute(select(Coverage.id, Coverage.patient_id)).all())
    visits: dict[int, list[Visit]] = defaultdict(list)  # by patient: all billed to the primary
    for v in s.scalars(select(Visit)):
        visits[v.patient_id].append(v)
    states: Counter[str] = Counter()
    by_cov: dict[int, list[Authorization]] = defaultdict(list)
    for a in s.scalars(select(Authorization)):
        by_cov[a.coverage_id].append(a)
    for cov, auths in by_cov.items():
        auths.sort(key=lambda a: a.start_date)
        if priority[cov] == 2:
            states["secondary's own"] += 1
        for older, newer in itertools.pairwise(auths):
            if newer.start_date == older.end_date + timedelta(days=1):
                states["consecutive"] += 1
        patient_visits = visits[patient_of[cov]]
        for a in auths:
            codes = {c.code: c.authorized_units for c in a.codes}
            if a.state is AuthorizationState.PENDING:
                states["pending"] += 1
                continue
            if a.state is AuthorizationState.ENDED:
                states["ended"] += 1
                continue
            if a.counts is AuthUnit.UNITS:
                states["units for one code"] += len(codes) == 1
            elif codes:
                states["code-specific"] += 1
            in_dates = [v for v in patient_visits if a.start_date <= v.visit_date <= a.end_date]
            done = [v for v in in_dates if v.status is VisitStatus.COMPLETED]
            if codes:
                done = [v for v in done if any(line.code in codes for line in v.lines)]
            if a.counts is AuthUnit.UNITS:
                used = sum(ln.units for v in done for ln in v.lines if ln.code in codes)
            else:
                used = len(done)
            left = a.authorized - used - a.used_before_ptdesk
            days = (a.end_date - TODAY).days
            booked_after = [
                v
                for v in patient_visits
                if v.status is VisitStatus.BOOKED and v.visit_date > a.end_date
            ]
            if days < 0:
                states["expired"] += 1
                states["booked after expiry"] += bool(booked_after) and days > -15
            elif left <= 0:
                states["exhausted"] += 1
            elif left <= 2:
                states["few visits left"] += 1
            elif days <= 7:
                states["ending within 7 days"] += 1
                states["booked beyond the end"] += bool(booked_after)
            elif days <= 21:
                states["ending within 21 days"] += 1
            elif left <= 5:
                states["3-5 visits left"] += 1
            else:
                states["fresh"] += 1
    return states


def test_demo_has_every_payer_kind_and_authorization_state(demo: sessionmaker[Session]) -> None:
    with session_scope(demo) as s:
        kinds = Counter(s.scalars(select(Payer.kind)))
        assert set(kinds) == set(PayerKind)
        assert all(n >= 3 for n in kinds.values()), kinds
        for payer in s.scalars(select(Payer)):
            expected = (
                UnitMethod.CMS
                if payer.kind
                in (PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE, PayerKind.MEDICAID)
                else UnitMethod.AMA
            )
            assert payer.unit_method is expected
        needs_auth = Counter(p.kind for p in s.scalars(select(Payer)) if p.requires_prior_auth)
        for kind in (
            PayerKind.MEDICARE_ADVANTAGE,
            PayerKind.MEDICAID,
            PayerKind.COMMERCIAL,
            PayerKind.WORKERS_COMP,
        ):
            assert needs_auth[kind] >= 2, kind
        primary_kinds = set(
            s.scalars(select(Payer.kind).join(Coverage).where(Coverage.priority == 1))
        )
        assert primary_kinds == set(PayerKind)
        assert s.scalar(select(func.count()).where(Coverage.priority == 2)) > 10
        states = _auth_states(s)
    for state in (
        "fresh",
        "3-5 visits left",
        "few visits left",
        "ending within 7 days",
        "ending within 21 days",
        "expired",
        "exhausted",
        "pending",
        "ended",
        "consecutive",
        "units for one code",
        "code-specific",
        "secondary's own",
        "booked beyond the end",
        "booked after expiry",
    ):
        assert states[state] > 0, (state, states)


def test_demo_people_and_visits_look_real(demo: sessionmaker[Session]) -> None:
    with session_scope(demo) as s:
        patients = list(s.scalars(select(Patient)))
        names = [p.last_name + " " + p.first_name for p in patients]
        assert any(re.search(r"[áéíóúñüçøł]", n, re.IGNORECASE) for n in names)
        assert any("'" in n for n in names)
        assert any("-" in n for n in names)
        same = Counter((p.last_name, p.first_name) for p in patients)
        twins = [k for k, n in same.items() if n > 1]
        assert twins
        for last, first in twins:
            dobs = {
                p.date_of_birth for p in patients if (p.last_name, p.first_name) == (last, first)
            }
            assert len(dobs) > 1
        phones = [ph for p in patients for ph in (p.phone_mobile, p.phone_home) if ph]
        assert phones
        assert all(re.fullmatch(r"\(\d{3}\) 555-01\d\d", ph) for ph in phones)
        assert all(p.date_of_birth < TODAY for p in patients)
        for prov in s.scalars(select(Provider)):
            assert prov.npi is not None
            assert re.fullmatch(r"999\d{7}", prov.npi)
        roles = set(s.scalars(select(Provider.role)))
        assert roles == {ProviderRole.PT, ProviderRole.PTA}
        statuses = Counter(s.scalars(select(Visit.status)))
        for status in (
            VisitStatus.COMPLETED,
            VisitStatus.BOOKED,
            VisitStatus.CANCELLED,
            VisitStatus.NO_SHOW,
            VisitStatus.VOIDED,
        ):
            assert statuses[status] > 0, status
        assert (
            s.scalar(select(func.min(Visit.visit_date)).where(Visit.status == VisitStatus.BOOKED))
            >= TODAY
        )
        medicare = s.scalar(
            select(func.count()).where(Coverage.therapy_amount_elsewhere.is_not(None))
        )
        assert medicare > 0
        assert s.scalar(select(func.count()).where(Coverage.visit_limit_per_year.is_not(None)))
        assert s.scalar(select(func.count()).where(Coverage.visits_used_elsewhere > 0))


def test_demo_units_and_modifiers_follow_the_rules(demo: sessionmaker[Session]) -> None:
    timed = {"97110", "97112", "97116", "97140", "97530", "97035"}
    with session_scope(demo) as s:
        kind_of = dict(s.execute(select(Coverage.id, Payer.kind).join(Payer)).all())
        method_of = dict(s.execute(select(Coverage.id, Payer.unit_method).join(Payer)).all())
        codes = set(s.scalars(select(ServiceLine.code)))
        assert {"97110", "97112", "97140", "97530", "97116", "97035", "G0283", "97164"} <= codes
        assert codes & {"97161", "97162", "97163"}
        seen_mods: Counter[str] = Counter()
        for v in s.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED)):
            assert v.lines, "a completed visit has service lines"
            kind = kind_of[v.coverage_id]
            tl = [ln for ln in v.lines if ln.code in timed]
            total = sum(ln.minutes for ln in tl)
            if method_of[v.coverage_id] is UnitMethod.CMS:
                assert sum(ln.units for ln in tl) == ((total + 7) // 15 if total else 0)
            else:
                assert all(ln.units == (ln.minutes + 7) // 15 for ln in tl)
            for ln in v.lines:
                mods = ln.modifiers.split()
                seen_mods.update(mods)
                assert ("GP" in mods) == (kind is not PayerKind.SELF_PAY)
                if "KX" in mods:
                    assert kind is PayerKind.MEDICARE
                if "CQ" in mods:
                    assert ln.assistant_minutes * 10 > ln.minutes
                    assert v.assistant_id is not None
                assert ln.assistant_minutes <= ln.minutes
        assert seen_mods["KX"]
        assert seen_mods["CQ"]
        assert seen_mods["GP"]


def test_billing_engine_allocates_the_same_units(demo: sessionmaker[Session]) -> None:
    units = pytest.importorskip("ptdesk.domain.billing.units")
    timed = {"97110", "97112", "97116", "97140", "97530", "97035"}
    with session_scope(demo) as s:
        cms_covs = set(
            s.scalars(select(Coverage.id).join(Payer).where(Payer.unit_method == UnitMethod.CMS))
        )
        checked = 0
        for v in s.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED)):
            tl = [(ln.code, ln.minutes) for ln in v.lines if ln.code in timed]
            if v.coverage_id in cms_covs and tl:
                alloc = units.cms_units(tl)
                if not alloc.tied_codes:  # on a tie the therapist chooses; totals still agree
                    got = {ln.code: ln.units for ln in v.lines if ln.code in timed}
                    assert alloc.as_dict() == got
                assert alloc.total_units == sum(ln.units for ln in v.lines if ln.code in timed)
                checked += 1
        assert checked > 100


def test_every_patient_has_the_search_keys_of_patient_terms(demo: sessionmaker[Session]) -> None:
    with session_scope(demo) as s:
        members: dict[int, list[str]] = defaultdict(list)
        for pid, member in s.execute(select(Coverage.patient_id, Coverage.member_id)):
            members[pid].append(member)
        stored: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for pid, kind, term in s.execute(
            select(PatientSearchTerm.patient_id, PatientSearchTerm.kind, PatientSearchTerm.term)
        ):
            stored[pid].add((kind, term))
        patients = list(s.scalars(select(Patient)))
        for p in patients:
            expected = patient_terms(
                last_name=p.last_name,
                first_name=p.first_name,
                preferred_name=p.preferred_name,
                middle_name=p.middle_name,
                phones=tuple(x for x in (p.phone_mobile, p.phone_home) if x),
                chart_number=p.chart_number,
                member_ids=tuple(members[p.id]),
            )
            assert stored[p.id] == {(t.kind.value, t.term) for t in expected}
        # The lookup's range scan finds an accented name typed without its accents.
        accented = next(p for p in patients if re.search(r"[áéíóúñ]", p.last_name.lower()))
        prefix = accented.last_name.lower()[:3]
        prefix = prefix.translate(str.maketrans("áéíóúñ", "aeioun"))
        found = set(
            s.scalars(
                select(PatientSearchTerm.patient_id).where(
                    PatientSearchTerm.kind == "name",
                    PatientSearchTerm.term >= prefix,
                    PatientSearchTerm.term < prefix_upper_bound(prefix),
                )
            )
        )
        assert accented.id in found


def _digest(factory: sessionmaker[Session]) -> str:
    h = hashlib.sha256()
    with session_scope(factory) as s:
        for row in s.execute(
            select(
                Patient.last_name, Patient.first_name, Patient.date_of_birth, Patient.phone_mobile
            ).order_by(Patient.id)
        ):
            h.update(repr(tuple(row)).encode())
        for row in s.execute(
            select(Visit.patient_id, Visit.visit_date, Visit.status, Visit.scheduled_time).order_by(
                Visit.id
            )
        ):
            h.update(repr(tuple(row)).encode())
        for row in s.execute(
            select(
                ServiceLine.visit_id,
                ServiceLine.code,
                ServiceLine.minutes,
                ServiceLine.units,
                ServiceLine.modifiers,
                ServiceLine.allowed_amount,
            ).order_by(ServiceLine.id)
        ):
            h.update(repr(tuple(row)).encode())
        for row in s.execute(
            select(
                Authorization.coverage_id,
                Authorization.start_date,
                Authorization.end_date,
                Authorization.authorized,
                Authorization.number,
            ).order_by(Authorization.id)
        ):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _sqlite_factory(path: Path) -> sessionmaker[Session]:
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade_to_head(engine)
    return make_session_factory(engine)


def test_same_seed_same_clinic_on_any_database(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    generate_clinic(session_factory, patients=60, today=TODAY, seed=11)
    again = _sqlite_factory(tmp_path / "again.sqlite3")
    generate_clinic(again, patients=60, today=TODAY, seed=11)
    other = _sqlite_factory(tmp_path / "other.sqlite3")
    generate_clinic(other, patients=60, today=TODAY, seed=12)
    assert _digest(session_factory) == _digest(again)
    assert _digest(session_factory) != _digest(other)


def test_ensure_demo_clinic_runs_once(demo: sessionmaker[Session]) -> None:
    with session_scope(demo) as s:
        before = (s.scalar(select(func.count(Patient.id))), s.scalar(select(func.count(Visit.id))))
    assert ensure_demo_clinic(demo, today=TODAY + timedelta(days=3)) is None
    with session_scope(demo) as s:
        after = (s.scalar(select(func.count(Patient.id))), s.scalar(select(func.count(Visit.id))))
    assert before == after
    with pytest.raises(ClinicNotEmpty):
        generate_clinic(demo, patients=5, today=TODAY)


def test_exact_visits_per_patient_and_ids_keep_working(
    session_factory: sessionmaker[Session],
) -> None:
    seen: list[tuple[int, int]] = []
    summary = generate_clinic(
        session_factory,
        patients=40,
        today=TODAY,
        visits_per_patient=30,
        commit_every=15,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(15, 40), (30, 40), (40, 40)]
    assert summary.visits == 40 * 30
    with session_scope(session_factory) as s:
        per_patient = set(
            s.execute(select(func.count(Visit.id)).group_by(Visit.patient_id)).scalars()
        )
        assert per_patient == {30}
        assert s.scalar(select(func.count(Authorization.id))) == summary.authorizations
        # Explicit ids must not break the database's own numbering (PostgreSQL sequences).
        p = Patient(
            chart_number="NEW1",
            last_name="Test",
            first_name="Added",
            date_of_birth=date(1970, 1, 1),
        )
        s.add(p)
        s.flush()
        assert p.id == 41


@pytest.mark.parametrize("k", [1, 2])
def test_one_or_two_visits_per_patient(session_factory: sessionmaker[Session], k: int) -> None:
    """The fewest visits a benchmark asks for (a plan of booked visits only kept none of them
    with k = 1 and had no date to go back from)."""
    summary = generate_clinic(session_factory, patients=60, today=TODAY, visits_per_patient=k)
    assert summary.visits == 60 * k
    with session_scope(session_factory) as s:
        assert set(s.execute(select(func.count(Visit.id)).group_by(Visit.patient_id))
                   .scalars()) == {k}


def test_visits_know_the_authorization_they_draw_from(demo: sessionmaker[Session]) -> None:
    with session_scope(demo) as s:
        auths = {a.id: a for a in s.scalars(select(Authorization))}
        drawn = 0
        for v in s.scalars(select(Visit)):
            if v.status in (VisitStatus.CANCELLED, VisitStatus.NO_SHOW, VisitStatus.VOIDED):
                assert v.authorization_id is None
            if v.authorization_id is None:
                continue
            a = auths[v.authorization_id]
            assert a.coverage_id == v.coverage_id
            assert a.start_date <= v.visit_date <= a.end_date
            assert a.state is AuthorizationState.ACTIVE
            drawn += 1
        assert drawn > 500


def test_demo_has_renewal_requests_in_every_state(demo: sessionmaker[Session]) -> None:
    """Issue 8 #9: the board's "Awaiting decision" and "Payers" tabs and the panel's request
    list have something to show on the demo, in every state a request can be in."""
    from datetime import datetime, time

    from ptdesk.domain.renewal import RequestStatus
    from ptdesk.services.authorizations.panel import PanelService
    from ptdesk.services.board.practice_board import BoardService
    from ptdesk.storage.models import AuthorizationRequest

    with session_scope(demo) as s:
        states = Counter(s.scalars(select(AuthorizationRequest.status)).all())
        patients = s.execute(select(Coverage.patient_id, AuthorizationRequest.status)
                             .join(Coverage, Coverage.id == AuthorizationRequest.coverage_id)
                             ).all()
    assert set(states) == set(RequestStatus)
    now = datetime.combine(TODAY, time(10, 0)).astimezone()
    board = BoardService(demo).board(TODAY, now)
    assert board.counts.requests_awaiting >= 4
    assert board.counts.requests_overdue >= 1
    assert any(a.check_portal_now and not a.overdue for a in board.awaiting)
    assert {a.status for a in board.awaiting} == {RequestStatus.PENDING, RequestStatus.APPEALED}
    assert board.payers
    assert any(p.decided for p in board.payers)
    assert any(p.approval_rate is not None and p.denial_reasons for p in board.payers)
    panels = PanelService(demo)
    for pid, status in patients:
        panel = panels.panel(pid, TODAY, now)
        assert status in {r.status for r in panel.requests}
