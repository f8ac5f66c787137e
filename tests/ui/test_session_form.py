"""The session form, driven from the keyboard: units and explanation live, a tie and the switch,
a CQ split shown as two lines, refusals in words that keep what was typed, and saving
completes the visit (real database, real task runner)."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.session_billing import SessionBillingService
from ptdesk.services.visits.session_dtos import SessionContext, SessionRow
from ptdesk.storage.rule_tables import load_bundled_ruleset
from ptdesk.ui.session.session_form import SessionForm
from ptdesk.ui.session.session_lines_model import (
    COL_ASSIST,
    COL_CODE,
    COL_DESC,
    COL_MINUTES,
    COL_MODS,
    COL_UNITS,
    PROBLEM_ROLE,
    SessionLinesModel,
)
from ptdesk.ui.tasks import TaskRunner
from tests.services.auth_fixtures import TODAY, make_clinic

RULES = load_bundled_ruleset()


class NoVisits:
    def check_in(self, visit_id: int, at: object) -> object:
        raise AssertionError("not used")

    def complete(self, visit_id: int, lines: object) -> object:
        raise AssertionError("saving was not expected")


def medicare(rows: tuple[SessionRow, ...] = (), ytd: Decimal | None = None) -> SessionContext:
    return SessionContext(1, 1, "Okafor, Ben", TODAY, VisitStatus.CHECKED_IN, "Medicare Part B",
                          PayerKind.MEDICARE, UnitMethod.CMS, "Dana Lee, PT",
                          ytd_allowed_before=ytd, rows=rows)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def make_form(qtbot: QtBot, runner: TaskRunner, ctx: SessionContext,
              visits: object = None, billing: SessionBillingService | None = None
              ) -> SessionForm:
    billing = billing or SessionBillingService(None, RULES)  # type: ignore[arg-type]
    form = SessionForm(billing, visits or NoVisits(), runner, ctx)  # type: ignore[arg-type]
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=1000)
    form.focus_first_cell()
    return form


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def type_row(qtbot: QtBot, form: SessionForm, code: str, minutes: str,
             assistant: str = "") -> None:
    """Type a row as a therapist would: code, Tab, minutes, Tab, assistant's minutes."""
    for i, text in enumerate((code, minutes, assistant)):
        if text:
            qtbot.keyClicks(focused(), text)
        if i < 2:
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def cell(form: SessionForm, row: int, col: int) -> str:
    return str(form.model.index(row, col).data())


def test_units_and_explanation_live(qtbot: QtBot, runner: TaskRunner) -> None:
    form = make_form(qtbot, runner, medicare())
    type_row(qtbot, form, "97110", "23")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # Enter: a new row
    qtbot.waitUntil(lambda: form.model.rowCount() == 2, timeout=1000)
    type_row(qtbot, form, "97112", "14")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # commit the last cell
    assert cell(form, 0, COL_UNITS) == "1"
    assert cell(form, 1, COL_UNITS) == "1"
    assert cell(form, 0, COL_MODS) == "GP"
    assert cell(form, 0, COL_DESC)  # the catalogue's words
    text = form.explanation.text()
    assert text.startswith("37 timed minutes = 2 units")
    assert "97110 15 + 8 remaining, 97112 14 remaining" in text
    assert "AMA per-code would give 3" in form.other_method.text()
    assert "<b>37</b>" in form.totals.text()
    assert "<b>2</b>" in form.totals.text()
    assert form.last_preview_ms < 50  # far under a keystroke (typically ~0.1 ms)


def test_tie_and_switch(qtbot: QtBot, runner: TaskRunner) -> None:
    form = make_form(qtbot, runner, medicare((SessionRow("97110", 20), SessionRow("97140", 20))))
    assert not form.tie_box.isHidden()
    assert "97110 and 97140 have equal remaining minutes" in form.tie_label.text()
    winner = form.tie_combo.currentData()
    other = "97140" if winner == "97110" else "97110"
    units = {cell(form, r, COL_CODE): cell(form, r, COL_UNITS) for r in range(2)}
    assert units[winner] == "2"
    assert units[other] == "1"
    form.tie_combo.setFocus()
    form.choose_extra_unit(other)
    units = {cell(form, r, COL_CODE): cell(form, r, COL_UNITS) for r in range(2)}
    assert units[other] == "2"
    assert units[winner] == "1"
    assert form.tie_combo.currentData() == other
    assert form.preview is not None
    assert form.preview.tie_winners == (other,)


def test_cq_split_shows_two_lines(qtbot: QtBot, runner: TaskRunner) -> None:
    form = make_form(qtbot, runner, medicare())
    type_row(qtbot, form, "97110", "36", "23")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: form.model.rowCount() == 2, timeout=1000)
    assert cell(form, 0, COL_UNITS) == "1"
    assert cell(form, 0, COL_MODS) == "GP"
    assert "97110" in cell(form, 1, COL_CODE)
    assert cell(form, 1, COL_UNITS) == "1"
    assert cell(form, 1, COL_MODS) == "GP CQ"
    assert "CQ" in form.explanation.text()
    tip = form.model.index(1, COL_MODS).data(Qt.ItemDataRole.ToolTipRole)
    assert "CQ:" in tip
    # The split row takes no input: lowering the assistant's minutes removes it again.
    assert not form.model.flags(form.model.index(1, COL_MINUTES)) & Qt.ItemFlag.ItemIsEditable
    form.model.setData(form.model.index(0, COL_ASSIST), "2")
    assert form.model.rowCount() == 1


def test_kx_finding_and_why(qtbot: QtBot, runner: TaskRunner) -> None:
    form = make_form(qtbot, runner, medicare((SessionRow("97110", 30),), Decimal("2950")))
    assert cell(form, 0, COL_MODS) == "GP KX"
    tip = form.model.index(0, COL_MODS).data(Qt.ItemDataRole.ToolTipRole)
    assert "KX: this year's PT+SLP allowed amount reaches" in tip
    html = form.findings_view.toPlainText()
    assert "Warning" in html
    assert "Why:" in html
    assert "KX_REVIEW_THRESHOLD" in html


def test_invalid_input_refused_in_words_and_kept(qtbot: QtBot, runner: TaskRunner) -> None:
    form = make_form(qtbot, runner, medicare())
    m = form.model
    m.setData(m.index(0, COL_CODE), "97110")
    m.setData(m.index(0, COL_MINUTES), "2o")
    m.add_entry()
    m.setData(m.index(1, COL_CODE), "99999")
    m.setData(m.index(1, COL_MINUTES), "10")
    m.add_entry()
    m.setData(m.index(2, COL_CODE), "97112")
    m.setData(m.index(2, COL_MINUTES), "10")
    m.setData(m.index(2, COL_ASSIST), "12")
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    text = form.message.text()
    assert text.startswith("Not saved:")
    assert "minutes must be a whole number (\"2o\" is not)" in text
    assert "does not know code 99999" in text
    assert "assistant's 12 minutes are more than" in text
    assert form.isVisible()
    assert m.index(0, COL_MINUTES).data() == "2o"  # nothing typed is lost
    assert m.index(0, COL_MINUTES).data(PROBLEM_ROLE)
    assert form.table.currentIndex().row() == 0
    assert form.table.currentIndex().column() == COL_MINUTES
    m.setData(m.index(0, COL_MINUTES), "1500")
    form.save()
    assert "more than 24 hours" in form.message.text()


def test_delete_removes_a_row_and_esc_asks(qtbot: QtBot, runner: TaskRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    form = make_form(qtbot, runner, medicare((SessionRow("97110", 20), SessionRow("97140", 8))))
    form.table.setCurrentIndex(form.model.index(1, COL_UNITS))  # a cell that takes no input
    qtbot.keyClick(form.table, Qt.Key.Key_Delete)
    assert form.model.rowCount() == 1
    assert cell(form, 0, COL_CODE) == "97110"
    asked: list[bool] = []
    monkeypatch.setattr(SessionForm, "confirm_discard", staticmethod(
        lambda _p: asked.append(True) or False))
    qtbot.keyClick(form.table, Qt.Key.Key_Escape)
    assert asked == [True]
    assert form.isVisible()
    monkeypatch.setattr(SessionForm, "confirm_discard", staticmethod(lambda _p: True))
    form.reject()
    assert not form.isVisible()


def test_lines_model_under_modeltester(qtmodeltester: object) -> None:
    from ptdesk.services.visits.session_billing import preview_lines

    codes = SessionBillingService(None, RULES).codes()  # type: ignore[arg-type]
    model = SessionLinesModel(codes)
    model.set_entries((SessionRow("97110", 36, 23), SessionRow("97140", 10)))
    model.set_preview(preview_lines(RULES, medicare(), model.parsed_rows()))
    assert model.rowCount() == 3
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_save_completes_the_visit(qtbot: QtBot, runner: TaskRunner,
                                  session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    visits = VisitService(session_factory)
    v = visits.book(VisitDraft(c.medicare_patient_id, TODAY, c.medicare_coverage_id))
    billing = SessionBillingService(session_factory)
    form = make_form(qtbot, runner, billing.context(v.id), visits, billing)
    type_row(qtbot, form, "97110", "36", "23")
    with qtbot.waitSignal(form.sig_saved, timeout=5000):
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = visits.get(v.id)
    assert saved.status is VisitStatus.COMPLETED
    assert [(ln.code, ln.units, ln.modifiers, ln.minutes) for ln in saved.lines] == [
        ("97110", 1, "GP", 13), ("97110", 1, "GP CQ", 23)]
    assert all(ln.allowed_amount for ln in saved.lines)
    assert not form.isVisible()
    # Reopened, the lines come back as the therapist typed them (merged per code).
    ctx = billing.context(v.id)
    assert ctx.day == date(2026, 3, 16)
    assert ctx.rows == (SessionRow("97110", 13, 0), SessionRow("97110", 23, 23))
