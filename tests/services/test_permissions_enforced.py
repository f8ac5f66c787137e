"""Every permission is enforced in a service (issue 12): a Permission that no service
`require`s fails the scan, and for each role (and a person holding none) every action the
role may not do is refused by the service itself, in words, with nothing written."""

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import ptdesk.services
from ptdesk.app.clock import local_now
from ptdesk.domain.booking import SeriesPlan
from ptdesk.domain.imports.columns import ImportKind
from ptdesk.domain.overrides import OverrideDraft, OverrideReason
from ptdesk.domain.permissions import PERMISSIONS, NotPermitted, Permission, Role
from ptdesk.domain.sign_in_lockout import LockoutPolicy
from ptdesk.services.accounts.access import exporting
from ptdesk.services.accounts.audit_log import AuditFilter, AuditLogService
from ptdesk.services.accounts.users import AccountService, NewUser
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.plan_of_care import PlanOfCareService
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.services.authorizations.status_settings import StatusSettingsService, default_draft
from ptdesk.services.billing.fee_schedules import DEFAULT, FeeScheduleService
from ptdesk.services.billing.rule_data import import_rule_file
from ptdesk.services.clinic.details import ClinicDetailsService
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.estimates.given import PatientEstimateService
from ptdesk.services.exports.billed_lines import write_billed_lines
from ptdesk.services.exports.board_export import board_lines
from ptdesk.services.exports.fhir import fhir_bundle
from ptdesk.services.exports.kinds import write_kind
from ptdesk.services.imports.service import ImportService
from ptdesk.services.patients.records import PatientService
from ptdesk.services.safekeeping.connection import ConnectionService
from ptdesk.services.safekeeping.encryption import EncryptionService
from ptdesk.services.visits.booking import BookingService, SeriesRequest
from ptdesk.services.visits.checkin import CheckInService
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.week import WeekService
from ptdesk.storage.actor import Actor, acting_as
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry
from ptdesk.storage.rule_tables import load_bundled_ruleset
from tests.services.test_checkin import _expired_visit

ANY = cast(Any, None)  # never looked at: the permission is checked first
P = Permission
Action = Callable[[sessionmaker[Session], int], object]


def _series(f: sessionmaker[Session], vid: int) -> object:
    plan = SeriesPlan(date(2026, 3, 16), (0,), None, 4)
    return BookingService(f).book(SeriesRequest(1, None, None, plan))


# (permission, what, the call). Several per permission where the brief names them all.
ACTIONS: list[tuple[Permission, str, Action]] = [
    (P.VIEW_PATIENTS, "search patients", lambda f, v: PatientService(f).search("a", date.today())),
    (P.VIEW_PATIENTS, "open a patient", lambda f, v: PatientService(f).get(1, date.today())),
    (P.EDIT_PATIENTS, "add a patient", lambda f, v: PatientService(f).create_patient(ANY, ANY)),
    (P.EDIT_PATIENTS, "add a coverage", lambda f, v: PatientService(f).add_coverage(1, ANY, ANY)),
    (P.EDIT_PATIENTS, "end an authorization",
     lambda f, v: AuthorizationService(f).end(1, date.today(), "x")),
    (P.EDIT_PATIENTS, "make a renewal request", lambda f, v: RenewalService(f).create(ANY, ANY)),
    (P.EDIT_PATIENTS, "save a plan of care",
     lambda f, v: PlanOfCareService(f).save(None, ANY, ANY)),
    (P.EDIT_PATIENTS, "import patients",
     lambda f, v: ImportService(f).run(ImportKind.PATIENTS, b"", today=date.today())),
    (P.SCHEDULE_VISITS, "book a visit", lambda f, v: VisitService(f).book(ANY)),
    (P.SCHEDULE_VISITS, "book a series", _series),
    (P.SCHEDULE_VISITS, "move a visit",
     lambda f, v: BookingService(f).move(v, date(2026, 3, 17), None)),
    (P.SCHEDULE_VISITS, "cancel a visit", lambda f, v: VisitService(f).cancel(v)),
    (P.SCHEDULE_VISITS, "no-show", lambda f, v: VisitService(f).no_show(v)),
    (P.SCHEDULE_VISITS, "check in", lambda f, v: CheckInService(f).check_in(v, local_now())),
    (P.COMPLETE_SESSION, "complete a visit", lambda f, v: VisitService(f).complete(v, [])),
    (P.VOID_VISIT, "void a visit", lambda f, v: VisitService(f).void(v, "wrong patient")),
    (P.MAKE_ESTIMATES, "record an estimate",
     lambda f, v: PatientEstimateService(f).save(ANY, ANY)),
    (P.EDIT_FEE_SCHEDULES, "change a fee schedule",
     lambda f, v: FeeScheduleService(f).save(DEFAULT, 2026, [])),
    (P.EDIT_STATUS_BANDS, "change the status bands",
     lambda f, v: StatusSettingsService(f).save_clinic(default_draft())),
    (P.EDIT_CLINIC, "change the clinic's details",
     lambda f, v: ClinicDetailsService(f).save(ClinicDetailsDraft(name="X"))),
    (P.EDIT_CLINIC, "change the idle lock", lambda f, v: AccountService(f).set_idle_minutes(5)),
    (P.EDIT_CLINIC, "change the clinic hours", lambda f, v: WeekService(f).save_hours(ANY)),
    (P.EDIT_CLINIC, "change the chart prefix",
     lambda f, v: PatientService(f).set_chart_prefix("Z")),
    (P.EDIT_CLINIC, "change a payer's plan rules",
     lambda f, v: PlanOfCareService(f).set_payer_rules(1, True)),
    (P.IMPORT_RULES, "rules import",
     lambda f, v: import_rule_file(f, Path("mue.csv"), load_bundled_ruleset(), local_now())),
    (P.OVERRIDE_CHECKIN, "check in over a stop", lambda f, v: CheckInService(f).check_in(
        v, local_now(), OverrideDraft(OverrideReason.AT_RISK, "", "x"))),
    (P.MANAGE_USERS, "add a user", lambda f, v: AccountService(f).create_user(
        NewUser("Z", frozenset({Role.BILLER}), "long enough", "long enough"))),
    (P.MANAGE_USERS, "unlock an account", lambda f, v: AccountService(f).unlock_account(1)),
    (P.MANAGE_USERS, "change the lockout",
     lambda f, v: AccountService(f).set_lockout_policy(LockoutPolicy())),
    (P.VIEW_AUDIT, "read the audit trail",
     lambda f, v: AuditLogService(f).entries(AuditFilter())),
    (P.EXPORT_DATA, "export patients CSV",
     lambda f, v: write_kind(f, ImportKind.PATIENTS, io.StringIO(), date.today())),
    (P.EXPORT_DATA, "export billed lines", lambda f, v: write_billed_lines(
        f, date(2026, 1, 1), date(2026, 12, 31), io.StringIO())),
    (P.EXPORT_DATA, "export FHIR", lambda f, v: fhir_bundle(f, "C1", date.today())),
    (P.EXPORT_DATA, "export the board", lambda f, v: board_lines(f, date.today(), local_now())),
    (P.EXPORT_DATA, "a screen's export (CSV, PDF)", lambda f, v: exporting("table").__enter__()),
    (P.MANAGE_SECURITY, "encrypt the database", lambda f, v: EncryptionService(
        f, Path("/nonexistent"), is_demo=False).turn_on("a passphrase", "a passphrase")),
    (P.MANAGE_SECURITY, "change the passphrase", lambda f, v: EncryptionService(
        f, Path("/nonexistent"), is_demo=False).change_passphrase("old", "new one", "new one")),
    (P.MANAGE_SECURITY, "choose the database server",
     lambda f, v: ConnectionService(Path("/nonexistent"), f).save(None, None)),
]


def test_every_permission_is_required_by_a_service() -> None:
    """A Permission that no service checks is a promise nobody keeps: scan the services."""
    root = Path(ptdesk.services.__file__).parent
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    required = set(re.findall(r"require\(\s*Permission\.([A-Z_]+)\s*\)", text))
    missing = sorted(p.name for p in Permission if p.name not in required)
    assert missing == [], f"defined but never required by a service: {missing}"


def test_every_permission_has_a_refusal_test() -> None:
    assert {p for p, _w, _a in ACTIONS} == set(Permission)


def _trail(f: sessionmaker[Session]) -> int:
    with session_scope(f) as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize("role", [*Role, None], ids=[*(r.value for r in Role), "no_role"])
def test_each_forbidden_action_is_refused_in_the_service(
        session_factory: sessionmaker[Session], role: Role | None) -> None:
    vid = _expired_visit(session_factory, local_now().date())  # a booked visit, stopped
    roles = frozenset({role}) if role else frozenset()
    allowed = PERMISSIONS[role] if role else frozenset()
    forbidden = [(p, what, act) for p, what, act in ACTIONS if p not in allowed]
    assert forbidden  # even a manager may not complete a session
    before = _trail(session_factory)
    with acting_as(Actor("Pat", roles)):
        for _permission, what, act in forbidden:
            with pytest.raises(NotPermitted, match=r"^Pat \(.*\) may not .*Ask an office "
                                                   r"manager\.$"):
                act(session_factory, vid)
            assert _trail(session_factory) == before, f"{what}: something was written"
    assert VisitService(session_factory).get(vid).status.value == "booked"
