"""The status chip: each status has its own shape, the colours differ in lightness, the words
carry the meaning; the lookup's status column; the settings page's validation."""

import itertools
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.status import Status
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.authorizations.status_settings import StatusSettingsService
from ptdesk.services.clinic.reference import ReferenceService
from ptdesk.services.patients.dtos import PatientSearchRow
from ptdesk.services.patients.records import PatientService
from ptdesk.ui.patients.patient_table_model import COL_STATUS, SORT_ROLE, PatientTableModel
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.settings.settings_page import SettingsPage
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import STATUS_FILL
from ptdesk.ui.widgets.status_chip import StatusChip, status_of_icon, status_pixmap
from ptdesk.ui.widgets.status_delegate import CHIP_ROLE
from tests.ui.auth_seed import NOW, TODAY, apis, seed_colours


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def _chip(status: Status, text: str) -> StatusChipView:
    return StatusChipView(status, status.icon_name, text, "tooltip words")


def test_each_status_has_its_own_shape_in_greyscale(qtbot: QtBot) -> None:
    images = {}
    for s in Status:
        img = status_pixmap(s, 24).toImage().convertToFormat(QImage.Format.Format_Grayscale8)
        images[s] = bytes(img.constBits())  # type: ignore[arg-type]
    assert len(set(images.values())) == len(Status)  # no two alike, even without colour


def test_status_colours_differ_in_lightness() -> None:
    def luma(c: QColor) -> float:  # what a greyscale print or screenshot keeps
        return 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()

    light = [luma(QColor(STATUS_FILL[s.value]))
             for s in (Status.RED, Status.GREEN, Status.YELLOW)]
    assert light == sorted(light)
    assert min(b - a for a, b in itertools.pairwise(light)) >= 30


def test_chip_widget_words_and_accessibility(qtbot: QtBot) -> None:
    chip = StatusChip(_chip(Status.RED, "Red · 2 visits left"))
    qtbot.addWidget(chip)
    assert chip.text() == "Red · 2 visits left"
    assert chip.accessibleName() == "Status: Red · 2 visits left"
    assert "octagon" in chip.accessibleDescription()
    assert chip.toolTip() == "tooltip words"
    assert chip.sizeHint().width() > 100
    assert status_of_icon("status-not-tracked") is Status.NOT_TRACKED
    assert status_of_icon("nonsense") is Status.NOT_TRACKED
    chip.set_chip(None)
    assert chip.sizeHint().width() == 0


def _row(pid: int, last: str) -> PatientSearchRow:
    return PatientSearchRow(pid, str(pid), f"{last}, Ann", last, "Ann", date(1970, 1, 1), 56,
                            "", "Aetna", None, None, True)


def test_patient_model_status_column(qtmodeltester: ModelTester) -> None:
    model = PatientTableModel(with_status=True)
    model.set_rows((_row(1, "Able"), _row(2, "Baker")))
    assert model.columnCount() == 7
    assert model.index(0, COL_STATUS).data() == "…"  # loading
    model.set_statuses({1: _chip(Status.GREEN, "Green · 9 visits left"),
                        2: _chip(Status.RED, "Red · 1 visit left")})
    qtmodeltester.check(model)
    assert model.index(1, COL_STATUS).data() == "Red · 1 visit left"
    assert model.index(1, COL_STATUS).data(CHIP_ROLE).status is Status.RED
    assert model.index(1, COL_STATUS).data(SORT_ROLE) < model.index(0, COL_STATUS).data(SORT_ROLE)
    assert PatientTableModel().columnCount() == 6  # without the status services


def test_lookup_shows_the_status_of_each_patient(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    f = sqlite_session_factory
    seeded = seed_colours(f)
    page = PatientsPage(PatientService(f), runner, today=lambda: TODAY,
                        reference=ReferenceService(f), auth=apis(f), now=lambda: NOW)
    qtbot.addWidget(page)
    page.search_box.setText("nguyen")
    qtbot.waitUntil(lambda: page.model.status_of(seeded.patients["red"]) is not None)
    chip = page.model.status_of(seeded.patients["red"])
    assert chip is not None
    assert chip.text == "Red · 2 visits left"
    assert page.table.horizontalHeader().visualIndex(COL_STATUS) == 1  # right after the name


def test_settings_page_validates_next_to_the_field(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    f = sqlite_session_factory
    seed_colours(f)
    page = SettingsPage(StatusSettingsService(f), runner)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: len(page.views) > 1)
    assert "default 2" in page.fields["red_visits"].placeholderText()
    assert "Source:" in page.fields["red_visits"].toolTip()
    page.fields["red_visits"].setText("6")
    page.fields["yellow_visits"].setText("4")
    page.save()
    qtbot.waitUntil(lambda: bool(page.form.errors["yellow_visits"].text()))
    assert "Red" in page.form.errors["yellow_visits"].text()
    page.fields["red_visits"].setText("3")
    page.fields["yellow_visits"].setText("7")
    page.save()
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved"))
    assert StatusSettingsService(f).clinic().settings.yellow_visits == 7


def test_settings_page_shows_each_default_s_source_under_its_field(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    """The intro says the guidance is "cited under each field": it must be there, visible."""
    f = sqlite_session_factory
    seed_colours(f)
    page = SettingsPage(StatusSettingsService(f), runner)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitUntil(lambda: len(page.views) > 1)
    defaults = {d.key: d for d in StatusSettingsService(f).defaults()}
    for key in page.fields:
        note = page.form.notes[key]
        assert note.isVisible()
        assert note.text() == f"Default {defaults[key].value}. Source: {defaults[key].source}"
    assert "pt-rules G2" in page.form.notes["red_visits"].text()
    assert "NO regulatory source" in page.form.notes["kx_approaching_within"].text()


def test_settings_page_sets_the_chart_number_prefix(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    f = sqlite_session_factory
    seed_colours(f)
    page = SettingsPage(StatusSettingsService(f), runner, charts=PatientService(f))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.chart_prefix.text() == "C")
    assert "C000024" in page.chart_prefix_status.text()
    page.chart_prefix.setText("x y")
    page.save_chart_prefix()
    qtbot.waitUntil(lambda: "capital letters" in page.chart_prefix_status.text())
    page.chart_prefix.setText("pt")
    page.save_chart_prefix()
    qtbot.waitUntil(lambda: page.chart_prefix_status.text().startswith("Saved"))
    assert PatientService(f).chart_prefix() == "PT"
    assert "PT000024" in page.chart_prefix_status.text()
