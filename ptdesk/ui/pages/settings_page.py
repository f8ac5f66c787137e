"""Settings: the status bands (where Red and Yellow start) and renewal timing, for the clinic
and per payer, each field showing its bundled default and where that default comes from.

A payer without its own row inherits the clinic's settings; "Use clinic settings" drops the
payer's own row. Problems (Yellow below Red, negative counts) show under the field.
"""

from decimal import Decimal

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationErrors
from ptdesk.services.authorization_api import StatusSettingsApi
from ptdesk.services.authorization_dtos import (
    BandDefaultView,
    BandSettingsDraft,
    BandSettingsView,
)
from ptdesk.services.checkin_dtos import PayerPlanRulesApi
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.number_fields import CountField, MoneyField

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


class SettingsPage(QWidget):
    def __init__(self, settings: StatusSettingsApi, runner: TaskRunner,
                 parent: QWidget | None = None, *,
                 plan_rules: PayerPlanRulesApi | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
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
        self.scopes.setFixedWidth(250)
        self.fields: dict[str, CountField | MoneyField] = {}
        self.form = FieldForm()
        for key, label in FIELDS:
            field: CountField | MoneyField = (MoneyField() if key == "kx_approaching_within"
                                              else CountField())
            field.setMaximumWidth(120)
            self.fields[key] = field
            self.form.add_field(key, label, field)
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
        right = QVBoxLayout()
        right.addWidget(self.scope_label)
        right.addLayout(self.form)
        right.addLayout(buttons)
        right.addWidget(self.status)
        right.addWidget(self.plan_rules)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.scopes)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        self.scopes.currentRowChanged.connect(self._show_scope)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)

    def reload(self) -> None:
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
        row = max(0, self.scopes.currentRow())
        self.views = views
        self.scopes.blockSignals(True)
        self.scopes.clear()
        for v in views:
            own = "" if v.payer_id is None else ("  (own)" if v.own else "  (uses clinic)")
            self.scopes.addItem(QListWidgetItem(v.payer_name + own))
        self.scopes.setCurrentRow(min(row, len(views) - 1))
        self.scopes.blockSignals(False)
        self._show_scope(self.scopes.currentRow())

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
        self.reset_button.setEnabled(v.own)
        self.plan_rules.setVisible(False)
        if self._plan_rules is not None and v.payer_id is not None:
            self._runner.submit(self._plan_rules.payer_rules, v.payer_id,
                                on_done=self._show_plan_rules, on_error=self._failed,
                                key="plan-rules")
        self.form.show_errors({})
        d = self.defaults
        self.status.setText(self._note + "Defaults: " + ", ".join(
            f"{label.replace('&', '').rstrip(' ≤($)')} {d[k].value}"
            for k, label in FIELDS if k in d))
        self.status.setProperty("role", "hint")
        self._note = ""

    def _show_plan_rules(self, state: tuple[bool, bool]) -> None:
        on, always = state
        self.plan_rules.setChecked(on)
        self.plan_rules.setEnabled(not always)
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
