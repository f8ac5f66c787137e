"""The lookup's search flow: typing searches at once through the task runner; while a search
runs only the latest text waits (fast typing never builds a queue); the answer replaces the
rows only when it is still the box's text, and the status chips follow the rows in view."""

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel

from ptdesk.domain.words import plural
from ptdesk.services.patients.dtos import PatientSearchResult
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.patients.lookup_chips import LookupChips
from ptdesk.ui.patients.patient_editing import PatientEditing
from ptdesk.ui.patients.patient_table_model import PatientTableModel

log = logging.getLogger(__name__)

SEARCH_KEY = "patient-search"
INDEX_KEY = "patient-lookup-index"
HINT = "Type a name, date of birth, phone, chart or member id"


def _lookup_not_prepared(exc: BaseException) -> None:
    # Searches still work (through SQL), only slower: a log line, not a dialog.
    log.warning("the patient lookup index could not be loaded: %s", type(exc).__name__)


class LookupSearch(PatientEditing):
    """Base of `PatientsPage`: the search box's answers."""

    sig_results_shown = Signal(str)  # the text the table now answers

    _searching: bool
    _queued: str | None
    _shown_text: str
    _fresh_chips: bool
    chips: LookupChips | None
    model: PatientTableModel
    status_label: QLabel

    def selected_patient_id(self) -> int | None:
        raise NotImplementedError

    def _select_patient(self, patient_id: int | None) -> None:
        raise NotImplementedError

    def _prepare_lookup(self) -> None:
        """Have the service load the lookup's keys into memory, a part per task (a keystroke
        meanwhile waits for one part, and searches through SQL until all are in). Optional in
        `PatientsApi`: a service without it searches through SQL."""
        prepare = getattr(self._patients, "prepare_lookup", None)
        if prepare is None:
            return
        try:
            self._runner.submit(prepare, on_done=self._lookup_part_loaded,
                                on_error=_lookup_not_prepared, key=INDEX_KEY)
        except RuntimeError:  # the runner is shut down (the window closing): nothing to load
            log.debug("patient lookup index: not loaded, the task runner is shut down")

    def _lookup_part_loaded(self, done: bool) -> None:
        if not done:
            self._prepare_lookup()

    def _text_changed(self, text: str) -> None:
        if self.chips is not None:
            self.chips.cancel()  # the chips of a page about to be replaced: not loaded
        if not text.strip():
            self._queued = None
            self.model.set_rows(())
            self._shown_text = text
            self._show_hint()
            self.sig_results_shown.emit(text)
            return
        if self._searching:
            self._queued = text  # only the latest text waits
            return
        self._search(text)

    def _search(self, text: str) -> None:
        self._searching = True
        if self.chips is not None:
            self.chips.paused = True
        self._runner.submit(
            self._patients.search,
            text,
            self._today(),
            on_done=self._results,
            on_error=self._search_failed,
            key=SEARCH_KEY,
        )

    def refresh(self) -> None:
        """Run the current search again (after a save), the status chips with it."""
        if self.search_box.text().strip() and not self._searching:
            self._fresh_chips = True
            self._search(self.search_box.text())

    def _next_queued(self) -> bool:
        """Start the search that waited while one ran; True if one started."""
        self._searching = False
        if self.chips is not None:
            self.chips.paused = False
        if self._queued is None:
            return False
        self._queued = None
        text = self.search_box.text()
        if not text.strip():
            return False
        self._search(text)
        return True

    def _results(self, result: PatientSearchResult) -> None:
        if self._next_queued() or result.text != self.search_box.text():
            return  # a newer text is on its way
        selected = self.selected_patient_id()
        if (self.model.set_rows(result.rows) or self._fresh_chips) and self.chips is not None:
            self.chips.rows_replaced()
        self._fresh_chips = False
        self._shown_text = result.text
        self._show_count(result)
        if result.rows:
            self._select_patient(selected)
            if self.chips is not None:
                self.chips.later()
        self.sig_results_shown.emit(result.text)

    def _search_failed(self, exc: BaseException) -> None:
        self._next_queued()
        self.status_label.setText("The search could not be completed.")
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    def _show_hint(self) -> None:
        self.status_label.setText(HINT + ". Press Ctrl+N to add a new patient.")

    def _show_count(self, result: PatientSearchResult) -> None:
        n = len(result.rows)
        if n == 0:
            self.status_label.setText(
                f"No patient matches “{result.text.strip()}”. Check the spelling, try a date of "
                "birth or phone number, or press Ctrl+N to add a new patient."
            )
        elif result.more:
            self.status_label.setText(
                f"The first {n} patients by name are shown: keep typing to narrow the search "
                "(e.g. “smi jo” for Jo Smith)."
            )
        else:
            by = f" by {result.kind}" if result.kind else ""
            self.status_label.setText(f"{plural(n, 'patient')} found{by}. "
                                      "Enter opens the selected patient.")
