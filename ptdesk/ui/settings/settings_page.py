"""Settings: the status bands (where Red and Yellow start) and renewal timing, for the clinic
and per payer, each field showing its bundled default and where that default comes from.

A payer without its own row inherits the clinic's settings; "Use clinic settings" drops the
payer's own row. Problems (Yellow below Red, negative counts) show under the field.
"""

from decimal import Decimal
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.chart_numbers import MAX_PREFIX, format_chart
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.services.authorizations.api import StatusSettingsApi
from ptdesk.services.authorizations.dtos import (
    BandDefaultView,
    BandSettingsDraft,
    BandSettingsView,
)
from ptdesk.services.visits.checkin_dtos import PayerPlanRulesApi
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.number_fields import CountField, MoneyField
from ptdesk.ui.widgets.permission_guard import allow, guard

FIELDS = (
    ("red_visits", "&Red at visits left ≤"),
    ("yellow_visits", "&Yellow at visits left ≤"),
    ("red_days", "Red at &days left ≤"),
    ("yellow_days", "Yellow at days &left ≤"),
    ("renew_at_visits", "Send request at &visits left"),
    ("renew_late_below_visits", "Late &below visits left"),
    ("renew_days_before_end", "Send request days before &end"),
    ("kx_approaching_within", "&KX approaching within ($)"),
)


SCOPES_MIN_WIDTH = 250
SCOPES_MAX_WIDTH = 420


class ChartPrefixApi(Protocol):
    """The clinic's chart-number scheme (`PatientService`)."""

    def chart_prefix(self) -> str: ...

    def set_chart_prefix(self, prefix: str) -> str: ...


class SettingsPage(QWidget):
    def __init__(self, settings: StatusSettingsApi, runner: TaskRunner,
                 parent: QWidget | None = None, *, charts: ChartPrefixApi | None = None,
                 plan_rules: PayerPlanRulesApi | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._charts = charts
        self._plan_rules = plan_rules
        self._runner = runner
        self.views: tuple[BandSettingsView, ...] = ()
        self.defaults: dict[str, BandDefaultView] = {}
        self._note = ""
        self._build_ui()
        self.reload()

    def _build_ui(self) -> None:
        title = QLabel("Status bands and renewal timing")
        title.setProperty("role", "title")
        intro = QLabel("When a patient turns Yellow or Red, and when to send the extension "
                       "request. No regulation sets these: the defaults follow the guidance "
                       "cited under each field. A payer without its own settings uses the "
                       "clinic's.")
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.scopes = QListWidget()
        self.scopes.setAccessibleName("Clinic or payer")
        self.scopes.setFixedWidth(SCOPES_MIN_WIDTH)
        self.scopes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields: dict[str, CountField | MoneyField] = {}
        self.form = FieldForm()
        for key, label in FIELDS:
            field: CountField | MoneyField = (MoneyField() if key == "kx_approaching_within"
                                              else CountField())
            field.setMaximumWidth(120)
            self.fields[key] = field
            self.form.add_field(key, label, field, note=True)
        self.sources: dict[str, QLabel] = {}
        self.scope_label = QLabel()
        self.scope_label.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.save_button = QPushButton("&Save")
        self.save_button.setProperty("primary", True)
        self.reset_button = QPushButton("Use &clinic settings")
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Issue 10: Medicare's plan-of-care rules for another payer (off by default).
        self.plan_rules = QCheckBox("Check this payer's plans of care with Medicare's rules "
                                    "(certification, recertification, progress report)")
        self.plan_rules.setToolTip("pt-rules F: certification within 30 days, recertification "
                                   "at min(plan end, first visit + 90 days), a progress report "
                                   "every 10 treatment days. Medicare always has them.")
        self.plan_rules.setVisible(False)
        self.plan_rules.clicked.connect(self._plan_rules_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        fields = QWidget()
        right = QVBoxLayout(fields)
        right.setContentsMargins(0, 0, 8, 0)
        right.addWidget(self.scope_label)
        right.addLayout(self.form)
        right.addWidget(self.plan_rules)
        right.addStretch(1)
        # The sources make the form taller than a 1280x800 screen's page: it scrolls, while
        # the buttons and the status line stay in view below it.
        self.fields_scroll = QScrollArea()
        self.fields_scroll.setWidget(fields)
        self.fields_scroll.setWidgetResizable(True)
        self.fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = QVBoxLayout()
        column.addWidget(self.fields_scroll, 1)
        column.addLayout(buttons)
        column.addWidget(self.status)
        left = QVBoxLayout()
        left.addWidget(self.scopes, 1)
        left.addLayout(self._chart_prefix_box())
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        self.scopes.currentRowChanged.connect(self._show_scope)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)

    def _chart_prefix_box(self) -> QVBoxLayout:
        """New patients' chart numbers: the clinic's prefix + 6 digits ("C000024")."""
        box = QVBoxLayout()
        self.chart_prefix = QLineEdit()
        self.chart_prefix.setMaxLength(MAX_PREFIX)
        self.chart_prefix.setMaximumWidth(80)
        self.chart_prefix.setAccessibleName("Chart number prefix")
        caption = QLabel("C&hart numbers start with")
        caption.setBuddy(self.chart_prefix)
        self.chart_prefix_button = QPushButton("Set &prefix")
        self.chart_prefix_status = QLabel()
        self.chart_prefix_status.setWordWrap(True)
        self.chart_prefix_status.setProperty("role", "hint")
        row = QHBoxLayout()
        row.addWidget(self.chart_prefix)
        row.addWidget(self.chart_prefix_button)
        row.addStretch(1)
        box.addWidget(caption)
        box.addLayout(row)
        box.addWidget(self.chart_prefix_status)
        for w in (caption, self.chart_prefix, self.chart_prefix_button,
                  self.chart_prefix_status):
            w.setVisible(self._charts is not None)
        guard(self.chart_prefix_button, Permission.EDIT_CLINIC)
        self.chart_prefix_button.clicked.connect(self.save_chart_prefix)
        self.chart_prefix.returnPressed.connect(self.save_chart_prefix)
        return box

    def _show_chart_prefix(self, prefix: str, note: str = "") -> None:
        self.chart_prefix.setText(prefix)
        self.chart_prefix_status.setText(
            f"{note}New patients get the prefix and 6 digits, e.g. {format_chart(prefix, 24)}; "
            "existing charts keep theirs.")

    def save_chart_prefix(self) -> None:
        if self._charts is None:
            return
        self._runner.submit(self._charts.set_chart_prefix, self.chart_prefix.text(),
                            on_done=lambda p: self._show_chart_prefix(p, "Saved. "),
                            on_error=self._chart_prefix_failed)

    def _chart_prefix_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.chart_prefix_status.setText(exc.errors.get("chart_prefix", str(exc)))
            return
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    def reload(self) -> None:
        if self._charts is not None:
            self._runner.submit(self._charts.chart_prefix, on_done=self._show_chart_prefix,
                                on_error=self._failed)
        self._runner.submit(lambda: (self._settings.defaults(), self._settings.all()),
                            on_done=self._loaded, on_error=self._failed)

    def _loaded(self, result: tuple[tuple[BandDefaultView, ...],
                                     tuple[BandSettingsView, ...]]) -> None:
        defaults, views = result
        self.defaults = {d.key: d for d in defaults}
        for key, _label in FIELDS:
            d = self.defaults.get(key)
            if d is not None:
                self.fields[key].setToolTip(f"Default {d.value}: {d.meaning}. Source: {d.source}")
                self.form.labels[key].setToolTip(self.fields[key].toolTip())
                self.fields[key].setPlaceholderText(f"default {d.value}")
                # The guidance the intro promises, under the field it concerns.
                self.form.notes[key].setText(f"Default {d.value}. Source: {d.source}")
        row = max(0, self.scopes.currentRow())
        self.views = views
        self.scopes.blockSignals(True)
        self.scopes.clear()
        for v in views:
            own = "" if v.payer_id is None else ("  (own)" if v.own else "  (uses clinic)")
            item = QListWidgetItem(v.payer_name + own)
            item.setToolTip(item.text())
            self.scopes.addItem(item)
        self._fit_scopes()
        self.scopes.setCurrentRow(min(row, len(views) - 1))
        self.scopes.blockSignals(False)
        self._show_scope(self.scopes.currentRow())

    def _fit_scopes(self) -> None:
        """As wide as the longest payer name (a fixed 250 cut "Keystone Workers' Compensation
        Fund" at 1280x800), within a cap that leaves the form its room."""
        fm = self.scopes.fontMetrics()
        widest = max((fm.horizontalAdvance(self.scopes.item(i).text())
                      for i in range(self.scopes.count())), default=0)
        extra = 2 * self.scopes.frameWidth() + self.scopes.verticalScrollBar().sizeHint().width()
        self.scopes.setFixedWidth(max(SCOPES_MIN_WIDTH, min(widest + extra + 16,
                                                            SCOPES_MAX_WIDTH)))

    def current(self) -> BandSettingsView | None:
        row = self.scopes.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _show_scope(self, row: int) -> None:
        v = self.current()
        if v is None:
            return
        which = "own settings" if v.own else "uses the clinic settings"
        self.scope_label.setText(v.payer_name if v.payer_id is None else
                                 f"{v.payer_name} — {which}")
        s = v.settings
        for key, _label in FIELDS:
            value = getattr(s, key)
            f = self.fields[key]
            if isinstance(f, MoneyField):
                f.set_value(value)
            else:
                f.set_value(int(value))
        self.reset_button.setVisible(v.payer_id is not None)
        allow(self.reset_button, Permission.EDIT_STATUS_BANDS, v.own)
        allow(self.save_button, Permission.EDIT_STATUS_BANDS)
        self.plan_rules.setVisible(False)
        if self._plan_rules is not None and v.payer_id is not None:
            self._runner.submit(self._plan_rules.payer_rules, v.payer_id,
                                on_done=self._show_plan_rules, on_error=self._failed,
                                key="plan-rules")
        self.form.show_errors({})
        # Each default and its source are under their field; this line says what happened.
        self.status.setText(self._note.strip())
        self.status.setProperty("role", "hint")
        self._note = ""

    def _show_plan_rules(self, state: tuple[bool, bool]) -> None:
        on, always = state
        self.plan_rules.setChecked(on)
        allow(self.plan_rules, Permission.EDIT_CLINIC, not always)
        self.plan_rules.setVisible(True)

    def _plan_rules_clicked(self, checked: bool) -> None:
        v = self.current()
        if self._plan_rules is None or v is None or v.payer_id is None:
            return
        self._runner.submit(self._plan_rules.set_payer_rules, v.payer_id, checked,
                            on_done=self._show_plan_rules, on_error=self._failed)

    def draft(self) -> BandSettingsDraft | dict[str, str]:
        errors: dict[str, str] = {}
        values: dict[str, int | Decimal] = {}
        for key, _label in FIELDS:
            f = self.fields[key]
            v = f.value()
            if f.problem() or v is None:
                errors[key] = f.problem() or "Enter a value (the default is shown greyed)."
            else:
                values[key] = v
        if errors:
            return errors
        return BandSettingsDraft(**values)  # type: ignore[arg-type]

    def save(self) -> None:
        v = self.current()
        draft = self.draft()
        if v is None:
            return
        if isinstance(draft, dict):
            self.form.show_errors(draft)
            return
        self.form.show_errors({})
        fn = (self._settings.save_clinic if v.payer_id is None
              else (lambda d, pid=v.payer_id: self._settings.save_payer(pid, d)))
        self._runner.submit(fn, draft, on_done=self._saved, on_error=self._failed)

    def reset(self) -> None:
        v = self.current()
        if v is None or v.payer_id is None:
            return
        self._runner.submit(self._settings.reset_payer, v.payer_id, on_done=self._saved,
                            on_error=self._failed)

    def _saved(self, _view: BandSettingsView) -> None:
        self._note = "Saved: every status uses these bands from now on. "
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.form.show_errors(exc.errors)
            return
        report_unexpected(type(exc), exc, exc.__traceback__, self)
