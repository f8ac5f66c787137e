"""Status bands and renewal timing: bundled defaults, clinic and per-payer rows, validation,
reset (both backends); the panel follows the saved bands."""

import csv
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import Status
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.authorizations.status_settings import (
    CLINIC_NAME,
    StatusSettingsService,
    default_draft,
)
from ptdesk.services.board.practice_board import BoardService
from ptdesk.storage.rule_tables import rules_dir
from tests.services.auth_fixtures import TODAY, make_clinic

NOW = datetime(2026, 3, 16, 9, 0).astimezone()


def test_defaults_come_from_the_sourced_csv(session_factory: sessionmaker[Session]) -> None:
    with (rules_dir() / "status_defaults.csv").open(newline="", encoding="utf-8") as f:
        rows = {r["key"]: r for r in csv.DictReader(f)}
    svc = StatusSettingsService(session_factory)
    defaults = {d.key: d for d in svc.defaults()}
    assert set(defaults) == set(rows)
    assert all(d.source for d in defaults.values())
    clinic = svc.clinic()
    assert (clinic.payer_id, clinic.payer_name, clinic.own) == (None, CLINIC_NAME, False)
    s = clinic.settings
    assert (s.red_visits, s.yellow_visits, s.red_days, s.yellow_days) == (
        int(rows["red_visits"]["value"]), int(rows["yellow_visits"]["value"]),
        int(rows["red_days"]["value"]), int(rows["yellow_days"]["value"]))
    assert (s.red_visits, s.yellow_visits, s.red_days, s.yellow_days) == (2, 5, 7, 21)


def test_clinic_save_then_payer_save_and_reset(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    svc = StatusSettingsService(session_factory)
    token = BoardService(session_factory).change_token()
    mine = replace(default_draft(), red_visits=3, yellow_visits=7)
    saved = svc.save_clinic(mine)
    assert saved.own
    assert saved.settings == mine
    assert BoardService(session_factory).change_token() > token
    inherited = svc.for_payer(c.payer_id)
    assert not inherited.own
    assert inherited.settings == mine
    own = replace(default_draft(), red_days=10, yellow_days=30)
    assert svc.save_payer(c.payer_id, own).own
    views = {v.payer_id: v for v in svc.all()}
    assert views[None].settings == mine
    assert views[c.payer_id].settings == own
    assert views[c.payer_id].own
    back = svc.reset_payer(c.payer_id)
    assert not back.own
    assert back.settings == mine


@pytest.mark.parametrize(("field", "value"), [
    ("red_visits", -1), ("yellow_visits", 1), ("red_days", -1), ("yellow_days", 3),
    ("renew_at_visits", -1),
])
def test_invalid_bands_are_refused(
    session_factory: sessionmaker[Session], field: str, value: int
) -> None:
    svc = StatusSettingsService(session_factory)
    with pytest.raises(ValidationErrors) as e:
        svc.save_clinic(replace(default_draft(), **{field: value}))
    assert field in e.value.errors
    assert not svc.clinic().own  # nothing saved


def test_negative_kx_margin_is_refused(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationErrors):
        StatusSettingsService(session_factory).save_clinic(
            replace(default_draft(), kx_approaching_within=Decimal("-1")))


def test_panel_uses_the_payers_bands(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    AuthorizationService(session_factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 6, 30), 6, number="AU-1"))
    panel = PanelService(session_factory)
    assert panel.panel(c.patient_id, TODAY, NOW).status.chip.status is Status.GREEN
    StatusSettingsService(session_factory).save_payer(
        c.payer_id, replace(default_draft(), yellow_visits=6))
    assert panel.panel(c.patient_id, TODAY, NOW).status.chip.status is Status.YELLOW
    board = BoardService(session_factory).board(TODAY, NOW)
    assert {r.patient_id: r.status for r in board.rows}[c.patient_id] is Status.YELLOW
    StatusSettingsService(session_factory).reset_payer(c.payer_id)
    assert panel.panel(c.patient_id, TODAY, NOW).status.chip.status is Status.GREEN
