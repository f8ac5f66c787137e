"""Add or edit an authorization, and end one early.

Problems show under their field (end before start, zero authorized, a span over two years,
codes that are not codes, units that do not add up). Two authorizations of one coverage that
overlap in dates and codes are pointed out as a likely typing mistake: the warning sits above
the buttons and Save becomes "Save anyway", so the person decides (UI.md: nothing modal that
need not be). A pending placeholder (a request is out) counts nothing until approved.
"""

import re
from datetime import date

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.errors import ValidationErrors
from ptdesk.services.authorizations.api import AuthorizationsApi
from ptdesk.services.authorizations.dtos import (
    AuthorizationCodeDraft,
    AuthorizationDraft,
    AuthorizationSaved,
    OverlapWarning,
)
from ptdesk.services.patients.dtos import CoverageInfo
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField
from ptdesk.ui.widgets.field_form import FieldForm, choice_box, text_box
from ptdesk.ui.widgets.number_fields import CountField
from ptdesk.ui.widgets.saving_dialog import SavingDialog

_CODE_ITEM = re.compile(r"^([A-Za-z0-9]+)(?:\s*[=:x×]\s*(\d+))?$")
CODES_HINT = "Comma-separated, e.g. 97110, 97140. For units per code: 97110=24, 97140=12"


def parse_codes(text: str) -> tuple[tuple[AuthorizationCodeDraft, ...], str | None]:
    """'97110=24, 97140=12' -> code drafts; the message when something is not understood."""
    out: list[AuthorizationCodeDraft] = []
    for item in (t.strip() for t in text.replace(";", ",").split(",")):
        if not item:
            continue
        m = _CODE_ITEM.match(item)
        if m is None:
            return (), f"“{item}” is not a code: write 97110, or 97110=24 for units."
        out.append(
            AuthorizationCodeDraft(m.group(1).upper(), int(m.group(2)) if m.group(2) else None)
        )
    return tuple(out), None


def codes_text(codes: tuple[AuthorizationCodeDraft, ...]) -> str:
    return ", ".join(c.code if c.units is None else f"{c.code}={c.units}" for c in codes)


def coverage_label(c: CoverageInfo) -> str:
    return f"{c.payer_name} · {c.priority_label} · member {c.member_id} ({c.state.label})"


class AuthorizationDialog(SavingDialog[AuthorizationSaved]):
    def __init__(
        self,
        service: AuthorizationsApi,
        runner: TaskRunner,
        today: date,
        coverages: tuple[CoverageInfo, ...],
        *,
        authorization_id: int | None = None,
        draft: AuthorizationDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._today = today
        self._coverages = coverages
        self._authorization_id = authorization_id
        self._acknowledged: AuthorizationDraft | None = None
        self.warnings: tuple[OverlapWarning, ...] = ()
        self._build_ui()
        if draft is not None:
            self.set_draft(draft)
        else:
            self.start.set_value(today)

    def _build_ui(self) -> None:
        self.setWindowTitle("Edit authorization" if self._authorization_id else "Add authorization")
        self.coverage = choice_box((coverage_label(c), c.id) for c in self._coverages)
        self.state = choice_box([
            ("Approved", AuthState.ACTIVE),
            ("Pending — request with the payer (placeholder)", AuthState.PENDING)])
        self.number = QLineEdit()
        self.number.setPlaceholderText("The payer's authorization number")
        self.start = DateField(self._today)
        self.end = DateField(self._today)
        self.counts = choice_box([("Visits", AuthUnit.VISITS),
                                  ("Units of specific codes", AuthUnit.UNITS)])
        self.authorized = CountField()
        self.codes = QLineEdit()
        self.codes.setPlaceholderText("Blank = any therapy code")
        self.carried_in = CountField()
        self.carried_in.setPlaceholderText("0")
        self.notes = text_box(54)
        self.form = FieldForm.of(
            ("coverage_id", "&Coverage *", self.coverage),
            ("state", "St&ate", self.state),
            ("number", "Auth &number", self.number),
            ("start", "&Starts *", self.start),
            ("end", "&Ends *", self.end, "The last day it covers"),
            ("counts", "Counted &in", self.counts),
            ("authorized", "A&uthorized *", self.authorized,
             "Visits (or units) the payer approved"),
            ("codes", "C&odes", self.codes, CODES_HINT),
            ("carried_in", "Used &before ptdesk", self.carried_in,
             "Visits already used under this authorization before ptdesk"),
            ("notes", "No&tes", self.notes))
        self.warning = QLabel()
        self.warning.setObjectName("overlapWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "background: #fdf3d2; border: 1px solid #d9a800; border-radius: 3px; padding: 6px;"
        )
        self.warning.setVisible(False)
        self._lay_out(self.form, min_width=560, above_status=(self.warning,))
        self.number.setFocus()
        self.counts.currentIndexChanged.connect(self._counts_changed)
        self.state.currentIndexChanged.connect(self._counts_changed)
        self._counts_changed()

    def _counts_changed(self) -> None:
        units = AuthUnit(self.counts.currentData()) is AuthUnit.UNITS
        self.form.labels["authorized"].setText(
            "A&uthorized units *" if units else "A&uthorized visits *"
        )
        pending = AuthState(self.state.currentData()) is AuthState.PENDING
        self.authorized.setPlaceholderText("0 while pending" if pending else "")

    def set_draft(self, d: AuthorizationDraft) -> None:
        self.form.load(d, codes=codes_text(d.codes), carried_in=d.carried_in or None)

    def errors(self) -> dict[str, str]:
        """What the form itself can tell: unreadable dates/numbers, missing fields."""
        errors: dict[str, str] = {}
        if self.coverage.currentData() is None:
            errors["coverage_id"] = "Add the patient's coverage first."
        problems = self.problems()
        for key, word, day in (("start", "first", self.start), ("end", "last", self.end)):
            if key in problems:
                errors[key] = problems[key]
            elif day.value() is None:
                errors[key] = f"Enter the {word} covered day."
        for key, num in (("authorized", self.authorized), ("carried_in", self.carried_in)):
            if key in problems:
                errors[key] = problems[key]
            elif (num.value() or 0) < 0:
                errors[key] = "Cannot be negative."
        pending = AuthState(self.state.currentData()) is AuthState.PENDING
        if "authorized" not in errors and self.authorized.value() is None and not pending:
            errors["authorized"] = "Enter how many the payer approved."
        _codes, problem = parse_codes(self.codes.text())
        if problem:
            errors["codes"] = problem
        s, e = self.start.value(), self.end.value()
        if s is not None and e is not None and e < s and "end" not in errors:
            errors["end"] = "The end date is before the start date."
        return errors

    def draft(self) -> AuthorizationDraft:
        draft, _guessed = self._best_draft()
        return draft

    def _best_draft(self) -> tuple[AuthorizationDraft, frozenset[str]]:
        """The draft as far as it can be read, and the fields filled in with a stand-in
        (an unreadable date, count or code list), whose service messages would be about the
        stand-in rather than what was typed."""
        guessed: set[str] = set()
        start = self.start.value()
        end = self.end.value()
        if start is None:
            guessed.update(("start", "end"))  # the end is judged against the start
            start = self._today
        if end is None:
            guessed.add("end")
            end = start
        codes, problem = parse_codes(self.codes.text())
        if problem:
            guessed.add("codes")
        counts: dict[str, int] = {}
        for key, num in (("authorized", self.authorized), ("carried_in", self.carried_in)):
            value = None if num.problem() else num.value()
            if value is None and num.problem():
                guessed.add(key)
            counts[key] = value or 0
        coverage = self.coverage.currentData()
        draft = AuthorizationDraft(
            coverage_id=int(coverage) if coverage is not None else 0,
            start=start,
            end=end,
            authorized=counts["authorized"],
            number=self.number.text().strip(),
            state=AuthState(self.state.currentData()),  # Qt hands an enum back as str
            counts=AuthUnit(self.counts.currentData()),
            codes=codes,
            carried_in=counts["carried_in"],
            notes=self.notes.toPlainText().strip(),
        )
        return draft, frozenset(guessed)

    def _save_clicked(self) -> None:
        """Every problem in one pass: the form's own (shown at once), then the service's
        rules on what could be read (zero visits, codes off the list...), merged."""
        errors = self.errors()
        self.show_errors(errors)
        if self.coverage.currentData() is None:
            return
        draft, guessed = self._best_draft()
        self._set_busy(True)
        if not errors and self._acknowledged == draft:
            self._submit(draft)
            return
        self._runner.submit(
            self._service.check,
            draft,
            self._authorization_id,
            on_done=lambda w: self._checked(draft, w) if not errors else self._merged(errors),
            on_error=lambda e: self._check_failed(e, errors, guessed),
        )

    def _merged(self, form_errors: dict[str, str], more: dict[str, str] | None = None) -> None:
        self._set_busy(False)
        self.show_errors({**(more or {}), **form_errors})

    def _check_failed(self, exc: BaseException, form_errors: dict[str, str],
                      guessed: frozenset[str]) -> None:
        if not isinstance(exc, ValidationErrors):
            self._failed(exc)
            return
        self._merged(form_errors, {k: m for k, m in exc.errors.items() if k not in guessed})

    def _checked(self, draft: AuthorizationDraft, warnings: tuple[OverlapWarning, ...]) -> None:
        self.warnings = warnings
        if not warnings:
            self._submit(draft)
            return
        self._set_busy(False)
        self._acknowledged = draft
        self.warning.setText("⚠ Likely a mistake — " + " ".join(w.sentence for w in warnings))
        self.warning.setVisible(True)
        self.save_button.setText("Save &anyway")
        self.save_button.setToolTip("Save although it overlaps (Ctrl+S)")
        self.save_button.setShortcut("Ctrl+S")
        self.adjustSize()

    def _submit(self, draft: AuthorizationDraft) -> None:
        if self._authorization_id is None:
            self.submit_save(self._service.add, draft)
        else:
            self.submit_save(self._service.update, self._authorization_id, draft)


class EndAuthorizationDialog(SavingDialog[AuthorizationSaved]):
    """Close an authorization early (discharged, replaced): a decision, with a reason."""

    def __init__(
        self,
        service: AuthorizationsApi,
        runner: TaskRunner,
        today: date,
        authorization_id: int,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._authorization_id = authorization_id
        self.setWindowTitle(f"End {title}")
        intro = f"{title}: visits after the last day stop drawing from it."
        self.ended_on = DateField(today)
        self.ended_on.set_value(today)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Discharged, replaced by a new authorization, …")
        # Wide enough for its hint to be read whole (the screenshot at 1280x800 cut it).
        self.reason.setMinimumWidth(
            self.reason.fontMetrics().horizontalAdvance(self.reason.placeholderText()) + 24)
        self.form = FieldForm.of(
            ("ended_on", "&Last covered day", self.ended_on),
            ("end_reason", "&Why", self.reason))
        self._lay_out(self.form, intro=intro, min_width=440)
        self.reason.setFocus()

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.ended_on.value() is None:
            errors["ended_on"] = self.ended_on.problem() or "Enter the last covered day."
        if not self.reason.text().strip():
            errors["end_reason"] = "Say why it ends (discharged, replaced)."
        return errors

    def save(self) -> None:
        self.submit_save(self._service.end, self._authorization_id, self.ended_on.value(),
                         self.reason.text())
