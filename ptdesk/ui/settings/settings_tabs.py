"""The Settings page as tabs: the status bands (settings_page.SettingsPage, unchanged), the
clinic's details for estimates, and the fee schedules (issue 11). Each tab is its own module so
the engineers who change one do not touch the others."""

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ptdesk.ui.settings.clinic_details import ClinicDetailsApi, ClinicDetailsSection
from ptdesk.ui.settings.fee_schedule_editor import FeeScheduleEditor, FeeSchedulesApi
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import BORDER, SURFACE


class SettingsTabs(QWidget):
    def __init__(self, bands: QWidget, clinic: ClinicDetailsApi, fees: FeeSchedulesApi,
                 runner: TaskRunner, *, this_year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bands = bands
        self.clinic = ClinicDetailsSection(clinic, runner)
        self.fees = FeeScheduleEditor(fees, runner, this_year=this_year)
        self.tabs = QTabWidget()
        self.tabs.addTab(bands, "Status bands")
        self.tabs.addTab(self.clinic, "Clinic details")
        self.tabs.addTab(self.fees, "Fee schedules")
        self.tabs.setStyleSheet(f"QTabWidget::pane {{ border: 1px solid {BORDER}; }}"
                                f" QTabBar::tab:selected {{ background: {SURFACE}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        # the locality factor changes the default amounts the fee table compares with
        self.tabs.currentChanged.connect(
            lambda i: self.fees.load() if self.tabs.widget(i) is self.fees else None)
