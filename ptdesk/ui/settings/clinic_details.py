"""Settings section: the clinic's details the estimates and Good Faith Estimates print (name,
address, phone, NPI, TIN), the locality factor on the CMS amounts, and days the clinic is
closed (they do not count as business days for a Good Faith Estimate's due date)."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.permission_guard import guard


class ClinicDetailsApi(Protocol):
    def get(self) -> ClinicDetailsDraft: ...

    def save(self, draft: ClinicDetailsDraft) -> ClinicDetailsDraft: ...


TEXT_FIELDS = (
    ("name", "Clinic &name", "As it should print on estimates", 0),
    ("address_line1", "&Address", "Street and number", 0),
    ("address_line2", "Address line &2", "Suite, floor (optional)", 0),
    ("city", "Cit&y", "", 220),
    ("state", "S&tate", "Two letters, e.g. WI", 60),
    ("postal_code", "&ZIP code", "53703 or 53703-1234", 110),
    ("phone", "&Phone", "The number patients call about their estimate", 200),
    ("npi", "&NPI (organization)", "10 digits; the last is a check digit", 140),
    ("tin", "T&IN (EIN)", "9 digits, e.g. 12-3456789", 140),
    ("locality_factor", "&Locality factor",
     "Multiplies the CMS national amounts: 1.0000 = national; your MAC locality's GPCI-"
     "weighted factor, or 0.95 for a non-participating provider", 100),
)


class ClinicDetailsSection(QWidget):
    def __init__(self, api: ClinicDetailsApi, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self.details = ClinicDetailsDraft()
        self._build_ui()
        self.reload()

    def _build_ui(self) -> None:
        title = QLabel("Clinic details for estimates")
        title.setProperty("role", "title")
        intro = QLabel("Printed at the top of every cost estimate and Good Faith Estimate. A "
                       "Good Faith Estimate must name the clinic with its NPI, TIN and address "
                       "(45 CFR 149.610(c)(1)(v)).")
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.form = FieldForm()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, hint, width in TEXT_FIELDS:
            edit = QLineEdit()
            if width:
                edit.setMaximumWidth(width)
            edit.setPlaceholderText(hint if width == 0 or len(hint) < 30 else "")
            self.fields[key] = edit
            self.form.add_field(key, label, edit, hint)
        self.closed = QPlainTextEdit()
        self.closed.setMaximumHeight(90)
        self.closed.setMaximumWidth(260)
        self.closed.setPlaceholderText("none; e.g. 2026-12-24, one date a line")
        self.form.add_field("closed_dates", "&Closed days", self.closed,
                            "Days the clinic is closed besides weekends and federal holidays, "
                            "one date a line (YYYY-MM-DD): they are not business days for a "
                            "Good Faith Estimate's due date")
        self.save_button = QPushButton("&Save clinic details")
        self.save_button.setProperty("primary", True)
        guard(self.save_button, Permission.EDIT_CLINIC)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        form_box = QWidget()
        form_box.setMaximumWidth(720)
        form_box.setLayout(self.form)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(form_box)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)

    def reload(self) -> None:
        self._runner.submit(self._api.get, on_done=self.show_details, on_error=self._failed)

    def show_details(self, d: ClinicDetailsDraft) -> None:
        self.details = d
        self.form.load(d, tin=f"{d.tin[:2]}-{d.tin[2:]}" if len(d.tin) == 9 else d.tin,  # an EIN
                       locality_factor=f"{d.locality_factor:.4f}",
                       closed_dates="\n".join(x.isoformat() for x in d.closed_dates))
        missing = [label for key, label in (("name", "name"), ("npi", "NPI"), ("tin", "TIN"),
                                            ("address_line1", "address")) if not getattr(d, key)]
        self.status.setText(("Missing for a Good Faith Estimate: " + ", ".join(missing) + ".")
                            if missing else "Complete: every estimate prints these details.")

    def draft(self) -> ClinicDetailsDraft | dict[str, str]:
        errors: dict[str, str] = {}
        values = {key: text.strip() for key, text in self.form.values().items()}
        closed = values.pop("closed_dates")
        try:
            locality = Decimal(values.pop("locality_factor") or "1")
        except InvalidOperation:
            errors["locality_factor"] = "Enter a number such as 1.0000."
            locality = Decimal(1)
        dates: list[date] = []
        for line in closed.split():
            try:
                dates.append(date.fromisoformat(line.strip(",;")))
            except ValueError:
                errors["closed_dates"] = f"{line!r} is not a date: write it as 2026-12-24."
        if errors:
            return errors
        return ClinicDetailsDraft(**values, locality_factor=locality, closed_dates=tuple(dates))

    def save(self) -> None:
        draft = self.draft()
        if isinstance(draft, dict):
            self.form.show_errors(draft)
            return
        self.form.show_errors({})
        self._runner.submit(self._api.save, draft, on_done=self._saved, on_error=self._failed)

    def _saved(self, d: ClinicDetailsDraft) -> None:
        self.show_details(d)
        closed = ", ".join(format_date(x) for x in d.closed_dates[:3])
        self.status.setText("Saved." + (f" Closed days: {closed}" +
                                        ("…" if len(d.closed_dates) > 3 else "") + "."
                                        if closed else ""))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.form.show_errors(exc.errors)
            self.status.setText("Not saved: see the fields marked above.")
            return
        report_unexpected(type(exc), exc, exc.__traceback__, self)
