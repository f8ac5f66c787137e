"""Book a visit or a series ("2 a week for 6 weeks, Mon/Thu at 9:00") and see, BEFORE saving,
which dates the authorization or the plan-year limit will not cover (issue 10 #2).

The book-visit form (date, time, provider, coverage, notes) gains a Repeat row and a list of
the dates, each with its status as colour + icon + words. The list is worked out on the
worker (`BookingService.preview`) whenever the form changes; Save books every date in one
transaction. When some dates fall outside, Save is refused until the person ticks "book them
anyway", and those visits are stored marked with why.
"""

from datetime import date, time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.booking import (
    OUTSIDE_MARK,
    WEEKDAY_NAMES,
    Coverage,
    SeriesPlan,
    dates_words,
)
from ptdesk.domain.dates import weekday
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import Status, plural
from ptdesk.services.patients.dtos import CoverageInfo, ProviderOption
from ptdesk.services.visits.api import VisitsApi
from ptdesk.services.visits.booking import (
    BookingApi,
    SeriesBooked,
    SeriesPreview,
    SeriesRequest,
)
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.visit_dialogs import BookVisitDialog, format_time, parse_time
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_chip import status_icon, tint_color

ONCE, WEEKS, COUNT = "once", "weeks", "count"
_STATUS = {Coverage.COVERED: (Status.GREEN, "Covered"),
           Coverage.OUTSIDE: (Status.RED, "Not covered"),
           Coverage.SELF_PAY: (Status.NOT_TRACKED, "Self-pay"),
           Coverage.SKIPPED: (Status.NOT_TRACKED, "Skipped")}


class BookSeriesDialog(BookVisitDialog):
    def __init__(
        self,
        booking: BookingApi,
        service: VisitsApi,
        runner: TaskRunner,
        today: date,
        patient_id: int,
        coverages: tuple[CoverageInfo, ...],
        providers: tuple[ProviderOption, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(service, runner, today, patient_id, coverages, providers, parent)
        self._booking = booking
        self.booked: SeriesBooked | None = None
        self.preview_value: SeriesPreview | None = None
        self._asked: SeriesRequest | None = None
        self.setWindowTitle("Book visits")
        self.repeat = QComboBox()
        self.repeat.addItem("Once", ONCE)
        self.repeat.addItem("Weekly, for a number of weeks", WEEKS)
        self.repeat.addItem("Weekly, a number of visits", COUNT)
        self.number = QSpinBox()
        self.number.setRange(1, 120)
        self.number.setValue(6)
        self.days: list[QCheckBox] = []
        row = QHBoxLayout()
        row.addWidget(self.repeat, 1)
        row.addWidget(self.number)
        days_row = QHBoxLayout()
        for i, name in enumerate(WEEKDAY_NAMES[:6]):
            box = QCheckBox(name)
            box.setProperty("weekday", i)
            self.days.append(box)
            days_row.addWidget(box)
        days_row.addStretch(1)
        holder, days_holder = QWidget(), QWidget()
        holder.setLayout(row)
        days_holder.setLayout(days_row)
        row.setContentsMargins(0, 0, 0, 0)
        days_row.setContentsMargins(0, 0, 0, 0)
        self.form.add_field("repeat", "&Repeat", holder)
        self.form.add_field("weekdays", "On &days", days_holder)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Date", "Time", "Authorization and limit"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(220)
        self.anyway = QCheckBox()
        self.anyway.setVisible(False)
        lay = self.layout()
        assert isinstance(lay, QVBoxLayout)
        at = lay.indexOf(self.status)
        lay.insertWidget(at, self.summary)
        lay.insertWidget(at + 1, self.table, 1)
        lay.insertWidget(at + 2, self.anyway)
        self.setMinimumWidth(640)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # one preview after a burst of typing
        self._timer.timeout.connect(self.refresh_preview)
        self.day.textChanged.connect(self._changed)
        self.at.textChanged.connect(self._changed)
        self.coverage.currentIndexChanged.connect(self._changed)
        self.provider.currentIndexChanged.connect(self._changed)
        self.repeat.currentIndexChanged.connect(self._changed)
        self.number.valueChanged.connect(self._changed)
        for box in self.days:
            box.toggled.connect(self._changed)
        self._changed()

    # --- the request -----------------------------------------------------------------------

    def plan(self) -> SeriesPlan | None:
        start = self.day.value()
        if start is None:
            return None
        mode = self.repeat.currentData()
        at = parse_time(self.at.text())
        if mode == ONCE:
            return SeriesPlan(start, (start.weekday(),), at, count=1)
        weekdays = tuple(int(b.property("weekday")) for b in self.days if b.isChecked())
        n = self.number.value()
        return SeriesPlan(start, weekdays, at, weeks=n if mode == WEEKS else None,
                          count=n if mode == COUNT else None)

    def request(self) -> SeriesRequest | None:
        plan = self.plan()
        if plan is None:
            return None
        d = self.draft()
        return SeriesRequest(d.patient_id, d.coverage_id, d.provider_id, plan, d.notes)

    def _changed(self) -> None:
        weekly = self.repeat.currentData() != ONCE
        self.number.setEnabled(weekly)
        for box in self.days:
            box.setEnabled(weekly)
        self.number.setSuffix(" weeks" if self.repeat.currentData() == WEEKS else " visits")
        if weekly and not any(b.isChecked() for b in self.days) and self.day.value():
            start = self.day.value()
            assert start is not None
            if start.weekday() < 6:
                self.days[start.weekday()].setChecked(True)  # toggles back into _changed
                return
        self._timer.start()

    # --- the preview -----------------------------------------------------------------------

    def refresh_preview(self) -> None:
        req = self.request()
        if req is None or (req.plan.problems() and self.repeat.currentData() != ONCE):
            self._show(None, next(iter(req.plan.problems().values()), "")
                       if req is not None else "Enter the first date.")
            return
        self._asked = req
        self._runner.submit(self._booking.preview, req, on_done=self._previewed,
                            on_error=self._preview_failed)

    def _previewed(self, p: SeriesPreview) -> None:
        if p.request != self._asked:
            return  # an older answer: the form changed since
        self._show(p, "")

    def _preview_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self._show(None, " ".join(exc.errors.values()))
        else:
            self._failed(exc)

    def _show(self, p: SeriesPreview | None, problem: str) -> None:
        self.preview_value = p
        self.table.setRowCount(0)
        if p is None:
            self.summary.setText(problem)
            self.anyway.setVisible(False)
            self._label_save()
            return
        rows: list[tuple[date, str, Coverage, str]] = [
            (v.day, format_time(v.at), v.coverage, v.why) for v in p.visits]
        rows += [(s.day, "", Coverage.SKIPPED, f"not booked: {s.why}") for s in p.skipped]
        rows.sort(key=lambda r: r[0])
        self.table.setRowCount(len(rows))
        for i, (day, at, cov, why) in enumerate(rows):
            status, word = _STATUS[cov]
            text = f"{word}: {why}" if why and cov is not Coverage.SELF_PAY else word
            cells = (QTableWidgetItem(f"{weekday(day)} {format_date(day)}"), QTableWidgetItem(at),
                     QTableWidgetItem(status_icon(status), text))
            for c, item in enumerate(cells):
                if cov is not Coverage.COVERED:
                    item.setBackground(tint_color(status))
                if cov is Coverage.SKIPPED:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(i, c, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        n = len(p.visits)
        head = f"{plural(n, 'visit')} ({p.words})" if n > 1 else "1 visit"
        if p.skipped:
            whys = " or ".join(sorted({s.why for s in p.skipped}))
            head += f"; {plural(len(p.skipped), 'day')} skipped ({whys})"
        moved = ""
        if p.displaced:
            moved = (f"<br>&#9888; {plural(len(p.displaced), 'visit')} already booked will then "
                     f"fall outside: {dates_words(p.displaced)} (earlier dates use the "
                     "authorization first)")
        if p.outside_count:
            lines = "<br>".join(f"&#9888; {x}" for x in p.outside) + moved
            self.summary.setText(f"<b>{head}. {plural(p.outside_count, 'visit')} will not be "
                                 f"covered:</b><br>{lines}")
            self.anyway.setText(f"&Book the {plural(p.outside_count, 'uncovered visit')} anyway, "
                                f"marked “{OUTSIDE_MARK}”")
            self.anyway.setVisible(True)
        else:
            self.summary.setText((f"{head}: all covered." if p.visits and not all(
                v.coverage is Coverage.SELF_PAY for v in p.visits) else f"{head}.") + moved)
            self.anyway.setChecked(False)
            self.anyway.setVisible(False)
        self._label_save()

    def _label_save(self) -> None:
        p = self.preview_value
        n = len(p.visits) if p is not None else 0
        self.save_button.setText(f"&Book {plural(n, 'visit')}" if n > 1 else "&Book")

    # --- saving ----------------------------------------------------------------------------

    def errors(self) -> dict[str, str]:
        errors = super().errors()
        req = self.request()
        if req is not None and self.repeat.currentData() != ONCE:
            errors.update(req.plan.problems())
        return errors

    def save(self) -> None:
        req = self.request()
        if req is None:
            return
        p = self.preview_value
        if p is not None and p.request == req and p.outside_count and not self.anyway.isChecked():
            self.show_errors({"outside": "Some dates will not be covered: tick “Book … anyway” "
                                         "to book them marked, or change the dates."})
            self.anyway.setFocus()
            return
        self.submit_save(self._booking.book, req, self.anyway.isChecked())

    def _saved(self, booked: SeriesBooked) -> None:  # type: ignore[override]
        self._set_busy(False)
        self.booked = booked
        self.accept()

    @classmethod
    def ask_series(
        cls, parent: QWidget | None, booking: BookingApi, service: VisitsApi, runner: TaskRunner,
        today: date, patient_id: int, coverages: tuple[CoverageInfo, ...],
        providers: tuple[ProviderOption, ...],
    ) -> SeriesBooked | None:
        dialog = cls(booking, service, runner, today, patient_id, coverages, providers, parent)
        dialog.exec()
        return dialog.booked


def book_for_record(record_view: QWidget, runner: TaskRunner, today: date, day: date,
                    at: time | None, provider_id: int | None,
                    providers: tuple[ProviderOption, ...], parent: QWidget | None) -> bool:
    """The week view's Enter on a free slot: the booking dialog for the patient whose record
    is open, pre-filled with the slot. False when no record is open (nothing to book for)."""
    record = getattr(record_view, "record", None)
    auth = getattr(record_view, "_auth", None)  # the record's own service bundle
    if record is None or auth is None or auth.booking is None:
        return False
    d = BookSeriesDialog(auth.booking, auth.visits, runner, today, record.patient.id,
                         record.coverages, providers, parent)
    d.setWindowTitle(f"Book visits: {record.patient.last_name}, {record.patient.first_name}")
    d.day.set_value(day)
    d.at.setText(format_time(at))
    d.provider.setCurrentIndex(max(0, d.provider.findData(provider_id)))
    d.exec()
    if d.booked is not None:
        record_view.sig_record_changed.emit()  # type: ignore[attr-defined]
    return True
